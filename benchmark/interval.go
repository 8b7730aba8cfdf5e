package benchmark

import (
	"math/rand/v2"
	"slices"
	"time"
)

// p99 is the 99th percentile of latencies by nearest rank (the smallest
// value at least 99% of them do not exceed); 0 for none.
func p99(latencies []time.Duration) time.Duration {
	if len(latencies) == 0 {
		return 0
	}
	s := slices.Clone(latencies)
	slices.Sort(s)
	return s[(99*len(s)+99)/100-1]
}

// intervalDraws is how many times ratioInterval redraws the samples.
const intervalDraws = 2000

// ratioInterval says how far the ratio of two samples' p99s could have
// moved had the run been made again on the same machine: it redraws each
// sample with replacement (a bootstrap), intervalDraws times, and returns
// the 5th and 95th percentiles of the redrawn ratios. A p99 of a few
// hundred requests is their few slowest, so one run's ratio alone cannot
// tell a design from the machine's noise.
func ratioInterval(num, den []time.Duration, rng *rand.Rand) (lo, hi float64) {
	if len(num) == 0 || len(den) == 0 {
		return 0, 0
	}
	redraw := func(from, into []time.Duration) time.Duration {
		for i := range into {
			into[i] = from[rng.IntN(len(from))]
		}
		return p99(into)
	}
	a, b := make([]time.Duration, len(num)), make([]time.Duration, len(den))
	ratios := make([]float64, intervalDraws)
	for i := range ratios {
		ratios[i] = float64(redraw(num, a)) / float64(max(redraw(den, b), 1))
	}
	slices.Sort(ratios)
	return ratios[intervalDraws*5/100], ratios[intervalDraws*95/100-1]
}
