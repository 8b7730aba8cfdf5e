package benchmark

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// The process listening on a port is found, and its CPU time grows as it
// works.
func TestListenerAndItsCPU(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if pid := listener(l.Addr().String()); pid != os.Getpid() {
		t.Fatalf("listener of %s: pid %d, want this process %d", l.Addr(), pid, os.Getpid())
	}
	before, ok := processCPU(os.Getpid())
	if !ok {
		t.Fatal("no CPU time for this process")
	}
	// Spin until the CPU time has grown by 50 ms (two of /proc's ticks
	// and more), on however busy a machine, or give up after a minute.
	grew := false
	for spin := time.Now(); time.Since(spin) < time.Minute && !grew; {
		after, _ := processCPU(os.Getpid())
		grew = after-before >= 50*time.Millisecond
	}
	if !grew {
		t.Error("this process's CPU time did not grow by 50 ms in a minute of spinning")
	}
	if pid := listener("127.0.0.1:1"); pid != 0 {
		t.Errorf("nothing listens on port 1, found pid %d", pid)
	}
}

// Per request, each part's time is what its processes used between the
// readings: a process that started since counts whole, one that ended
// counts for nothing.
func TestCPUPerDecision(t *testing.T) {
	before := cpuUse{1: {cpuBench, 100 * time.Millisecond}, 2: {cpuPGMutasi, time.Second}, 3: {cpuPGMutasi, time.Second}}
	after := cpuUse{1: {cpuBench, 300 * time.Millisecond}, 2: {cpuPGMutasi, 1100 * time.Millisecond}, 4: {cpuPGMutasi, 100 * time.Millisecond}}
	spent := cpuSpent{}
	spent.add(before, after)
	rows := spent.rows("cpu", 100)
	want := "4.0 ms in all: " + cpuBench + " 2.0 ms, " + cpuPGMutasi + " 2.0 ms"
	if len(rows) != 1 || rows[0].Value != want {
		t.Errorf("rows %+v, want %q", rows, want)
	}
	if strings.Contains(rows[0].Value, cpuTemporal) {
		t.Error("a part with no process is shown")
	}
	if rows := spent.rows("cpu", 0); rows != nil {
		t.Errorf("no requests: %+v", rows)
	}
	// Readings added up: a second stretch counts on top of the first.
	spent.add(cpuUse{1: {cpuBench, time.Second}}, cpuUse{1: {cpuBench, 1100 * time.Millisecond}})
	if rows := spent.rows("cpu", 100); rows[0].Value != "5.0 ms in all: "+cpuBench+" 3.0 ms, "+cpuPGMutasi+" 2.0 ms" {
		t.Errorf("after a second reading: %+v", rows)
	}
}
