package evaluation

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/bkpsdm/mutasi/models"
)

// The marks that stand in an objection's text for a name and a NIP.
const (
	nameMark = "[nama]"
	nipMark  = "[NIP]"
)

// ObjectionGroup is one category's objections, in words: their texts and
// resolutions with names and NIPs removed (see redactor), sorted, so
// that the order says nothing of who objected when. A round's texts of
// the category are listed only once its survey window has closed, as
// comments are (Pending until then), and only when the round has at
// least MinGroup objections of the category (Withheld when it has
// fewer); a report over several rounds lists those its rounds' own
// reports list. The category's count is ObjectionStats.ByCategory's.
type ObjectionGroup struct {
	Category models.ObjectionCategory `json:"category"`
	Withheld bool                     `json:"withheld"`
	Pending  bool                     `json:"pending"`
	Texts    []ObjectionText          `json:"texts"`
}

// ObjectionText is one objection's text and how the HR officer resolved
// it (empty while unresolved), with the note they wrote.
type ObjectionText struct {
	Text       string            `json:"text"`
	Resolution models.Resolution `json:"resolution,omitempty"`
	Note       string            `json:"note,omitempty"`
}

// objectionGroups groups the objections by category, in the order of
// models.ObjectionCategories (categories no longer offered after them,
// by name). A round's texts of a category are listed from MinGroup
// objections on, as a survey figure is shown, once the round's survey
// window has closed (open, by round; roundOf gives each transfer's
// round), as comments are, so that reading the report before and after
// an objection does not tell which text is new. No other group's texts
// tell anything of a withheld one's, so unlike figures (protect) no
// shown group is hidden with it.
func objectionGroups(objections []models.Objection, roundOf func(transferID string) string, open map[string]bool, people redactor) []ObjectionGroup {
	type key struct {
		category models.ObjectionCategory
		round    string
	}
	byRound := map[key][]models.Objection{}
	for _, o := range objections {
		k := key{o.Category, roundOf(o.TransferID)}
		byRound[k] = append(byRound[k], o)
	}
	byCategory := map[models.ObjectionCategory]*ObjectionGroup{}
	for k, os := range byRound {
		g := byCategory[k.category]
		if g == nil {
			g = &ObjectionGroup{Category: k.category, Texts: []ObjectionText{}}
			byCategory[k.category] = g
		}
		switch {
		case !enough(len(os)):
			g.Withheld = true
		case open[k.round]:
			g.Pending = true
		default:
			for _, o := range os {
				g.Texts = append(g.Texts, ObjectionText{Text: people.clean(o.Text), Resolution: o.Resolution, Note: people.clean(o.Note)})
			}
		}
	}
	out := make([]ObjectionGroup, 0, len(byCategory))
	for _, g := range byCategory {
		slices.SortFunc(g.Texts, func(a, b ObjectionText) int {
			return cmp.Or(strings.Compare(a.Text, b.Text), strings.Compare(string(a.Resolution), string(b.Resolution)),
				strings.Compare(a.Note, b.Note))
		})
		out = append(out, *g)
	}
	order := func(c models.ObjectionCategory) int {
		if i := slices.Index(models.ObjectionCategories, c); i >= 0 {
			return i
		}
		return len(models.ObjectionCategories)
	}
	slices.SortFunc(out, func(a, b ObjectionGroup) int {
		return cmp.Or(cmp.Compare(order(a.Category), order(b.Category)), strings.Compare(string(a.Category), string(b.Category)))
	})
	return out
}

// nipPattern is a NIP as people write it: 18 digits, whole, or grouped
// as birth date, start of service, sex and serial with spaces, dots or
// hyphens between ("19850101 201001 1 001").
var nipPattern = regexp.MustCompile(`\b\d{8}[ .-]?\d{6}[ .-]?\d[ .-]?\d{3}\b`)

// wordPattern is a word of a text: letters, marks and digits, with
// apostrophes inside ("Ma'ruf").
var wordPattern = regexp.MustCompile(`[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*`)

// minNameWord is the fewest letters a word of a name has to be removed
// wherever it stands: shorter ones are initials and titles ("M.", "S.").
const minNameWord = 3

// redactor removes people from free text: every NIP-shaped number
// becomes nipMark, and every whole word, in any case, that is a word of
// one of its names (of minNameWord letters or more) becomes nameMark,
// words of a name in a row one mark. A first name alone names someone
// as well as the whole name does, so each word goes, not only the whole
// name.
type redactor struct {
	words map[string]bool
}

// newRedactor is a redactor of the names given.
func newRedactor(names []string) redactor {
	r := redactor{words: map[string]bool{}}
	for _, n := range names {
		for _, w := range wordPattern.FindAllString(n, -1) {
			if len([]rune(w)) >= minNameWord {
				r.words[strings.ToLower(w)] = true
			}
		}
	}
	return r
}

// clean is s with its NIPs and names replaced by their marks.
func (r redactor) clean(s string) string {
	s = nipPattern.ReplaceAllString(s, nipMark)
	var b strings.Builder
	last, marked := 0, false // the end of what is written; whether it ends in a name mark
	for _, w := range wordPattern.FindAllStringIndex(s, -1) {
		if !r.words[strings.ToLower(s[w[0]:w[1]])] {
			continue
		}
		gap := s[last:w[0]]
		if !marked || strings.TrimSpace(gap) != "" {
			b.WriteString(gap)
			b.WriteString(nameMark)
		}
		last, marked = w[1], true
	}
	b.WriteString(s[last:])
	return b.String()
}
