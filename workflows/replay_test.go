package workflows_test

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/bkpsdm/mutasi/workflows"
)

// TestReplayRecordedHistories replays histories recorded from a real
// server (worker's integration test with MUTASI_UPDATE_HISTORIES=1). A
// change to the workflows that would break transfers already running
// fails here; guard such a change with workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %d histories in testdata, want a round and its transfers", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.RoundWorkflow)
			r.RegisterWorkflow(workflows.TransferWorkflow)
			if err := r.ReplayWorkflowHistoryFromJSONFile(quietLogger(), f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
