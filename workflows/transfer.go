package workflows

import (
	"bytes"
	"encoding/json"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
)

// TransferWorkflow carries one transfer from the TPK's review to the
// closing of its survey. People act on it through updates whose
// validators refuse the wrong person, the wrong stage or a second answer
// before anything reaches history.
func TransferWorkflow(ctx workflow.Context, in TransferInput) (TransferState, error) {
	// The round has already recorded the transfer as awaiting the TPK, so
	// the state says so from the first moment, before the stage activity.
	t := &transfer{in: in, st: TransferState{TransferID: in.Proposal.TransferID, Stage: models.StageAwaitingTPK,
		Awaiting: models.RoleTPK, Training: in.Proposal.Training}}
	// A run records one marker: ChangeOneTransaction, which implies local
	// steps. Runs begun before it recorded ChangeLocalSteps first, or
	// nothing.
	version := workflow.GetVersion(ctx, ChangeOneTransaction, workflow.DefaultVersion, CancelWaits)
	t.local = version >= 1 || takesLocalSteps(ctx, in)
	t.batched, t.everyStage, t.liveInDB = version >= 1, version < StageAtEnd, version >= LiveInDB
	t.cancelWaits = version >= CancelWaits
	if err := t.register(ctx); err != nil {
		return t.st, err
	}
	err := t.runBatched(ctx)
	if err != nil {
		return t.st, err
	}
	t.st.Outcome = t.st.Stage
	if err := t.drain(ctx); err != nil { // the outcome, recorded
		return t.st, err
	}
	// Let handlers still recording their activity finish before completing.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return t.st, err
	}
	return t.st, nil
}

// ChangeLocalSteps is the change (workflow.GetVersion) from whose version
// 1 on a transfer takes its steps as local activities, inside its
// workflow tasks. Each step is a short database transaction (the outbox
// relay sends the mail), so this spares the server an activity task per
// step: a decision is answered in one workflow task instead of four.
const ChangeLocalSteps = "local-steps"

// takesLocalSteps says whether a run begun before ChangeOneTransaction
// takes its steps as local activities. The choice is recorded in the
// run's history, so every worker that replays it, during a rolling
// deploy too, takes the same one. Runs started while an input flag
// decided (TransferInput.LocalSteps) have no marker and keep their flag;
// runs started before either existed take regular activities
// (DefaultVersion on replay).
func takesLocalSteps(ctx workflow.Context, in TransferInput) bool {
	if in.LocalSteps {
		return true
	}
	return workflow.GetVersion(ctx, ChangeLocalSteps, workflow.DefaultVersion, 1) >= 1
}

// ChangeOneTransaction is the change (workflow.GetVersion) from whose
// version 1 on a transfer takes local steps and records its write-only
// steps together: those taken one after the other, and an update's that
// the flow then answers, are applied in one local activity and one
// transaction (contract.Apply). A decision, the stage it leads to and the
// next approver's notice take one commit instead of three.
const ChangeOneTransaction = "one-transaction"

// StageAtEnd is the version of ChangeOneTransaction from which a
// transfer also sets its MutasiStage search attribute once, when it
// ends, instead of at every stage. Each upsert is a write of the
// workflow's visibility record; on the dev server it was the largest
// single cost of a decision (bench, BENCHMARKS.md). Mutasi's database
// holds the stage of a running transfer (the API and pages read it) and
// the workflow's "state" query tells it live. It is a version of the
// change already recorded at the start rather than a change of its own,
// because each change's marker costs the start a visibility write too.
// Runs begun before keep setting it at every stage.
const StageAtEnd workflow.Version = 2

// LiveInDB is the version of ChangeOneTransaction from which a transfer
// also records its state (the "state" query's answer) in Mutasi's
// database whenever it changes, in the batch of the steps that changed
// it or in one of its own (contract.LiveState). The API and pages then
// read it there: a query waits for a worker to take it, behind the
// workflow tasks queued before it, and under load that wait was most of
// a read (BENCHMARKS.md). Runs begun before are asked, as before.
const LiveInDB workflow.Version = 3

// CancelWaits is the version of ChangeOneTransaction from which a
// transfer cancels the timer of a wait that ended before it (a decision,
// an acknowledgement, a survey answered in time). The Go SDK's
// AwaitWithTimeout leaves it running (its flag that cancels it,
// SDKFlagCancelAwaitTimerOnCondition, is off in v1.51.0), so each
// reminder, deadline and recheck a transfer had no need of still fired
// later, days on, as a workflow task of its own: with the worker's cache
// long evicted, a replay of the whole history to do nothing. A
// cancellation is one more event in the task that ends the wait. Runs
// begun before leave their timers running.
const CancelWaits workflow.Version = 4

// ChangeSurveyWindow is the change (workflow.GetVersion) from whose
// version 1 on a transfer whose survey was answered stays at
// survey_open until the survey window closes, as an unanswered one does,
// so that its stage and timeline do not tell who answered, or when.
// Runs that recorded no marker completed at the answer.
const ChangeSurveyWindow = "survey-window"

// markStage sets the MutasiStage search attribute to stage when the run
// keeps it at every stage, or when stage ends the transfer.
func (t *transfer) markStage(ctx workflow.Context, stage models.Stage) error {
	if !t.everyStage && !stage.Final() {
		return nil
	}
	return workflow.UpsertTypedSearchAttributes(ctx, StageKey.ValueSet(string(stage)))
}

// runBatched runs the stages. In a batched run they run in a coroutine of
// their own, and a second one applies the steps queued (applyQueued):
// the workflow's coroutines run in the order they were started, so when an
// update wakes the stages, they queue their next steps before the applier
// runs, and one batch takes them with the update's. A batch that fails
// fails the run, as a step that fails does.
func (t *transfer) runBatched(ctx workflow.Context) error {
	if !t.batched {
		return t.run(ctx)
	}
	var err error
	ran := false
	workflow.Go(ctx, func(ctx workflow.Context) { err, ran = t.run(ctx), true })
	workflow.Go(ctx, t.applyQueued)
	if err := workflow.Await(ctx, func() bool { return ran || t.applyErr != nil }); err != nil {
		return err
	}
	if t.applyErr != nil {
		return t.applyErr
	}
	if err != nil {
		return err
	}
	return t.drain(ctx)
}

// applyQueued applies the queued steps, as soon as there are any, in one
// local activity, until one fails. Where the run records its state
// (LiveInDB), a batch ends with the state when it changed, and a change
// of state alone makes a batch of its own.
func (t *transfer) applyQueued(ctx workflow.Context) {
	for {
		if workflow.Await(ctx, func() bool { return len(t.queue) > 0 || t.liveChanged() }) != nil {
			return
		}
		steps, live := t.queue, t.liveJSON()
		if !bytes.Equal(live, t.savedLive) {
			steps = append(steps[:len(steps):len(steps)], contract.Step{Live: &contract.LiveState{TransferID: t.id(), State: live}})
		}
		queued := len(t.queue)
		t.queue, t.applying = nil, true
		err := workflow.ExecuteLocalActivity(withLocalOptions(ctx), contract.Apply, steps).Get(ctx, nil)
		t.applying = false
		if err != nil {
			t.applyErr = err
			return
		}
		t.applied += queued
		t.savedLive = live
	}
}

// liveJSON is the run's state as recorded for reads (nil where it is
// not recorded).
func (t *transfer) liveJSON() []byte {
	if !t.liveInDB {
		return nil
	}
	b, err := json.Marshal(t.st)
	if err != nil { // a TransferState always encodes
		return nil
	}
	return b
}

// liveChanged says whether the state differs from the one last recorded.
func (t *transfer) liveChanged() bool {
	return !bytes.Equal(t.liveJSON(), t.savedLive)
}

// drain waits until every queued step has been applied, so that a step
// taken after it, or a signal sent, finds them recorded.
func (t *transfer) drain(ctx workflow.Context) error {
	if !t.batched {
		return nil
	}
	err := workflow.Await(ctx, func() bool { return t.applyErr != nil || len(t.queue) == 0 && !t.applying && !t.liveChanged() })
	if err != nil {
		return err
	}
	return t.applyErr
}

// write takes a write-only step: a batched run queues it, any other runs
// it at once as its own activity. For a coordinated transfer it is not
// taken once ctx is cancelled (see step).
func (t *transfer) write(ctx workflow.Context, s contract.Step) error {
	if t.in.Coordinated && ctx.Err() != nil {
		return ctx.Err()
	}
	if t.batched {
		t.queue = append(t.queue, s)
		t.queued++
		return nil
	}
	switch {
	case s.Decision != nil:
		return t.step(ctx, contract.RecordDecision, nil, *s.Decision)
	case s.Stage != nil:
		return t.step(ctx, contract.SetStage, nil, s.Stage.TransferID, s.Stage.Stage)
	default:
		return t.step(ctx, contract.Notify, nil, *s.Notice)
	}
}

// withActivityOptions sets the timeouts and retries every activity of the
// workflows runs with: database writes retry with backoff until they
// succeed, bad data fails at once.
func withActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute, RetryPolicy: retryPolicy()})
}

// retryPolicy is how every activity and local step is retried: with
// backoff up to five minutes, until it succeeds or fails for good (a
// non-retryable error, or a record that does not exist).
func retryPolicy() *temporal.RetryPolicy {
	return &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
		NonRetryableErrorTypes: []string{contract.ErrNotFound}}
}

// withLocalOptions sets the timeouts and retries of the local steps: the
// same backoff as the activities, and like them retried until the
// database answers (a local activity's retries otherwise end with its
// start-to-close timeout). A retry that waits longer than a workflow task
// is scheduled by the SDK as a timer.
func withLocalOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: localRetryLimit,
		RetryPolicy:            retryPolicy(),
	})
}

// localRetryLimit is how long a local step is retried before the
// transfer fails: far longer than any outage the database should have.
const localRetryLimit = 30 * 24 * time.Hour

// transfer is the state of one TransferWorkflow run.
type transfer struct {
	in TransferInput
	st TransferState
	// local says whether this run takes its steps as local activities
	// (takesLocalSteps).
	local bool
	// batched says whether it applies its write-only steps together
	// (ChangeOneTransaction): queue holds those not yet taken by a batch,
	// queued and applied count them, applying says a batch is running,
	// applyErr is why one failed.
	batched bool
	// everyStage says whether the run sets its stage search attribute at
	// every stage or only at its end (StageAtEnd).
	everyStage bool
	// liveInDB says whether it records its state for reads (LiveInDB);
	// savedLive is the state last recorded.
	liveInDB  bool
	savedLive []byte
	// cancelWaits says whether a wait cancels its timer when it ends
	// first (CancelWaits).
	cancelWaits     bool
	queue           []contract.Step
	queued, applied int
	applying        bool
	applyErr        error
	tpk, ppk        *Decision
	ack             bool
	objection       *Objection
	resolved        *Resolution
	trained         bool
	answered        bool
	// trainingClosed and surveyClosed are set when a deadline has passed,
	// so no late answer slips in while the closing is recorded.
	trainingClosed bool
	surveyClosed   bool
	// For coordinated transfers (coordinated.go): told once the employee
	// has been told; ready once every step before the effective date is
	// done; the round's instructions (effect, recheck, blocked); the HR
	// officer's withdrawal; interrupt stops the steps before the
	// effective date while they run.
	told       bool
	ready      bool
	blocked    bool
	resumed    bool // seated again by a re-plan: every stage is written anew
	announce   bool // resumed after clearing its steps: tell the round again
	effect     *Coordination
	recheck    *Coordination
	withdrawal *Withdraw
	interrupt  workflow.CancelFunc
}

func (t *transfer) id() string { return t.in.Proposal.TransferID }

// step runs one of the transfer's activities and decodes its result into
// out, when out is not nil. For a coordinated transfer a step does not
// start once ctx is cancelled, and a step started runs to its end even if
// ctx is cancelled meanwhile: a withdrawal or a block stops the transfer
// between steps, never inside one.
//
// In a batched run it first waits for the queued steps to be applied.
func (t *transfer) step(ctx workflow.Context, activity any, out any, args ...any) error {
	if t.in.Coordinated {
		if err := ctx.Err(); err != nil {
			return err
		}
		ctx, _ = workflow.NewDisconnectedContext(ctx)
	}
	if err := t.drain(ctx); err != nil {
		return err
	}
	if t.local {
		return workflow.ExecuteLocalActivity(withLocalOptions(ctx), activity, args...).Get(ctx, out)
	}
	return workflow.ExecuteActivity(withActivityOptions(ctx), activity, args...).Get(ctx, out)
}

// run walks the stages in order; a coordinated transfer's round makes it
// effective (runCoordinated).
func (t *transfer) run(ctx workflow.Context) error {
	if t.in.Coordinated {
		return t.runCoordinated(ctx)
	}
	for _, step := range []models.Role{models.RoleTPK, models.RolePPK} {
		approved, err := t.approval(ctx, step)
		if err != nil || !approved {
			return err
		}
	}
	proceed, err := t.socialize(ctx)
	if err != nil || !proceed {
		return err
	}
	if t.st.Training {
		if err := t.train(ctx); err != nil {
			return err
		}
	}
	if err := t.takeEffect(ctx); err != nil {
		return err
	}
	if err := t.survey(ctx); err != nil {
		return err
	}
	return t.enter(ctx, models.StageCompleted, "")
}

// enter moves the transfer to a stage: the query, the search attribute
// and the database follow. awaited is who must act next, if anyone; the
// settings' wait for the stage says when they are reminded and until
// when they have.
func (t *transfer) enter(ctx workflow.Context, stage models.Stage, awaited models.Role) error {
	// The round recorded the first stage and started the run with it, so
	// local runs do not write it again.
	if t.in.Coordinated && ctx.Err() != nil {
		return ctx.Err() // stopped: the stop's own stage stands
	}
	recorded := t.local && stage == models.StageAwaitingTPK && !t.resumed
	t.st.Stage, t.st.Awaiting = stage, awaited
	t.told = t.told || stage == models.StageSocialization
	workflow.GetLogger(ctx).Info("transfer stage", "round", t.in.RoundID, "transfer", t.id(), "stage", stage)
	t.st.Since, t.st.ReminderAt, t.st.Deadline = nil, nil, nil
	now := workflow.Now(ctx)
	w := t.in.Settings.Wait(stage)
	if w.Deadline > 0 {
		d := now.Add(w.Deadline)
		t.st.Since, t.st.Deadline = &now, &d
	}
	if w.Reminder > 0 {
		r := now.Add(w.Reminder)
		t.st.ReminderAt = &r
	}
	if recorded {
		return nil
	}
	if err := t.markStage(ctx, stage); err != nil {
		return err
	}
	return t.write(ctx, contract.Step{Stage: &contract.StageChange{TransferID: t.id(), Stage: stage}})
}

// notify sends one notification about the transfer; key names the step
// so a replayed or retried send happens once.
func (t *transfer) notify(ctx workflow.Context, key string, kind contract.NoticeKind, to models.Role, n contract.NotifyInput) error {
	n.Key, n.Kind, n.TransferID, n.To = t.noticeKey(key), kind, t.id(), to
	return t.write(ctx, contract.Step{Notice: &n})
}

// noticeKey is the outbox key of the transfer's notification key.
func (t *transfer) noticeKey(key string) string { return "transfer-" + t.id() + ":" + key }

// awaitWithReminder waits for done; after w.Reminder it calls remind,
// after w.Deadline (counted from the start) it calls escalate and, unless
// stopAtEscalation, goes on waiting. It reports whether done came true.
func (t *transfer) awaitWithReminder(ctx workflow.Context, done func() bool, w models.Wait,
	remind, escalate func() error, stopAtEscalation bool) (bool, error) {
	ok, err := t.awaitFor(ctx, w.Reminder, done)
	if err != nil || ok {
		return ok, err
	}
	if err := remind(); err != nil {
		return false, err
	}
	ok, err = t.awaitFor(ctx, w.Deadline-w.Reminder, done)
	if err != nil || ok {
		return ok, err
	}
	if err := escalate(); err != nil {
		return false, err
	}
	if stopAtEscalation {
		return false, nil
	}
	return true, workflow.Await(ctx, done)
}

// awaitFor waits up to d for done, as workflow.AwaitWithTimeout does, and
// reports whether done came true; from CancelWaits on, a wait that ends
// before d cancels its timer.
func (t *transfer) awaitFor(ctx workflow.Context, d time.Duration, done func() bool) (bool, error) {
	if !t.cancelWaits {
		return workflow.AwaitWithTimeout(ctx, d, done)
	}
	ctx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	return workflow.AwaitWithTimeout(ctx, d, done)
}

var stepNames = map[models.Role]string{models.RoleTPK: "TPK", models.RolePPK: "PPK", models.RoleHR: "HR"}

// approval waits for the TPK's or the PPK's decision, reminding the
// approver and then escalating to the HR office when it is late. It
// reports whether the transfer was approved; a rejection ends it.
func (t *transfer) approval(ctx workflow.Context, step models.Role) (bool, error) {
	stage := models.StageAwaitingTPK
	decision := &t.tpk
	if step == models.RolePPK {
		stage, decision = models.StageAwaitingPPK, &t.ppk
	}
	s := t.in.Settings
	if err := t.enter(ctx, stage, step); err != nil {
		return false, err
	}
	name, key := stepNames[step], string(step)
	n := contract.NotifyInput{Step: name, Deadline: *t.st.Deadline}
	if err := t.notify(ctx, key+":request", contract.NoticeDecisionRequested, step, n); err != nil {
		return false, err
	}
	_, err := t.awaitWithReminder(ctx, func() bool { return *decision != nil },
		s.Wait(stage),
		func() error { return t.notify(ctx, key+":reminder", contract.NoticeDecisionReminder, step, n) },
		func() error {
			return t.notify(ctx, key+":escalation", contract.NoticeDecisionEscalated, models.RoleHR, n)
		},
		false)
	if err != nil {
		return false, err
	}
	d := *decision
	if d.Approve {
		return true, nil
	}
	n.Reason = d.Reason
	if err := t.notify(ctx, key+":rejected", contract.NoticeTransferRejected, models.RoleHR, n); err != nil {
		return false, err
	}
	return false, t.enter(ctx, models.StageRejected, "")
}

// socialize tells the employee, who acknowledges or objects by the
// deadline; silence counts as acknowledgement. An objection waits for the
// HR officer's resolution. It reports whether the transfer goes on.
func (t *transfer) socialize(ctx workflow.Context) (bool, error) {
	s := t.in.Settings
	if err := t.enter(ctx, models.StageSocialization, models.RoleEmployee); err != nil {
		return false, err
	}
	n := contract.NotifyInput{Deadline: *t.st.Deadline}
	if err := t.notify(ctx, "socialization", contract.NoticeSocialization, models.RoleEmployee, n); err != nil {
		return false, err
	}
	answered, err := t.awaitWithReminder(ctx, func() bool { return t.ack || t.objection != nil },
		s.Wait(models.StageSocialization),
		func() error {
			return t.notify(ctx, "socialization:reminder", contract.NoticeAcknowledgeReminder, models.RoleEmployee, n)
		},
		func() error { return nil }, true)
	if err != nil {
		return false, err
	}
	if !answered && workflow.GetVersion(ctx, ackFromDelivery, workflow.DefaultVersion, 1) == 1 {
		if answered, err = t.awaitNoticeDelivered(ctx, func() bool { return t.ack || t.objection != nil }); err != nil {
			return false, err
		}
	}
	if !answered {
		t.ack = true
		ack := contract.Acknowledgement{TransferID: t.id(), Deemed: true, By: contract.System, At: workflow.Now(ctx)}
		return true, t.step(ctx, contract.RecordAcknowledgement, nil, ack)
	}
	if t.objection == nil {
		return true, nil
	}
	return t.reviewObjection(ctx)
}

// ackFromDelivery names the change that makes silence count as
// acknowledgement only once the notice was delivered, and only a deadline
// after its delivery; runs that reached their deadline before it deemed
// at once.
const ackFromDelivery = "ack-from-delivery"

// noticeRecheck is how often a transfer whose notice is still being sent
// (the relay retrying) looks again; the relay gives up within hours.
const noticeRecheck = 15 * time.Minute

// awaitNoticeDelivered runs at the acknowledgement deadline, before
// silence may count as acknowledgement. It waits until the socialization
// notice has been delivered and the deadline has passed since its
// delivery; when the notice could not be delivered at all, the employee
// was never told, and it waits for their answer however long it takes
// (HR sees the failed notice; a withdrawal ends the wait). It reports
// whether the employee answered meanwhile.
func (t *transfer) awaitNoticeDelivered(ctx workflow.Context, answered func() bool) (bool, error) {
	for {
		var d contract.Delivery
		if err := t.step(ctx, contract.NoticeDelivery, &d, t.noticeKey("socialization")); err != nil {
			return false, err
		}
		switch d.Status {
		case models.OutboxSent:
			if d.At.IsZero() {
				return false, nil // delivered as recorded, at the stage's start
			}
			deadline := d.At.Add(t.in.Settings.AcknowledgeDeadline.Std())
			rest := deadline.Sub(workflow.Now(ctx))
			if rest <= 0 {
				return false, nil
			}
			t.st.Deadline = &deadline
			return t.awaitFor(ctx, rest, answered)
		case models.OutboxFailed:
			workflow.GetLogger(ctx).Warn("socialization notice not delivered: waiting for the employee", "transfer", t.id())
			t.st.ReminderAt, t.st.Deadline = nil, nil
			return true, workflow.Await(ctx, answered)
		}
		if ok, err := t.awaitFor(ctx, noticeRecheck, answered); err != nil || ok {
			return ok, err
		}
	}
}

// reviewObjection waits for the HR officer to resolve the objection,
// reminding the HR office and escalating to the PPK when it is late.
func (t *transfer) reviewObjection(ctx workflow.Context) (bool, error) {
	s := t.in.Settings
	if err := t.enter(ctx, models.StageObjectionReview, models.RoleHR); err != nil {
		return false, err
	}
	n := contract.NotifyInput{Step: "HR", Reason: string(t.objection.Category) + ": " + t.objection.Text, Deadline: *t.st.Deadline}
	if err := t.notify(ctx, "objection", contract.NoticeObjectionReceived, models.RoleHR, n); err != nil {
		return false, err
	}
	_, err := t.awaitWithReminder(ctx, func() bool { return t.resolved != nil },
		s.Wait(models.StageObjectionReview),
		func() error {
			return t.notify(ctx, "objection:reminder", contract.NoticeDecisionReminder, models.RoleHR, n)
		},
		func() error {
			return t.notify(ctx, "objection:escalation", contract.NoticeDecisionEscalated, models.RolePPK, n)
		},
		false)
	if err != nil {
		return false, err
	}
	switch t.resolved.Resolution {
	case models.ResolveCancel:
		n := contract.NotifyInput{Reason: t.resolved.Note}
		if err := t.notify(ctx, "cancelled", contract.NoticeTransferCancelled, models.RoleEmployee, n); err != nil {
			return false, err
		}
		return false, t.enter(ctx, models.StageCancelled, "")
	case models.ResolveTraining:
		t.st.Training = true
	}
	return true, nil
}

// train assigns training and waits for its completion until the
// deadline; a missed deadline is recorded and the transfer goes ahead.
func (t *transfer) train(ctx workflow.Context) error {
	s := t.in.Settings
	if err := t.enter(ctx, models.StageTraining, models.RoleHR); err != nil {
		return err
	}
	reason := "competence_gap"
	if t.resolved != nil && t.resolved.Resolution == models.ResolveTraining {
		reason = "objection"
	}
	in := contract.TrainingInput{TransferID: t.id(), Reason: reason, At: *t.st.Since, Deadline: *t.st.Deadline}
	if err := t.step(ctx, contract.AssignTraining, nil, in); err != nil {
		return err
	}
	n := contract.NotifyInput{Deadline: *t.st.Deadline}
	if err := t.notify(ctx, "training", contract.NoticeTrainingAssigned, models.RoleEmployee, n); err != nil {
		return err
	}
	done, err := t.awaitFor(ctx, s.Wait(models.StageTraining).Deadline, func() bool { return t.trained })
	if err != nil || done {
		return err
	}
	t.trainingClosed = true
	missed := contract.TrainingResult{TransferID: t.id(), By: contract.System, At: workflow.Now(ctx),
		Note: "deadline passed"}
	if err := t.step(ctx, contract.FinishTraining, nil, missed); err != nil {
		return err
	}
	return t.notify(ctx, "training:missed", contract.NoticeTrainingMissed, models.RoleHR, n)
}

// takeEffect fixes the effective date, out of any election blackout
// window that covers the post, waits for it, and issues the decree.
func (t *transfer) takeEffect(ctx workflow.Context) error {
	if err := t.enter(ctx, models.StageAwaitingEffective, ""); err != nil {
		return err
	}
	now := workflow.Now(ctx)
	date, moved := EffectiveDate(now, t.in.Settings, t.in.Proposal.Covered)
	t.st.EffectiveDate = &date
	if moved {
		t.st.BlackoutUntil = &date
	}
	if wait := date.Sub(now); wait > 0 {
		if err := workflow.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	var decree models.Decree
	in := contract.EffectiveInput{TransferID: t.id(), EffectiveDate: date, At: workflow.Now(ctx)}
	if err := t.step(ctx, contract.MakeEffective, &decree, in); err != nil {
		return err
	}
	t.st.DecreeNumber = decree.Number
	if err := t.enter(ctx, models.StageEffective, ""); err != nil {
		return err
	}
	return t.notify(ctx, "effective", contract.NoticeTransferEffective, models.RoleEmployee, contract.NotifyInput{})
}

// EffectiveDate is when a transfer cleared at now takes effect: after the
// round's lead time and, for a post the election blackout covers, after
// every blackout window the date would fall in (RoundSettings.
// BlackoutWindows), unless the round carries the minister's approval.
// With a time zone set, the TMT is a local date: the start of that day,
// which may be earlier than now. moved reports whether a window pushed it.
func EffectiveDate(now time.Time, s models.RoundSettings, covered bool) (date time.Time, moved bool) {
	date = now.Add(s.EffectiveLead.Std())
	if loc, err := s.Location(); err == nil && loc != nil {
		y, m, d := date.In(loc).Date()
		date = time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	if !covered || s.MinisterApprovalRef != "" {
		return date, false
	}
	windows := s.BlackoutWindows()
	for changed := true; changed; {
		changed = false
		for _, b := range windows {
			if !date.Before(b.Start) && date.Before(b.End) {
				date, moved, changed = b.End, true, true
			}
		}
	}
	return date, moved
}

// survey waits the survey delay after the effective date, sends the
// one-time link, reminds once and closes the survey at the end of its
// window.
func (t *transfer) survey(ctx workflow.Context) error {
	s := t.in.Settings
	if wait := t.st.EffectiveDate.Add(s.SurveyDelay.Std()).Sub(workflow.Now(ctx)); wait > 0 {
		if err := workflow.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	now := workflow.Now(ctx)
	var link string
	open := contract.SurveyInput{TransferID: t.id(), At: now, Expires: now.Add(s.SurveyWindow.Std())}
	if err := t.step(ctx, contract.OpenSurvey, &link, open); err != nil {
		return err
	}
	if err := t.enter(ctx, models.StageSurveyOpen, models.RoleEmployee); err != nil {
		return err
	}
	n := contract.NotifyInput{Deadline: *t.st.Deadline, Link: link}
	if err := t.notify(ctx, "survey", contract.NoticeSurveyInvitation, models.RoleEmployee, n); err != nil {
		return err
	}
	answered, err := t.awaitWithReminder(ctx, func() bool { return t.answered },
		s.Wait(models.StageSurveyOpen),
		func() error {
			return t.notify(ctx, "survey:reminder", contract.NoticeSurveyReminder, models.RoleEmployee, n)
		},
		func() error { return nil }, true)
	if err != nil {
		return err
	}
	if answered {
		if workflow.GetVersion(ctx, ChangeSurveyWindow, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			return nil
		}
		return workflow.Sleep(ctx, open.Expires.Sub(workflow.Now(ctx)))
	}
	t.surveyClosed = true
	return t.step(ctx, contract.CloseSurvey, nil, t.id(), workflow.Now(ctx))
}
