package transfers

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

// Row is a transfer with the names a person reads: the
// employee's, the positions' and the units'.
type Row struct {
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

// Describe adds the names to transfers, in three queries.
func (s *Service) Describe(ctx context.Context, ts []models.Transfer) ([]Row, error) {
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
	out := make([]Row, len(ts))
	for i, t := range ts {
		out[i] = Row{Transfer: t, Employee: en[t.NIP], FromPosition: pn[t.FromPositionID], ToPosition: pn[t.ToPositionID],
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

// DescribeOne describes one transfer.
func (s *Service) DescribeOne(ctx context.Context, t models.Transfer) (Row, error) {
	rows, err := s.Describe(ctx, []models.Transfer{t})
	if err != nil {
		return Row{}, err
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

// ByID reads transfers by ID, in the order asked.
func (s *Service) ByID(ctx context.Context, ids []string) ([]models.Transfer, error) {
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

// RowsByID describes the transfers with these IDs, by ID.
func (s *Service) RowsByID(ctx context.Context, ids []string) (map[string]Row, error) {
	ts, err := s.ByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.Describe(ctx, ts)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Row, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// OverdueItem is a wait that has run past its reminder or deadline.
type OverdueItem struct {
	Row
	Kind     string // "decision", "acknowledgement" or "training"
	Since    time.Time
	Due      time.Time
	Deadline *time.Time
	// Escalated: the wait is past its escalation (decisions) or its
	// deadline (training).
	Escalated bool
}

// MaxOverdue bounds the overdue items the dashboard lists and asks the
// workflows about.
const MaxOverdue = 50

// Overdue finds the waits of open rounds that have run past their
// reminder: late decisions (TPK, PPK, objections), late acknowledgements
// and training past its deadline. The database says since when each
// transfer has been in its stage; the workflow's live state then gives
// the exact reminder and deadline of the ones listed.
func (s *Service) Overdue(ctx context.Context, rounds []models.Round, now time.Time) ([]OverdueItem, error) {
	if len(rounds) == 0 {
		return nil, nil
	}
	settings := map[string]models.RoundSettings{}
	ids := make([]string, len(rounds))
	for i, r := range rounds {
		settings[r.ID], ids[i] = r.Settings, r.ID
	}
	gdb := s.DB.WithContext(ctx)
	var waiting []models.Transfer
	err := gdb.Where("round_id IN ? AND stage IN ?", ids, []models.Stage{models.StageAwaitingTPK, models.StageAwaitingPPK,
		models.StageObjectionReview, models.StageSocialization}).Order("updated_at").Find(&waiting).Error
	if err != nil {
		return nil, err
	}
	var items []OverdueItem
	for _, t := range waiting {
		w := settings[t.RoundID].Wait(t.Stage)
		kind := "decision"
		if t.Stage == models.StageSocialization {
			kind = "acknowledgement"
		}
		if due := t.UpdatedAt.Add(w.Reminder); now.After(due) {
			end := t.UpdatedAt.Add(w.Deadline)
			items = append(items, OverdueItem{Row: Row{Transfer: t}, Kind: kind, Since: t.UpdatedAt, Due: due,
				Deadline: &end, Escalated: now.After(end)})
		}
	}
	var training []models.TrainingAssignment
	err = gdb.Joins("JOIN transfers ON transfers.id = training_assignments.transfer_id").
		Where("transfers.round_id IN ? AND ((training_assignments.status = ? AND training_assignments.deadline < ?) OR training_assignments.status = ?)",
			ids, models.TrainingAssigned, now, models.TrainingMissed).Find(&training).Error
	if err != nil {
		return nil, err
	}
	if len(training) > 0 {
		tids := make([]string, len(training))
		for i, a := range training {
			tids[i] = a.TransferID
		}
		ts, err := s.ByID(ctx, tids)
		if err != nil {
			return nil, err
		}
		byID := map[string]models.Transfer{}
		for _, t := range ts {
			byID[t.ID] = t
		}
		for _, a := range training {
			d := a.Deadline
			items = append(items, OverdueItem{Row: Row{Transfer: byID[a.TransferID]}, Kind: "training",
				Since: a.AssignedAt, Due: a.Deadline, Deadline: &d, Escalated: a.Status == models.TrainingMissed})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Due.Before(items[j].Due) })
	if len(items) > MaxOverdue {
		items = items[:MaxOverdue]
	}
	out := items[:0]
	for _, it := range items {
		if it.Kind != "training" {
			if live := s.Live(ctx, it.Transfer); live != nil && live.Stage == it.Stage && live.ReminderAt != nil {
				it.Since, it.Due, it.Deadline = *live.Since, *live.ReminderAt, live.Deadline
				it.Escalated = live.Deadline != nil && now.After(*live.Deadline)
				if !now.After(it.Due) {
					continue
				}
			}
		}
		out = append(out, it)
	}
	ts := make([]models.Transfer, len(out))
	for i, it := range out {
		ts[i] = it.Transfer
	}
	described, err := s.Describe(ctx, ts)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Row = described[i]
	}
	return out, nil
}

// QueueItem is a transfer waiting in one of HR's queues.
type QueueItem struct {
	Row
	Objection models.Objection
	Training  models.TrainingAssignment
}

// queue describes the n transfers whose IDs id gives, in that order.
func (s *Service) queue(ctx context.Context, n int, id func(int) string) ([]QueueItem, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = id(i)
	}
	rows, err := s.RowsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]QueueItem, n)
	for i, tid := range ids {
		out[i] = QueueItem{Row: rows[tid]}
	}
	return out, nil
}

// Mine is everything the employee's page says about one transfer.
type Mine struct {
	Row
	Needs     []models.NeedReason
	Contact   string
	Objection *models.Objection
	Training  *models.TrainingAssignment
	// Answered: the employee has acknowledged or objected.
	Answered bool
	// SurveyLink is the survey page while the survey is open.
	SurveyLink string
}

// Decided is one of an approver's decisions with its transfer.
type Decided struct {
	models.Decision
	Transfer Row
}

// Inbox lists the transfers awaiting the approver a's decision, at most
// limit of them, described, and how many await it in all. A decision just
// made is recorded before the workflow moves the transfer on: such a
// transfer is left out meanwhile.
func (s *Service) Inbox(ctx context.Context, a models.Actor, limit int) ([]Row, int64, error) {
	stage := models.StageAwaitingTPK
	if a.Role == models.RolePPK {
		stage = models.StageAwaitingPPK
	}
	items, total, err := s.List(ctx, a, Filter{Stage: stage}, Page{Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, len(items))
	for i, t := range items {
		ids[i] = t.ID
	}
	var decided []string
	if err := s.DB.WithContext(ctx).Model(&models.Decision{}).Where("transfer_id IN ? AND step = ?", append(ids, ""), a.Role).
		Pluck("transfer_id", &decided).Error; err != nil {
		return nil, 0, err
	}
	pending := items[:0]
	for _, t := range items {
		if !slices.Contains(decided, t.ID) {
			pending = append(pending, t)
		}
	}
	rows, err := s.Describe(ctx, pending)
	return rows, total - int64(len(items)-len(pending)), err
}

// DecisionsBy lists the newest decisions the account actorID made, at most
// limit, each with its transfer described.
func (s *Service) DecisionsBy(ctx context.Context, actorID string, limit int) ([]Decided, error) {
	var decisions []models.Decision
	if err := s.DB.WithContext(ctx).Where("actor_id = ?", actorID).Order("decided_at DESC, id DESC").
		Limit(limit).Find(&decisions).Error; err != nil {
		return nil, err
	}
	ids := make([]string, len(decisions))
	for i, d := range decisions {
		ids[i] = d.TransferID
	}
	byID, err := s.RowsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Decided, len(decisions))
	for i, d := range decisions {
		out[i] = Decided{Decision: d, Transfer: byID[d.TransferID]}
	}
	return out, nil
}

// Detail is a transfer with what its page shows: its names and live
// state, its audit timeline, its objection and its training, if any.
type Detail struct {
	Row
	Timeline  []models.AuditEntry
	Objection *models.Objection
	Training  *models.TrainingAssignment
}

// Detail reads the transfer id, which a must be allowed to see, with its
// timeline, objection and training.
func (s *Service) Detail(ctx context.Context, a models.Actor, id string) (Detail, error) {
	tv, err := s.Get(ctx, a, id)
	if err != nil {
		return Detail{}, err
	}
	row, err := s.DescribeOne(ctx, tv.Transfer)
	if err != nil {
		return Detail{}, err
	}
	row.Live = tv.Live
	d := Detail{Row: row}
	gdb := s.DB.WithContext(ctx)
	if err := gdb.Where("transfer_id = ?", tv.ID).Order("at, id").Find(&d.Timeline).Error; err != nil {
		return Detail{}, err
	}
	var o models.Objection
	if gdb.First(&o, "transfer_id = ?", tv.ID).Error == nil {
		d.Objection = &o
	}
	var ta models.TrainingAssignment
	if gdb.First(&ta, "transfer_id = ?", tv.ID).Error == nil {
		d.Training = &ta
	}
	return d, nil
}

// Queues lists what waits for the HR office: objections to resolve,
// oldest first, and training to complete, by deadline.
func (s *Service) Queues(ctx context.Context) (objections, training []QueueItem, err error) {
	gdb := s.DB.WithContext(ctx)
	var os []models.Objection
	err = gdb.Joins("JOIN transfers ON transfers.id = objections.transfer_id").
		Where("objections.resolution = '' AND transfers.stage = ?", models.StageObjectionReview).
		Order("objections.objected_at").Find(&os).Error
	if err != nil {
		return nil, nil, err
	}
	var ts []models.TrainingAssignment
	if err := gdb.Where("status = ?", models.TrainingAssigned).Order("deadline").Find(&ts).Error; err != nil {
		return nil, nil, err
	}
	if objections, err = s.queue(ctx, len(os), func(i int) string { return os[i].TransferID }); err != nil {
		return nil, nil, err
	}
	for i := range objections {
		objections[i].Objection = os[i]
	}
	training, err = s.trainingItems(ctx, ts)
	return objections, training, err
}

// TrainingOf lists the training assigned to the employee nip, newest
// first.
func (s *Service) TrainingOf(ctx context.Context, nip string) ([]QueueItem, error) {
	var ts []models.TrainingAssignment
	if err := s.DB.WithContext(ctx).Where("nip = ?", nip).Order("assigned_at DESC").Find(&ts).Error; err != nil {
		return nil, err
	}
	return s.trainingItems(ctx, ts)
}

// trainingItems describes the transfers of training assignments, in
// their order.
func (s *Service) trainingItems(ctx context.Context, ts []models.TrainingAssignment) ([]QueueItem, error) {
	items, err := s.queue(ctx, len(ts), func(i int) string { return ts[i].TransferID })
	if err != nil {
		return nil, err
	}
	for i := range items {
		items[i].Training = ts[i]
	}
	return items, nil
}

// Names gives the names of the employees with these NIPs.
func (s *Service) Names(ctx context.Context, nips []string) (map[string]string, error) {
	var emps []models.Employee
	if err := s.DB.WithContext(ctx).Select("nip", "name").Where("nip IN ?", append(nips, "")).Find(&emps).Error; err != nil {
		return nil, err
	}
	names := make(map[string]string, len(emps))
	for _, e := range emps {
		names[e.NIP] = e.Name
	}
	return names, nil
}

// MineOf lists the employee a's ten newest transfers they have been told
// of, with what their page says of each: why, whom to ask, their
// objection or acknowledgement, training and the open survey's link.
func (s *Service) MineOf(ctx context.Context, a models.Actor) ([]Mine, error) {
	gdb := s.DB.WithContext(ctx)
	var ts []models.Transfer
	if err := Visible(gdb, a).Order("created_at DESC").Limit(10).Find(&ts).Error; err != nil {
		return nil, err
	}
	rows, err := s.Describe(ctx, ts)
	if err != nil {
		return nil, err
	}
	out := make([]Mine, len(rows))
	for i, r := range rows {
		m := Mine{Row: r}
		m.Live = s.Live(ctx, r.Transfer)
		if m.Live != nil {
			m.Stage = m.Live.Stage
		}
		var needs []models.Need
		if err := gdb.Where("round_id = ? AND position_id = ?", r.RoundID, r.ToPositionID).Order("priority").Find(&needs).Error; err != nil {
			return nil, err
		}
		for _, n := range needs {
			m.Needs = append(m.Needs, n.Reason)
		}
		var round models.Round
		if gdb.Select("id", "settings").First(&round, "id = ?", r.RoundID).Error == nil {
			m.Contact = round.Settings.Contacts.HR
		}
		var o models.Objection
		if gdb.First(&o, "transfer_id = ?", r.ID).Error == nil {
			m.Objection, m.Answered = &o, true
		}
		var ta models.TrainingAssignment
		if gdb.First(&ta, "transfer_id = ?", r.ID).Error == nil {
			m.Training = &ta
		}
		var acks int64
		if err := gdb.Model(&models.AuditEntry{}).Where("transfer_id = ? AND action IN ?", r.ID,
			[]string{models.ActionAcknowledged, models.ActionDeemedAcknowledged}).Count(&acks).Error; err != nil {
			return nil, err
		}
		m.Answered = m.Answered || acks > 0
		var sv models.Survey
		if gdb.First(&sv, "transfer_id = ? AND status = ?", r.ID, models.SurveyOpen).Error == nil {
			// The same inputs sign the same token as the emailed link.
			m.SurveyLink = contract.SurveyPath + links.Sign(s.LinkSecret, sv.TransferID, sv.ExpiresAt)
		}
		out[i] = m
	}
	return out, nil
}
