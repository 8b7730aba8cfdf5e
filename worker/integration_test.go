package worker_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/codec"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/outbox"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/smtptest"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/testworker"
	"github.com/bkpsdm/mutasi/transfers"
	"github.com/bkpsdm/mutasi/workflows"
)

// stack is a real Temporal dev server, PostgreSQL, an SMTP server and a
// worker, for one test.
type stack struct {
	t    *testing.T
	c    client.Client
	db   *gorm.DB
	smtp *smtptest.Server
}

func startStack(t *testing.T) *stack {
	return startStackOn(t, testkit.Temporal(t, devtemporal.Options{}).Client())
}

// startStackOn is the stack on the Temporal server c speaks to.
func startStackOn(t *testing.T, c client.Client) *stack {
	gdb, _ := testkit.New(t)
	mail := smtptest.Start(t)
	testworker.Start(t, c, gdb, "integration")
	relayCtx, stopRelay := context.WithCancel(context.Background())
	relay := &outbox.Relay{DB: gdb, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Mailer: notify.SMTP{Host: mail.Host, Port: mail.Port, From: "bkpsdm@mutasi.local", Security: notify.SecurityNone}}
	go relay.Run(relayCtx)
	t.Cleanup(stopRelay)
	return &stack{t: t, c: c, db: gdb, smtp: mail}
}

// update sends an update as the API does (transfers.Service.Update, which
// sends again an update dropped by a failed workflow task, and logs it)
// and waits for its outcome. When it fails, the error tells the workflow
// tasks that failed or timed out, from history.
func update(ctx context.Context, c client.Client, workflowID, name, id string, arg any) error {
	api := &transfers.Service{Temporal: c, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	err := api.Update(ctx, workflowID, name, id, arg, nil)
	if _, refused := workflows.AsRefusal(err); err == nil || refused {
		return err
	}
	events, _ := testkit.History(ctx, c, workflowID)
	for _, e := range events {
		if a := e.GetWorkflowTaskFailedEventAttributes(); a != nil {
			err = fmt.Errorf("%w; workflow task failed at event %d: %s: %s", err, e.GetEventId(), a.GetCause(), a.GetFailure().GetMessage())
		}
		if a := e.GetWorkflowTaskTimedOutEventAttributes(); a != nil {
			err = fmt.Errorf("%w; workflow task timed out at event %d (%s)", err, e.GetEventId(), a.GetTimeoutType())
		}
	}
	return fmt.Errorf("%s %s: %w", name, id, err)
}

// script drives one transfer along a path chosen by its index, and
// returns the stage it must end in.
func script(ctx context.Context, c client.Client, i int, p contract.Proposal) (models.Stage, error) {
	wid := contract.TransferWorkflowID(p.TransferID)
	me := models.Actor{ID: p.NIP, Role: models.RoleEmployee, NIP: p.NIP}
	at := func(stage models.Stage) error {
		_, err := testkit.WaitState(ctx, c, wid, func(s workflows.TransferState) bool { return s.Stage == stage })
		return err
	}
	do := func(stage models.Stage, name, id string, arg any) error {
		if err := at(stage); err != nil {
			return err
		}
		return update(ctx, c, wid, name, wid+":"+id, arg)
	}
	reason := "sesuai analisis kebutuhan"
	if err := do(models.StageAwaitingTPK, workflows.UpdateDecide, "tpk", workflows.Decision{Actor: testkit.TPK, Approve: i%5 != 0, Reason: reason}); err != nil {
		return "", err
	}
	if i%5 == 0 {
		return models.StageRejected, nil
	}
	if err := do(models.StageAwaitingPPK, workflows.UpdateDecide, "ppk", workflows.Decision{Actor: testkit.PPK, Approve: true, Reason: reason}); err != nil {
		return "", err
	}
	switch i % 5 {
	case 1: // acknowledges, answers the survey
		if err := do(models.StageSocialization, workflows.UpdateAcknowledge, "ack", workflows.Acknowledge{Actor: me}); err != nil {
			return "", err
		}
		answers := workflows.SurveyAnswers{Actor: me, Answers: map[string]any{"motivation": 4, "enps": 9, "comments": surveyComment}}
		return models.StageCompleted, do(models.StageSurveyOpen, workflows.UpdateAnswerSurvey, "survey", answers)
	case 2: // objects, trains, leaves the survey unanswered
		obj := workflows.Objection{Actor: me, Category: models.ObjectCompetence, Text: "perlu pelatihan keuangan"}
		if err := do(models.StageSocialization, workflows.UpdateObject, "object", obj); err != nil {
			return "", err
		}
		res := workflows.Resolution{Actor: testkit.HR, Resolution: models.ResolveTraining}
		if err := do(models.StageObjectionReview, workflows.UpdateResolve, "resolve", res); err != nil {
			return "", err
		}
		done := workflows.TrainingCompletion{Actor: models.Actor{ID: "lms", Role: models.RoleSystem}}
		return models.StageCompleted, do(models.StageTraining, workflows.UpdateCompleteTraining, "trained", done)
	case 3: // objects, and the HR officer cancels
		obj := workflows.Objection{Actor: me, Category: models.ObjectFamily, Text: objectionText}
		if err := do(models.StageSocialization, workflows.UpdateObject, "object", obj); err != nil {
			return "", err
		}
		res := workflows.Resolution{Actor: testkit.HR, Resolution: models.ResolveCancel, Note: "diterima"}
		return models.StageCancelled, do(models.StageObjectionReview, workflows.UpdateResolve, "resolve", res)
	}
	return models.StageCompleted, nil // silent: deemed to acknowledge, survey closes unanswered
}

// scriptOrder orders the proposals for script: the last one, removed at
// confirmation, and those script rejects or cancels (indexes 0 and 3
// modulo 5) are proposals no other depends on, so that no transfer is
// blocked and each ends as script says.
func scriptOrder(t *testing.T, ps []contract.Proposal) []contract.Proposal {
	t.Helper()
	free, needed := testkit.Independent(ps)
	if len(free) == 0 {
		t.Fatal("every proposal is depended on")
	}
	last := free[len(free)-1]
	free = free[:len(free)-1]
	var out []contract.Proposal
	for i := 0; i < len(ps)-1; i++ {
		take := &needed
		if i%5 == 0 || i%5 == 3 || len(needed) == 0 {
			take = &free
		}
		if len(*take) == 0 {
			t.Fatalf("not enough proposals that nobody depends on for the script: %d of %d", len(free), len(ps))
		}
		out = append(out, (*take)[0])
		*take = (*take)[1:]
	}
	return append(out, last)
}

// TestRoundEndToEnd runs a round of a 60-employee government through a real
// Temporal server, PostgreSQL and SMTP server, with every path taken by
// some transfer.
func TestRoundEndToEnd(t *testing.T) { roundEndToEnd(t, startStack(t)) }

// TestRoundEndToEndOnTheCluster runs the same round on the production
// shape: the official Temporal server on PostgreSQL (scripts/cluster.sh).
// No workflow task may fail on the server but for UnhandledCommand,
// Temporal's designed retry of a task that completed a workflow as a
// signal reached it (a transfer the round blocks as it ends); a transfer
// tells its round before it completes, so that task carries no update.
func TestRoundEndToEndOnTheCluster(t *testing.T) {
	cluster := testkit.Cluster(t)
	roundEndToEnd(t, startStackOn(t, cluster.Client()))
	failed, err := cluster.FailedWorkflowTasks()
	if err != nil {
		t.Fatal(err)
	}
	delete(failed, enumspb.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND.String())
	if len(failed) > 0 {
		t.Errorf("the server failed workflow tasks, by cause: %v", failed)
	}
}

// roundEndToEnd runs the round on the stack s and checks its outcome.
func roundEndToEnd(t *testing.T, s *stack) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	if err := seed.Load(s.db, seed.Generate(60, time.Now(), 11)); err != nil {
		t.Fatal(err)
	}
	roundID := "R-INT-1"
	wid := contract.RoundWorkflowID(roundID)
	opts := client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING}
	// The round starts its transfers through batches of 4, so that its
	// recorded history covers that branch (the workflow tests cover both).
	// The windows script must act in (acknowledge or object, train, answer
	// the survey) are wider than testkit.Compressed's: the script polls a
	// real server, and on a busy machine a 2-second window closed before it
	// saw it open (and, once, the survey's 8 seconds, during CI).
	settings := testkit.Compressed()
	settings.AcknowledgeDeadline, settings.TrainingDeadline = testkit.Seconds(10), testkit.Seconds(10)
	settings.SurveyWindow = testkit.Seconds(20)
	in := workflows.RoundInput{RoundID: roundID, Name: "Uji integrasi", Settings: settings,
		By: contract.ActorRef{ID: "hr1", Role: models.RoleHR}, TransferBatch: 4}
	run, err := s.c.ExecuteWorkflow(ctx, opts, workflows.RoundWorkflow, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.c.ExecuteWorkflow(ctx, opts, workflows.RoundWorkflow, in)
	if err != nil || again.GetRunID() != run.GetRunID() {
		t.Fatalf("a second start gave run %s (%v), want the first run %s", again.GetRunID(), err, run.GetRunID())
	}
	st, err := testkit.WaitState(ctx, s.c, wid, func(s workflows.RoundState) bool { return s.Status == models.RoundAwaitingConfirmation })
	if err != nil {
		t.Fatal(err)
	}
	proposals := testworker.Proposals(t, s.db, roundID)
	if st.Proposed != len(proposals) {
		t.Errorf("the round counts %d proposals, the database holds %d", st.Proposed, len(proposals))
	}
	if len(proposals) < 6 {
		t.Fatalf("only %d proposals from 60 employees", len(proposals))
	}
	err = update(ctx, s.c, wid, workflows.UpdateConfirm, "bad", workflows.Confirm{Actor: testkit.TPK})
	if r, ok := workflows.AsRefusal(err); !ok || r.Kind != apperr.KindForbidden {
		t.Fatalf("confirmation by the TPK: %v, want Forbidden", err)
	}
	proposals = scriptOrder(t, proposals)
	removed := proposals[len(proposals)-1].TransferID
	if err := update(ctx, s.c, wid, workflows.UpdateConfirm, "ok", workflows.Confirm{Actor: testkit.HR, Remove: []string{removed}}); err != nil {
		t.Fatal(err)
	}
	// Repeating the same update ID returns the first outcome.
	if err := update(ctx, s.c, wid, workflows.UpdateConfirm, "ok", workflows.Confirm{Actor: testkit.HR}); err != nil {
		t.Fatalf("repeated confirmation: %v", err)
	}

	want := map[models.Stage]int{models.StageRemoved: 1}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, len(proposals))
	for i, p := range proposals[:len(proposals)-1] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stage, err := script(ctx, s.c, i, p)
			if err != nil {
				errs <- fmt.Errorf("transfer %d (%s): %w", i, p.TransferID, err)
				return
			}
			mu.Lock()
			want[stage]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var summary models.RoundSummary
	if err := run.Get(ctx, &summary); err != nil {
		t.Fatal(err)
	}
	for stage, n := range want {
		if summary.ByStage[stage] != n {
			t.Errorf("%d transfers %s, want %d (summary %+v)", summary.ByStage[stage], stage, n, summary)
		}
	}
	n := len(proposals) - 1
	if summary.Confirmed != n || summary.Objections != (n+2)/5+(n+1)/5 {
		t.Errorf("summary %+v for %d confirmed transfers", summary, n)
	}
	checkChains(t, s, roundID)
	checkMail(t, s)
	checkHistoryUntouched(ctx, t, s.c, wid)
	checkPrivate(ctx, t, s, wid, proposals[:len(proposals)-1])
	checkSearchAttributes(ctx, t, s.c, roundID, summary.ByStage[models.StageCompleted])
	if os.Getenv("MUTASI_UPDATE_HISTORIES") != "" {
		saveHistories(ctx, t, s.c, wid, proposals[:5])
	}
}

// checkChains checks that the round moved people along vacancy chains
// and that every transfer that took effect did so with those whose seats
// it took, on the same TMT.
func checkChains(t *testing.T, s *stack, roundID string) {
	var ts []models.Transfer
	if err := s.db.Where("round_id = ?", roundID).Find(&ts).Error; err != nil {
		t.Fatal(err)
	}
	byID := map[string]models.Transfer{}
	for _, x := range ts {
		byID[x.ID] = x
	}
	chained := 0
	for _, x := range ts {
		if !x.Stage.Effective() {
			continue
		}
		for _, d := range x.DependsOn {
			dep := byID[d]
			if !dep.Stage.Effective() || dep.EffectiveDate == nil || !dep.EffectiveDate.Equal(*x.EffectiveDate) {
				t.Errorf("%s took effect on %v, but %s, whose seat it took, is %s (%v)", x.ID, x.EffectiveDate, d, dep.Stage, dep.EffectiveDate)
			}
			chained++
		}
	}
	if chained == 0 {
		t.Error("no transfer that took effect took a seat another one freed: the round has no vacancy chain")
	}
}

// checkMail compares what the SMTP server received with the outbox,
// once the relay has sent every message.
func checkMail(t *testing.T, s *stack) {
	var recorded []models.OutboxMessage
	if err := s.db.Order("id").Find(&recorded).Error; err != nil {
		t.Fatal(err)
	}
	s.smtp.Wait(time.Minute, func(m []smtptest.Mail) bool { return len(m) >= len(recorded) })
	// The relay marks a message sent just after the server accepts it.
	testkit.Eventually(t, "every outbox message marked sent", func() bool {
		var pending int64
		if err := s.db.Model(&models.OutboxMessage{}).Where("status <> ?", models.OutboxSent).Count(&pending).Error; err != nil {
			t.Fatal(err)
		}
		return pending == 0
	})
	got := s.smtp.Messages()
	if len(got) != len(recorded) || len(got) == 0 {
		t.Fatalf("SMTP received %d messages, the outbox holds %d", len(got), len(recorded))
	}
	subjects := map[string]int{}
	for _, m := range got {
		subjects[strings.SplitN(m.Subject, ":", 2)[0]]++
	}
	for _, prefix := range []string{"Mohon keputusan TPK", "Pemberitahuan mutasi", "Survei pascamutasi", "Keberatan mutasi dari"} {
		found := false
		for subj := range subjects {
			found = found || strings.HasPrefix(subj, prefix)
		}
		if !found {
			t.Errorf("no mail %q among %v", prefix, subjects)
		}
	}
}

// checkHistoryUntouched checks that the refused confirmation left no trace
// in the round's history: one update accepted, none rejected.
func checkHistoryUntouched(ctx context.Context, t *testing.T, c client.Client, wid string) {
	events, err := testkit.History(ctx, c, wid)
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, e := range events {
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			accepted++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED:
			t.Errorf("a rejected update is in the history")
		}
	}
	if accepted != 1 {
		t.Errorf("%d accepted updates in the round's history, want 1", accepted)
	}
}

// The texts script sends that are someone's private matters.
const (
	surveyComment = "atasan baru sangat membantu"
	objectionText = "orang tua sakit"
)

// checkPrivate reads the raw histories of the round, its batches and its
// transfers, as Temporal stores them and its Web UI shows them, and finds
// no objection text, survey answer or employee name in plain text; the
// same histories decrypted hold them, so the search can find them.
func checkPrivate(ctx context.Context, t *testing.T, s *stack, roundWID string, ps []contract.Proposal) {
	cd, err := codec.Parse(testkit.PayloadKeys)
	if err != nil {
		t.Fatal(err)
	}
	private := []string{surveyComment, objectionText, "perlu pelatihan keuangan"}
	var names []string
	nips := make([]string, len(ps))
	for i, p := range ps {
		nips[i] = p.NIP
	}
	if err := s.db.Model(&models.Employee{}).Where("nip IN ?", nips).Pluck("name", &names).Error; err != nil || len(names) == 0 {
		t.Fatalf("names: %v, %v", names, err)
	}
	private = append(private, names...)
	ids := []string{roundWID}
	for _, p := range ps {
		ids = append(ids, contract.TransferWorkflowID(p.TransferID))
	}
	for i := 1; ; i++ { // the batches, as many as there are
		batch := fmt.Sprintf("%s-batch-%d", roundWID, i)
		if _, err := s.c.DescribeWorkflowExecution(ctx, batch, ""); err != nil {
			break
		}
		ids = append(ids, batch)
	}
	var raw, decrypted []byte
	for _, id := range ids {
		events, err := testkit.History(ctx, s.c, id)
		if err != nil {
			t.Fatal(err)
		}
		h := &historypb.History{Events: events}
		b, err := proto.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b...)
		err = proxy.VisitPayloads(ctx, h, proxy.VisitPayloadsOptions{
			Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
				return cd.Decode(p)
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if b, err = proto.Marshal(h); err != nil {
			t.Fatal(err)
		}
		decrypted = append(decrypted, b...)
	}
	for _, text := range private {
		if bytes.Contains(raw, []byte(text)) {
			t.Errorf("%q is in a workflow history in plain text", text)
		}
	}
	for _, text := range []string{surveyComment, objectionText} {
		if !bytes.Contains(decrypted, []byte(text)) {
			t.Errorf("%q is not in the decrypted histories either: the search finds nothing", text)
		}
	}
}

// checkSearchAttributes finds the completed transfers, and the completed
// round by its own attributes, through visibility, the way `temporal
// workflow list --query` does.
func checkSearchAttributes(ctx context.Context, t *testing.T, c client.Client, roundID string, completed int) {
	for query, want := range map[string]int{
		fmt.Sprintf("MutasiRound = '%s' AND MutasiStage = '%s'", roundID, models.StageCompleted):              completed,
		fmt.Sprintf("MutasiRound = '%s' AND MutasiRoundStatus = '%s'", roundID, models.RoundCompleted):        1,
		fmt.Sprintf("MutasiRound = '%s' AND WorkflowType = 'RoundWorkflow' AND MutasiStage IS NULL", roundID): 1,
	} {
		testkit.Eventually(t, fmt.Sprintf("visibility query %q to find %d", query, want), func() bool {
			resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
			if err != nil {
				t.Fatal(err)
			}
			return len(resp.Executions) == want
		})
	}
}

// saveHistories writes the round's history, its first batch's and some
// transfers' histories into workflows/testdata for the replay test.
func saveHistories(ctx context.Context, t *testing.T, c client.Client, roundWID string, ps []contract.Proposal) {
	ids := []string{roundWID, roundWID + "-batch-1"}
	for _, p := range ps {
		ids = append(ids, contract.TransferWorkflowID(p.TransferID))
	}
	for i, id := range ids {
		events, err := testkit.History(ctx, c, id)
		if err != nil {
			t.Fatal(err)
		}
		h := historypb.History{Events: events}
		b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
		if err != nil {
			t.Fatal(err)
		}
		name := "transfer"
		switch i {
		case 0:
			name = "round"
		case 1:
			name = "batch"
		}
		dir := filepath.Join("..", "workflows", "testdata", os.Getenv("MUTASI_UPDATE_HISTORIES"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.json", name, i)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
