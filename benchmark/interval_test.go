package benchmark

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestP99(t *testing.T) {
	var l []time.Duration
	for i := 1000; i >= 1; i-- {
		l = append(l, time.Duration(i)*time.Millisecond)
	}
	if got := p99(l); got != 990*time.Millisecond {
		t.Errorf("p99 of 1..1000 ms = %v, want 990ms", got)
	}
	if got := p99(l[:1]); got != time.Second {
		t.Errorf("p99 of one = %v, want it", got)
	}
	if got := p99(nil); got != 0 {
		t.Errorf("p99 of none = %v", got)
	}
}

// TestRatioInterval: samples of one machine give an interval around 1;
// a side three times slower one around 3 that leaves 2 out; and the few
// slowest requests of a sample widen it.
func TestRatioInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sample := func(n int, scale float64) []time.Duration {
		l := make([]time.Duration, n)
		for i := range l {
			l[i] = time.Duration(scale * rng.ExpFloat64() * float64(10*time.Millisecond))
		}
		return l
	}
	a, b := sample(450, 1), sample(450, 1)
	if lo, hi := ratioInterval(a, b, rng); !(lo < 1 && 1 < hi) {
		t.Errorf("one machine: interval %.2f-%.2f leaves 1 out", lo, hi)
	}
	slow := sample(450, 3)
	lo, hi := ratioInterval(slow, b, rng)
	if !(lo > 2 && lo < 3 && hi > 3) {
		t.Errorf("three times slower: interval %.2f-%.2f, want it around 3 and above 2", lo, hi)
	}
	// Five stalls of a second in 450 requests: the p99 is a stall or
	// not, as the redraw takes them or not.
	stalled := sample(450, 1)
	for i := range 5 {
		stalled[i] = time.Second
	}
	if lo, hi := ratioInterval(stalled, b, rng); !(lo < 2 && hi > 10) {
		t.Errorf("five stalls: interval %.2f-%.2f, want it from under 2 to over 10", lo, hi)
	}
	if lo, hi := ratioInterval(nil, b, rng); lo != 0 || hi != 0 {
		t.Errorf("no sample: %.2f-%.2f", lo, hi)
	}
}
