package evaluation

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/bkpsdm/mutasi/survey"
)

// Charts are the names of the charts Chart draws.
var Charts = []string{"items", "distribution", "enps", "stages", "flows"}

// ErrNoChart is returned for a chart name not in Charts, nor, for a
// period report, in TrendCharts.
var ErrNoChart = fmt.Errorf("unknown chart: want one of %v", Charts)

// palette colours answers 1..5 from red to green; it keeps contrast on
// white for the labels drawn beside, not on, the bars.
var palette = []string{"#b2182b", "#ef8a62", "#bdbdbd", "#67a9cf", "#2166ac"}

const (
	chartWidth = 720
	labelWidth = 230
	rowHeight  = 26
	barHeight  = 18
)

// Chart draws one of the report's charts as SVG, labelled in lang.
func (r Report) Chart(name, lang string) ([]byte, error) {
	var b bytes.Buffer
	switch name {
	case "items":
		r.itemsChart(&b, lang)
	case "distribution":
		r.distributionChart(&b, lang)
	case "enps":
		r.enpsChart(&b, lang)
	case "stages":
		r.stagesChart(&b, lang)
	case "flows":
		r.flowsChart(&b, lang)
	default:
		i := slices.IndexFunc(trendColumns, func(c trendColumn) bool { return c.chart && "trend_"+c.key == name })
		if i < 0 || r.Trend == nil {
			return nil, ErrNoChart
		}
		r.Trend.trendChart(&b, trendColumns[i], lang)
	}
	return b.Bytes(), nil
}

// rated are the items on a 1-5 scale whose figures are shown.
func (r Report) rated() []ItemStats {
	var out []ItemStats
	for _, it := range r.Items {
		if it.Scale != survey.NPS && it.Mean != nil {
			out = append(out, it)
		}
	}
	return out
}

// empty is the word a survey chart without rows shows: suppressed or no
// data yet.
func (r Report) empty() string {
	if r.Suppressed {
		return "suppressed"
	}
	return "no_data"
}

// open starts a chart of rows rows; a chart without rows says the word
// empty.
func open(b *bytes.Buffer, rows int, title, empty, lang string) {
	h := 40 + max(rows, 1)*rowHeight + 10
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s" font-family="sans-serif" font-size="13">`,
		chartWidth, h, chartWidth, h, html.EscapeString(title))
	fmt.Fprintf(b, `<title>%s</title><rect width="100%%" height="100%%" fill="#fff"/>`, html.EscapeString(title))
	fmt.Fprintf(b, `<text x="10" y="22" font-size="15" font-weight="bold" fill="#222">%s</text>`, html.EscapeString(title))
	if rows == 0 {
		fmt.Fprintf(b, `<text x="10" y="56" fill="#444">%s</text>`, html.EscapeString(word(empty, lang)))
	}
}

func rowLabel(b *bytes.Buffer, i int, text string) int {
	y := 40 + i*rowHeight
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end" fill="#222">%s</text>`, labelWidth-8, y+barHeight-4, html.EscapeString(text))
	return y
}

func (r Report) itemsChart(b *bytes.Buffer, lang string) {
	items := r.rated()
	open(b, len(items), word("chart_items", lang), r.empty(), lang)
	span := float64(chartWidth - labelWidth - 60)
	for i, it := range items {
		y := rowLabel(b, i, itemName(it.Code, lang))
		w := (*it.Mean - 1) / 4 * span
		fmt.Fprintf(b, `<rect class="bar" x="%d" y="%d" width="%.1f" height="%d" fill="#2166ac"><title>%s: %.2f</title></rect>`,
			labelWidth, y, w, barHeight, html.EscapeString(itemName(it.Code, lang)), *it.Mean)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="#222">%.2f</text>`, float64(labelWidth)+w+6, y+barHeight-4, *it.Mean)
	}
	b.WriteString(`</svg>`)
}

func (r Report) distributionChart(b *bytes.Buffer, lang string) {
	items := r.rated()
	open(b, len(items), word("chart_dist", lang), r.empty(), lang)
	span := float64(chartWidth - labelWidth - 20)
	for i, it := range items {
		y := rowLabel(b, i, itemName(it.Code, lang))
		x := float64(labelWidth)
		for v, n := range it.Distribution {
			w := float64(n) / float64(it.N) * span
			fmt.Fprintf(b, `<rect class="bar" x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%d: %d</title></rect>`,
				x, y, w, barHeight, palette[v], v+1, n)
			x += w
		}
	}
	b.WriteString(`</svg>`)
}

func (r Report) enpsChart(b *bytes.Buffer, lang string) {
	title := word("chart_enps", lang)
	if r.ENPS == nil {
		open(b, 0, title, r.empty(), lang)
		b.WriteString(`</svg>`)
		return
	}
	e := r.ENPS
	open(b, 3, fmt.Sprintf("%s: %+.1f", title, e.Score), "", lang)
	span := float64(chartWidth - labelWidth - 60)
	for i, part := range []struct {
		key    string
		n      int
		colour string
	}{{"promoters", e.Promoters, palette[4]}, {"passives", e.Passives, palette[2]}, {"detractors", e.Detractors, palette[0]}} {
		y := rowLabel(b, i, word(part.key, lang))
		w := float64(part.n) / float64(e.N) * span
		fmt.Fprintf(b, `<rect class="bar" x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, labelWidth, y, w, barHeight, part.colour)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="#222">%d</text>`, float64(labelWidth)+w+6, y+barHeight-4, part.n)
	}
	b.WriteString(`</svg>`)
}

func (r Report) stagesChart(b *bytes.Buffer, lang string) {
	stages := r.stageKeys()
	open(b, len(stages), word("chart_stages", lang), "no_data", lang)
	most := 1
	for _, s := range stages {
		most = max(most, r.Stages[s])
	}
	span := float64(chartWidth - labelWidth - 60)
	for i, s := range stages {
		y := rowLabel(b, i, string(s))
		w := float64(r.Stages[s]) / float64(most) * span
		fmt.Fprintf(b, `<rect class="bar" x="%d" y="%d" width="%.1f" height="%d" fill="#67a9cf"/>`, labelWidth, y, w, barHeight)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="#222">%d</text>`, float64(labelWidth)+w+6, y+barHeight-4, r.Stages[s])
	}
	b.WriteString(`</svg>`)
}

// flowEnd is one column of the flows chart: its units, the most moved
// first, each unit's place among them, name, moves and the top of its
// bar.
type flowEnd struct {
	keys  []string
	rank  map[string]int
	names map[string]string
	moves map[string]int
	top   map[string]float64
}

// The flows chart's layout: the x of the origin and destination bars,
// their width, the gap between two units' bars, the least height a
// unit's row takes, so that labels do not overlap, and the height all
// the moves take together, at most.
const (
	flowLeft     = 250
	flowRight    = 470
	flowBarWidth = 12
	flowGap      = 8
	flowMinRow   = 16
	flowHeight   = 360
)

// flowColumn lays out one column of the flows chart, scale pixels a
// move: end says which of a flow's units the column shows, by ID and
// name. It returns the column and the y below its last unit.
func (r Report) flowColumn(end func(Flow) (string, string), scale float64, lang string) (flowEnd, float64) {
	e := flowEnd{rank: map[string]int{}, names: map[string]string{}, moves: map[string]int{}, top: map[string]float64{}}
	for _, fl := range r.Flows {
		key, name := end(fl)
		if _, ok := e.names[key]; !ok {
			e.keys = append(e.keys, key)
			e.names[key] = unitName(key, name, lang)
		}
		e.moves[key] += fl.Count
	}
	slices.SortFunc(e.keys, func(a, b string) int { return cmp.Or(e.moves[b]-e.moves[a], strings.Compare(a, b)) })
	y := 40.0
	for i, k := range e.keys {
		e.rank[k] = i
		e.top[k] = y
		y += max(float64(e.moves[k])*scale, flowMinRow) + flowGap
	}
	return e, y
}

// flowsChart draws the flows as two columns of unit bars, origins on the
// left and destinations on the right, each as tall as its moves, joined
// by bands as wide as each flow's, coloured by origin.
func (r Report) flowsChart(b *bytes.Buffer, lang string) {
	total := 0
	for _, fl := range r.Flows {
		total += fl.Count
	}
	scale := min(24, flowHeight/float64(max(total, 1)))
	from, fromBottom := r.flowColumn(func(fl Flow) (string, string) { return fl.From, fl.FromName }, scale, lang)
	to, toBottom := r.flowColumn(func(fl Flow) (string, string) { return fl.To, fl.ToName }, scale, lang)
	rows := 0
	if total > 0 {
		rows = int(math.Ceil((max(fromBottom, toBottom) - 40) / rowHeight))
	}
	open(b, rows, word("chart_flows", lang), "no_data", lang)
	// A band enters its destination below the bands from the
	// destination's larger origins, and leaves its origin below those to
	// the origin's larger destinations.
	type pair struct{ from, to string }
	entry := map[pair]float64{}
	next := maps.Clone(to.top)
	bands := slices.Clone(r.Flows)
	slices.SortFunc(bands, func(a, b Flow) int {
		return cmp.Or(to.rank[a.To]-to.rank[b.To], from.rank[a.From]-from.rank[b.From])
	})
	for _, fl := range bands {
		entry[pair{fl.From, fl.To}] = next[fl.To]
		next[fl.To] += float64(fl.Count) * scale
	}
	next = maps.Clone(from.top)
	slices.SortFunc(bands, func(a, b Flow) int {
		return cmp.Or(from.rank[a.From]-from.rank[b.From], to.rank[a.To]-to.rank[b.To])
	})
	// Origins and their bands take the palette's colours in turn,
	// destinations one grey.
	colour := func(k string) string { return palette[from.rank[k]%len(palette)] }
	x0, x1 := float64(flowLeft+flowBarWidth), float64(flowRight)
	mid := (x0 + x1) / 2
	for _, fl := range bands {
		y0, y1, w := next[fl.From], entry[pair{fl.From, fl.To}], float64(fl.Count)*scale
		next[fl.From] += w
		fmt.Fprintf(b, `<path class="band" d="M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f L%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f Z" fill="%s" fill-opacity="0.45"><title>%s → %s: %d</title></path>`,
			x0, y0, mid, y0, mid, y1, x1, y1, x1, y1+w, mid, y1+w, mid, y0+w, x0, y0+w, colour(fl.From),
			html.EscapeString(from.names[fl.From]), html.EscapeString(to.names[fl.To]), fl.Count)
	}
	for _, col := range []struct {
		end        flowEnd
		anchor     string
		bar, label int
		colour     func(string) string
	}{
		{from, "end", flowLeft, flowLeft - 6, colour},
		{to, "start", flowRight, flowRight + flowBarWidth + 6, func(string) string { return "#737373" }},
	} {
		for _, k := range col.end.keys {
			y, h, name := col.end.top[k], float64(col.end.moves[k])*scale, col.end.names[k]
			fmt.Fprintf(b, `<rect class="bar" x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s: %d</title></rect>`,
				col.bar, y, flowBarWidth, max(h, 2), col.colour(k), html.EscapeString(name), col.end.moves[k])
			fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="%s" fill="#222">%s (%d)</text>`,
				col.label, y+max(h, flowMinRow)/2+4, col.anchor, html.EscapeString(name), col.end.moves[k])
		}
	}
	b.WriteString(`</svg>`)
}
