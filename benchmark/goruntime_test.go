package benchmark

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// sink keeps an allocation on the heap.
var sink []byte

// A collection between two readings is counted, with its CPU, and the
// bytes allocated between them; the goroutines' waits are read from the
// runtime's histogram.
func TestGoRuntimeBetweenReadings(t *testing.T) {
	var g goCounts
	before := readGo()
	sink = make([]byte, 1<<20)
	runtime.GC()
	runtime.GC()
	// Goroutines that wait to run: more of them than CPUs, each yielding.
	done := make(chan struct{})
	for range 4 * runtime.GOMAXPROCS(0) {
		go func() {
			for i := 0; i < 1000; i++ {
				runtime.Gosched()
			}
			done <- struct{}{}
		}()
	}
	for range 4 * runtime.GOMAXPROCS(0) {
		<-done
	}
	g.add(before, readGo())
	if g.cycles < 2 {
		t.Errorf("%d collections counted, want 2 or more", g.cycles)
	}
	if g.gcCPU <= 0 {
		t.Errorf("collections' CPU %v s", g.gcCPU)
	}
	if q := g.quantile(0.99); q <= 0 {
		t.Errorf("p99 wait %v, want some", q)
	}
	if g.allocated < 1<<20 {
		t.Errorf("%d bytes allocated, want at least the MiB allocated", g.allocated)
	}
	if row := g.row("go", 1); !strings.Contains(row.Value, "garbage collections") || !strings.Contains(row.Value, "KB allocated per decision") {
		t.Errorf("row %+v", row)
	}
	// A second stretch with nothing in it adds no collection.
	r := readGo()
	g2 := goCounts{}
	g2.add(r, r)
	if g2.cycles != 0 || g2.quantile(0.99) != 0 || g2.allocated != 0 {
		t.Errorf("empty stretch: %d collections, %d bytes, p99 %v", g2.cycles, g2.allocated, g2.quantile(0.99))
	}
}

// The quantile is the upper bound of the bucket where the rank falls.
func TestGoWaitQuantile(t *testing.T) {
	g := goCounts{bounds: []float64{0, 0.001, 0.01, 0.1}, waits: []uint64{90, 9, 1}}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, time.Millisecond}, {0.9, time.Millisecond}, {0.95, 10 * time.Millisecond}, {0.999, 100 * time.Millisecond}} {
		if got := g.quantile(c.q); got != c.want {
			t.Errorf("q %v: %v, want %v", c.q, got, c.want)
		}
	}
}
