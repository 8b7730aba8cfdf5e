package seed

import (
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestLoadTwice loads the demo data twice, on each backend: every
// employee has one spell, open, in their post since in_post_since, and
// the second load writes nothing more.
func TestLoadTwice(t *testing.T) {
	d := Generate(200, time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), 2)
	var sanctions int64
	for _, e := range d.Employees {
		sanctions += int64(len(e.Sanctions))
	}
	if sanctions == 0 {
		t.Fatal("the demo data has no sanctions")
	}
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			for range 2 {
				if err := Load(gdb, Generate(200, time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), 2)); err != nil {
					t.Fatal(err)
				}
				var spells []models.PositionHistory
				gdb.Order("nip").Find(&spells)
				if len(spells) != len(d.Employees) {
					t.Fatalf("%d spells for %d employees", len(spells), len(d.Employees))
				}
				byNIP := map[string]models.PositionHistory{}
				for _, s := range spells {
					byNIP[s.NIP] = s
				}
				for _, e := range d.Employees {
					s := byNIP[e.NIP]
					if s.PositionID != e.PositionID || !s.Start.Equal(e.InPostSince) || s.End != nil ||
						s.UnitID == "" {
						t.Fatalf("spell %+v for %s in %s since %v", s, e.NIP, e.PositionID, e.InPostSince)
					}
				}
				var n int64
				if gdb.Model(&models.Sanction{}).Count(&n); n != sanctions {
					t.Errorf("%d sanctions, want %d", n, sanctions)
				}
			}
		})
	}
}
