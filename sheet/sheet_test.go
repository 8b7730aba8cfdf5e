package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bkpsdm/mutasi/i18n"
)

// evil are texts a spreadsheet would run as formulas if they were written
// as they are.
var evil = []string{"=cmd|'/C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "=HYPERLINK(\"http://evil.example\")"}

func table() Table {
	day := time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
	return Table{
		Name:    i18n.Text{ID: "Usulan", EN: "Proposals"},
		Columns: []Column{{Key: "text", Label: i18n.Text{ID: "Teks", EN: "Text"}}, {Key: "n"}, {Key: "score"}, {Key: "day"}, {Key: "none"}},
		Rows: func(add func(...any) error) error {
			for _, e := range evil {
				if err := add(e, -20, 0.5, day, (*time.Time)(nil)); err != nil {
					return err
				}
			}
			return add("short row")
		},
	}
}

// TestCSVAndWorkbook writes a table with formula-like texts both ways and
// reads it back: the CSV quotes them and keeps numbers and dates as
// people read them; the workbook holds them as text cells with no
// formula, numbers as numbers and the date as a date.
func TestCSVAndWorkbook(t *testing.T) {
	var b bytes.Buffer
	if err := table().Write(&b, CSV, "id"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(evil)+2 || rows[0][0] != "text" || rows[0][4] != "none" {
		t.Fatalf("csv %q", rows)
	}
	for i, e := range evil {
		if got := rows[i+1]; got[0] != "'"+e || got[1] != "-20" || got[2] != "0.5" || got[3] != "2027-01-02" || got[4] != "" {
			t.Errorf("csv row %d = %q", i+1, got)
		}
	}
	if last := rows[len(rows)-1]; last[0] != "short row" || last[1] != "" {
		t.Errorf("short row written %q", last)
	}

	b.Reset()
	if err := table().Write(&b, XLSX, "en"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); len(got) != 1 || got[0] != "Proposals" {
		t.Fatalf("sheets %q", got)
	}
	if h, _ := x.GetCellValue("Proposals", "A1"); h != "Text" {
		t.Errorf("header A1 %q, want the English label", h)
	}
	if h, _ := x.GetCellValue("Proposals", "B1"); h != "n" {
		t.Errorf("header B1 %q, want the key", h)
	}
	for i, e := range evil {
		ref := "A" + string(rune('2'+i))
		if v, _ := x.GetCellValue("Proposals", ref); v != e {
			t.Errorf("%s = %q, want %q", ref, v, e)
		}
		if f, _ := x.GetCellFormula("Proposals", ref); f != "" {
			t.Errorf("%s holds the formula %q", ref, f)
		}
		if typ, _ := x.GetCellType("Proposals", ref); typ == excelize.CellTypeFormula || typ == excelize.CellTypeNumber {
			t.Errorf("%s has type %v, want a text", ref, typ)
		}
	}
	if v, _ := x.GetCellValue("Proposals", "B2", excelize.Options{RawCellValue: true}); v != "-20" {
		t.Errorf("B2 = %q", v)
	}
	if v, _ := x.GetCellValue("Proposals", "D2"); v != "02/01/2027" {
		t.Errorf("D2 = %q, want the date shown day first", v)
	}
}

// TestRowsErrorStops: an error from the rows stops the writing and is
// returned.
func TestRowsErrorStops(t *testing.T) {
	boom := errors.New("boom")
	tb := Table{Name: i18n.Text{ID: "x"}, Columns: []Column{{Key: "a"}},
		Rows: func(add func(...any) error) error { return boom }}
	for _, f := range []Format{CSV, XLSX} {
		if err := tb.Write(&bytes.Buffer{}, f, "id"); !errors.Is(err, boom) {
			t.Errorf("%s: %v, want boom", f, err)
		}
	}
	if _, ok := ParseFormat("pdf"); ok {
		t.Error("format pdf accepted")
	}
}
