package evaluation

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// trendFixture is three rounds over two quarters: R1 (January) with 6 of
// 8 surveys answered, R2 (February) 3 of 4, R3 (April) 5 of 5.
func trendFixture() Data {
	from, to := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	d := Data{Scope: Scope{From: &from, To: &to}, Rounds: []string{"R3", "R1", "R2"}, Units: map[string]string{"U": "Unit"},
		Positions: map[string]models.Position{"P": {UnitID: "U", Kind: models.KindPelaksana}},
		RoundStarts: map[string]time.Time{"R1": time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC),
			"R2": time.Date(2027, 2, 20, 0, 0, 0, 0, time.UTC), "R3": time.Date(2027, 4, 5, 0, 0, 0, 0, time.UTC)}}
	zero := 0
	for _, r := range []struct {
		id         string
		sent       int
		motivation []float64
	}{{"R1", 8, []float64{5, 5, 4, 3, 2, 1}}, {"R2", 4, []float64{4, 4, 1}}, {"R3", 5, []float64{5, 4, 4, 4, 2}}} {
		for i := range r.sent {
			id := fmt.Sprintf("%s-T%d", r.id, i)
			d.Transfers = append(d.Transfers, models.Transfer{ID: id, RoundID: r.id, ToUnitID: "U", ToPositionID: "P", Stage: models.StageCompleted})
			d.Decisions = append(d.Decisions, models.Decision{TransferID: id, Step: models.RolePPK, Approve: true})
			d.Surveys = append(d.Surveys, models.Survey{TransferID: id, RoundID: r.id, Status: models.SurveyClosed})
		}
		for i, v := range r.motivation {
			d.Responses = append(d.Responses, models.SurveyAnswer{ID: fmt.Sprintf("%s-A%d", r.id, i), RoundID: r.id, UnitID: "U",
				InstrumentVersion: 2, Block: &zero, Answers: map[string]any{"motivation": v}})
		}
	}
	d.Objections = []models.Objection{{TransferID: "R1-T0", Category: models.ObjectWorkload}, {TransferID: "R3-T1", Category: models.ObjectFear}}
	return d
}

// TestTrendAgainstHandComputedFixture checks the period report's trend:
// rounds in the order they started, quarters, and survey figures hidden
// where a point is under 5 respondents or the others would give it away.
func TestTrendAgainstHandComputedFixture(t *testing.T) {
	tr := Compute(trendFixture()).Trend
	if tr == nil {
		t.Fatal("a period report without a trend")
	}
	f := func(v float64) *float64 { return &v }
	type fig struct {
		key                 string
		transfers           int
		response, motivated *float64
		objections          *float64
	}
	got := func(ps []TrendPoint) []fig {
		var out []fig
		for _, p := range ps {
			out = append(out, fig{p.Key, p.Transfers, p.ResponseRate, p.Motivated, p.ObjectionRate})
		}
		return out
	}
	// R2 has 3 respondents: hidden, in its own report and so here; the
	// period's figures count R1's 6 and R3's 5 only, so R1 and R3 give
	// nothing away and show what their own reports show.
	wantRounds := []fig{{"R1", 8, f(0.75), f(0.5), f(0.125)}, {"R2", 4, f(0.75), nil, f(0)}, {"R3", 5, f(1), f(0.8), f(0.2)}}
	if g := got(tr.ByRound); !reflect.DeepEqual(g, wantRounds) {
		t.Errorf("by round %+v, want %+v", g, wantRounds)
	}
	// Q1 is R1 and R2: 9 of 12 answered; its figures leave R2's 3 answers
	// out (Q1 less R1 would give them away), so 3 of R1's 6 motivated.
	// Q2 is R3.
	wantQuarters := []fig{{"2027-Q1", 12, f(0.75), f(0.5), f(0.0833)}, {"2027-Q2", 5, f(1), f(0.8), f(0.2)}}
	if g := got(tr.ByQuarter); !reflect.DeepEqual(g, wantQuarters) {
		t.Errorf("by quarter %+v, want %+v", g, wantQuarters)
	}
	// So do the period's own figures: 14 answered, 11 counted.
	period := Compute(trendFixture())
	if n := period.Items[slices.IndexFunc(period.Items, func(it ItemStats) bool { return it.Code == "motivation" })].N; period.Response.Answered != 14 || n != 11 {
		t.Errorf("the period counts %d answers, %d for motivation; want 14 and 11", period.Response.Answered, n)
	}
	if rep := Compute(outcomeFixture()); rep.Trend != nil {
		t.Error("a round's report has a trend")
	}
}

// TestTrendCharts draws a line through the quarters' shown values and
// nothing for an indicator without any.
func TestTrendCharts(t *testing.T) {
	r := Compute(trendFixture())
	svg, err := r.Chart("trend_more_motivated", "en")
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if strings.Count(s, `<polyline class="trend"`) != 1 || strings.Count(s, `<circle class="point"`) != 2 ||
		!strings.Contains(s, "<title>2027-Q2: 80%</title>") || !strings.Contains(s, "% more motivated by quarter") {
		t.Errorf("trend chart:\n%s", s)
	}
	svg, _ = r.Chart("trend_skp_change", "id")
	if strings.Contains(string(svg), "<polyline") || strings.Contains(string(svg), "<circle") {
		t.Errorf("an SKP chart without values draws:\n%s", svg)
	}
	if _, err := Compute(outcomeFixture()).Chart("trend_more_motivated", "id"); err != ErrNoChart {
		t.Errorf("a round's trend chart: %v", err)
	}
}

// TestTrendInCSVAndExcel finds the trend in the downloads.
func TestTrendInCSVAndExcel(t *testing.T) {
	r := Compute(trendFixture())
	hasRows(t, "the CSV", csvRows(t, r), []string{"trend_quarter", "2027-Q2", "more_motivated", "0.8"},
		[]string{"trend_round", "R2", "more_motivated", ""}, []string{"trend_round", "R1", "transfers", "8"})
	sheet, err := workbook(t, r, "en").GetRows("Trend")
	if err != nil || len(sheet) != 6 || sheet[0][2] != "Confirmed transfers" || !slices.Equal(sheet[2][:4], []string{"By quarter", "2027-Q2", "5", "5"}) {
		t.Errorf("trend sheet %q (%v)", sheet, err)
	}
}
