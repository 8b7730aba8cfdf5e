package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
)

// register installs the state query and the update handlers. Every
// handler checks its request again (another update may have been handled
// since its validator ran), changes the workflow's state at once, and then
// records the change through an activity before it answers.
func (t *transfer) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (TransferState, error) { return t.st, nil }); err != nil {
		return err
	}
	for _, err := range []error{
		handle(ctx, UpdateDecide, t.decide, t.checkDecision),
		handle(ctx, UpdateAcknowledge, t.acknowledge, t.checkAcknowledge),
		handle(ctx, UpdateObject, t.object, t.checkObjection),
		handle(ctx, UpdateResolve, t.resolve, t.checkResolution),
		handle(ctx, UpdateCompleteTraining, t.completeTraining, t.checkTraining),
		handle(ctx, UpdateAnswerSurvey, t.answerSurvey, t.checkSurvey),
		handle(ctx, UpdateWithdraw, t.withdraw, t.checkWithdraw),
		handle(ctx, UpdateMinisterApproval, t.approveByMinister, t.checkMinisterApproval),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// handle installs one update: its handler and the validator that refuses
// it before it reaches history.
func handle[T any](ctx workflow.Context, name string, handler func(workflow.Context, T) (Receipt, error), validate func(T) error) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name, handler, workflow.UpdateHandlerOptions{Validator: validate})
}

// decide records a TPK's or PPK's decision.
func (t *transfer) decide(ctx workflow.Context, d Decision) (Receipt, error) {
	if err := t.checkDecision(d); err != nil {
		return Receipt{}, err
	}
	d.At = workflow.Now(ctx)
	step := d.Actor.Role
	if step == models.RoleTPK {
		t.tpk = &d
	} else {
		t.ppk = &d
	}
	t.st.Decisions = append(t.st.Decisions, d)
	in := contract.DecisionInput{TransferID: t.id(), RoundID: t.in.RoundID, Step: step, Approve: d.Approve, Reason: d.Reason,
		By: actorRef(d.Actor), At: d.At}
	if err := t.write(ctx, contract.Step{Decision: &in}); err != nil {
		return Receipt{}, err
	}
	if t.batched {
		// Answered once its batch is applied: usually with the steps the
		// decision leads to (runBatched).
		seq := t.queued
		if err := workflow.Await(ctx, func() bool { return t.applied >= seq || t.applyErr != nil }); err != nil {
			return Receipt{}, err
		}
		if t.applyErr != nil {
			return Receipt{}, t.applyErr
		}
	}
	return Receipt{TransferID: t.id(), Stage: t.st.Stage}, nil
}

// acknowledge records the employee's acknowledgement.
func (t *transfer) acknowledge(ctx workflow.Context, r Acknowledge) (Receipt, error) {
	if err := t.checkAcknowledge(r); err != nil {
		return Receipt{}, err
	}
	t.ack = true
	in := contract.Acknowledgement{TransferID: t.id(), By: actorRef(r.Actor), At: workflow.Now(ctx)}
	return t.record(ctx, contract.RecordAcknowledgement, in)
}

// object records the employee's objection.
func (t *transfer) object(ctx workflow.Context, o Objection) (Receipt, error) {
	if err := t.checkObjection(o); err != nil {
		return Receipt{}, err
	}
	o.At = workflow.Now(ctx)
	t.objection = &o
	t.st.Objection = &o
	in := contract.ObjectionInput{TransferID: t.id(), NIP: t.in.Proposal.NIP, Category: o.Category,
		Text: o.Text, By: actorRef(o.Actor), At: o.At}
	return t.record(ctx, contract.RecordObjection, in)
}

// resolve records the HR officer's resolution of the objection.
func (t *transfer) resolve(ctx workflow.Context, r Resolution) (Receipt, error) {
	if err := t.checkResolution(r); err != nil {
		return Receipt{}, err
	}
	r.At = workflow.Now(ctx)
	t.resolved = &r
	t.st.Resolution = &r
	in := contract.ResolutionInput{TransferID: t.id(), Resolution: r.Resolution, Note: r.Note,
		By: actorRef(r.Actor), At: r.At}
	return t.record(ctx, contract.RecordResolution, in)
}

// completeTraining records that the employee completed the training.
func (t *transfer) completeTraining(ctx workflow.Context, c TrainingCompletion) (Receipt, error) {
	if err := t.checkTraining(c); err != nil {
		return Receipt{}, err
	}
	t.trained = true
	in := contract.TrainingResult{TransferID: t.id(), Completed: true, Note: c.Note,
		By: actorRef(c.Actor), At: workflow.Now(ctx)}
	return t.record(ctx, contract.FinishTraining, in)
}

// answerSurvey records the employee's survey answers.
func (t *transfer) answerSurvey(ctx workflow.Context, s SurveyAnswers) (Receipt, error) {
	if err := t.checkSurvey(s); err != nil {
		return Receipt{}, err
	}
	t.answered = true
	in := contract.SurveyAnswer{TransferID: t.id(), Answers: s.Answers, At: workflow.Now(ctx)}
	return t.record(ctx, contract.RecordSurveyResponse, in)
}

// record runs the activity that records an update, in the handler's own
// context, and answers with the stage.
func (t *transfer) record(ctx workflow.Context, activity, in any) (Receipt, error) {
	if err := t.step(ctx, activity, nil, in); err != nil {
		return Receipt{}, err
	}
	return Receipt{TransferID: t.id(), Stage: t.st.Stage}, nil
}

func actorRef(a models.Actor) contract.ActorRef { return contract.ActorRef{ID: a.ID, Role: a.Role} }

func (t *transfer) checkDecision(d Decision) error {
	role := d.Actor.Role
	if role != models.RoleTPK && role != models.RolePPK {
		return refuse(apperr.KindForbidden, "actor", "hanya TPK atau PPK yang dapat memberi keputusan",
			"only the TPK or the PPK can decide")
	}
	if !d.Actor.InScope(t.in.Proposal.ToUnitID) {
		return refuse(apperr.KindForbidden, "actor", "unit tujuan di luar kewenangan Anda", "the target unit is outside your scope")
	}
	if first := t.decision(role); first != nil {
		id, en := "tolak", "reject"
		if first.Approve {
			id, en = "setuju", "approve"
		}
		return refuse(apperr.KindConflict, "", stepNames[role]+" sudah memutuskan: "+id, "the "+stepNames[role]+" has already decided: "+en)
	}
	want := models.StageAwaitingTPK
	if role == models.RolePPK {
		want = models.StageAwaitingPPK
	}
	if t.st.Stage != want {
		if role == models.RolePPK && t.st.Stage == models.StageAwaitingTPK {
			return refuse(apperr.KindConflict, "", "keputusan PPK menunggu kajian TPK", "the PPK decides after the TPK's review")
		}
		return stageRefusal(t.st.Stage)
	}
	if models.Blank(d.Reason) {
		return refuse(apperr.KindInvalid, "reason", "alasan keputusan wajib diisi", "a decision needs a reason")
	}
	return nil
}

// stageRefusal refuses an update the transfer's stage does not await.
func stageRefusal(stage models.Stage) error {
	return refuse(apperr.KindConflict, "", "mutasi sedang pada tahap "+string(stage)+" dan tidak menunggu tindakan ini",
		"the transfer is at stage "+string(stage)+" and does not await this")
}

// checkEmployee refuses anyone but the transferred employee.
func (t *transfer) checkEmployee(actor models.Actor) error {
	if actor.Role != models.RoleEmployee || actor.NIP != t.in.Proposal.NIP {
		return refuse(apperr.KindForbidden, "actor", "hanya pegawai yang dimutasi yang dapat melakukan ini",
			"only the transferred employee can do this")
	}
	return nil
}

// checkAnswer refuses a second answer to the socialization, or any at the
// wrong stage.
func (t *transfer) checkAnswer(actor models.Actor) error {
	if err := t.checkEmployee(actor); err != nil {
		return err
	}
	if t.ack {
		return refuse(apperr.KindConflict, "", "mutasi sudah diterima", "the transfer has already been acknowledged")
	}
	if t.objection != nil {
		return refuse(apperr.KindConflict, "", "keberatan sudah diajukan", "an objection has already been made")
	}
	if t.st.Stage != models.StageSocialization {
		return stageRefusal(t.st.Stage)
	}
	return nil
}

func (t *transfer) checkAcknowledge(r Acknowledge) error { return t.checkAnswer(r.Actor) }

func (t *transfer) checkObjection(o Objection) error {
	if err := t.checkAnswer(o.Actor); err != nil {
		return err
	}
	if !o.Category.Valid() {
		return refuse(apperr.KindInvalid, "category",
			"kategori keberatan harus salah satu dari: "+categoryList(),
			"the objection category must be one of: "+categoryList())
	}
	if models.Blank(o.Text) {
		return refuse(apperr.KindInvalid, "text", "uraian keberatan wajib diisi", "an objection needs a text")
	}
	return nil
}

func (t *transfer) checkResolution(r Resolution) error {
	if r.Actor.Role != models.RoleHR {
		return refuse(apperr.KindForbidden, "actor", "hanya petugas BKPSDM yang dapat menyelesaikan keberatan",
			"only an HR officer can resolve an objection")
	}
	if t.resolved != nil {
		return refuse(apperr.KindConflict, "", "keberatan sudah diselesaikan", "the objection has already been resolved")
	}
	if t.st.Stage != models.StageObjectionReview {
		return stageRefusal(t.st.Stage)
	}
	if !r.Resolution.Valid() {
		return refuse(apperr.KindInvalid, "resolution", "penyelesaian harus cancel, training atau proceed",
			"the resolution must be cancel, training or proceed")
	}
	return nil
}

func (t *transfer) checkTraining(c TrainingCompletion) error {
	if c.Actor.Role != models.RoleHR && c.Actor.Role != models.RoleSystem {
		return refuse(apperr.KindForbidden, "actor", "hanya petugas BKPSDM atau sistem pelatihan yang dapat melaporkan pelatihan",
			"only an HR officer or a training system can report training")
	}
	if t.trained {
		return refuse(apperr.KindConflict, "", "pelatihan sudah dilaporkan selesai", "the training has already been reported complete")
	}
	if t.st.Stage != models.StageTraining || t.trainingClosed {
		return stageRefusal(t.st.Stage)
	}
	return nil
}

func (t *transfer) checkSurvey(s SurveyAnswers) error {
	if s.Actor.Role != models.RoleSystem {
		if err := t.checkEmployee(s.Actor); err != nil {
			return err
		}
	}
	if t.answered {
		return refuse(apperr.KindConflict, "", "survei sudah diisi", "the survey has already been answered")
	}
	if t.st.Stage != models.StageSurveyOpen || t.surveyClosed {
		return refuse(apperr.KindConflict, "", "survei tidak sedang dibuka", "the survey is not open")
	}
	if len(s.Answers) == 0 {
		return refuse(apperr.KindInvalid, "answers", "jawaban survei kosong", "the survey has no answers")
	}
	return nil
}

// categoryList names the objection categories for an error message.
func categoryList() string {
	names := make([]string, len(models.ObjectionCategories))
	for i, c := range models.ObjectionCategories {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}
