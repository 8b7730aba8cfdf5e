package importer

import (
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
	"github.com/xuri/excelize/v2"
)

// ContentTypeXLSX is the media type of an Excel workbook (.xlsx).
const ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Limits on a workbook: its unpacked size, checked as it is read (an
// .xlsx is a zip archive, and a small one can unpack into gigabytes), and
// the size of a sheet or of its shared strings above which they are
// unpacked to a temporary file instead of held in memory.
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
// row of each record, numbered n, by the header's columns. The rows share
// one map: each must be done with before the next is made.
func header(cols []string, imp spec) (func(n int, rec []string) row, error) {
	known := slices.Concat(imp.columns, imp.optional)
	names := make([]string, len(cols))
	for i, h := range cols {
		names[i] = strings.TrimSpace(h)
		if !slices.Contains(known, names[i]) {
			return nil, apperr.New(apperr.KindMalformed, names[i], "kolom tidak dikenal: "+h, "unknown column: "+h)
		}
	}
	fields := make(map[string]string, len(names))
	return func(n int, rec []string) row {
		for i, name := range names {
			fields[name] = rec[i]
		}
		return row{n: n, fields: fields}
	}, nil
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

// readJSON reads a JSON array of objects as it arrives, object by object;
// its rows are numbered from 1. A null value is an empty cell.
func readJSON(body io.Reader, _ spec, each func(row) error) error {
	text := &textReader{r: body}
	dec := json.NewDecoder(text)
	malformed := func(err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return apperr.New(apperr.KindMalformed, "", "JSON harus berupa array objek: "+err.Error(), "JSON must be an array of objects: "+err.Error())
	}
	notArray := errors.New("not an array")
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return text.readErr(firstErr(err, notArray), malformed)
	}
	for n := 1; dec.More(); n++ {
		var o map[string]any
		if err := dec.Decode(&o); err != nil {
			return text.readErr(err, malformed)
		}
		r := row{n: n, fields: make(map[string]string, len(o))}
		for k, v := range o {
			r.fields[k] = "" // null: the column is there, and empty
			if v != nil {
				r.fields[k] = fmt.Sprint(v)
			}
			// An escaped NUL (\u0000) is NUL once decoded.
			if err := models.CheckText([]byte(k + r.fields[k])); err != nil {
				return err
			}
		}
		if err := each(r); err != nil {
			return err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return text.readErr(firstErr(err, notArray), malformed)
	}
	if _, err := dec.Token(); err != io.EOF {
		return text.readErr(firstErr(err, errors.New("more than one JSON value")), malformed)
	}
	return nil
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
// needs random access: it is copied to a temporary file first, and a
// large sheet is unpacked to another (maxSheetXML).
func readSheet(body io.Reader, imp spec, each func(row) error) error {
	malformed := func(err error) error {
		return apperr.New(apperr.KindMalformed, "", "berkas Excel tidak sah: "+err.Error(), "malformed Excel workbook: "+err.Error())
	}
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
	f, err := excelize.OpenFile(tmp.Name(), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: maxSheetUnzipped, UnzipXMLSizeLimit: maxSheetXML})
	if err != nil {
		return malformed(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return malformed(errors.New("no sheet"))
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return malformed(err)
	}
	defer it.Close()
	var mk func(n int, rec []string) row
	width := 0
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return malformed(err)
		}
		if !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue
		}
		for _, c := range cells {
			if err := models.CheckText([]byte(c)); err != nil {
				return err
			}
		}
		if mk == nil {
			if mk, err = header(cells, imp); err != nil {
				return err
			}
			width = len(cells)
			continue
		}
		if len(cells) > width {
			return apperr.New(apperr.KindMalformed, "", fmt.Sprintf("baris %d punya lebih banyak sel daripada judul kolom", n),
				fmt.Sprintf("row %d has more cells than the header", n))
		}
		r := mk(n, append(cells, make([]string, width-len(cells))...))
		r.serialDates = true
		if err := each(r); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return malformed(err)
	}
	if mk == nil {
		return emptyFile
	}
	return nil
}
