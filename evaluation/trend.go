package evaluation

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// Trend is a period report's indicators round by round and quarter by
// quarter (of the rounds' start, in the government's time zone), oldest
// first.
type Trend struct {
	ByRound   []TrendPoint `json:"by_round"`
	ByQuarter []TrendPoint `json:"by_quarter"`
}

// TrendPoint is the indicators of one round, or of the rounds started in
// one quarter. A survey figure (more_motivated, enps) or the movers' SKP
// change is nil below MinGroup people, and also where a series' other
// points and the period's own figure would give it away (protect).
type TrendPoint struct {
	Key               string   `json:"key"` // the round's ID, or "2027-Q1"
	Rounds            []string `json:"rounds"`
	Transfers         int      `json:"transfers"`
	Socialized        int      `json:"socialized"`
	ResponseRate      *float64 `json:"response_rate"`
	Motivated         *float64 `json:"more_motivated"`
	ENPS              *float64 `json:"enps"`
	ObjectionRate     *float64 `json:"objection_rate"`
	TrainingCompleted int      `json:"training_completed"`
	TenureRotated     *float64 `json:"over_tenure_rotated"`
	SeatsFilled       *float64 `json:"needed_seats_filled"`
	CareerUp          *float64 `json:"career_up_share"`
	Stopped           int      `json:"stopped"`
	SKPChange         *float64 `json:"skp_change"`

	respondents, skpN int
}

// trend computes the Trend of a period's data and what its rounds' own
// reports show of their survey answers (views): a point's survey
// figures join only those, as the period's own do.
func trend(d Data, views map[string]view) *Trend {
	byQuarter := map[string][]string{}
	for _, id := range d.Rounds {
		start := d.RoundStarts[id]
		q := fmt.Sprintf("%d-Q%d", start.Year(), (int(start.Month())-1)/3+1)
		byQuarter[q] = append(byQuarter[q], id)
	}
	rounds := slices.Clone(d.Rounds)
	sort.SliceStable(rounds, func(i, j int) bool { return d.RoundStarts[rounds[i]].Before(d.RoundStarts[rounds[j]]) })
	parts := d.byRound()
	skp := skpByNIP(d.SKP)
	at := func(key string, ids []string) TrendPoint {
		var ps []Data
		mine := make(map[string]view, len(ids))
		for _, id := range ids {
			if p, ok := parts[id]; ok {
				ps = append(ps, p)
			}
			mine[id] = views[id]
		}
		return point(merge(ps), mine, skp, key, ids)
	}
	t := &Trend{}
	for _, id := range rounds {
		t.ByRound = append(t.ByRound, at(id, []string{id}))
	}
	quarters := make([]string, 0, len(byQuarter))
	for q := range byQuarter {
		quarters = append(quarters, q)
	}
	sort.Strings(quarters)
	for _, q := range quarters {
		t.ByQuarter = append(t.ByQuarter, at(q, byQuarter[q]))
	}
	for _, series := range [][]TrendPoint{t.ByRound, t.ByQuarter} {
		hideGiveaways(series)
	}
	return t
}

// point computes the indicators of the rounds ids, named key, from their
// data and what their own reports show of their survey answers (views).
func point(sub Data, views map[string]view, skp map[string]map[int]float64, key string, ids []string) TrendPoint {
	p := TrendPoint{Key: key, Rounds: ids}
	for _, t := range sub.Transfers {
		if t.Stage.Confirmed() {
			p.Transfers++
		}
	}
	for _, dec := range sub.Decisions {
		if dec.Step == models.RolePPK && dec.Approve {
			p.Socialized++
		}
	}
	answered := 0
	for _, v := range views {
		answered += v.answered
	}
	overall, total, _ := joinOverall(views)
	p.respondents = total
	p.ResponseRate = share(answered, len(sub.Surveys))
	answers, _ := overall.answers()
	p.Motivated = motivated(answers)
	if e := enps(answers); e != nil {
		p.ENPS = &e.Score
	}
	p.ObjectionRate = share(len(sub.Objections), p.Socialized)
	for _, t := range sub.Training {
		if t.Status == models.TrainingCompleted {
			p.TrainingCompleted++
		}
	}
	o := outcomes(sub, nil, skp)
	p.TenureRotated = o.OverTenure.Share
	needed, filled := 0, 0
	for _, s := range o.Seats {
		needed, filled = needed+s.Needed, filled+s.Filled
	}
	p.SeatsFilled = share(filled, needed)
	c := o.CareerSteps
	p.CareerUp = share(c.Up, c.Up+c.Level+c.Down)
	for _, g := range o.Stopped {
		p.Stopped += g.Count
	}
	p.SKPChange, p.skpN = o.SKP.Movers.Change, o.SKP.Movers.N
	return p
}

// hideGiveaways hides the survey figures and SKP changes of the points
// that the others and the period's own figures would give away by
// subtraction, as the report's breakdowns do.
func hideGiveaways(series []TrendPoint) {
	for _, f := range []struct {
		size  func(TrendPoint) int
		value func(*TrendPoint) []**float64
	}{
		{func(p TrendPoint) int { return p.respondents }, func(p *TrendPoint) []**float64 { return []**float64{&p.Motivated, &p.ENPS} }},
		{func(p TrendPoint) int { return p.skpN }, func(p *TrendPoint) []**float64 { return []**float64{&p.SKPChange} }},
	} {
		sizes, total := map[string]int{}, 0
		for _, p := range series {
			sizes[p.Key] = f.size(p)
			total += f.size(p)
		}
		shown := protect(sizes, total)
		for i := range series {
			if !shown[series[i].Key] {
				for _, v := range f.value(&series[i]) {
					*v = nil
				}
			}
		}
	}
}

// byRound splits d by round, each part with the positions, units and
// SKP of the whole.
func (d Data) byRound() map[string]Data {
	parts := map[string]*Data{}
	part := func(round string) *Data {
		p := parts[round]
		if p == nil {
			p = &Data{Rounds: []string{round}, Positions: d.Positions, Units: d.Units, SKP: d.SKP}
			parts[round] = p
		}
		return p
	}
	roundOf := map[string]string{}
	for _, t := range d.Transfers {
		roundOf[t.ID] = t.RoundID
		p := part(t.RoundID)
		p.Transfers = append(p.Transfers, t)
	}
	for _, x := range d.Decisions {
		p := part(roundOf[x.TransferID])
		p.Decisions = append(p.Decisions, x)
	}
	for _, x := range d.Objections {
		p := part(roundOf[x.TransferID])
		p.Objections = append(p.Objections, x)
	}
	for _, x := range d.Training {
		p := part(roundOf[x.TransferID])
		p.Training = append(p.Training, x)
	}
	for _, x := range d.Surveys {
		p := part(x.RoundID)
		p.Surveys = append(p.Surveys, x)
	}
	for _, x := range d.Needs {
		p := part(x.RoundID)
		p.Needs = append(p.Needs, x)
	}
	for _, x := range d.Stayers {
		p := part(x.RoundID)
		p.Stayers = append(p.Stayers, x)
	}
	for _, x := range d.RevokedDecrees {
		p := part(x.RoundID)
		p.RevokedDecrees = append(p.RevokedDecrees, x)
	}
	out := make(map[string]Data, len(parts))
	for round, p := range parts {
		out[round] = *p
	}
	return out
}

// merge joins rounds' parts of the same data (byRound) into one.
func merge(parts []Data) Data {
	if len(parts) == 1 {
		return parts[0]
	}
	var d Data
	for _, p := range parts {
		d.Rounds = append(d.Rounds, p.Rounds...)
		d.Positions, d.Units, d.SKP = p.Positions, p.Units, p.SKP
		d.Transfers = append(d.Transfers, p.Transfers...)
		d.Decisions = append(d.Decisions, p.Decisions...)
		d.Objections = append(d.Objections, p.Objections...)
		d.Training = append(d.Training, p.Training...)
		d.Surveys = append(d.Surveys, p.Surveys...)
		d.Needs = append(d.Needs, p.Needs...)
		d.Stayers = append(d.Stayers, p.Stayers...)
		d.RevokedDecrees = append(d.RevokedDecrees, p.RevokedDecrees...)
	}
	return d
}

// roundStart is when a round started, in its government's time zone.
func roundStart(r models.Round) time.Time {
	if loc, err := r.Settings.Location(); err == nil && loc != nil {
		return r.CreatedAt.In(loc)
	}
	return r.CreatedAt
}

// namedSeries is one of the trend's series with its key.
type namedSeries struct {
	key    string
	points []TrendPoint
}

// series are the trend's two series, keyed quarter and round; none for a
// round's report.
func (t *Trend) series() []namedSeries {
	if t == nil {
		return nil
	}
	return []namedSeries{{"quarter", t.ByQuarter}, {"round", t.ByRound}}
}

// trendColumn is one indicator of the trend: its key (the JSON field,
// the CSV metric, the i18n key trend.<key>), its value at a point, how
// it reads (a share, a count or a figure), and whether it has a chart.
type trendColumn struct {
	key   string
	value func(TrendPoint) *float64
	kind  int // shareKind, countKind or figureKind
	chart bool
}

// The ways a trend column reads.
const (
	shareKind = iota
	countKind
	figureKind
)

// count is a count as a trend value.
func count(n int) *float64 { f := float64(n); return &f }

// trendColumns are the trend's indicators, in the order tables show them.
var trendColumns = []trendColumn{
	{"transfers", func(p TrendPoint) *float64 { return count(p.Transfers) }, countKind, false},
	{"socialized", func(p TrendPoint) *float64 { return count(p.Socialized) }, countKind, false},
	{"response_rate", func(p TrendPoint) *float64 { return p.ResponseRate }, shareKind, true},
	{"more_motivated", func(p TrendPoint) *float64 { return p.Motivated }, shareKind, true},
	{"enps", func(p TrendPoint) *float64 { return p.ENPS }, figureKind, false},
	{"objection_rate", func(p TrendPoint) *float64 { return p.ObjectionRate }, shareKind, true},
	{"training_completed", func(p TrendPoint) *float64 { return count(p.TrainingCompleted) }, countKind, false},
	{"over_tenure_rotated", func(p TrendPoint) *float64 { return p.TenureRotated }, shareKind, true},
	{"needed_seats_filled", func(p TrendPoint) *float64 { return p.SeatsFilled }, shareKind, true},
	{"career_up_share", func(p TrendPoint) *float64 { return p.CareerUp }, shareKind, false},
	{"stopped", func(p TrendPoint) *float64 { return count(p.Stopped) }, countKind, false},
	{"skp_change", func(p TrendPoint) *float64 { return p.SKPChange }, figureKind, true},
}

// format writes a value of the column as people read it; a dash for
// none.
func (c trendColumn) format(v *float64) string {
	switch {
	case v == nil:
		return "–"
	case c.kind == shareKind:
		return fmt.Sprintf("%.0f%%", *v*100)
	case c.kind == countKind:
		return fmt.Sprintf("%.0f", *v)
	}
	return fmt.Sprintf("%.2f", *v)
}

// TrendColumns are the keys of the trend's indicators, in table order.
var TrendColumns = func() []string {
	out := make([]string, len(trendColumns))
	for i, c := range trendColumns {
		out[i] = c.key
	}
	return out
}()

// Cells are the point's indicators as people read them, in the order of
// TrendColumns.
func (p TrendPoint) Cells() []string {
	out := make([]string, len(trendColumns))
	for i, c := range trendColumns {
		out[i] = c.format(c.value(p))
	}
	return out
}

// TrendCharts are the names of a period report's trend charts.
var TrendCharts = func() []string {
	var out []string
	for _, c := range trendColumns {
		if c.chart {
			out = append(out, "trend_"+c.key)
		}
	}
	return out
}()

// trendChart draws s over the quarters as a line, broken where a value
// is hidden or unknown.
func (t *Trend) trendChart(b *bytes.Buffer, s trendColumn, lang string) {
	const left, right, top, bottom = 70, chartWidth - 30, 44, 230
	title := word("trend_"+s.key, lang)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s" font-family="sans-serif" font-size="13">`,
		chartWidth, bottom+40, chartWidth, bottom+40, html.EscapeString(title))
	fmt.Fprintf(b, `<title>%s</title><rect width="100%%" height="100%%" fill="#fff"/>`, html.EscapeString(title))
	fmt.Fprintf(b, `<text x="10" y="22" font-size="15" font-weight="bold" fill="#222">%s</text>`, html.EscapeString(title))
	lo, hi := 0.0, 0.0
	if s.kind == shareKind {
		hi = 1
	}
	for _, p := range t.ByQuarter {
		if v := s.value(p); v != nil {
			lo, hi = math.Min(lo, *v), math.Max(hi, *v)
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	show := func(v float64) string { return s.format(&v) }
	y := func(v float64) float64 { return bottom - (v-lo)/(hi-lo)*(bottom-top) }
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`,
		left, top, left, bottom, left, bottom, right, bottom)
	fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end" fill="#444">%s</text><text x="%d" y="%.1f" text-anchor="end" fill="#444">%s</text>`,
		left-6, y(hi)+4, show(hi), left-6, y(lo)+4, show(lo))
	n := len(t.ByQuarter)
	if n == 0 {
		fmt.Fprintf(b, `<text x="%d" y="%d" fill="#444">%s</text></svg>`, left+10, top+30, html.EscapeString(word("no_data", lang)))
		return
	}
	x := func(i int) float64 {
		if n == 1 {
			return float64(left+right) / 2
		}
		return float64(left) + 20 + float64(i)*float64(right-left-40)/float64(n-1)
	}
	var line []string
	flush := func() {
		if len(line) > 1 {
			fmt.Fprintf(b, `<polyline class="trend" points="%s" fill="none" stroke="#2166ac" stroke-width="2"/>`, strings.Join(line, " "))
		}
		line = nil
	}
	for i, p := range t.ByQuarter {
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#222">%s</text>`, x(i), bottom+18, html.EscapeString(p.Key))
		v := s.value(p)
		if v == nil {
			flush()
			continue
		}
		line = append(line, fmt.Sprintf("%.1f,%.1f", x(i), y(*v)))
	}
	flush()
	for i, p := range t.ByQuarter {
		if v := s.value(p); v != nil {
			fmt.Fprintf(b, `<circle class="point" cx="%.1f" cy="%.1f" r="4" fill="#2166ac"><title>%s: %s</title></circle>`,
				x(i), y(*v), html.EscapeString(p.Key), show(*v))
		}
	}
	b.WriteString(`</svg>`)
}
