package selection

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// Select runs one selection: it applies the eligibility rules, scores
// every eligible (employee, position) pair and decides with Reassign, for
// every employee, whether they stay or make one of their eligible moves.
// Every post keeps at most max(formation seats, holders before the round)
// people, less the seats promised to transfers in flight; employees past
// the maximum time in post must move (see PastMaxTimeInPost); the plan
// moves the most of them, then fills the needed posts most, then moves
// the fewest people, then has the highest total score.
//
// The result has one proposal per move, sorted by position then NIP, each
// with the post it vacates and the movers whose departure frees its seat;
// and one exclusion for every employee who stays, sorted by NIP: the first
// employee-level rule they fail (see Eligible); RuleInFlight when another
// round is moving them; RuleNoPosition with the count of each
// position-level rule when no position admits them (see PairAllowed);
// RuleNoSeat for an employee who must move but finds no seat; or
// RuleNotSelected when the optimal plan keeps them in place. Exclusions of
// employees who must move have MustMove set. Fixed movers (Input.Fixed)
// get neither.
//
// Select returns an error when AsOf is not set, a NIP or a position ID is
// empty or repeated, a position has negative seats or promised seats, a
// weight is negative, or a fixed move names an unknown employee or
// position, or a dependency that is not a fixed move out of its target.
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
	positions, err := sortedPositions(in.Positions)
	if err != nil {
		return Result{}, err
	}
	fixed, err := fixedMoves(in.Fixed, cands, positions)
	if err != nil {
		return Result{}, err
	}

	// The posts: every position, and one for the employees who hold none.
	posIdx := make(map[string]int32, len(positions))
	for i, p := range positions {
		posIdx[p.ID] = int32(i)
	}
	nP := int32(len(positions))
	cur := make([]int32, len(cands)) // per candidate: post number, nP for none
	holding := make([]int, nP+1)
	for k, c := range cands {
		t, ok := posIdx[c.PositionID]
		if !ok {
			t = nP
		}
		cur[k] = t
		holding[t]++
	}
	prob := Problem{Posts: make([]Post, nP+1), Holders: make([]Holder, len(cands))}
	for t, p := range positions {
		prob.Posts[t] = Post{ID: p.ID, Needed: p.Needed,
			Capacity: max(max(p.Seats, holding[t])-p.Promised, holding[t])}
	}
	prob.Posts[nP] = Post{ID: noPost, Capacity: holding[nP]}

	var res Result
	prob.Pairs.Positions = make([]string, nP)
	for t, p := range positions {
		prob.Pairs.Positions[t] = p.ID
	}
	own := make([]parts, len(cands))
	eligible := make([]bool, len(cands))
	empNum := make([]int32, len(cands)) // index in prob.Pairs.Employees
	excluded := make([]*Exclusion, len(cands))
	for k, c := range cands {
		h := Holder{Employee: c.NIP, Position: prob.Posts[cur[k]].ID}
		if f, ok := fixed[c.NIP]; ok {
			h.Fixed, h.DependsOn, h.Rewire = f.PositionID, f.DependsOn, f.Rewire
			prob.Holders[k] = h
			continue
		}
		h.MustMove = PastMaxTimeInPost(c.InPostSince, in.AsOf, in.Rules)
		prob.Holders[k] = h
		if h.MustMove {
			res.MustMove++
		}
		switch x := Eligible(*c, in); {
		case x != nil:
			excluded[k] = x
		case c.InFlight:
			excluded[k] = exclude(RuleInFlight, "sedang dalam proses mutasi pada putaran lain",
				"a transfer of another round is under way")
			excluded[k].NIP = c.NIP
		case c.Settled:
			excluded[k] = exclude(RuleSettled, "sudah diputuskan dalam putaran ini", "already decided in this round")
			excluded[k].NIP = c.NIP
		default:
			eligible[k] = true
			own[k] = candidateParts(*c, in.AsOf, in.Rules)
			empNum[k] = int32(len(prob.Pairs.Employees))
			prob.Pairs.Employees = append(prob.Pairs.Employees, c.NIP)
		}
	}

	// Score the allowed pairs: every eligible employee to every post with
	// room for anyone.
	failed := make([][nPairRules]int, len(cands))
	allowed := make([]int, len(cands))
	bestScore := make([]float64, len(cands))
	bestPos := make([]int32, len(cands))
	comps := newCompetences(positions, cands)
	open := 0
	for t, p := range positions {
		if prob.Posts[t].Capacity == 0 {
			continue
		}
		open++
		for k, c := range cands {
			if !eligible[k] {
				continue
			}
			if r := pairRule(c, p); r >= 0 {
				failed[k][r]++
				continue
			}
			comp, _ := comps.match(k, t)
			b := weigh(own[k], comp, careerStep(*c, *p), in.Weights)
			if allowed[k] == 0 || b.Total > bestScore[k] {
				bestScore[k], bestPos[k] = b.Total, int32(t)
			}
			allowed[k]++
			prob.Pairs.Pos = append(prob.Pairs.Pos, int32(t))
			prob.Pairs.Emp = append(prob.Pairs.Emp, empNum[k])
			prob.Pairs.Score = append(prob.Pairs.Score, b.Total)
		}
	}

	plan, err := Reassign(prob)
	if err != nil {
		return Result{}, fmt.Errorf("selection: %w", err)
	}
	res.MustMoved, res.Filled = plan.MustMoved, plan.Filled
	if len(plan.Rewired) > 0 {
		res.Rewired = map[string][]string{}
		for _, m := range plan.Rewired {
			res.Rewired[m.Employee] = m.DependsOn
		}
	}
	byNIP := make(map[string]int, len(cands))
	for k, c := range cands {
		byNIP[c.NIP] = k
	}
	moved := make([]bool, len(cands))
	for _, m := range plan.Moves {
		k := byNIP[m.Employee]
		moved[k] = true
		t := posIdx[m.To]
		comp, gap := comps.match(k, int(t))
		b := weigh(own[k], comp, careerStep(*cands[k], *positions[t]), in.Weights)
		res.Proposals = append(res.Proposals, Proposal{PositionID: m.To, NIP: m.Employee,
			FromPositionID: cands[k].PositionID, DependsOn: m.DependsOn, MustMove: prob.Holders[k].MustMove,
			Score: b.Total, Breakdown: b, CompetenceGap: gap, Training: gap > in.TrainingGapThreshold})
	}
	slices.SortFunc(res.Proposals, func(a, b Proposal) int {
		return cmp.Or(strings.Compare(a.PositionID, b.PositionID), strings.Compare(a.NIP, b.NIP))
	})
	for k, c := range cands {
		x := excluded[k]
		switch {
		case moved[k] || prob.Holders[k].Fixed != "":
			continue
		case x != nil:
		case allowed[k] == 0:
			x = noPosition(c.NIP, open, failed[k])
		case prob.Holders[k].MustMove:
			x = noSeat(c.NIP, allowed[k])
		default:
			x = notSelected(c.NIP, allowed[k], bestScore[k], positions[bestPos[k]].ID)
		}
		x.MustMove = prob.Holders[k].MustMove
		res.Exclusions = append(res.Exclusions, *x)
	}
	return res, nil
}

// noPost is the post of the employees who hold no position: it is never a
// pair's target.
const noPost = "\x00"

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

// sortedPositions checks the positions and sorts them by ID.
func sortedPositions(ps []Position) ([]*Position, error) {
	out := make([]*Position, len(ps))
	for i := range ps {
		p := &ps[i]
		switch {
		case p.ID == "" || p.ID == noPost:
			return nil, fmt.Errorf("selection: position %d has no ID", i+1)
		case p.Seats < 0:
			return nil, fmt.Errorf("selection: position %s has %d seats", p.ID, p.Seats)
		case p.Promised < 0:
			return nil, fmt.Errorf("selection: position %s has %d promised seats", p.ID, p.Promised)
		}
		out[i] = p
	}
	slices.SortFunc(out, func(a, b *Position) int { return strings.Compare(a.ID, b.ID) })
	for i := 1; i < len(out); i++ {
		if out[i].ID == out[i-1].ID {
			return nil, fmt.Errorf("selection: position %s is listed twice", out[i].ID)
		}
	}
	return out, nil
}

// fixedMoves checks the fixed moves and indexes them by NIP.
func fixedMoves(fs []FixedMove, cands []*Candidate, positions []*Position) (map[string]FixedMove, error) {
	byNIP := make(map[string]FixedMove, len(fs))
	for _, f := range fs {
		_, found := slices.BinarySearchFunc(cands, f.NIP, func(c *Candidate, nip string) int { return strings.Compare(c.NIP, nip) })
		_, known := slices.BinarySearchFunc(positions, f.PositionID, func(p *Position, id string) int { return strings.Compare(p.ID, id) })
		if _, twice := byNIP[f.NIP]; !found || !known || twice {
			return nil, fmt.Errorf("selection: the fixed move of %s to %s names an unknown employee or position, or is given twice", f.NIP, f.PositionID)
		}
		byNIP[f.NIP] = f
	}
	return byNIP, nil
}

// PastMaxTimeInPost reports whether an employee in post since inPostSince
// has, as of asOf, held it longer than r.MaxYearsInPost (counted in whole
// months, as the time-in-post rule counts): they must move, and their post
// is a need. An unknown start date or a MaxYearsInPost of 0 never is.
func PastMaxTimeInPost(inPostSince, asOf time.Time, r models.EligibilityRules) bool {
	months := int(math.Round(r.MaxYearsInPost * 12))
	return months > 0 && !inPostSince.IsZero() && inPostSince.AddDate(0, months, 0).Before(asOf)
}

// noPosition explains that no open position admits an employee, with how
// many positions each rule ruled out.
func noPosition(nip string, open int, failed [nPairRules]int) *Exclusion {
	x := &Exclusion{NIP: nip, Rule: RuleNoPosition}
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

// notSelected explains that the optimal plan keeps an eligible employee in
// place.
func notSelected(nip string, allowed int, best float64, bestPos string) *Exclusion {
	score := fmt.Sprintf("%.3f", best)
	return &Exclusion{NIP: nip, Rule: RuleNotSelected,
		Message: fmt.Sprintf("memenuhi syarat untuk %d jabatan (skor tertinggi %s di %s), tetapi rencana optimal tidak memindahkannya",
			allowed, strings.Replace(score, ".", ",", 1), bestPos),
		MessageEN: fmt.Sprintf("eligible for %s (best score %s at %s), but the optimal plan does not move them",
			plural(allowed, "position"), score, bestPos),
	}
}

// noSeat explains that an employee who must move finds no seat: every
// position that admits them stays full in the optimal plan.
func noSeat(nip string, allowed int) *Exclusion {
	return &Exclusion{NIP: nip, Rule: RuleNoSeat,
		Message: fmt.Sprintf("tidak dapat ditempatkan: %d jabatan yang memenuhi syarat tidak memiliki kursi yang dapat dikosongkan", allowed),
		MessageEN: fmt.Sprintf("cannot be placed: none of the %s that fit has a seat that can be freed",
			plural(allowed, "position")),
	}
}
