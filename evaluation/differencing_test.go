package evaluation

import (
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
)

// periodFixture is a period of four rounds, each hiding something its
// own report must not let a period report give away:
//
//   - A (January, closed), 12 answers: units U 6 and V 6, kinds
//     fungsional 6 (U) and pelaksana 6 (V), 6 trained (3 of each unit,
//     who answer training_adequacy) and 6 not. A shows all of it.
//   - B (February, closed), 15 answers: U 2 (fungsional, trained), V 7
//     (pelaksana, 1 trained), W 6 (pelaksana). B hides U (2), then W
//     (else B less V gives U's 2); both kinds (fungsional 2, then
//     pelaksana); training_adequacy (3 answers); and both trained sides
//     (3 trained).
//   - C (March, closed), 8 answers in unit X (pengawas), only 3 of
//     them to motivation: C hides motivation, X's and pengawas' too.
//   - With live, D (May, live: a survey still open), 12 answers, 10 in
//     filled blocks (U 5, V 5), 2 of U waiting: D counts 10, U 5 and
//     V 5.
//
// A, B and C are 2027-Q1, D 2027-Q2.
func periodFixture(live bool) Data {
	from, to := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	d := Data{Scope: Scope{From: &from, To: &to}, Rounds: []string{"A", "B", "C", "D"},
		Units: map[string]string{"U": "Unit U", "V": "Unit V", "W": "Unit W", "X": "Unit X"},
		Positions: map[string]models.Position{"PF": {Kind: models.KindFungsional}, "PP": {Kind: models.KindPelaksana},
			"PS": {Kind: models.KindPengawas}},
		RoundStarts: map[string]time.Time{"A": time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC), "B": time.Date(2027, 2, 10, 0, 0, 0, 0, time.UTC),
			"C": time.Date(2027, 3, 10, 0, 0, 0, 0, time.UTC), "D": time.Date(2027, 5, 10, 0, 0, 0, 0, time.UTC)}}
	i := 0 // every answer's values follow from its place
	add := func(round, unit, position string, trained bool, n int, block func(int) *int, motivation func(int) bool) {
		for k := range n {
			id := fmt.Sprintf("%s-%s-%d-%v", round, unit, k, trained)
			stage, status := models.StageCompleted, models.SurveyClosed
			if round == "D" {
				stage, status = models.StageSurveyOpen, models.SurveyAnswered
			}
			d.Transfers = append(d.Transfers, models.Transfer{ID: id, RoundID: round, ToUnitID: unit, ToPositionID: position, Stage: stage})
			d.Decisions = append(d.Decisions, models.Decision{TransferID: id, Step: models.RolePPK, Approve: true})
			d.Surveys = append(d.Surveys, models.Survey{TransferID: id, RoundID: round, Status: status})
			a := map[string]any{"enps": float64(i % 11), "comments": "komentar " + id}
			if motivation(k) {
				a["motivation"] = float64(1 + i%5)
			}
			if trained {
				a["training_adequacy"] = float64(1 + (i*3)%5)
			}
			d.Responses = append(d.Responses, models.SurveyAnswer{ID: fmt.Sprintf("%s-%03d", round, 999-i), RoundID: round, UnitID: unit,
				PositionKind: d.Positions[position].Kind, Trained: trained, InstrumentVersion: survey.CurrentVersion, Block: block(k),
				Answers: a})
			i++
		}
	}
	zero := func(int) *int { b := 0; return &b }
	all := func(int) bool { return true }
	add("A", "U", "PF", true, 3, zero, all)
	add("A", "U", "PF", false, 3, zero, all)
	add("A", "V", "PP", true, 3, zero, all)
	add("A", "V", "PP", false, 3, zero, all)
	add("B", "U", "PF", true, 2, zero, all)
	add("B", "V", "PP", true, 1, zero, all)
	add("B", "V", "PP", false, 6, zero, all)
	add("B", "W", "PP", false, 6, zero, all)
	add("C", "X", "PS", false, 8, zero, func(k int) bool { return k < 3 })
	if !live {
		d.Rounds = d.Rounds[:3]
		return d
	}
	// D's blocks: 1 and 2 hold U's first 5 and V's 5; U's last 2 wait.
	add("D", "U", "PP", false, 7, func(k int) *int {
		if k >= 5 {
			return nil
		}
		b := 1
		return &b
	}, all)
	add("D", "V", "PP", false, 5, func(int) *int { b := 2; return &b }, all)
	d.Transfers = append(d.Transfers, models.Transfer{ID: "D-waiting", RoundID: "D", ToUnitID: "V", ToPositionID: "PP", Stage: models.StageSurveyOpen})
	d.Surveys = append(d.Surveys, models.Survey{TransferID: "D-waiting", RoundID: "D", Status: models.SurveyOpen})
	return d
}

// roundData is the data of one round of d, as ForRound reads it.
func roundData(d Data, round string) Data {
	p := d.byRound()[round]
	p.Scope = Scope{RoundID: round}
	p.Names = d.Names
	for _, a := range d.Responses {
		if a.RoundID == round {
			p.Responses = append(p.Responses, a)
		}
	}
	return p
}

// figure is what a report shows of one cell: how many answers (or
// respondents) and their sum.
type figure struct {
	n   int
	sum float64
}

// shownCells are the survey cells a report shows, by name: each item's
// answers of the round (item:<code>) and of the trained and untrained
// sides (trained:<code>, untrained:<code>), as their distributions; each
// shown unit's and kind's respondents (unit:<key>) and, when shown, their
// motivation (unit:<key>:motivation, the mean times the respondents:
// every respondent of these groups answered it); the share more
// motivated of the round and of each trend point (motivated:<key>, from
// the round's motivation answers).
func shownCells(r Report) map[string]figure {
	out := map[string]figure{}
	distribution := func(name string, it ItemStats) {
		if it.Suppressed || it.N == 0 {
			return
		}
		f := figure{n: it.N}
		lo := 1
		if it.Scale == survey.NPS {
			lo = 0
		}
		for i, c := range it.Distribution {
			f.sum += float64((lo + i) * c)
		}
		out[name+":"+it.Code] = f
	}
	for _, it := range r.Items {
		distribution("item", it)
	}
	for _, it := range r.Outcomes.TrainedVsOther.Trained {
		distribution("trained", it)
	}
	for _, it := range r.Outcomes.TrainedVsOther.Untrained {
		distribution("untrained", it)
	}
	for _, part := range []struct {
		name   string
		groups []Group
	}{{"unit", r.ByUnit}, {"kind", r.ByKind}} {
		for _, g := range part.groups {
			if g.Suppressed {
				continue
			}
			out[part.name+":"+g.Key] = figure{n: *g.Respondents}
			if m, ok := g.Means["motivation"]; ok {
				out[part.name+":"+g.Key+":motivation"] = figure{n: *g.Respondents, sum: math.Round(m * float64(*g.Respondents))}
			}
		}
	}
	return out
}

// TestPeriodSumsOnlyWhatRoundsShow: every survey cell the period report
// shows is the sum of the same cells the rounds' own reports show (a
// round that hides a cell adds nothing to it), so the period less some
// rounds gives only what the others show; each quarter's share more
// motivated is that of the motivation answers its rounds show. With the
// closed rounds A, B and C of periodFixture, then with the live round D
// too; against figures worked out by hand.
func TestPeriodSumsOnlyWhatRoundsShow(t *testing.T) {
	for _, c := range []struct {
		live     bool
		counts   map[string]int
		answered int
		quarters []string
		q1       float64
		comments int
	}{
		// By hand: B's U (2), its kinds, its training_adequacy (3), its
		// trained side (3) and C's motivation (3) add nothing; Q1's
		// motivation is A's 12 (4 of them 4 or 5) and B's 15 (6).
		{false, map[string]int{
			"unit:U": 6, "unit:V": 6 + 7, "unit:X": 8, "kind:fungsional": 6, "kind:pelaksana": 6, "kind:pengawas": 8,
			"item:training_adequacy": 6, "trained:training_adequacy": 6, "item:motivation": 12 + 15,
			"trained:motivation": 6, "untrained:motivation": 6,
		}, 35, []string{"2027-Q1"}, 0.3704, 35},
		// D counts its filled blocks, in its breakdowns too, as its own
		// report does while its window is open; its comments wait.
		{true, map[string]int{
			"unit:U": 6 + 5, "unit:V": 6 + 7 + 5, "unit:X": 8, "kind:fungsional": 6, "kind:pelaksana": 6 + 10, "kind:pengawas": 8,
			"item:training_adequacy": 6, "trained:training_adequacy": 6, "item:motivation": 12 + 15 + 10,
			"trained:motivation": 6, "untrained:motivation": 6 + 10,
		}, 45, []string{"2027-Q1", "2027-Q2"}, 0.3704, 35},
	} {
		d := periodFixture(c.live)
		period := Compute(d)
		rounds := map[string]Report{}
		sums := map[string]figure{}
		for _, id := range d.Rounds {
			rounds[id] = Compute(roundData(d, id))
			for name, f := range shownCells(rounds[id]) {
				s := sums[name]
				sums[name] = figure{s.n + f.n, s.sum + f.sum}
			}
		}
		shown := shownCells(period)
		names := make([]string, 0, len(shown))
		for name := range shown {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if shown[name] != sums[name] {
				t.Errorf("live %v: the period's %s is %+v; the rounds' reports show %+v: the difference gives away what a round hides",
					c.live, name, shown[name], sums[name])
			}
		}
		for name, want := range c.counts {
			if shown[name].n != want {
				t.Errorf("live %v: the period's %s counts %d, want %d", c.live, name, shown[name].n, want)
			}
		}
		for _, name := range []string{"unit:W", "unit:X:motivation", "kind:pengawas:motivation"} {
			if _, ok := shown[name]; ok {
				t.Errorf("live %v: the period shows %s, which no round's report shows", c.live, name)
			}
		}
		if period.Response.Answered != c.answered || len(period.Comments) != c.comments {
			t.Errorf("live %v: answered %d, %d comments; want %d and %d", c.live, period.Response.Answered, len(period.Comments),
				c.answered, c.comments)
		}

		// Each quarter's share more motivated, from the rounds' reports.
		var quarters []string
		for _, q := range period.Trend.ByQuarter {
			quarters = append(quarters, q.Key)
			top, n := 0, 0
			for _, id := range q.Rounds {
				r := rounds[id]
				if m := item(r, "motivation"); r.Motivated != nil {
					top += int(math.Round(*r.Motivated * float64(m.N)))
					n += m.N
				}
			}
			if want := share(top, n); q.Motivated == nil || *q.Motivated != *want {
				t.Errorf("live %v, %s: more motivated %v, want %v (%d of %d the rounds show)", c.live, q.Key, deref(q.Motivated), deref(want), top, n)
			}
		}
		if fmt.Sprint(quarters) != fmt.Sprint(c.quarters) || deref(period.Trend.ByQuarter[0].Motivated) != c.q1 {
			t.Errorf("live %v: quarters %v, Q1 more motivated %v; want %v and %v", c.live, quarters,
				deref(period.Trend.ByQuarter[0].Motivated), c.quarters, c.q1)
		}
		// A round's point is its own report's figure.
		for _, p := range period.Trend.ByRound {
			if r := rounds[p.Key]; p.Motivated != nil && *p.Motivated != *r.Motivated {
				t.Errorf("live %v, round %s: the trend shows %v, its report %v", c.live, p.Key, *p.Motivated, deref(r.Motivated))
			}
		}
	}
}
