package faults

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/testworker"
	"github.com/bkpsdm/mutasi/workflows"
)

// transfers is how many transfers each fault round on the dev server
// confirms; the round's other proposals are removed at confirmation.
const transfers = 200

// governmentFor is how many employees make a government whose round
// proposes more than n transfers (seed 7 proposes 95 of 1,000, as the
// plan moves only whom it must).
func governmentFor(n int) int { return max(3000, n*12) }

// linkSecret signs the survey links of the fault rounds.
const linkSecret = "faults-secret"

// compressed squeezes a round's weeks into seconds (testkit.Compressed).
// Decisions are reminded late enough that a fault, not the test's own
// pace, causes reminders, and surveys close soon: the round ends when its
// last survey does.
func compressed() models.RoundSettings {
	s := testkit.Compressed()
	s.DecisionReminder, s.DecisionEscalation = testkit.Seconds(60), testkit.Seconds(120)
	s.TrainingDeadline = testkit.Seconds(2)
	s.SurveyReminder, s.SurveyWindow = testkit.Seconds(1), testkit.Seconds(2)
	return s
}

// quietLogger drops the SDK's logs: the faults make every activity and
// poll fail for a while, and the checks, not the logs, tell the outcome.
func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 4})))
}

// dial connects a client to a Temporal frontend; it reconnects on its own
// when the server comes back after a restart.
func dial(t *testing.T, hostPort string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: hostPort, Logger: quietLogger(), DataConverter: testkit.DataConverter()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// seedGovernment loads a government for a round of n transfers.
func seedGovernment(t *testing.T, gdb *gorm.DB, n int) {
	t.Helper()
	if err := seed.Load(gdb, seed.Generate(governmentFor(n), time.Now(), 7)); err != nil {
		t.Fatal(err)
	}
}

// round drives one round of the fault tests: it starts the round,
// confirms the first transfers proposals, decides every transfer (every
// fifth rejected by the TPK, the others approved by both) and leaves the
// employees silent, so each approved transfer is deemed acknowledged,
// takes effect, and its survey opens and closes unanswered.
type round struct {
	t  *testing.T
	c  client.Client
	id string
	// n is how many transfers the round confirms; people act in it.
	n      int
	people people
	// proposals are the confirmed transfers, removed the others.
	proposals []contract.Proposal
	removed   []string
	// updates counts the decisions accepted so far, for a fault to be
	// injected mid-round.
	updates atomic.Int64
	// retries counts driver calls that failed and were repeated.
	retries atomic.Int64
	// failedTasks counts the failed workflow tasks checkWorkflows found
	// in the round's and its transfers' histories, by cause.
	failedTasks sync.Map // cause (string) -> *atomic.Int64
}

// wantOutcome is the end the test steers transfer i to.
func wantOutcome(i int) models.Stage {
	if i%5 == 0 {
		return models.StageRejected
	}
	return models.StageCompleted
}

// startRound starts round id and confirms its first n proposals; people
// act in it.
func startRound(ctx context.Context, t *testing.T, c client.Client, gdb *gorm.DB, id string, n int, people people) *round {
	t.Helper()
	r := &round{t: t, c: c, id: id, n: n, people: people}
	if err := people.start(ctx, id, "Uji gangguan "+id, compressed()); err != nil {
		t.Fatal(err)
	}
	wid := contract.RoundWorkflowID(id)
	var st workflows.RoundState
	r.retry(ctx, "round "+id+" awaiting confirmation", func(ctx context.Context) error {
		v, err := c.QueryWorkflow(ctx, wid, "", workflows.QueryState)
		if err == nil {
			err = v.Get(&st)
		}
		if err == nil && st.Status != models.RoundAwaitingConfirmation {
			err = errNotYet
		}
		return err
	})
	proposals := testworker.Proposals(t, gdb, id)
	if len(proposals) < n {
		t.Fatalf("round %s proposes %d transfers, want at least %d", id, len(proposals), n)
	}
	// Removed and rejected transfers are ones no other depends on, so
	// that none is blocked and each ends as wantOutcome says.
	free, needed := testkit.Independent(proposals)
	extra := len(proposals) - n
	if len(free) < extra+n/5+1 {
		t.Fatalf("round %s: %d of %d proposals are depended on, too many for the test", id, len(needed), len(proposals))
	}
	for _, p := range free[len(free)-extra:] {
		r.removed = append(r.removed, p.TransferID)
	}
	free = free[:len(free)-extra]
	for i := range n {
		take := &needed
		if wantOutcome(i) == models.StageRejected || len(needed) == 0 {
			take = &free
		}
		r.proposals = append(r.proposals, (*take)[0])
		*take = (*take)[1:]
	}
	r.retry(ctx, "confirm round "+id, func(ctx context.Context) error { return people.confirm(ctx, id, r.removed) })
	return r
}

// errNotYet makes retry try again.
var errNotYet = errors.New("not yet")

// retry calls f until it succeeds, waiting between tries; a fault in
// progress (the server down, the worker dead) only delays it. The test
// fails if ctx ends first.
func (r *round) retry(ctx context.Context, what string, f func(context.Context) error) {
	wait := 200 * time.Millisecond
	for {
		cctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		err := f(cctx)
		cancel()
		if err == nil {
			return
		}
		if ref, ok := errors.AsType[refused](err); ok {
			r.t.Errorf("%s: %v", what, ref.err)
			return
		}
		if ctx.Err() != nil {
			r.t.Errorf("%s: %v (last error %v)", what, ctx.Err(), err)
			return
		}
		if !errors.Is(err, errNotYet) {
			r.retries.Add(1)
		}
		time.Sleep(wait)
		wait = min(wait*3/2, 2*time.Second)
	}
}

// drive decides every transfer, concurrency at a time.
func (r *round) drive(ctx context.Context, concurrency int) {
	var wg sync.WaitGroup
	work := make(chan int)
	for range concurrency {
		wg.Go(func() {
			for i := range work {
				p := r.proposals[i]
				wid := contract.TransferWorkflowID(p.TransferID)
				approve := wantOutcome(i) != models.StageRejected
				reason := "sesuai analisis kebutuhan"
				if !approve {
					reason = "formasi ditunda"
				}
				r.retry(ctx, wid+" tpk", func(ctx context.Context) error {
					return r.people.decide(ctx, p.TransferID, workflows.Decision{Actor: testkit.TPK, Approve: approve, Reason: reason})
				})
				r.updates.Add(1)
				if approve {
					r.retry(ctx, wid+" ppk", func(ctx context.Context) error {
						return r.people.decide(ctx, p.TransferID, workflows.Decision{Actor: testkit.PPK, Approve: true, Reason: reason})
					})
					r.updates.Add(1)
				}
			}
		})
	}
	for i := range r.proposals {
		work <- i
	}
	close(work)
	wg.Wait()
}

// totalUpdates is how many decisions the round takes.
func (r *round) totalUpdates() int64 {
	var n int64
	for i := range r.proposals {
		n++
		if wantOutcome(i) != models.StageRejected {
			n++
		}
	}
	return n
}

// at calls fault(i) for i from 0 to n-1, in turn, each once the driver
// has had when(i) decisions accepted.
func (r *round) at(ctx context.Context, when func(i int) int64, n int, fault func(i int)) chan struct{} {
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for i := range n {
			if testkit.Poll(ctx, 50*time.Millisecond, "decisions", func() bool { return r.updates.Load() >= when(i) }) != nil {
				return
			}
			fault(i)
		}
	}()
	return finished
}

// wait waits for the round workflow to complete and returns its summary.
func (r *round) wait(ctx context.Context) models.RoundSummary {
	var s models.RoundSummary
	r.retry(ctx, "round "+r.id+" to complete", func(ctx context.Context) error {
		return r.c.GetWorkflow(ctx, contract.RoundWorkflowID(r.id), "").Get(ctx, &s)
	})
	return s
}

// check verifies the round's end in the database and in Temporal:
// every transfer reached its end exactly once, one decree per effective
// transfer with numbers neither skipped nor doubled, one survey per
// transfer that reached it, no duplicate rows, and the transfers and
// their workflows match one to one.
func (r *round) check(ctx context.Context, gdb *gorm.DB, summary models.RoundSummary) {
	t := r.t
	t.Helper()
	want := map[string]models.Stage{}
	counts := map[models.Stage]int{models.StageRemoved: len(r.removed)}
	for i, p := range r.proposals {
		want[p.TransferID] = wantOutcome(i)
		counts[wantOutcome(i)]++
	}
	for _, id := range r.removed {
		want[id] = models.StageRemoved
	}
	if summary.Confirmed != r.n || len(summary.ByStage) != len(counts) {
		t.Errorf("round summary %+v, want %d confirmed and stages %v", summary, r.n, counts)
	}
	for stage, n := range counts {
		if summary.ByStage[stage] != n {
			t.Errorf("round summary: %d transfers %s, want %d", summary.ByStage[stage], stage, n)
		}
	}

	// The database: each transfer at the end the test steered it to.
	var rows []models.Transfer
	if err := gdb.Where("round_id = ?", r.id).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Errorf("%d transfers recorded, want %d", len(rows), len(want))
	}
	effective := map[string]models.Transfer{}
	for _, row := range rows {
		if row.Stage != want[row.ID] {
			t.Errorf("transfer %s is %s, want %s", row.ID, row.Stage, want[row.ID])
		}
		if row.Stage == models.StageCompleted {
			effective[row.ID] = row
		}
	}

	// One decree line per effective transfer; the collective decrees
	// numbered 1..k, none skipped or doubled, each issued once as a
	// document listing its movers.
	var decrees []models.Decree
	gdb.Where("transfer_id IN (SELECT id FROM transfers WHERE round_id = ?)", r.id).Order("seq").Find(&decrees)
	if len(decrees) != len(effective) {
		t.Errorf("%d decree lines for %d effective transfers", len(decrees), len(effective))
	}
	movers := map[string]int{}
	for _, d := range decrees {
		tr, ok := effective[d.TransferID]
		switch {
		case !ok:
			t.Errorf("decree %s for transfer %s, which is not effective", d.Number, d.TransferID)
		case tr.DecreeNumber != d.Number:
			t.Errorf("transfer %s names decree %q, the decree is %s", d.TransferID, tr.DecreeNumber, d.Number)
		}
		if movers[d.Number] == 0 && d.Seq != len(movers)+1 {
			t.Errorf("decree numbers skip or repeat: the %d-th is %s", len(movers)+1, d.Number)
			break
		}
		movers[d.Number]++
	}
	var docs []models.DecreeDocument
	gdb.Select("number", "movers").Where("round_id = ?", r.id).Find(&docs)
	if len(docs) != len(movers) {
		t.Errorf("%d decree documents for %d decree numbers", len(docs), len(movers))
	}
	for _, doc := range docs {
		if doc.Movers != movers[doc.Number] {
			t.Errorf("decree %s lists %d movers, %d transfers name it", doc.Number, doc.Movers, movers[doc.Number])
		}
	}
	// The employee moved once: one position spell per effective transfer.
	checkCount(t, gdb, "position spells per effective transfer",
		`SELECT transfer_id AS k, count(*) AS n FROM position_histories WHERE transfer_id IN
		 (SELECT id FROM transfers WHERE round_id = ? AND stage = 'completed') GROUP BY transfer_id`, r.id, len(effective), 1)
	checkCount(t, gdb, "open position spells per moved employee",
		`SELECT nip AS k, count(*) AS n FROM position_histories WHERE "end" IS NULL AND nip IN
		 (SELECT nip FROM transfers WHERE round_id = ? AND stage = 'completed') GROUP BY nip`, r.id, len(effective), 1)
	// One survey per transfer that reached it, closed unanswered.
	var surveys []models.Survey
	gdb.Where("round_id = ?", r.id).Find(&surveys)
	if len(surveys) != len(effective) {
		t.Errorf("%d surveys for %d transfers that reached the survey", len(surveys), len(effective))
	}
	for _, s := range surveys {
		if _, ok := effective[s.TransferID]; !ok || s.Status != models.SurveyClosed {
			t.Errorf("survey of %s is %s (transfer effective: %v)", s.TransferID, s.Status, ok)
		}
	}
	// Decisions: one per transfer and step.
	var decisions int64
	gdb.Model(&models.Decision{}).Where("transfer_id IN (SELECT id FROM transfers WHERE round_id = ?)", r.id).Count(&decisions)
	if decisions != r.totalUpdates() {
		t.Errorf("%d decisions recorded, want %d", decisions, r.totalUpdates())
	}
	// No audit line or message twice, even under another key.
	checkCount(t, gdb, "audit lines per transfer and action",
		`SELECT transfer_id || ' ' || action AS k, count(*) AS n FROM audit_entries WHERE round_id = ? AND transfer_id <> ''
		 GROUP BY transfer_id, action`, r.id, -1, 1)
	checkCount(t, gdb, "messages per transfer and subject",
		`SELECT transfer_id || ' ' || "to" || ' ' || subject AS k, count(*) AS n FROM outbox_messages
		 WHERE transfer_id IN (SELECT id FROM transfers WHERE round_id = ?) GROUP BY transfer_id, "to", subject`, r.id, -1, 1)
	for id := range effective {
		for _, action := range []string{"tpk_approved", "ppk_approved", "deemed_acknowledged", "transfer_effective", "survey_sent", "survey_closed"} {
			var n int64
			gdb.Model(&models.AuditEntry{}).Where("transfer_id = ? AND action = ?", id, action).Count(&n)
			if n != 1 {
				t.Errorf("transfer %s: %d %s audit lines, want 1", id, n, action)
			}
		}
	}

	// The audit trail is still one unbroken hash chain, every line sealed.
	// (A worker's sealer may hold the chain: then wait for it.)
	for _, err := auditchain.Seal(gdb); err != nil; _, err = auditchain.Seal(gdb) {
		if !errors.Is(err, auditchain.ErrBusy) {
			t.Fatalf("audit seal: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var lines int64
	gdb.Model(&models.AuditEntry{}).Count(&lines)
	if rep, err := auditchain.Verify(gdb, time.Now(), nil); err != nil || rep.Head.Seq != lines || rep.Waiting != 0 {
		t.Errorf("audit chain: %+v of %d lines: %v", rep, lines, err)
	}

	// Temporal: one completed workflow run per confirmed transfer, found
	// by the round's search attribute, none for removed ones.
	r.checkWorkflows(ctx, want)
}

// checkCount runs a query of (k, n) rows and checks there are rows rows
// (-1: any number) and every n is perRow.
func checkCount(t *testing.T, gdb *gorm.DB, what, query, roundID string, rows, perRow int) {
	t.Helper()
	var got []struct {
		K string
		N int
	}
	if err := gdb.Raw(query, roundID).Scan(&got).Error; err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if rows >= 0 && len(got) != rows {
		t.Errorf("%s: %d keys, want %d", what, len(got), rows)
	}
	for _, g := range got {
		if g.N != perRow {
			t.Errorf("%s: %s has %d, want %d", what, g.K, g.N, perRow)
		}
	}
}

// checkWorkflows lists the round's transfer workflows by the MutasiRound
// search attribute and compares them with the transfers.
func (r *round) checkWorkflows(ctx context.Context, want map[string]models.Stage) {
	t := r.t
	wantIDs := map[string]string{} // workflow ID -> transfer ID
	for id, stage := range want {
		if stage != models.StageRemoved {
			wantIDs[contract.TransferWorkflowID(id)] = id
		}
	}
	query := fmt.Sprintf("MutasiRound = '%s' AND WorkflowType = 'TransferWorkflow'", r.id)
	var runs map[string][]string
	var open int
	var listErr error
	pollCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// Past the deadline, the checks below say what is missing. A list that
	// fails (on a busy cluster a page can outlast the client's RPC timeout
	// right after a big round) is tried again.
	_ = testkit.Poll(pollCtx, 500*time.Millisecond, "the round's workflows", func() bool {
		runs, open, listErr = map[string][]string{}, 0, nil
		var token []byte
		for {
			resp, err := r.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token, PageSize: 500})
			if err != nil {
				listErr = err
				return false
			}
			for _, e := range resp.Executions {
				id := e.Execution.WorkflowId
				runs[id] = append(runs[id], e.Status.String())
				if e.Status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
					open++
				}
			}
			if token = resp.NextPageToken; len(token) == 0 {
				break
			}
		}
		return len(runs) == len(wantIDs) && open == 0
	})
	if listErr != nil {
		t.Fatalf("listing the round's workflows: %v", listErr)
	}
	var missing, extra []string
	for wid := range wantIDs {
		if len(runs[wid]) != 1 || runs[wid][0] != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED.String() {
			missing = append(missing, fmt.Sprintf("%s %v", wid, runs[wid]))
		}
	}
	for wid := range runs {
		if _, ok := wantIDs[wid]; !ok {
			extra = append(extra, wid)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("%d transfers without exactly one completed workflow run, e.g. %s", len(missing), missing[0])
	}
	if len(extra) > 0 {
		t.Errorf("%d workflows of round %s without a transfer, e.g. %s", len(extra), r.id, extra[0])
	}
	for _, id := range r.removed {
		_, err := r.c.DescribeWorkflowExecution(ctx, contract.TransferWorkflowID(id), "")
		var nf *serviceerror.NotFound
		if !errors.As(err, &nf) {
			t.Errorf("removed transfer %s has a workflow (%v)", id, err)
		}
	}
	// Each workflow's result and history: the outcome the test steered
	// to, reached once, with exactly the decisions sent, however often the
	// driver had to repeat them.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for wid, id := range wantIDs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var st workflows.TransferState
			if err := r.c.GetWorkflow(ctx, wid, "").Get(ctx, &st); err != nil {
				t.Errorf("%s: %v", wid, err)
				return
			}
			if st.Outcome != want[id] {
				t.Errorf("%s ended %s, want %s", wid, st.Outcome, want[id])
			}
			wantUpdates := 2
			if want[id] == models.StageRejected {
				wantUpdates = 1
			}
			events := map[enumspb.EventType]int{}
			effective := 0
			history, err := testkit.History(ctx, r.c, wid)
			if err != nil {
				t.Error(err)
				return
			}
			for _, e := range history {
				events[e.GetEventType()]++
				if workflows.ActivityOf(e, testkit.DataConverter()) == "MakeEffective" {
					effective++
				}
				r.failedTask(wid, e)
			}
			if n := events[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]; n != wantUpdates || len(st.Decisions) != wantUpdates {
				t.Errorf("%s: %d updates accepted and %d decisions, want %d", wid, n, len(st.Decisions), wantUpdates)
			}
			if events[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED] != 1 {
				t.Errorf("%s completed %d times", wid, events[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED])
			}
			if effective != 0 {
				t.Errorf("%s scheduled MakeEffective %d times: the round makes its transfers effective", wid, effective)
			}
		})
	}
	wg.Wait()
	// The round made them effective together: once per TMT, and its
	// lead time is 0, so once (a retry after a fault is the same event).
	together := 0
	history, err := testkit.History(ctx, r.c, contract.RoundWorkflowID(r.id))
	if err != nil {
		t.Error(err)
		return
	}
	for _, e := range history {
		if workflows.ActivityOf(e, testkit.DataConverter()) == "MakeEffectiveTogether" {
			together++
		}
		r.failedTask(contract.RoundWorkflowID(r.id), e)
	}
	if together != 1 {
		t.Errorf("the round scheduled MakeEffectiveTogether %d times, want 1", together)
	}
}

// failedTask logs and counts e if it is a failed workflow task: the
// tests that look at failed tasks say which workflows they were in, and
// why.
func (r *round) failedTask(workflowID string, e *historypb.HistoryEvent) {
	a := e.GetWorkflowTaskFailedEventAttributes()
	if a == nil {
		return
	}
	r.t.Logf("%s: workflow task failed at event %d: %s: %s", workflowID, e.GetEventId(), a.GetCause(), a.GetFailure().GetMessage())
	n, _ := r.failedTasks.LoadOrStore(a.GetCause().String(), new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
}

// failedTaskCauses is how many failed workflow tasks checkWorkflows
// found, by cause.
func (r *round) failedTaskCauses() map[string]int64 {
	out := map[string]int64{}
	r.failedTasks.Range(func(cause, n any) bool {
		out[cause.(string)] = n.(*atomic.Int64).Load()
		return true
	})
	return out
}

// logf logs with the elapsed time.
func logf(t *testing.T, start time.Time, format string, args ...any) {
	t.Helper()
	t.Logf("%6.1fs %s", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
}
