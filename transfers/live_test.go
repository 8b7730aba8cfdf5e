package transfers

import (
	"context"
	"testing"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestLiveReadFromDatabase: a transfer whose workflow records its state
// (workflows.LiveInDB) is read from the database alone; the service has
// no Temporal client here, so asking the workflow would panic.
func TestLiveReadFromDatabase(t *testing.T) {
	gdb, _ := testkit.New(t)
	tr := models.Transfer{ID: "R1-199001012015011001-P2", RoundID: "R1", NIP: "199001012015011001", ToPositionID: "P2",
		ToUnitID: "U2", Stage: models.StageAwaitingPPK, WorkflowID: "transfer-R1-199001012015011001-P2",
		Live: `{"transfer_id":"R1-199001012015011001-P2","stage":"awaiting_ppk","awaiting":"ppk","training":false,` +
			`"decisions":[{"actor":{"id":"tpk1","role":"tpk"},"approve":true,"reason":"sesuai","at":"2027-01-04T09:00:00Z"}]}`}
	if err := gdb.Create(&tr).Error; err != nil {
		t.Fatal(err)
	}
	s := &Service{DB: gdb}
	v, err := s.Get(context.Background(), models.Actor{ID: "hr1", Role: models.RoleHR}, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Live == nil || v.Live.Awaiting != models.RolePPK || len(v.Live.Decisions) != 1 || v.Live.Decisions[0].Actor.ID != "tpk1" {
		t.Fatalf("live state %+v", v.Live)
	}
	if v.Stage != models.StageAwaitingPPK {
		t.Errorf("stage %s", v.Stage)
	}
}
