package benchmark

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

// throughput runs a round of n transfers and a bare workflow of n
// children with the same number of no-op activities, and reports both
// rates and their ratio. It returns the round's ID.
func (b *bench) throughput(n int) (string, error) {
	// The run's start in the ID: a cluster keeps the workflows of earlier
	// runs, whose IDs cannot be used again.
	id := fmt.Sprintf("BENCH%d_%d", n, b.report.Started.Unix())
	wid := contract.RoundWorkflowID(id)
	start := time.Now()
	_, err := b.c.ExecuteWorkflow(b.ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue},
		workflows.RoundWorkflow, workflows.RoundInput{RoundID: id, Name: "Benchmark " + id, Settings: settings(),
			By: contract.ActorRef{ID: "bench", Role: models.RoleHR}})
	if err != nil {
		return "", err
	}
	var st workflows.RoundState
	if err := poll(b.ctx, 100*time.Millisecond, 10*time.Minute, func() (bool, error) {
		v, err := b.c.QueryWorkflow(b.ctx, wid, "", workflows.QueryState)
		if err == nil {
			err = v.Get(&st)
		}
		return err == nil && st.Status == models.RoundAwaitingConfirmation, nil
	}); err != nil {
		return "", fmt.Errorf("round %s: analysis and selection: %w", id, err)
	}
	selected := time.Since(start)
	proposals, err := activities.ProposalsOf(b.gdb.WithContext(b.ctx), id, 1)
	if err != nil {
		return "", err
	}
	if len(proposals) < n {
		return "", fmt.Errorf("round %s proposes %d transfers, fewer than %d", id, len(proposals), n)
	}
	var remove []string
	for _, p := range proposals[n:] {
		remove = append(remove, p.TransferID)
	}
	// The engine's limit, measured on both sides of the round's pipeline,
	// which is compared with their mean rate: the machine's drift (other
	// work, the database's growth) falls on both sides alike.
	before, err := b.bare(n)
	if err != nil {
		return "", err
	}
	b.logf("round %s: %d proposals after %v; confirming %d", id, len(proposals), selected.Round(time.Millisecond), n)
	t0 := time.Now()
	h, err := b.c.UpdateWorkflow(b.ctx, client.UpdateWorkflowOptions{WorkflowID: wid, UpdateName: workflows.UpdateConfirm,
		UpdateID: "confirm", Args: []any{workflows.Confirm{Actor: models.Actor{ID: "bench", Role: models.RoleHR}, Remove: remove}},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(b.ctx, nil)
	}
	if err != nil {
		return "", err
	}
	b.logf("round %s: confirmation answered after %v", id, time.Since(t0).Round(time.Millisecond))
	// Every confirmed transfer reaches its first wait: the TPK's request,
	// or, when a proposal it depends on was removed, blocked.
	prefix := "transfer-" + id + "-%"
	if err := poll(b.ctx, 50*time.Millisecond, 30*time.Minute, func() (bool, error) {
		var count int64
		err := b.gdb.Table("outbox_messages").Where("key LIKE ? OR key LIKE ?", prefix+":tpk:request", prefix+":blocked").
			Count(&count).Error
		return count >= int64(n), err
	}); err != nil {
		return "", err
	}
	pipeline := time.Since(t0)
	after, err := b.bare(n)
	if err != nil {
		return "", err
	}
	pRate, bRate := float64(n)/pipeline.Seconds(), (float64(n)/before.Seconds()+float64(n)/after.Seconds())/2
	ratio := pRate / bRate
	met := ratio >= pipelineTarget
	b.add(fmt.Sprintf("round of %d: analysis and selection", n), selected.Round(time.Millisecond).String(), "", nil)
	b.add(fmt.Sprintf("round of %d: confirmation to all awaiting the TPK", n),
		fmt.Sprintf("%.1f transfers/s (%v)", pRate, pipeline.Round(time.Millisecond)), "", nil)
	b.add(fmt.Sprintf("bare workflow, %d children x %d no-op local activities (mean of the runs before and after)", n, activitiesToTPK),
		fmt.Sprintf("%.1f children/s (%v, %v)", bRate, before.Round(time.Millisecond), after.Round(time.Millisecond)), "", nil)
	b.add(fmt.Sprintf("round of %d: pipeline / bare", n), fmt.Sprintf("%.2f", ratio), fmt.Sprintf(">= %.2f", pipelineTarget), &met)
	return id, nil
}

// pipelineTarget is the least pipeline / bare ratio the round's pipeline
// must reach (issue 15), quiet and loaded.
const pipelineTarget = 0.85

// activitiesToTPK is how many activities a transfer runs from its start
// to awaiting the TPK: the TPK's Notify, a local activity (the round has
// recorded the stage). The bare children run as many no-op local
// activities, so both take the same path through the engine.
const activitiesToTPK = 1

// bareQueue is the bare workflows' task queue.
const bareQueue = "mutasi-bench-bare"

// noops counts no-op activities that finished the last of a child's.
var noops atomic.Int64

// Noop is the bare workflow's activity: it does nothing; the last of a
// child's counts the child as done.
func Noop(_ context.Context, last bool) error {
	if last {
		noops.Add(1)
	}
	return nil
}

// BareParent starts n BareChild workflows as RoundWorkflow starts its
// transfers: with the same options (search attributes included) and an
// input of the same shape and size, so the engine does the same work, and
// waits for them.
func BareParent(ctx workflow.Context, prefix string, n int) error {
	futures := make([]workflow.ChildWorkflowFuture, n)
	for i := range futures {
		in := bareInput(prefix, i)
		futures[i] = workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, workflows.TransferOptions(in)), BareChild, in)
	}
	for _, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// bareInput is the i-th bare workflow's input: a transfer's, with a
// made-up proposal.
func bareInput(prefix string, i int) workflows.TransferInput {
	return workflows.TransferInput{RoundID: prefix, Settings: settings(),
		Proposal: contract.Proposal{TransferID: fmt.Sprintf("%s-%04d-000000000000000000-U000-P00", prefix, i),
			NIP: "000000000000000000", ToPositionID: "U000-P00", ToUnitID: fmt.Sprintf("U%03d", i%20)}}
}

// BareChild runs activitiesToTPK no-op local activities with the options
// of Mutasi's local steps, one after the other, and then waits, open, as
// a transfer waits for the TPK: a parent's open children cost the server
// more than finished ones.
func BareChild(ctx workflow.Context, _ workflows.TransferInput) error {
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute}})
	for i := range activitiesToTPK {
		if err := workflow.ExecuteLocalActivity(ctx, Noop, i == activitiesToTPK-1).Get(ctx, nil); err != nil {
			return err
		}
	}
	return workflow.Sleep(ctx, 24*time.Hour)
}

// bare runs BareParent with n children on its own worker, on the same
// server, and returns the time until every child ran its activities.
func (b *bench) bare(n int) (time.Duration, error) {
	w := sdkworker.New(b.c, bareQueue, worker.Options())
	w.RegisterWorkflow(BareParent)
	w.RegisterWorkflow(BareChild)
	w.RegisterActivity(Noop)
	if err := w.Start(); err != nil {
		return 0, err
	}
	defer w.Stop()
	noops.Store(0)
	prefix := fmt.Sprintf("bare-%d-%d", n, time.Now().UnixNano())
	t0 := time.Now()
	run, err := b.c.ExecuteWorkflow(b.ctx, client.StartWorkflowOptions{ID: prefix, TaskQueue: bareQueue}, BareParent, prefix, n)
	if err != nil {
		return 0, err
	}
	if err := poll(b.ctx, 50*time.Millisecond, 30*time.Minute, func() (bool, error) {
		return noops.Load() >= int64(n), nil
	}); err != nil {
		return 0, err
	}
	d := time.Since(t0)
	// The children stay open, abandoned, like the round's transfers.
	return d, b.c.TerminateWorkflow(b.ctx, prefix, run.GetRunID(), "measured")
}

// poll calls done every interval until it reports true, fails, or limit
// passes.
func poll(ctx context.Context, interval, limit time.Duration, done func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := done()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not done after %v", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}
