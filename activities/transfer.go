package activities

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/selection"
	"github.com/bkpsdm/mutasi/survey"
)

// RecordDecision records a decision once per transfer and step.
func (a *Activities) RecordDecision(ctx context.Context, d contract.DecisionInput) error {
	return a.Apply(ctx, []contract.Step{{Decision: &d}})
}

// Apply records a transfer's write-only steps in one transaction, in
// their order: one commit for a decision, the stage it leads to and the
// next approver's notice, instead of one each. Each step writes once, as
// its own activity does, so a retry writes nothing twice.
//
// What the steps must read (a notice's transfer, employee and round) is
// read first; their writes are then sent together (db.Writes): on
// PostgreSQL a decision takes three round trips to the server (the read,
// the writes, the commit) where running each statement took eight. The
// reads therefore see none of the steps' writes; none reads what the
// steps write (a transfer's stage and state, decisions, the outbox,
// notices, the audit trail).
func (a *Activities) Apply(ctx context.Context, steps []contract.Step) error {
	gdb := a.DB.WithContext(ctx)
	w := db.NewWrites(gdb)
	if a.CommitWithTemporal && !db.IsSQLite(gdb) {
		if err := w.Add(w.Build().Exec("SET LOCAL synchronous_commit = off"), ""); err != nil {
			return err
		}
	}
	partner := pairLive(steps)
	for i, s := range steps {
		var err error
		switch {
		case s.Decision != nil:
			err = decisionWrites(gdb, w, *s.Decision)
		case s.Stage != nil:
			var live *contract.LiveState
			if p := partner[i]; p >= 0 {
				live = steps[p].Live
			}
			err = stageWrite(w, s.Stage.TransferID, s.Stage.Stage, live)
		case s.Notice != nil:
			err = a.noticeWrites(gdb, w, *s.Notice)
		case s.Live != nil && partner[i] >= 0: // written with its stage
		case s.Live != nil:
			err = w.Add(w.Build().Model(&models.Transfer{}).Where("id = ?", s.Live.TransferID).
				UpdateColumn("live", string(s.Live.State)), "transfer "+s.Live.TransferID)
		default:
			err = temporal.NewNonRetryableApplicationError(fmt.Sprintf("step %d names nothing to apply", i), contract.ErrInvalidStep, nil)
		}
		if err != nil {
			return err
		}
	}
	err := w.Run(ctx, gdb)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrNotFound, err)
	}
	return err
}

// decisionWrites adds a decision's writes: its row, once per transfer
// and step, and its audit line.
func decisionWrites(gdb *gorm.DB, w *db.Writes, d contract.DecisionInput) error {
	row := models.Decision{TransferID: d.TransferID, Step: d.Step, Approve: d.Approve, Reason: d.Reason,
		ActorID: d.By.ID, DecidedAt: d.At}
	if err := w.Add(insertOnce(w.Build(), &row), ""); err != nil {
		return err
	}
	line, err := transferLine(gdb, d.RoundID, d.TransferID, "decision:"+string(d.Step), d.By,
		models.DecisionAction(d.Step, d.Approve), d.Reason, d.At)
	if err != nil {
		return err
	}
	return w.Add(auditchain.Insert(w.Build(), &line), "")
}

// stageWrite adds the UPDATE of the transfer's row that records the
// stage it has reached and, when live is given, the state it brings: one
// statement and one row version for both (pairLive).
func stageWrite(w *db.Writes, transferID string, stage models.Stage, live *contract.LiveState) error {
	q := w.Build().Model(&models.Transfer{}).Where("id = ?", transferID)
	if live == nil {
		return w.Add(q.Update("stage", stage), "transfer "+transferID)
	}
	return w.Add(q.Updates(map[string]any{"stage": stage, "live": string(live.State)}), "transfer "+transferID)
}

// pairLive pairs each Live step with the last change of stage of the
// same transfer before it not yet paired, so that one UPDATE of the
// transfer's row writes both (stageWrite): one statement and one row
// version fewer each time a transfer changes stage. Both go in Apply's
// transaction, so writing the state at its stage's place changes nothing
// else. Each paired step's partner is the other's index; an unpaired
// step's is -1.
func pairLive(steps []contract.Step) []int {
	partner := make([]int, len(steps))
	unpaired := map[string]int{} // a transfer's last change of stage not yet paired
	for i, s := range steps {
		partner[i] = -1
		switch {
		case s.Stage != nil:
			unpaired[s.Stage.TransferID] = i
		case s.Live != nil:
			if j, ok := unpaired[s.Live.TransferID]; ok {
				partner[i], partner[j] = j, i
				delete(unpaired, s.Live.TransferID)
			}
		}
	}
	return partner
}

// transferLine is the audit line about a transfer of the round roundID,
// keyed once per step; an empty roundID is looked up in gdb.
func transferLine(gdb *gorm.DB, roundID, transferID, step string, by contract.ActorRef, action, detail string, at time.Time) (models.AuditEntry, error) {
	if roundID == "" {
		var t models.Transfer
		if err := gdb.Select("id", "round_id").First(&t, "id = ?", transferID).Error; err != nil {
			return models.AuditEntry{}, notFound(err, "transfer "+transferID)
		}
		roundID = t.RoundID
	}
	return models.AuditEntry{Key: "transfer:" + transferID + ":" + step, RoundID: roundID, TransferID: transferID,
		ActorID: by.ID, Role: by.Role, Action: action, Detail: detail, At: at}, nil
}

// auditTransfer appends an audit line about a transfer of the round
// roundID, once per step; an empty roundID is looked up.
func auditTransfer(tx *gorm.DB, roundID, transferID, step string, by contract.ActorRef, action, detail string, at time.Time) error {
	line, err := transferLine(tx, roundID, transferID, step, by, action, detail, at)
	if err != nil {
		return err
	}
	_, err = auditchain.Append(tx, &line)
	return err
}

// RecordAcknowledgement records that the employee acknowledged.
func (a *Activities) RecordAcknowledgement(ctx context.Context, ack contract.Acknowledgement) error {
	action, detail := models.ActionAcknowledged, ""
	if ack.Deemed {
		action, detail = models.ActionDeemedAcknowledged, "no answer by the socialization deadline"
	}
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return auditTransfer(tx, "", ack.TransferID, "acknowledgement", ack.By, action, detail, ack.At)
	})
}

// RecordObjection records an objection once per transfer.
func (a *Activities) RecordObjection(ctx context.Context, o contract.ObjectionInput) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := models.Objection{TransferID: o.TransferID, NIP: o.NIP, Category: o.Category, Text: o.Text, ObjectedAt: o.At}
		if err := insertOnce(tx, &row).Error; err != nil {
			return err
		}
		return auditTransfer(tx, "", o.TransferID, "objection", o.By, models.ActionObjected, string(o.Category)+": "+o.Text, o.At)
	})
}

// RecordResolution records how an objection was resolved, once.
func (a *Activities) RecordResolution(ctx context.Context, r contract.ResolutionInput) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Model(&models.Objection{}).Where("transfer_id = ? AND resolution = ''", r.TransferID).
			Updates(map[string]any{"resolution": r.Resolution, "note": r.Note, "resolved_by": r.By.ID, "resolved_at": r.At}).Error
		if err != nil {
			return err
		}
		return auditTransfer(tx, "", r.TransferID, "resolution", r.By, models.ResolutionAction(r.Resolution), r.Note, r.At)
	})
}

// AssignTraining records a training assignment once per transfer.
func (a *Activities) AssignTraining(ctx context.Context, in contract.TrainingInput) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t models.Transfer
		if err := tx.Select("id", "nip").First(&t, "id = ?", in.TransferID).Error; err != nil {
			return notFound(err, "transfer "+in.TransferID)
		}
		row := models.TrainingAssignment{TransferID: in.TransferID, NIP: t.NIP, Reason: in.Reason,
			Status: models.TrainingAssigned, AssignedAt: in.At, Deadline: in.Deadline}
		if err := insertOnce(tx, &row).Error; err != nil {
			return err
		}
		return auditTransfer(tx, "", in.TransferID, "training", contract.System, models.ActionTrainingAssigned, in.Reason, in.At)
	})
}

// FinishTraining records a training assignment as completed or missed.
func (a *Activities) FinishTraining(ctx context.Context, r contract.TrainingResult) error {
	status, action := models.TrainingMissed, models.ActionTrainingMissed
	values := map[string]any{"status": status}
	if r.Completed {
		status, action = models.TrainingCompleted, models.ActionTrainingCompleted
		values = map[string]any{"status": status, "completed_at": r.At, "reported_by": r.By.ID, "note": r.Note}
	}
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Model(&models.TrainingAssignment{}).
			Where("transfer_id = ? AND status = ?", r.TransferID, models.TrainingAssigned).Updates(values).Error
		if err != nil {
			return err
		}
		return auditTransfer(tx, "", r.TransferID, "training_end", r.By, action, r.Note, r.At)
	})
}

// MakeEffective issues the decree (SK) with the next number of the year,
// moves the employee to the new position and updates the position
// history, all in one transaction. A retry returns the decree issued the
// first time.
func (a *Activities) MakeEffective(ctx context.Context, in contract.EffectiveInput) (models.Decree, error) {
	var decree models.Decree
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		decree, err = makeEffective(tx, in.TransferID, in.EffectiveDate, in.At)
		return err
	})
	return decree, err
}

// makeEffective is MakeEffective's work inside the caller's transaction.
func makeEffective(tx *gorm.DB, transferID string, date, at time.Time) (models.Decree, error) {
	// Lock the transfer before looking for its decree, so that two
	// overlapping runs for one transfer see each other's decree. The row
	// lock serialises them on PostgreSQL; SQLite has no row locks (GORM
	// leaves the clause out), and there every transaction takes the
	// database's write lock when it begins.
	var t models.Transfer
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&t, "id = ?", transferID).Error; err != nil {
		return models.Decree{}, notFound(err, "transfer "+transferID)
	}
	var decree models.Decree
	err := tx.First(&decree, "transfer_id = ?", transferID).Error
	if err == nil {
		return decree, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return decree, err
	}
	var round models.Round
	if err := tx.Select("id", "settings").First(&round, "id = ?", t.RoundID).Error; err != nil {
		return decree, notFound(err, "round "+t.RoundID)
	}
	if decree, err = nextDecree(tx, round.Settings, date, at); err != nil {
		return decree, err
	}
	return decree, recordEffect(tx, t, decree)
}

// nextDecree numbers a decree that takes effect on date with the next
// number of its year: the TMT's local year.
func nextDecree(tx *gorm.DB, s models.RoundSettings, date, at time.Time) (models.Decree, error) {
	year := date.Year()
	if loc, err := s.Location(); err == nil && loc != nil {
		year = date.In(loc).Year()
	}
	var seq int
	if err := tx.Raw(`INSERT INTO decree_counters (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = decree_counters.last + 1 RETURNING last`, year).Scan(&seq).Error; err != nil {
		return models.Decree{}, fmt.Errorf("next decree number: %w", err)
	}
	return models.Decree{Number: s.DecreeNumber(year, seq), Year: year, Seq: seq, EffectiveDate: date, IssuedAt: at}, nil
}

// recordEffect records that the decree makes t effective: its line of
// the decree, the transfer's TMT and number, the employee's new position
// and position history, and the audit line.
func recordEffect(tx *gorm.DB, t models.Transfer, decree models.Decree) error {
	decree.TransferID = t.ID
	date, at := decree.EffectiveDate, decree.IssuedAt
	if err := tx.Create(&decree).Error; err != nil {
		return err
	}
	if err := tx.Model(&t).Updates(map[string]any{"effective_date": date,
		"decree_number": decree.Number, "updated_at": at}).Error; err != nil {
		return err
	}
	if err := tx.Model(&models.PositionHistory{}).Where("nip = ? AND \"end\" IS NULL", t.NIP).
		Update("end", date).Error; err != nil {
		return err
	}
	spell := models.PositionHistory{NIP: t.NIP, PositionID: t.ToPositionID, UnitID: t.ToUnitID,
		Start: date, DecreeNumber: decree.Number, TransferID: t.ID}
	if err := tx.Create(&spell).Error; err != nil {
		return err
	}
	if err := tx.Model(&models.Employee{}).Where("nip = ?", t.NIP).Updates(map[string]any{
		"position_id": t.ToPositionID, "in_post_since": date}).Error; err != nil {
		return err
	}
	return auditTransfer(tx, t.RoundID, t.ID, "effective", contract.System, models.ActionTransferEffective, decree.Number, at)
}

// MakeEffectiveTogether makes the transfers of in effective in one
// transaction, in transfer ID order, and returns their decree numbers by
// transfer ID: a vacancy chain or a swap never leaves a post over its seats
// in between. A transfer withdrawn meanwhile (RecordWithdrawal won the row
// lock) is left out, with every transfer of in that depends on it,
// directly or not; they get no number. The others share one collective
// decree, issued as a document (issueDocument) in the same transaction. A
// retry returns the decree issued the first time.
func (a *Activities) MakeEffectiveTogether(ctx context.Context, in contract.CollectiveEffect) (map[string]string, error) {
	numbers := map[string]string{}
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ts []models.Transfer
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id IN ?", in.TransferIDs).Order("id").Find(&ts).Error; err != nil {
			return err
		}
		out := map[string]bool{}
		for _, t := range ts {
			out[t.ID] = t.Stage.Final()
		}
		for changed := true; changed; {
			changed = false
			for _, t := range ts {
				if !out[t.ID] && slices.ContainsFunc(t.DependsOn, func(d string) bool { return out[d] }) {
					out[t.ID], changed = true, true
				}
			}
		}
		var moving []models.Transfer
		for _, t := range ts {
			if !out[t.ID] {
				moving = append(moving, t)
			}
		}
		if len(moving) == 0 {
			return nil
		}
		ids := make([]string, len(moving))
		for i, t := range moving {
			ids[i] = t.ID
		}
		var issued []models.Decree
		if err := tx.Where("transfer_id IN ?", ids).Find(&issued).Error; err != nil {
			return err
		}
		if len(issued) > 0 { // a retry: the first run committed them all
			for _, d := range issued {
				numbers[d.TransferID] = d.Number
			}
			return nil
		}
		var round models.Round
		if err := tx.First(&round, "id = ?", in.RoundID).Error; err != nil {
			return notFound(err, "round "+in.RoundID)
		}
		decree, err := nextDecree(tx, round.Settings, in.EffectiveDate, in.At)
		if err != nil {
			return err
		}
		for _, t := range moving {
			if err := recordEffect(tx, t, decree); err != nil {
				return err
			}
			numbers[t.ID] = decree.Number
		}
		if err := tx.Model(&models.Transfer{}).Where("id IN ?", ids).
			Updates(map[string]any{"stage": models.StageEffective, "updated_at": in.At}).Error; err != nil {
			return err
		}
		return a.issueDocument(tx, round, decree, moving)
	})
	return numbers, err
}

// RecheckAtTMT applies again, as of the effective date, the rules that can
// change after selection (selection.Recheck: status, sanction, nearness
// to retirement) to the employees of the transfers, and returns the
// transfers that fail, in transfer ID order.
func (a *Activities) RecheckAtTMT(ctx context.Context, in contract.RecheckInput) ([]contract.RecheckFailure, error) {
	gdb := a.DB.WithContext(ctx)
	var transfers []models.Transfer
	if err := gdb.Select("id", "nip", "round_id").Where("id IN ?", in.TransferIDs).Order("id").Find(&transfers).Error; err != nil {
		return nil, err
	}
	if len(transfers) == 0 {
		return nil, nil
	}
	var round models.Round
	if err := gdb.First(&round, "id = ?", transfers[0].RoundID).Error; err != nil {
		return nil, notFound(err, "round "+transfers[0].RoundID)
	}
	nips := make([]string, len(transfers))
	for i, t := range transfers {
		nips[i] = t.NIP
	}
	var employees []models.Employee
	if err := gdb.Preload("Sanctions").Where("nip IN ?", nips).Find(&employees).Error; err != nil {
		return nil, err
	}
	var positions []models.Position
	if err := gdb.Select("id", "unit_id", "kind", "functional_level", "class").Find(&positions).Error; err != nil {
		return nil, err
	}
	posByID := map[string]models.Position{}
	for _, p := range positions {
		posByID[p.ID] = p
	}
	byNIP := map[string]selection.Candidate{}
	for _, e := range employees {
		byNIP[e.NIP] = candidateOf(e, posByID, nil)
	}
	var out []contract.RecheckFailure
	for _, t := range transfers {
		c, ok := byNIP[t.NIP]
		if !ok {
			out = append(out, contract.RecheckFailure{TransferID: t.ID, Rule: selection.RuleStatus,
				Message: "data pegawai tidak ditemukan", MessageEN: "the employee's record is missing"})
			continue
		}
		if x := selection.Recheck(c, in.EffectiveDate, round.Settings.Rules); x != nil {
			out = append(out, contract.RecheckFailure{TransferID: t.ID, Rule: x.Rule, Message: x.Message, MessageEN: x.MessageEN})
		}
	}
	return out, nil
}

// RecordWithdrawal records a withdrawal, the stage and the audit line,
// unless the transfer has already taken effect: it reports whether the
// transfer is withdrawn. The transfer's row lock orders it with
// MakeEffectiveTogether, so exactly one of them wins. A retry after a
// withdrawal reports it again.
func (a *Activities) RecordWithdrawal(ctx context.Context, w contract.Withdrawal) (bool, error) {
	withdrawn := false
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t models.Transfer
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "stage").
			First(&t, "id = ?", w.TransferID).Error; err != nil {
			return notFound(err, "transfer "+w.TransferID)
		}
		if t.Stage.Effective() {
			return nil
		}
		withdrawn = true
		if err := tx.Model(&t).Updates(map[string]any{"stage": models.StageWithdrawn, "updated_at": w.At}).Error; err != nil {
			return err
		}
		return auditTransfer(tx, "", w.TransferID, "withdrawal", w.By, models.ActionWithdrawn, w.Reason, w.At)
	})
	return withdrawn, err
}

// RecordMinisterApproval stores the approval's reference on the transfer
// and audits it, once.
func (a *Activities) RecordMinisterApproval(ctx context.Context, in contract.MinisterApprovalInput) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.Transfer{}).Where("id = ?", in.TransferID).
			Updates(map[string]any{"minister_approval_ref": in.Reference, "updated_at": in.At}).Error; err != nil {
			return err
		}
		return auditTransfer(tx, "", in.TransferID, "minister_approval", in.By, models.ActionMinisterApproved, in.Reference, in.At)
	})
}

// RecordStage sets the transfer's stage and audits why, once per stage.
func (a *Activities) RecordStage(ctx context.Context, n contract.StageNote) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.Transfer{}).Where("id = ?", n.TransferID).
			Updates(map[string]any{"stage": n.Stage, "updated_at": n.At}).Error; err != nil {
			return err
		}
		return auditTransfer(tx, "", n.TransferID, "stage:"+string(n.Stage), contract.System, models.StageAction(n.Stage), n.Reason, n.At)
	})
}

// OpenSurvey records the survey as open and returns its one-time link.
// The survey keeps whether the employee completed training for the move,
// which decides whether they are asked the items for trained movers.
func (a *Activities) OpenSurvey(ctx context.Context, in contract.SurveyInput) (string, error) {
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t models.Transfer
		if err := tx.Select("id", "round_id", "nip").First(&t, "id = ?", in.TransferID).Error; err != nil {
			return notFound(err, "transfer "+in.TransferID)
		}
		var trained int64
		if err := tx.Model(&models.TrainingAssignment{}).Where("transfer_id = ? AND status = ?", t.ID, models.TrainingCompleted).
			Count(&trained).Error; err != nil {
			return err
		}
		row := models.Survey{TransferID: t.ID, RoundID: t.RoundID, NIP: t.NIP, Status: models.SurveyOpen,
			InstrumentVersion: survey.CurrentVersion, Trained: trained > 0, SentAt: in.At, ExpiresAt: in.Expires}
		if err := insertOnce(tx, &row).Error; err != nil {
			return err
		}
		return auditTransfer(tx, t.RoundID, t.ID, "survey_open", contract.System, models.ActionSurveySent, "", in.At)
	})
	if err != nil {
		return "", err
	}
	return strings.TrimRight(a.BaseURL, "/") + contract.SurveyPath + links.Sign(a.LinkSecret, in.TransferID, in.Expires), nil
}

// RecordSurveyResponse marks the survey answered and stores the answers
// apart, in one transaction, so that nothing at rest links them to the
// person: a models.SurveyAnswer with a random ID and the round, the
// destination unit, its position kind and whether the mover was trained,
// copied now; no transfer, NIP or time (in.At is not stored). The survey
// keeps only that it was answered, and the audit trail a line saying that
// a survey of the round was answered, without the transfer and dated
// the round's start. A survey already answered writes nothing, so a
// retry or a repeated request stores the answers once.
//
// The answer waits without a block until the round has MinBlock answers
// waiting; then they take the next block number together (see
// fillBlock). Each answer rewrites the waiting ones, so that on
// PostgreSQL they share the newest transaction's ID (xmin) rather than
// each keeping the ID of the transaction that marked its survey answered.
func (a *Activities) RecordSurveyResponse(ctx context.Context, in contract.SurveyAnswer) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var s models.Survey
		if err := tx.Select("transfer_id", "round_id", "status", "instrument_version", "trained").
			First(&s, "transfer_id = ?", in.TransferID).Error; err != nil {
			return notFound(err, "survey of "+in.TransferID)
		}
		// One answer at a time per round, so that blocks fill whole.
		var r models.Round
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "created_at").
			First(&r, "id = ?", s.RoundID).Error; err != nil {
			return notFound(err, "round "+s.RoundID)
		}
		res := tx.Model(&models.Survey{}).Where("transfer_id = ? AND status = ?", s.TransferID, models.SurveyOpen).
			Update("status", models.SurveyAnswered)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if err := tx.Select("status").First(&s, "transfer_id = ?", s.TransferID).Error; err != nil {
				return err
			}
			if s.Status == models.SurveyAnswered {
				return nil // answered before: this is a retry or a repeat
			}
			return temporal.NewNonRetryableApplicationError("the survey of "+s.TransferID+" is "+string(s.Status),
				contract.ErrInvalidStep, nil)
		}
		var t models.Transfer
		if err := tx.Select("id", "to_unit_id", "to_position_id").First(&t, "id = ?", s.TransferID).Error; err != nil {
			return notFound(err, "transfer "+s.TransferID)
		}
		var p models.Position
		if err := tx.Select("id", "kind").Limit(1).Find(&p, "id = ?", t.ToPositionID).Error; err != nil {
			return err
		}
		id, err := randomID()
		if err != nil {
			return err
		}
		row := models.SurveyAnswer{ID: id, RoundID: s.RoundID, UnitID: t.ToUnitID, PositionKind: p.Kind, Trained: s.Trained,
			InstrumentVersion: s.InstrumentVersion, Answers: in.Answers}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if err := fillBlock(tx, s.RoundID); err != nil {
			return err
		}
		key, err := randomID() // not the answer's ID: the line has a time
		if err != nil {
			return err
		}
		return audit(tx, "survey_answer:"+key, models.AuditEntry{RoundID: s.RoundID, Role: models.RoleEmployee,
			Action: models.ActionSurveyAnswered, At: r.CreatedAt})
	})
}

// fillBlock rewrites the round's answers waiting for a block and, once
// MinBlock of them wait, gives them the next block number, higher than
// any block of any round (so that answers ordered by block keep their
// order as blocks are added, across rounds too). It rewrites them one by
// one in the order of their random IDs, so that not even where PostgreSQL
// puts the rows keeps the order they came in.
func fillBlock(tx *gorm.DB, roundID string) error {
	var waiting []string
	if err := tx.Model(&models.SurveyAnswer{}).Where("round_id = ? AND block IS NULL", roundID).
		Order("id").Pluck("id", &waiting).Error; err != nil {
		return err
	}
	var block any // NULL: rewritten, still waiting
	if len(waiting) >= models.MinBlock {
		var last *int
		if err := tx.Model(&models.SurveyAnswer{}).Select("MAX(block)").Scan(&last).Error; err != nil {
			return err
		}
		next := 1
		if last != nil {
			next = *last + 1
		}
		block = next
	}
	for _, id := range waiting {
		if err := tx.Model(&models.SurveyAnswer{}).Where("id = ?", id).Update("block", block).Error; err != nil {
			return err
		}
	}
	return nil
}

// forgetAnswerOrder forgets the order of a round's survey answers once
// its surveys have all been answered or closed: the live report no
// longer needs it. Every answer of the round takes block 0 (counted, in
// no order; those still waiting too, so that nothing marks the round's
// last answers), written again in the order of their random IDs, so that
// neither the blocks nor where the rows lie say in what order they came.
// Run again, it finds the order already forgotten and changes nothing.
func forgetAnswerOrder(tx *gorm.DB, roundID string) error {
	var ordered int64
	if err := tx.Model(&models.SurveyAnswer{}).Where("round_id = ? AND (block IS NULL OR block <> 0)", roundID).
		Count(&ordered).Error; err != nil || ordered == 0 {
		return err
	}
	var answers []models.SurveyAnswer
	if err := tx.Where("round_id = ?", roundID).Order("id").Find(&answers).Error; err != nil {
		return err
	}
	if err := tx.Where("round_id = ?", roundID).Delete(&models.SurveyAnswer{}).Error; err != nil {
		return err
	}
	zero := 0
	for i := range answers {
		answers[i].Block = &zero
	}
	return tx.CreateInBatches(answers, 500).Error
}

// randomID is 16 random bytes in hex: an ID that says nothing about
// what it names, nor when it was made.
func randomID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// CloseSurvey closes an unanswered survey.
func (a *Activities) CloseSurvey(ctx context.Context, transferID string, at time.Time) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.Survey{}).Where("transfer_id = ? AND status = ?", transferID, models.SurveyOpen).
			Update("status", models.SurveyClosed).Error; err != nil {
			return err
		}
		return auditTransfer(tx, "", transferID, "survey_close", contract.System, models.ActionSurveyClosed, "", at)
	})
}
