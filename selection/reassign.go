package selection

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// Holder is an employee in a reassignment: the position they hold now and
// whether they must leave it (past the maximum time in post).
//
// A holder with Fixed set has already been given a move (a decided
// transfer that a re-plan keeps): Fixed is their only option, no pair may
// name them, and DependsOn lists the holders whose departure frees the
// seat that move takes, as recorded when it was decided (each must be a
// fixed holder leaving Fixed). Moves of the plan that take seats freed by
// other departures depend on those. Rewire marks a fixed move whose
// recorded departures fell through: the plan finds it a seat again, before
// any new move, and reports its new dependencies in Plan.Rewired.
type Holder struct {
	Employee  string
	Position  string
	MustMove  bool
	Fixed     string
	DependsOn []string
	Rewire    bool
}

// Post is a position in a reassignment. Capacity is the most holders it
// may have after the round among the Problem's Holders: max(seats, holders
// before the round), less the seats held by people outside the problem. It
// must be at least the number of Holders in it. Needed marks the posts the
// needs analysis found short of someone.
type Post struct {
	ID       string
	Capacity int
	Needed   bool
}

// Problem is one reassignment of a whole workforce: who holds what, the
// posts, and the eligible moves with their scores (Pairs: position is the
// target, employee the mover).
type Problem struct {
	Holders []Holder
	Posts   []Post
	Pairs   PairList
}

// Move is one employee's move in a Plan. DependsOn lists the employees
// whose departure frees the seat it takes (empty when it takes a seat that
// is free before the round).
type Move struct {
	Employee  string
	From, To  string
	Score     float64
	DependsOn []string
}

// Plan is the outcome of Reassign. Fixed holders' moves are not in it.
type Plan struct {
	// Moves are the new moves, sorted by employee.
	Moves []Move
	// Rewired are the fixed moves marked Rewire, with their new
	// dependencies, sorted by employee.
	Rewired []Move
	// Stuck are the must-move holders who stay, sorted.
	Stuck []string
	// MustMoved counts the must-move holders who move; Filled is the sum,
	// over needed posts, of their holders after the round (all Holders,
	// fixed ones included); Score is the new moves' total score.
	MustMoved int
	Filled    int
	Score     float64
	Stats     ReassignStats
}

// ReassignStats count what the solver did; they do not affect the plan.
type ReassignStats struct {
	Options  int // stay, fixed and move options of all holders
	Searches int // shortest path searches
	Scanned  int // full posts scanned over all searches
}

// ErrNoRoom is returned when no plan seats every holder within the posts'
// capacities: fixed moves into posts that nobody can leave.
var ErrNoRoom = errors.New("selection: no plan keeps every post within its capacity")

// MaxMovers bounds the holders with a choice (a move besides staying) that
// Reassign takes, so that its exact integer costs cannot overflow.
const MaxMovers = 1 << 20

// Reassign decides, for every holder, whether they stay or make one of
// their eligible moves, so that every post ends with at most its Capacity
// and, in this order: the most must-move holders move; then the needed
// posts hold the most people; then the fewest people move (nobody moves
// only for a better score); then the moves' total score is highest.
//
// The plan is exact for the first three aims and, for the score, within
// the rounding described in the package documentation (a few 10^-9 of the
// score range in all). Ties are broken deterministically: the plan depends
// only on the problem, not on the order of its lists.
//
// It returns an *InputError for an entry it cannot take: an empty or
// repeated name, a holder in an unknown post, a post with fewer seats than
// its holders, a pair naming an unknown post or employee, the employee's
// own post or a fixed holder, a pair given twice, a score that is not a
// finite number.
func Reassign(p Problem) (Plan, error) {
	r, err := newReassignment(p)
	if err != nil {
		return Plan{}, err
	}
	if err := r.solve(); err != nil {
		return Plan{}, err
	}
	return r.plan(), nil
}

// The method. Holders are the rows, each to be given exactly one of its
// options: staying (an option to its own post), a fixed move, or a move
// along an eligible pair. Posts are the columns, post t taking at most
// cap[t] rows. Every option has an exact cost in two integer words,
// compared word by word (lexicographically):
//
//	hi = L1·W1 + L2·W2 + L3,   lo = the score's cost
//
// with L1 = 1 for a must-move holder's stay, L2 = 1 for an option whose
// post is not needed, L3 = 1 for a move, and lo = round((best score -
// score)·unit/(score range)) for a move, 0 otherwise. With n holders who
// have a choice, W2 = n+1 exceeds any difference in the number of moves
// and W1 = n(n+2)+1 any difference in W2·(holders outside needed posts) +
// moves, so the minimum total cost in hi is exactly the lexicographic
// optimum of the first three aims (holders in needed posts = all holders
// less those outside), and among those plans the minimum in lo is the
// highest total score. A holder with one option pays 0 for it: a constant
// changes no choice.
//
// The solver is the successive shortest path method with capacitated
// columns. Posts carry potentials v <= 0 (0 while not full); a holder's own
// potential is implied by its current option, which is tight. For each
// holder in turn, a Dijkstra search over posts finds the cheapest way to
// seat it: from a full post the search may push any occupant out along one
// of the occupant's other options (a reverse arc of reduced cost 0), and it
// ends at a post with a free seat. The search stops reading an option list
// at the first option whose cost alone reaches the cheapest end found so
// far, since potentials only add to it (lists are sorted lazily by cost,
// as in Assign). The potentials of the scanned posts then move by their
// distance below the end, which keeps every reduced cost non-negative and
// the new assignment optimal for the holders seated so far. Holders with a
// single option are seated first; the rest in name order, and every search
// breaks ties by the lower post number, so the plan is deterministic.

// cost is an exact cost in two words, compared hi first.
type cost struct{ hi, lo int64 }

func (a cost) add(b cost) cost  { return cost{a.hi + b.hi, a.lo + b.lo} }
func (a cost) sub(b cost) cost  { return cost{a.hi - b.hi, a.lo - b.lo} }
func (a cost) less(b cost) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

// infinite is more than any cost.
var infinite = cost{math.MaxInt64, math.MaxInt64}

// The option classes, as bits of a key: L1, L2 and L3 above.
const (
	mustStay   = 4
	notNeeded  = 2
	moveOption = 1
	classShift = 61
)

// reassignment is the indexed problem and the solver's state.
type reassignment struct {
	in      Problem
	posts   []string // sorted post IDs
	holders []int    // holder numbers (indexes into in.Holders) in employee order
	cur     []int32  // per holder number: current post
	must    []bool
	fixed   []int32 // per holder number: fixed post, or -1
	cap     []int32
	needed  []bool
	pairPos []int32 // per pair: post number
	pairEmp []int32 // per pair: holder number

	// Option lists: the options of holder e are key[start[e]:start[e+1]],
	// each key = class<<classShift | lo<<postBits | post, lazily sorted
	// (lists.go) through g.
	g        graph
	postBits uint
	postMask uint64
	// classCost is the hi word of each option class.
	classCost [8]int64

	// Assignment and potentials.
	at    []uint64  // per holder: the key of its option, or 0 with seated false
	seat  []bool    // per holder: seated
	occ   [][]int32 // per post: the holders seated there
	where []int32   // per holder: its index in occ of its post
	cnt   []int32
	v     []cost

	// Search state, reset after each search.
	dist    []cost
	pred    []int32  // holder that reached the post
	predKey []uint64 // its option
	state   []uint8
	touched []int32
	scanned []int32
	heap    queue[postItem]
	ub      cost

	stats ReassignStats
}

// newReassignment validates and indexes the problem and builds the option
// lists.
func newReassignment(p Problem) (*reassignment, error) {
	r := &reassignment{in: p}
	postNum := make(map[string]int32, len(p.Posts))
	order := make([]int, len(p.Posts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(p.Posts[a].ID, p.Posts[b].ID) })
	for k, i := range order {
		post := p.Posts[i]
		switch {
		case post.ID == "":
			return nil, &InputError{List: ListPosts, Index: i, First: -1, Msg: "has no ID"}
		case post.Capacity < 0:
			return nil, &InputError{List: ListPosts, Index: i, First: -1, Msg: fmt.Sprintf("%s has capacity %d: it must not be negative", post.ID, post.Capacity)}
		case k > 0 && p.Posts[order[k-1]].ID == post.ID:
			return nil, &InputError{List: ListPosts, Index: max(i, order[k-1]), First: min(i, order[k-1]), Msg: post.ID + " is listed twice"}
		}
		postNum[post.ID] = int32(k)
		r.posts = append(r.posts, post.ID)
		r.cap = append(r.cap, int32(post.Capacity))
		r.needed = append(r.needed, post.Needed)
	}
	nP, nE := len(r.posts), len(p.Holders)

	r.holders = make([]int, nE)
	for i := range r.holders {
		r.holders[i] = i
	}
	slices.SortFunc(r.holders, func(a, b int) int { return strings.Compare(p.Holders[a].Employee, p.Holders[b].Employee) })
	empNum := make(map[string]int32, nE)
	r.cur, r.must, r.fixed = make([]int32, nE), make([]bool, nE), make([]int32, nE)
	holding := make([]int32, nP)
	for e, i := range r.holders {
		h := p.Holders[i]
		x := func(msg string) error { return &InputError{List: ListHolders, Index: i, First: -1, Msg: msg} }
		if h.Employee == "" {
			return nil, x("has no employee")
		}
		if e > 0 && p.Holders[r.holders[e-1]].Employee == h.Employee {
			j := r.holders[e-1]
			return nil, &InputError{List: ListHolders, Index: max(i, j), First: min(i, j), Msg: h.Employee + " is listed twice"}
		}
		cur, ok := postNum[h.Position]
		if !ok {
			return nil, x(fmt.Sprintf("%s holds %q, which is not a post", h.Employee, h.Position))
		}
		r.cur[e], r.must[e], r.fixed[e] = cur, h.MustMove, -1
		if h.Fixed != "" {
			f, ok := postNum[h.Fixed]
			if !ok || f == cur {
				return nil, x(fmt.Sprintf("%s has the fixed move to %q, which is not another post", h.Employee, h.Fixed))
			}
			r.fixed[e] = f
		}
		if h.Rewire && (h.Fixed == "" || len(h.DependsOn) > 0) {
			return nil, x(h.Employee + " is to be rewired, which needs a fixed move without dependencies")
		}
		empNum[h.Employee] = int32(e)
		holding[cur]++
	}
	for t := range r.posts {
		if holding[t] > r.cap[t] {
			return nil, &InputError{List: ListPosts, Index: order[t], First: -1,
				Msg: fmt.Sprintf("%s has capacity %d for %d holders", r.posts[t], r.cap[t], holding[t])}
		}
	}
	for e, i := range r.holders {
		for _, d := range p.Holders[i].DependsOn {
			j, ok := empNum[d]
			if r.fixed[e] < 0 || !ok || r.fixed[j] < 0 || r.cur[j] != r.fixed[e] {
				return nil, &InputError{List: ListHolders, Index: i, First: -1,
					Msg: fmt.Sprintf("%s depends on %q, which is not a fixed move out of its target", p.Holders[i].Employee, d)}
			}
		}
	}
	return r, r.buildOptions(postNum, empNum)
}

// buildOptions checks the pairs and builds every holder's option list.
func (r *reassignment) buildOptions(postNum, empNum map[string]int32) error {
	l := &r.in.Pairs
	nP, nE, n := len(r.posts), len(r.holders), l.Len()
	// Number the pair list's names once each.
	lp, le := numbered(l.Positions, postNum), numbered(l.Employees, empNum)
	r.pairPos, r.pairEmp = make([]int32, n), make([]int32, n)
	lo, hi := math.Inf(1), math.Inf(-1)
	degree := make([]int32, nE)
	for k := 0; k < n; k++ {
		t, e := lp[l.Pos[k]], le[l.Emp[k]]
		x := func(msg string) error { return &InputError{List: ListPairs, Index: k, First: -1, Msg: msg} }
		pr := l.At(k)
		switch {
		case t < 0:
			return x(fmt.Sprintf("names %q, which is not a post", pr.Position))
		case e < 0:
			return x(fmt.Sprintf("names %q, who is not a holder", pr.Employee))
		case t == r.cur[e]:
			return x(fmt.Sprintf("(%s, %s) names the post %s already holds", pr.Position, pr.Employee, pr.Employee))
		case r.fixed[e] >= 0:
			return x(fmt.Sprintf("(%s, %s) names a holder whose move is fixed", pr.Position, pr.Employee))
		case math.IsNaN(pr.Score) || math.IsInf(pr.Score, 0):
			return x(fmt.Sprintf("(%s, %s) has score %v, not a finite number", pr.Position, pr.Employee, pr.Score))
		}
		r.pairPos[k], r.pairEmp[k] = t, e
		degree[e]++
		lo, hi = min(lo, pr.Score), max(hi, pr.Score)
	}
	movers := 0
	for e := range degree {
		if degree[e] > 0 {
			movers++
		}
	}
	if movers > MaxMovers {
		return fmt.Errorf("selection: %d holders with a choice, more than the %d Reassign takes", movers, MaxMovers)
	}
	w2 := int64(movers) + 1
	w1 := int64(movers)*int64(movers+2) + 1
	for class := range r.classCost {
		c := int64(class & moveOption)
		if class&notNeeded != 0 {
			c += w2
		}
		if class&mustStay != 0 {
			c += w1
		}
		r.classCost[class] = c
	}
	r.postBits = uint(max(bits.Len(uint(nP)), 1))
	r.postMask = uint64(1)<<r.postBits - 1
	// unit: the cost of the worst score; n·unit must stay far below 2^62,
	// and unit must fit its field of the key.
	unit := min(int64(1)<<52/int64(movers+1), int64(1)<<(classShift-r.postBits)-1)
	scale := 0.0
	if hi > lo {
		if math.IsInf(hi-lo, 0) {
			return fmt.Errorf("selection: scores run from %v to %v, a range too wide for float64", lo, hi)
		}
		scale = float64(unit) / (hi - lo)
	}

	g := &r.g
	g.start = make([]int32, nE+1)
	for e := 0; e < nE; e++ {
		g.start[e+1] = g.start[e] + 1 + degree[e] // the stay or fixed option, and the moves
	}
	g.key = make([]uint64, g.start[nE])
	g.sorted = make([]int32, nE)
	fill := slices.Clone(g.start[:nE])
	for e := 0; e < nE; e++ {
		var key uint64
		switch {
		case degree[e] == 0 && r.fixed[e] < 0:
			key = uint64(r.cur[e]) // the only option: free
		case r.fixed[e] >= 0:
			key = uint64(r.fixed[e])
		default:
			class := uint64(0)
			if r.must[e] {
				class |= mustStay
			}
			if !r.needed[r.cur[e]] {
				class |= notNeeded
			}
			key = class<<classShift | uint64(r.cur[e])
		}
		g.key[fill[e]] = key
		fill[e]++
	}
	for k := 0; k < n; k++ {
		e, t := r.pairEmp[k], r.pairPos[k]
		class := uint64(moveOption)
		if !r.needed[t] {
			class |= notNeeded
		}
		c := min(max(int64(math.Round((hi-l.Score[k])*scale)), 0), unit)
		g.key[fill[e]] = class<<classShift | uint64(c)<<r.postBits | uint64(t)
		fill[e]++
	}
	// A pair given twice shows as two equal keys' posts in one list.
	seen := make([]int32, nP)
	for e := 0; e < nE; e++ {
		for _, key := range g.key[g.start[e]+1 : g.start[e+1]] {
			t := int32(key & r.postMask)
			if seen[t] == int32(e)+1 {
				return r.duplicate(int32(e), t)
			}
			seen[t] = int32(e) + 1
		}
	}
	r.stats.Options = len(g.key)
	return nil
}

// numbered gives each name its number in num, or -1 when it has none.
func numbered(names []string, num map[string]int32) []int32 {
	out := make([]int32, len(names))
	for i, name := range names {
		k, ok := num[name]
		if !ok {
			k = -1
		}
		out[i] = k
	}
	return out
}

// duplicate builds the error for the pair (t, e) given twice.
func (r *reassignment) duplicate(e, t int32) error {
	err := &InputError{List: ListPairs, First: -1,
		Msg: fmt.Sprintf("(%s, %s) is given twice", r.posts[t], r.in.Holders[r.holders[e]].Employee)}
	for k := range r.pairPos {
		if r.pairPos[k] == t && r.pairEmp[k] == e {
			if err.First >= 0 {
				err.Index = k
				break
			}
			err.First = k
		}
	}
	return err
}

// optionCost is the cost of an option key.
func (r *reassignment) optionCost(key uint64) cost {
	return cost{r.classCost[key>>classShift], int64(key&(uint64(1)<<classShift-1)) >> r.postBits}
}

// solve seats every holder, those with a single option first.
func (r *reassignment) solve() error {
	nE, nP := len(r.holders), len(r.posts)
	r.at, r.seat, r.where = make([]uint64, nE), make([]bool, nE), make([]int32, nE)
	r.occ, r.cnt, r.v = make([][]int32, nP), make([]int32, nP), make([]cost, nP)
	r.dist, r.pred, r.predKey, r.state = make([]cost, nP), make([]int32, nP), make([]uint64, nP), make([]uint8, nP)
	for class := uint64(0); class < 8; class++ {
		for e := 0; e < nE; e++ {
			if r.g.key[r.g.start[e]]>>classShift == class {
				if err := r.augment(int32(e)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// postItem is a labelled post in a search's queue: ties on distance go
// first to a post with a free seat, then to the lower post.
type postItem struct {
	d    cost
	full bool
	t    int32
}

func (a postItem) less(b postItem) bool {
	if a.d != b.d {
		return a.d.less(b.d)
	}
	if a.full != b.full {
		return !a.full
	}
	return a.t < b.t
}

// augment seats the free holder f along a shortest path, updates the
// potentials and flips the path.
func (r *reassignment) augment(f int32) error {
	r.stats.Searches++
	r.scanned, r.heap, r.ub = r.scanned[:0], r.heap[:0], infinite
	r.relax(f, cost{})
	end := int32(-1)
	var dEnd cost
	for len(r.heap) > 0 {
		it := r.heap.pop()
		t := it.t
		if r.state[t] == done || it.d != r.dist[t] {
			continue
		}
		if r.cnt[t] < r.cap[t] {
			end, dEnd = t, it.d
			break
		}
		r.state[t] = done
		r.scanned = append(r.scanned, t)
		// Each occupant may leave along another option: the reverse arc of
		// its tight option costs 0, and its options cost c - v - u with
		// u = rowCost - v[t].
		for _, e := range r.occ[t] {
			r.relax(e, it.d.sub(r.optionCost(r.at[e])).add(r.v[t]))
		}
	}
	r.stats.Scanned += len(r.scanned)
	if end < 0 {
		h := r.in.Holders[r.holders[f]]
		return fmt.Errorf("%w: %s cannot be seated, the posts its options reach are full", ErrNoRoom, h.Employee)
	}
	for _, t := range r.scanned {
		r.v[t] = r.v[t].add(r.dist[t]).sub(dEnd)
	}
	// Flip the path from its end back to f.
	for t := end; ; {
		e, key := r.pred[t], r.predKey[t]
		prev := int32(-1)
		if r.seat[e] {
			prev = r.post(r.at[e])
			r.leave(e, prev)
		}
		r.take(e, key)
		if e == f {
			break
		}
		t = prev
	}
	for _, t := range r.touched {
		r.state[t] = unseen
	}
	r.touched = r.touched[:0]
	return nil
}

// post is the post of an option key.
func (r *reassignment) post(key uint64) int32 { return int32(key & r.postMask) }

// leave takes holder e out of post t.
func (r *reassignment) leave(e, t int32) {
	occ := r.occ[t]
	i, last := r.where[e], len(occ)-1
	occ[i] = occ[last]
	r.where[occ[i]] = i
	r.occ[t] = occ[:last]
	r.cnt[t]--
	r.seat[e] = false
}

// take seats holder e on its option key.
func (r *reassignment) take(e int32, key uint64) {
	t := r.post(key)
	r.at[e], r.seat[e] = key, true
	r.where[e] = int32(len(r.occ[t]))
	r.occ[t] = append(r.occ[t], e)
	r.cnt[t]++
}

// relax labels the posts of holder e's options reached at offset h (see
// the search in augment). ub is the lowest label of a post with a free
// seat found so far: a label at or above it cannot lead to a shorter path,
// and since v <= 0 an option's label is at least h + its cost, so the scan
// of the sorted list stops at the first option whose h + cost reaches ub.
func (r *reassignment) relax(e int32, h cost) {
	lo, hi := r.g.start[e], r.g.start[e+1]
	for k := lo; k < hi; k++ {
		if k-lo == r.g.sorted[e] {
			r.g.extend(e)
		}
		key := r.g.key[k]
		c := h.add(r.optionCost(key))
		if !c.less(r.ub) {
			break
		}
		t := r.post(key)
		if r.state[t] == done {
			continue
		}
		d := c.sub(r.v[t])
		if !d.less(r.ub) {
			continue
		}
		if r.state[t] == labelled && !d.less(r.dist[t]) {
			continue
		}
		if r.state[t] == unseen {
			r.state[t] = labelled
			r.touched = append(r.touched, t)
		}
		r.dist[t], r.pred[t], r.predKey[t] = d, e, key
		full := r.cnt[t] >= r.cap[t]
		r.heap.push(postItem{d, full, t})
		if !full {
			r.ub = d
		}
	}
}

// plan reads the assignment out: the moves with their scores and
// dependencies, the stuck must-move holders and the figures.
func (r *reassignment) plan() Plan {
	nE := len(r.holders)
	name := func(e int32) string { return r.in.Holders[r.holders[e]].Employee }
	final := make([]int32, nE)
	for e := range final {
		final[e] = r.post(r.at[e])
	}
	pl := Plan{Stats: r.stats}
	moveOf := make([]int32, nE) // index+1 in pl.Moves
	for e := int32(0); e < int32(nE); e++ {
		if r.needed[final[e]] {
			pl.Filled++
		}
		switch {
		case r.fixed[e] >= 0:
		case final[e] != r.cur[e]:
			pl.Moves = append(pl.Moves, Move{Employee: name(e), From: r.posts[r.cur[e]], To: r.posts[final[e]]})
			moveOf[e] = int32(len(pl.Moves))
			if r.must[e] {
				pl.MustMoved++
			}
		case r.must[e]:
			pl.Stuck = append(pl.Stuck, name(e))
		}
	}
	for k, t := range r.pairPos {
		if e := r.pairEmp[k]; final[e] == t {
			pl.Moves[moveOf[e]-1].Score = r.in.Pairs.Score[k]
		}
	}
	for _, m := range pl.Moves {
		pl.Score += m.Score
	}
	r.dependencies(final, moveOf, &pl)
	return pl
}

// dependencies fills each new move's DependsOn, and those of the fixed
// moves to rewire. A post's arrivals take, in this order, the seats free
// before the round and the seats its departures free, one departure per
// arrival; fixed arrivals keep the departures they were recorded with, or
// a free seat, and go first; then the fixed moves to rewire, then the new
// moves, each in employee order, as are the departures left.
func (r *reassignment) dependencies(final, moveOf []int32, pl *Plan) {
	nP := len(r.posts)
	free := slices.Clone(r.cap)
	var arrivals, departures [][]int32
	arrivals, departures = make([][]int32, nP), make([][]int32, nP)
	for e := int32(0); e < int32(len(final)); e++ {
		free[r.cur[e]]--
		if final[e] != r.cur[e] {
			arrivals[final[e]] = append(arrivals[final[e]], e)
			departures[r.cur[e]] = append(departures[r.cur[e]], e)
		}
	}
	used := make([]bool, len(final))
	num := func(name string) int32 {
		i, _ := slices.BinarySearchFunc(r.holders, name, func(h int, n string) int {
			return strings.Compare(r.in.Holders[h].Employee, n)
		})
		return int32(i)
	}
	name := func(e int32) string { return r.in.Holders[r.holders[e]].Employee }
	for t := 0; t < nP; t++ {
		var rewire, fresh []int32
		for _, e := range arrivals[t] {
			h := r.in.Holders[r.holders[e]]
			switch {
			case r.fixed[e] < 0:
				fresh = append(fresh, e)
			case h.Rewire:
				rewire = append(rewire, e)
			default:
				for _, d := range h.DependsOn {
					used[num(d)] = true
				}
				if len(h.DependsOn) == 0 {
					free[t]--
				}
			}
		}
		left := departures[t][:0:0]
		for _, d := range departures[t] {
			if !used[d] {
				left = append(left, d)
			}
		}
		for i, e := range slices.Concat(rewire, fresh) {
			var deps []string
			if j := i - int(max(free[t], 0)); j >= 0 && j < len(left) {
				deps = []string{name(left[j])}
			}
			if r.fixed[e] >= 0 {
				pl.Rewired = append(pl.Rewired, Move{Employee: name(e), From: r.posts[r.cur[e]], To: r.posts[t], DependsOn: deps})
			} else {
				pl.Moves[moveOf[e]-1].DependsOn = deps
			}
		}
	}
	slices.SortFunc(pl.Rewired, func(a, b Move) int { return strings.Compare(a.Employee, b.Employee) })
}
