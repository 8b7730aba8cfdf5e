// Package worker runs Mutasi's workflows and activities on the task queue.
package worker

import (
	"context"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/workflows"
)

// StopTimeout is how long a stopping worker lets running activities finish
// before it gives up on them; Temporal retries them elsewhere.
const StopTimeout = 30 * time.Second

// CacheSize is how many workflow runs a worker keeps in memory between
// their tasks. Transfers wait for days between events, so a bounded cache
// keeps a province's thousands of open transfers from pinning memory; an
// evicted run is rebuilt from its history on its next event.
const CacheSize = 2000

// WorkflowTaskPollers is how many requests for workflow tasks a worker
// keeps open. With the SDK's default of 2, a poll's round trip caps a
// worker's pace; on a loaded machine it grows until decisions queue for
// seconds before any worker takes them. 8 took that wait at 50
// decisions/s on two loaded CPUs from p50 2.9 s to 84 ms; 16, and the
// SDK's autoscaling, moved the wait into the tasks themselves
// (BENCHMARKS.md).
const WorkflowTaskPollers = 8

// Options are the worker's options, which the benchmark's workers share.
func Options() sdkworker.Options {
	return sdkworker.Options{WorkerStopTimeout: StopTimeout, MaxConcurrentWorkflowTaskPollers: WorkflowTaskPollers}
}

// New makes a worker for workflows.TaskQueue with every workflow and
// activity registered. Start it with Start or Run.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	sdkworker.SetStickyWorkflowCacheSize(CacheSize)
	w := sdkworker.New(c, workflows.TaskQueue, Options())
	Register(w, acts)
	return w
}

// Register registers every workflow and activity on w (a worker or a test
// environment's registry).
func Register(w sdkworker.Registry, acts *activities.Activities) {
	RegisterWorkflows(w)
	w.RegisterActivity(acts)
}

// RegisterWorkflows registers every workflow on r: a worker, a test
// environment or a replayer.
func RegisterWorkflows(r sdkworker.WorkflowRegistry) {
	r.RegisterWorkflow(workflows.RoundWorkflow)
	r.RegisterWorkflow(workflows.TransferWorkflow)
	r.RegisterWorkflow(workflows.TransferBatchWorkflow)
	r.RegisterWorkflow(workflows.PeriodicEvaluationWorkflow)
}

// Run runs a worker until ctx is done, then stops it gracefully: it stops
// polling, lets running activities finish within StopTimeout, and returns.
func Run(ctx context.Context, c client.Client, acts *activities.Activities) error {
	w := New(c, acts)
	if err := w.Start(); err != nil {
		return err
	}
	<-ctx.Done()
	w.Stop()
	return nil
}
