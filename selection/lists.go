package selection

import "slices"

// Candidate lists are sorted lazily. Each position's list holds keys
// cost<<shift | employee, and only its first sorted[p] keys are known to be
// in order, each no larger than any key after them. The solver reads a list
// from the front and usually stops after a few keys (see relaxRow), so
// sorting whole lists up front would be wasted work; extend sorts the next
// chunk, of doubling size, when a reader reaches the end of the sorted
// part. A list read to its end is sorted in O(n log n) overall.

// minChunk is the size of the first sorted chunk of a list.
const minChunk = 16

// extend grows the sorted prefix of position p's list.
func (g *graph) extend(p int32) {
	lo, hi := g.start[p], g.start[p+1]
	done := g.sorted[p]
	rest := g.key[lo+done : hi]
	n := max(int(done), minChunk)
	if n < len(rest) {
		selectSmallest(rest, n)
	} else {
		n = len(rest)
	}
	slices.Sort(rest[:n])
	g.sorted[p] = done + int32(n)
}

// selectSmallest reorders a so that a[:k] holds its k smallest keys, in
// any order (quickselect with Hoare partitions; keys are distinct).
func selectSmallest(a []uint64, k int) {
	lo, hi := 0, len(a)
	for hi-lo > minChunk {
		x, y, z := a[lo], a[lo+(hi-lo)/2], a[hi-1]
		pivot := max(min(x, y), min(max(x, y), z)) // median of three
		i, j := lo, hi-1
		for i <= j {
			for a[i] < pivot {
				i++
			}
			for a[j] > pivot {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		// Now a[lo:j+1] <= pivot <= a[i:hi], and a[j+1:i] == pivot.
		switch {
		case k <= j:
			hi = j + 1
		case k > i:
			lo = i
		default:
			return
		}
	}
	slices.Sort(a[lo:hi])
}

// edge returns the employee and the cost of edge e.
func (g *graph) edge(e int32) (int32, int64) {
	k := g.key[e]
	return int32(k & g.mask), int64(k >> g.shift)
}
