package transfers

import (
	"context"
	"fmt"
	"testing"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestListCountsAllMatching: every page of a list gives how many
// transfers match in all, on each backend, past its end and with no match
// too; the count honours the filter and what the actor may see.
func TestListCountsAllMatching(t *testing.T) {
	for _, backend := range testkit.Backends() {
		t.Run(backend.Name, func(t *testing.T) {
			gdb, _ := backend.New(t)
			add := func(round string, i int, stage models.Stage) {
				nip := fmt.Sprintf("1990010120150110%02d", i)
				id := round + "-" + nip + "-P1"
				if err := gdb.Create(&models.Transfer{ID: id, RoundID: round, NIP: nip, ToPositionID: "P1", ToUnitID: "U1",
					Stage: stage, WorkflowID: "transfer-" + id}).Error; err != nil {
					t.Fatal(err)
				}
			}
			for i := range 7 {
				add("R1", i, models.StageAwaitingTPK)
			}
			add("R1", 7, models.StageAwaitingPPK)
			add("R2", 0, models.StageAwaitingTPK)
			s := &Service{DB: gdb}
			hr := models.Actor{ID: "hr1", Role: models.RoleHR}
			for _, c := range []struct {
				actor        models.Actor
				f            Filter
				p            Page
				items, total int
				first        string
			}{
				{hr, Filter{Round: "R1", Stage: models.StageAwaitingTPK}, Page{Limit: 3}, 3, 7, "R1-199001012015011000-P1"},
				{hr, Filter{Round: "R1", Stage: models.StageAwaitingTPK}, Page{Limit: 3, Offset: 6}, 1, 7, "R1-199001012015011006-P1"},
				{hr, Filter{Round: "R1", Stage: models.StageAwaitingTPK}, Page{Limit: 3, Offset: 9}, 0, 7, ""},
				{hr, Filter{Round: "R1"}, Page{Limit: 50}, 8, 8, "R1-199001012015011000-P1"},
				{hr, Filter{}, Page{Limit: 2}, 2, 9, "R1-199001012015011000-P1"},
				{hr, Filter{Round: "R3"}, Page{Limit: 50}, 0, 0, ""},
				{models.Actor{ID: "tpk1", Role: models.RoleTPK, Units: []string{"U9"}}, Filter{}, Page{Limit: 50}, 0, 0, ""},
			} {
				items, total, err := s.List(context.Background(), c.actor, c.f, c.p)
				if err != nil {
					t.Fatalf("%+v %+v: %v", c.f, c.p, err)
				}
				if len(items) != c.items || int(total) != c.total || (len(items) > 0 && items[0].ID != c.first) {
					first := ""
					if len(items) > 0 {
						first = items[0].ID
					}
					t.Errorf("%+v %+v: %d items from %q of %d, want %d from %q of %d", c.f, c.p, len(items), first, total,
						c.items, c.first, c.total)
				}
			}
		})
	}
}
