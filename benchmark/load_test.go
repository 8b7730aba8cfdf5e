package benchmark

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// The busy processes run while the measurements do and are gone after.
func TestLoadStartsAndStopsBusyProcesses(t *testing.T) {
	stop, pids, err := startLoad(2)
	if err != nil {
		t.Fatal(err)
	}
	running := 0
	for _, pid := range pids {
		if cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline"); err == nil && strings.Contains(string(cmd), "while") {
			running++
		}
	}
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
