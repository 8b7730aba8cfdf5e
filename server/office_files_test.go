package server

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bkpsdm/mutasi/importer"
	"github.com/bkpsdm/mutasi/testkit"
)

// office reads a file of testdata/office.
func office(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "office", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOfficeFiles imports the files of testdata/office as an HR office
// has them (Excel's "CSV UTF-8" with a byte order mark, semicolons, a
// workbook saved by a spreadsheet program with date and boolean cells),
// each into a fresh database after the units and positions: every one
// imports, and leaves the same data as the plain file.
func TestOfficeFiles(t *testing.T) {
	// The fixtures are what they claim to be.
	if f := office(t, "pegawai-utf8-bom.csv"); !strings.HasPrefix(f, "\ufeffnip,") {
		t.Fatalf("pegawai-utf8-bom.csv starts with %q", f[:8])
	}
	if f := office(t, "pegawai-titik-koma.csv"); !strings.HasPrefix(f, "nip;name;") {
		t.Fatalf("pegawai-titik-koma.csv starts with %q", f[:9])
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(office(t, "pegawai.xlsx"))))
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetList()[0]
	if typ, _ := x.GetCellType(sheet, "A2"); typ != excelize.CellTypeSharedString {
		t.Errorf("pegawai.xlsx holds the NIP as %v, want a text cell", typ)
	}
	if v, _ := x.GetCellValue(sheet, "H2", excelize.Options{RawCellValue: true}); strings.Contains(v, "/") {
		t.Errorf("pegawai.xlsx holds in_post_since as the text %q, want a date cell", v)
	}
	x.Close()

	var want string
	for _, f := range []struct{ file, contentType string }{
		{"pegawai-acuan.csv", "text/csv"},
		{"pegawai-utf8-bom.csv", "text/csv"},
		{"pegawai-titik-koma.csv", "text/csv"},
		{"pegawai.xlsx", importer.ContentTypeXLSX},
	} {
		t.Run(f.file, func(t *testing.T) {
			gdb, _ := testkit.New(t)
			post := importAPIAs(t, gdb, "text/csv")
			post("units", office(t, "unit_kerja.csv"), 200)
			post("positions", office(t, "jabatan.csv"), 200)
			r := importAPIAs(t, gdb, f.contentType)("employees", office(t, f.file), 200)
			if r.Result.Created != 24 {
				t.Errorf("created %d employees, want 24", r.Result.Created)
			}
			state := importedState(t, gdb)
			if want == "" {
				want = state
			} else if state != want {
				t.Errorf("%s imported other data than the plain file:\n%.1500s\n---\n%.1500s", f.file, want, state)
			}
		})
	}
}
