package selection

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// instance is a small random assignment problem.
type instance struct {
	pairs []Pair
	seats map[string]int
}

// randomInstance draws up to maxPos positions and maxEmp employees with 1-3
// seats, each pair eligible with probability density. Scores are multiples
// of 0.1 so that ties are common.
func randomInstance(r *rand.Rand, maxPos, maxEmp int, density float64) instance {
	nPos := 1 + r.IntN(maxPos)
	nEmp := 1 + r.IntN(maxEmp)
	in := instance{seats: map[string]int{}}
	for p := 0; p < nPos; p++ {
		id := fmt.Sprintf("P%d", p)
		switch k := r.IntN(6); {
		case k == 0:
			in.seats[id] = 0
		case k < 3:
			in.seats[id] = 1 + r.IntN(3)
		} // otherwise not listed: one seat
		for e := 0; e < nEmp; e++ {
			if r.Float64() < density {
				in.pairs = append(in.pairs, Pair{id, fmt.Sprintf("E%d", e), float64(r.IntN(21)-5) / 10})
			}
		}
	}
	r.Shuffle(len(in.pairs), func(i, j int) { in.pairs[i], in.pairs[j] = in.pairs[j], in.pairs[i] })
	return in
}

// bruteForce returns the best (filled seats, total) over all assignments by
// trying, for each employee in turn, every position with a free seat and
// "none".
func bruteForce(in instance) (int, float64) {
	byEmp := map[string][]Pair{}
	var emps []string
	for _, p := range in.pairs {
		if _, ok := byEmp[p.Employee]; !ok {
			emps = append(emps, p.Employee)
		}
		byEmp[p.Employee] = append(byEmp[p.Employee], p)
	}
	free := map[string]int{}
	for _, p := range in.pairs {
		n, ok := in.seats[p.Position]
		if !ok {
			n = 1
		}
		free[p.Position] = n
	}
	bestN, bestT := 0, math.Inf(-1)
	var walk func(k, n int, t float64)
	walk = func(k, n int, t float64) {
		if k == len(emps) {
			if n > bestN || n == bestN && t > bestT+1e-9 {
				bestN, bestT = n, t
			}
			return
		}
		walk(k+1, n, t)
		for _, p := range byEmp[emps[k]] {
			if free[p.Position] > 0 {
				free[p.Position]--
				walk(k+1, n+1, t+p.Score)
				free[p.Position]++
			}
		}
	}
	walk(0, 0, 0)
	if bestN == 0 {
		bestT = 0
	}
	return bestN, bestT
}

// checkFeasible fails unless a is a valid assignment of in.
func checkFeasible(t *testing.T, in instance, a Assignment) {
	t.Helper()
	score := map[[2]string]float64{}
	for _, p := range in.pairs {
		score[[2]string{p.Position, p.Employee}] = p.Score
	}
	used := map[string]int{}
	emp := map[string]bool{}
	total := 0.0
	for i, p := range a.Pairs {
		s, ok := score[[2]string{p.Position, p.Employee}]
		if !ok || s != p.Score {
			t.Fatalf("pair %v is not an input pair", p)
		}
		if emp[p.Employee] {
			t.Fatalf("employee %s assigned twice", p.Employee)
		}
		emp[p.Employee] = true
		used[p.Position]++
		n, ok := in.seats[p.Position]
		if !ok {
			n = 1
		}
		if used[p.Position] > n {
			t.Fatalf("position %s over its %d seats", p.Position, n)
		}
		if i > 0 {
			q := a.Pairs[i-1]
			if q.Position > p.Position || q.Position == p.Position && q.Employee >= p.Employee {
				t.Fatalf("pairs not sorted: %v before %v", q, p)
			}
		}
		total += p.Score
	}
	if math.Abs(total-a.Total) > 1e-9 {
		t.Fatalf("Total %v, pairs add up to %v", a.Total, total)
	}
}

func TestAssignMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for it := 0; it < 400; it++ {
		in := randomInstance(r, 8, 8, 0.2+0.6*r.Float64())
		for _, opt := range []AssignOptions{{}, {Prune: true}} {
			a, err := AssignWith(in.pairs, in.seats, opt)
			if err != nil {
				t.Fatal(err)
			}
			checkFeasible(t, in, a)
			n, total := bruteForce(in)
			if len(a.Pairs) != n || math.Abs(a.Total-total) > 1e-9 {
				t.Fatalf("instance %d (%+v): got %d seats, total %v; brute force %d seats, total %v\npairs %v\nseats %v",
					it, opt, len(a.Pairs), a.Total, n, total, in.pairs, in.seats)
			}
		}
	}
}

// TestAssignFillsSeatsFirst is the case where a greedy or score-first
// solver leaves a seat empty to gain score.
func TestAssignFillsSeatsFirst(t *testing.T) {
	pairs := []Pair{
		{"A", "x", 10}, {"A", "y", 1},
		{"B", "x", 1},
	}
	a, err := Assign(pairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{"A", "y", 1}, {"B", "x", 1}}
	if !slices.Equal(a.Pairs, want) || a.Total != 2 {
		t.Fatalf("got %v total %v, want %v total 2", a.Pairs, a.Total, want)
	}
}

// TestAssignLexicographicRowOrder: an employee wanted by two positions where
// only one can be filled must go to the one where they score more, whatever
// the order of the positions.
func TestAssignLexicographicRowOrder(t *testing.T) {
	for _, names := range [][2]string{{"A", "B"}, {"B", "A"}} {
		pairs := []Pair{{names[0], "x", 1}, {names[1], "x", 5}}
		a, err := Assign(pairs, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []Pair{{names[1], "x", 5}}
		if !slices.Equal(a.Pairs, want) {
			t.Fatalf("got %v, want %v", a.Pairs, want)
		}
	}
}

func TestAssignSeats(t *testing.T) {
	pairs := []Pair{
		{"A", "x", 3}, {"A", "y", 2}, {"A", "z", 1},
		{"B", "x", 1}, {"C", "y", 9},
	}
	a, err := Assign(pairs, map[string]int{"A": 2, "C": 0})
	if err != nil {
		t.Fatal(err)
	}
	// B could take x, but then A would take y and z: 1+2+1 = 4 with 3 seats
	// filled beats 3+2 = 5 with 2 seats filled.
	want := []Pair{{"A", "y", 2}, {"A", "z", 1}, {"B", "x", 1}}
	if !slices.Equal(a.Pairs, want) || a.Total != 4 {
		t.Fatalf("got %v total %v, want %v total 4", a.Pairs, a.Total, want)
	}
}

func TestAssignErrors(t *testing.T) {
	cases := []struct {
		pairs []Pair
		seats map[string]int
		want  string
	}{
		{[]Pair{{"A", "y", 1}, {"A", "x", 1}, {"B", "x", 1}, {"A", "x", 2}}, nil, "pair 4 (A, x) is given twice (first as pair 2)"},
		{[]Pair{{"A", "x", math.NaN()}}, nil, "not a finite number"},
		{[]Pair{{"A", "x", math.Inf(1)}}, nil, "not a finite number"},
		{[]Pair{{"", "x", 1}}, nil, "pair 1 has an empty position"},
		{[]Pair{{"A", "x", 1}}, map[string]int{"A": -1}, "negative"},
	}
	for _, c := range cases {
		_, err := Assign(c.pairs, c.seats)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Assign(%v, %v) error %v, want one containing %q", c.pairs, c.seats, err, c.want)
		}
	}
	a, err := Assign(nil, nil)
	if err != nil || len(a.Pairs) != 0 || a.Total != 0 {
		t.Errorf("Assign(nil) = %v, %v; want an empty assignment", a, err)
	}
}

// referenceAssign solves an instance by successive shortest paths with
// Bellman-Ford on the flow network source -> positions (capacity = seats) ->
// employees (capacity 1, cost -score) -> sink. Augmenting along a cheapest
// path until none is left gives the maximum flow of least cost, that is the
// most seats and then the highest total: the same objective as Assign, by a
// different method, in floating point.
func referenceAssign(in instance) (int, float64) {
	type arc struct {
		to, rev int
		cap     int
		cost    float64
	}
	pos, emp := map[string]int{}, map[string]int{}
	for _, p := range in.pairs {
		if _, ok := pos[p.Position]; !ok {
			pos[p.Position] = len(pos)
		}
		if _, ok := emp[p.Employee]; !ok {
			emp[p.Employee] = len(emp)
		}
	}
	n := 2 + len(pos) + len(emp)
	src, snk := 0, 1
	adj := make([][]arc, n)
	add := func(a, b, c int, w float64) {
		adj[a] = append(adj[a], arc{b, len(adj[b]), c, w})
		adj[b] = append(adj[b], arc{a, len(adj[a]) - 1, 0, -w})
	}
	for id, i := range pos {
		s, ok := in.seats[id]
		if !ok {
			s = 1
		}
		add(src, 2+i, s, 0)
	}
	for _, i := range emp {
		add(2+len(pos)+i, snk, 1, 0)
	}
	for _, p := range in.pairs {
		add(2+pos[p.Position], 2+len(pos)+emp[p.Employee], 1, -p.Score)
	}
	flow, cost := 0, 0.0
	for {
		dist := make([]float64, n)
		prev := make([][2]int, n)
		for i := range dist {
			dist[i] = math.Inf(1)
		}
		dist[src] = 0
		for changed := true; changed; {
			changed = false
			for a := range adj {
				if math.IsInf(dist[a], 1) {
					continue
				}
				for k, e := range adj[a] {
					if e.cap > 0 && dist[a]+e.cost < dist[e.to]-1e-12 {
						dist[e.to] = dist[a] + e.cost
						prev[e.to] = [2]int{a, k}
						changed = true
					}
				}
			}
		}
		if math.IsInf(dist[snk], 1) {
			return flow, -cost
		}
		for v := snk; v != src; v = prev[v][0] {
			e := &adj[prev[v][0]][prev[v][1]]
			e.cap--
			adj[v][e.rev].cap++
		}
		flow++
		cost += dist[snk]
	}
}

func TestAssignMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	transposed := 0
	for it := 0; it < 60; it++ {
		in := randomInstance(r, 30, 40, 0.05+0.3*r.Float64())
		switch it % 3 {
		case 0:
			in = correlatedInstance(r, 25, 40)
		case 1:
			in = randomInstance(r, 40, 15, 0.2) // seats outnumber employees
		}
		n, total := referenceAssign(in)
		for _, opt := range []AssignOptions{{}, {Prune: true}} {
			a, err := AssignWith(in.pairs, in.seats, opt)
			if err != nil {
				t.Fatal(err)
			}
			checkFeasible(t, in, a)
			if len(a.Pairs) != n || math.Abs(a.Total-total) > 1e-9 {
				t.Fatalf("instance %d (%+v): got %d seats, total %v; reference %d seats, total %v",
					it, opt, len(a.Pairs), a.Total, n, total)
			}
			if a.Stats.Transposed {
				transposed++
			}
		}
	}
	if transposed == 0 {
		t.Fatal("no instance was solved transposed")
	}
}

// correlatedInstance is an instance where every position ranks employees
// almost the same way and a few of them are eligible nearly everywhere:
// the hard case for augmenting path solvers.
func correlatedInstance(r *rand.Rand, nPos, nEmp int) instance {
	in := instance{seats: map[string]int{}}
	quality := make([]float64, nEmp)
	for e := range quality {
		quality[e] = r.Float64()
	}
	for p := 0; p < nPos; p++ {
		id := fmt.Sprintf("P%02d", p)
		in.seats[id] = 1 + r.IntN(3)
		for e := 0; e < nEmp; e++ {
			star := e < nEmp/10
			if star && r.Float64() < 0.9 || !star && r.Float64() < 0.15 {
				s := 0.9*quality[e] + 0.1*r.Float64()
				if star {
					s += 1
				}
				in.pairs = append(in.pairs, Pair{id, fmt.Sprintf("E%03d", e), math.Round(s*1000) / 1000})
			}
		}
	}
	return in
}

// TestPruningKeepsOptimum checks on larger instances that pruning changes
// neither the number of filled seats nor the total, and that it does prune.
func TestPruningKeepsOptimum(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pruned := 0
	for it := 0; it < 40; it++ {
		var in instance
		switch it % 3 {
		case 0:
			in = randomInstance(r, 60, 300, 0.3)
		case 1:
			in = correlatedInstance(r, 60, 300)
		default:
			in = randomInstance(r, 20, 400, 0.8) // long lists, few seats
		}
		full, err := AssignWith(in.pairs, in.seats, AssignOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cut, err := AssignWith(in.pairs, in.seats, AssignOptions{Prune: true})
		if err != nil {
			t.Fatal(err)
		}
		checkFeasible(t, in, cut)
		if len(cut.Pairs) != len(full.Pairs) || math.Abs(cut.Total-full.Total) > 1e-9 {
			t.Fatalf("instance %d: pruned %d seats total %v, unpruned %d seats total %v",
				it, len(cut.Pairs), cut.Total, len(full.Pairs), full.Total)
		}
		if cut.Stats.PairsKept < full.Stats.PairsKept {
			pruned++
		}
	}
	if pruned < 20 {
		t.Fatalf("pruning removed pairs in only %d of 40 instances", pruned)
	}
}

// TestPruneRule checks the prefix lengths on a small graph by hand.
func TestPruneRule(t *testing.T) {
	// A (1 seat) lists a, b, c, d, e best first; b is also listed by B
	// (1 seat), nobody else is shared. After a: N = {} so 1 >= 1+0 holds:
	// A keeps only a. B (1 seat) lists b, f, g: after b, N = {A}, 1 < 1+1;
	// after f, 2 >= 2: B keeps b and f.
	pairs := []Pair{
		{"A", "a", 5}, {"A", "b", 4}, {"A", "c", 3}, {"A", "d", 2}, {"A", "e", 1},
		{"B", "b", 3}, {"B", "f", 2}, {"B", "g", 1},
	}
	g, err := buildGraph(PairListOf(pairs), nil)
	if err != nil {
		t.Fatal(err)
	}
	keep := []int32{5, 3}
	g.prune(keep)
	// Round two: A keeps a only, so b is listed by B alone and B's rule
	// gives 1 >= 1+0 after b.
	if want := []int32{1, 1}; !slices.Equal(keep, want) {
		t.Fatalf("kept %v, want %v", keep, want)
	}
}

// TestAssignDeterministic checks that the order of the input does not
// change the result, and that ties are broken the same way every time.
func TestAssignDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for it := 0; it < 30; it++ {
		in := randomInstance(r, 30, 30, 0.4) // scores with many ties
		if it%2 == 1 {
			in = correlatedInstance(r, 20, 40)
		}
		first, err := Assign(in.pairs, in.seats)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 5; k++ {
			shuffled := slices.Clone(in.pairs)
			r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			again, err := Assign(shuffled, in.seats)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(first.Pairs, again.Pairs) || first.Total != again.Total {
				t.Fatalf("instance %d: result depends on input order:\n%v\n%v", it, first.Pairs, again.Pairs)
			}
		}
	}
}

// TestAssignTieBreak pins the tie-breaking rule on a small example: all
// scores equal, so every full assignment is optimal, and the solver must
// return the same one every time.
func TestAssignTieBreak(t *testing.T) {
	pairs := []Pair{{"B", "y", 1}, {"A", "y", 1}, {"A", "x", 1}, {"B", "x", 1}}
	a, err := Assign(pairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{"A", "x", 1}, {"B", "y", 1}}
	if !slices.Equal(a.Pairs, want) {
		t.Fatalf("got %v, want %v", a.Pairs, want)
	}
}

// checkCertificate verifies the solver's optimality certificate: every row
// holds an employee or its empty column, the potentials are feasible for
// every kept edge and every empty column (reduced cost >= 0), tight on the
// chosen ones, never positive, and zero on free employees. By linear
// programming duality this proves the assignment optimal for the costs.
func checkCertificate(t *testing.T, s *solver) {
	t.Helper()
	u := make([]int64, len(s.rowPos))
	for r, j := range s.rowCol {
		switch {
		case j == empty:
			u[r] = s.big
		case j >= 0:
			u[r] = s.rowCost[r] - s.v[j]
			if s.colRow[j] != int32(r) {
				t.Fatalf("row %d holds employee %d, who is held by row %d", r, j, s.colRow[j])
			}
		default:
			t.Fatalf("row %d is not assigned", r)
		}
		if s.big-u[r] < 0 {
			t.Fatalf("row %d: empty column has reduced cost %d", r, s.big-u[r])
		}
		p := s.rowPos[r]
		found := j == empty
		for e := s.start[p]; e < s.start[p]+s.deg[p]; e++ {
			emp, cost := s.g.edge(e)
			red := cost - u[r] - s.v[emp]
			if red < 0 {
				t.Fatalf("row %d, employee %d: reduced cost %d < 0", r, emp, red)
			}
			if emp == j {
				found = true
				if red != 0 || cost != s.rowCost[r] {
					t.Fatalf("row %d: chosen edge has reduced cost %d", r, red)
				}
			}
		}
		if !found {
			t.Fatalf("row %d holds employee %d, who is not a kept candidate", r, j)
		}
	}
	for j, v := range s.v {
		if v > 0 || v < 0 && s.colRow[j] < 0 {
			t.Fatalf("employee %d: potential %d (row %d)", j, v, s.colRow[j])
		}
	}
}

func TestSolverCertificate(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	transposed := 0
	for it := 0; it < 200; it++ {
		var in instance
		switch it % 4 {
		case 0:
			in = randomInstance(r, 8, 8, 0.5)
		case 1:
			in = randomInstance(r, 40, 60, 0.2)
		case 2:
			in = correlatedInstance(r, 40, 80)
		default:
			in = randomInstance(r, 60, 20, 0.3) // more seats than people
		}
		g, err := buildGraph(PairListOf(in.pairs), in.seats)
		if err != nil {
			t.Fatal(err)
		}
		for _, opt := range []AssignOptions{{}, {Prune: true}} {
			s := g.newSolver(opt)
			s.run()
			checkCertificate(t, s)
			if tg, _ := g.transpose(); tg != nil {
				transposed++
				s := tg.newSolver(opt)
				s.run()
				checkCertificate(t, s)
			}
		}
	}
	if transposed == 0 {
		t.Fatal("no instance was transposed")
	}
	if testing.Short() {
		return
	}
	// One city-sized correlated instance: 300 positions, 3,000 employees.
	g, err := buildGraph(PairListOf(correlatedInstance(r, 300, 3000).pairs), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := g.newSolver(AssignOptions{})
	s.run()
	checkCertificate(t, s)
	if s.stats.Searches < 50 {
		t.Fatalf("only %d searches: the instance is not hard", s.stats.Searches)
	}
}

// TestLazySort checks that extend keeps a sorted prefix no larger than the
// rest, and ends with the whole list sorted.
func TestLazySort(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for it := 0; it < 300; it++ {
		n := r.IntN(400)
		seen := map[uint64]bool{}
		var keys []uint64
		for len(keys) < n {
			k := uint64(r.IntN(3 * n))
			if it%2 == 0 {
				k = r.Uint64()
			}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		want := slices.Sorted(slices.Values(keys))
		g := &graph{start: []int32{0, int32(n)}, key: keys, sorted: []int32{0}}
		for g.sorted[0] < int32(n) {
			before := g.sorted[0]
			g.extend(0)
			m := g.sorted[0]
			if m <= before {
				t.Fatalf("extend did not grow the prefix (%d)", m)
			}
			if !slices.Equal(keys[:m], want[:m]) {
				t.Fatalf("n=%d: prefix of %d is not the %d smallest keys in order", n, m, m)
			}
		}
		if !slices.Equal(keys, want) {
			t.Fatalf("n=%d: not sorted at the end", n)
		}
	}
}
