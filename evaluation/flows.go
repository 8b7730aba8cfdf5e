package evaluation

import (
	"cmp"
	"slices"
	"strings"

	"github.com/bkpsdm/mutasi/models"
)

// Flow counts the moves from one unit to another that took effect
// (models.Stage.Effective). It names units only: a move that took effect
// is published in its decree, so a flow of one is shown as any other.
// From is empty for a mover who held no post in a unit.
type Flow struct {
	From     string `json:"from_unit"`
	FromName string `json:"from_name"`
	To       string `json:"to_unit"`
	ToName   string `json:"to_name"`
	Count    int    `json:"count"`
}

// flows counts the transfers that took effect by origin and destination
// unit, the largest flows first (then by origin and destination).
func flows(transfers []models.Transfer, units map[string]string) []Flow {
	type pair struct{ from, to string }
	counts := map[pair]int{}
	for _, t := range transfers {
		if t.Stage.Effective() {
			counts[pair{t.FromUnitID, t.ToUnitID}]++
		}
	}
	out := make([]Flow, 0, len(counts))
	for p, n := range counts {
		out = append(out, Flow{From: p.from, FromName: units[p.from], To: p.to, ToName: units[p.to], Count: n})
	}
	slices.SortFunc(out, func(a, b Flow) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(a.From, b.From), strings.Compare(a.To, b.To))
	})
	return out
}
