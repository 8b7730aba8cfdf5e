package activities

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/selection"
)

// AnalyzeNeeds finds which positions need someone and why: vacant, short
// of what the workload analysis (ABK) asks, or held by an incumbent past
// the maximum time in post.
func (a *Activities) AnalyzeNeeds(ctx context.Context, in contract.RoundAsOf) (contract.NeedsResult, error) {
	gdb := a.DB.WithContext(ctx)
	var round models.Round
	if err := gdb.First(&round, "id = ?", in.RoundID).Error; err != nil {
		return contract.NeedsResult{}, notFound(err, "round "+in.RoundID)
	}
	var positions []models.Position
	if err := gdb.Order("id").Find(&positions).Error; err != nil {
		return contract.NeedsResult{}, err
	}
	var incumbents []models.Employee
	if err := gdb.Select("nip", "position_id", "in_post_since").
		Where("status <> ? AND position_id <> ''", models.StatusRetired).Order("nip").Find(&incumbents).Error; err != nil {
		return contract.NeedsResult{}, err
	}
	byPosition := map[string][]models.Employee{}
	for _, e := range incumbents {
		byPosition[e.PositionID] = append(byPosition[e.PositionID], e)
	}
	rules := selection.EffectiveRules(round.Settings.Rules)
	var needs []models.Need
	for _, p := range positions {
		held := byPosition[p.ID]
		need := func(reason models.NeedReason, seats, priority int, nip string) {
			needs = append(needs, models.Need{RoundID: in.RoundID, PositionID: p.ID, Reason: reason,
				IncumbentNIP: nip, Seats: seats, Priority: priority})
		}
		switch {
		case len(held) == 0 && p.Seats > 0:
			need(models.NeedVacant, p.Seats, 1, "")
		case len(held) < p.Seats:
			need(models.NeedABK, p.Seats-len(held), 2, "")
		}
		for _, e := range held {
			if selection.PastMaxTimeInPost(e.InPostSince, in.AsOf, rules) {
				need(models.NeedTenure, 1, 3, e.NIP)
			}
		}
	}
	err := gdb.Transaction(func(tx *gorm.DB) error {
		if len(needs) > 0 {
			if err := insertOnce(tx.Session(&gorm.Session{CreateBatchSize: 500}), &needs).Error; err != nil {
				return err
			}
		}
		return audit(tx, "round:"+in.RoundID+":needs", models.AuditEntry{RoundID: in.RoundID,
			ActorID: contract.System.ID, Role: contract.System.Role, Action: models.ActionNeedsAnalyzed, At: in.AsOf})
	})
	if err != nil {
		return contract.NeedsResult{}, err
	}
	var res contract.NeedsResult
	row := gdb.Model(&models.Need{}).Where("round_id = ?", in.RoundID).Select("count(*), coalesce(sum(seats), 0)").Row()
	if err := row.Scan(&res.Needs, &res.Seats); err != nil {
		return contract.NeedsResult{}, err
	}
	return res, nil
}

// SelectCandidates runs selection over the round's needs and records the
// proposals, with their score breakdowns, and the exclusions with their
// rules. A retry returns the proposals recorded the first time.
func (a *Activities) SelectCandidates(ctx context.Context, in contract.RoundAsOf) ([]contract.Proposal, error) {
	gdb := a.DB.WithContext(ctx)
	var round models.Round
	if err := gdb.First(&round, "id = ?", in.RoundID).Error; err != nil {
		return nil, notFound(err, "round "+in.RoundID)
	}
	var count int64
	if err := gdb.Model(&models.Transfer{}).Where("round_id = ?", in.RoundID).Count(&count).Error; err != nil {
		return nil, err
	}
	if count == 0 {
		if err := a.planRound(gdb, round, in.AsOf, 1); err != nil {
			return nil, err
		}
	}
	return ProposalsOf(gdb, in.RoundID, 1)
}

// ReplanRound reruns selection for a round under way: every transfer of it
// still to take effect is kept as decided, its blocked ones are seated
// again (with new dependencies, or the error contract.ErrNoRoom when they cannot
// all be), and the seats left open are filled by new proposals, recorded
// as the round's next plan. Employees the round has already decided about
// are not proposed again. A retry returns the plan recorded the first time.
func (a *Activities) ReplanRound(ctx context.Context, in contract.RoundAsOf) (contract.Replan, error) {
	gdb := a.DB.WithContext(ctx)
	var round models.Round
	if err := gdb.First(&round, "id = ?", in.RoundID).Error; err != nil {
		return contract.Replan{}, notFound(err, "round "+in.RoundID)
	}
	var last struct {
		Plan     int
		Proposed int
	}
	if err := gdb.Model(&models.Transfer{}).Where("round_id = ?", in.RoundID).
		Select("coalesce(max(plan), 1) AS plan, count(*) FILTER (WHERE stage = ?) AS proposed", models.StageProposed).
		Scan(&last).Error; err != nil {
		return contract.Replan{}, err
	}
	n := last.Plan
	if last.Proposed == 0 {
		n++
		if err := a.planRound(gdb, round, in.AsOf, n); err != nil {
			if errors.Is(err, selection.ErrNoRoom) {
				return contract.Replan{}, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrNoRoom, err)
			}
			return contract.Replan{}, err
		}
	}
	ps, err := ProposalsOf(gdb, in.RoundID, n)
	if err != nil {
		return contract.Replan{}, err
	}
	var blocked []models.Transfer
	if err := gdb.Select("id", "depends_on").Where("round_id = ? AND stage = ?", in.RoundID, models.StageBlocked).
		Find(&blocked).Error; err != nil {
		return contract.Replan{}, err
	}
	out := contract.Replan{Plan: n, Proposals: ps, Rewired: map[string][]string{}}
	for _, t := range blocked {
		out.Rewired[t.ID] = t.DependsOn
	}
	return out, nil
}

// ProposalsOf reads what the round workflow needs of a plan's proposals
// (the first plan is 1, re-plans 2 and on); tests and the benchmark read
// a round's proposals with it too.
func ProposalsOf(gdb *gorm.DB, roundID string, plan int) ([]contract.Proposal, error) {
	var transfers []models.Transfer
	if err := gdb.Where("round_id = ? AND plan = ?", roundID, plan).Order("id").Find(&transfers).Error; err != nil {
		return nil, err
	}
	var positions []models.Position
	if err := gdb.Select("id", "kind", "extra_duty").Find(&positions).Error; err != nil {
		return nil, err
	}
	covered := map[string]bool{}
	for _, p := range positions {
		covered[p.ID] = p.Kind.Managerial() || p.ExtraDuty
	}
	out := make([]contract.Proposal, len(transfers))
	for i, t := range transfers {
		out[i] = contract.Proposal{TransferID: t.ID, NIP: t.NIP, ToPositionID: t.ToPositionID, ToUnitID: t.ToUnitID,
			Training: t.TrainingProposed, Covered: covered[t.FromPositionID] || covered[t.ToPositionID],
			DependsOn: t.DependsOn}
	}
	return out, nil
}

// planRound runs selection for plan n of the round and writes its result
// in one transaction. For a re-plan (n > 1) the round's transfers still to
// take effect are fixed, its blocked ones rewired (their new dependencies
// written), and the exclusions of the first plan stand.
func (a *Activities) planRound(gdb *gorm.DB, round models.Round, asOf time.Time, n int) error {
	var needs []models.Need
	if err := gdb.Select("position_id").Where("round_id = ?", round.ID).Find(&needs).Error; err != nil {
		return err
	}
	needed := map[string]bool{}
	for _, n := range needs {
		needed[n.PositionID] = true
	}
	var others, own []models.Transfer
	if err := gdb.Select("nip", "to_position_id", "stage").Where("round_id <> ?", round.ID).
		Find(&others).Error; err != nil {
		return err
	}
	if err := gdb.Select("id", "nip", "to_position_id", "stage", "depends_on").Where("round_id = ?", round.ID).
		Find(&own).Error; err != nil {
		return err
	}
	var positions []models.Position
	if err := gdb.Preload("Competencies").Order("id").Find(&positions).Error; err != nil {
		return err
	}
	var employees []models.Employee
	if err := gdb.Preload("Sanctions").Where("status <> ?", models.StatusRetired).
		Order("nip").Find(&employees).Error; err != nil {
		return err
	}
	in := selectionInput(round, asOf, positions, employees, needed, others)
	idOf := map[string]string{} // NIP -> transfer ID, of this round's transfers still to take effect and the new ones
	byID := map[string]models.Transfer{}
	for _, t := range own {
		byID[t.ID] = t
	}
	settled := map[string]bool{}
	for _, t := range own {
		settled[t.NIP] = true
		if !t.Stage.Pending() {
			continue
		}
		idOf[t.NIP] = t.ID
		f := selection.FixedMove{NIP: t.NIP, PositionID: t.ToPositionID, Rewire: t.Stage == models.StageBlocked}
		for _, d := range t.DependsOn {
			// A departure that has taken effect already freed its seat.
			if dep := byID[d]; !f.Rewire && dep.Stage.Pending() {
				f.DependsOn = append(f.DependsOn, dep.NIP)
			}
		}
		in.Fixed = append(in.Fixed, f)
	}
	for i, c := range in.Candidates {
		in.Candidates[i].Settled = settled[c.NIP]
	}
	res, err := selection.Select(in)
	if errors.Is(err, selection.ErrNoRoom) {
		return err
	}
	if err != nil {
		return temporal.NewNonRetryableApplicationError("selection failed: "+err.Error(), contract.ErrSelection, err)
	}
	posByID := map[string]models.Position{}
	for _, p := range positions {
		posByID[p.ID] = p
	}
	for _, p := range res.Proposals {
		idOf[p.NIP] = contract.TransferID(round.ID, p.NIP, p.PositionID)
	}
	ids := func(nips []string) []string {
		var out []string
		for _, nip := range nips {
			out = append(out, idOf[nip])
		}
		return out
	}
	transfers := make([]models.Transfer, 0, len(res.Proposals))
	for _, p := range res.Proposals {
		id := idOf[p.NIP]
		transfers = append(transfers, models.Transfer{ID: id, RoundID: round.ID, NIP: p.NIP,
			FromPositionID: p.FromPositionID, FromUnitID: posByID[p.FromPositionID].UnitID,
			ToPositionID: p.PositionID, ToUnitID: posByID[p.PositionID].UnitID, Stage: models.StageProposed,
			Score: p.Score, Breakdown: p.Breakdown, CompetenceGap: p.CompetenceGap, DependsOn: ids(p.DependsOn), Plan: n,
			TrainingProposed: p.Training, WorkflowID: contract.TransferWorkflowID(id), CreatedAt: asOf, UpdatedAt: asOf})
	}
	var exclusions []models.Exclusion
	if n == 1 {
		for _, x := range res.Exclusions {
			exclusions = append(exclusions, models.Exclusion{RoundID: round.ID, NIP: x.NIP, Rule: x.Rule, Message: x.Message,
				MessageEN: x.MessageEN, MustMove: x.MustMove})
		}
	}
	return gdb.Transaction(func(tx *gorm.DB) error {
		batched := tx.Session(&gorm.Session{CreateBatchSize: 500})
		if len(transfers) > 0 {
			if err := insertOnce(batched, &transfers).Error; err != nil {
				return err
			}
		}
		if len(exclusions) > 0 {
			if err := insertOnce(batched, &exclusions).Error; err != nil {
				return err
			}
		}
		for nip, deps := range res.Rewired {
			if err := tx.Model(&models.Transfer{ID: idOf[nip]}).Select("depends_on").
				Updates(&models.Transfer{DependsOn: ids(deps)}).Error; err != nil {
				return err
			}
		}
		key := "round:" + round.ID + ":selection"
		if n > 1 {
			key = fmt.Sprintf("round:%s:plan:%d", round.ID, n)
		}
		return audit(tx, key, models.AuditEntry{RoundID: round.ID,
			ActorID: contract.System.ID, Role: contract.System.Role, Action: models.ActionSelectionDone, At: asOf,
			Detail: fmt.Sprintf("plan %d: moves %d, rewired %d; must move %d, moved %d; holders in needed posts %d",
				n, len(transfers), len(res.Rewired), res.MustMove, res.MustMoved, res.Filled)})
	})
}

// selectionInput maps the database's records to what selection reads: every
// position with its formation, needed when the round's needs name it, and
// the seats promised to the pending transfers of other rounds (others),
// whose movers are in flight.
func selectionInput(round models.Round, asOf time.Time, positions []models.Position, employees []models.Employee,
	needed map[string]bool, others []models.Transfer) selection.Input {
	posByID := map[string]models.Position{}
	for _, p := range positions {
		posByID[p.ID] = p
	}
	unitOf := map[string]string{}
	for _, e := range employees {
		unitOf[e.NIP] = posByID[e.PositionID].UnitID
	}
	promised, inFlight := map[string]int{}, map[string]bool{}
	for _, t := range others {
		if t.Stage.Pending() {
			promised[t.ToPositionID]++
			inFlight[t.NIP] = true
		}
	}
	in := selection.Input{AsOf: asOf, Rules: round.Settings.Rules, Weights: round.Settings.Weights,
		TrainingGapThreshold: round.Settings.TrainingGapThreshold}
	for _, p := range positions {
		sp := selection.Position{ID: p.ID, UnitID: p.UnitID, Kind: p.Kind, Class: p.Class, MinRank: p.MinRank,
			MaxRank: p.MaxRank, MinEducation: p.MinEducation, Seats: p.Seats, Needed: needed[p.ID],
			Promised: promised[p.ID]}
		for _, c := range p.Competencies {
			sp.Competencies = append(sp.Competencies, selection.Competency{Name: c.Name, Level: c.Level})
		}
		in.Positions = append(in.Positions, sp)
	}
	for _, e := range employees {
		c := candidateOf(e, posByID, unitOf)
		c.InFlight = inFlight[e.NIP]
		in.Candidates = append(in.Candidates, c)
	}
	return in
}

// candidateOf maps an employee to what selection reads, with their current
// position's kind and class and the units of their declared relatives
// (unitOf: unit by NIP; nil when the caller needs no relatives).
func candidateOf(e models.Employee, posByID map[string]models.Position, unitOf map[string]string) selection.Candidate {
	birth, _ := models.ParseNIP(e.NIP)
	cur := posByID[e.PositionID]
	c := selection.Candidate{NIP: e.NIP, UnitID: cur.UnitID, PositionID: e.PositionID, PositionKind: cur.Kind,
		PositionLevel: cur.FunctionalLevel, PositionClass: cur.Class, Rank: e.Rank, Status: e.Status,
		BirthDate: birth.BirthDate, InPostSince: e.InPostSince, Education: e.Education, Performance: e.Performance,
		Potential: e.Potential, Sanctions: e.Sanctions, LegalProcess: e.LegalProcess, SKP: map[int]models.Predicate{},
		Competencies: map[string]int{}}
	for _, s := range e.SKP {
		c.SKP[s.Year] = s.Predicate
	}
	for _, k := range e.Competencies {
		c.Competencies[k.Name] = k.Level
	}
	for _, r := range e.RelativeNIPs {
		if u := unitOf[r]; u != "" {
			c.RelativeUnits = append(c.RelativeUnits, u)
		}
	}
	sort.Strings(c.RelativeUnits)
	return c
}

// ConfirmProposals marks removed proposals as removed, the others as
// awaiting the TPK, and the round as in progress.
func (a *Activities) ConfirmProposals(ctx context.Context, c contract.Confirmation) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		proposed := tx.Model(&models.Transfer{}).Where("round_id = ? AND stage = ?", c.RoundID, models.StageProposed)
		if len(c.Remove) > 0 {
			if err := proposed.Session(&gorm.Session{}).Where("id IN ?", c.Remove).
				Updates(map[string]any{"stage": models.StageRemoved, "updated_at": c.At}).Error; err != nil {
				return err
			}
		}
		if err := proposed.Session(&gorm.Session{}).
			Updates(map[string]any{"stage": models.StageAwaitingTPK, "updated_at": c.At}).Error; err != nil {
			return err
		}
		if err := tx.Model(&models.Round{}).Where("id = ?", c.RoundID).
			Updates(map[string]any{"status": models.RoundInProgress, "updated_at": c.At}).Error; err != nil {
			return err
		}
		key := "round:" + c.RoundID + ":confirm"
		if c.Plan > 1 {
			key = fmt.Sprintf("%s:%d", key, c.Plan)
		}
		return audit(tx, key, models.AuditEntry{RoundID: c.RoundID, ActorID: c.By.ID,
			Role: c.By.Role, Action: models.ActionProposalsConfirmed, Detail: confirmDetail(c), At: c.At})
	})
}

func confirmDetail(c contract.Confirmation) string {
	d := ""
	if len(c.Remove) > 0 {
		d = "removed: " + strings.Join(c.Remove, ", ")
	}
	if c.Note != "" {
		if d != "" {
			d += "; "
		}
		d += c.Note
	}
	return d
}

// EvaluateRound writes the round's evaluation summary and completes it.
func (a *Activities) EvaluateRound(ctx context.Context, in contract.RoundAsOf) (models.RoundSummary, error) {
	gdb := a.DB.WithContext(ctx)
	s := models.RoundSummary{ByStage: map[models.Stage]int{}}
	var stages []struct {
		Stage models.Stage
		N     int
	}
	if err := gdb.Model(&models.Transfer{}).Select("stage, count(*) AS n").Where("round_id = ?", in.RoundID).
		Group("stage").Scan(&stages).Error; err != nil {
		return s, err
	}
	for _, st := range stages {
		s.ByStage[st.Stage] = st.N
		s.Proposed += st.N
		if st.Stage.Confirmed() {
			s.Confirmed += st.N
		}
	}
	inRound := "transfer_id IN (SELECT id FROM transfers WHERE round_id = ?)"
	counts := []struct {
		into  *int
		model any
		where string
		args  []any
	}{
		{&s.Objections, &models.Objection{}, inRound, []any{in.RoundID}},
		{&s.TrainingDone, &models.TrainingAssignment{}, inRound + " AND status = ?", []any{in.RoundID, models.TrainingCompleted}},
		{&s.TrainingMissed, &models.TrainingAssignment{}, inRound + " AND status = ?", []any{in.RoundID, models.TrainingMissed}},
		{&s.SurveysSent, &models.Survey{}, "round_id = ?", []any{in.RoundID}},
		{&s.SurveysAnswered, &models.Survey{}, "round_id = ? AND status = ?", []any{in.RoundID, models.SurveyAnswered}},
	}
	for _, c := range counts {
		var n int64
		if err := gdb.Model(c.model).Where(c.where, c.args...).Count(&n).Error; err != nil {
			return s, err
		}
		*c.into = int(n)
	}
	at := in.AsOf
	err := gdb.Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.Round{ID: in.RoundID}).Select("summary", "status", "completed_at", "updated_at").
			Updates(models.Round{Summary: &s, Status: models.RoundCompleted, CompletedAt: &at, UpdatedAt: at}).Error; err != nil {
			return err
		}
		if err := forgetAnswerOrder(tx, in.RoundID); err != nil {
			return err
		}
		return audit(tx, "round:"+in.RoundID+":evaluated", models.AuditEntry{RoundID: in.RoundID,
			ActorID: contract.System.ID, Role: contract.System.Role, Action: models.ActionRoundEvaluated, At: at})
	})
	return s, err
}
