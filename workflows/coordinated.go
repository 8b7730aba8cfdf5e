package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
)

// A coordinated transfer (TransferInput.Coordinated) goes through the
// same steps as any, up to the effective date, but its round makes it
// effective, together with the round's other transfers that are ready,
// and it can stop before that:
//
//   - withdrawn by the HR officer at any stage (UpdateWithdraw);
//   - blocked when a transfer it depends on ends without taking effect: it
//     waits at StageBlocked for the HR officer to withdraw it;
//   - stopped at StageRecheckFailed when, on the effective date, the
//     employee no longer meets a rule.
//
// The steps before the effective date run in a context that a withdrawal
// or a block cancels; steps already running finish (they run disconnected,
// see step), and the stage the transfer stops at is written after the
// flow has stopped, so it is the last write.

// runCoordinated walks a coordinated transfer's stages.
func (t *transfer) runCoordinated(ctx workflow.Context) error {
	if b := t.in.Blocked; b != nil {
		t.blocked, t.st.Reason, t.st.ReasonEN = true, b.Reason, b.ReasonEN
	}
	t.listen(ctx)
	for t.effect == nil {
		switch {
		case t.withdrawal != nil:
			return t.endWithdrawn(ctx)
		case t.recheck != nil:
			return t.endRecheckFailed(ctx)
		case t.blocked:
			if err := t.waitBlocked(ctx); err != nil {
				return err
			}
		case t.announce:
			// Seated again by a re-plan after it had cleared its steps.
			t.announce = false
			if err := t.enter(ctx, models.StageAwaitingEffective, ""); err != nil {
				return err
			}
			if err := t.tellRound(ctx, EventReady); err != nil {
				return err
			}
		case !t.ready:
			flow, cancel := workflow.WithCancel(ctx)
			t.interrupt = cancel
			ready, err := t.untilReady(flow)
			t.interrupt = nil
			if t.withdrawal != nil || t.blocked {
				continue
			}
			if err != nil {
				return err
			}
			if !ready {
				return t.tellRound(ctx, EventEnded)
			}
			t.ready = true
			if err := t.enter(ctx, models.StageAwaitingEffective, ""); err != nil {
				return err
			}
			if err := t.tellRound(ctx, EventReady); err != nil {
				return err
			}
		default:
			err := workflow.Await(ctx, func() bool {
				return t.effect != nil || t.recheck != nil || t.blocked || t.withdrawal != nil
			})
			if err != nil {
				return err
			}
		}
	}
	date := t.effect.EffectiveDate
	t.st.EffectiveDate, t.st.DecreeNumber = &date, t.effect.DecreeNumber
	if err := t.enter(ctx, models.StageEffective, ""); err != nil {
		return err
	}
	if err := t.notify(ctx, "effective", contract.NoticeTransferEffective, models.RoleEmployee, contract.NotifyInput{}); err != nil {
		return err
	}
	if err := t.survey(ctx); err != nil {
		return err
	}
	return t.enter(ctx, models.StageCompleted, "")
}

// untilReady takes the steps before the effective date that are not
// done yet: the TPK's and the PPK's approvals, the socialization and the
// training. It reports whether the transfer goes on; a rejection or a
// cancelled objection ends it.
func (t *transfer) untilReady(ctx workflow.Context) (bool, error) {
	for _, step := range []models.Role{models.RoleTPK, models.RolePPK} {
		if d := t.decision(step); d != nil && d.Approve {
			continue
		}
		approved, err := t.approval(ctx, step)
		if err != nil || !approved {
			return false, err
		}
	}
	if !t.ack && t.resolved == nil {
		proceed, err := t.socialize(ctx)
		if err != nil || !proceed {
			return false, err
		}
	}
	if t.st.Training && !t.trained && !t.trainingClosed {
		if err := t.train(ctx); err != nil {
			return false, err
		}
	}
	return true, nil
}

// decision is the decision of step, if any.
func (t *transfer) decision(step models.Role) *Decision {
	if step == models.RoleTPK {
		return t.tpk
	}
	return t.ppk
}

// listen takes the round's instructions as they come.
func (t *transfer) listen(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SignalCoordinate)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var c Coordination
			if !ch.Receive(ctx, &c) {
				return
			}
			switch c.Kind {
			case CoordinateBlock:
				if t.effect == nil && t.withdrawal == nil && t.recheck == nil && !t.blocked && !t.ending() {
					// The stage shows at once, so that no update is taken
					// meanwhile; stopAt records it once the steps stop.
					t.blocked, t.st.Reason, t.st.ReasonEN = true, c.Reason, c.ReasonEN
					t.st.Stage, t.st.Awaiting = models.StageBlocked, ""
					t.stop()
				}
			case CoordinateUnblock:
				if t.blocked && t.withdrawal == nil {
					t.blocked, t.resumed, t.announce = false, true, t.ready
					t.st.Reason, t.st.ReasonEN = "", ""
				}
			case CoordinateEffect:
				t.effect = &c
			case CoordinateRecheck:
				t.recheck = &c
			}
		}
	})
}

// ending reports whether a decision already taken ends the transfer (a
// rejection, or an objection resolved by cancelling): a block then changes
// nothing, and the steps record that end.
func (t *transfer) ending() bool {
	return t.tpk != nil && !t.tpk.Approve || t.ppk != nil && !t.ppk.Approve ||
		t.resolved != nil && t.resolved.Resolution == models.ResolveCancel
}

// over reports whether the transfer has taken effect or ended.
func (t *transfer) over() bool {
	return t.effect != nil || t.st.Stage.Final() || t.st.Stage.Effective()
}

// stop interrupts the steps before the effective date, if they run.
func (t *transfer) stop() {
	if t.interrupt != nil {
		t.interrupt()
	}
}

// tellRound signals the round the transfer's news.
func (t *transfer) tellRound(ctx workflow.Context, kind EventKind) error {
	if err := t.drain(ctx); err != nil {
		return err
	}
	ev := TransferEvent{TransferID: t.id(), Kind: kind, Stage: t.st.Stage}
	return workflow.SignalExternalWorkflow(ctx, contract.RoundWorkflowID(t.in.RoundID), "", SignalTransferEvent, ev).Get(ctx, nil)
}

// waitBlocked records the block, tells the HR office and waits for the
// HR officer to withdraw the transfer, or for a re-plan to seat it again.
func (t *transfer) waitBlocked(ctx workflow.Context) error {
	if err := t.stopAt(ctx, models.StageBlocked); err != nil {
		return err
	}
	n := contract.NotifyInput{Reason: t.st.Reason}
	if err := t.notify(ctx, "blocked", contract.NoticeTransferBlocked, models.RoleHR, n); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return t.withdrawal != nil || !t.blocked })
}

// stopAt records a stage the transfer stopped at, with its reason.
func (t *transfer) stopAt(ctx workflow.Context, stage models.Stage) error {
	t.st.Stage, t.st.Awaiting = stage, ""
	t.st.Since, t.st.ReminderAt, t.st.Deadline = nil, nil, nil
	if err := t.markStage(ctx, stage); err != nil {
		return err
	}
	note := contract.StageNote{TransferID: t.id(), Stage: stage, Reason: t.st.ReasonEN, At: workflow.Now(ctx)}
	return t.step(ctx, contract.RecordStage, nil, note)
}

// endWithdrawn ends a withdrawn transfer: the stage (written again, after
// any step the withdrawal interrupted), the employee told if they had
// been, the round told.
func (t *transfer) endWithdrawn(ctx workflow.Context) error {
	if err := t.stopAt(ctx, models.StageWithdrawn); err != nil {
		return err
	}
	if t.told {
		n := contract.NotifyInput{Reason: t.withdrawal.Reason}
		if err := t.notify(ctx, "withdrawn", contract.NoticeTransferCancelled, models.RoleEmployee, n); err != nil {
			return err
		}
	}
	return t.tellRound(ctx, EventEnded)
}

// endRecheckFailed ends a transfer whose employee failed the TMT re-check:
// the stage, the HR office and the employee told. The round decided it
// and knows.
func (t *transfer) endRecheckFailed(ctx workflow.Context) error {
	t.st.Reason, t.st.ReasonEN = t.recheck.Reason, t.recheck.ReasonEN
	if err := t.stopAt(ctx, models.StageRecheckFailed); err != nil {
		return err
	}
	n := contract.NotifyInput{Reason: t.st.Reason}
	if err := t.notify(ctx, "recheck", contract.NoticeRecheckFailed, models.RoleHR, n); err != nil {
		return err
	}
	return t.notify(ctx, "recheck:employee", contract.NoticeTransferCancelled, models.RoleEmployee, n)
}

// checkWithdraw lets the HR officer withdraw a coordinated transfer, with
// a reason, at any stage before it takes effect.
func (t *transfer) checkWithdraw(w Withdraw) error {
	if w.Actor.Role != models.RoleHR {
		return refuse(apperr.KindForbidden, "actor", "hanya petugas BKPSDM yang dapat menarik mutasi",
			"only an HR officer can withdraw a transfer")
	}
	if !t.in.Coordinated {
		return refuse(apperr.KindConflict, "", "mutasi ini dimulai sebelum penarikan tersedia dan tidak dapat ditarik",
			"this transfer started before withdrawal existed and cannot be withdrawn")
	}
	if t.withdrawal != nil {
		return refuse(apperr.KindConflict, "", "mutasi sudah ditarik", "the transfer has already been withdrawn")
	}
	if t.over() || t.recheck != nil {
		return stageRefusal(t.st.Stage)
	}
	if models.Blank(w.Reason) {
		return refuse(apperr.KindInvalid, "reason", "alasan penarikan wajib diisi", "a withdrawal needs a reason")
	}
	return nil
}

// withdraw handles a withdrawal: recorded first, so that a transfer the
// round has just made effective is refused, then the steps stopped.
func (t *transfer) withdraw(ctx workflow.Context, w Withdraw) (Receipt, error) {
	if err := t.checkWithdraw(w); err != nil {
		return Receipt{}, err
	}
	var done bool
	in := contract.Withdrawal{TransferID: t.id(), Reason: w.Reason, By: actorRef(w.Actor), At: workflow.Now(ctx)}
	if err := t.step(ctx, contract.RecordWithdrawal, &done, in); err != nil {
		return Receipt{}, err
	}
	if !done {
		return Receipt{}, refuse(apperr.KindConflict, "", "mutasi sudah berlaku", "the transfer has already taken effect")
	}
	t.withdrawal = &w
	t.st.Reason, t.st.ReasonEN = w.Reason, w.Reason
	t.stop()
	return Receipt{TransferID: t.id(), Stage: models.StageWithdrawn}, nil
}

// MaxReference bounds the reference of a minister's approval; the API
// checks it at the door too.
const MaxReference = 200

// checkMinisterApproval lets the HR officer record the minister's approval
// for a coordinated transfer, once, before it takes effect.
func (t *transfer) checkMinisterApproval(m MinisterApproval) error {
	if m.Actor.Role != models.RoleHR {
		return refuse(apperr.KindForbidden, "actor", "hanya petugas BKPSDM yang dapat mencatat persetujuan menteri",
			"only an HR officer can record the minister's approval")
	}
	if !t.in.Coordinated {
		return refuse(apperr.KindConflict, "", "mutasi ini dimulai sebelum persetujuan per pejabat tersedia",
			"this transfer started before approvals per official existed")
	}
	if t.st.MinisterApprovalRef != "" {
		return refuse(apperr.KindConflict, "", "persetujuan menteri sudah dicatat", "the minister's approval is already recorded")
	}
	if t.over() {
		return stageRefusal(t.st.Stage)
	}
	if r := strings.TrimSpace(m.Reference); models.Blank(r) || len([]rune(r)) > MaxReference {
		return refuse(apperr.KindInvalid, "reference", "nomor surat persetujuan menteri wajib diisi, paling banyak 200 karakter",
			"the reference of the minister's letter is required, in at most 200 characters")
	}
	return nil
}

// approveByMinister records the minister's approval and tells the round,
// whose TMT no blackout then holds for this transfer.
func (t *transfer) approveByMinister(ctx workflow.Context, m MinisterApproval) (Receipt, error) {
	if err := t.checkMinisterApproval(m); err != nil {
		return Receipt{}, err
	}
	t.st.MinisterApprovalRef = strings.TrimSpace(m.Reference)
	in := contract.MinisterApprovalInput{TransferID: t.id(), Reference: t.st.MinisterApprovalRef,
		By: actorRef(m.Actor), At: workflow.Now(ctx)}
	if err := t.step(ctx, contract.RecordMinisterApproval, nil, in); err != nil {
		return Receipt{}, err
	}
	if err := t.tellRound(ctx, EventApproved); err != nil {
		return Receipt{}, err
	}
	return Receipt{TransferID: t.id(), Stage: t.st.Stage}, nil
}
