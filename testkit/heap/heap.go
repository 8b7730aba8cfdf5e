// Package heap measures a benchmark's peak memory: the largest live heap
// sampled while it runs.
package heap

import (
	"runtime"
	"runtime/metrics"
	"time"
)

// Peak samples the live heap every millisecond, after a garbage
// collection, until the returned function is called; that returns the
// largest sample, in bytes. Benchmarks report it as their peak memory.
func Peak() func() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return peak
	}
}
