package benchmark

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/testkit"
)

// The busy processes run while the measurements do and are gone after.
func TestLoadStartsAndStopsBusyProcesses(t *testing.T) {
	stop, pids, err := startLoad(2)
	if err != nil {
		t.Fatal(err)
	}
	// A process just started may not show its command line yet on a
	// busy machine: look again for a while.
	running := 0
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_ = testkit.Poll(ctx, 50*time.Millisecond, "the busy processes", func() bool {
		running = 0
		for _, pid := range pids {
			if cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline"); err == nil && strings.Contains(string(cmd), "while") {
				running++
			}
		}
		return running == 2
	})
	stop()
	if running != 2 {
		t.Errorf("%d busy processes ran, want 2", running)
	}
	for _, pid := range pids {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			t.Errorf("busy process %d still runs", pid)
		}
	}
	if !strings.Contains(Report{Load: 2}.Table(), "Load: 2 busy processes") {
		t.Error("the report does not say the load")
	}
}
