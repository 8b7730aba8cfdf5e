package testkit_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/testkit"
)

// unregistered is a search attribute the cluster does not have.
var unregistered = temporal.NewSearchAttributeKeyKeyword("MutasiNotRegistered")

// badUpsert upserts a search attribute the server does not know, which
// the server answers by failing the workflow task.
func badUpsert(ctx workflow.Context) error {
	return workflow.UpsertTypedSearchAttributes(ctx, unregistered.ValueSet("x"))
}

// TestFailedWorkflowTasksCounted checks that FailedWorkflowTasks counts
// none on a new server, then a workflow task the server failed, by cause.
func TestFailedWorkflowTasksCounted(t *testing.T) {
	cluster := testkit.Cluster(t)
	if failed, err := cluster.FailedWorkflowTasks(); err != nil || len(failed) > 0 {
		t.Fatalf("before any workflow: %v, %v; want none", failed, err)
	}
	w := worker.New(cluster.Client(), "failing-tasks", worker.Options{})
	w.RegisterWorkflow(badUpsert)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := cluster.Client().ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: "failing-tasks"}, badUpsert); err != nil {
		t.Fatal(err)
	}
	var failed map[string]float64
	if err := testkit.Poll(ctx, 100*time.Millisecond, "a failed workflow task", func() bool {
		failed, _ = cluster.FailedWorkflowTasks()
		return failed["BadSearchAttributes"] > 0
	}); err != nil {
		t.Fatalf("%v; counted %v", err, failed)
	}
}
