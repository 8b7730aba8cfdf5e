package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

// start is the fixed start of every workflow test.
var start = time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)

var (
	hr, tpk, ppk = testkit.HR, testkit.TPK, testkit.PPK
	training     = models.Actor{ID: "lms", Role: models.RoleSystem}
)

// fixture is one transfer ready to run on a fresh database.
type fixture struct {
	t        *testing.T
	db       *gorm.DB
	env      *testsuite.TestWorkflowEnvironment
	acts     *activities.Activities
	in       workflows.TransferInput
	employee models.Actor
	results  map[string]error // update results by label
}

// newFixture loads a small government, records a round and one proposed
// transfer of its first employee to a post in another unit, and prepares
// a test environment with the real activities on that database.
func newFixture(t *testing.T, settings models.RoundSettings, covered, training bool) *fixture {
	// These transfers run on their own, as those started before rounds
	// coordinated them and set local TMT dates did: their timers are
	// checked to the instant. TestEffectiveDateLocal covers local dates.
	settings.TimeZone = ""
	gdb, _ := testkit.New(t)
	data := seed.Generate(30, start, 1)
	if err := seed.Load(gdb, data); err != nil {
		t.Fatal(err)
	}
	e := data.Employees[0]
	to := data.Positions[len(data.Positions)-1]
	roundID := "R-TEST"
	round := models.Round{ID: roundID, Name: "Uji", Status: models.RoundInProgress, Settings: settings,
		WorkflowID: contract.RoundWorkflowID(roundID), CreatedAt: start, UpdatedAt: start}
	id := contract.TransferID(roundID, e.NIP, to.ID)
	tr := models.Transfer{ID: id, RoundID: roundID, NIP: e.NIP, FromPositionID: e.PositionID, ToPositionID: to.ID,
		ToUnitID: to.UnitID, Stage: models.StageAwaitingTPK, TrainingProposed: training,
		WorkflowID: contract.TransferWorkflowID(id)}
	if err := gdb.Create(&round).Error; err != nil {
		t.Fatal(err)
	}
	if err := gdb.Create(&tr).Error; err != nil {
		t.Fatal(err)
	}
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	acts := &activities.Activities{DB: gdb, BaseURL: "http://mutasi.test", LinkSecret: []byte("k")}
	worker.Register(env, acts)
	return &fixture{t: t, db: gdb, env: env, acts: acts, results: map[string]error{},
		employee: models.Actor{ID: e.NIP, Role: models.RoleEmployee, NIP: e.NIP},
		in: workflows.TransferInput{RoundID: roundID, Settings: settings, Proposal: contract.Proposal{
			TransferID: id, NIP: e.NIP, ToPositionID: to.ID, ToUnitID: to.UnitID, Training: training, Covered: covered}}}
}

// quietLogger keeps the test output to warnings and errors.
func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

// at sends an update after delay and records its outcome under label:
// nil when it completed, the refusal or failure otherwise.
func (f *fixture) at(delay time.Duration, label, name string, arg any) {
	f.env.RegisterDelayedCallback(func() {
		f.results[label] = fmt.Errorf("%s: no outcome", label)
		f.env.UpdateWorkflow(name, label, &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { f.results[label] = err },
			OnComplete: func(_ any, err error) { f.results[label] = err },
		}, arg)
	}, delay)
}

// plainPath sends the updates of the plain path: the TPK's and the PPK's
// approvals, the employee's acknowledgement and, a day into the survey
// window, the answer; it returns when the answer is sent, from the start.
func (f *fixture) plainPath() time.Duration {
	f.at(1*h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.at(3*h, "ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	survey := 3*h + 12*7*24*h + 24*h
	f.at(survey, "survey", workflows.UpdateAnswerSurvey,
		workflows.SurveyAnswers{Actor: f.employee, Answers: map[string]any{"motivation": 4}})
	return survey
}

// run executes the workflow and returns its final state.
func (f *fixture) run() workflows.TransferState {
	f.t.Helper()
	f.env.ExecuteWorkflow(workflows.TransferWorkflow, f.in)
	if !f.env.IsWorkflowCompleted() {
		f.t.Fatal("workflow did not complete")
	}
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatalf("workflow failed: %v", err)
	}
	var st workflows.TransferState
	if err := f.env.GetWorkflowResult(&st); err != nil {
		f.t.Fatal(err)
	}
	return st
}

// accepted fails the test unless every label's update completed.
func (f *fixture) accepted(labels ...string) {
	f.t.Helper()
	for _, l := range labels {
		if err, ok := f.results[l]; !ok || err != nil {
			f.t.Errorf("update %s: sent=%v err=%v", l, ok, err)
		}
	}
}

// refused fails the test unless the label's update was refused with kind.
func (f *fixture) refused(label string, kind apperr.Kind) {
	f.t.Helper()
	r, ok := workflows.AsRefusal(f.results[label])
	if !ok || r.Kind != kind {
		f.t.Errorf("update %s: got %v, want a %s refusal", label, f.results[label], kind)
		return
	}
	if r.Message == "" || r.MessageEN == "" {
		f.t.Errorf("update %s: refusal lacks a message: %+v", label, r)
	}
}

// outbox returns the notification keys recorded, without the transfer
// prefix, in order.
func (f *fixture) outbox() []string {
	var msgs []models.OutboxMessage
	if err := f.db.Order("id").Find(&msgs).Error; err != nil {
		f.t.Fatal(err)
	}
	var keys []string
	for _, m := range msgs {
		keys = append(keys, strings.TrimPrefix(m.Key, contract.TransferWorkflowID(f.in.Proposal.TransferID)+":"))
	}
	return keys
}

func (f *fixture) dbStage() models.Stage {
	var tr models.Transfer
	if err := f.db.First(&tr, "id = ?", f.in.Proposal.TransferID).Error; err != nil {
		f.t.Fatal(err)
	}
	return tr.Stage
}

func count(t *testing.T, gdb *gorm.DB, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := gdb.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func equalKeys(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("notifications:\n got %v\nwant %v", got, want)
	}
}

const h = time.Hour

func approve(who models.Actor) workflows.Decision {
	return workflows.Decision{Actor: who, Approve: true, Reason: "sesuai kebutuhan organisasi"}
}

// TestApprovedAcknowledgedSurveyAnswered walks the plain path four
// times: as rounds start transfers now (local steps, write-only steps
// applied together: ChangeOneTransaction), as transfers started with
// version 1 of ChangeLocalSteps and none of ChangeOneTransaction run, as
// transfers started with the old input flag run (local steps, no
// marker), and as transfers started before either run (regular
// activities: DefaultVersion). All must do the same, each through its
// own kind of activity only.
func TestApprovedAcknowledgedSurveyAnswered(t *testing.T) {
	for _, c := range []struct {
		name                 string
		flag, local, batched bool
	}{{"one transaction", false, true, true}, {"version 1", false, true, false}, {"input flag", true, true, false},
		{"before both", false, false, false}} {
		t.Run(c.name, func(t *testing.T) { approvedAcknowledgedSurveyAnswered(t, c.flag, c.local, c.batched) })
	}
}

func approvedAcknowledgedSurveyAnswered(t *testing.T, flag, local, batched bool) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.in.LocalSteps = flag
	if !local {
		f.env.OnGetVersion(workflows.ChangeLocalSteps, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	}
	if !batched {
		f.env.OnGetVersion(workflows.ChangeOneTransaction, workflow.DefaultVersion, workflows.CancelWaits).Return(workflow.DefaultVersion)
	}
	var batches []string
	var regular, locals int
	f.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, args []any) {
		locals++
		if steps, ok := args[0].([]contract.Step); ok && info.ActivityType.Name == contract.Apply {
			batches = append(batches, batchOf(steps))
		}
	})
	f.env.SetOnActivityStartedListener(func(*activity.Info, context.Context, converter.EncodedValues) { regular++ })
	f.plainPath()
	st := f.run()
	f.accepted("tpk", "ppk", "ack", "survey")
	if st.Outcome != models.StageCompleted || f.dbStage() != models.StageCompleted {
		t.Errorf("outcome %s, database stage %s", st.Outcome, f.dbStage())
	}
	equalKeys(t, f.outbox(), "tpk:request", "ppk:request", "socialization", "effective", "survey")
	if n := count(t, f.db, &models.OutboxMessage{}, "status = ?", models.OutboxPending); n != 5 {
		t.Errorf("%d messages pending in the outbox for the relay, want 5", n)
	}
	if st.EffectiveDate == nil || !st.EffectiveDate.Equal(start.Add(3*h)) {
		t.Errorf("effective date %v, want %v", st.EffectiveDate, start.Add(3*h))
	}
	var e models.Employee
	f.db.First(&e, "nip = ?", f.in.Proposal.NIP)
	if e.PositionID != f.in.Proposal.ToPositionID || !e.InPostSince.Equal(start.Add(3*h)) {
		t.Errorf("employee now in %s since %v", e.PositionID, e.InPostSince)
	}
	var spell models.PositionHistory
	f.db.First(&spell, "transfer_id = ?", f.in.Proposal.TransferID)
	if spell.DecreeNumber != "800/0001/BKPSDM/2027" || spell.DecreeNumber != st.DecreeNumber {
		t.Errorf("history decree %q, state decree %q", spell.DecreeNumber, st.DecreeNumber)
	}
	if n := count(t, f.db, &models.Decision{}, "transfer_id = ? AND approve", f.in.Proposal.TransferID); n != 2 {
		t.Errorf("%d approvals recorded, want 2", n)
	}
	if n := count(t, f.db, &models.Survey{}, "status = ?", models.SurveyAnswered); n != 1 {
		t.Errorf("%d answered surveys, want 1", n)
	}
	var invitation models.OutboxMessage
	f.db.First(&invitation, "key LIKE ?", "%:survey")
	if !strings.Contains(invitation.Body, "http://mutasi.test/surveys/") {
		t.Errorf("survey invitation lacks its link:\n%s", invitation.Body)
	}
	// Steps: 4 records of updates, 6 stage changes after the first, 5
	// notices, the decree, the survey's opening; the first stage is the
	// round's in local runs. Applied together, the 13 write-only ones take
	// 7 batches, each decision one with the stage and the notice it leads
	// to, and each with the state they leave for reads (LiveInDB); an 8th
	// records the outcome.
	want := [2]int{18, 0}
	switch {
	case batched:
		want = [2]int{0, 12}
	case local:
		want = [2]int{0, 17}
	}
	if regular != want[0] || locals != want[1] {
		t.Errorf("%d regular and %d local activities, want %d and %d", regular, locals, want[0], want[1])
	}
	if batched {
		// Reads find in the database the state the workflow ends with.
		var tr models.Transfer
		f.db.First(&tr, "id = ?", f.in.Proposal.TransferID)
		if got, _ := json.Marshal(st); tr.Live != string(got) {
			t.Errorf("state recorded for reads:\n%s\nthe workflow's:\n%s", tr.Live, got)
		}
		wantBatches := []string{"notice:tpk:request live:awaiting_tpk",
			"decision:tpk stage:awaiting_ppk notice:ppk:request live:awaiting_ppk",
			"decision:ppk stage:socialization notice:socialization live:socialization",
			"stage:awaiting_effective live:awaiting_effective", "stage:effective notice:effective live:effective",
			"stage:survey_open notice:survey live:survey_open", "stage:completed live:completed", "live:completed+outcome"}
		if !slices.Equal(batches, wantBatches) {
			t.Errorf("batches applied:\n%s\nwant:\n%s", strings.Join(batches, "\n"), strings.Join(wantBatches, "\n"))
		}
	}
}

// batchOf names a batch's steps: decision:ROLE, stage:STAGE, notice:KEY.
func batchOf(steps []contract.Step) string {
	var names []string
	for _, s := range steps {
		switch {
		case s.Decision != nil:
			names = append(names, "decision:"+string(s.Decision.Step))
		case s.Stage != nil:
			names = append(names, "stage:"+string(s.Stage.Stage))
		case s.Notice != nil:
			names = append(names, "notice:"+s.Notice.Key[strings.Index(s.Notice.Key, ":")+1:])
		case s.Live != nil:
			var st workflows.TransferState
			if err := json.Unmarshal(s.Live.State, &st); err != nil {
				panic(err)
			}
			names = append(names, "live:"+string(st.Stage)+map[bool]string{true: "+outcome"}[st.Outcome != ""])
		}
	}
	return strings.Join(names, " ")
}

func TestRejectedByTPK(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.at(h, "tpk", workflows.UpdateDecide, workflows.Decision{Actor: tpk, Reason: "kompetensi belum sesuai"})
	st := f.run()
	f.accepted("tpk")
	if st.Outcome != models.StageRejected || f.dbStage() != models.StageRejected {
		t.Errorf("outcome %s, database stage %s", st.Outcome, f.dbStage())
	}
	equalKeys(t, f.outbox(), "tpk:request", "tpk:rejected")
	if n := count(t, f.db, &models.Decree{}, "true"); n != 0 {
		t.Errorf("%d decrees for a rejected transfer", n)
	}
}

func TestRejectedByPPK(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, workflows.Decision{Actor: ppk, Reason: "formasi dibekukan"})
	st := f.run()
	f.accepted("tpk", "ppk")
	if st.Outcome != models.StageRejected {
		t.Errorf("outcome %s", st.Outcome)
	}
	equalKeys(t, f.outbox(), "tpk:request", "ppk:request", "ppk:rejected")
	var d models.Decision
	f.db.First(&d, "step = ?", models.RolePPK)
	if d.Approve || d.Reason != "formasi dibekukan" || d.ActorID != "ppk1" {
		t.Errorf("PPK decision recorded as %+v", d)
	}
}

// TestAnsweredSurveyKeepsItsWindow: a transfer whose survey was answered
// completes when the window closes, as an unanswered one does, not at
// the answer (ChangeSurveyWindow); runs from before complete at once.
func TestAnsweredSurveyKeepsItsWindow(t *testing.T) {
	for _, before := range []bool{false, true} {
		t.Run(map[bool]string{false: "now", true: "before"}[before], func(t *testing.T) {
			f := newFixture(t, models.DefaultSettings(), false, false)
			if before {
				f.env.OnGetVersion(workflows.ChangeSurveyWindow, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
			}
			answered := start.Add(f.plainPath())
			if st := f.run(); st.Outcome != models.StageCompleted {
				t.Fatalf("outcome %s", st.Outcome)
			}
			f.accepted("tpk", "ppk", "ack", "survey")
			var sv models.Survey
			if err := f.db.First(&sv, "transfer_id = ?", f.in.Proposal.TransferID).Error; err != nil {
				t.Fatal(err)
			}
			want := sv.ExpiresAt
			if before {
				want = answered
			}
			if ended := f.env.Now(); !ended.Equal(want) {
				t.Errorf("completed at %v, want %v (survey sent %v, closing %v)", ended, want, sv.SentAt, sv.ExpiresAt)
			}
		})
	}
}

// TestStageSearchAttributeAtEndOnly: a transfer sets MutasiStage once,
// when it ends (StageAtEnd); the stages it passes on the way write no
// visibility record. Runs begun at version 1 set it at every stage.
func TestStageSearchAttributeAtEndOnly(t *testing.T) {
	for version, want := range map[workflow.Version][]string{
		workflows.StageAtEnd: {string(models.StageRejected)},
		1:                    {string(models.StageAwaitingPPK), string(models.StageRejected)},
	} {
		t.Run(fmt.Sprint("version ", version), func(t *testing.T) { stageSearchAttribute(t, version, want) })
	}
}

func stageSearchAttribute(t *testing.T, version workflow.Version, want []string) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.env.OnGetVersion(workflows.ChangeOneTransaction, workflow.DefaultVersion, workflows.CancelWaits).Return(version)
	var stages []string
	f.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		if stage, ok := args.Get(0).(temporal.SearchAttributes).GetKeyword(workflows.StageKey); ok {
			stages = append(stages, stage)
		}
	}).Return(nil)
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, workflows.Decision{Actor: ppk, Reason: "formasi dibekukan"})
	f.run()
	f.accepted("tpk", "ppk")
	if !slices.Equal(stages, want) {
		t.Errorf("MutasiStage set to %v, want %v", stages, want)
	}
}

// TestWaitsCancelTheirTimers: from CancelWaits on, each wait that ends
// before its timer (the TPK's and the PPK's decisions, the
// acknowledgement, the survey's answer) cancels that timer, so none fires
// later for nothing; runs begun before leave them running.
func TestWaitsCancelTheirTimers(t *testing.T) {
	for version, want := range map[workflow.Version]int{workflows.CancelWaits: 4, workflows.LiveInDB: 0} {
		t.Run(fmt.Sprint("version ", version), func(t *testing.T) {
			f := newFixture(t, models.DefaultSettings(), false, false)
			f.env.OnGetVersion(workflows.ChangeOneTransaction, workflow.DefaultVersion, workflows.CancelWaits).Return(version)
			canceled := 0
			f.env.SetOnTimerCanceledListener(func(string) { canceled++ })
			f.plainPath()
			if st := f.run(); st.Outcome != models.StageCompleted {
				t.Fatalf("outcome %s", st.Outcome)
			}
			f.accepted("tpk", "ppk", "ack", "survey")
			if canceled != want {
				t.Errorf("%d timers canceled, want %d", canceled, want)
			}
		})
	}
}

func TestLateDecisionIsRemindedThenEscalated(t *testing.T) {
	s := models.DefaultSettings()
	f := newFixture(t, s, false, false)
	var atReminder, atEscalation []string
	f.env.RegisterDelayedCallback(func() { atReminder = f.outbox() }, s.DecisionReminder.Std()+h)
	f.env.RegisterDelayedCallback(func() { atEscalation = f.outbox() }, s.DecisionEscalation.Std()+h)
	f.at(10*24*h, "tpk", workflows.UpdateDecide, workflows.Decision{Actor: tpk, Reason: "terlambat, ditolak"})
	f.run()
	f.accepted("tpk")
	equalKeys(t, atReminder, "tpk:request", "tpk:reminder")
	equalKeys(t, atEscalation, "tpk:request", "tpk:reminder", "tpk:escalation")
	var esc models.OutboxMessage
	f.db.First(&esc, "key LIKE ?", "%:tpk:escalation")
	if esc.To != s.Contacts.HR || !strings.HasPrefix(esc.Subject, "Eskalasi: keputusan TPK") {
		t.Errorf("escalation went to %s with subject %q", esc.To, esc.Subject)
	}
}

func TestSilenceCountsAsAcknowledged(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.at(9*24*h, "late-ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	st := f.run()
	f.refused("late-ack", apperr.KindConflict)
	if st.Outcome != models.StageCompleted {
		t.Errorf("outcome %s", st.Outcome)
	}
	equalKeys(t, f.outbox(), "tpk:request", "ppk:request", "socialization", "socialization:reminder",
		"effective", "survey", "survey:reminder")
	if n := count(t, f.db, &models.AuditEntry{}, "action = 'deemed_acknowledged'"); n != 1 {
		t.Errorf("%d deemed acknowledgements recorded, want 1", n)
	}
}

// TestUndeliveredNoticeIsNotAcknowledged: the employee's address cannot
// be sent to, so the socialization notice fails. Silence past the
// deadline is then no acknowledgement: the transfer waits for the
// employee, who acknowledges weeks later.
func TestUndeliveredNoticeIsNotAcknowledged(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.acts.Relayed = true
	if err := f.db.Model(&models.Employee{}).Where("nip = ?", f.in.Proposal.NIP).
		Update("email", "pegawai@banjarbarukota.go.id\r\nBcc: x@y.id").Error; err != nil {
		t.Fatal(err)
	}
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	var at30 workflows.TransferState
	f.env.RegisterDelayedCallback(func() {
		v, err := f.env.QueryWorkflow(workflows.QueryState)
		if err == nil {
			err = v.Get(&at30)
		}
		if err != nil {
			t.Error(err)
		}
	}, 30*24*h)
	f.at(31*24*h, "ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	st := f.run()
	f.accepted("tpk", "ppk", "ack")
	if at30.Stage != models.StageSocialization || at30.Deadline != nil {
		t.Errorf("30 days on, the transfer is %s with deadline %v, want socialization without one", at30.Stage, at30.Deadline)
	}
	if st.Outcome != models.StageCompleted {
		t.Errorf("outcome %s", st.Outcome)
	}
	if n := count(t, f.db, &models.AuditEntry{}, "action = 'deemed_acknowledged'"); n != 0 {
		t.Errorf("%d deemed acknowledgements recorded for an employee never told", n)
	}
	if n := count(t, f.db, &models.OutboxMessage{}, "key LIKE ? AND status = ?", "%:socialization", models.OutboxFailed); n != 1 {
		t.Errorf("%d failed socialization notices, want 1", n)
	}
}

// TestAcknowledgeDeadlineRunsFromDelivery: the relay delivers the notice
// only on day 8, after the deadline counted from the stage's start. The
// deadline then runs from the delivery, so the employee's acknowledgement
// on day 12 is in time.
func TestAcknowledgeDeadlineRunsFromDelivery(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.acts.Relayed = true
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.env.RegisterDelayedCallback(func() {
		now := f.env.Now()
		if err := f.db.Model(&models.OutboxMessage{}).Where("key LIKE ?", "%:socialization").
			Updates(map[string]any{"status": models.OutboxSent, "sent_at": now}).Error; err != nil {
			t.Error(err)
		}
	}, 8*24*h)
	f.at(12*24*h, "ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	st := f.run()
	f.accepted("tpk", "ppk", "ack")
	if st.Outcome != models.StageCompleted {
		t.Errorf("outcome %s", st.Outcome)
	}
	if n := count(t, f.db, &models.AuditEntry{}, "action = 'deemed_acknowledged'"); n != 0 {
		t.Errorf("%d deemed acknowledgements, want the employee's own", n)
	}
}

func TestObjectionCancelled(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.at(3*h, "object", workflows.UpdateObject, workflows.Objection{Actor: f.employee,
		Category: models.ObjectFamily, Text: "suami bertugas di kecamatan lain"})
	f.at(4*h, "resolve", workflows.UpdateResolve, workflows.Resolution{Actor: hr, Resolution: models.ResolveCancel,
		Note: "alasan keluarga diterima"})
	st := f.run()
	f.accepted("tpk", "ppk", "object", "resolve")
	if st.Outcome != models.StageCancelled || f.dbStage() != models.StageCancelled {
		t.Errorf("outcome %s, database stage %s", st.Outcome, f.dbStage())
	}
	equalKeys(t, f.outbox(), "tpk:request", "ppk:request", "socialization", "objection", "cancelled")
	var o models.Objection
	f.db.First(&o, "transfer_id = ?", f.in.Proposal.TransferID)
	if o.Category != models.ObjectFamily || o.Resolution != models.ResolveCancel || o.ResolvedBy != "hr1" {
		t.Errorf("objection recorded as %+v", o)
	}
	var e models.Employee
	f.db.First(&e, "nip = ?", f.in.Proposal.NIP)
	if e.PositionID == f.in.Proposal.ToPositionID {
		t.Error("a cancelled transfer moved the employee")
	}
}

func TestObjectionTrainingCompletedEffective(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.at(3*h, "object", workflows.UpdateObject, workflows.Objection{Actor: f.employee,
		Category: models.ObjectCompetence, Text: "belum menguasai pengelolaan keuangan"})
	f.at(4*h, "resolve", workflows.UpdateResolve, workflows.Resolution{Actor: hr, Resolution: models.ResolveTraining})
	f.at(10*24*h, "trained", workflows.UpdateCompleteTraining, workflows.TrainingCompletion{Actor: training, Note: "lulus"})
	f.at(95*24*h, "survey", workflows.UpdateAnswerSurvey, workflows.SurveyAnswers{Actor: f.employee,
		Answers: map[string]any{"fairness": 5}})
	st := f.run()
	f.accepted("tpk", "ppk", "object", "resolve", "trained", "survey")
	equalKeys(t, f.outbox(), "tpk:request", "ppk:request", "socialization", "objection", "training", "effective", "survey")
	var ta models.TrainingAssignment
	f.db.First(&ta, "transfer_id = ?", f.in.Proposal.TransferID)
	if ta.Status != models.TrainingCompleted || ta.Reason != "objection" || ta.ReportedBy != "lms" {
		t.Errorf("training recorded as %+v", ta)
	}
	if !st.EffectiveDate.Equal(start.Add(10 * 24 * h)) {
		t.Errorf("effective %v, want the day training completed", st.EffectiveDate)
	}
}

func TestTrainingDeadlineMissed(t *testing.T) {
	s := models.DefaultSettings()
	f := newFixture(t, s, false, true)
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.at(3*h, "ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	f.at(3*h+s.TrainingDeadline.Std()+h, "late", workflows.UpdateCompleteTraining, workflows.TrainingCompletion{Actor: hr})
	st := f.run()
	f.accepted("tpk", "ppk", "ack")
	f.refused("late", apperr.KindConflict)
	var ta models.TrainingAssignment
	f.db.First(&ta, "transfer_id = ?", f.in.Proposal.TransferID)
	if ta.Status != models.TrainingMissed || ta.Reason != "competence_gap" {
		t.Errorf("training recorded as %+v", ta)
	}
	if want := start.Add(3*h + s.TrainingDeadline.Std()); !st.EffectiveDate.Equal(want) {
		t.Errorf("effective %v, want %v (the training deadline)", st.EffectiveDate, want)
	}
	equalKeys(t, f.outbox(), "tpk:request", "ppk:request", "socialization", "training", "training:missed",
		"effective", "survey", "survey:reminder")
}

func TestSurveyUnansweredIsRemindedThenClosed(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.at(3*h, "ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	st := f.run()
	if st.Outcome != models.StageCompleted {
		t.Errorf("outcome %s", st.Outcome)
	}
	equalKeys(t, f.outbox(), "tpk:request", "ppk:request", "socialization", "effective", "survey", "survey:reminder")
	var sv models.Survey
	f.db.First(&sv, "transfer_id = ?", f.in.Proposal.TransferID)
	if sv.Status != models.SurveyClosed {
		t.Errorf("survey status %s, want closed", sv.Status)
	}
	if want := start.Add(3*h + 12*7*24*h); !sv.SentAt.Equal(want) {
		t.Errorf("survey sent %v, want 12 weeks after the effective date (%v)", sv.SentAt, want)
	}
}

func TestBlackoutDelaysEffectiveDate(t *testing.T) {
	s := models.DefaultSettings()
	end := start.AddDate(0, 3, 0)
	s.Blackouts = []models.Blackout{{Start: start.AddDate(0, -1, 0), End: end, Label: "Pilkada 2027"}}
	f := newFixture(t, s, true, false)
	f.at(h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(2*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.at(3*h, "ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	var midway workflows.TransferState
	f.env.RegisterDelayedCallback(func() {
		v, err := f.env.QueryWorkflow(workflows.QueryState)
		if err == nil {
			err = v.Get(&midway)
		}
		if err != nil {
			t.Error(err)
		}
	}, 30*24*h)
	st := f.run()
	if midway.Stage != models.StageAwaitingEffective || midway.BlackoutUntil == nil || !midway.BlackoutUntil.Equal(end) {
		t.Errorf("a month in: stage %s, blackout until %v", midway.Stage, midway.BlackoutUntil)
	}
	if !st.EffectiveDate.Equal(end) {
		t.Errorf("effective %v, want the end of the blackout %v", st.EffectiveDate, end)
	}
	var d models.Decree
	f.db.First(&d, "transfer_id = ?", f.in.Proposal.TransferID)
	if !d.EffectiveDate.Equal(end) {
		t.Errorf("decree effective %v, want %v", d.EffectiveDate, end)
	}
}

func TestEffectiveDateRules(t *testing.T) {
	s := models.DefaultSettings()
	s.TimeZone = "" // instants; TestEffectiveDateLocal covers local dates
	now := start
	w1 := models.Blackout{Start: now.Add(-h), End: now.Add(10 * h)}
	w2 := models.Blackout{Start: now.Add(10 * h), End: now.Add(20 * h)}
	s.Blackouts = []models.Blackout{w2, w1}
	if d, moved := workflows.EffectiveDate(now, s, true); !d.Equal(w2.End) || !moved {
		t.Errorf("chained windows: %v %v, want %v", d, moved, w2.End)
	}
	if d, moved := workflows.EffectiveDate(now, s, false); !d.Equal(now) || moved {
		t.Errorf("uncovered post: %v %v", d, moved)
	}
	s.MinisterApprovalRef = "B-123/MENDAGRI/2027"
	if d, _ := workflows.EffectiveDate(now, s, true); !d.Equal(now) {
		t.Errorf("with the minister's approval: %v", d)
	}
	s.MinisterApprovalRef, s.EffectiveLead = "", models.Duration(30*h)
	if d, moved := workflows.EffectiveDate(now, s, true); !d.Equal(now.Add(30*h)) || moved {
		t.Errorf("lead past the windows: %v %v", d, moved)
	}
}

// TestEffectiveDateLocal: with the round's time zone the TMT is the local
// date, even late in the UTC day; windows derived from an election's dates
// cover six months before the candidates are determined to six months
// after the inauguration, whether the post left or the post taken is
// covered.
func TestEffectiveDateLocal(t *testing.T) {
	s := models.DefaultSettings()
	wita, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 3, 9, 17, 30, 0, 0, time.UTC) // 10 March, 01:30 WITA
	if d, moved := workflows.EffectiveDate(now, s, true); !d.Equal(time.Date(2027, 3, 10, 0, 0, 0, 0, wita)) || moved {
		t.Errorf("no election: %v %v, want 10 March WITA", d, moved)
	}
	s.Elections = []models.Election{{CandidateDetermination: time.Date(2027, 8, 1, 0, 0, 0, 0, wita),
		Inauguration: time.Date(2028, 2, 1, 0, 0, 0, 0, wita), Label: "Pilkada 2027"}}
	early := time.Date(2027, 1, 20, 9, 0, 0, 0, wita) // the window opens on 1 February
	if d, moved := workflows.EffectiveDate(early, s, true); moved || !d.Equal(time.Date(2027, 1, 20, 0, 0, 0, 0, wita)) {
		t.Errorf("before the window: %v %v", d, moved)
	}
	inside := time.Date(2027, 5, 1, 3, 0, 0, 0, wita)
	want := time.Date(2028, 8, 1, 0, 0, 0, 0, wita)
	if d, moved := workflows.EffectiveDate(inside, s, true); !d.Equal(want) || !moved {
		t.Errorf("inside the windows: %v %v, want %v", d, moved, want)
	}
	if d, moved := workflows.EffectiveDate(inside, s, false); moved || !d.Equal(time.Date(2027, 5, 1, 0, 0, 0, 0, wita)) {
		t.Errorf("uncovered: %v %v", d, moved)
	}
	if n := s.DecreeNumber(2028, 7); n != "800/0007/BKPSDM/2028" {
		t.Errorf("decree number %q", n)
	}
	s.DecreeNumberFormat = "821.2/{seq}/BKPSDM-BJB/{year}"
	if n := s.DecreeNumber(2028, 12345); n != "821.2/12345/BKPSDM-BJB/2028" {
		t.Errorf("decree number %q", n)
	}
}

func TestWrongRoleOutOfOrderAndDuplicateUpdatesRefused(t *testing.T) {
	f := newFixture(t, models.DefaultSettings(), false, false)
	other := models.Actor{ID: "x", Role: models.RoleEmployee, NIP: "199001012015011999"}
	outOfScope := models.Actor{ID: "tpk2", Role: models.RoleTPK, Units: []string{"U999"}}
	f.at(1*h, "employee-decides", workflows.UpdateDecide, workflows.Decision{Actor: f.employee, Approve: true, Reason: "x"})
	f.at(1*h, "ppk-first", workflows.UpdateDecide, approve(ppk))
	f.at(1*h, "out-of-scope", workflows.UpdateDecide, approve(outOfScope))
	f.at(1*h, "no-reason", workflows.UpdateDecide, workflows.Decision{Actor: tpk, Approve: true})
	f.at(1*h, "early-ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	f.at(2*h, "tpk", workflows.UpdateDecide, approve(tpk))
	f.at(3*h, "tpk-again", workflows.UpdateDecide, approve(tpk))
	f.at(4*h, "ppk", workflows.UpdateDecide, approve(ppk))
	f.at(5*h, "other-ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: other})
	f.at(5*h, "bad-category", workflows.UpdateObject, workflows.Objection{Actor: f.employee, Category: "bored", Text: "x"})
	f.at(5*h, "resolve-early", workflows.UpdateResolve, workflows.Resolution{Actor: hr, Resolution: models.ResolveProceed})
	f.at(5*h, "survey-early", workflows.UpdateAnswerSurvey, workflows.SurveyAnswers{Actor: f.employee,
		Answers: map[string]any{"x": 1}})
	f.at(6*h, "ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: f.employee})
	f.at(7*h, "object-after-ack", workflows.UpdateObject, workflows.Objection{Actor: f.employee,
		Category: models.ObjectHealth, Text: "x"})
	st := f.run()
	f.accepted("tpk", "ppk", "ack")
	f.refused("employee-decides", apperr.KindForbidden)
	f.refused("ppk-first", apperr.KindConflict)
	f.refused("out-of-scope", apperr.KindForbidden)
	f.refused("no-reason", apperr.KindInvalid)
	f.refused("early-ack", apperr.KindConflict)
	f.refused("tpk-again", apperr.KindConflict)
	f.refused("other-ack", apperr.KindForbidden)
	f.refused("bad-category", apperr.KindInvalid)
	f.refused("resolve-early", apperr.KindConflict)
	f.refused("object-after-ack", apperr.KindConflict)
	f.refused("survey-early", apperr.KindConflict)
	if r, _ := workflows.AsRefusal(f.results["no-reason"]); r.Field != "reason" {
		t.Errorf("no-reason refusal names field %q, want reason", r.Field)
	}
	if len(st.Decisions) != 2 {
		t.Errorf("state holds %d decisions, want 2", len(st.Decisions))
	}
	if n := count(t, f.db, &models.Decision{}, "true"); n != 2 {
		t.Errorf("%d decisions recorded, want 2", n)
	}
	if n := count(t, f.db, &models.Objection{}, "true"); n != 0 {
		t.Errorf("%d objections recorded, want 0", n)
	}
}
