package benchmark

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/bkpsdm/mutasi/testkit"
)

func TestTable(t *testing.T) {
	yes := true
	b := &bench{report: &Report{Machine: "test machine"}}
	b.add("round of 200: pipeline / bare", "0.74", ">= 0.70", &yes)
	b.add("worker RSS, idle", "71 MB", "", nil)
	table := b.report.Table()
	for _, want := range []string{"Machine: test machine", "| round of 200: pipeline / bare | 0.74 | >= 0.70 | yes |",
		"| worker RSS, idle | 71 MB |  |  |"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if m := Machine(); !strings.Contains(m, "logical CPUs") {
		t.Errorf("machine %q", m)
	}
}

func TestRSS(t *testing.T) {
	kb, err := rss(os.Getpid())
	if err != nil || kb < 1000 {
		t.Errorf("own RSS %d kB, %v", kb, err)
	}
}

// TestBareWorkflow runs the bare workflow in the test environment: the
// parent starts its children, each runs its no-op activities, the last
// of which counts the child.
func TestBareWorkflow(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(BareParent)
	env.RegisterWorkflow(BareChild)
	env.RegisterActivity(Noop)
	noops.Store(0)
	env.ExecuteWorkflow(BareParent, "t", 5)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if n := noops.Load(); n != 5 {
		t.Errorf("%d children counted, want 5", n)
	}
}

// A probe acts on its beat and records each of its acts under the side
// being measured.
func TestProbeRecordsEachActUnderTheSide(t *testing.T) {
	b := &bench{}
	b.times.start()
	b.times.label("bare: ")
	var acts atomic.Int64
	stop := b.probe("flush", func() error { acts.Add(1); return nil })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := testkit.Poll(ctx, probeEvery, "three acts", func() bool { return acts.Load() >= 3 }); err != nil {
		stop()
		t.Fatal(err)
	}
	stop()
	n := acts.Load()
	b.times.stop()
	if names := b.times.names(); !slices.Equal(names, []string{"bare: flush"}) {
		t.Fatalf("parts %q, want the probe's under the side", names)
	}
	if got, want := b.times.describe("bare: flush"), fmt.Sprintf("(%d)", n); !strings.HasSuffix(got, want) {
		t.Errorf("the probe's row %q does not count its %d acts", got, n)
	}
}
