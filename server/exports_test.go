package server

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

// formulaStarts are the characters that make a spreadsheet read a cell
// as a formula.
const formulaStarts = "=+-@"

// evilGovernment is a generated government whose every unit, position
// and employee name starts with a character that makes a formula.
func evilGovernment() seed.Data {
	d := seed.Generate(40, time.Now(), 5)
	for i := range d.Units {
		d.Units[i].Name = `=HYPERLINK("http://evil.example","` + d.Units[i].Name + `")`
	}
	for i := range d.Positions {
		d.Positions[i].Name = "+" + d.Positions[i].Name
	}
	for i := range d.Employees {
		d.Employees[i].Name = string("@-"[i%2]) + d.Employees[i].Name
	}
	return d
}

// download reads a file from the API and returns its rows: a CSV's
// records, or the first sheet of a workbook, in which it also checks
// that no cell holds a formula.
func download(t *testing.T, s *stack, path string, role models.Role) [][]string {
	t.Helper()
	r := s.do("GET", path, role, nil)
	expect(t, r, http.StatusOK)
	if strings.Contains(path, "format=csv") {
		if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("%s: content type %q", path, ct)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return rows
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer x.Close()
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j := range row {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if f, _ := x.GetCellFormula(sheet, ref); f != "" {
					t.Errorf("%s: %s!%s holds the formula %q", path, sheet, ref, f)
				}
			}
		}
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkCSVCells fails on a CSV cell a spreadsheet would run: one that
// starts with a formula's character and is not a number.
func checkCSVCells(t *testing.T, path string, rows [][]string) {
	t.Helper()
	for i, row := range rows {
		for j, cell := range row {
			if cell != "" && strings.ContainsRune(formulaStarts, rune(cell[0])) && !isNumber(cell) {
				t.Errorf("%s: row %d column %d is %q, which a spreadsheet runs", path, i+1, j+1, cell)
			}
		}
	}
}

// isNumber: a figure such as -20 or 0.5, which a spreadsheet reads as a
// number and runs nothing.
func isNumber(s string) bool { return strings.Trim(s, "-0123456789.") == "" }

// column returns the values of the column with this key (a CSV header)
// or label (a workbook's), from the second row on.
func column(t *testing.T, rows [][]string, header string) []string {
	t.Helper()
	j := slices.Index(rows[0], header)
	if j < 0 {
		t.Fatalf("no column %q in %q", header, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		v := ""
		if j < len(r) {
			v = r[j]
		}
		out = append(out, v)
	}
	return out
}

// TestExportsAsFiles downloads every table a round offers, as CSV and as
// a workbook, from a government whose names are all formulas: each file
// holds every row the API lists, the names come back as the office typed
// them (a workbook) or marked as text (a CSV), and no cell of any export
// runs as a formula. The evaluation's exports are checked the same way.
func TestExportsAsFiles(t *testing.T) {
	s := newStack(t, "", nil)
	d := evilGovernment()
	units, positions, employees := governmentCSV(d)
	for _, f := range []struct{ kind, body string }{{"units", units}, {"positions", positions}, {"employees", employees}} {
		expect(t, s.do("POST", "/api/v1/imports/"+f.kind, models.RoleHR, f.body, "text/csv"), http.StatusOK)
	}
	names := map[string]string{}
	for _, e := range d.Employees {
		names[e.NIP] = e.Name
	}
	expect(t, s.do("POST", "/api/v1/rounds", models.RoleHR, map[string]any{"id": "X1", "name": "Ekspor", "settings": fastSettings}),
		http.StatusCreated)
	testkit.Eventually(t, "the round to await confirmation", func() bool {
		var round rounds.View
		s.do("GET", "/api/v1/rounds/X1", models.RoleHR, nil).json(t, &round)
		return round.Status == models.RoundAwaitingConfirmation
	})
	var props struct {
		Proposals       []models.Transfer
		ExclusionsTotal int `json:"exclusions_total"`
	}
	s.do("GET", "/api/v1/rounds/X1/proposals", models.RoleHR, nil).json(t, &props)
	if len(props.Proposals) < 2 || props.ExclusionsTotal == 0 {
		t.Fatalf("%d proposals and %d exclusions; want some of each", len(props.Proposals), props.ExclusionsTotal)
	}
	var ids []string
	for _, p := range props.Proposals {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)

	expect(t, s.do("POST", "/api/v1/rounds/X1/confirmation", models.RoleHR, map[string]any{}), http.StatusOK)
	var list struct{ Items []models.Transfer }
	testkit.Eventually(t, "transfers awaiting the TPK", func() bool {
		s.do("GET", "/api/v1/transfers?round=X1&stage=awaiting_tpk&limit=500", models.RoleTPK, nil).json(t, &list)
		return len(list.Items) == len(props.Proposals)
	})
	decided := list.Items[0]
	testkit.Eventually(t, "the TPK's decision to be taken", func() bool {
		return s.do("POST", "/api/v1/transfers/"+decided.ID+"/decisions", models.RoleTPK,
			map[string]any{"approve": true, "reason": "sesuai kebutuhan"}).status == http.StatusOK
	})

	makassar, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			// A workbook is read by its labels (Indonesian by default), a
			// CSV by its keys.
			key := func(k, label string) string {
				if format == "csv" {
					return k
				}
				return label
			}
			check := func(path string, role models.Role) [][]string {
				rows := download(t, s, path+"format="+format, role)
				if format == "csv" {
					checkCSVCells(t, path, rows)
				}
				return rows
			}
			// The names as the file shows them: as typed in a workbook,
			// after the quote that marks a text in a CSV.
			shown := func(name string) string {
				if format == "csv" {
					return "'" + name
				}
				return name
			}

			rows := check("/api/v1/rounds/X1/proposals?", models.RoleHR)
			got := column(t, rows, key("transfer_id", "ID mutasi"))
			slices.Sort(got)
			if !slices.Equal(got, ids) {
				t.Errorf("proposals file lists %d transfers, the API %d", len(got), len(ids))
			}
			for i, nip := range column(t, rows, key("nip", "NIP")) {
				if name := column(t, rows, key("name", "Nama"))[i]; name != shown(names[nip]) {
					t.Errorf("proposal of %s names %q, want %q", nip, name, shown(names[nip]))
				}
			}

			rows = check("/api/v1/rounds/X1/exclusions?", models.RoleHR)
			if len(rows)-1 != props.ExclusionsTotal {
				t.Errorf("exclusions file has %d rows, the API counts %d", len(rows)-1, props.ExclusionsTotal)
			}
			for _, rule := range column(t, rows, key("rule", "Aturan")) {
				if rule == "" {
					t.Error("an exclusion without its rule")
				}
			}

			rows = check("/api/v1/transfers?round=X1&", models.RoleTPK)
			got = column(t, rows, key("transfer_id", "ID mutasi"))
			if len(got) != len(ids) {
				t.Errorf("transfers file lists %d transfers, want %d", len(got), len(ids))
			}
			i := slices.Index(got, decided.ID)
			// The day as the government's (Asia/Makassar) clock reads it.
			now := time.Now().In(makassar)
			today := now.Format("2006-01-02")
			if format == "xlsx" {
				today = now.Format("02/01/2006")
			}
			if i < 0 {
				t.Fatalf("the decided transfer is not in the file")
			}
			if v := column(t, rows, key("tpk_decision", "Keputusan TPK"))[i]; v != "disetujui" {
				t.Errorf("the TPK's decision shows %q", v)
			}
			if v := column(t, rows, key("tpk_decided_at", "Tanggal keputusan TPK"))[i]; v != today {
				t.Errorf("the TPK's decision date shows %q, want %q", v, today)
			}

			check("/api/v1/rounds/X1/evaluation?", models.RoleHR)
		})
	}

	// An approver limited to a unit downloads the transfers to it alone,
	// and no exclusions.
	unit := d.Units[0]
	for _, p := range props.Proposals {
		if p.ToUnitID != unit.ID {
			continue
		}
		tok, err := apikey.Issue(s.db, "tpk-unit", models.Actor{ID: "tpk-unit", Role: models.RoleTPK, Units: []string{unit.ID}})
		if err != nil {
			t.Fatal(err)
		}
		s.tokens["tpk-unit"] = tok
		rows := download(t, s, "/api/v1/transfers?round=X1&format=csv", "tpk-unit")
		for _, u := range column(t, rows, "to_unit") {
			if u != "'"+unit.Name {
				t.Errorf("an approver of %s downloaded a transfer to %q", unit.ID, u)
			}
		}
		if len(rows) < 2 {
			t.Errorf("an approver of %s downloaded no transfer", unit.ID)
		}
		if rows := download(t, s, "/api/v1/rounds/X1/exclusions?format=csv", "tpk-unit"); len(rows) != 1 {
			t.Errorf("an approver limited to a unit downloaded %d exclusions", len(rows)-1)
		}
		break
	}

	// A filter that matches nothing gives the header alone; a bad format
	// is refused naming the field.
	if rows := download(t, s, "/api/v1/transfers?round=X1&stage=completed&format=csv", models.RoleHR); len(rows) != 1 {
		t.Errorf("an empty filter gave %d rows", len(rows))
	}
	r := s.do("GET", "/api/v1/rounds/X1/exclusions?format=pdf", models.RoleHR, nil)
	if p := r.problem(t); r.status != http.StatusBadRequest || p.Field != "format" {
		t.Errorf("format=pdf: %d %s", r.status, r.body)
	}
	expect(t, s.do("GET", "/api/v1/rounds/NOPE/proposals?format=csv", models.RoleHR, nil), http.StatusNotFound)
}

// TestImportTemplate downloads the employees' template, fills its data
// sheet as an office would (the columns in the template's order, the
// guide sheet left in) and imports it: every employee is created. The
// guide explains every column; the CSV template is the header alone.
func TestImportTemplate(t *testing.T) {
	s := newStack(t, "", nil)
	d := seed.Generate(40, time.Now(), 5)
	units, positions, employees := governmentCSV(d)
	expect(t, s.do("POST", "/api/v1/imports/units", models.RoleHR, units, "text/csv"), http.StatusOK)
	expect(t, s.do("POST", "/api/v1/imports/positions", models.RoleHR, positions, "text/csv"), http.StatusOK)

	r := s.do("GET", "/api/v1/imports/employees/template?lang=en", models.RoleHR, nil)
	expect(t, r, http.StatusOK)
	x, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); !slices.Equal(got, []string{"Data", "Guide"}) {
		t.Fatalf("sheets %q", got)
	}
	header, err := x.GetRows("Data")
	if err != nil || len(header) != 1 {
		t.Fatalf("data sheet %q (%v), want the header row alone", header, err)
	}
	guide, _ := x.GetRows("Guide")
	if len(guide) != len(header[0])+1 {
		t.Fatalf("the guide explains %d columns of %d", len(guide)-1, len(header[0]))
	}
	for i, g := range guide[1:] {
		if g[0] != header[0][i] || len(g) < 3 || g[2] == "" || (g[1] != "yes" && g[1] != "no") {
			t.Errorf("guide row %q for column %q", g, header[0][i])
		}
	}

	// Fill the data sheet from the generated employees, by column name.
	rows, err := csv.NewReader(strings.NewReader(employees)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows[1:] {
		out := make([]any, len(header[0]))
		for j, c := range header[0] {
			if k := slices.Index(rows[0], c); k >= 0 {
				out[j] = row[k]
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := x.SetSheetRow("Data", cell, &out); err != nil {
			t.Fatal(err)
		}
	}
	var filled bytes.Buffer
	if err := x.Write(&filled); err != nil {
		t.Fatal(err)
	}
	var res struct{ Created int }
	r = s.do("POST", "/api/v1/imports/employees", models.RoleHR, filled.String(),
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	expect(t, r, http.StatusOK)
	r.json(t, &res)
	if res.Created != len(d.Employees) {
		t.Errorf("the filled template created %d employees, want %d", res.Created, len(d.Employees))
	}

	csvRows := download(t, s, "/api/v1/imports/positions/template?format=csv", models.RoleHR)
	if len(csvRows) != 1 || !slices.Contains(csvRows[0], "min_rank") {
		t.Errorf("CSV template %q, want the header row alone", csvRows)
	}
	if r := s.do("GET", "/api/v1/imports/pegawai/template", models.RoleHR, nil); r.status != http.StatusNotFound {
		t.Errorf("an unknown kind: %d", r.status)
	}
	if r := s.do("GET", "/api/v1/imports/units/template", models.RoleTPK, nil); r.status != http.StatusForbidden {
		t.Errorf("a TPK member downloaded a template: %d", r.status)
	}
}
