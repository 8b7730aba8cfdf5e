package selection_test

import (
	"testing"

	"github.com/bkpsdm/mutasi/selection"
)

// BenchmarkScore scores every candidate of a city-sized round against
// every position with a seat: the hot loop of selection before the
// assignment. ns/op is per score.
func BenchmarkScore(b *testing.B) {
	in := cityRound()
	var sum float64
	pairs := 0
	for b.Loop() {
		p := in.Positions[pairs%len(in.Positions)]
		c := in.Candidates[(pairs/len(in.Positions))%len(in.Candidates)]
		sum += selection.Score(c, p, in).Score
		pairs++
	}
	if sum < 0 {
		b.Fatal("negative scores")
	}
	b.ReportMetric(float64(len(in.Candidates)*len(in.Positions)), "pairs/round")
}
