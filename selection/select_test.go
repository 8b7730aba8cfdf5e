package selection

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// scenario is a small round with one candidate for each way of not being
// proposed.
func scenario() Input {
	pos := func(id, unit string, kind models.PositionKind, min, max models.Rank, seats int, comp ...Competency) Position {
		return Position{ID: id, UnitID: unit, Kind: kind, Class: 8, MinRank: min, MaxRank: max,
			MinEducation: models.EduS1, Competencies: comp, Seats: seats}
	}
	in := Input{AsOf: asOf, Rules: models.DefaultSettings().Rules, Weights: models.DefaultSettings().Weights,
		TrainingGapThreshold: 2}
	in.Positions = []Position{
		pos("PB", "UB", models.KindPengawas, 10, 13, 1, Competency{"B", 3}),
		pos("PA", "UA", models.KindFungsional, 9, 12, 3, Competency{"A", 3}),
		pos("PC", "UC", models.KindFungsional, 9, 12, 0), // no seat
	}
	in.Positions[0].Needed, in.Positions[1].Needed = true, true
	cand := func(nip string, change func(c *Candidate)) Candidate {
		c := baseCandidate()
		c.NIP = nip
		c.SKP = map[int]models.Predicate{2025: models.Baik, 2024: models.Baik}
		c.Competencies = map[string]int{}
		change(&c)
		return c
	}
	in.Candidates = []Candidate{
		cand("N07", func(c *Candidate) { c.Competencies["A"] = 1 }),
		cand("N01", func(c *Candidate) { c.Competencies["A"] = 3; c.SKP[2025] = models.SangatBaik }),
		cand("N02", func(c *Candidate) { c.Status = models.StatusCPNS }),
		cand("N03", func(c *Candidate) { c.Rank = 8 }),
		cand("N04", func(c *Candidate) { c.Rank = 9; c.RelativeUnits = []string{"UA"} }),
		cand("N05", func(c *Candidate) { c.Competencies["A"] = 2; c.SKP[2025] = models.SangatBaik }),
		cand("N06", func(c *Candidate) { c.Competencies["B"] = 3; c.Competencies["A"] = 3 }),
		cand("N08", func(c *Candidate) { c.PositionID = "PA"; c.Competencies["B"] = 2 }),
		cand("N09", func(c *Candidate) { c.InPostSince = date(2025, 1, 1) }),
	}
	return in
}

func TestSelectScenario(t *testing.T) {
	in := scenario()
	res, err := Select(in)
	if err != nil {
		t.Fatal(err)
	}
	// Free seats: PA 2 (N08 holds the third), PB 1. N06 is the only one holding B at 3, and also
	// holds A at 3; N01 holds A at 3 and N05 A at 2 (gap 1), both with a
	// better SKP than N06 and N08; N08 (B at 2) holds PA now. Putting N06
	// on PB and N01 and N05 on PA beats N01 and N06 on PA with N08 on PB by
	// N05's SKP.
	var got []string
	for _, p := range res.Proposals {
		got = append(got, p.PositionID+":"+p.NIP)
		want := Score(candidateByNIP(in, p.NIP), positionByID(in, p.PositionID), in)
		if !reflect.DeepEqual(p, want) {
			t.Errorf("proposal %+v, Score gives %+v", p, want)
		}
		b := p.Breakdown
		if math.Abs(b.SKP+b.Talent+b.Competence+b.Tenure+b.Career-b.Total) > 1e-12 || b.Total != p.Score {
			t.Errorf("breakdown does not add up: %+v", p)
		}
	}
	if want := []string{"PA:N01", "PA:N05", "PB:N06"}; !slices.Equal(got, want) {
		t.Fatalf("proposals %v, want %v", got, want)
	}
	if p := res.Proposals[1]; p.CompetenceGap != 1 || p.Training {
		t.Errorf("N05: gap %d training %v, want gap 1 and no training", p.CompetenceGap, p.Training)
	}

	var rules []string
	for _, x := range res.Exclusions {
		rules = append(rules, x.NIP+":"+x.Rule)
	}
	want := []string{"N02:cpns", "N03:no_eligible_position", "N04:no_eligible_position",
		"N07:not_selected", "N08:not_selected", "N09:time_in_post"}
	if !slices.Equal(rules, want) {
		t.Fatalf("exclusions %v, want %v", rules, want)
	}
	msg := map[string]Exclusion{}
	for _, x := range res.Exclusions {
		msg[x.NIP] = x
	}
	if x := msg["N03"]; x.Message != "tidak ada dari 2 jabatan terbuka yang memenuhi syarat: pangkat 2" ||
		x.MessageEN != "none of the 2 positions open fits: rank 2" {
		t.Errorf("N03: %+v", x)
	}
	if x := msg["N04"]; x.Message != "tidak ada dari 2 jabatan terbuka yang memenuhi syarat: pangkat 1, konflik kepentingan 1" ||
		x.MessageEN != "none of the 2 positions open fits: rank 1, conflict of interest 1" {
		t.Errorf("N04: %+v", x)
	}
	n08 := Score(candidateByNIP(in, "N08"), positionByID(in, "PB"), in).Score
	if x := msg["N08"]; x.MessageEN != fmt.Sprintf("eligible for 1 position (best score %.3f at PB), but the optimal plan does not move them", n08) ||
		!strings.HasPrefix(x.Message, "memenuhi syarat untuk 1 jabatan (skor tertinggi 0,") {
		t.Errorf("N08: %+v", x)
	}
	if x := msg["N09"]; x.Message != "masa jabatan 1 tahun 2 bulan, minimal 2 tahun" {
		t.Errorf("N09: %+v", x)
	}
}

func candidateByNIP(in Input, nip string) Candidate {
	for _, c := range in.Candidates {
		if c.NIP == nip {
			return c
		}
	}
	panic(nip)
}

func positionByID(in Input, id string) Position {
	for _, p := range in.Positions {
		if p.ID == id {
			return p
		}
	}
	panic(id)
}

// randomInput draws a round with candidates of every kind: about half of
// the pairs pass the rules, some posts are needed, some candidates hold no
// listed position, some are past the maximum time in post.
func randomInput(r *rand.Rand, nPos, nCand int) Input {
	in := Input{AsOf: asOf, TrainingGapThreshold: 2}
	kinds := []models.PositionKind{models.KindPelaksana, models.KindFungsional, models.KindPengawas, models.KindAdministrator}
	comps := []string{"A", "B", "C"}
	for p := 0; p < nPos; p++ {
		lo := models.Rank(5 + r.IntN(6))
		pos := Position{ID: fmt.Sprintf("P%02d", p), UnitID: fmt.Sprintf("U%d", r.IntN(4)),
			Kind: kinds[r.IntN(len(kinds))], Class: 5 + r.IntN(6), MinRank: lo, MaxRank: lo + models.Rank(r.IntN(5)),
			MinEducation: models.Education(1 + r.IntN(3)), Seats: r.IntN(3), Needed: r.IntN(2) == 0}
		if r.IntN(8) == 0 {
			pos.Promised = 1
		}
		for _, k := range comps {
			if r.IntN(2) == 0 {
				pos.Competencies = append(pos.Competencies, Competency{k, 1 + r.IntN(5)})
			}
		}
		in.Positions = append(in.Positions, pos)
	}
	for i := 0; i < nCand; i++ {
		c := Candidate{NIP: fmt.Sprintf("19%02d0101200501100%d", 70+r.IntN(20), i%10) + fmt.Sprint(i),
			UnitID: fmt.Sprintf("U%d", r.IntN(4)), PositionID: fmt.Sprintf("P%02d", r.IntN(nPos+1)),
			PositionKind: kinds[r.IntN(len(kinds))], PositionClass: 5 + r.IntN(6), Rank: models.Rank(5 + r.IntN(9)),
			Status: models.StatusPNS, BirthDate: date(1966+r.IntN(25), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
			InPostSince: date(2016+r.IntN(10), time.Month(1+r.IntN(12)), 1), Education: models.Education(1 + r.IntN(5)),
			SKP:         map[int]models.Predicate{2025: models.Predicate(3 + r.IntN(3)), 2024: models.Predicate(3 + r.IntN(3))},
			Performance: models.Level(1 + r.IntN(3)), Potential: models.Level(1 + r.IntN(3)),
			Competencies: map[string]int{}}
		for _, k := range comps {
			c.Competencies[k] = r.IntN(6)
		}
		if r.IntN(10) == 0 {
			c.RelativeUnits = []string{fmt.Sprintf("U%d", r.IntN(4))}
		}
		if r.IntN(20) == 0 {
			c.LegalProcess = true
		}
		if r.IntN(15) == 0 {
			c.InFlight = true
		}
		in.Candidates = append(in.Candidates, c)
	}
	return in
}

// referenceProblem builds, with the exported rules only, the reassignment
// Select must solve for in: every candidate holds their post (or none),
// each post takes max(seats, holders) less the promised seats, and the
// candidates who pass every rule and are not in flight may move along the
// pairs PairAllowed admits, scored by Score.
func referenceProblem(in Input) Problem {
	var p Problem
	holding := map[string]int{}
	known := map[string]bool{}
	for _, pos := range in.Positions {
		known[pos.ID] = true
	}
	for _, c := range in.Candidates {
		post := c.PositionID
		if !known[post] {
			post = "none"
		}
		holding[post]++
		p.Holders = append(p.Holders, Holder{Employee: c.NIP, Position: post,
			MustMove: PastMaxTimeInPost(c.InPostSince, in.AsOf, EffectiveRules(in.Rules))})
	}
	p.Posts = append(p.Posts, Post{ID: "none", Capacity: holding["none"]})
	for _, pos := range in.Positions {
		capacity := max(max(pos.Seats, holding[pos.ID])-pos.Promised, holding[pos.ID])
		p.Posts = append(p.Posts, Post{ID: pos.ID, Capacity: capacity, Needed: pos.Needed})
		for _, c := range in.Candidates {
			if capacity > 0 && !c.InFlight && Eligible(c, in) == nil && PairAllowed(c, pos, in) == nil {
				p.Pairs.Add(pos.ID, c.NIP, Score(c, pos, in).Score)
			}
		}
	}
	return p
}

// TestSelectOptimal checks Select's plan against brute force over the
// reference problem, on small random rounds: the figures, the capacities,
// the proposals' scores and one outcome per candidate.
func TestSelectOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for it := 0; it < 300; it++ {
		in := randomInput(r, 1+r.IntN(4), 1+r.IntN(7))
		res, err := Select(in)
		if err != nil {
			t.Fatal(err)
		}
		ref := referenceProblem(in)
		want := bruteReassign(ref)
		var pl Plan
		for _, p := range res.Proposals {
			from := p.FromPositionID
			if !slices.ContainsFunc(in.Positions, func(x Position) bool { return x.ID == from }) {
				from = "none"
			}
			pl.Moves = append(pl.Moves, Move{Employee: p.NIP, From: from, To: p.PositionID, Score: p.Score, DependsOn: p.DependsOn})
			pl.Score += p.Score
			if p.MustMove {
				pl.MustMoved++
			}
		}
		slices.SortFunc(pl.Moves, func(a, b Move) int { return strings.Compare(a.Employee, b.Employee) })
		pl.Filled = res.Filled
		for _, x := range res.Exclusions {
			if x.MustMove {
				pl.Stuck = append(pl.Stuck, x.NIP)
			}
		}
		if pl.MustMoved != res.MustMoved || pl.MustMoved+len(pl.Stuck) != res.MustMove {
			t.Fatalf("round %d: must-move figures %d+%d, result %+v", it, pl.MustMoved, len(pl.Stuck), res)
		}
		got := checkPlan(t, ref, pl)
		if want.better(got, 1e-9) || got.better(want, 1e-9) {
			t.Fatalf("round %d: plan %+v, brute force %+v", it, got, want)
		}
		if len(res.Proposals)+len(res.Exclusions) != len(in.Candidates) {
			t.Fatalf("round %d: %d proposals and %d exclusions for %d candidates",
				it, len(res.Proposals), len(res.Exclusions), len(in.Candidates))
		}
	}
}

// TestSelectChain: the incumbent of PA is past the maximum time in post and
// moves to the vacant PB; N02 fills PA from PC, which N03 fills in turn
// (PC is short of its ABK); N04, also past the maximum, admits no position
// (rank) and is listed as not placed; N05 is in flight in another round
// and PB's second seat is promised to that transfer.
func TestSelectChain(t *testing.T) {
	in := Input{AsOf: asOf, Rules: models.DefaultSettings().Rules, Weights: models.DefaultSettings().Weights}
	pos := func(id string, seats int, needed bool) Position {
		return Position{ID: id, UnitID: "U" + id, Kind: models.KindFungsional, Class: 8, MinRank: 9, MaxRank: 12,
			MinEducation: models.EduS1, Seats: seats, Needed: needed}
	}
	in.Positions = []Position{pos("PA", 1, true), pos("PB", 2, true), pos("PC", 2, true), pos("PD", 1, false)}
	in.Positions[1].Promised = 1
	cand := func(nip, post string, since time.Time, change func(c *Candidate)) Candidate {
		c := baseCandidate()
		c.NIP, c.PositionID, c.InPostSince, c.UnitID = nip, post, since, "U"+post
		if change != nil {
			change(&c)
		}
		return c
	}
	old := date(2018, 1, 1)
	in.Candidates = []Candidate{
		cand("N01", "PA", old, func(c *Candidate) { c.RelativeUnits = []string{"UPC"} }),
		cand("N02", "PC", date(2023, 1, 1), nil),
		cand("N03", "PD", date(2023, 1, 1), func(c *Candidate) { c.RelativeUnits = []string{"UPA"} }),
		cand("N04", "PD", old, func(c *Candidate) { c.Rank = 14 }),
		cand("N05", "PC", date(2023, 1, 1), func(c *Candidate) { c.InFlight = true }),
	}
	// Without N05's promise PB would take two; N01 is the only one past
	// the maximum who can move, and not to PC; N03 may not go to PA (a relative works
	// there), so PA is filled by N02, whose seat N03 takes.
	in.Candidates[1].Competencies = map[string]int{"A": 5}
	res, err := Select(in)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Proposals {
		got = append(got, fmt.Sprintf("%s:%s->%s%v must=%v", p.NIP, p.FromPositionID, p.PositionID, p.DependsOn, p.MustMove))
	}
	want := []string{"N02:PC->PA[N01] must=false", "N01:PA->PB[] must=true", "N03:PD->PC[N02] must=false"}
	if !slices.Equal(got, want) {
		t.Fatalf("proposals\n%v\nwant\n%v", got, want)
	}
	var rules []string
	for _, x := range res.Exclusions {
		rules = append(rules, fmt.Sprintf("%s:%s must=%v", x.NIP, x.Rule, x.MustMove))
	}
	if want := []string{"N04:no_eligible_position must=true", "N05:in_flight must=false"}; !slices.Equal(rules, want) {
		t.Fatalf("exclusions %v, want %v", rules, want)
	}
	if res.MustMove != 2 || res.MustMoved != 1 || res.Filled != 4 {
		t.Fatalf("figures: must move %d, moved %d, filled %d", res.MustMove, res.MustMoved, res.Filled)
	}
}

// TestSelectFixed: a re-plan keeps a decided move, does not propose its
// mover again, and fills the seat it frees.
func TestSelectFixed(t *testing.T) {
	in := Input{AsOf: asOf, Rules: models.DefaultSettings().Rules, Weights: models.DefaultSettings().Weights}
	for _, id := range []string{"PA", "PB", "PC"} {
		in.Positions = append(in.Positions, Position{ID: id, UnitID: "U" + id, Kind: models.KindFungsional,
			MinRank: 9, MaxRank: 12, Seats: 1, Needed: id == "PA"})
	}
	for i, post := range []string{"PA", "PB", "PC"} {
		c := baseCandidate()
		c.NIP, c.PositionID, c.UnitID = fmt.Sprintf("N0%d", i+1), post, "U"+post
		in.Candidates = append(in.Candidates, c)
	}
	// A decided swap of N01 and N02: nothing is open, N03 stays.
	in.Fixed = []FixedMove{{NIP: "N01", PositionID: "PB", DependsOn: []string{"N02"}}, {NIP: "N02", PositionID: "PA", DependsOn: []string{"N01"}}}
	res, err := Select(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Proposals) != 0 || len(res.Exclusions) != 1 || res.Exclusions[0].NIP != "N03" || res.Filled != 1 {
		t.Fatalf("result %+v", res)
	}
	in.Fixed = in.Fixed[:1]
	in.Fixed[0].DependsOn = nil
	// N01 alone moves to PB, which now has a free seat; PA, which N01
	// leaves, is needed and N02 or N03 fills it.
	in.Positions[1].Seats = 2
	res, err = Select(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Proposals) != 1 || res.Proposals[0].PositionID != "PA" || !slices.Equal(res.Proposals[0].DependsOn, []string{"N01"}) {
		t.Fatalf("result %+v", res)
	}
	in.Fixed = []FixedMove{{NIP: "N09", PositionID: "PB"}}
	if _, err := Select(in); err == nil || !strings.Contains(err.Error(), "fixed move of N09") {
		t.Fatalf("unknown fixed mover: %v", err)
	}
}

func TestSelectDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for it := 0; it < 20; it++ {
		in := randomInput(r, 8, 60)
		first, err := Select(in)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 3; k++ {
			r.Shuffle(len(in.Candidates), func(i, j int) { in.Candidates[i], in.Candidates[j] = in.Candidates[j], in.Candidates[i] })
			r.Shuffle(len(in.Positions), func(i, j int) { in.Positions[i], in.Positions[j] = in.Positions[j], in.Positions[i] })
			again, err := Select(in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(first, again) {
				t.Fatalf("round %d: result depends on input order", it)
			}
		}
	}
}

func TestSelectErrors(t *testing.T) {
	cases := []struct {
		change func(in *Input)
		want   string
	}{
		{func(in *Input) { in.AsOf = time.Time{} }, "AsOf"},
		{func(in *Input) { in.Candidates[1].NIP = in.Candidates[0].NIP }, "listed twice"},
		{func(in *Input) { in.Candidates[0].NIP = "" }, "no NIP"},
		{func(in *Input) { in.Positions[1].ID = in.Positions[0].ID }, "listed twice"},
		{func(in *Input) { in.Positions[0].Seats = -1 }, "-1 seats"},
		{func(in *Input) { in.Positions[0].Promised = -1 }, "-1 promised"},
		{func(in *Input) { in.Weights.Talent = -0.1 }, "weight talent"},
		{func(in *Input) { in.Fixed = []FixedMove{{NIP: in.Candidates[0].NIP, PositionID: "PZ"}} }, "fixed move"},
	}
	for _, c := range cases {
		in := scenario()
		c.change(&in)
		if _, err := Select(in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}

func TestPastMaxTimeInPost(t *testing.T) {
	r := models.EligibilityRules{MaxYearsInPost: 5}
	for _, c := range []struct {
		since time.Time
		want  bool
	}{
		{date(2021, 3, 15), false}, // exactly five years
		{date(2021, 3, 14), true},
		{time.Time{}, false},
	} {
		if got := PastMaxTimeInPost(c.since, asOf, r); got != c.want {
			t.Errorf("in post since %v: %v, want %v", c.since, got, c.want)
		}
	}
	if PastMaxTimeInPost(date(2000, 1, 1), asOf, models.EligibilityRules{}) {
		t.Error("a zero maximum must never apply")
	}
}
