package evaluation

import (
	"bytes"
	"fmt"
	"html"

	"github.com/bkpsdm/mutasi/survey"
)

// Charts are the names of the charts Chart draws.
var Charts = []string{"items", "distribution", "enps", "stages"}

// ErrNoChart is returned for a chart name not in Charts.
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
	default:
		return nil, ErrNoChart
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
