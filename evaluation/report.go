// Package evaluation computes how a transfer program went, per round or
// across the rounds of a period: the survey's figures (response rate, per
// item mean, distribution and top-2-box share, eNPS), objections,
// training, the time from approval to the effective date, the counts
// per stage and the moves between units, with breakdowns by unit and by
// position kind; and what the objections say, by category, without the
// names of the people in them. It renders the report as CSV, an Excel
// workbook and SVG charts.
//
// The survey's figures keep answers anonymous: no figure of the round, a
// unit or a position kind comes from fewer than MinGroup answers; a
// hidden group is joined by the next smallest until the shown groups
// subtracted from the total leave nobody or at least MinGroup people,
// and so, item by item, is a shown group's item (suppress);
// while a survey window is open the figures count only the answers whose
// block of MinGroup has filled (models.SurveyAnswer.Block), so one more
// answer changes nothing; and comments wait for the window to close. A
// report over several rounds (a period, a point of its trend) sums, for
// each figure, only what each round's own report shows of it at that
// moment (cells.go): a cell a round hides adds nothing from that round,
// so the period less some rounds' reports gives nothing they hide.
// The answers it reads carry no transfer, person or time: each unit's and
// position kind's figures come from the attributes copied onto them.
package evaluation

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
)

// MinGroup is the fewest answers any survey figure is computed from:
// the round's, a unit's or a position kind's figures from fewer are
// suppressed so that no one's answers can be read off them. It is the
// size of the blocks the answers are stored in (models.MinBlock), which
// the live report counts whole.
const MinGroup = models.MinBlock

// enough reports whether n answers may make a figure.
func enough(n int) bool { return n >= MinGroup }

// Report is an evaluation.
type Report struct {
	Scope       Scope                `json:"scope"`
	Rounds      []string             `json:"rounds"`
	Stages      map[models.Stage]int `json:"stages"`
	Transfers   int                  `json:"transfers"`  // confirmed transfers
	Socialized  int                  `json:"socialized"` // approved by the PPK and told to the employee
	Response    ResponseRate         `json:"response"`
	Items       []ItemStats          `json:"items"`
	Motivated   *float64             `json:"more_motivated"` // share answering 4-5 on motivation
	ENPS        *ENPS                `json:"enps"`
	Objections  ObjectionStats       `json:"objections"`
	Training    TrainingStats        `json:"training"`
	ToEffective DurationStats        `json:"approval_to_effective"`
	ByUnit      []Group              `json:"by_unit"`
	ByKind      []Group              `json:"by_position_kind"`
	// Flows are the moves that took effect, by origin and destination
	// unit.
	Flows []Flow `json:"flows"`
	// Outcomes say whether the program did its job (outcomes.go).
	Outcomes Outcomes `json:"outcomes"`
	// Trend is a period report's indicators per round and per quarter
	// (trend.go); a round's report has none.
	Trend *Trend `json:"trend,omitempty"`
	// Comments are the open answers, unattributed and sorted, of each
	// round whose survey window has closed and at least MinGroup people
	// answered.
	Comments []string `json:"comments"`
	MinGroup int      `json:"min_group"`
	// Live says a survey window is still open in the report's scope (see
	// WindowOpen): the figures, Response.Answered included, count the
	// answers of each round whose window is open in whole blocks of
	// MinGroup, in block order, as that round's own report does.
	Live bool `json:"live"`
	// Suppressed says the round's survey figures (items, motivation,
	// eNPS) are hidden: some answers are counted, fewer than MinGroup.
	Suppressed bool `json:"suppressed"`
}

// Scope is what a report covers: one round, or the rounds created in
// [From, To).
type Scope struct {
	RoundID string     `json:"round_id,omitempty"`
	From    *time.Time `json:"from,omitempty"`
	To      *time.Time `json:"to,omitempty"`
}

// ResponseRate counts surveys sent and answered.
type ResponseRate struct {
	Sent     int      `json:"sent"`
	Answered int      `json:"answered"`
	Rate     *float64 `json:"rate"`
}

// ItemStats are one rated item's figures; with fewer than MinGroup
// answers it has only its N (an empty distribution), and Suppressed when
// N is not 0.
type ItemStats struct {
	Code         string       `json:"code"`
	Text         string       `json:"text"`
	TextEN       string       `json:"text_en"`
	Scale        survey.Scale `json:"scale"`
	N            int          `json:"n"`
	Suppressed   bool         `json:"suppressed"`
	Mean         *float64     `json:"mean"`
	Distribution []int        `json:"distribution"` // count per value, from the scale's lowest
	Top2         *float64     `json:"top2_share"`   // share answering 4 or 5 (not for eNPS)
}

// ENPS is the employee net promoter score: promoters answer 9-10,
// detractors 0-6; the score is the promoters' share minus the
// detractors', in points (-100..100). It needs MinGroup answers.
type ENPS struct {
	N          int     `json:"n"`
	Promoters  int     `json:"promoters"`
	Passives   int     `json:"passives"`
	Detractors int     `json:"detractors"`
	Score      float64 `json:"score"`
}

// ObjectionStats counts objections by category; Rate is per socialized
// transfer.
type ObjectionStats struct {
	Count      int                              `json:"count"`
	Rate       *float64                         `json:"rate"`
	ByCategory map[models.ObjectionCategory]int `json:"by_category"`
	// Texts are the objections' texts and resolutions by category, of
	// the categories in ByCategory (see ObjectionGroup).
	Texts []ObjectionGroup `json:"texts"`
}

// TrainingStats counts training assignments by outcome.
type TrainingStats struct {
	Assigned  int `json:"assigned"`
	Completed int `json:"completed"`
	Missed    int `json:"missed"`
	Pending   int `json:"pending"`
}

// DurationStats summarise days from the PPK's approval to the effective
// date.
type DurationStats struct {
	N      int      `json:"n"`
	Mean   *float64 `json:"mean_days"`
	Median *float64 `json:"median_days"`
	Max    *float64 `json:"max_days"`
}

// Group is one unit's or position kind's figures; a suppressed group
// shows only its name and transfers. A group is suppressed when fewer
// than MinGroup of its answers are counted, or to protect another such
// group (see protect).
type Group struct {
	Key         string             `json:"key"`
	Name        string             `json:"name"`
	Transfers   int                `json:"transfers"`
	Suppressed  bool               `json:"suppressed"`
	Respondents *int               `json:"respondents,omitempty"`
	Means       map[string]float64 `json:"means,omitempty"`
	Motivated   *float64           `json:"more_motivated,omitempty"`
	ENPS        *float64           `json:"enps,omitempty"`
}

// Data is what a report is computed from.
type Data struct {
	Scope      Scope
	Rounds     []string
	Transfers  []models.Transfer
	Positions  map[string]models.Position
	Units      map[string]string // names by ID
	Decisions  []models.Decision
	Objections []models.Objection
	Training   []models.TrainingAssignment
	Decrees    []models.Decree
	Surveys    []models.Survey
	Responses  []models.SurveyAnswer
	// Names are the people whose names the objections' texts and notes
	// must not show: the movers' and those of the accounts that decided
	// on or resolved their transfers.
	Names []string
	// Needs are what the rounds' analyses found; Stayers the eligible
	// employees their plans kept in place (exclusion rule not_selected),
	// the comparison group; SKP the predicates of the movers and the
	// stayers; RevokedDecrees the rounds' revoked decrees.
	Needs          []models.Need
	Stayers        []models.Exclusion
	SKP            []models.EmployeeSKP
	RevokedDecrees []models.DecreeDocument
	// RoundStarts are when the rounds started, in their time zone.
	RoundStarts map[string]time.Time
}

// answer is one numeric answer with the item it answers.
type answer struct {
	item  *survey.Item // the instrument's own, shared: an answer stays small
	value float64
}

// Compute computes the report.
func Compute(d Data) Report {
	r := Report{Scope: d.Scope, Rounds: d.Rounds, Stages: map[models.Stage]int{}, MinGroup: MinGroup,
		Objections: ObjectionStats{ByCategory: map[models.ObjectionCategory]int{}}, Comments: []string{}}
	if r.Rounds == nil {
		r.Rounds = []string{}
	}
	transfers := map[string]models.Transfer{}
	for _, t := range d.Transfers {
		r.Stages[t.Stage]++
		if t.Stage.Confirmed() {
			r.Transfers++
			transfers[t.ID] = t
		}
	}
	approved := map[string]time.Time{}
	for _, dec := range d.Decisions {
		if dec.Step == models.RolePPK && dec.Approve {
			approved[dec.TransferID] = dec.DecidedAt
		}
	}
	r.Socialized = len(approved)
	for _, o := range d.Objections {
		r.Objections.Count++
		r.Objections.ByCategory[o.Category]++
	}
	r.Objections.Rate = share(r.Objections.Count, r.Socialized)
	roundOf, open := d.windows()
	r.Objections.Texts = objectionGroups(d.Objections, roundOf, open, newRedactor(d.Names))
	r.Flows = flows(d.Transfers, d.Units)
	for _, t := range d.Training {
		r.Training.Assigned++
		switch t.Status {
		case models.TrainingCompleted:
			r.Training.Completed++
		case models.TrainingMissed:
			r.Training.Missed++
		default:
			r.Training.Pending++
		}
	}
	var days []float64
	for _, dec := range d.Decrees {
		if at, ok := approved[dec.TransferID]; ok {
			days = append(days, dec.EffectiveDate.Sub(at).Hours()/24)
		}
	}
	r.ToEffective = durationStats(days)
	r.Response.Sent = len(d.Surveys)

	r.Live = len(open) > 0
	views := d.views(replies(d.Responses), open)
	overall, total, totals := joinOverall(views)
	units, kinds, sides := map[string]cells{}, map[string]cells{}, map[string]cells{}
	for _, id := range roundIDs(views) {
		v := views[id]
		r.Response.Answered += v.answered
		r.Comments = append(r.Comments, v.comments...)
		for key, cs := range v.byUnit {
			units[key] = append(units[key], cs...)
		}
		for key, cs := range v.byKind {
			kinds[key] = append(kinds[key], cs...)
		}
		for key, cs := range v.sides {
			sides[key] = append(sides[key], cs...)
		}
	}
	r.Response.Rate = share(r.Response.Answered, r.Response.Sent)
	r.Suppressed = r.Response.Answered > 0 && !enough(total)
	sort.Strings(r.Comments)
	all, held := overall.answers()
	r.Items = itemStats(all, held)
	r.Motivated = motivated(all)
	r.ENPS = enps(all)

	unitOf := breakdown{
		transfer: func(t models.Transfer) string { return t.ToUnitID },
		name:     func(key string) string { return d.Units[key] },
	}
	kindOf := breakdown{
		transfer: func(t models.Transfer) string { return string(d.Positions[t.ToPositionID].Kind) },
		name:     func(key string) string { return key },
	}
	r.ByUnit = groups(d.Transfers, suppress(units, total, totals, true), unitOf)
	r.ByKind = groups(d.Transfers, suppress(kinds, total, totals, true), kindOf)
	r.Outcomes = outcomes(d, suppress(sides, total, totals, false), skpByNIP(d.SKP))
	if d.Scope.From != nil {
		r.Trend = trend(d, views)
	}
	return r
}

// windows are the report's rounds with their survey window open
// (openRounds), and the round of each transfer. Data of one round (or
// of none named) is one round, under its ID, open as WindowOpen says.
func (d Data) windows() (roundOf func(transferID string) string, open map[string]bool) {
	if len(d.Rounds) <= 1 {
		key := ""
		if len(d.Rounds) == 1 {
			key = d.Rounds[0]
		}
		open = map[string]bool{}
		if WindowOpen(d) {
			open[key] = true
		}
		return func(string) string { return key }, open
	}
	of := make(map[string]string, len(d.Transfers))
	for _, t := range d.Transfers {
		of[t.ID] = t.RoundID
	}
	return func(id string) string { return of[id] }, openRounds(d)
}

// views reads what each round's own report shows of its replies
// (roundView), each with its own window (open, see windows): all is
// every reply, in block order.
func (d Data) views(all []*reply, open map[string]bool) map[string]view {
	if len(d.Rounds) <= 1 {
		key := ""
		if len(d.Rounds) == 1 {
			key = d.Rounds[0]
		}
		return map[string]view{key: roundView(all, open[key])}
	}
	mine := map[string][]*reply{}
	for _, r := range all {
		mine[r.round] = append(mine[r.round], r)
	}
	views := make(map[string]view, len(d.Rounds))
	for _, id := range d.Rounds {
		views[id] = roundView(mine[id], open[id])
	}
	return views
}

// joinOverall joins the rounds' own figures (each round's view's
// overall cell), hiding, as a round does, any item of fewer than
// MinGroup answers; total is how many replies they count, as the
// figures that groups are subtracted from, and totals how many answers
// to each item.
func joinOverall(views map[string]view) (overall cells, total int, totals map[string]int) {
	for _, id := range roundIDs(views) {
		overall = append(overall, views[id].overall)
		total += views[id].total
	}
	totals = overall.counts()
	if shown, ok := suppress(map[string]cells{"": overall}, total, totals, false)[""]; ok {
		overall, totals = shown, shown.counts()
	}
	return overall, total, totals
}

// roundIDs are the views' rounds, sorted, so that the same data is
// read in the same order.
func roundIDs(views map[string]view) []string {
	ids := make([]string, 0, len(views))
	for id := range views {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// side is the key of the trained or the untrained side.
func side(trained bool) string {
	if trained {
		return "trained"
	}
	return "untrained"
}

// answerCount is how many numeric answers the replies hold.
func answerCount(s []*reply) int {
	n := 0
	for _, r := range s {
		n += len(r.answers)
	}
	return n
}

// WindowOpen reports whether answers may still come in the report's
// scope, from what the data holds: in one of its rounds (openRounds).
func WindowOpen(d Data) bool { return len(openRounds(d)) > 0 }

// openRounds are the rounds of d whose survey window is open: a survey
// is still open, or a transfer has not reached a final stage (its survey
// is yet to be sent or answered; a completed transfer's survey was
// answered or closed).
func openRounds(d Data) map[string]bool {
	open := map[string]bool{}
	for _, s := range d.Surveys {
		if s.Status == models.SurveyOpen {
			open[s.RoundID] = true
		}
	}
	for _, t := range d.Transfers {
		if !t.Stage.Final() {
			open[t.RoundID] = true
		}
	}
	return open
}

// reply is one response read against its instrument version: the
// attributes it is broken down by, whether its block has filled, numeric
// answers and comments.
type reply struct {
	round    string
	unit     string
	kind     models.PositionKind
	trained  bool
	filled   bool
	answers  []answer
	comments []string
}

// replies reads the responses in block order (the answers of ended
// rounds, block 0, first; then the answers of a later block after every
// earlier one; those still waiting for their block last; within a block
// by random ID, which keeps no order), so that the replies read before a
// block filled stay first once it has; responses to an unknown
// instrument version are left out.
func replies(responses []models.SurveyAnswer) []*reply {
	ordered := slices.Clone(responses)
	slices.SortStableFunc(ordered, func(a, b models.SurveyAnswer) int {
		switch {
		case a.Block == nil && b.Block != nil:
			return 1
		case a.Block != nil && b.Block == nil:
			return -1
		case a.Block != nil && *a.Block != *b.Block:
			return *a.Block - *b.Block
		}
		if c := strings.Compare(a.RoundID, b.RoundID); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	var out []*reply
	for _, resp := range ordered {
		in, ok := survey.Lookup(resp.InstrumentVersion)
		if !ok {
			continue
		}
		s := reply{round: resp.RoundID, unit: resp.UnitID, kind: resp.PositionKind, trained: resp.Trained, filled: resp.Block != nil,
			answers: make([]answer, 0, len(in.Items))}
		// Items in instrument order, so a reply reads the same every time.
		for i := range in.Items {
			it := &in.Items[i]
			v, ok := resp.Answers[it.Code]
			if !ok {
				continue
			}
			if it.Scale == survey.Text {
				if c, ok := v.(string); ok && c != "" {
					s.comments = append(s.comments, c)
				}
				continue
			}
			if n, ok := number(v); ok {
				s.answers = append(s.answers, answer{it, n})
			}
		}
		out = append(out, &s)
	}
	return out
}

// filled is what a live report counts of the replies: those whose block
// has filled, MinGroup answers of a round each, so that the figures
// change only when MinGroup more people of a round have answered.
func filled(s []*reply) []*reply {
	n := 0
	for n < len(s) && s[n].filled {
		n++
	}
	return s[:n]
}

// blocks is what a live report counts of a group's counted replies, in
// block order: the first whole blocks of MinGroup, so that the group's
// figures too change only when MinGroup more of its people have
// answered. Once the window has closed, all.
func blocks(s []*reply, live bool) []*reply {
	if !live {
		return s
	}
	return s[:len(s)/MinGroup*MinGroup]
}

// itemStats computes each rated item's figures, in instrument order,
// from the answers given; an item hidden (held) with none given shows
// only its number of answers, as suppressed.
func itemStats(all []answer, held map[string]withheld) []ItemStats {
	byCode := map[string][]float64{}
	items := map[string]survey.Item{}
	for _, a := range all {
		byCode[a.item.Code] = append(byCode[a.item.Code], a.value)
		items[a.item.Code] = *a.item
	}
	for code, w := range held {
		if _, ok := items[code]; !ok {
			items[code] = *w.item
		}
	}
	var out []ItemStats
	for _, it := range survey.Items {
		if it.Scale == survey.Text {
			continue
		}
		out = append(out, itemFigures(it, byCode[it.Code], held[it.Code].n))
		delete(items, it.Code)
	}
	// Items of older versions only, after the current ones, by code.
	var old []string
	for code := range items {
		old = append(old, code)
	}
	sort.Strings(old)
	for _, code := range old {
		out = append(out, itemFigures(items[code], byCode[code], held[code].n))
	}
	return out
}

// itemFigures are an item's figures from values; below MinGroup of them
// only their number and that of the answers hidden (held), suppressed.
func itemFigures(it survey.Item, values []float64, held int) ItemStats {
	lo, hi := 1, 5
	if it.Scale == survey.NPS {
		lo, hi = 0, 10
	}
	s := ItemStats{Code: it.Code, Text: it.Text, TextEN: it.TextEN, Scale: it.Scale, N: len(values), Distribution: []int{}}
	if !enough(len(values)) {
		s.N += held
		s.Suppressed = s.N > 0
		return s
	}
	s.Distribution = make([]int, hi-lo+1)
	top := 0
	for _, v := range values {
		if i := int(v) - lo; i >= 0 && i < len(s.Distribution) {
			s.Distribution[i]++
		}
		if v >= 4 {
			top++
		}
	}
	s.Mean = mean(values)
	if it.Scale != survey.NPS {
		s.Top2 = share(top, len(values))
	}
	return s
}

func motivated(all []answer) *float64 {
	n, top := 0, 0
	for _, a := range all {
		if a.item.Code == "motivation" {
			n++
			if a.value >= 4 {
				top++
			}
		}
	}
	if !enough(n) {
		return nil
	}
	return share(top, n)
}

func enps(all []answer) *ENPS {
	var e ENPS
	for _, a := range all {
		if a.item.Scale != survey.NPS {
			continue
		}
		e.N++
		switch {
		case a.value >= 9:
			e.Promoters++
		case a.value <= 6:
			e.Detractors++
		default:
			e.Passives++
		}
	}
	if !enough(e.N) {
		return nil
	}
	e.Score = round(100 * float64(e.Promoters-e.Detractors) / float64(e.N))
	return &e
}

// breakdown is one way of grouping transfers: the key of a transfer's
// group (a reply's is the attribute copied onto its answer, which names
// no transfer: see roundView) and a key's name.
type breakdown struct {
	transfer func(models.Transfer) string
	name     func(string) string
}

// groups lists by's groups of the transfers and those of shown, with
// their confirmed transfers; the groups of shown (see suppress) show
// their figures, the others only their name and transfers.
func groups(transfers []models.Transfer, shown map[string]cells, by breakdown) []Group {
	byKey := map[string]*Group{}
	group := func(key string) *Group {
		g := byKey[key]
		if g == nil {
			g = &Group{Key: key, Name: by.name(key)}
			byKey[key] = g
		}
		return g
	}
	for _, t := range transfers {
		if g := group(by.transfer(t)); t.Stage.Confirmed() {
			g.Transfers++
		}
	}
	for key := range shown {
		group(key)
	}
	out := make([]Group, 0, len(byKey))
	for key, g := range byKey {
		cs, ok := shown[key]
		if !ok {
			if g.Transfers > 0 { // else only unconfirmed transfers there
				g.Suppressed = true
				out = append(out, *g)
			}
			continue
		}
		values, _ := cs.answers()
		n := cs.respondents()
		g.Respondents = &n
		g.Means = map[string]float64{}
		for _, it := range itemStats(values, nil) {
			if it.Mean != nil {
				g.Means[it.Code] = *it.Mean
			}
		}
		g.Motivated = motivated(values)
		if e := enps(values); e != nil {
			g.ENPS = &e.Score
		}
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Group) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// protect says which groups of a breakdown show their figures, given
// how many counted answers each group's figures would come from and how
// many the round's figures come from. A group of fewer than MinGroup is
// hidden; then, while the total minus the shown groups leaves between 1
// and MinGroup-1 answers (one hidden group alone, two hidden groups of 1
// and 2, or the answers outside every group), the smallest shown group
// (then by key) is hidden too. What subtraction yields is then nobody or
// at least MinGroup people's answers taken together.
func protect(sizes map[string]int, total int) map[string]bool {
	shown := map[string]bool{}
	rest := total
	for key, n := range sizes {
		if enough(n) {
			shown[key] = true
			rest -= n
		}
	}
	for rest > 0 && !enough(rest) {
		next := ""
		for key := range shown {
			if next == "" || sizes[key] < sizes[next] || sizes[key] == sizes[next] && key < next {
				next = key
			}
		}
		if next == "" {
			break
		}
		delete(shown, next)
		rest += sizes[next]
	}
	return shown
}

func durationStats(days []float64) DurationStats {
	s := DurationStats{N: len(days)}
	if len(days) == 0 {
		return s
	}
	sort.Float64s(days)
	s.Mean = mean(days)
	mid := len(days) / 2
	med := days[mid]
	if len(days)%2 == 0 {
		med = (days[mid-1] + days[mid]) / 2
	}
	med, top := round(med), round(days[len(days)-1])
	s.Median, s.Max = &med, &top
	return s
}

// number reads a JSON number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

func mean(vs []float64) *float64 {
	if len(vs) == 0 {
		return nil
	}
	sum := 0.0
	for _, v := range vs {
		sum += v
	}
	m := round(sum / float64(len(vs)))
	return &m
}

// share is part/whole rounded to four decimals, or nil for an empty whole.
func share(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	v := math.Round(float64(part)/float64(whole)*10000) / 10000
	return &v
}

// round keeps two decimals.
func round(v float64) float64 { return math.Round(v*100) / 100 }
