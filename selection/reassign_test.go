package selection

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// goal is a plan's value in the order Reassign optimizes: M and F up, N
// down, S up.
type goal struct {
	M, F, N int
	S       float64
}

// better reports whether a is strictly better than b, scores compared
// with tolerance eps.
func (a goal) better(b goal, eps float64) bool {
	switch {
	case a.M != b.M:
		return a.M > b.M
	case a.F != b.F:
		return a.F > b.F
	case a.N != b.N:
		return a.N < b.N
	}
	return a.S > b.S+eps
}

// randomProblem draws a small reassignment: up to maxPost posts, some
// needed, each holding 0-2 holders with capacity up to one more, and up to
// maxHolder holders, some must-move, some fixed, with random eligible moves.
// Scores are multiples of 0.25 so that ties are common.
func randomProblem(r *rand.Rand, maxPost, maxHolder int, fixed bool) Problem {
	var p Problem
	nP := 1 + r.IntN(maxPost)
	holding := make([]int, nP)
	nH := r.IntN(maxHolder + 1)
	for e := 0; e < nH; e++ {
		t := r.IntN(nP)
		holding[t]++
		p.Holders = append(p.Holders, Holder{Employee: fmt.Sprintf("E%d", e), Position: fmt.Sprintf("P%d", t), MustMove: r.IntN(4) == 0})
	}
	for t := 0; t < nP; t++ {
		p.Posts = append(p.Posts, Post{ID: fmt.Sprintf("P%d", t), Capacity: holding[t] + r.IntN(2), Needed: r.IntN(3) == 0})
	}
	if fixed {
		// A few fixed moves into posts with room, as decided transfers.
		room := make([]int, nP)
		for t := range room {
			room[t] = p.Posts[t].Capacity - holding[t]
		}
		for i := range p.Holders {
			t := r.IntN(nP)
			if r.IntN(5) == 0 && room[t] > 0 && p.Holders[i].Position != p.Posts[t].ID {
				p.Holders[i].Fixed = p.Posts[t].ID
				room[t]--
			}
		}
	}
	for i, h := range p.Holders {
		if h.Fixed != "" {
			continue
		}
		for t := 0; t < nP; t++ {
			if p.Posts[t].ID != h.Position && r.IntN(2) == 0 {
				p.Pairs.Add(p.Posts[t].ID, p.Holders[i].Employee, float64(r.IntN(9))/4)
			}
		}
	}
	return p
}

// bruteReassign tries every choice of every holder and returns the best
// goal among plans within capacity.
func bruteReassign(p Problem) goal {
	type option struct {
		to    string
		score float64
		move  bool
	}
	options := make(map[string][]option)
	for _, h := range p.Holders {
		if h.Fixed != "" {
			options[h.Employee] = []option{{to: h.Fixed}}
		} else {
			options[h.Employee] = []option{{to: h.Position}}
		}
	}
	for k := 0; k < p.Pairs.Len(); k++ {
		pr := p.Pairs.At(k)
		options[pr.Employee] = append(options[pr.Employee], option{pr.Position, pr.Score, true})
	}
	room, needed := map[string]int{}, map[string]bool{}
	for _, t := range p.Posts {
		room[t.ID], needed[t.ID] = t.Capacity, t.Needed
	}
	best := goal{M: -1}
	var cur goal
	var walk func(i int)
	walk = func(i int) {
		if i == len(p.Holders) {
			if cur.better(best, 1e-9) {
				best = cur
			}
			return
		}
		h := p.Holders[i]
		for _, o := range options[h.Employee] {
			if room[o.to] == 0 {
				continue
			}
			room[o.to]--
			saved := cur
			if needed[o.to] {
				cur.F++
			}
			if o.move {
				cur.N++
				cur.S += o.score
				if h.MustMove {
					cur.M++
				}
			}
			walk(i + 1)
			cur = saved
			room[o.to]++
		}
	}
	walk(0)
	return best
}

// checkPlan verifies a plan against its problem: capacities, moves along
// pairs, the stuck list, the figures and the dependencies.
func checkPlan(t *testing.T, p Problem, pl Plan) goal {
	t.Helper()
	final := map[string]string{}
	must := map[string]bool{}
	for _, h := range p.Holders {
		final[h.Employee] = h.Position
		if h.Fixed != "" {
			final[h.Employee] = h.Fixed
		}
		must[h.Employee] = h.MustMove
	}
	score := map[[2]string]float64{}
	for k := 0; k < p.Pairs.Len(); k++ {
		pr := p.Pairs.At(k)
		score[[2]string{pr.Position, pr.Employee}] = pr.Score
	}
	var g goal
	movers := map[string]Move{}
	for i, m := range pl.Moves {
		if i > 0 && pl.Moves[i-1].Employee >= m.Employee {
			t.Fatalf("moves not sorted by employee: %v", pl.Moves)
		}
		s, ok := score[[2]string{m.To, m.Employee}]
		if !ok || s != m.Score || final[m.Employee] != m.From {
			t.Fatalf("move %+v is not an eligible pair from the holder's post", m)
		}
		final[m.Employee] = m.To
		movers[m.Employee] = m
		g.N++
		g.S += s
		if must[m.Employee] {
			g.M++
		}
	}
	holders := map[string]int{}
	for _, post := range final {
		holders[post]++
	}
	var stuck []string
	for _, h := range p.Holders {
		if h.MustMove && h.Fixed == "" && final[h.Employee] == h.Position {
			stuck = append(stuck, h.Employee)
		}
	}
	slices.Sort(stuck)
	if !slices.Equal(stuck, pl.Stuck) {
		t.Fatalf("stuck %v, want %v", pl.Stuck, stuck)
	}
	for _, post := range p.Posts {
		if holders[post.ID] > post.Capacity {
			t.Fatalf("%s holds %d after the round, capacity %d", post.ID, holders[post.ID], post.Capacity)
		}
		if post.Needed {
			g.F += holders[post.ID]
		}
	}
	if g.M != pl.MustMoved || g.F != pl.Filled || math.Abs(g.S-pl.Score) > 1e-9 {
		t.Fatalf("plan reports M=%d F=%d S=%v, its moves give %+v", pl.MustMoved, pl.Filled, pl.Score, g)
	}
	checkDependencies(t, p, pl)
	return g
}

// checkDependencies verifies that, in every post, the arrivals that depend
// on nobody fit in the seats free before the round, and that each
// dependency is a distinct departure from the post taken.
func checkDependencies(t *testing.T, p Problem, pl Plan) {
	t.Helper()
	capacity := map[string]int{}
	for _, post := range p.Posts {
		capacity[post.ID] = post.Capacity
	}
	from := map[string]string{}
	for _, h := range p.Holders {
		capacity[h.Position]--
		if h.Fixed != "" {
			from[h.Employee] = h.Position
		}
	}
	for _, m := range pl.Moves {
		from[m.Employee] = m.From
	}
	// Seats free before the round, less the fixed arrivals that take them.
	for _, h := range p.Holders {
		if h.Fixed != "" && len(h.DependsOn) == 0 {
			capacity[h.Fixed]--
		}
	}
	used := map[string]bool{}
	for _, h := range p.Holders {
		for _, d := range h.DependsOn {
			used[d] = true
		}
	}
	for _, m := range pl.Moves {
		switch len(m.DependsOn) {
		case 0:
			capacity[m.To]--
			if capacity[m.To] < 0 {
				t.Fatalf("%s moves into %s with no seat free and no dependency", m.Employee, m.To)
			}
		case 1:
			d := m.DependsOn[0]
			if from[d] != m.To || used[d] {
				t.Fatalf("%s depends on %s, who is not a distinct departure from %s", m.Employee, d, m.To)
			}
			used[d] = true
		default:
			t.Fatalf("%s depends on %v", m.Employee, m.DependsOn)
		}
	}
}

func TestReassignMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 1))
	for i := 0; i < 3000; i++ {
		p := randomProblem(r, 5, 7, i%2 == 1)
		pl, err := Reassign(p)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		got := checkPlan(t, p, pl)
		want := bruteReassign(p)
		if want.better(got, 1e-6) || got.better(want, 1e-6) {
			t.Fatalf("instance %d: plan %+v, brute force %+v\n%+v", i, got, want, p)
		}
	}
}

// TestReassignChainAndSwap: a must-move holder leaves a needed post, and
// the seat is filled from a third post; two holders swap.
func TestReassignChainAndSwap(t *testing.T) {
	p := Problem{
		Holders: []Holder{
			{Employee: "A", Position: "P1", MustMove: true},
			{Employee: "B", Position: "P3"},
			{Employee: "C", Position: "P4"},
			{Employee: "X", Position: "S1", MustMove: true},
			{Employee: "Y", Position: "S2", MustMove: true},
		},
		Posts: []Post{
			{ID: "P1", Capacity: 1, Needed: true},
			{ID: "P2", Capacity: 1, Needed: true},
			{ID: "P3", Capacity: 1, Needed: true},
			{ID: "P4", Capacity: 1},
			{ID: "S1", Capacity: 1},
			{ID: "S2", Capacity: 1},
		},
	}
	for _, pr := range []Pair{{"P2", "A", 1}, {"P1", "B", 1}, {"P3", "C", 0.5}, {"S2", "X", 0}, {"S1", "Y", 0}} {
		p.Pairs.Add(pr.Position, pr.Employee, pr.Score)
	}
	pl, err := Reassign(p)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, p, pl)
	want := []Move{
		{Employee: "A", From: "P1", To: "P2", Score: 1},
		{Employee: "B", From: "P3", To: "P1", Score: 1, DependsOn: []string{"A"}},
		{Employee: "C", From: "P4", To: "P3", Score: 0.5, DependsOn: []string{"B"}},
		{Employee: "X", From: "S1", To: "S2", DependsOn: []string{"Y"}},
		{Employee: "Y", From: "S2", To: "S1", DependsOn: []string{"X"}},
	}
	if fmt.Sprint(pl.Moves) != fmt.Sprint(want) {
		t.Fatalf("moves\n%v\nwant\n%v", pl.Moves, want)
	}
	if pl.MustMoved != 3 || pl.Filled != 3 || len(pl.Stuck) != 0 {
		t.Fatalf("figures %+v", pl)
	}
}

// TestReassignNoMoveForScore: nobody moves only for a better score, and a
// stuck must-move holder is listed.
func TestReassignNoMoveForScore(t *testing.T) {
	p := Problem{
		Holders: []Holder{{Employee: "A", Position: "P1"}, {Employee: "B", Position: "P2", MustMove: true}},
		Posts:   []Post{{ID: "P1", Capacity: 1}, {ID: "P2", Capacity: 1}, {ID: "P3", Capacity: 1}},
	}
	p.Pairs.Add("P3", "A", 100)
	pl, err := Reassign(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Moves) != 0 || !slices.Equal(pl.Stuck, []string{"B"}) {
		t.Fatalf("plan %+v", pl)
	}
}

// TestReassignFixed: a re-plan keeps decided moves, fills the seat a fixed
// move frees, and keeps the dependencies they were decided with.
func TestReassignFixed(t *testing.T) {
	p := Problem{
		Holders: []Holder{
			{Employee: "A", Position: "P1", Fixed: "P2", DependsOn: []string{"B"}},
			{Employee: "B", Position: "P2", Fixed: "P3"},
			{Employee: "C", Position: "P4"},
		},
		Posts: []Post{{ID: "P1", Capacity: 1, Needed: true}, {ID: "P2", Capacity: 1}, {ID: "P3", Capacity: 1}, {ID: "P4", Capacity: 1}},
	}
	p.Pairs.Add("P1", "C", 0.3)
	pl, err := Reassign(p)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, p, pl)
	want := []Move{{Employee: "C", From: "P4", To: "P1", Score: 0.3, DependsOn: []string{"A"}}}
	if fmt.Sprint(pl.Moves) != fmt.Sprint(want) || pl.Filled != 1 {
		t.Fatalf("plan %+v", pl)
	}
}

func TestReassignErrors(t *testing.T) {
	base := func() Problem {
		p := Problem{
			Holders: []Holder{{Employee: "A", Position: "P1"}, {Employee: "B", Position: "P2", Fixed: "P3"}},
			Posts:   []Post{{ID: "P1", Capacity: 1}, {ID: "P2", Capacity: 1}, {ID: "P3", Capacity: 1}},
		}
		p.Pairs.Add("P2", "A", 1)
		return p
	}
	cases := []struct {
		name  string
		edit  func(*Problem)
		list  string
		index int
	}{
		{"unknown post in pair", func(p *Problem) { p.Pairs.Add("P9", "A", 1) }, ListPairs, 1},
		{"unknown employee", func(p *Problem) { p.Pairs.Add("P2", "Z", 1) }, ListPairs, 1},
		{"own post", func(p *Problem) { p.Pairs.Add("P1", "A", 1) }, ListPairs, 1},
		{"fixed holder in pair", func(p *Problem) { p.Pairs.Add("P1", "B", 1) }, ListPairs, 1},
		{"duplicate pair", func(p *Problem) { p.Pairs.Add("P2", "A", 1) }, ListPairs, 1},
		{"score not finite", func(p *Problem) { p.Pairs.Add("P3", "A", math.NaN()) }, ListPairs, 1},
		{"holder twice", func(p *Problem) { p.Holders = append(p.Holders, Holder{Employee: "A", Position: "P3"}) }, ListHolders, 2},
		{"holder in unknown post", func(p *Problem) { p.Holders = append(p.Holders, Holder{Employee: "C", Position: "P9"}) }, ListHolders, 2},
		{"post twice", func(p *Problem) { p.Posts = append(p.Posts, Post{ID: "P1", Capacity: 1}) }, ListPosts, 3},
		{"capacity below holders", func(p *Problem) { p.Posts[0].Capacity = 0 }, ListPosts, 0},
		{"dependency not fixed", func(p *Problem) { p.Holders[1].DependsOn = []string{"A"} }, ListHolders, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := base()
			c.edit(&p)
			_, err := Reassign(p)
			var in *InputError
			if !errors.As(err, &in) || in.List != c.list || in.Index != c.index {
				t.Fatalf("got %v (%+v), want an input error at %s %d", err, in, c.list, c.index)
			}
		})
	}
}

// TestReassignDeterministic: the plan does not depend on the order of the
// problem's lists.
func TestReassignDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		p := randomProblem(r, 8, 14, i%2 == 0)
		want, err := Reassign(p)
		if err != nil {
			t.Fatal(err)
		}
		q := p
		q.Holders, q.Posts = slices.Clone(p.Holders), slices.Clone(p.Posts)
		r.Shuffle(len(q.Holders), func(i, j int) { q.Holders[i], q.Holders[j] = q.Holders[j], q.Holders[i] })
		r.Shuffle(len(q.Posts), func(i, j int) { q.Posts[i], q.Posts[j] = q.Posts[j], q.Posts[i] })
		perm := r.Perm(p.Pairs.Len())
		q.Pairs = PairList{}
		for _, k := range perm {
			pr := p.Pairs.At(k)
			q.Pairs.Add(pr.Position, pr.Employee, pr.Score)
		}
		got, err := Reassign(q)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.Moves) != fmt.Sprint(want.Moves) {
			t.Fatalf("instance %d: moves depend on input order:\n%v\n%v", i, got.Moves, want.Moves)
		}
	}
}

// TestReassignRewire: a decided move whose departure fell through (B no
// longer leaves P2) is seated again: the plan moves B on, to the needed
// P3, and the move depends on B now; with nowhere for B to go the plan
// cannot be made.
func TestReassignRewire(t *testing.T) {
	p := Problem{
		Holders: []Holder{
			{Employee: "A", Position: "P1", Fixed: "P2", Rewire: true},
			{Employee: "B", Position: "P2"},
		},
		Posts: []Post{{ID: "P1", Capacity: 1}, {ID: "P2", Capacity: 1}, {ID: "P3", Capacity: 1, Needed: true}},
	}
	p.Pairs.Add("P3", "B", 0.5)
	pl, err := Reassign(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Move{{Employee: "A", From: "P1", To: "P2", DependsOn: []string{"B"}}}
	if fmt.Sprint(pl.Rewired) != fmt.Sprint(want) || len(pl.Moves) != 1 || pl.Moves[0].Employee != "B" {
		t.Fatalf("plan %+v", pl)
	}
	p.Pairs = PairList{}
	if _, err := Reassign(p); err == nil {
		t.Fatal("a rewired move with no seat to take gave a plan")
	}
	p.Holders[0].DependsOn = []string{"B"}
	if _, err := Reassign(p); err == nil {
		t.Fatal("a rewired move with dependencies was taken")
	}
}
