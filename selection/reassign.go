package selection

import "errors"

// Holder is an employee in a reassignment: the position they hold now and
// whether they must leave it (past the maximum time in post). A holder
// with Fixed set has already been given a move (a decided transfer that a
// re-plan keeps): their only option is Fixed, and no pair may name them.
type Holder struct {
	Employee string
	Position string
	MustMove bool
	Fixed    string
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

// Plan is the outcome of Reassign.
type Plan struct {
	// Moves are the moves, sorted by employee.
	Moves []Move
	// Stuck are the must-move employees who stay, sorted.
	Stuck []string
	// MustMoved counts the must-move employees who move; Filled is the sum,
	// over needed posts, of their holders after the round (among the
	// Holders); Score is the movers' total score.
	MustMoved int
	Filled    int
	Score     float64
	Stats     ReassignStats
}

// ReassignStats count what the solver did; they do not affect the plan.
type ReassignStats struct {
	Arcs     int // stay and move options
	Searches int // shortest path searches that went beyond the first option
	Scanned  int // full posts scanned over all searches
}

// Reassign decides, for every holder, whether they stay or make one of
// their eligible moves, so that every post ends with at most its Capacity
// and, in this order: the most must-move holders move; then the needed
// posts hold the most people; then the fewest people move; then the moves'
// total score is highest. Ties are broken deterministically: the plan
// depends only on the problem, not on the order of its lists.
func Reassign(p Problem) (Plan, error) {
	return Plan{}, errors.New("selection: Reassign is not implemented yet")
}
