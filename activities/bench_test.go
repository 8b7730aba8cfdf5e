package activities_test

import (
	"testing"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

// BenchmarkRoundAnalysisAndSelection runs the needs analysis and the
// selection of a round over the demo city (2,000 employees, 300
// positions) on PostgreSQL, as RoundWorkflow does: reading, selecting and
// writing proposals and exclusions.
func BenchmarkRoundAnalysisAndSelection(b *testing.B) {
	gdb, _ := testkit.New(b)
	if err := seed.Load(gdb, seed.Generate(2000, asOf, 1)); err != nil {
		b.Fatal(err)
	}
	a := &activities.Activities{DB: gdb}
	var proposals, exclusions int
	for i := 0; b.Loop(); i++ {
		round := "B" + string(rune('A'+i%26)) + string(rune('a'+i/26%26))
		start := contract.RoundStart{RoundID: round, Name: "bench", Settings: models.DefaultSettings(),
			WorkflowID: contract.RoundWorkflowID(round), By: contract.System, At: asOf}
		if err := a.StartRound(ctx, start); err != nil {
			b.Fatal(err)
		}
		in := contract.RoundAsOf{RoundID: round, AsOf: asOf}
		if _, err := a.AnalyzeNeeds(ctx, in); err != nil {
			b.Fatal(err)
		}
		ps, err := a.SelectCandidates(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		proposals = len(ps)
		var n int64
		gdb.Model(&models.Exclusion{}).Where("round_id = ?", round).Count(&n)
		exclusions = int(n)
	}
	b.ReportMetric(float64(proposals), "proposals")
	b.ReportMetric(float64(exclusions), "exclusions")
}
