package selection

import "math"

// costBudget bounds the integer costs: every seat costs at most
// costBudget/(seats+1) when filled and big <= costBudget when left empty, so
// that potentials and path lengths (a few times big) stay far from the
// int64 limit.
const costBudget = 1 << 52

// empty marks a seat (row) that takes its private "empty" column.
const empty = -2

// solver is the primal-dual state of the shortest augmenting path method on
// the pruned graph. Rows are seats, columns are employees; row r belongs to
// position rowPos[r] and may take any kept candidate of that position or its
// private empty column, which costs big.
type solver struct {
	g      *graph
	start  []int32  // per position: first edge
	deg    []int32  // per position: kept edges
	key    []uint64 // per edge: cost<<shift | employee (see graph)
	sorted []int32  // per position: sorted prefix of its list (see lists.go)
	shift  uint
	mask   uint64
	rowPos []int32
	big    int64

	v       []int64 // per employee: column potential, always <= 0; 0 while free
	colRow  []int32 // per employee: its row, or -1
	rowCol  []int32 // per row: its employee, -1 (not yet assigned) or empty
	rowCost []int64 // per row: cost of its current column

	// Search state, reset after each search. Nodes 0..nEmp-1 are employees,
	// nEmp+r is the empty column of row r.
	dist     []int64
	pred     []int32 // row that reached the node
	predCost []int64 // cost of the edge from pred
	state    []uint8 // 0 unseen, 1 labelled, 2 scanned
	touched  []int32
	scanned  []int32
	heap     queue[heapItem]
	posSeen  []int32 // per position: search stamp when one of its rows was scanned
	posBest  []int64 // per position: lowest offset of its scanned rows
	stamp    int32
	ub       int64 // lowest label of a free employee or empty column in this search

	stats AssignStats
}

const (
	unseen   = 0
	labelled = 1
	done     = 2
)

// newSolver prunes the graph if asked and sets up an empty assignment.
func (g *graph) newSolver(opt AssignOptions) *solver {
	nPos, nEmp, nRows := g.nPos, g.nEmp, g.rows
	keep := make([]int32, nPos)
	for p := range keep {
		if g.seats[p] > 0 {
			keep[p] = g.start[p+1] - g.start[p]
		}
	}
	s := &solver{g: g, start: g.start, deg: keep, key: g.key, sorted: g.sorted,
		shift: g.shift, mask: g.mask, big: g.big}
	s.stats.PairsIn = len(g.key)
	if opt.Prune {
		s.stats.PrunedRounds = g.prune(keep)
	}
	for p := 0; p < nPos; p++ {
		s.stats.PairsKept += int(keep[p])
	}
	s.stats.Seats = nRows
	s.rowPos = make([]int32, 0, nRows)
	for p := 0; p < nPos; p++ {
		for k := int32(0); k < g.seats[p]; k++ {
			s.rowPos = append(s.rowPos, int32(p))
		}
	}

	s.v = make([]int64, nEmp)
	s.colRow = make([]int32, nEmp)
	for j := range s.colRow {
		s.colRow[j] = -1
	}
	s.rowCol = make([]int32, nRows)
	s.rowCost = make([]int64, nRows)
	for r := range s.rowCol {
		s.rowCol[r] = -1
	}
	s.dist = make([]int64, nEmp+nRows)
	s.pred = make([]int32, nEmp+nRows)
	s.predCost = make([]int64, nEmp+nRows)
	s.state = make([]uint8, nEmp+nRows)
	s.posSeen = make([]int32, nPos)
	s.posBest = make([]int64, nPos)
	return s
}

// run seats every row: the initial reduction first, then one shortest
// augmenting path search per row still free, in row order.
func (s *solver) run() {
	free := s.initialise()
	s.stats.Initialised = len(s.rowPos) - len(free)
	for _, r := range free {
		s.augment(r)
	}
}

// result lists the filled seats as (position, employee) numbers.
func (s *solver) result() matching {
	var m matching
	for r, j := range s.rowCol {
		if j >= 0 {
			m.pairs = append(m.pairs, [2]int32{s.rowPos[r], j})
		}
	}
	s.stats.Filled = len(m.pairs)
	m.stats = s.stats
	return m
}

// initialise fills seats cheaply while keeping the duals feasible: each
// free row takes its cheapest column (reduced cost c - v) and lowers that
// column's potential so the column costs it as much as its second choice;
// a row pushed out tries again. This is the augmenting row reduction of
// Jonker and Volgenant, two passes with a work budget. It returns the rows
// still free, in a deterministic order.
func (s *solver) initialise() []int32 {
	free := make([]int32, len(s.rowPos))
	for r := range free {
		free[r] = int32(r)
	}
	for pass := 0; pass < 2 && len(free) > 0; pass++ {
		budget := 8*len(free) + 64
		k, next, n := 0, 0, len(free)
		for k < n {
			i := free[k]
			k++
			u1, e1, u2, e2 := s.twoBest(i)
			j1 := s.colOf(e1)
			var i0 int32 = -1
			if j1 >= 0 {
				i0 = s.colRow[j1]
			}
			if u1 < u2 && j1 >= 0 {
				s.v[j1] -= u2 - u1
			} else if i0 >= 0 {
				e1 = e2
				j1 = s.colOf(e2)
				i0 = -1
				if j1 >= 0 {
					i0 = s.colRow[j1]
				}
			}
			s.take(i, j1, e1)
			if i0 >= 0 {
				s.rowCol[i0] = -1
				if u1 < u2 && budget > 0 {
					budget--
					k--
					free[k] = i0
				} else {
					free[next] = i0
					next++
				}
			}
		}
		free = free[:next]
	}
	return free
}

// colOf returns the employee of edge e, or -1 for the empty column.
func (s *solver) colOf(e int32) int32 {
	if e < 0 {
		return -1
	}
	return int32(s.key[e] & s.mask)
}

// take assigns row i to employee j through edge e, or to its empty column
// when j < 0.
func (s *solver) take(i, j, e int32) {
	if j < 0 {
		s.rowCol[i] = empty
		s.rowCost[i] = s.big
		return
	}
	s.rowCol[i] = j
	s.rowCost[i] = int64(s.key[e] >> s.shift)
	s.colRow[j] = i
}

// twoBest returns the lowest and second lowest reduced cost c - v among the
// options of row i, with their edges (-1: the empty column). Ties go to the
// earlier option: better score, then lower employee index, the empty column
// last.
func (s *solver) twoBest(i int32) (u1 int64, e1 int32, u2 int64, e2 int32) {
	u1, u2 = math.MaxInt64, math.MaxInt64
	e1, e2 = -1, -1
	p := s.rowPos[i]
	lo := s.start[p]
	for e := lo; e < lo+s.deg[p]; e++ {
		if e-lo == s.sorted[p] {
			s.g.extend(p)
		}
		c := int64(s.key[e] >> s.shift)
		if c >= u2 {
			break // sorted by cost and v <= 0: no later edge is lower
		}
		h := c - s.v[s.key[e]&s.mask]
		if h < u1 {
			u2, e2 = u1, e1
			u1, e1 = h, e
		} else if h < u2 {
			u2, e2 = h, e
		}
	}
	if s.big < u1 {
		u2, e2 = u1, e1
		u1, e1 = s.big, -1
	} else if s.big < u2 {
		u2, e2 = s.big, -1
	}
	return
}

// augment finds a shortest augmenting path from the free row f (Dijkstra on
// reduced costs, which the potentials keep non-negative), updates the
// potentials and flips the path. The path ends at a free employee or at the
// empty column of some row on the way, so every search succeeds.
func (s *solver) augment(f int32) {
	s.stats.Searches++
	s.stamp++
	nEmp := int32(len(s.colRow))
	s.scanned = s.scanned[:0]
	s.heap = s.heap[:0]
	s.ub = math.MaxInt64

	s.posSeen[s.rowPos[f]] = s.stamp
	s.posBest[s.rowPos[f]] = 0
	s.relaxRow(f, 0)
	var end int32 = -1
	var dEnd int64
	for len(s.heap) > 0 {
		it := s.heap.pop()
		n := it.n
		if s.state[n] == done || it.d > s.dist[n] {
			continue
		}
		if n >= nEmp || s.colRow[n] < 0 {
			end, dEnd = n, it.d
			break
		}
		s.state[n] = done
		s.scanned = append(s.scanned, n)
		i := s.colRow[n]
		// Reduced costs from row i are c - v - u_i with u_i = rowCost - v of
		// its column, which is tight; h is the offset added to c - v.
		h := it.d - (s.rowCost[i] - s.v[n])
		p := s.rowPos[i]
		if s.posSeen[p] == s.stamp && s.posBest[p] <= h {
			// Another seat of the same position was scanned at a lower or
			// equal offset: every label this row could set is already set.
			continue
		}
		s.posSeen[p] = s.stamp
		s.posBest[p] = h
		s.relaxRow(i, h)
	}
	s.stats.Scanned += len(s.scanned)

	// Potentials: scanned columns move by their distance below the end, so
	// reduced costs stay non-negative and the path becomes tight.
	for _, j := range s.scanned {
		s.v[j] += s.dist[j] - dEnd
	}
	// Flip the path from its end back to f.
	n := end
	for {
		i := s.pred[n]
		prev := s.rowCol[i]
		if n >= nEmp {
			s.rowCol[i] = empty
			s.rowCost[i] = s.big
		} else {
			s.rowCol[i] = n
			s.rowCost[i] = s.predCost[n]
			s.colRow[n] = i
		}
		if i == f {
			break
		}
		n = prev
	}
	for _, t := range s.touched {
		s.state[t] = unseen
	}
	s.touched = s.touched[:0]
}

// relaxRow labels the options of row i reached at offset h.
//
// ub is the lowest label of a node that ends a path (a free employee or an
// empty column) found so far in this search. A path through a label of ub
// or more cannot end below ub (reduced costs are not negative), so such
// labels are not set: the search ends at a shortest path all the same.
// Because potentials are never positive (v <= 0), an edge's label h + c - v
// is at least h + c, and the edges are sorted by cost, so the scan of the
// row stops at the first edge with h + c >= ub. This cut keeps searches
// short when the same few employees top every list, or when many scores
// are equal.
func (s *solver) relaxRow(i int32, h int64) {
	if d := h + s.big; d < s.ub {
		s.label(int32(len(s.colRow))+i, d, i, s.big)
		s.ub = d
	}
	p := s.rowPos[i]
	lo := s.start[p]
	for e := lo; e < lo+s.deg[p]; e++ {
		if e-lo == s.sorted[p] {
			s.g.extend(p)
		}
		c := int64(s.key[e] >> s.shift)
		if h+c >= s.ub {
			break
		}
		j := int32(s.key[e] & s.mask)
		if s.state[j] == done {
			continue
		}
		d := h + c - s.v[j]
		if d >= s.ub {
			continue
		}
		s.label(j, d, i, c)
		if s.colRow[j] < 0 {
			s.ub = d
		}
	}
}

// label sets node n's distance to d if that is shorter.
func (s *solver) label(n int32, d int64, row int32, c int64) {
	switch s.state[n] {
	case unseen:
		s.state[n] = labelled
		s.touched = append(s.touched, n)
	case labelled:
		if d >= s.dist[n] {
			return
		}
	}
	s.dist[n] = d
	s.pred[n] = row
	s.predCost[n] = c
	inner := n < int32(len(s.colRow)) && s.colRow[n] >= 0
	s.heap.push(heapItem{d, inner, n})
}

// heapItem is a labelled node in the search's priority queue. Ties on
// distance go first to a node that ends a path, then to the lower node,
// which keeps searches short and deterministic.
type heapItem struct {
	d     int64
	inner bool // the node does not end a path
	n     int32
}

func (a heapItem) less(b heapItem) bool {
	if a.d != b.d {
		return a.d < b.d
	}
	if a.inner != b.inner {
		return !a.inner
	}
	return a.n < b.n
}
