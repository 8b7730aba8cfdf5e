package selection

import (
	"cmp"
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
		pos("PA", "UA", models.KindFungsional, 9, 12, 2, Competency{"A", 3}),
		pos("PC", "UC", models.KindFungsional, 9, 12, 0), // closed
	}
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
	// Seats: PA 2, PB 1. N06 is the only one holding B at 3, and also
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
	if x := msg["N08"]; x.MessageEN != fmt.Sprintf("eligible for 1 position (best score %.3f at PB), but the optimal assignment fills those seats with other candidates", n08) ||
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

// randomInput draws a round with candidates of every kind; about half of
// the pairs pass the rules.
func randomInput(r *rand.Rand, nPos, nCand int) Input {
	in := Input{AsOf: asOf, TrainingGapThreshold: 2}
	kinds := []models.PositionKind{models.KindPelaksana, models.KindFungsional, models.KindPengawas, models.KindAdministrator}
	comps := []string{"A", "B", "C"}
	for p := 0; p < nPos; p++ {
		lo := models.Rank(5 + r.IntN(6))
		pos := Position{ID: fmt.Sprintf("P%02d", p), UnitID: fmt.Sprintf("U%d", r.IntN(4)),
			Kind: kinds[r.IntN(len(kinds))], Class: 5 + r.IntN(6), MinRank: lo, MaxRank: lo + models.Rank(r.IntN(5)),
			MinEducation: models.Education(1 + r.IntN(3)), Seats: r.IntN(3)}
		for _, k := range comps {
			if r.IntN(2) == 0 {
				pos.Competencies = append(pos.Competencies, Competency{k, 1 + r.IntN(5)})
			}
		}
		in.Positions = append(in.Positions, pos)
	}
	for i := 0; i < nCand; i++ {
		c := Candidate{NIP: fmt.Sprintf("19%02d0101200501100%d", 70+r.IntN(20), i%10) + fmt.Sprint(i),
			UnitID: fmt.Sprintf("U%d", r.IntN(4)), PositionID: fmt.Sprintf("P%02d", r.IntN(nPos+3)),
			PositionKind: kinds[r.IntN(len(kinds))], PositionClass: 5 + r.IntN(6), Rank: models.Rank(5 + r.IntN(9)),
			Status: models.StatusPNS, BirthDate: date(1966+r.IntN(25), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
			InPostSince: date(2018+r.IntN(8), time.Month(1+r.IntN(12)), 1), Education: models.Education(1 + r.IntN(5)),
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
			c.UnderSanction = true
		}
		in.Candidates = append(in.Candidates, c)
	}
	return in
}

// TestSelectOptimal checks Select against brute force over the pairs that
// the exported rules allow, on small random rounds.
func TestSelectOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for it := 0; it < 150; it++ {
		in := randomInput(r, 1+r.IntN(5), 1+r.IntN(8))
		res, err := Select(in)
		if err != nil {
			t.Fatal(err)
		}
		var x instance
		x.seats = map[string]int{}
		for _, p := range in.Positions {
			x.seats[p.ID] = p.Seats
			for _, c := range in.Candidates {
				if Eligible(c, in) == nil && PairAllowed(c, p, in) == nil && p.Seats > 0 {
					x.pairs = append(x.pairs, Pair{p.ID, c.NIP, Score(c, p, in).Score})
				}
			}
		}
		n, total := bruteForce(x)
		got := 0.0
		for _, p := range res.Proposals {
			got += p.Score
		}
		if len(res.Proposals) != n || math.Abs(got-total) > 1e-9 {
			t.Fatalf("round %d: %d proposals, total %v; brute force %d, %v", it, len(res.Proposals), got, n, total)
		}
		if len(res.Proposals)+len(res.Exclusions) != len(in.Candidates) {
			t.Fatalf("round %d: %d proposals and %d exclusions for %d candidates",
				it, len(res.Proposals), len(res.Exclusions), len(in.Candidates))
		}
	}
}

// TestSelectListCut checks that keeping only each position's best
// total-seats candidates in Select changes nothing, on rounds with many
// candidates and few seats, where it cuts.
func TestSelectListCut(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for it := 0; it < 40; it++ {
		in := randomInput(r, 6, 120)
		res, err := Select(in)
		if err != nil {
			t.Fatal(err)
		}
		var pairs []Pair
		seats := map[string]int{}
		for _, p := range in.Positions {
			seats[p.ID] = p.Seats
			for _, c := range in.Candidates {
				if Eligible(c, in) == nil && PairAllowed(c, p, in) == nil {
					pairs = append(pairs, Pair{p.ID, c.NIP, Score(c, p, in).Score})
				}
			}
		}
		a, err := Assign(pairs, seats)
		if err != nil {
			t.Fatal(err)
		}
		got := 0.0
		for _, p := range res.Proposals {
			got += p.Score
		}
		if len(res.Proposals) != len(a.Pairs) || math.Abs(got-a.Total) > 1e-9 {
			t.Fatalf("round %d: Select %d proposals total %v; Assign on all pairs %d total %v",
				it, len(res.Proposals), got, len(a.Pairs), a.Total)
		}
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
		{func(in *Input) { in.Weights.Talent = -0.1 }, "weight talent"},
	}
	for _, c := range cases {
		in := scenario()
		c.change(&in)
		if _, err := Select(in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}

// TestBest checks the cut of Select's lists against sorting, with many
// ties and negative and zero scores.
func TestBest(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for it := 0; it < 500; it++ {
		var list []scored
		for k := 0; k < 1+r.IntN(80); k++ {
			list = append(list, scored{k, float64(r.IntN(9)-3) / 4})
		}
		if it%7 == 0 {
			list = append(list, scored{len(list), math.Copysign(0, -1)})
		}
		n := 1 + r.IntN(len(list))
		want := slices.Clone(list)
		slices.SortStableFunc(want, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
		want = want[:n]
		slices.SortFunc(want, func(a, b scored) int { return cmp.Compare(a.k, b.k) })
		got, _ := best(slices.Clone(list), n, nil)
		if !slices.Equal(got, want) {
			t.Fatalf("best %d of %v:\ngot  %v\nwant %v", n, list, got, want)
		}
	}
}
