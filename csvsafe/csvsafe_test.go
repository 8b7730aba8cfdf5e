package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// TestCell quotes every text a spreadsheet would read as a formula and
// leaves numbers and other texts as they are; a Writer does the same to
// every field, and the file reads back as CSV.
func TestCell(t *testing.T) {
	cases := map[string]string{
		"=cmd|'/C calc'!A0": "'=cmd|'/C calc'!A0", "+1+1": "'+1+1", "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
		"@SUM(A1:A2)": "'@SUM(A1:A2)", "\t=1+1": "'\t=1+1", "\r=1+1": "'\r=1+1", "-": "'-", "+5": "'+5", "-1e5": "'-1e5",
		"-20": "-20", "-14.29": "-14.29", "0.7": "0.7", "12": "12", "": "", "U001": "U001", "Dinas Sosial": "Dinas Sosial",
		"a=b": "a=b", "'quoted": "'quoted",
	}
	for in, want := range cases {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Write([]string{"unit", "=HYPERLINK(\"http://evil.example\")", "-20"})
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 1 || rows[0][1] != `'=HYPERLINK("http://evil.example")` || rows[0][2] != "-20" {
		t.Errorf("written %q (%v)", rows, err)
	}
}
