package selection

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Select runs one selection: it applies the eligibility rules, scores
// every eligible (employee, position) pair and assigns employees to seats
// with Assign. Positions with no seats are ignored.
//
// The result has one proposal per filled seat, sorted by position then NIP,
// and one exclusion for every candidate who is not proposed, sorted by NIP:
// the first employee-level rule they fail (see Eligible); RuleNoPosition
// with the count of each position-level rule when no open position admits
// them (see PairAllowed); or RuleNotSelected when they were eligible but
// the optimal assignment seats others.
//
// Select returns an error when AsOf is not set, a NIP or a position ID is
// empty or repeated, a position has negative seats, or a weight is negative.
func Select(in Input) (Result, error) {
	if in.AsOf.IsZero() {
		return Result{}, errors.New("selection: AsOf is not set")
	}
	in.Rules = EffectiveRules(in.Rules)
	in.Weights = EffectiveWeights(in.Weights)
	if err := checkWeights(in.Weights); err != nil {
		return Result{}, fmt.Errorf("selection: %w", err)
	}
	cands, err := sortedCandidates(in.Candidates)
	if err != nil {
		return Result{}, err
	}
	positions, err := openPositions(in.Positions)
	if err != nil {
		return Result{}, err
	}

	var res Result
	var eligible []*Candidate
	for _, c := range cands {
		if x := Eligible(*c, in); x != nil {
			res.Exclusions = append(res.Exclusions, *x)
		} else {
			eligible = append(eligible, c)
		}
	}

	// Score the allowed pairs. Each position keeps at most its best
	// totalSeats candidates (score descending, then NIP): by the argument
	// in prune.go with N(L) bounded by all positions, a list of that length
	// always holds a free candidate at least as good as any dropped one, so
	// an optimal assignment survives. It bounds memory at province size.
	totalSeats := 0
	for _, p := range positions {
		totalSeats += p.Seats
	}
	own := make([]parts, len(eligible))
	for k, c := range eligible {
		own[k] = candidateParts(*c, in.AsOf, in.Rules)
	}
	failed := make([][nPairRules]int, len(eligible))
	allowed := make([]int, len(eligible))
	bestScore := make([]float64, len(eligible))
	bestPos := make([]*Position, len(eligible))
	type pair struct {
		p, k  int32
		score float64
	}
	var (
		kept []pair // no pointers: cheap to grow
		list = make([]scored, 0, len(eligible))
		keys []uint64
	)
	comps := newCompetences(positions, eligible)
	seats := make(map[string]int, len(positions))
	for pi, p := range positions {
		seats[p.ID] = p.Seats
		list = list[:0]
		for k, c := range eligible {
			if r := pairRule(c, p); r >= 0 {
				failed[k][r]++
				continue
			}
			comp, _ := comps.match(k, pi)
			b := weigh(own[k], comp, careerStep(*c, *p), in.Weights)
			list = append(list, scored{k, b.Total})
			allowed[k]++
			if bestPos[k] == nil || b.Total > bestScore[k] {
				bestScore[k], bestPos[k] = b.Total, p
			}
		}
		if len(list) > totalSeats {
			list, keys = best(list, totalSeats, keys)
		}
		for _, s := range list {
			kept = append(kept, pair{int32(pi), int32(s.k), s.score})
		}
	}
	pairs := make([]Pair, len(kept))
	for i, x := range kept {
		pairs[i] = Pair{Position: positions[x.p].ID, Employee: eligible[x.k].NIP, Score: x.score}
	}
	kept = nil

	a, err := Assign(pairs, seats)
	if err != nil {
		return Result{}, fmt.Errorf("selection: %w", err)
	}
	byNIP := make(map[string]int, len(eligible))
	for k, c := range eligible {
		byNIP[c.NIP] = k
	}
	byID := make(map[string]int, len(positions))
	for pi, p := range positions {
		byID[p.ID] = pi
	}
	seated := make([]bool, len(eligible))
	for _, pr := range a.Pairs {
		k := byNIP[pr.Employee]
		seated[k] = true
		pi := byID[pr.Position]
		p := positions[pi]
		comp, gap := comps.match(k, pi)
		b := weigh(own[k], comp, careerStep(*eligible[k], *p), in.Weights)
		res.Proposals = append(res.Proposals, Proposal{PositionID: p.ID, NIP: pr.Employee, Score: b.Total,
			Breakdown: b, CompetenceGap: gap, Training: gap > in.TrainingGapThreshold})
	}
	for k, c := range eligible {
		switch {
		case seated[k]:
		case allowed[k] == 0:
			res.Exclusions = append(res.Exclusions, noPosition(c.NIP, len(positions), failed[k]))
		default:
			res.Exclusions = append(res.Exclusions, notSelected(c.NIP, allowed[k], bestScore[k], bestPos[k].ID))
		}
	}
	slices.SortFunc(res.Exclusions, func(a, b Exclusion) int { return strings.Compare(a.NIP, b.NIP) })
	return res, nil
}

// competences is a compact table of the competencies that open positions
// require: held[k*n+i] is eligible candidate k's level in competency i, and
// need[p] lists position p's requirements by index. It gives the same gap
// as competenceMatch without a map lookup per pair.
type competences struct {
	n    int
	held []uint8
	need [][]need
}

type need struct{ idx, level int }

func newCompetences(positions []*Position, eligible []*Candidate) *competences {
	t := &competences{need: make([][]need, len(positions))}
	index := map[string]int{}
	for p, pos := range positions {
		for _, k := range pos.Competencies {
			if k.Level <= 0 {
				continue
			}
			i, ok := index[k.Name]
			if !ok {
				i = len(index)
				index[k.Name] = i
			}
			t.need[p] = append(t.need[p], need{i, k.Level})
		}
	}
	t.n = len(index)
	t.held = make([]uint8, len(eligible)*t.n)
	for k, c := range eligible {
		for name, i := range index {
			t.held[k*t.n+i] = uint8(heldLevel(c.Competencies[name]))
		}
	}
	return t
}

// match returns the competence part and the gap of candidate k for
// position p.
func (t *competences) match(k, p int) (float64, int) {
	held := t.held[k*t.n : (k+1)*t.n]
	gap, req := 0, 0
	for _, x := range t.need[p] {
		req += x.level
		gap += max(0, x.level-int(held[x.idx]))
	}
	return competenceOf(gap, req), gap
}

// scored is an eligible candidate's score for a position.
type scored struct {
	k     int // index among the eligible candidates, in NIP order
	score float64
}

// best keeps the n best entries of list, by score descending then k
// ascending, in list order; list must be in ascending k. keys is scratch
// space, returned for reuse.
func best(list []scored, n int, keys []uint64) ([]scored, []uint64) {
	keys = keys[:0]
	for _, s := range list {
		keys = append(keys, descending(s.score))
	}
	selectSmallest(keys, n)
	t := slices.Max(keys[:n]) // the n-th best key
	ties := n
	for _, k := range keys[:n] {
		if k < t {
			ties--
		}
	}
	kept := 0
	for _, s := range list {
		if k := descending(s.score); k < t || k == t && ties > 0 {
			if k == t {
				ties--
			}
			list[kept] = s
			kept++
		}
	}
	return list[:kept], keys
}

// descending maps a score to a key that sorts the highest score first.
func descending(f float64) uint64 {
	if f == 0 {
		f = 0 // one key for -0 and +0
	}
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return b // negative: more negative sorts later
	}
	return ^(b | 1<<63)
}

// pairRule returns the index in pairRules of the first position-level rule
// the pair fails, or -1; PairAllowed is the same check with messages.
func pairRule(c *Candidate, p *Position) int {
	switch {
	case c.PositionID != "" && c.PositionID == p.ID:
		return 0
	case (p.MinRank > 0 || p.MaxRank > 0) && !c.Rank.Valid(),
		p.MinRank > 0 && c.Rank < p.MinRank,
		p.MaxRank > 0 && c.Rank > p.MaxRank:
		return 1
	case p.MinEducation > 0 && c.Education < p.MinEducation:
		return 2
	case p.UnitID != "" && slices.Contains(c.RelativeUnits, p.UnitID):
		return 3
	}
	return -1
}

// sortedCandidates checks the NIPs and sorts the candidates by NIP.
func sortedCandidates(cs []Candidate) ([]*Candidate, error) {
	out := make([]*Candidate, len(cs))
	for i := range cs {
		if cs[i].NIP == "" {
			return nil, fmt.Errorf("selection: candidate %d has no NIP", i+1)
		}
		out[i] = &cs[i]
	}
	slices.SortFunc(out, func(a, b *Candidate) int { return strings.Compare(a.NIP, b.NIP) })
	for i := 1; i < len(out); i++ {
		if out[i].NIP == out[i-1].NIP {
			return nil, fmt.Errorf("selection: candidate %s is listed twice", out[i].NIP)
		}
	}
	return out, nil
}

// openPositions checks the positions and returns those with seats, sorted
// by ID.
func openPositions(ps []Position) ([]*Position, error) {
	var out []*Position
	ids := make(map[string]bool, len(ps))
	for i := range ps {
		p := &ps[i]
		switch {
		case p.ID == "":
			return nil, fmt.Errorf("selection: position %d has no ID", i+1)
		case ids[p.ID]:
			return nil, fmt.Errorf("selection: position %s is listed twice", p.ID)
		case p.Seats < 0:
			return nil, fmt.Errorf("selection: position %s has %d seats", p.ID, p.Seats)
		}
		ids[p.ID] = true
		if p.Seats > 0 {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *Position) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// noPosition explains that no open position admits an employee, with how
// many positions each rule ruled out.
func noPosition(nip string, open int, failed [nPairRules]int) Exclusion {
	x := Exclusion{NIP: nip, Rule: RuleNoPosition}
	if open == 0 {
		x.Message = "tidak ada jabatan yang dibuka dalam putaran ini"
		x.MessageEN = "no position is open in this round"
		return x
	}
	var id, en []string
	for r, n := range failed {
		if n > 0 {
			id = append(id, fmt.Sprintf("%s %d", pairRules[r].id, n))
			en = append(en, fmt.Sprintf("%s %d", pairRules[r].en, n))
		}
	}
	x.Message = fmt.Sprintf("tidak ada dari %d jabatan terbuka yang memenuhi syarat: %s", open, strings.Join(id, ", "))
	x.MessageEN = fmt.Sprintf("none of the %s open fits: %s", plural(open, "position"), strings.Join(en, ", "))
	return x
}

// notSelected explains that an eligible employee was not seated.
func notSelected(nip string, allowed int, best float64, bestPos string) Exclusion {
	score := fmt.Sprintf("%.3f", best)
	return Exclusion{NIP: nip, Rule: RuleNotSelected,
		Message: fmt.Sprintf("memenuhi syarat untuk %d jabatan (skor tertinggi %s di %s), tetapi penugasan optimal mengisi kursinya dengan kandidat lain",
			allowed, strings.Replace(score, ".", ",", 1), bestPos),
		MessageEN: fmt.Sprintf("eligible for %s (best score %s at %s), but the optimal assignment fills those seats with other candidates",
			plural(allowed, "position"), score, bestPos),
	}
}
