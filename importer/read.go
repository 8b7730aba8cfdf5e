package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// ContentTypeXLSX is the media type of an Excel workbook (.xlsx).
const ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Limits on a workbook: its unpacked size, checked before and as it is
// read (an .xlsx is a zip archive, and a small one can unpack into
// gigabytes), and the size of one text, tag or comment in it.
const (
	maxSheetUnzipped = 256 << 20
	maxSheetXML      = 16 << 20
)

// rowReader reads a file of rows, calling each with every row in turn,
// and stops at the first error each returns.
type rowReader func(body io.Reader, imp spec, each func(row) error) error

// readerFor returns the reader of a file of the given media type: a CSV
// file (with a header; comma- or semicolon-separated, with or without a
// byte order mark), the first sheet of an Excel workbook (its first row
// the header) or a JSON array of objects.
func readerFor(contentType string) (rowReader, error) {
	switch contentType {
	case "application/json":
		return readJSON, nil
	case ContentTypeXLSX:
		return readSheet, nil
	case "text/csv", "":
		return readCSV, nil
	}
	return nil, apperr.New(apperr.KindUnsupported, "Content-Type", "kirim text/csv, berkas Excel (.xlsx) atau application/json",
		"send text/csv, an Excel workbook (.xlsx) or application/json")
}

// textReader reads text, refusing bytes that are not UTF-8 or are NUL as
// it goes, and remembers the error of the reader it reads, so that a
// parser's complaint about a body cut short can be told from the reason
// it was cut (e.g. it was over its size limit).
type textReader struct {
	r       io.Reader
	pending []byte // the start of a character split between reads
	err     error  // the error of r, but io.EOF
}

func (t *textReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	b := p[:n]
	if len(t.pending) > 0 {
		b = append(t.pending, b...)
		t.pending = nil
	}
	if i := lastCharStart(b); err == nil && !utf8.FullRune(b[i:]) {
		b, t.pending = b[:i], bytes.Clone(b[i:])
	}
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return 0, models.CheckText(b)
	}
	return n, err
}

// lastCharStart is where the last character of b begins (len(b) for an
// empty b).
func lastCharStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return len(b)
}

// readErr is the error that stopped a parser: the error of the body it
// read, if any, else err, or else the parser's complaint made malformed.
func (t *textReader) readErr(err error, malformed func(error) error) error {
	if t.err != nil {
		return t.err
	}
	if _, ok := apperr.As(err); ok {
		return err
	}
	return malformed(err)
}

// header checks a file's header and returns a function that makes the
// row of each record, numbered n, by the header's columns (a record
// shorter than the header has its last columns empty), each with
// values of its own (rows are checked on several goroutines at once). A
// SIASN file's header is matched loosely, and must have every required
// column.
func header(cols []string, imp spec) (func(n int, rec []string) row, error) {
	names := make([]string, len(cols))
	for i, h := range cols {
		name, ok := imp.column(h)
		switch {
		case ok && imp.siasn && slices.Contains(names[:i], name):
			return nil, apperr.New(apperr.KindMalformed, name, "kolom "+name+" ada dua kali", "the column "+name+" is there twice")
		case ok:
			names[i] = name
		case !imp.siasn:
			return nil, apperr.New(apperr.KindMalformed, strings.TrimSpace(h), "kolom tidak dikenal: "+h, "unknown column: "+h)
		}
	}
	if imp.siasn {
		var missing []string
		for _, c := range imp.columns {
			if !slices.Contains(names, c) {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			list := strings.Join(missing, ", ")
			return nil, apperr.New(apperr.KindMalformed, missing[0], "kolom wajib tidak ada: "+list, "required columns missing: "+list)
		}
	}
	index := map[string]int{}
	for i, name := range names {
		if name != "" {
			index[name] = i
		}
	}
	return func(n int, rec []string) row {
		values := make([]string, len(names))
		for i, name := range names[:min(len(names), len(rec))] { // a sheet's row may end before its last columns
			if name != "" {
				values[i] = imp.clean(rec[i])
			}
		}
		return row{n: n, cols: index, values: values}
	}, nil
}

// column is the column of imp that a header (or JSON key) h names, if
// any: h itself, or, in a SIASN file, the column whose siasnKey is h's.
func (imp spec) column(h string) (string, bool) {
	h = strings.TrimSpace(h)
	known := slices.Concat(imp.columns, imp.optional)
	if !imp.siasn {
		return h, slices.Contains(known, h)
	}
	for _, c := range known {
		if siasnKey(c) == siasnKey(h) {
			return c, true
		}
	}
	return "", false
}

// siasnKey is a SIASN column name without case, spaces, underscores or
// hyphens: "NIP BARU", "nip_baru" and "nipBaru" are all "nipbaru".
func siasnKey(name string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(name))
}

// clean is a value of a SIASN file without SIASN's marks: the apostrophe
// its export puts before a number kept as text (NIP, NIK), and "null" for
// no value. Other kinds' values are as they were.
func (imp spec) clean(v string) string {
	if !imp.siasn {
		return v
	}
	v = strings.TrimPrefix(strings.TrimSpace(v), "'")
	if strings.EqualFold(v, "null") {
		return ""
	}
	return v
}

// emptyFile refuses a file with no header.
var emptyFile = apperr.New(apperr.KindMalformed, "", "berkas kosong", "empty file")

// readCSV reads a CSV file as it arrives; its rows are numbered from 2,
// after the header.
func readCSV(body io.Reader, imp spec, each func(row) error) error {
	text := &textReader{r: body}
	br := bufio.NewReaderSize(text, 64<<10)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" { // Excel's "CSV UTF-8" begins with a byte order mark
		br.Discard(3)
	}
	start, _ := br.Peek(br.Size())
	rd := csv.NewReader(br)
	rd.Comma = separator(start)
	rd.TrimLeadingSpace = true
	rd.ReuseRecord = true
	malformed := func(err error) error {
		return apperr.New(apperr.KindMalformed, "", "CSV tidak sah: "+err.Error(), "malformed CSV: "+err.Error())
	}
	rec, err := rd.Read()
	if err == io.EOF {
		return emptyFile
	}
	if err != nil {
		return text.readErr(err, malformed)
	}
	mk, err := header(rec, imp)
	if err != nil {
		return err
	}
	for n := 2; ; n++ {
		rec, err := rd.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return text.readErr(err, malformed)
		}
		if err := each(mk(n, rec)); err != nil {
			return err
		}
	}
}

// separator is the field separator of a CSV file that starts with start:
// a semicolon when its header line has more semicolons than commas, as
// Excel writes CSV where the comma is the decimal mark (Indonesian
// settings), else a comma. No column name holds either.
func separator(start []byte) rune {
	line, _, _ := bytes.Cut(start, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

// readJSON reads a JSON array of objects as it arrives, object by object,
// or the same array as the "data" of an object, as SIASN's API answers
// ({"code": 1, "data": [...]}); its rows are numbered from 1. A null value
// is an empty cell.
func readJSON(body io.Reader, imp spec, each func(row) error) error {
	text := &textReader{r: body}
	dec := json.NewDecoder(text)
	malformed := func(err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return apperr.New(apperr.KindMalformed, "", "JSON harus berupa array objek: "+err.Error(), "JSON must be an array of objects: "+err.Error())
	}
	notArray := errors.New("not an array")
	tok, err := dec.Token()
	envelope := err == nil && tok == json.Delim('{')
	if envelope {
		if tok, err = toData(dec); err == io.EOF {
			err = errors.New(`no "data" array`)
		}
	}
	if err != nil || tok != json.Delim('[') {
		return text.readErr(firstErr(err, notArray), malformed)
	}
	columns := map[string]string{} // the column of each key seen, "" for none
	for n := 1; dec.More(); n++ {
		var o map[string]any
		if err := dec.Decode(&o); err != nil {
			return text.readErr(err, malformed)
		}
		r := row{n: n, cols: make(map[string]int, len(o))}
		for k, v := range o {
			// An escaped NUL (\u0000) is NUL once decoded.
			if err := models.CheckText([]byte(k)); err != nil {
				return err
			}
			col, seen := columns[k]
			if !seen {
				col = k // other kinds: every key, unknown ones unread
				if imp.siasn {
					col, _ = imp.column(k)
				}
				columns[strings.Clone(k)] = col
			}
			if col == "" {
				continue
			}
			value := "" // null: the column is there, and empty
			if v != nil {
				value = imp.clean(fmt.Sprint(v))
			}
			if err := models.CheckText([]byte(value)); err != nil {
				return err
			}
			r.cols[col] = len(r.values)
			r.values = append(r.values, value)
		}
		if err := each(r); err != nil {
			return err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return text.readErr(firstErr(err, notArray), malformed)
	}
	if envelope {
		if _, err := toData(dec); err != io.EOF {
			return text.readErr(firstErr(err, errors.New("two data arrays")), malformed)
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return text.readErr(firstErr(err, errors.New("more than one JSON value")), malformed)
	}
	return nil
}

// toData reads the members of a JSON object up to its "data" member and
// returns that member's first token; past the object's end, io.EOF. The
// other members are skipped.
func toData(dec *json.Decoder) (json.Token, error) {
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if key == "data" {
			return dec.Token()
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, firstErr(err, errors.New("no data array"))
	}
	return nil, io.EOF
}

// firstErr returns the first of errs that is not nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// readSheet reads the first sheet of an Excel workbook: its non-empty
// rows, each as long as the first (the header), with raw cell values (a
// date is its serial day number), numbered as in the sheet. A workbook
// needs random access: it is copied to a temporary file first, and its
// sheet is read as it is unpacked (sheetRows).
func readSheet(body io.Reader, imp spec, each func(row) error) error {
	tmp, err := os.CreateTemp("", "mutasi-import-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, body)
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}
	var mk func(n int, rec []string) row
	width := 0
	var stop error // the error of a row, not of the workbook's form
	zr, err := zip.OpenReader(tmp.Name())
	if err == nil {
		defer zr.Close()
		here := func(n int, cells []string) error {
			mk, width, stop = sheetRow(n, cells, imp, mk, width, each)
			return stop
		}
		err = sheetRows(&zr.Reader, here, func(run sheetRun) error {
			if mk == nil { // the header may be in it: read it here
				return run(here)
			}
			stop = each(row{expand: expandRun(run, imp, mk, width)})
			return stop
		})
	}
	switch {
	case stop != nil: // sheetRows stopped at it, and may have wrapped it
		return stop
	case err != nil:
		return malformedWorkbook(err)
	case mk == nil:
		return emptyFile
	}
	return nil
}

// expandRun is a row standing for the rows of run after the header,
// which mk makes, width wide: the checker that takes it reads them.
func expandRun(run sheetRun, imp spec, mk func(n int, rec []string) row, width int) func() ([]row, error) {
	return func() ([]row, error) {
		var rows []row
		var stop error
		err := run(func(n int, cells []string) error {
			_, _, stop = sheetRow(n, cells, imp, mk, width, func(r row) error {
				rows = append(rows, r)
				return nil
			})
			return stop
		})
		if err != nil && stop == nil {
			return rows, malformedWorkbook(err)
		}
		return rows, stop
	}
}

// malformedWorkbook is the error of a workbook whose form is wrong.
func malformedWorkbook(err error) error {
	return apperr.New(apperr.KindMalformed, "", "berkas Excel tidak sah: "+err.Error(), "malformed Excel workbook: "+err.Error())
}

// sheetRow passes on the row numbered n of a sheet, its cells cells, if
// it is not empty: the first is the header, which makes mk, the maker of
// the rows after it, and their width. It returns them, and the error of
// the header or of each.
func sheetRow(n int, cells []string, imp spec, mk func(n int, rec []string) row, width int,
	each func(row) error) (func(n int, rec []string) row, int, error) {
	if !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" }) {
		return mk, width, nil
	}
	for _, c := range cells {
		if err := models.CheckText([]byte(c)); err != nil {
			return mk, width, err
		}
	}
	if mk == nil {
		mk, err := header(cells, imp)
		return mk, len(cells), err
	}
	if len(cells) > width {
		return mk, width, apperr.New(apperr.KindMalformed, "", fmt.Sprintf("baris %d punya lebih banyak sel daripada judul kolom", n),
			fmt.Sprintf("row %d has more cells than the header", n))
	}
	r := mk(n, cells)
	r.serialDates = true
	return mk, width, each(r)
}
