package evaluation

import (
	"slices"
	"sort"
	"strings"

	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
)

// Outcomes say whether the program did its job: the needs the analysis
// found and what became of them, the kind of moves made, the transfers
// that stopped and why, performance after the move, and how trained and
// untrained movers answered the survey.
type Outcomes struct {
	OverTenure     TenureOutcome   `json:"over_tenure"`
	Seats          []SeatsOutcome  `json:"needed_seats"`
	CareerSteps    CareerSteps     `json:"career_steps"`
	Stopped        []StoppedGroup  `json:"stopped"`
	SKP            SKPOutcome      `json:"skp"`
	TrainedVsOther TrainedVsOthers `json:"trained_vs_untrained"`
}

// TenureOutcome counts the incumbents found past the maximum time in
// post and those of them whose move took effect.
type TenureOutcome struct {
	Found   int      `json:"found"`
	Rotated int      `json:"rotated"`
	Share   *float64 `json:"share"`
}

// SeatsOutcome counts, for one reason of need, the seats the analysis
// asked for and those a move that took effect filled; ViaChain are the
// seats filled by someone whose own seat another move freed, or who took
// a seat another mover left (a vacancy chain).
type SeatsOutcome struct {
	Reason   models.NeedReason `json:"reason"`
	Needed   int               `json:"needed"`
	Filled   int               `json:"filled"`
	ViaChain int               `json:"via_chain"`
	Share    *float64          `json:"share"`
}

// CareerSteps counts the moves that took effect by the class (kelas
// jabatan) of the position left and the one taken: up, level or down;
// Unknown when either is not known.
type CareerSteps struct {
	Up      int `json:"up"`
	Level   int `json:"level"`
	Down    int `json:"down"`
	Unknown int `json:"unknown"`
}

// StoppedGroup counts the transfers that ended without taking effect,
// or whose decree was revoked, in one way (Outcome: a stage, or
// "decree_revoked"), with why when it is recorded: the step that
// rejected, the category of the objection that cancelled.
type StoppedGroup struct {
	Outcome string         `json:"outcome"`
	Count   int            `json:"count"`
	Why     map[string]int `json:"why,omitempty"`
}

// The stages that stop a transfer, in the order the report lists them.
var stoppedStages = []models.Stage{models.StageRejected, models.StageCancelled, models.StageWithdrawn,
	models.StageBlocked, models.StageRecheckFailed}

// decreeRevoked is the StoppedGroup of movers whose decree was revoked.
const decreeRevoked = "decree_revoked"

// SKPOutcome compares the SKP predicate (1-5) of the year after the move
// with the mean of the two years before, for the movers, and for the
// eligible employees the plan kept in place, over the same years of their
// round. Pending says the year after has not been imported for anyone
// yet.
type SKPOutcome struct {
	Movers  SKPGroup `json:"movers"`
	Stayers SKPGroup `json:"stayers"`
	Pending bool     `json:"pending"`
}

// SKPGroup is one group's SKP before and after: N people with both, their
// mean predicate before and after, the mean change and the share who
// improved. Below MinGroup only N is shown (Suppressed).
type SKPGroup struct {
	N          int      `json:"n"`
	Suppressed bool     `json:"suppressed"`
	Before     *float64 `json:"before"`
	After      *float64 `json:"after"`
	Change     *float64 `json:"change"`
	Improved   *float64 `json:"improved_share"`
}

// TrainedVsOthers are the survey items of the movers who were trained
// for the move and of those who were not, side by side. An item is
// shown for both or for neither: with the overall figure shown, either
// group's would give away the other's.
type TrainedVsOthers struct {
	Trained   []ItemStats `json:"trained"`
	Untrained []ItemStats `json:"untrained"`
}

// outcomes computes the Outcomes of d; sides are the trained and
// untrained movers' survey answers the report shows (keys "trained" and
// "untrained", see suppress), skp d's SKP predicates (skpByNIP).
func outcomes(d Data, sides map[string]cells, skp map[string]map[int]float64) Outcomes {
	var o Outcomes
	effective := map[string]*models.Transfer{} // by transfer ID
	movedNIP := map[roundKey]bool{}
	for i := range d.Transfers {
		if t := &d.Transfers[i]; t.Stage.Effective() {
			effective[t.ID] = t
			movedNIP[roundKey{t.RoundID, t.NIP}] = true
		}
	}
	o.OverTenure, o.Seats = needOutcomes(d.Needs, effective, movedNIP)
	o.CareerSteps = careerSteps(effective, d.Positions)
	o.Stopped = stopped(d)
	o.SKP = skpOutcome(d, effective, skp)
	o.TrainedVsOther = trainedVsOthers(sides)
	return o
}

// roundKey is a round and an ID in it (a NIP, a position).
type roundKey struct{ round, id string }

// needOutcomes counts the over-tenure incumbents rotated (moved in the
// round that found them) and the seats filled, by reason. The moves into
// a position fill its needs most urgent first (by priority), as many as
// it has seats.
func needOutcomes(needs []models.Need, effective map[string]*models.Transfer, moved map[roundKey]bool) (TenureOutcome, []SeatsOutcome) {
	var tenure TenureOutcome
	byPosition := map[roundKey][]models.Need{}
	seats := map[models.NeedReason]*SeatsOutcome{}
	for _, n := range needs {
		if n.Reason == models.NeedTenure && n.IncumbentNIP != "" {
			tenure.Found++
			if moved[roundKey{n.RoundID, n.IncumbentNIP}] {
				tenure.Rotated++
			}
		}
		if seats[n.Reason] == nil {
			seats[n.Reason] = &SeatsOutcome{Reason: n.Reason}
		}
		seats[n.Reason].Needed += n.Seats
		byPosition[roundKey{n.RoundID, n.PositionID}] = append(byPosition[roundKey{n.RoundID, n.PositionID}], n)
	}
	tenure.Share = share(tenure.Rotated, tenure.Found)
	into := map[roundKey][]*models.Transfer{}
	for _, t := range effective {
		into[roundKey{t.RoundID, t.ToPositionID}] = append(into[roundKey{t.RoundID, t.ToPositionID}], t)
	}
	for key, ns := range byPosition {
		movers := into[key]
		sort.Slice(movers, func(i, j int) bool { return movers[i].ID < movers[j].ID })
		slices.SortStableFunc(ns, func(a, b models.Need) int { return a.Priority - b.Priority })
		for _, n := range ns {
			for range n.Seats {
				if len(movers) == 0 {
					break
				}
				s := seats[n.Reason]
				s.Filled++
				if len(movers[0].DependsOn) > 0 {
					s.ViaChain++
				}
				movers = movers[1:]
			}
		}
	}
	var out []SeatsOutcome
	for _, r := range []models.NeedReason{models.NeedVacant, models.NeedABK, models.NeedTenure} {
		if s := seats[r]; s != nil {
			s.Share = share(s.Filled, s.Needed)
			out = append(out, *s)
		}
	}
	return tenure, out
}

// careerSteps compares the class of the positions left and taken.
func careerSteps(effective map[string]*models.Transfer, positions map[string]models.Position) CareerSteps {
	var c CareerSteps
	for _, t := range effective {
		from, okFrom := positions[t.FromPositionID]
		to, okTo := positions[t.ToPositionID]
		switch {
		case !okFrom || !okTo || from.Class == 0 || to.Class == 0:
			c.Unknown++
		case to.Class > from.Class:
			c.Up++
		case to.Class < from.Class:
			c.Down++
		default:
			c.Level++
		}
	}
	return c
}

// stopped counts the transfers that stopped, by how, and the movers of
// revoked decrees.
func stopped(d Data) []StoppedGroup {
	rejectedBy := map[string]string{}
	for _, dec := range d.Decisions {
		if !dec.Approve {
			rejectedBy[dec.TransferID] = string(dec.Step)
		}
	}
	cancelledFor := map[string]string{}
	for _, ob := range d.Objections {
		if ob.Resolution == models.ResolveCancel {
			cancelledFor[ob.TransferID] = string(ob.Category)
		}
	}
	groups := map[models.Stage]*StoppedGroup{}
	for _, t := range d.Transfers {
		if !slices.Contains(stoppedStages, t.Stage) {
			continue
		}
		g := groups[t.Stage]
		if g == nil {
			g = &StoppedGroup{Outcome: string(t.Stage)}
			groups[t.Stage] = g
		}
		g.Count++
		why := rejectedBy[t.ID]
		if t.Stage == models.StageCancelled {
			why = cancelledFor[t.ID]
		}
		if why != "" && (t.Stage == models.StageRejected || t.Stage == models.StageCancelled) {
			if g.Why == nil {
				g.Why = map[string]int{}
			}
			g.Why[why]++
		}
	}
	out := []StoppedGroup{}
	for _, st := range stoppedStages {
		if g := groups[st]; g != nil {
			out = append(out, *g)
		}
	}
	revoked := StoppedGroup{Outcome: decreeRevoked}
	for _, doc := range d.RevokedDecrees {
		revoked.Count += doc.Movers
	}
	if revoked.Count > 0 {
		out = append(out, revoked)
	}
	return out
}

// skpByNIP indexes SKP predicates by NIP and year.
func skpByNIP(all []models.EmployeeSKP) map[string]map[int]float64 {
	skp := map[string]map[int]float64{}
	for _, s := range all {
		if skp[s.NIP] == nil {
			skp[s.NIP] = map[int]float64{}
		}
		skp[s.NIP][s.Year] = float64(s.Predicate)
	}
	return skp
}

// skpOutcome compares each mover's SKP around the year Y of their TMT,
// and each stayer's around the earliest TMT year of their round's moves:
// the year after (Y+1) against the mean of Y-2 and Y-1.
func skpOutcome(d Data, effective map[string]*models.Transfer, skp map[string]map[int]float64) SKPOutcome {
	roundYear := map[string]int{}
	var movers, stayers []skpPair
	pending := true
	pair := func(round, nip string, year int) (skpPair, bool) {
		years := skp[nip]
		if _, ok := years[year+1]; ok {
			pending = false
		}
		after, ok := years[year+1]
		var before []float64
		for _, y := range []int{year - 2, year - 1} {
			if v, ok := years[y]; ok {
				before = append(before, v)
			}
		}
		if !ok || len(before) == 0 {
			return skpPair{}, false
		}
		return skpPair{round: round, before: *mean(before), after: after}, true
	}
	ids := make([]string, 0, len(effective))
	for id := range effective {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t := effective[id]
		if t.EffectiveDate == nil {
			continue
		}
		year := t.EffectiveDate.Year()
		if y, ok := roundYear[t.RoundID]; !ok || year < y {
			roundYear[t.RoundID] = year
		}
		if p, ok := pair(t.RoundID, t.NIP, year); ok {
			movers = append(movers, p)
		}
	}
	for _, x := range d.Stayers {
		year, ok := roundYear[x.RoundID]
		if !ok {
			continue // no move took effect in that round: no year to compare around
		}
		if p, ok := pair(x.RoundID, x.NIP, year); ok {
			stayers = append(stayers, p)
		}
	}
	if len(d.Rounds) > 1 {
		// As with survey answers (withoutSmallRounds): a round's own
		// report hides a group of 1-4, so several rounds' count without it.
		movers, stayers = withoutSmallGroups(movers), withoutSmallGroups(stayers)
	}
	return SKPOutcome{Movers: skpGroup(movers), Stayers: skpGroup(stayers), Pending: pending}
}

// skpPair is one person's SKP before (a mean) and after, in a round.
type skpPair struct {
	round         string
	before, after float64
}

// withoutSmallGroups leaves out the pairs of every round that has 1 to
// MinGroup-1 of them.
func withoutSmallGroups(ps []skpPair) []skpPair {
	n := map[string]int{}
	for _, p := range ps {
		n[p.round]++
	}
	var out []skpPair
	for _, p := range ps {
		if enough(n[p.round]) {
			out = append(out, p)
		}
	}
	return out
}

// skpGroup sums up the pairs, or gives only their number below MinGroup.
func skpGroup(ps []skpPair) SKPGroup {
	g := SKPGroup{N: len(ps)}
	if !enough(len(ps)) {
		g.Suppressed = len(ps) > 0
		return g
	}
	var before, after, change []float64
	improved := 0
	for _, p := range ps {
		before, after, change = append(before, p.before), append(after, p.after), append(change, p.after-p.before)
		if p.after > p.before {
			improved++
		}
	}
	g.Before, g.After, g.Change, g.Improved = mean(before), mean(after), mean(change), share(improved, len(ps))
	return g
}

// trainedVsOthers computes the survey items of trained and untrained
// movers from the answers each side shows: suppress hides an item on
// both sides when either has it from fewer than MinGroup answers, and
// while answers still come in each side counts whole blocks of
// MinGroup, as the breakdowns do (roundView).
func trainedVsOthers(sides map[string]cells) TrainedVsOthers {
	trained, trainedHeld := sides[side(true)].answers()
	untrained, untrainedHeld := sides[side(false)].answers()
	return TrainedVsOthers{Trained: itemStats(trained, trainedHeld), Untrained: itemStats(untrained, untrainedHeld)}
}

// outcomeRow is one figure of the outcomes, under stable keys: its
// indicator, group (a need reason, a stage, a survey item...) and metric,
// and its value (nil when hidden or not known yet).
type outcomeRow struct {
	indicator, group, metric string
	value                    *float64
}

// rows lists the outcomes' figures, for the CSV and the workbook alike.
func (o Outcomes) rows() []outcomeRow {
	var out []outcomeRow
	add := func(indicator, group, metric string, v *float64) {
		out = append(out, outcomeRow{indicator, group, metric, v})
	}
	n := func(v int) *float64 { f := float64(v); return &f }
	flag := func(b bool) *float64 {
		if b {
			return n(1)
		}
		return n(0)
	}
	add("over_tenure", "", "found", n(o.OverTenure.Found))
	add("over_tenure", "", "rotated", n(o.OverTenure.Rotated))
	add("over_tenure", "", "share", o.OverTenure.Share)
	for _, s := range o.Seats {
		add("needed_seats", string(s.Reason), "needed", n(s.Needed))
		add("needed_seats", string(s.Reason), "filled", n(s.Filled))
		add("needed_seats", string(s.Reason), "via_chain", n(s.ViaChain))
		add("needed_seats", string(s.Reason), "share", s.Share)
	}
	c := o.CareerSteps
	for _, step := range []struct {
		key string
		v   int
	}{{"up", c.Up}, {"level", c.Level}, {"down", c.Down}, {"unknown", c.Unknown}} {
		add("career_steps", "", step.key, n(step.v))
	}
	for _, g := range o.Stopped {
		add("stopped", g.Outcome, "count", n(g.Count))
		why := make([]string, 0, len(g.Why))
		for k := range g.Why {
			why = append(why, k)
		}
		sort.Strings(why)
		for _, k := range why {
			add("stopped", g.Outcome, "why_"+k, n(g.Why[k]))
		}
	}
	add("skp", "", "awaiting_next_year", flag(o.SKP.Pending))
	for _, g := range []struct {
		group string
		s     SKPGroup
	}{{"movers", o.SKP.Movers}, {"stayers", o.SKP.Stayers}} {
		add("skp", g.group, "n", n(g.s.N))
		if g.s.Suppressed {
			add("skp", g.group, "suppressed", n(1))
			continue
		}
		add("skp", g.group, "before", g.s.Before)
		add("skp", g.group, "after", g.s.After)
		add("skp", g.group, "change", g.s.Change)
		add("skp", g.group, "improved_share", g.s.Improved)
	}
	for _, side := range []struct {
		group string
		items []ItemStats
	}{{"trained", o.TrainedVsOther.Trained}, {"untrained", o.TrainedVsOther.Untrained}} {
		for _, it := range side.items {
			add("trained_vs_untrained", side.group+":"+it.Code, "n", n(it.N))
			if it.Suppressed {
				add("trained_vs_untrained", side.group+":"+it.Code, "suppressed", n(1))
				continue
			}
			add("trained_vs_untrained", side.group+":"+it.Code, "mean", it.Mean)
		}
	}
	return out
}

// label is a row's group as people read it in lang: a need reason,
// stage, objection category, step or survey item by its name; anything
// else as it is.
func (r outcomeRow) label(lang string) string {
	if side, code, ok := strings.Cut(r.group, ":"); ok {
		return word(side, lang) + ": " + itemName(code, lang)
	}
	for _, prefix := range []string{"need.", "stage.", "category.", "role."} {
		if i18n.Has(lang, prefix+r.group) {
			return i18n.T(lang, prefix+r.group)
		}
	}
	if w, ok := words[r.group]; ok {
		return w.In(lang)
	}
	return r.group
}

// metricLabel is a row's metric as people read it in lang.
func (r outcomeRow) metricLabel(lang string) string {
	if why, ok := strings.CutPrefix(r.metric, "why_"); ok {
		return word("why", lang) + ": " + outcomeRow{group: why}.label(lang)
	}
	return word(r.metric, lang)
}

// OutcomeLine is one figure of the outcomes as a page shows it, labelled
// in its language; Value is empty when the figure is hidden or not known
// yet.
type OutcomeLine struct {
	Indicator, Group, Metric, Value string
}

// OutcomeLines are the outcomes' figures labelled in lang ("id" or
// "en"), in the order of the workbook's sheet.
func (r Report) OutcomeLines(lang string) []OutcomeLine {
	rows := r.Outcomes.rows()
	out := make([]OutcomeLine, len(rows))
	for i, o := range rows {
		out[i] = OutcomeLine{Indicator: word(o.indicator, lang), Group: o.label(lang), Metric: o.metricLabel(lang), Value: num(o.value)}
	}
	return out
}
