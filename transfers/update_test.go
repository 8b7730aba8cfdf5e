package transfers

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/testkit"
)

// failingTasks is how many more workflow tasks of flakyWorkflow fail.
var failingTasks atomic.Int64

// flakyWorkflow answers the update "ping" with "pong", once its workflow
// tasks stop failing (failingTasks).
func flakyWorkflow(ctx workflow.Context) error {
	if failingTasks.Add(-1) >= 0 {
		panic("a workflow task that fails, as one would after a bad deploy")
	}
	if err := workflow.SetUpdateHandler(ctx, "ping", func(workflow.Context) (string, error) { return "pong", nil }); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

// TestUpdateOutlastsFailingWorkflowTasks: while a workflow's task keeps
// failing, the server refuses updates (WorkflowNotReady); Update sends
// the update again until a task completes, and answers Unavailable, not
// an unknown failure, when its patience runs out first.
func TestUpdateOutlastsFailingWorkflowTasks(t *testing.T) {
	ctx := context.Background()
	// The worker's log of every failed task (a panic, with its stack) is
	// the test's point, not news: the client logs nothing.
	srv := testkit.Temporal(t, devtemporal.Options{})
	c, err := client.Dial(client.Options{HostPort: srv.FrontendHostPort(), Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, "flaky", worker.Options{})
	w.RegisterWorkflowWithOptions(flakyWorkflow, workflow.RegisterOptions{Name: "flaky"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	var log testkit.Output
	s := &Service{Temporal: c, Log: slog.New(slog.NewTextHandler(&log, nil))}

	// start runs a workflow whose first tasks fail, and waits until the
	// server refuses updates to it: its task failed or timed out twice.
	start := func(id string, failing int64) {
		t.Helper()
		failingTasks.Store(failing)
		_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: "flaky", WorkflowTaskTimeout: time.Second}, "flaky")
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); ; {
			d, err := c.DescribeWorkflowExecution(ctx, id, "")
			if err != nil {
				t.Fatal(err)
			}
			if d.GetPendingWorkflowTask().GetAttempt() >= 3 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the workflow task is at attempt %d after 30 s", id, d.GetPendingWorkflowTask().GetAttempt())
			}
			time.Sleep(50 * time.Millisecond) // polls the task's state; no timer of the test's waits on it
		}
	}

	// The tasks fail three times (attempts 1-3, the last two timing out
	// after a second each); the fourth answers.
	start("recovers", 3)
	var out string
	if err := s.Update(ctx, "recovers", "ping", "u1", nil, &out); err != nil || out != "pong" {
		t.Fatalf("update: %q, %v", out, err)
	}
	if !strings.Contains(log.String(), "sending it again") {
		t.Errorf("the update was taken at once: the test did not make the server refuse it\n%s", log.String())
	}

	// The tasks keep failing: past its patience, Update gives up.
	start("stuck", 1000)
	s.UpdatePatience = 2 * time.Second
	began := time.Now()
	err = s.Update(ctx, "stuck", "ping", "u2", nil, &out)
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindUnavailable {
		t.Fatalf("a workflow whose task keeps failing: %v, want Unavailable", err)
	}
	if _, raw := errors.AsType[*serviceerror.WorkflowNotReady](err); raw {
		t.Error("Temporal's error reaches the caller")
	}
	if took := time.Since(began); took < time.Second {
		t.Errorf("gave up after %v, before its patience", took)
	}
}
