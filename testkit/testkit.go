// Package testkit is what Mutasi's tests share: a fresh database of their
// own (PostgreSQL, or SQLite), a Temporal dev server with Mutasi's search
// attributes, a worker on both, round settings whose weeks last seconds,
// the actors who decide, and the one way to wait for something to
// happen.
//
// The rule for what a test needs: under `go test -short` a test that
// needs PostgreSQL, the Temporal CLI or Chromium is skipped (Needs);
// otherwise, as in CI, a missing service fails it.
package testkit

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/bkpsdm/mutasi/codec"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

// Needs skips the test under -short: it needs what (PostgreSQL, the
// Temporal CLI, Chromium), which a quick run does not start.
func Needs(tb testing.TB, what string) {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("needs %s; skipped under -short", what)
	}
}

// Logger is the SDK's logger for tests: warnings and errors only.
func Logger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

// Temporal starts a Temporal dev server for the test with these options
// (a quiet logger unless they name one), and stops it when the test
// ends.
func Temporal(tb testing.TB, o devtemporal.Options) *testsuite.DevServer {
	tb.Helper()
	Needs(tb, "the Temporal CLI")
	if o.Logger == nil {
		o.Logger = Logger()
	}
	if o.DataConverter == nil {
		o.DataConverter, o.Connection = DataConverter(), codec.Connection()
	}
	srv, err := devtemporal.Start(context.Background(), o)
	if err != nil {
		tb.Fatalf("start the Temporal dev server: %v", err)
	}
	tb.Cleanup(func() { srv.Stop() })
	return srv
}

// Seconds is n seconds as a setting.
func Seconds(n float64) models.Duration {
	return models.Duration(time.Duration(n * float64(time.Second)))
}

// Compressed squeezes a round's weeks into seconds: decisions are
// reminded after 2 s and escalated after 4, acknowledgements reminded
// after 1 and deemed after 2, training due after 3; the round's transfers
// take effect together, so their surveys open at once, for a window a
// test catches even on a busy machine (8 s).
func Compressed() models.RoundSettings {
	s := models.DefaultSettings()
	s.DecisionReminder, s.DecisionEscalation = Seconds(2), Seconds(4)
	s.AcknowledgeReminder, s.AcknowledgeDeadline = Seconds(1), Seconds(2)
	s.TrainingDeadline = Seconds(3)
	s.SurveyDelay, s.SurveyReminder, s.SurveyWindow = Seconds(1), Seconds(3), Seconds(8)
	return s
}

// The actors of the tests' rounds: an HR officer, the TPK and the PPK.
var (
	HR  = models.Actor{ID: "hr1", Role: models.RoleHR}
	TPK = models.Actor{ID: "tpk1", Role: models.RoleTPK}
	PPK = models.Actor{ID: "ppk1", Role: models.RolePPK}
)

// Poll calls check every interval until it reports true, and fails with
// what once ctx is done. Every test that waits for something waits
// through it (or Eventually).
func Poll(ctx context.Context, interval time.Duration, what string, check func() bool) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for !check() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
	return nil
}

// Eventually polls check every 100 ms until it passes, and fails the test
// with what after 30 seconds.
func Eventually(tb testing.TB, what string, check func() bool) {
	tb.Helper()
	EventuallyWithin(tb, 30*time.Second, what, check)
}

// EventuallyWithin is Eventually with its own limit, for what waits out a
// timer of the workflow, such as a survey window.
func EventuallyWithin(tb testing.TB, limit time.Duration, what string, check func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := Poll(ctx, 100*time.Millisecond, what, check); err != nil {
		tb.Fatal(err)
	}
}

// WaitState polls a workflow's state query until ok accepts it.
func WaitState[S any](ctx context.Context, c client.Client, workflowID string, ok func(S) bool) (S, error) {
	var st S
	var last error
	err := Poll(ctx, 50*time.Millisecond, workflowID+"'s state", func() bool {
		v, err := c.QueryWorkflow(ctx, workflowID, "", workflows.QueryState)
		if last = err; err == nil {
			last = v.Get(&st)
		}
		return last == nil && ok(st)
	})
	if err != nil {
		return st, fmt.Errorf("%w: last state %+v (%v)", err, st, last)
	}
	return st, nil
}

// History reads a workflow's whole history.
func History(ctx context.Context, c client.Client, workflowID string) ([]*historypb.HistoryEvent, error) {
	var events []*historypb.HistoryEvent
	it := c.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return events, fmt.Errorf("history of %s: %w", workflowID, err)
		}
		events = append(events, e)
	}
	return events, nil
}

// Independent splits proposals into those no other proposal depends on
// (removing one, or seeing it rejected, blocks no other) and the rest,
// each in the order given.
func Independent(ps []contract.Proposal) (free, needed []contract.Proposal) {
	depended := map[string]bool{}
	for _, p := range ps {
		for _, d := range p.DependsOn {
			depended[d] = true
		}
	}
	for _, p := range ps {
		if depended[p.TransferID] {
			needed = append(needed, p)
		} else {
			free = append(free, p)
		}
	}
	return free, needed
}

// PayloadKeys is the tests' payload key (MUTASI_PAYLOAD_KEYS): the tests
// encrypt what goes to Temporal, as production does.
const PayloadKeys = "test1:bXV0YXNpLXRlc3QtcGF5bG9hZC1rZXktMzJieXRlcyE="

// DataConverter encrypts with PayloadKeys.
func DataConverter() converter.DataConverter {
	c, err := codec.Parse(PayloadKeys)
	if err != nil {
		panic(err)
	}
	return c.DataConverter()
}
