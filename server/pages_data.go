package server

import (
	"context"
	"time"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

// transferRow is a transfer with the names a person reads: the
// employee's, the positions' and the units'.
type transferRow struct {
	models.Transfer
	Employee     string
	FromPosition string
	ToPosition   string
	FromUnit     string
	ToUnit       string
	// After names the movers whose departure frees the seat this transfer
	// takes (its DependsOn): a vacancy chain, or a swap.
	After []string
	// Live is the workflow's state where a page asked for it.
	Live *workflows.TransferState
}

// describe adds the names to transfers, in three queries.
func (s *Server) describe(ctx context.Context, ts []models.Transfer) ([]transferRow, error) {
	nips, positions, units := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, t := range ts {
		nips[t.NIP] = true
		positions[t.FromPositionID], positions[t.ToPositionID] = true, true
		units[t.FromUnitID], units[t.ToUnitID] = true, true
	}
	gdb := s.DB.WithContext(ctx)
	var emps []models.Employee
	if err := gdb.Select("nip", "name").Where("nip IN ?", keys(nips)).Find(&emps).Error; err != nil {
		return nil, err
	}
	var poss []models.Position
	if err := gdb.Select("id", "name").Where("id IN ?", keys(positions)).Find(&poss).Error; err != nil {
		return nil, err
	}
	var us []models.Unit
	if err := gdb.Select("id", "name").Where("id IN ?", keys(units)).Find(&us).Error; err != nil {
		return nil, err
	}
	en, pn, un := map[string]string{}, map[string]string{}, map[string]string{}
	for _, e := range emps {
		en[e.NIP] = e.Name
	}
	for _, p := range poss {
		pn[p.ID] = p.Name
	}
	for _, u := range us {
		un[u.ID] = u.Name
	}
	byID := make(map[string]models.Transfer, len(ts))
	for _, t := range ts {
		byID[t.ID] = t
	}
	out := make([]transferRow, len(ts))
	for i, t := range ts {
		out[i] = transferRow{Transfer: t, Employee: en[t.NIP], FromPosition: pn[t.FromPositionID], ToPosition: pn[t.ToPositionID],
			FromUnit: un[t.FromUnitID], ToUnit: un[t.ToUnitID]}
		for _, d := range t.DependsOn {
			name := d // a transfer the reader may not see: its ID
			if dep, ok := byID[d]; ok {
				name = en[dep.NIP] + " (" + pn[dep.FromPositionID] + ")"
			}
			out[i].After = append(out[i].After, name)
		}
	}
	return out, nil
}

// describeOne describes one transfer.
func (s *Server) describeOne(ctx context.Context, t models.Transfer) (transferRow, error) {
	rows, err := s.describe(ctx, []models.Transfer{t})
	if err != nil {
		return transferRow{}, err
	}
	return rows[0], nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

// transfersByID reads transfers by ID, in the order asked.
func (s *Server) transfersByID(ctx context.Context, ids []string) ([]models.Transfer, error) {
	var ts []models.Transfer
	if err := s.DB.WithContext(ctx).Where("id IN ?", append(ids, "")).Find(&ts).Error; err != nil {
		return nil, err
	}
	byID := map[string]models.Transfer{}
	for _, t := range ts {
		byID[t.ID] = t
	}
	out := make([]models.Transfer, 0, len(ids))
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// rowsByID describes the transfers with these IDs, by ID.
func (s *Server) rowsByID(ctx context.Context, ids []string) (map[string]transferRow, error) {
	ts, err := s.transfersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.describe(ctx, ts)
	if err != nil {
		return nil, err
	}
	out := make(map[string]transferRow, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// stageCount is one stage's count, for tables.
type stageCount struct {
	Stage models.Stage
	N     int
}

// ordered lists the stages with transfers, in lifecycle order.
func ordered(counts map[models.Stage]int) []stageCount {
	var out []stageCount
	for _, st := range models.Stages {
		if counts[st] > 0 {
			out = append(out, stageCount{st, counts[st]})
		}
	}
	return out
}

// overdueItem is a wait that has run past its reminder or deadline.
type overdueItem struct {
	transferRow
	Kind     string // "decision", "acknowledgement" or "training"
	Since    time.Time
	Due      time.Time
	Deadline *time.Time
	// Escalated: the wait is past its escalation (decisions) or its
	// deadline (training).
	Escalated bool
}
