package evaluation

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
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
