package benchmark

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

// BareDecider takes decisions as a transfer awaiting the TPK does, with
// no-op steps: its first task runs one no-op local activity (the request's
// notice) and waits; a "decide" update wakes it, it runs one more (the
// batch of the decision's record, the stage and the notice:
// workflows.ChangeOneTransaction), answers the update and waits again, as
// a transfer moving to the PPK does (which sets no search attribute:
// workflows.StageAtEnd). It is the engine's share of a decision.
func BareDecider(ctx workflow.Context, _ workflows.TransferInput) error {
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
	decided, recorded := false, false
	err := workflow.SetUpdateHandlerWithOptions(ctx, workflows.UpdateDecide, func(ctx workflow.Context, _ workflows.Decision) error {
		decided = true
		return workflow.Await(ctx, func() bool { return recorded })
	}, workflow.UpdateHandlerOptions{Validator: func(workflows.Decision) error { return nil }})
	if err != nil {
		return err
	}
	if err := workflow.ExecuteLocalActivity(ctx, Noop, true).Get(ctx, nil); err != nil {
		return err
	}
	// As a transfer's wait does (workflows.CancelWaits), the wait cancels
	// its timer when the decision ends it.
	wait, cancel := workflow.WithCancel(ctx)
	if _, err := workflow.AwaitWithTimeout(wait, 30*24*time.Hour, func() bool { return decided }); err != nil {
		return err
	}
	cancel()
	if err := workflow.ExecuteLocalActivity(ctx, Noop, false).Get(ctx, nil); err != nil {
		return err
	}
	recorded = true
	_, err = workflow.AwaitWithTimeout(ctx, 30*24*time.Hour, func() bool { return false })
	return err
}

// bareDecisions readies BareDecider's decisions, one per request the
// attack will make: it starts their worker and workflows, and a loopback
// HTTP endpoint that only makes the update, as the API does, and waits
// for its outcome. It returns the requests' targeter and what stops the
// endpoint and the worker.
func (b *bench) bareDecisions(n int) (vegeta.Targeter, func(), error) {
	w := sdkworker.New(b.c, bareQueue, worker.Options())
	w.RegisterWorkflow(BareDecider)
	w.RegisterActivity(Noop)
	if err := w.Start(); err != nil {
		return nil, nil, err
	}
	prefix := fmt.Sprintf("bare-decider-%d", time.Now().UnixNano())
	noops.Store(0)
	for i := range n {
		in := bareInput(prefix, i)
		o := workflows.TransferOptions(in)
		_, err := b.c.ExecuteWorkflow(b.ctx, client.StartWorkflowOptions{ID: o.WorkflowID, TaskQueue: bareQueue,
			TypedSearchAttributes: o.TypedSearchAttributes}, BareDecider, in)
		if err != nil {
			w.Stop()
			return nil, nil, err
		}
	}
	if err := poll(b.ctx, 50*time.Millisecond, 10*time.Minute, func() (bool, error) { return noops.Load() >= int64(n), nil }); err != nil {
		w.Stop()
		return nil, nil, err
	}
	var failed atomic.Int64
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.Stop()
		return nil, nil, err
	}
	hs := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		id := workflows.TransferOptions(bareInput(prefix, i)).WorkflowID
		h, err := b.c.UpdateWorkflow(r.Context(), client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: workflows.UpdateDecide,
			Args:         []any{workflows.Decision{Actor: models.Actor{ID: "bench-tpk", Role: models.RoleTPK}, Approve: true}},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(r.Context(), nil)
		}
		if err != nil {
			if failed.Add(1) == 1 {
				b.logf("bare decision on %s: %v", id, err)
			}
			http.Error(rw, err.Error(), http.StatusInternalServerError)
		}
	})}
	go hs.Serve(l)
	var next atomic.Int64
	target := func(t *vegeta.Target) error {
		i := next.Add(1) - 1
		*t = vegeta.Target{Method: "POST", URL: "http://" + l.Addr().String() + "/?i=" + strconv.FormatInt(i%int64(n), 10)}
		return nil
	}
	return target, func() {
		hs.Close()
		w.Stop()
	}, nil
}
