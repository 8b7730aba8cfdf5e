package selection

// The solver runs one shortest path search per row, and a search from a row
// that cannot be seated any more explores everything it can reach before it
// settles for an empty seat. With seats as rows, that happens once per seat
// left empty, which is costly when seats outnumber the employees who could
// fill them (a search per empty seat, each over the whole component). The
// problem is symmetric, so in that case solve reads it the other way round:
// employees are the rows and each seat is a column (a position with s seats
// gives s columns, each listing the position's candidates at the same
// cost). The number of rows that can fail is then at most the number of
// employees left without a seat. The transposed graph repeats each pair
// once per seat, so it is used only when that stays within
// transposeBudget.

// transposeBudget bounds the transposed graph: at most this many times the
// pairs, or minTransposed edges, whichever is more.
const (
	transposeBudget = 32
	minTransposed   = 1 << 22
)

// solve solves the assignment on g or, when seats outnumber employees, on
// its transpose, and returns the chosen (position, employee) pairs.
func (g *graph) solve(opt AssignOptions) matching {
	if t, seatPos := g.transpose(); t != nil {
		s := t.newSolver(opt)
		s.run()
		m := s.result()
		for i, pe := range m.pairs { // (employee, seat) -> (position, employee)
			m.pairs[i] = [2]int32{seatPos[pe[1]], pe[0]}
		}
		m.stats.PairsIn = len(g.key)
		m.stats.Seats = g.rows
		m.stats.Transposed = true
		return m
	}
	s := g.newSolver(opt)
	s.run()
	return s.result()
}

// transpose returns the graph with employees as rows (one seat each) and
// seats as columns, and the position of each seat; or nil when seats do not
// outnumber the employees who have a candidate list, or the transposed
// graph would be too large. Costs and big are those of g: big exceeds
// rows*unit for g's rows, and the transposed graph has fewer rows.
func (g *graph) transpose() (*graph, []int32) {
	active := make([]bool, g.nEmp)
	nActive, expanded := 0, 0
	for p := 0; p < g.nPos; p++ {
		if g.seats[p] == 0 {
			continue
		}
		lo, hi := g.start[p], g.start[p+1]
		expanded += int(hi-lo) * int(g.seats[p])
		for _, key := range g.key[lo:hi] {
			if e := key & g.mask; !active[e] {
				active[e] = true
				nActive++
			}
		}
	}
	if g.rows <= nActive || expanded > max(transposeBudget*len(g.key), minTransposed) {
		return nil, nil
	}
	seatPos := make([]int32, 0, g.rows)
	seatStart := make([]int32, g.nPos)
	for p := 0; p < g.nPos; p++ {
		seatStart[p] = int32(len(seatPos))
		for k := int32(0); k < g.seats[p]; k++ {
			seatPos = append(seatPos, int32(p))
		}
	}
	t := &graph{nPos: g.nEmp, nEmp: g.rows, rows: nActive, shift: g.shift, mask: g.mask, big: g.big}
	t.seats = make([]int32, g.nEmp)
	for e, ok := range active {
		if ok {
			t.seats[e] = 1
		}
	}
	t.start = make([]int32, g.nEmp+1)
	for p := 0; p < g.nPos; p++ {
		for _, key := range g.key[g.start[p]:g.start[p+1]] {
			t.start[key&g.mask+1] += g.seats[p]
		}
	}
	for e := 0; e < g.nEmp; e++ {
		t.start[e+1] += t.start[e]
	}
	t.key = make([]uint64, expanded)
	fill := make([]int32, g.nEmp)
	copy(fill, t.start[:g.nEmp])
	for p := 0; p < g.nPos; p++ {
		for _, key := range g.key[g.start[p]:g.start[p+1]] {
			e, cost := key&g.mask, key>>g.shift
			for k := int32(0); k < g.seats[p]; k++ {
				t.key[fill[e]] = cost<<g.shift | uint64(seatStart[p]+k)
				fill[e]++
			}
		}
	}
	t.sorted = make([]int32, g.nEmp)
	return t, seatPos
}
