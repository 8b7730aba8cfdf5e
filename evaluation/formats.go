package evaluation

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/bkpsdm/mutasi/csvsafe"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/sheet"
)

// summaryRow is one line of the report's summary: a key, its label and
// its value (nil when there is nothing to show); hidden marks a survey
// figure the report suppresses.
type summaryRow struct {
	key    string
	value  *float64
	hidden bool
}

func f(v float64) *float64 { return &v }
func fi(v int) *float64    { return f(float64(v)) }

// summary lists the report's headline figures in order.
func (r Report) summary() []summaryRow {
	rows := []summaryRow{
		{key: "transfers", value: fi(r.Transfers)}, {key: "socialized", value: fi(r.Socialized)},
		{key: "sent", value: fi(r.Response.Sent)}, {key: "answered", value: fi(r.Response.Answered)},
		{key: "response_rate", value: r.Response.Rate},
		{key: "motivated", value: r.Motivated, hidden: r.Suppressed}, {key: "enps", hidden: r.Suppressed},
		{key: "objections", value: fi(r.Objections.Count)}, {key: "objection_rate", value: r.Objections.Rate},
		{key: "assigned", value: fi(r.Training.Assigned)}, {key: "completed", value: fi(r.Training.Completed)},
		{key: "missed", value: fi(r.Training.Missed)}, {key: "pending", value: fi(r.Training.Pending)},
		{key: "to_eff_mean", value: r.ToEffective.Mean}, {key: "to_eff_median", value: r.ToEffective.Median},
		{key: "to_eff_max", value: r.ToEffective.Max},
	}
	if r.ENPS != nil {
		rows[6].value = &r.ENPS.Score
	}
	if r.Live {
		rows = append(rows, summaryRow{key: "live", value: fi(1)})
	}
	return rows
}

func num(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// stageKeys are the stages in a stable order.
func (r Report) stageKeys() []models.Stage {
	keys := make([]models.Stage, 0, len(r.Stages))
	for s := range r.Stages {
		keys = append(keys, s)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// CSV writes the report as rows of section, group, metric and value; the
// metric names are stable keys, for spreadsheets and scripts. A
// suppressed figure is left empty and its part has a "suppressed" row
// with value true instead of its figures. An objection category's texts
// are numbered rows text_N, resolution_N and note_N, then a "withheld"
// row if a round's texts of it are withheld and a "pending" row if a
// round's wait for its survey window to close; a flow is a row of its origin unit with metric to_<destination>;
// an outcome is a row of section outcome_<indicator> (outcomes.go), and a
// trend point's indicator one of section trend_quarter or trend_round.
// A group can be data people imported (a unit id), and a text what an
// employee typed, so the cells go through package csvsafe: a
// spreadsheet shows a formula in one as text.
func (r Report) CSV(w io.Writer) error {
	cw := csvsafe.NewWriter(w)
	row := func(section, group, metric, value string) { cw.Write([]string{section, group, metric, value}) }
	row("section", "group", "metric", "value")
	for _, s := range r.summary() {
		row("summary", "", s.key, num(s.value))
	}
	if r.Suppressed {
		row("summary", "", "suppressed", "true")
	}
	for _, st := range r.stageKeys() {
		row("stage", string(st), "transfers", strconv.Itoa(r.Stages[st]))
	}
	cats := make([]string, 0, len(r.Objections.ByCategory))
	for c := range r.Objections.ByCategory {
		cats = append(cats, string(c))
	}
	sort.Strings(cats)
	for _, c := range cats {
		row("objection", c, "count", strconv.Itoa(r.Objections.ByCategory[models.ObjectionCategory(c)]))
	}
	for _, g := range r.Objections.Texts {
		for i, o := range g.Texts {
			n := strconv.Itoa(i + 1)
			row("objection_text", string(g.Category), "text_"+n, o.Text)
			row("objection_text", string(g.Category), "resolution_"+n, string(o.Resolution))
			row("objection_text", string(g.Category), "note_"+n, o.Note)
		}
		if g.Withheld {
			row("objection_text", string(g.Category), "withheld", "true")
		}
		if g.Pending {
			row("objection_text", string(g.Category), "pending", "true")
		}
	}
	for _, fl := range r.Flows {
		row("flow", fl.From, "to_"+fl.To, strconv.Itoa(fl.Count))
	}
	for _, o := range r.Outcomes.rows() {
		row("outcome_"+o.indicator, o.group, o.metric, num(o.value))
	}
	for _, series := range r.Trend.series() {
		for _, p := range series.points {
			for _, c := range trendColumns {
				row("trend_"+series.key, p.Key, c.key, num(c.value(p)))
			}
		}
	}
	for _, it := range r.Items {
		row("item", it.Code, "n", strconv.Itoa(it.N))
		if it.Suppressed {
			row("item", it.Code, "suppressed", "true")
			continue
		}
		row("item", it.Code, "mean", num(it.Mean))
		row("item", it.Code, "top2_share", num(it.Top2))
		lo := 1
		if len(it.Distribution) == 11 {
			lo = 0
		}
		for i, n := range it.Distribution {
			row("item", it.Code, fmt.Sprintf("answered_%d", lo+i), strconv.Itoa(n))
		}
	}
	for _, part := range []struct {
		section string
		groups  []Group
	}{{"unit", r.ByUnit}, {"position_kind", r.ByKind}} {
		for _, g := range part.groups {
			row(part.section, g.Key, "transfers", strconv.Itoa(g.Transfers))
			if g.Suppressed {
				row(part.section, g.Key, "suppressed", "true")
				continue
			}
			row(part.section, g.Key, "respondents", strconv.Itoa(*g.Respondents))
			row(part.section, g.Key, "more_motivated", num(g.Motivated))
			row(part.section, g.Key, "enps", num(g.ENPS))
			codes := make([]string, 0, len(g.Means))
			for c := range g.Means {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, c := range codes {
				m := g.Means[c]
				row(part.section, g.Key, "mean_"+c, num(&m))
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Excel writes the report as a workbook with a sheet per part, labelled
// in lang ("id" or "en").
func (r Report) Excel(w io.Writer, lang string) error {
	// table is a sheet whose columns are labelled by the report's words;
	// its first column is wide.
	table := func(key string, header []sheet.Column, rows [][]any) sheet.Table {
		header[0].Width = 42
		return sheet.Table{Name: words[key], Columns: header, Rows: func(add func(...any) error) error {
			for _, row := range rows {
				if err := add(row...); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	cols := func(keys ...string) []sheet.Column {
		out := make([]sheet.Column, len(keys))
		for i, k := range keys {
			out[i] = sheet.Column{Key: k, Label: words[k]}
		}
		return out
	}
	val := func(v *float64) any {
		if v == nil {
			return ""
		}
		return *v
	}
	var tables []sheet.Table
	var rows [][]any
	for _, s := range r.summary() {
		if s.hidden {
			rows = append(rows, []any{word(s.key, lang), word("suppressed", lang)})
			continue
		}
		rows = append(rows, []any{word(s.key, lang), val(s.value)})
	}
	tables = append(tables, table("sheet_summary", cols("metric", "value"), rows))
	rows = nil
	header := cols("code", "question")
	header = append(header, sheet.Column{Key: "N"})
	header = append(header, cols("mean", "top2")...)
	for v := 0; v <= 10; v++ {
		header = append(header, sheet.Column{Key: strconv.Itoa(v)})
	}
	for _, it := range r.Items {
		row := []any{it.Code, i18n.Pick(lang, it.Text, it.TextEN), it.N, val(it.Mean), val(it.Top2)}
		if it.Suppressed {
			rows = append(rows, []any{it.Code, i18n.Pick(lang, it.Text, it.TextEN), it.N, word("suppressed", lang)})
			continue
		}
		if len(it.Distribution) == 5 {
			row = append(row, "") // no 0 on a 1-5 scale
		}
		for _, n := range it.Distribution {
			row = append(row, n)
		}
		rows = append(rows, row)
	}
	tables = append(tables, table("sheet_items", header, rows))
	for _, part := range []struct {
		sheet, col string
		groups     []Group
	}{{"sheet_units", "unit", r.ByUnit}, {"sheet_kinds", "kind", r.ByKind}} {
		rows = nil
		for _, g := range part.groups {
			if g.Suppressed {
				rows = append(rows, []any{g.Name, g.Transfers, word("suppressed", lang)})
				continue
			}
			rows = append(rows, []any{g.Name, g.Transfers, *g.Respondents, val(g.Motivated), val(g.ENPS)})
		}
		tables = append(tables, table(part.sheet, cols(part.col, "transfers", "respondents", "motivated", "enps"), rows))
	}
	rows = nil
	for c, n := range r.Objections.ByCategory {
		rows = append(rows, []any{string(c), n})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0].(string) < rows[j][0].(string) })
	tables = append(tables, table("sheet_objections", cols("category", "count"), rows))
	rows = nil
	for _, st := range r.stageKeys() {
		rows = append(rows, []any{string(st), r.Stages[st]})
	}
	tables = append(tables, table("sheet_stages", cols("stage", "count"), rows))
	rows = nil
	for _, fl := range r.Flows {
		rows = append(rows, []any{unitName(fl.From, fl.FromName, lang), unitName(fl.To, fl.ToName, lang), fl.Count})
	}
	tables = append(tables, table("sheet_flows", cols("from_unit", "to_unit", "count"), rows))
	rows = nil
	for _, g := range r.Objections.Texts {
		category := i18n.T(lang, "category."+string(g.Category))
		for _, o := range g.Texts {
			rows = append(rows, []any{category, o.Text, resolution(o.Resolution, lang), o.Note})
		}
		if g.Withheld {
			rows = append(rows, []any{category, word("withheld", lang)})
		}
		if g.Pending {
			rows = append(rows, []any{category, word("texts_pending", lang)})
		}
	}
	tables = append(tables, table("sheet_texts", cols("category", "text", "resolution", "note"), rows))
	rows = nil
	for _, o := range r.Outcomes.rows() {
		rows = append(rows, []any{word(o.indicator, lang), o.label(lang), o.metricLabel(lang), val(o.value)})
	}
	tables = append(tables, table("sheet_outcomes", cols("indicator", "group", "metric", "value"), rows))
	if r.Trend != nil {
		rows = nil
		header := cols("series", "point")
		for _, c := range trendColumns {
			header = append(header, sheet.Column{Key: c.key, Label: i18n.Text{ID: i18n.T("id", "trend."+c.key), EN: i18n.T("en", "trend."+c.key)}})
		}
		for _, series := range r.Trend.series() {
			for _, p := range series.points {
				row := []any{word("series_"+series.key, lang), p.Key}
				for _, c := range trendColumns {
					row = append(row, val(c.value(p)))
				}
				rows = append(rows, row)
			}
		}
		tables = append(tables, table("sheet_trend", header, rows))
	}
	return sheet.Workbook(w, lang, tables...)
}
