package importer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/xuri/excelize/v2"
)

// numberedRow is a row of a sheet, numbered as in it.
type numberedRow struct {
	n     int
	cells []string
}

// excelizeRows are the rows with a cell of a workbook's first sheet as
// excelize's streaming reader reads them, as readSheet once did.
func excelizeRows(t testing.TB, name string) []numberedRow {
	f, err := excelize.OpenFile(name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var rows []numberedRow
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) > 0 {
			rows = append(rows, numberedRow{n, cells})
		}
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// ourRows are the rows with a cell of a workbook's first sheet as
// sheetRows reads them.
func ourRows(name string) ([]numberedRow, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var rows []numberedRow
	each := func(n int, cells []string) error {
		rows = append(rows, numberedRow{n, slices.Clone(cells)})
		return nil
	}
	err = sheetRows(&zr.Reader, each, func(run sheetRun) error { return run(each) })
	return rows, err
}

// awkwardWorkbook writes a workbook with awkward content with excelize:
// shared, rich and inline strings, characters to escape, gaps, numbers,
// dates, booleans, formulas, empty rows, long text, and a second sheet.
func awkwardWorkbook(t testing.TB, name string) {
	f := excelize.NewFile()
	defer f.Close()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "nip")
	set("B1", "nama & <gelar>")
	set("D1", "tanggal")
	set("A2", "199001012020011001")
	set("B2", "Siti \"Ayu\" 'Nur' &amp; &#233; é ü 😀 中文")
	set("C2", 3.25)
	set("D2", time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC))
	set("E2", true)
	set("F2", false)
	set("A4", "  spasi  \n baris\r\nbaru\ttab")
	set("B4", strings.Repeat("panjang ", 5000))
	set("C4", -12345678901234567)
	set("AA4", "jauh")
	set("A6", "")
	set("A7", "_x000D_ bukan escape?") // written as _x005F_x000D_, read back as typed
	if err := f.SetCellFormula("Sheet1", "B7", "1+1"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellRichText("Sheet1", "C7", []excelize.RichTextRun{{Text: "tebal "}, {Text: "& miring"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Lain"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Lain", "A1", "bukan ini"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(name); err != nil {
		t.Fatal(err)
	}
}

// streamedWorkbook writes a workbook with excelize's stream writer, which
// writes strings inline.
func streamedWorkbook(t testing.TB, name string, rows int) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= rows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		row := []any{fmt.Sprintf("1990%014d", i), "Pegawai <" + fmt.Sprint(i) + "> & Ökonomi", i, 1.5 * float64(i),
			time.Date(1990, 1, 1+i%365, 0, 0, 0, 0, time.UTC), i%2 == 0, nil, "Dinas Pendidikan"}
		if i%7 == 0 {
			row = []any{nil, "", nil} // empty row
		}
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(name); err != nil {
		t.Fatal(err)
	}
}

// handWorkbook writes a workbook by hand with what excelize does not
// write: prefixed elements, an absolute relationship target, no row and
// cell references, phonetic runs, character references, CDATA, comments,
// CR LF line ends, a self-closing cell and row, typed cells, Excel's
// _xHHHH_ escapes.
func handWorkbook(t testing.TB, name, sheet string, replace ...[2]string) {
	if err := os.WriteFile(name, handBytes(t, sheet, replace...), 0o600); err != nil {
		t.Fatal(err)
	}
}

// handBytes is handWorkbook's archive, in memory.
func handBytes(t testing.TB, sheet string, replace ...[2]string) []byte {
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="Data" sheetId="2" r:id="rId7"/><x:sheet name="Other" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/other.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/sharedStrings.xml":    handStrings,
		"xl/worksheets/other.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>not this</t></is></c></row></sheetData></worksheet>`,
		"xl/worksheets/data.xml":  sheet,
	}
	for _, r := range replace { // a part's name and its text
		parts[r[0]] = r[1]
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range slices.Sorted(maps.Keys(parts)) {
		w, err := zw.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[p]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// handStrings are handWorkbook's shared strings.
const handStrings = `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7"><si><t>id</t></si><si><r><rPr><b/></rPr><t xml:space="preserve">ka </t></r><r><t>ta</t></r><rPh sb="0" eb="1"><t>KATA</t></rPh></si><si><t>&#233;&#xE9;&lt;&gt;&quot;&apos;&amp;</t></si><si><t/></si><si/><si><t>after an empty one</t></si><si><t>tab_x0009_under_x005F_x0041_ lower_x00e9_ _x12_ _xZZZZ_</t></si></sst>`

// handSheet is handWorkbook's first sheet.
const handSheet = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- a comment <row> -->\r\n" +
	`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:dimension ref="A1:G8"/><x:sheetData>` +
	`<x:row r="2" spans="1:4"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v> 1 </x:v></x:c><x:c r="D2" t="s"><x:v>2</x:v></x:c><x:c r="E2" t="s"><x:v>3</x:v></x:c><x:c r="F2" t="s"><x:v>4</x:v></x:c><x:c r="G2" t="s"><x:v>5</x:v></x:c><x:c r="H2" t="s"><x:v>6</x:v></x:c></x:row>` +
	`<x:row><x:c t="inlineStr"><x:is><x:r><x:t>i_x006E_</x:t></x:r><x:r><x:rPr><x:i/></x:rPr><x:t>line</x:t></x:r><x:rPh><x:t>ING</x:t></x:rPh></x:is></x:c><x:c/><x:c t="str"><x:f>A1</x:f><x:v>a&#x1F600;b</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>` +
	`<x:row r="5"/><x:row r="6" ht="15"><x:c r="b6" s="3"><x:v>45000.5</x:v></x:c><x:c r="C6" t="n"><x:v><![CDATA[1<2]]></x:v></x:c><x:c r="D6" t="inlineStr"><x:is><x:t>line 1` + "\r\nline 2\r" + `</x:t></x:is></x:c><x:c r="F6" t="d"><x:v>2021-03-04T00:00:00Z</x:v></x:c></x:row>` +
	`<x:row r="8"><x:c r="A8" t="inlineStr"></x:c><x:c r="B8" t="s"></x:c><x:c r="C8" t='str' other="a>b"><x:v>q</x:v></x:c></x:row>` +
	`</x:sheetData><x:pageMargins left="0.7"/></x:worksheet>`

// TestSheetRowsAsExcelize reads every workbook in the repository and
// workbooks with awkward content with sheetRows and with excelize's
// streaming reader: the rows are the same.
func TestSheetRowsAsExcelize(t *testing.T) {
	var names []string
	filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".xlsx") {
			names = append(names, p)
		}
		return err
	})
	if len(names) == 0 {
		t.Fatal("no workbook in the repository")
	}
	dir := t.TempDir()
	awkward, streamed, hand := filepath.Join(dir, "awkward.xlsx"), filepath.Join(dir, "streamed.xlsx"), filepath.Join(dir, "hand.xlsx")
	awkwardWorkbook(t, awkward)
	streamedWorkbook(t, streamed, 500)
	handWorkbook(t, hand, handSheet)
	for _, name := range append(names, awkward, streamed, hand) {
		want := excelizeRows(t, name)
		got, err := ourRows(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
		if len(want) == 0 {
			t.Errorf("%s: no rows", name)
		}
	}
}

// TestAppendXstring decodes Excel's escapes and leaves alone what only
// looks like one.
func TestAppendXstring(t *testing.T) {
	for in, want := range map[string]string{
		"baris_x000D__x000A_baru": "baris\r\nbaru",
		"_x005F_x000D_":           "_x000D_",
		"_x00E9__x00e9_":          "éé",
		"_xD800_":                 "\uFFFD",
		"_x12_ _xZZZZ_ _x0041":    "_x12_ _xZZZZ_ _x0041",
		"x_x0041_":                "xA",
		"tanpa":                   "tanpa",
	} {
		if got := string(appendXstring([]byte("<"), []byte(in))); got != "<"+want {
			t.Errorf("appendXstring(%q) = %q, want %q", in, got, "<"+want)
		}
	}
}

// TestSheetMalformed reads workbooks that are not well formed, or too
// large once unpacked: each is refused as malformed.
func TestSheetMalformed(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.xlsx")
	handWorkbook(t, good, handSheet)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	sheet := func(xml string) []byte {
		name := filepath.Join(dir, "sheet.xlsx")
		handWorkbook(t, name, xml)
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	head := `<worksheet><sheetData>`
	strs := func(si string, n int) []byte {
		name := filepath.Join(dir, "strings.xlsx")
		handWorkbook(t, name, handSheet, [2]string{"xl/sharedStrings.xml", "<sst>" + strings.Repeat(si, n) + "</sst>"})
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := map[string][]byte{
		"not a zip":          []byte("id,name\nU1,Dinas\n"),
		"too many strings":   strs("<si/>", maxSharedStrings+1),
		"too much string":    strs("<si><t>"+strings.Repeat("x", 1<<20)+"</t></si>", maxSharedText>>20+1),
		"cut":                data[:len(data)/2],
		"zip bomb":           bomb(t),
		"cut sheet":          sheet(head + `<row r="1"><c r="A1" t="inlineStr"><is><t>id`),
		"bad entity":         sheet(head + `<row><c t="str"><v>&nbsp;</v></c></row></sheetData></worksheet>`),
		"bad char ref":       sheet(head + `<row><c t="str"><v>&#0;</v></c></row></sheetData></worksheet>`),
		"bad string index":   sheet(head + `<row><c t="s"><v>9</v></c></row></sheetData></worksheet>`),
		"bad cell reference": sheet(head + `<row><c r="1A"><v>1</v></c></row></sheetData></worksheet>`),
		"column too far":     sheet(head + `<row><c r="XFE1"><v>1</v></c></row></sheetData></worksheet>`),
		"row too far":        sheet(head + `<row r="1048577"><c><v>1</v></c></row></sheetData></worksheet>`),
		"doctype":            sheet(`<!DOCTYPE x [<!ENTITY a "b">]>` + head + `</sheetData></worksheet>`),
		"mismatched end":     sheet(head + `<row><c><v>1</c></row></sheetData></worksheet>`),
		"no sheet data":      sheet(`<worksheet></worksheet>`),
		"not UTF-8":          sheet(head + `<row><c t="str"><v>a` + "\xff" + `</v></c></row></sheetData></worksheet>`),
		// A run read while the part is open (it holds the header), and one
		// read by a checker once the part is closed, after the header.
		"bad cell reference in the first run": sheet(head + `<row r="1"><c r="1A"><v>1</v></c></row></sheetData></worksheet>`),
		"bad cell reference in a later run": sheet(head + `<row r="1"><c r="A1" t="inlineStr"><is><t>nip</t></is></c></row>` +
			strings.Repeat(`<row r="2"><c r="A2"><v>1</v></c></row>`, 2*runBytes/40) +
			`<row r="3"><c r="1A"><v>1</v></c></row></sheetData></worksheet>`),
	}
	for name, body := range cases {
		err := readSheet(bytes.NewReader(body), specs["employees"], func(r row) error {
			if r.expand != nil { // as a checker reads a run
				_, err := r.expand()
				return err
			}
			return nil
		})
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindMalformed {
			t.Errorf("%s: %v, want it refused as malformed", name, err)
		}
		if msg := fmt.Sprint(err); strings.HasPrefix(name, "too m") && !strings.Contains(msg, "shared strings") {
			t.Errorf("%s: %.200s, want it refused for its shared strings", name, msg)
		}
		if msg := fmt.Sprint(err); strings.HasPrefix(name, "bad cell") && (strings.Count(msg, "xl/worksheets/data.xml") != 1 || !strings.Contains(msg, "data.xml: invalid cell reference")) {
			t.Errorf("%s: %.200s, want it to name the sheet's part once", name, msg)
		}
	}
}

// bomb is a workbook whose sheet unpacks to more than maxSheetUnzipped.
func bomb(t testing.TB) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	space := bytes.Repeat([]byte(" "), 1<<20)
	for range maxSheetUnzipped>>20 + 1 {
		w.Write(space)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzSheetRows reads workbooks whose sheet and shared strings have any
// content, built in memory: sheetRows returns rows or an error, and does
// not panic.
func FuzzSheetRows(f *testing.F) {
	f.Add(handSheet, handStrings)
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>1</v></c></row></sheetData></worksheet>`, `<sst><si><t>a</t></si><si/></sst>`)
	f.Add(`<worksheet><sheetData><row><c t="inlineStr"><is><r><t>a&amp;_x0041_</t></r></is></c></row>`, handStrings)
	f.Add(`<worksheet><sheetData><row><c r="A1" other='>'><![CDATA[x]]><!-- c --><?pi?></c></row></sheetData>`, `<sst><si><r><t>_x005F_x</t></r><rPh><t>y</t></rPh></si>`)
	f.Fuzz(func(t *testing.T, sheet, strs string) {
		b := handBytes(t, sheet, [2]string{"xl/sharedStrings.xml", strs})
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		each := func(int, []string) error { return nil }
		sheetRows(zr, each, func(run sheetRun) error { return run(each) })
	})
}

// BenchmarkSheetRows iterates the 200,000 rows of a workbook written with
// excelize's stream writer (8 cells a row, inline strings) with sheetRows
// and, for comparison, with excelize's streaming reader.
func BenchmarkSheetRows(b *testing.B) {
	const n = 200000
	name := filepath.Join(b.TempDir(), "rows.xlsx")
	streamedWorkbook(b, name, n)
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			if _, err := ourRows(name); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("excelize", func(b *testing.B) {
		for b.Loop() {
			excelizeRows(b, name)
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// TestSheetCutIntoRuns reads sheets of several runs' worth of rows,
// written by hand: all numbered, with prefixed elements, blanks in end
// tags, a '>' in a quoted value, empty and self-closing rows, and a row
// longer than a run; and, from two thirds of the way on, one with a comment
// that holds a row's end tag, or with rows whose number is not written.
// The rows are excelize's, and the sheets are cut into several runs (the
// last two are read row by row from where cutting stops being safe).
func TestSheetCutIntoRuns(t *testing.T) {
	row := func(n int, numbered bool) string {
		r := ""
		if numbered {
			r = fmt.Sprintf(` r="%d"`, n)
		}
		switch {
		case n%50 == 0:
			return fmt.Sprintf(`<x:row%s/>`, r)
		case n == 200:
			return fmt.Sprintf(`<x:row%s><x:c t="inlineStr"><x:is><x:t>%s</x:t></x:is></x:c></x:row >`, r, strings.Repeat("panjang ", runBytes/4))
		}
		return fmt.Sprintf(`<x:row%s spans="1:3"><x:c t="inlineStr" other='a>b'><x:is><x:t>%d &amp; &lt;row&gt;</x:t></x:is></x:c>`+
			`<x:c t="n"><x:v>%d</x:v></x:c><x:c t="s"><x:v>%d</x:v></x:c></x:row>`, r, n, n*3, n%6)
	}
	const rows = 6000 // about 2 MB of XML
	sheet := func(midway string, numbered bool) string {
		var b strings.Builder
		b.WriteString(`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>`)
		for n := 1; n <= rows; n++ {
			if n == rows*2/3 {
				b.WriteString(midway)
			}
			b.WriteString(row(n, numbered || n < rows*2/3))
		}
		b.WriteString(`</x:sheetData ><x:pageMargins left="0.7"/></x:worksheet>`)
		return b.String()
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name            string
		sheet           string
		atLeast, atMost int // runs
	}{
		{"numbered", sheet("", true), 3, rows},
		{"a comment", sheet("<!-- </x:row> "+strings.Repeat("x", 2*runBytes)+" -->", true), 2, 5},
		{"unnumbered", sheet("", false), 2, 5},
	} {
		name := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".xlsx")
		handWorkbook(t, name, c.sheet)
		want := excelizeRows(t, name)
		zr, err := zip.OpenReader(name)
		if err != nil {
			t.Fatal(err)
		}
		var got []numberedRow
		runs := 0
		each := func(n int, cells []string) error {
			got = append(got, numberedRow{n, slices.Clone(cells)})
			return nil
		}
		err = sheetRows(&zr.Reader, each, func(run sheetRun) error {
			runs++
			return run(each)
		})
		zr.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || len(want) < rows*9/10 {
			t.Errorf("%s: %d rows, excelize %d; they differ", c.name, len(got), len(want))
		}
		if runs < c.atLeast || runs > c.atMost {
			t.Errorf("%s: %d runs, want from %d to %d", c.name, runs, c.atLeast, c.atMost)
		}
	}
}

// TestWorkbookReadInRuns imports a workbook of 10,000 units, whose sheet
// is read in several runs on the checkers: every unit is written, and so
// they are when a comment from 70% of the way on stops the cutting. With
// one bad row far into it, the import is refused naming that row, and
// writes nothing: a row error (a name missing), and a row with more
// cells than the header.
func TestWorkbookReadInRuns(t *testing.T) {
	const units = 10000
	workbook := func(bad int, badRow string) string {
		var b strings.Builder
		b.WriteString(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>`)
		for n := 2; n <= units+1; n++ {
			switch n {
			case bad:
				b.WriteString(badRow)
				continue
			case units * 7 / 10:
				if bad < 0 {
					b.WriteString("<!-- rows read one by one from here -->")
				}
			}
			fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>U%05d</t></is></c><c r="B%d" t="inlineStr"><is><t>Dinas %d</t></is></c></row>`, n, n, n, n, n)
		}
		b.WriteString(`</sheetData></worksheet>`)
		if b.Len() < 3*runBytes {
			t.Fatalf("the sheet is %d bytes: too small for several runs", b.Len())
		}
		return string(handBytes(t, b.String()))
	}
	gdb, _ := testkit.New(t)
	count := func() (n int64) {
		if err := gdb.Model(&models.Unit{}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	const bad = 8765
	for _, c := range []struct{ name, row, want string }{
		{"no name", fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>U-BAD</t></is></c></row>`, bad, bad), fmt.Sprintf("[{%d name", bad)},
		{"a cell too many", fmt.Sprintf(`<row r="%d"><c r="A%d"><v>1</v></c><c r="C%d"><v>2</v></c></row>`, bad, bad, bad), fmt.Sprintf("row %d has more cells", bad)},
	} {
		_, err := loadFile(gdb, "units", ContentTypeXLSX, workbook(bad, c.row))
		e, ok := apperr.As(err)
		if !ok || !strings.Contains(fmt.Sprint(e.Errors)+e.MessageEN, c.want) {
			t.Errorf("%s: %v (%+v), want it refused with %q", c.name, err, e, c.want)
		}
		if n := count(); n != 0 {
			t.Errorf("%s: %d units written", c.name, n)
		}
	}
	res, err := loadFile(gdb, "units", ContentTypeXLSX, workbook(-1, ""))
	if err != nil || res.Created != units || count() != units {
		t.Fatalf("with a comment: %+v, %v: want %d units created", res, err, units)
	}
	if err := gdb.Exec("DELETE FROM units").Error; err != nil {
		t.Fatal(err)
	}
	res, err = loadFile(gdb, "units", ContentTypeXLSX, workbook(0, ""))
	if err != nil || res.Created != units || count() != units {
		t.Fatalf("%+v, %v: want %d units created", res, err, units)
	}
	var u models.Unit
	if err := gdb.First(&u, "id = ?", fmt.Sprintf("U%05d", units+1)).Error; err != nil || u.Name != fmt.Sprintf("Dinas %d", units+1) {
		t.Errorf("the last unit: %+v, %v", u, err)
	}
}

// TestHasMarkup finds comments, CDATA sections and processing
// instructions, and not a '!' or '?' in a value.
func TestHasMarkup(t *testing.T) {
	for xml, want := range map[string]bool{
		`<row r="1"><c><v>1</v></c></row>`:                      false,
		`!<row r="1"><c t="str"><v>Ya! Apa? ?! <</v></c></row>`: false,
		`<row r="1"/><!-- a comment -->`:                        true,
		`<c t="str"><v><![CDATA[x]]></v></c>`:                   true,
		`a!b<?pi?>`:                                             true,
		`?<!`:                                                   true,
	} {
		if got := hasMarkup([]byte(xml)); got != want {
			t.Errorf("hasMarkup(%s) = %v, want %v", xml, got, want)
		}
	}
}
