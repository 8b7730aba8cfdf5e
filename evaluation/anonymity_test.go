package evaluation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
)

// fullAnswers answers every rated item of the current instrument at
// random, with a comment.
func fullAnswers(rng *rand.Rand, comment string) map[string]any {
	a := map[string]any{"comments": comment}
	for _, it := range survey.Items {
		switch it.Scale {
		case survey.NPS:
			a[it.Code] = float64(rng.IntN(11))
		case survey.Text:
		default:
			a[it.Code] = float64(1 + rng.IntN(5))
		}
	}
	return a
}

// TestSmallRoundSuppressedInEveryFormat: a closed round of one, then four
// respondents shows none of their answers in JSON, CSV, the workbook or
// the charts, and says so.
func TestSmallRoundSuppressedInEveryFormat(t *testing.T) {
	for _, n := range []int{1, MinGroup - 1} {
		rng := rand.New(rand.NewPCG(uint64(n), 7))
		d := npsData(make([]int, n)...)
		for i := range d.Responses {
			d.Responses[i].Answers = fullAnswers(rng, "rahasia")
			d.Responses[i].InstrumentVersion = survey.CurrentVersion
		}
		r := Compute(d)
		if r.Live || !r.Suppressed || r.Response.Answered != n || r.ENPS != nil || r.Motivated != nil || len(r.Comments) != 0 {
			t.Errorf("%d respondents: live %v, suppressed %v, answered %d, eNPS %+v, motivated %v, comments %q",
				n, r.Live, r.Suppressed, r.Response.Answered, r.ENPS, deref(r.Motivated), r.Comments)
		}
		for _, it := range r.Items {
			if it.N != n || !it.Suppressed || it.Mean != nil || it.Top2 != nil || len(it.Distribution) != 0 {
				t.Errorf("%d respondents: item %+v", n, it)
			}
		}
		js, _ := json.Marshal(r)
		if bytes.Contains(js, []byte("rahasia")) || bytes.Contains(js, []byte(`"mean":`+"1")) {
			t.Errorf("%d respondents: JSON shows an answer: %s", n, js)
		}

		rows := csvRows(t, r)
		got := map[string]string{}
		for _, row := range rows[1:] {
			got[row[0]+"/"+row[1]+"/"+row[2]] = row[3]
		}
		if got["summary//suppressed"] != "true" || got["item/process_fairness/suppressed"] != "true" || got["summary//enps"] != "" ||
			got["summary//motivated"] != "" || got["unit/U/suppressed"] != "true" {
			t.Errorf("%d respondents: CSV %v", n, got)
		}
		for key := range got {
			if strings.HasPrefix(key, "item/") && !strings.HasSuffix(key, "/n") && !strings.HasSuffix(key, "/suppressed") {
				t.Errorf("%d respondents: the CSV has %s", n, key)
			}
		}

		var b bytes.Buffer
		if err := r.Excel(&b, "en"); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		const hidden = "suppressed for anonymity (min. 5 respondents)"
		for _, c := range []struct{ sheet, ref string }{{"Summary", "B7"}, {"Summary", "B8"}, {"Survey items", "D2"}, {"By unit", "C2"}} {
			if v, _ := x.GetCellValue(c.sheet, c.ref); v != hidden {
				t.Errorf("%d respondents: %s!%s = %q, want %q", n, c.sheet, c.ref, v, hidden)
			}
		}
		if v, _ := x.GetCellValue("Survey items", "E2"); v != "" {
			t.Errorf("%d respondents: Survey items!E2 = %q, want nothing", n, v)
		}
		x.Close()

		for _, name := range []string{"items", "distribution", "enps"} {
			svg, _ := r.Chart(name, "id")
			if bytes.Contains(svg, []byte(`class="bar"`)) || !bytes.Contains(svg, []byte("disembunyikan demi anonimitas")) {
				t.Errorf("%d respondents: the %s chart:\n%s", n, name, svg)
			}
		}
	}
}

// liveRound is a round whose survey window is open (one survey still
// open), with n answers in the blocks the survey activity gives them,
// whose IDs sort in the reverse order of answering, so that a new
// answer sorts first by ID.
func liveRound(n int) Data {
	rng := rand.New(rand.NewPCG(3, 4))
	d := Data{Units: map[string]string{"U": "Unit", "V": "Unit V"}, Positions: map[string]models.Position{"P": {Kind: models.KindPelaksana}}}
	for i := range 30 {
		id := fmt.Sprintf("T%02d", 99-i)
		unit := "U"
		if i%3 == 0 {
			unit = "V"
		}
		stage, status := models.StageCompleted, models.SurveyAnswered
		if i >= n {
			stage, status = models.StageSurveyOpen, models.SurveyOpen
		}
		d.Transfers = append(d.Transfers, models.Transfer{ID: id, ToUnitID: unit, ToPositionID: "P", Stage: stage})
		d.Surveys = append(d.Surveys, models.Survey{TransferID: id, Status: status})
		a := fullAnswers(rng, fmt.Sprint("komentar ", i))
		if i < n {
			d.Responses = append(d.Responses, stored(d, id, survey.CurrentVersion, a))
		}
	}
	fillBlocks(d.Responses)
	return d
}

// surveyJSON is the survey's part of a report as JSON: everything the
// answers make. (The counts per stage are not: they tell that a transfer
// moved on, which the transfer's own page shows too.)
func surveyJSON(t *testing.T, d Data) string {
	t.Helper()
	r := Compute(d)
	js, err := json.Marshal([]any{r.Response, r.Items, r.Motivated, r.ENPS, r.ByUnit, r.ByKind, r.Comments, r.Suppressed})
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// TestLiveReportChangesInBlocks: while the window is open, the survey's
// figures (breakdowns included) read the same before and after one
// more answer unless it completes a block of MinGroup; comments wait for
// the close, when every answer counts.
func TestLiveReportChangesInBlocks(t *testing.T) {
	prev := surveyJSON(t, liveRound(0))
	for n := 1; n <= 22; n++ {
		d := liveRound(n)
		r := Compute(d)
		if !r.Live || r.Response.Answered != n/MinGroup*MinGroup || len(r.Comments) != 0 {
			t.Errorf("%d answers: live %v, answered %d, comments %q", n, r.Live, r.Response.Answered, r.Comments)
		}
		now := surveyJSON(t, d)
		if changed := now != prev; changed != (n%MinGroup == 0) {
			t.Errorf("%d answers: the figures changed %v, want %v", n, changed, n%MinGroup == 0)
		}
		prev = now
		// A group shows whole blocks of its own answers too.
		for _, g := range r.ByUnit {
			if g.Respondents != nil && *g.Respondents%MinGroup != 0 {
				t.Errorf("%d answers: unit %s shows %d respondents", n, g.Key, *g.Respondents)
			}
		}
	}
	// The window closes: all 22 answers and their comments.
	d := liveRound(22)
	d.Transfers, d.Surveys = d.Transfers[:22], d.Surveys[:22]
	r := Compute(d)
	if r.Live || r.Response.Answered != 22 || len(r.Comments) != 22 {
		t.Errorf("closed: live %v, answered %d, %d comments", r.Live, r.Response.Answered, len(r.Comments))
	}
	// Comments of fewer than MinGroup, closed: none.
	d = liveRound(MinGroup - 1)
	d.Transfers, d.Surveys = d.Transfers[:MinGroup-1], d.Surveys[:MinGroup-1]
	if r := Compute(d); r.Live || len(r.Comments) != 0 {
		t.Errorf("closed with %d answers: live %v, comments %q", MinGroup-1, r.Live, r.Comments)
	}
}

func TestWindowOpen(t *testing.T) {
	done := models.Transfer{ID: "A", Stage: models.StageCompleted}
	for _, c := range []struct {
		name string
		d    Data
		want bool
	}{
		{"all transfers ended, surveys answered or closed", Data{Transfers: []models.Transfer{done, {Stage: models.StageRejected}},
			Surveys: []models.Survey{{Status: models.SurveyAnswered}, {Status: models.SurveyClosed}}}, false},
		{"a survey open", Data{Transfers: []models.Transfer{done}, Surveys: []models.Survey{{Status: models.SurveyOpen}}}, true},
		{"a transfer yet to take effect", Data{Transfers: []models.Transfer{done, {Stage: models.StageAwaitingEffective}}}, true},
		{"a transfer still proposed", Data{Transfers: []models.Transfer{{Stage: models.StageProposed}}}, true},
	} {
		if got := WindowOpen(c.d); got != c.want {
			t.Errorf("%s: open %v, want %v", c.name, got, c.want)
		}
	}
}

// seen is what a reader knows of one group of a breakdown: whether it is
// shown, and then its respondents and the sum of their motivation
// answers (its mean times its respondents).
type seen struct {
	shown bool
	n     int
	sum   int
}

// subtract is the reader's attack on one breakdown: the round's answers
// minus the shown groups' leave the answers of the hidden groups (and of
// answers outside every group), their number and motivation sum.
func subtract(total, totalSum int, groups map[string]seen) (n, sum int) {
	n, sum = total, totalSum
	for _, g := range groups {
		if g.shown {
			n -= g.n
			sum -= g.sum
		}
	}
	return n, sum
}

// sumOf is a motivation sum read back from a rounded mean.
func sumOf(mean *float64, n int) int {
	if mean == nil {
		return 0
	}
	return int(math.Round(*mean * float64(n)))
}

// asRead is what the report shows of a breakdown, by group key.
func asRead(gs []Group) map[string]seen {
	out := map[string]seen{}
	for _, g := range gs {
		if g.Suppressed {
			out[g.Key] = seen{}
			continue
		}
		m := g.Means["motivation"]
		out[g.Key] = seen{true, *g.Respondents, sumOf(&m, *g.Respondents)}
	}
	return out
}

// mixData makes a closed (or live) round of units of the given numbers
// of respondents, each transfer into a position of a random kind, and
// returns the true respondents and motivation sum of each unit, by key.
func mixData(rng *rand.Rand, sizes []int, live bool) (Data, map[string]seen) {
	kinds := []models.PositionKind{models.KindPelaksana, models.KindFungsional, models.KindPengawas}
	d := Data{Units: map[string]string{}, Positions: map[string]models.Position{}}
	for i, k := range kinds {
		d.Positions[fmt.Sprint("P", i)] = models.Position{Kind: k}
	}
	truth := map[string]seen{}
	for u, size := range sizes {
		unit := fmt.Sprintf("U%d", u)
		d.Units[unit] = unit
		for i := range size + rng.IntN(3) {
			id := fmt.Sprintf("%s-%d", unit, i)
			d.Transfers = append(d.Transfers, models.Transfer{ID: id, ToUnitID: unit,
				ToPositionID: fmt.Sprint("P", rng.IntN(len(kinds))), Stage: models.StageCompleted})
			if i >= size {
				continue
			}
			a := fullAnswers(rng, "")
			d.Responses = append(d.Responses, stored(d, id, survey.CurrentVersion, a))
			g := truth[unit]
			g.n++
			g.sum += int(a["motivation"].(float64))
			truth[unit] = g
		}
	}
	fillBlocks(d.Responses)
	rng.Shuffle(len(d.Responses), func(i, j int) { d.Responses[i], d.Responses[j] = d.Responses[j], d.Responses[i] })
	if live {
		d.Transfers = append(d.Transfers, models.Transfer{ID: "waiting", ToUnitID: "U0", ToPositionID: "P0", Stage: models.StageSurveyOpen})
	}
	return d, truth
}

// oldRule is the outcome of the rule this package had before: each group
// shown from MinGroup respondents, judged alone.
func oldRule(truth map[string]seen) map[string]seen {
	out := map[string]seen{}
	for key, g := range truth {
		g.shown = g.n >= MinGroup
		out[key] = g
	}
	return out
}

// leak reports how subtraction on one breakdown of a report gives away
// the answers of between 1 and MinGroup-1 people, if it does.
func leak(r Report, groups map[string]seen) string {
	if r.Suppressed || r.Response.Answered == 0 {
		return "" // the round shows no survey figure to subtract from
	}
	m := item(r, "motivation")
	n, sum := subtract(r.Response.Answered, sumOf(m.Mean, m.N), groups)
	if n > 0 && n < MinGroup {
		return fmt.Sprintf("%d hidden answers recovered: motivation sum %d", n, sum)
	}
	return ""
}

// TestOldRuleLeaksByDifference is the case, units of 5, 5 and 1
// respondents: the old rule's output gives the third unit's one answer
// by subtraction, and the report now hides a second unit.
func TestOldRuleLeaksByDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	d, truth := mixData(rng, []int{5, 5, 1}, false)
	r := Compute(d)
	m := item(r, "motivation")
	n, sum := subtract(r.Response.Answered, sumOf(m.Mean, m.N), oldRule(truth))
	if n != 1 || sum != truth["U2"].sum {
		t.Errorf("the old rule's output: subtraction gives %d answers of sum %d, want unit U2's 1 of %d", n, sum, truth["U2"].sum)
	}
	if l := leak(r, oldRule(truth)); l == "" {
		t.Error("the attack finds nothing in the old rule's output")
	}
	if l := leak(r, asRead(r.ByUnit)); l != "" {
		t.Errorf("the report: %s (units %+v)", l, r.ByUnit)
	}
	hidden := 0
	for _, g := range r.ByUnit {
		if g.Suppressed {
			hidden++
		}
	}
	if hidden != 2 {
		t.Errorf("%d units hidden, want 2: %+v", hidden, r.ByUnit)
	}
}

// TestNoHiddenGroupBySubtraction computes the report of 3,000 seeded
// random mixes of unit sizes (2 to 6 units of 0 to 9 respondents, each
// respondent in a position of a random kind), closed and live, and
// subtracts the shown units and kinds from the round: the rest is never
// the answers of 1 to MinGroup-1 people. On closed rounds it checks the
// attack against the truth (it does recover the hidden answers' sum)
// and that it breaks the old rule on some of the same mixes.
func TestNoHiddenGroupBySubtraction(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 5))
	oldLeaks := 0
	for run := range 3000 {
		sizes := make([]int, 2+rng.IntN(5))
		for i := range sizes {
			sizes[i] = rng.IntN(10)
		}
		live := run%2 == 1
		d, truth := mixData(rng, sizes, live)
		r := Compute(d)
		if r.Live != live {
			t.Fatalf("sizes %v: live %v, want %v", sizes, r.Live, live)
		}
		for _, part := range []struct {
			name   string
			groups []Group
		}{{"units", r.ByUnit}, {"kinds", r.ByKind}} {
			if l := leak(r, asRead(part.groups)); l != "" {
				t.Fatalf("sizes %v, live %v, %s: %s\n%+v", sizes, live, part.name, l, part.groups)
			}
			for _, g := range part.groups {
				if !g.Suppressed && *g.Respondents < MinGroup {
					t.Fatalf("sizes %v, %s: %s shows %d respondents", sizes, part.name, g.Key, *g.Respondents)
				}
			}
		}
		if live {
			continue
		}
		// The attack is right: on the report's own output it recovers
		// the hidden units' true count and sum.
		if !r.Suppressed && r.Response.Answered > 0 {
			var hidden seen
			for key, g := range asRead(r.ByUnit) {
				if !g.shown {
					hidden.n += truth[key].n
					hidden.sum += truth[key].sum
				}
			}
			m := item(r, "motivation")
			if n, sum := subtract(r.Response.Answered, sumOf(m.Mean, m.N), asRead(r.ByUnit)); n != hidden.n || sum != hidden.sum {
				t.Fatalf("sizes %v: subtraction gives %d answers of sum %d, truth %d of %d", sizes, n, sum, hidden.n, hidden.sum)
			}
		}
		if leak(r, oldRule(truth)) != "" {
			oldLeaks++
		}
	}
	if oldLeaks == 0 {
		t.Error("the attack never broke the old rule: it cannot fail")
	}
	t.Logf("the old rule leaked in %d of 1,500 closed mixes", oldLeaks)
}

// TestNoHiddenItemBySubtraction computes the report of 2,000 seeded
// random closed rounds (2 to 6 units of 0 to 9 respondents) whose
// respondents answer training_adequacy or not at random, and, where the
// round shows the item, subtracts, for each unit and kind that shows its
// mean, its true answers to the item (as a reader who knows who was
// trained would) from the round's:
// the rest is never 1 to MinGroup-1 people's answers. Groups judged by
// their respondents alone (each shown group showing every item it has 5
// answers to) leave such a rest in some of the same rounds.
func TestNoHiddenItemBySubtraction(t *testing.T) {
	const code = "training_adequacy"
	rng := rand.New(rand.NewPCG(17, 6))
	byRespondents := 0
	for range 2000 {
		sizes := make([]int, 2+rng.IntN(5))
		for i := range sizes {
			sizes[i] = rng.IntN(10)
		}
		d, _ := mixData(rng, sizes, false)
		truth := map[string]int{} // answers to the item by unit and by kind
		for _, a := range d.Responses {
			if rng.IntN(2) == 0 {
				delete(a.Answers, code)
				continue
			}
			truth["unit:"+a.UnitID]++
			truth["kind:"+string(a.PositionKind)]++
		}
		r := Compute(d)
		it := item(r, code)
		if it.Mean == nil {
			continue // the round shows no figure of the item to subtract from
		}
		n := it.N
		for _, part := range []struct {
			name   string
			groups []Group
		}{{"unit", r.ByUnit}, {"kind", r.ByKind}} {
			rest, old := n, n
			for _, g := range part.groups {
				if _, ok := g.Means[code]; ok {
					rest -= truth[part.name+":"+g.Key]
				}
				if !g.Suppressed && truth[part.name+":"+g.Key] >= MinGroup {
					old -= truth[part.name+":"+g.Key]
				}
			}
			if rest > 0 && rest < MinGroup {
				t.Fatalf("sizes %v, %s: the round's %d answers to %s less the shown groups' leave %d\n%+v", sizes, part.name, n, code, rest, part.groups)
			}
			if old > 0 && old < MinGroup {
				byRespondents++
			}
		}
	}
	if byRespondents == 0 {
		t.Error("groups judged by respondents alone never left a small rest: the attack cannot fail")
	}
	t.Logf("judged by respondents alone, %d breakdowns of 4,000 left 1-4 answers to %s", byRespondents, code)
}
