package evaluation

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/heap"
)

// BenchmarkComputeRoundOf1000Answers computes the report of a round of
// 1,200 transfers into 20 units, 1,000 of them with a complete answer.
func BenchmarkComputeRoundOf1000Answers(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []models.PositionKind{models.KindPelaksana, models.KindFungsional, models.KindPengawas}
	d := Data{Positions: map[string]models.Position{}, Units: map[string]string{}}
	for u := 0; u < 20; u++ {
		d.Units[fmt.Sprint("U", u)] = fmt.Sprint("Unit ", u)
		d.Positions[fmt.Sprint("P", u)] = models.Position{Kind: kinds[u%3]}
	}
	for i := 0; i < 1200; i++ {
		id := fmt.Sprint("T", i)
		u := i % 20
		d.Transfers = append(d.Transfers, models.Transfer{ID: id, ToUnitID: fmt.Sprint("U", u),
			ToPositionID: fmt.Sprint("P", u), Stage: models.StageCompleted})
		d.Decisions = append(d.Decisions, models.Decision{TransferID: id, Step: models.RolePPK, Approve: true})
		d.Surveys = append(d.Surveys, models.Survey{TransferID: id, InstrumentVersion: 1})
		if i >= 1000 {
			continue
		}
		d.Responses = append(d.Responses, stored(d, id, survey.CurrentVersion, fullAnswers(rng, "ok")))
	}
	var r Report
	for b.Loop() {
		r = Compute(d)
	}
	if r.Response.Answered != 1000 || len(r.ByUnit) != 20 {
		b.Fatalf("report of %d answers, %d units", r.Response.Answered, len(r.ByUnit))
	}
}

// BenchmarkPeriodReport reads and computes the period report over 8
// rounds of 3,000 transfers each, every transfer approved and its survey
// answered (24,000 answers), from PostgreSQL, as GET /evaluations does:
// ForPeriod, then Compute, trend and outcomes included. It reports the
// peak live heap. Issue 17's target: under 1 s and 200 MB.
func BenchmarkPeriodReport(b *testing.B) {
	const rounds, perRound = 8, 3000
	gdb, _ := testkit.New(b)
	rng := rand.New(rand.NewPCG(3, 4))
	kinds := []models.PositionKind{models.KindPelaksana, models.KindFungsional, models.KindPengawas}
	var units []models.Unit
	var positions []models.Position
	for u := 0; u < 40; u++ {
		units = append(units, models.Unit{ID: fmt.Sprint("U", u), Name: fmt.Sprint("Unit ", u)})
		positions = append(positions, models.Position{ID: fmt.Sprint("P", u), UnitID: fmt.Sprint("U", u), Name: fmt.Sprint("Jabatan ", u),
			Kind: kinds[u%3], Class: 5 + u%6, Seats: 100})
	}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(gdb.CreateInBatches(units, 1000).Error)
	must(gdb.CreateInBatches(positions, 1000).Error)
	start := time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC)
	for r := 0; r < rounds; r++ {
		id := fmt.Sprint("R", r)
		at := start.AddDate(0, r*1, 0)
		must(gdb.Create(&models.Round{ID: id, Name: id, Status: models.RoundCompleted, Settings: models.DefaultSettings(),
			WorkflowID: "round-" + id, CreatedAt: at, UpdatedAt: at}).Error)
		var ts []models.Transfer
		var decisions []models.Decision
		var surveys []models.Survey
		var answers []models.SurveyAnswer
		var needs []models.Need
		zero := 0
		for i := 0; i < perRound; i++ {
			tid, nip := fmt.Sprintf("%s-T%d", id, i), fmt.Sprintf("%02d%016d", r, i)
			from, to := positions[rng.IntN(len(positions))], positions[rng.IntN(len(positions))]
			eff := at.AddDate(0, 2, 0)
			ts = append(ts, models.Transfer{ID: tid, RoundID: id, NIP: nip, FromPositionID: from.ID, FromUnitID: from.UnitID,
				ToPositionID: to.ID, ToUnitID: to.UnitID, Stage: models.StageCompleted, WorkflowID: "transfer-" + tid, EffectiveDate: &eff})
			decisions = append(decisions, models.Decision{TransferID: tid, Step: models.RolePPK, Approve: true, ActorID: "ppk", DecidedAt: at})
			surveys = append(surveys, models.Survey{TransferID: tid, RoundID: id, NIP: nip, Status: models.SurveyClosed,
				InstrumentVersion: survey.CurrentVersion, SentAt: eff, ExpiresAt: eff})
			answers = append(answers, models.SurveyAnswer{ID: fmt.Sprintf("%s-A%d", id, i), RoundID: id, UnitID: to.UnitID,
				PositionKind: to.Kind, InstrumentVersion: survey.CurrentVersion, Trained: i%4 == 0, Block: &zero,
				Answers: fullAnswers(rng, "")})
			if i < 200 {
				needs = append(needs, models.Need{RoundID: id, PositionID: to.ID, Reason: models.NeedVacant, IncumbentNIP: nip, Seats: 1, Priority: 1})
			}
		}
		must(gdb.CreateInBatches(ts, 1000).Error)
		must(gdb.CreateInBatches(decisions, 1000).Error)
		must(gdb.CreateInBatches(surveys, 1000).Error)
		must(gdb.CreateInBatches(answers, 1000).Error)
		must(gdb.CreateInBatches(needs, 1000).Error)
	}
	from, to := start, start.AddDate(1, 0, 0)
	var r Report
	peak := heap.Peak()
	for b.Loop() {
		d, err := ForPeriod(context.Background(), gdb, from, to)
		if err != nil {
			b.Fatal(err)
		}
		r = Compute(d)
	}
	b.ReportMetric(float64(peak())/(1<<20), "peak-MB")
	if r.Response.Answered != rounds*perRound || r.Trend == nil || len(r.Trend.ByRound) != rounds {
		b.Fatalf("report of %d answers, trend %+v", r.Response.Answered, r.Trend)
	}
}
