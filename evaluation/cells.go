package evaluation

import (
	"maps"
	"slices"

	"github.com/bkpsdm/mutasi/survey"
)

// A report's survey figures are computed from cells: the replies a
// figure family (the round's own figures, a unit, a position kind, a
// trained side) counts, less the items whose figures it hides. Each
// round's own report decides its cells (roundView); a report over
// several rounds joins, for each figure, the cells of the same figure
// that the rounds' own reports show, and nothing of a figure a round
// hides. Every figure of a period is then a sum of figures the rounds'
// reports show: taking it apart again round by round gives nothing the
// rounds' reports do not. (A round with 2 answers of unit U hides U; the
// period's U is the other rounds' U, not 2 more.)

// cell is a set of one round's replies that one figure family counts,
// the items whose figures it hides, each with how many of its answers
// the set holds, and how many answers it counts of each other item (n).
type cell struct {
	replies []*reply
	hidden  map[string]withheld
	n       map[string]int
}

// newCell is the cell of the replies, hiding nothing.
func newCell(replies []*reply) cell {
	byItem := map[*survey.Item]int{} // an item's pointer is quicker to count by than its code
	for _, r := range replies {
		for _, a := range r.answers {
			byItem[a.item]++
		}
	}
	n := make(map[string]int, len(byItem))
	for it, k := range byItem {
		n[it.Code] += k
	}
	return cell{replies: replies, n: n}
}

// withheld is a hidden item of a cell and its number of answers.
type withheld struct {
	item *survey.Item
	n    int
}

// cells are the cells of one figure family: one per round joined, or
// one round's.
type cells []cell

// respondents is how many replies the cells count.
func (cs cells) respondents() int {
	n := 0
	for _, c := range cs {
		n += len(c.replies)
	}
	return n
}

// counts are the cells' answers per item, hidden items left out.
func (cs cells) counts() map[string]int {
	n := map[string]int{}
	for _, c := range cs {
		for code, k := range c.n {
			n[code] += k
		}
	}
	return n
}

// answers are the cells' answers the figures are computed from, and the
// items hidden in them with their numbers of answers, summed.
func (cs cells) answers() ([]answer, map[string]withheld) {
	size := 0
	for _, c := range cs {
		size += answerCount(c.replies)
	}
	all := make([]answer, 0, size)
	held := map[string]withheld{}
	for _, c := range cs {
		for code, w := range c.hidden {
			held[code] = withheld{w.item, held[code].n + w.n}
		}
		for _, r := range c.replies {
			for _, a := range r.answers {
				if _, hidden := c.hidden[a.item.Code]; !hidden {
					all = append(all, a)
				}
			}
		}
	}
	return all, held
}

// hide is the cells with the item code hidden too.
func (cs cells) hide(code string) cells {
	out := make(cells, len(cs))
	for i, c := range cs {
		out[i] = c
		k, ok := c.n[code]
		if !ok {
			continue
		}
		var item *survey.Item
		for _, r := range c.replies {
			if j := slices.IndexFunc(r.answers, func(a answer) bool { return a.item.Code == code }); j >= 0 {
				item = r.answers[j].item
				break
			}
		}
		out[i].hidden = maps.Clone(c.hidden)
		if out[i].hidden == nil {
			out[i].hidden = map[string]withheld{}
		}
		out[i].hidden[code] = withheld{item, k}
		out[i].n = maps.Clone(c.n)
		delete(out[i].n, code)
	}
	return out
}

// suppress says which groups of a breakdown show figures, and which
// items in them, given the figures they would come from (groups), how
// many replies the figures subtracted from count (total) and how many
// answers to each item they count (totals). With whole, a group shows
// only as protect allows by its replies; without (the trained sides,
// which show no number of respondents), every group with replies is a
// candidate. Then, item by item, protect hides the item in enough of
// the candidate groups that neither a group's answers to it nor those
// left after subtracting the shown groups from the total are those of 1
// to MinGroup-1 people. A group of fewer than MinGroup answers to an
// item never shows it.
func suppress(groups map[string]cells, total int, totals map[string]int, whole bool) map[string]cells {
	sizes := make(map[string]int, len(groups))
	for key, cs := range groups {
		sizes[key] = cs.respondents()
	}
	shown := map[string]bool{}
	if whole {
		shown = protect(sizes, total)
	} else {
		for key, n := range sizes {
			shown[key] = n > 0
		}
	}
	out := make(map[string]cells, len(shown))
	perItem := map[string]map[string]int{}
	for key, ok := range shown {
		if !ok {
			continue
		}
		out[key] = groups[key]
		for code, n := range groups[key].counts() {
			if perItem[code] == nil {
				perItem[code] = map[string]int{}
			}
			perItem[code][key] = n
		}
	}
	for code, sizes := range perItem {
		ok := protect(sizes, totals[code])
		for key := range sizes {
			if !ok[key] {
				out[key] = out[key].hide(code)
			}
		}
	}
	return out
}

// view is what one round's own report shows of its survey answers: the
// replies it counts (answered), its own figures (overall; every item
// hidden below MinGroup replies), the replies its own figures are
// subtracted from (total: all counted, or none below MinGroup), its
// comments, and the groups of its breakdowns and its trained and
// untrained sides that it shows.
type view struct {
	answered int
	total    int
	overall  cell
	comments []string
	byUnit   map[string]cells
	byKind   map[string]cells
	sides    map[string]cells // by side
}

// roundView is what a round's own report shows of its replies, read in
// block order, given whether its window is open (live): while it is,
// only the filled blocks count, and each group and side counts whole
// blocks of its own.
func roundView(all []*reply, live bool) view {
	counted := all
	if live {
		counted = filled(counted)
	}
	v := view{answered: len(counted)}
	one := cells{newCell(counted)}
	totals := one.counts()
	if shown, ok := suppress(map[string]cells{"": one}, len(counted), totals, false)[""]; ok {
		v.overall = shown[0]
	}
	if enough(len(counted)) {
		v.total = len(counted)
		if !live {
			for _, s := range counted {
				v.comments = append(v.comments, s.comments...)
			}
		}
	}
	split := func(key func(*reply) string) map[string]cells {
		members := map[string][]*reply{}
		for _, s := range counted {
			members[key(s)] = append(members[key(s)], s)
		}
		out := make(map[string]cells, len(members))
		for k, m := range members {
			out[k] = cells{newCell(blocks(m, live))}
		}
		return out
	}
	v.byUnit = suppress(split(func(s *reply) string { return s.unit }), v.total, totals, true)
	v.byKind = suppress(split(func(s *reply) string { return string(s.kind) }), v.total, totals, true)
	v.sides = suppress(split(func(s *reply) string { return side(s.trained) }), len(counted), totals, false)
	return v
}
