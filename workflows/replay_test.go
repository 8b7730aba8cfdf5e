package workflows_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

// TestReplayRecordedHistories replays histories recorded from a real
// server, one folder per version of the workflows (v1: regular
// activities; v2: local steps; v3: collective TMT, a confirmed round in
// progress, acknowledgement from the notice's delivery; v4: the round's
// own search attributes, its transfers started through batches; v5:
// local steps chosen by ChangeLocalSteps in history, payloads encrypted
// with testkit.PayloadKeys; v6: write-only steps applied together,
// ChangeOneTransaction; v7: the stage search attribute set at the end,
// and ChangeOneTransaction the only marker at a transfer's start; v8:
// the state recorded for reads, LiveInDB; v9: waits cancel their timers,
// CancelWaits; v10: a TMT's effect signals sent a group at a time).
// Record a new folder with the worker's integration test:
// MUTASI_UPDATE_HISTORIES=v11 go test ./worker/ -run
// 'EndToEnd$'. A change to the workflows that would break runs already under
// way fails here; guard such a change with workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	for _, v := range []string{"v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"} {
		files, err := filepath.Glob(filepath.Join("testdata", v, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < 2 {
			t.Fatalf("found %d histories in testdata/%s, want a round and its transfers", len(files), v)
		}
		replay(t, files)
	}
}

// replay replays each history file in a subtest of its own.
func replay(t *testing.T, files []string) {
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			r, err := sdkworker.NewWorkflowReplayerWithOptions(sdkworker.WorkflowReplayerOptions{DataConverter: testkit.DataConverter()})
			if err != nil {
				t.Fatal(err)
			}
			worker.RegisterWorkflows(r)
			if err := r.ReplayWorkflowHistoryFromJSONFile(quietLogger(), f); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEffectsSentInOneTask reads the recorded rounds' signals to their
// transfers: each signal waited for a workflow task of its own before
// v10, and from v10 on the TMT's are sent together, in one.
func TestEffectsSentInOneTask(t *testing.T) {
	for v, want := range map[string]func(int) bool{
		"v9":  func(tasks int) bool { return tasks > 1 },
		"v10": func(tasks int) bool { return tasks == 1 },
	} {
		h, err := client.HistoryFromJSON(mustOpen(t, filepath.Join("testdata", v, "round-0.json")), client.HistoryJSONOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tasks, signals, inTask := 0, 0, false
		for _, e := range h.Events {
			switch e.EventType {
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				inTask = false
			case enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
				if signals++; !inTask {
					tasks, inTask = tasks+1, true
				}
			}
		}
		if signals < 2 || !want(tasks) {
			t.Errorf("%s: the round's %d signals sent in %d workflow tasks", v, signals, tasks)
		}
	}
}

// TestLocalStepsAreTheSameSteps reads the steps of each recorded transfer
// in both versions: the local steps must be the activities the transfer
// ran before, less the first stage write, which the round makes now.
// (Their order in history differs: a workflow task's markers are written
// as its local activities finish.)
func TestLocalStepsAreTheSameSteps(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "v1", "transfer-*.json"))
	if len(files) == 0 {
		t.Fatal("no recorded transfers")
	}
	for _, f := range files {
		before, after := steps(t, f), steps(t, filepath.Join("testdata", "v2", filepath.Base(f)))
		if len(before) == 0 || before[0] != "SetStage" || !slices.Equal(sorted(before[1:]), sorted(after)) {
			t.Errorf("%s: steps\nv1 %v\nv2 %v", filepath.Base(f), before, after)
		}
	}
}

// steps lists the activities a recorded history ran, in order.
func steps(t *testing.T, file string) []string {
	t.Helper()
	h, err := client.HistoryFromJSON(mustOpen(t, file), client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range h.GetEvents() {
		if n := workflows.ActivityOf(e, testkit.DataConverter()); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

func mustOpen(t *testing.T, file string) *os.File {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
