package selection

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// Pair is one eligible (position, employee) pair with its score; a higher
// score is a better fit. Only pairs given to Assign can be chosen.
type Pair struct {
	Position string
	Employee string
	Score    float64
}

// Assignment is the outcome of Assign.
type Assignment struct {
	// Pairs are the chosen pairs, sorted by position then employee.
	Pairs []Pair
	// Total is the sum of the chosen scores (added in the order of Pairs).
	Total float64
	// Stats describe the work done; they do not affect the result.
	Stats AssignStats
}

// AssignStats count what the solver saw and did, for benchmarks and logs.
type AssignStats struct {
	PairsIn      int  // pairs given
	Transposed   bool // solved with employees as rows and seats as columns (see orient.go)
	PairsKept    int  // pairs (employee-seat pairs when transposed) left after pruning
	Seats        int  // seats that could hold someone: per position min(seats, candidates)
	Filled       int  // seats filled
	PrunedRounds int  // pruning rounds that removed something
	Initialised  int  // seats filled by the initial reduction, before any shortest path search
	Searches     int  // shortest augmenting path searches
	Scanned      int  // columns (employees) scanned over all searches
}

// AssignOptions tune Assign; the zero value is the default.
type AssignOptions struct {
	// Prune shortens the candidate lists before solving, by a rule that
	// provably keeps an optimal assignment (see prune.go). The number of
	// filled seats and the total are the same with or without it; on the
	// benchmark instances it costs more time than it saves, because the
	// solver already stops reading a list where no cheaper path can lie,
	// so it is off by default.
	Prune bool
}

// Assign chooses pairs so that each employee takes at most one seat and
// each position at most its seats, filling as many seats as possible and,
// among all such choices, maximising the total score. A position that seats
// does not list has one seat; a seat count of 0 closes a position.
//
// Assign is exact and deterministic: the result depends only on the set of
// pairs and seats, not on their order. See the package documentation for the
// method, the tie-breaking rule and the pruning proof.
//
// It returns an *InputError for an empty position or employee name, a
// score that is NaN or infinite or a pair given twice, and an error for a
// negative seat count.
func Assign(pairs []Pair, seats map[string]int) (Assignment, error) {
	return AssignList(PairListOf(pairs), seats, AssignOptions{})
}

// AssignWith is Assign with options.
func AssignWith(pairs []Pair, seats map[string]int, opt AssignOptions) (Assignment, error) {
	return AssignList(PairListOf(pairs), seats, opt)
}

// AssignList is AssignWith on a PairList; error indexes count its pairs.
func AssignList(l PairList, seats map[string]int, opt AssignOptions) (Assignment, error) {
	g, err := buildGraph(l, seats)
	if err != nil {
		return Assignment{}, err
	}
	m := g.solve(opt)
	a := Assignment{Stats: m.stats}
	// Position and employee numbers follow the sorted names, so sorting
	// the numbers sorts the names.
	slices.SortFunc(m.pairs, func(x, y [2]int32) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	// Find the chosen pairs' scores in the input.
	chosen := make([]int32, len(g.empIDs)) // position+1 of each seated employee
	at := make([]int32, len(g.empIDs))     // its index in m.pairs
	for k, pe := range m.pairs {
		chosen[pe[1]] = pe[0] + 1
		at[pe[1]] = int32(k)
	}
	a.Pairs = make([]Pair, len(m.pairs))
	for k := range g.pairPos {
		if e := g.pairEmp[k]; chosen[e] == g.pairPos[k]+1 {
			a.Pairs[at[e]] = l.At(k)
		}
	}
	for _, p := range a.Pairs {
		a.Total += p.Score
	}
	return a, nil
}

// graph is the sparse bipartite graph of positions and employees in
// compressed rows: the candidates of position p are key[start[p]:start[p+1]],
// each key = cost<<shift | employee, so that in key order the cheapest (best
// score) comes first and, on equal costs, the lower employee number (see
// lists.go: lists are sorted lazily). Positions and employees are numbered
// in the sorted order of their names.
type graph struct {
	posIDs []string
	empIDs []string
	nPos   int
	nEmp   int
	seats  []int32 // per position, capped at its number of candidates
	rows   int     // sum of seats
	start  []int32
	key    []uint64
	sorted []int32 // per position: length of the sorted prefix of its list
	shift  uint
	mask   uint64
	big    int64 // the cost of an empty seat

	pairPos, pairEmp []int32 // numbers of the input pairs, in input order
}

// matching is a solver's result: (position, employee) numbers.
type matching struct {
	pairs [][2]int32
	stats AssignStats
}

// buildGraph validates the pairs, numbers the names in sorted order, turns
// scores into costs and builds the graph.
func buildGraph(l PairList, seats map[string]int) (*graph, error) {
	for id, n := range seats {
		if n < 0 {
			return nil, fmt.Errorf("position %q has %d seats: seats must not be negative", id, n)
		}
	}
	n := l.Len()
	hi, lo := math.Inf(-1), math.Inf(1)
	for k := 0; k < n; k++ {
		s := l.Score[k]
		if l.Positions[l.Pos[k]] == "" || l.Employees[l.Emp[k]] == "" {
			return nil, &InputError{List: ListPairs, Index: k, First: -1, Msg: "has an empty position or employee"}
		}
		if math.IsNaN(s) || math.IsInf(s, 0) {
			p := l.At(k)
			return nil, &InputError{List: ListPairs, Index: k, First: -1, Msg: fmt.Sprintf("(%s, %s) has score %v, not a finite number", p.Position, p.Employee, s)}
		}
		hi, lo = max(hi, s), min(lo, s)
	}
	g := &graph{pairPos: make([]int32, n), pairEmp: make([]int32, n)}
	posMap := sortedNumbers(l.Positions, &g.posIDs)
	empMap := sortedNumbers(l.Employees, &g.empIDs)
	nPos, nEmp := len(g.posIDs), len(g.empIDs)
	g.nPos, g.nEmp = nPos, nEmp
	for k := 0; k < n; k++ {
		g.pairPos[k] = posMap[l.Pos[k]]
		g.pairEmp[k] = empMap[l.Emp[k]]
	}

	// Counting sort of the edges by position.
	g.start = make([]int32, nPos+1)
	for _, p := range g.pairPos {
		g.start[p+1]++
	}
	for p := 0; p < nPos; p++ {
		g.start[p+1] += g.start[p]
	}
	g.seats = make([]int32, nPos)
	for p, id := range g.posIDs {
		n, ok := seats[id]
		if !ok {
			n = 1
		}
		g.seats[p] = int32(min(n, int(g.start[p+1]-g.start[p])))
		g.rows += int(g.seats[p])
	}

	// Each edge becomes the key cost<<shift | employee, so that ordering
	// keys orders by cost, then employee. The shift also leaves room for a
	// seat number, for the transposed graph (see transpose).
	g.shift = uint(bits.Len(uint(max(nEmp-1, g.rows-1, 1))))
	g.mask = uint64(1)<<g.shift - 1
	unit := g.quantum()
	scale := 0.0
	if hi > lo {
		if math.IsInf(hi-lo, 0) {
			return nil, fmt.Errorf("scores run from %v to %v, a range too wide for float64", lo, hi)
		}
		scale = float64(unit) / (hi - lo)
	}
	g.key = make([]uint64, n)
	fill := slices.Clone(g.start[:nPos])
	for k, score := range l.Score {
		c := min(max(int64(math.Round((hi-score)*scale)), 0), unit)
		pos := g.pairPos[k]
		g.key[fill[pos]] = uint64(c)<<g.shift | uint64(g.pairEmp[k])
		fill[pos]++
	}
	g.sorted = make([]int32, nPos)

	seen := make([]int32, nEmp)
	for p := 0; p < nPos; p++ {
		for _, key := range g.key[g.start[p]:g.start[p+1]] {
			e := int32(key & g.mask)
			if seen[e] == int32(p)+1 {
				return nil, g.duplicate(int32(p), e)
			}
			seen[e] = int32(p) + 1
		}
	}
	return g, nil
}

// duplicate builds the error for the pair (p, e) given twice.
func (g *graph) duplicate(p, e int32) error {
	err := &InputError{List: ListPairs, First: -1, Msg: fmt.Sprintf("(%s, %s) is given twice", g.posIDs[p], g.empIDs[e])}
	for k := range g.pairPos {
		if g.pairPos[k] == p && g.pairEmp[k] == e {
			if err.First >= 0 {
				err.Index = k
				break
			}
			err.First = k
		}
	}
	return err
}

// The lists of an input that an InputError can name.
const (
	ListPairs   = "pairs"   // the eligible pairs
	ListHolders = "holders" // a reassignment's holders
	ListPosts   = "posts"   // a reassignment's posts
)

// InputError reports an entry of an input list that cannot be taken.
type InputError struct {
	List  string // ListPairs, ListHolders or ListPosts
	Index int    // the entry's index in its list
	First int    // for an entry given twice, the index of its first copy; otherwise -1
	Msg   string // what is wrong
}

// Error says which entry is wrong and why, counting entries from 1.
func (e *InputError) Error() string {
	what := strings.TrimSuffix(e.List, "s")
	if e.First >= 0 {
		return fmt.Sprintf("%s %d %s (first as %s %d)", what, e.Index+1, e.Msg, what, e.First+1)
	}
	return fmt.Sprintf("%s %d %s", what, e.Index+1, e.Msg)
}

// quantum sets the cost of an empty seat, g.big, and returns the largest
// cost of a filled seat, unit: costs run from 0 (the best score) to unit
// (the worst). unit is costBudget/(rows+1), or less if a cost would not fit
// beside an employee or seat number in a 63-bit key; big = rows*unit + 1.
func (g *graph) quantum() int64 {
	unit := int64(costBudget / (g.rows + 1))
	unit = min(unit, int64(1)<<(63-g.shift)-1)
	g.big = int64(g.rows)*unit + 1
	return unit
}

// sortedNumbers sorts the distinct names into *sorted and returns, for
// each index into names, the index of the same name in *sorted; a name
// listed twice gets one number.
func sortedNumbers(names []string, sorted *[]string) []int32 {
	order := make([]int32, len(names))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(names[a], names[b]) })
	*sorted = make([]string, 0, len(names))
	m := make([]int32, len(names))
	for _, k := range order {
		if n := len(*sorted); n == 0 || (*sorted)[n-1] != names[k] {
			*sorted = append(*sorted, names[k])
		}
		m[k] = int32(len(*sorted) - 1)
	}
	return m
}
