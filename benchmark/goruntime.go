package benchmark

import (
	"fmt"
	"math"
	"runtime/metrics"
	"time"
)

// The Go runtime's metrics a side's seconds are charged with: the bench
// process's garbage collections, the bytes it allocated (which bring the
// next collection nearer), and how long its goroutines waited to run.
// The bench process hosts the API, both workers and the load generator,
// so a collection that falls in one side's second slows that side's
// decisions: on two busy CPUs a collection's marking took 240-400 ms
// (BENCHMARKS.md).
const (
	metricGCCycles = "/gc/cycles/total:gc-cycles"
	metricGCCPU    = "/cpu/classes/gc/total:cpu-seconds"
	metricAllocs   = "/gc/heap/allocs:bytes"
	metricWaits    = "/sched/latencies:seconds"
)

// goCounts are the runtime's counts: cumulative at one moment (readGo),
// or added up over stretches of time (add).
type goCounts struct {
	cycles    uint64
	gcCPU     float64
	allocated uint64
	// waits counts the goroutines' waits to run, by bucket of bounds.
	waits  []uint64
	bounds []float64
}

// readGo reads the runtime's cumulative counts.
func readGo() goCounts {
	s := []metrics.Sample{{Name: metricGCCycles}, {Name: metricGCCPU}, {Name: metricAllocs}, {Name: metricWaits}}
	metrics.Read(s)
	r := goCounts{cycles: s[0].Value.Uint64(), gcCPU: s[1].Value.Float64(), allocated: s[2].Value.Uint64()}
	h := s[3].Value.Float64Histogram()
	r.waits, r.bounds = append([]uint64(nil), h.Counts...), h.Buckets
	return r
}

// add adds what the runtime counted between two readings.
func (g *goCounts) add(before, after goCounts) {
	g.cycles += after.cycles - before.cycles
	g.gcCPU += after.gcCPU - before.gcCPU
	g.allocated += after.allocated - before.allocated
	if g.waits == nil {
		g.waits, g.bounds = make([]uint64, len(after.waits)), after.bounds
	}
	for i := range min(len(g.waits), len(after.waits), len(before.waits)) {
		g.waits[i] += after.waits[i] - before.waits[i]
	}
}

// quantile is the upper bound of the bucket holding the q-quantile of
// the waits added (the runtime's buckets are a few percent wide), 0 when
// none were.
func (g *goCounts) quantile(q float64) time.Duration {
	var total uint64
	for _, n := range g.waits {
		total += n
	}
	if total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, n := range g.waits {
		seen += n
		if seen >= rank {
			// Bucket i spans bounds[i] to bounds[i+1]; the last is open.
			upper := g.bounds[min(i+1, len(g.bounds)-1)]
			if math.IsInf(upper, 1) {
				upper = g.bounds[i]
			}
			return time.Duration(upper * float64(time.Second))
		}
	}
	return 0
}

// row is the report's line for a side that made n decisions.
func (g *goCounts) row(label string, n uint64) Row {
	return Row{Measure: label, Value: fmt.Sprintf("%d garbage collections (%.0f ms of their CPU); %.0f KB allocated per decision; goroutines waiting to run p99 %.1f ms, p99.9 %.1f ms",
		g.cycles, 1000*g.gcCPU, float64(g.allocated)/1024/float64(max(n, 1)), ms(g.quantile(0.99)), ms(g.quantile(0.999)))}
}
