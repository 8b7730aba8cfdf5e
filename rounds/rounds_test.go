package rounds

import (
	"testing"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/workflows"
)

// The keys of a round's updates follow its re-plans, not its database
// rows: a re-plan that proposed no one new still gets a key of its own,
// and so does its confirmation.
func TestUpdateKeysFollowThePlans(t *testing.T) {
	pending := &contract.Replan{Plan: 2}
	for _, c := range []struct {
		st                    workflows.RoundState
		confirm, replan, name string
	}{
		{workflows.RoundState{}, "confirm-0", "replan-1", "first plan"},
		{workflows.RoundState{Replans: 1, Replan: pending}, "confirm-1", "replan-1", "a re-plan awaiting confirmation"},
		{workflows.RoundState{Replans: 1}, "confirm-1", "replan-2", "a confirmed re-plan"},
		{workflows.RoundState{Replans: 2}, "confirm-2", "replan-3", "a second confirmed re-plan"},
	} {
		confirm, replan := updateKeys(c.st)
		if confirm != c.confirm || replan != c.replan {
			t.Errorf("%s: keys %s, %s; want %s, %s", c.name, confirm, replan, c.confirm, c.replan)
		}
	}
}
