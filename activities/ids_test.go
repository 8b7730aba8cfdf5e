package activities_test

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"gorm.io/gorm/schema"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
)

// TestDerivedIDsFit derives ids from the longest parts the API and the
// imports accept: a transfer id fits models.MaxTransferID and stays the
// same for the same transfer, two transfers that share the kept
// beginning differ, a transfer id that fits is the plain key, and the
// workflow ids fit their columns.
func TestDerivedIDsFit(t *testing.T) {
	const nip = "199001012015011001"
	round := strings.Repeat("R", models.MaxRoundID)
	pos := func(last string) string { return strings.Repeat("é", models.MaxPositionID-1) + last }
	a, b := contract.TransferID(round, nip, pos("a")), contract.TransferID(round, nip, pos("b"))
	for _, id := range []string{a, b} {
		if n := utf8.RuneCountInString(id); n > models.MaxTransferID || !utf8.ValidString(id) {
			t.Errorf("transfer id %q has %d characters, the limit is %d", id, n, models.MaxTransferID)
		}
	}
	if a == b || a != contract.TransferID(round, nip, pos("a")) {
		t.Errorf("transfer ids %q and %q: want two, each the same every time", a, b)
	}
	if id := contract.TransferID("R1", nip, "U001-P01"); id != "R1-"+nip+"-U001-P01" {
		t.Errorf("a short transfer id became %q", id)
	}
	size := func(model any, column string) int {
		s, err := schema.Parse(model, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		return s.LookUpField(column).Size
	}
	if id, max := contract.RoundWorkflowID(round), size(&models.Round{}, "workflow_id"); len(id) > max {
		t.Errorf("round workflow id %q is over its column of %d", id, max)
	}
	if id, max := contract.TransferWorkflowID(a), size(&models.Transfer{}, "workflow_id"); utf8.RuneCountInString(id) > max {
		t.Errorf("transfer workflow id %q is over its column of %d", id, max)
	}
}
