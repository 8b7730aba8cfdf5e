package activities_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/heap"
	"gorm.io/gorm"
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

// BenchmarkDecree3000 makes 3,000 transfers of a round effective
// together on PostgreSQL, as the round does on its TMT: one transaction
// that locks them, writes their decree lines, moves the employees, and
// issues the collective decree (its PDF rendered and stored with its
// hash). Each operation is a new round of the same 3,000 moves, made
// outside the timer. It reports the peak live heap.
func BenchmarkDecree3000(b *testing.B) {
	const n = 3000
	gdb, _ := testkit.New(b)
	data := seed.Generate(n+500, asOf, 3)
	if err := seed.Load(gdb, data); err != nil {
		b.Fatal(err)
	}
	unitOf := map[string]string{}
	for _, p := range data.Positions {
		unitOf[p.ID] = p.UnitID
	}
	a := &activities.Activities{DB: gdb, BaseURL: "https://mutasi.example.go.id", LinkSecret: []byte("k")}
	peak := heap.Peak()
	var pdfBytes int
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		round := fmt.Sprintf("D%d", i)
		if err := a.StartRound(ctx, contract.RoundStart{RoundID: round, Name: "bench", Settings: models.DefaultSettings(),
			WorkflowID: contract.RoundWorkflowID(round), By: contract.System, At: asOf}); err != nil {
			b.Fatal(err)
		}
		var ts []models.Transfer
		var ids []string
		for j, e := range data.Employees[:n] {
			to := data.Positions[(j*7+i+1)%len(data.Positions)]
			t := models.Transfer{ID: round + "-" + e.NIP, RoundID: round, NIP: e.NIP, FromPositionID: e.PositionID,
				FromUnitID: unitOf[e.PositionID], ToPositionID: to.ID, ToUnitID: to.UnitID, Stage: models.StageAwaitingEffective,
				WorkflowID: "transfer-" + round + "-" + e.NIP, CreatedAt: asOf, UpdatedAt: asOf}
			ts, ids = append(ts, t), append(ids, t.ID)
		}
		if err := gdb.CreateInBatches(ts, 500).Error; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tmt := asOf.AddDate(0, 1, i)
		numbers, err := a.MakeEffectiveTogether(ctx, contract.CollectiveEffect{RoundID: round, TransferIDs: ids,
			EffectiveDate: tmt, At: tmt})
		if err != nil || len(numbers) != n {
			b.Fatalf("%d decree lines: %v", len(numbers), err)
		}
		b.StopTimer()
		var doc models.DecreeDocument
		if err := gdb.Select("movers", "pdf").First(&doc, "round_id = ?", round).Error; err != nil || doc.Movers != n {
			b.Fatalf("the decree moves %d (%v)", doc.Movers, err)
		}
		pdfBytes = len(doc.PDF)
		b.StartTimer()
	}
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(pdfBytes)/(1<<10), "pdf-KB")
}

// BenchmarkApplyDecision applies what a TPK approval writes, as the
// transfer workflow's local activity does: the decision with its audit
// line, the next stage, the PPK's notice and the state it brings, in one
// transaction, on PostgreSQL. It reports the statements each Apply runs
// (besides BEGIN and COMMIT): the notice's read, then the writes, sent
// to the server together (db.Writes).
func BenchmarkApplyDecision(b *testing.B) {
	gdb, _ := testkit.New(b)
	if err := seed.Load(gdb, seed.Generate(2000, asOf, 1)); err != nil {
		b.Fatal(err)
	}
	a := &activities.Activities{DB: gdb, BaseURL: "http://mutasi.test/"}
	start := contract.RoundStart{RoundID: "apply", Name: "bench", Settings: models.DefaultSettings(),
		WorkflowID: contract.RoundWorkflowID("apply"), By: contract.System, At: asOf}
	if err := a.StartRound(ctx, start); err != nil {
		b.Fatal(err)
	}
	in := contract.RoundAsOf{RoundID: "apply", AsOf: asOf}
	if _, err := a.AnalyzeNeeds(ctx, in); err != nil {
		b.Fatal(err)
	}
	proposals, err := a.SelectCandidates(ctx, in)
	if err != nil || len(proposals) == 0 {
		b.Fatalf("%d proposals, %v", len(proposals), err)
	}
	var statements int64
	count := func(*gorm.DB) { statements++ }
	for _, err := range []error{gdb.Callback().Create().After("gorm:create").Register("bench:count", count),
		gdb.Callback().Query().After("gorm:query").Register("bench:count", count),
		gdb.Callback().Update().After("gorm:update").Register("bench:count", count),
		gdb.Callback().Raw().After("gorm:raw").Register("bench:count", count)} {
		if err != nil {
			b.Fatal(err)
		}
	}
	statements = 0
	at := asOf.Add(time.Hour)
	// The state a transfer awaiting the PPK records (workflows.LiveInDB).
	live := []byte(`{"stage":"awaiting_ppk","awaiting":"ppk","training":false,` +
		`"decisions":[{"actor":{"id":"tpk1","role":"tpk"},"approve":true,"reason":"ok","at":"2027-01-04T09:00:00Z"}]}`)
	for i := 0; b.Loop(); i++ {
		id := proposals[i%len(proposals)].TransferID
		steps := []contract.Step{
			{Decision: &contract.DecisionInput{TransferID: id, RoundID: "apply", Step: models.RoleTPK, Approve: true, Reason: "ok", By: tpk, At: at}},
			{Stage: &contract.StageChange{TransferID: id, Stage: models.StageAwaitingPPK}},
			{Notice: &contract.NotifyInput{Key: "apply:" + id, Kind: contract.NoticeDecisionRequested, TransferID: id,
				To: models.RolePPK, Step: "PPK", Deadline: at.AddDate(0, 0, 7)}},
			{Live: &contract.LiveState{TransferID: id, State: live}},
		}
		if err := a.Apply(ctx, steps); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(statements)/float64(b.N), "statements/op")
}
