package selection

// maxPruneRounds bounds the pruning rounds; each round costs about one pass
// over the kept edges, and later rounds rarely remove much.
const maxPruneRounds = 4

// prune shortens each position's candidate list (best first) to a prefix
// that provably still holds an optimal assignment, and returns how many
// rounds removed something. keep[p] is the kept length of p's list, updated
// in place.
//
// The rule. For a position p with s(p) seats, let L be the shortest prefix of
// p's list (cost ascending, that is score descending, then employee) such
// that
//
//	|L| >= s(p) + S(N(L) \ {p})
//
// where N(L) is the set of positions that list any member of L and S(Q) is
// the sum of the seats of Q, a position's seats capped at its list length.
// Keep L and drop the rest of p's list (keep all of it if no prefix
// qualifies). Do this for every position against the same graph G, giving
// G' (a subgraph of G), and repeat on G' while it shrinks.
//
// The proof that G' keeps an optimum. Let M be an optimal assignment in G
// (most seats, then highest total). While M holds an edge (p, e) with e not
// in L(p): at most s(p)-1 members of L(p) sit on p's other seats, and every
// member of L(p) that sits elsewhere sits on a seat of a position of
// N(L(p)) \ {p}, of which there are at most S(N(L(p)) \ {p}) (M only uses
// edges of G, and a position never holds more employees than it lists).
// So at most |L(p)| - 1 members of L(p) are seated, and some e' in L(p) is
// free. Replace (p, e) by (p, e'): still an assignment, the same number of
// seats, and cost(p, e') <= cost(p, e) (score no lower) because L(p) is a
// prefix of p's list and e is not in it, so M stays optimal. Each
// replacement lowers the number of edges of M outside the kept lists by one,
// so after finitely many M lies in G' and is optimal there; since G' is a
// subgraph of G, nothing in G' beats it. Hence the optimum of G' (seats and
// total) equals that of G. Repeating the rule on G' is the same argument
// with G' for G, so every round keeps the optimum.
//
// The components of G bound N(L) from above in every round, so once N(L)
// covers p's whole component the prefix length is known without reading
// further (the shortcut below).
//
// The solver may still choose a different optimal assignment on G' than on
// G when two have the same seats and total; TestPruningKeepsOptimum compares
// both against each other on random and correlated instances, and
// TestPruneRule checks the rule by hand.
func (g *graph) prune(keep []int32) int {
	nPos, nEmp := g.nPos, g.nEmp
	mark := make([]int32, nPos)
	revStart := make([]int32, nEmp+1)
	var revPos []int32
	comp, compSeats := g.components(keep)
	rounds := 0
	for round := 0; round < maxPruneRounds; round++ {
		// Positions of each employee in the current graph.
		clear(revStart)
		total := 0
		for p := 0; p < nPos; p++ {
			if g.seats[p] == 0 {
				continue
			}
			lo := g.start[p]
			for k := lo; k < lo+keep[p]; k++ {
				e, _ := g.edge(k)
				revStart[e+1]++
			}
			total += int(keep[p])
		}
		for e := 0; e < nEmp; e++ {
			revStart[e+1] += revStart[e]
		}
		if cap(revPos) < total {
			revPos = make([]int32, total)
		}
		revPos = revPos[:total]
		fill := make([]int32, nEmp)
		copy(fill, revStart[:nEmp])
		for p := 0; p < nPos; p++ {
			if g.seats[p] == 0 {
				continue
			}
			lo := g.start[p]
			for k := lo; k < lo+keep[p]; k++ {
				e, _ := g.edge(k)
				revPos[fill[e]] = int32(p)
				fill[e]++
			}
		}

		clear(mark)
		removed := 0
		for p := 0; p < nPos; p++ {
			need := int(g.seats[p])
			if need == 0 {
				continue
			}
			lo, n := g.start[p], int(keep[p])
			other := 0 // S(N(L) \ {p})
			l := 0
			for l < n && l < need+other {
				if need+other >= n {
					l = n // no prefix can qualify: keep the whole list
					break
				}
				if int32(l) == g.sorted[p] {
					g.extend(int32(p))
				}
				e, _ := g.edge(lo + int32(l))
				l++
				for _, q := range revPos[revStart[e]:revStart[e+1]] {
					if q != int32(p) && mark[q] != int32(p)+1 {
						mark[q] = int32(p) + 1
						other += int(g.seats[q])
					}
				}
				if need+other == compSeats[comp[p]] {
					// Every other position of p's component is a
					// neighbour already: the prefix length is known
					// without looking further.
					l = min(n, need+other)
					break
				}
			}
			if l < n {
				keep[p] = int32(l)
				removed += n - l
			}
		}
		if removed == 0 {
			break
		}
		rounds++
		if removed < total/64 {
			break // another round would gain little
		}
	}
	return rounds
}

// components labels the connected components of the positions (two
// positions are connected when they list a common employee) and sums the
// seats of each; a position's neighbours all lie in its component.
func (g *graph) components(keep []int32) (comp []int32, seats []int) {
	nPos := g.nPos
	parent := make([]int32, nPos)
	for p := range parent {
		parent[p] = int32(p)
	}
	find := func(p int32) int32 {
		for parent[p] != p {
			parent[p] = parent[parent[p]]
			p = parent[p]
		}
		return p
	}
	first := make([]int32, g.nEmp) // first position+1 seen listing each employee
	for p := 0; p < nPos; p++ {
		lo := g.start[p]
		for k := lo; k < lo+keep[p]; k++ {
			e, _ := g.edge(k)
			if first[e] == 0 {
				first[e] = int32(p) + 1
				continue
			}
			a, b := find(first[e]-1), find(int32(p))
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	comp = make([]int32, nPos)
	seats = make([]int, nPos)
	for p := 0; p < nPos; p++ {
		comp[p] = find(int32(p))
		seats[comp[p]] += int(g.seats[p])
	}
	return comp, seats
}
