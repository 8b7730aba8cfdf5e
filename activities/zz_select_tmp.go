package activities

import "github.com/bkpsdm/mutasi/selection"

// TEMPORARY until selection.Select lands: everyone eligible, first come.
func selectProposals(in selection.Input) (selection.Result, error) {
	var res selection.Result
	used := map[string]bool{}
	for _, p := range in.Positions {
		for s := 0; s < p.Seats; s++ {
			for _, c := range in.Candidates {
				if used[c.NIP] || c.PositionID == p.ID || c.Status != "pns" {
					continue
				}
				used[c.NIP] = true
				res.Proposals = append(res.Proposals, selection.Proposal{PositionID: p.ID, NIP: c.NIP, Score: 0.5})
				break
			}
		}
	}
	return res, nil
}
