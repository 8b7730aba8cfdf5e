package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of a worksheet, as Excel's own, and of the shared strings a
// workbook may hold in memory while its sheet is read (a workbook of
// 200,000 employees has about 4 MB of them).
const (
	maxSheetRows     = 1 << 20
	maxSheetColumns  = 1 << 14
	maxSharedStrings = 1 << 22
	maxSharedText    = 64 << 20
)

// rowFunc receives a row of a sheet that has a cell, numbered as in the
// sheet, with the raw values of its cells: a shared string's text, an
// inline string's, else the value as written (a date is its serial day
// number). The cells slice is reused between rows.
type rowFunc func(n int, cells []string) error

// sheetRun is a run of a sheet's rows, one after another, not read yet:
// scan reads them, passing each on, and may run on any goroutine, apart
// from the runs before and after it. Its errors other than each's are of
// the workbook's form.
type sheetRun func(each rowFunc) error

// sheetRows reads the first sheet of the workbook in the zip archive zr
// (the first <sheet> of xl/workbook.xml, found through its relationship),
// handing its rows, in order, to run in runs, or, where the sheet cannot
// be cut into runs, to each one by one. Reading a cell's XML costs more
// than unpacking it (2.1 s and 0.3 s for 200,000 employees), so the sheet
// is only cut into runs here, at row ends, and each run can be read on a
// core of its own (see readSheet). Errors are of the workbook's form, to
// be reported as malformed.
func sheetRows(zr *zip.Reader, each rowFunc, run func(sheetRun) error) error {
	files := make(map[string]*zip.File, len(zr.File))
	var size uint64
	for _, f := range zr.File {
		files[f.Name] = f
		size += f.UncompressedSize64
	}
	if size > maxSheetUnzipped {
		return fmt.Errorf("unpacked size over %d MB", maxSheetUnzipped>>20)
	}
	sheet, err := firstSheet(files)
	if err != nil {
		return err
	}
	strs, err := sharedStrings(files["xl/sharedStrings.xml"])
	if err != nil {
		return err
	}
	return readPart(files[sheet], sheet, func(x *xmlScanner) error { return splitSheet(x, sheet, strs, each, run) })
}

// readPart opens the part f, named name, of a workbook and scans it with
// scan.
func readPart(f *zip.File, name string, scan func(*xmlScanner) error) error {
	if f == nil {
		return errors.New("no " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxSheetUnzipped + 1}
	err = scan(&xmlScanner{r: bufio.NewReaderSize(lr, 64<<10)})
	if err != nil && lr.N == 0 {
		err = fmt.Errorf("unpacked size over %d MB", maxSheetUnzipped>>20)
	}
	return inPart(name, err)
}

// partError is an error in the part of a workbook named part.
type partError struct {
	part string
	err  error
}

func (e *partError) Error() string { return e.part + ": " + e.err.Error() }
func (e *partError) Unwrap() error { return e.err }

// inPart is err (if not nil) as an error in the part named name, unless
// it names its part already: a run of a sheet names it whether it is read
// while the part is open or after.
func inPart(name string, err error) error {
	var named *partError
	if err == nil || errors.As(err, &named) {
		return err
	}
	return &partError{part: name, err: err}
}

// firstSheet is the name in the archive of the workbook's first sheet.
func firstSheet(files map[string]*zip.File) (string, error) {
	var id string
	err := readPart(files["xl/workbook.xml"], "xl/workbook.xml", func(x *xmlScanner) error {
		for id == "" {
			if err := x.next(); err != nil {
				return err
			}
			if x.kind == tagStart && string(x.name) == "sheet" {
				id = x.attr("id")
				if id == "" {
					return errors.New("a sheet without r:id")
				}
			}
		}
		return nil
	})
	if errors.Is(err, io.EOF) {
		return "", errors.New("no sheet")
	}
	if err != nil {
		return "", err
	}
	var target string
	err = readPart(files["xl/_rels/workbook.xml.rels"], "xl/_rels/workbook.xml.rels", func(x *xmlScanner) error {
		for target == "" {
			if err := x.next(); err != nil {
				return err
			}
			if x.kind == tagStart && string(x.name) == "Relationship" && x.attr("Id") == id {
				target = x.attr("Target")
			}
		}
		return nil
	})
	if errors.Is(err, io.EOF) || err == nil && target == "" {
		return "", errors.New("no relationship " + id)
	}
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:]), nil
	}
	return path.Join("xl", target), nil
}

// sharedStrings reads the shared strings of a workbook, if it has them.
func sharedStrings(f *zip.File) ([]string, error) {
	if f == nil {
		return nil, nil
	}
	var strs []string
	size := 0
	err := readPart(f, f.Name, func(x *xmlScanner) error {
		for {
			err := x.next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if x.kind != tagStart || string(x.name) != "si" {
				continue
			}
			s := "" // <si/> is an empty string, and keeps its index
			if !x.selfClose {
				if s, err = x.richText("si"); err != nil {
					return err
				}
			}
			if size += len(s); len(strs) == maxSharedStrings || size > maxSharedText {
				return fmt.Errorf("more than %d shared strings or %d MB of them", maxSharedStrings, maxSharedText>>20)
			}
			strs = append(strs, s)
		}
	})
	return strs, err
}

// runBytes is about how much of a sheet's XML a run holds: some 300
// rows of 20 cells.
const runBytes = 256 << 10

// splitSheet cuts the rows of a worksheet's <sheetData> into runs and
// hands them to run. A run ends at a row's end tag, and each of its rows
// has its number written (r="7"), so that it can be read apart from the
// rows before it. Where a run cannot safely be cut (a comment, a CDATA
// section or a processing instruction among the rows, which could hold
// what looks like a row's end tag, or a row without its number), the
// rest of the sheet is read here, its rows passed to each, while the
// part is open.
func splitSheet(x *xmlScanner, name string, strs []string, each rowFunc, run func(sheetRun) error) error {
	for {
		if err := x.next(); err != nil {
			return noEOF(err)
		}
		if x.kind == tagStart && string(x.name) == "sheetData" {
			if x.selfClose {
				return nil
			}
			break
		}
	}
	buf := runBuffer(nil) // what is read, and in no run yet
	last := 0             // the number of the last row of the last run
	for {
		n, err := io.ReadFull(x.r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return err
		}
		serial := func() error {
			tail := &xmlScanner{r: bufio.NewReaderSize(io.MultiReader(bytes.NewReader(buf), x.r), 64<<10)}
			return scanRows(tail, strs, each, false, last)
		}
		if hasMarkup(buf) {
			return serial()
		}
		cut, _ := endTag(buf, "sheetData", false)
		ended := cut >= 0
		if !ended {
			_, cut = endTag(buf, "row", true)
		}
		switch {
		case cut < 0 && err != nil:
			return io.ErrUnexpectedEOF
		case cut < 0 && len(buf) > maxSheetXML:
			return fmt.Errorf("a row over %d MB", maxSheetXML>>20)
		case cut < 0: // a row longer than a run: read on
			buf = append(make([]byte, 0, 2*len(buf)), buf...)
			continue
		}
		n, numbered := rowNumbers(buf[:cut])
		if !numbered {
			return serial()
		}
		if n > 0 {
			last = n
		}
		var next []byte
		if !ended {
			next = runBuffer(buf[cut:]) // before the run is read, and its buffer reused
		}
		if err := run(runOf(buf[:cut], name, strs)); err != nil || ended {
			return err
		}
		buf = next
	}
}

// runBuffers keeps the buffers of the runs that have been read, for the
// runs after them: new ones were 0.2 GB of the 1.5 GB that an import of
// 200,000 employees from a workbook allocated.
var runBuffers = sync.Pool{New: func() any { return new([runBytes]byte) }}

// runBuffer is a buffer for the XML of a run that starts with rest, the
// part of a row after the last run, which it holds: one of runBuffers,
// unless rest is over half of one.
func runBuffer(rest []byte) []byte {
	if len(rest) > runBytes/2 {
		return append(make([]byte, 0, 2*len(rest)), rest...)
	}
	return append(runBuffers.Get().(*[runBytes]byte)[:0], rest...)
}

// hasMarkup says whether the XML b holds a comment, a CDATA section or
// a processing instruction ("<!", "<?"). It looks for the '!' and '?',
// rare in a sheet, not for its every '<' (bytes.Contains took 0.4 s of
// the 1 s spent cutting a sheet of 200,000 employees into runs).
func hasMarkup(b []byte) bool {
	for _, c := range []byte("!?") {
		for i := 0; ; i++ {
			k := bytes.IndexByte(b[i:], c)
			if k < 0 {
				break
			}
			if i += k; i > 0 && b[i-1] == '<' {
				return true
			}
		}
	}
	return false
}

// runOf is the run of the rows whose XML, from a row's start tag to a
// row's end tag, is b, in the part name. It can be read once: b goes back
// to runBuffers when it has been (the rows' cells are copies).
func runOf(b []byte, name string, strs []string) sheetRun {
	return func(each rowFunc) error {
		if cap(b) == runBytes {
			defer runBuffers.Put((*[runBytes]byte)(b[:runBytes]))
		}
		x := &xmlScanner{r: bufio.NewReaderSize(bytes.NewReader(b), 4<<10)}
		return inPart(name, scanRows(x, strs, each, true, 0))
	}
}

// rowNumbers reads the numbers (r="7") of the rows whose start tags are
// in the XML b: it returns the last one (0: no row), and whether every
// row has one.
func rowNumbers(b []byte) (int, bool) {
	last := 0
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte("row"))
		if k < 0 {
			return last, true
		}
		k += i
		i = k + len("row")
		start := prefixStart(b, k)
		if start == 0 || b[start-1] != '<' || i == len(b) || !isBlank(b[i]) && b[i] != '>' && b[i] != '/' {
			continue // not a row's start tag
		}
		end := closingBracket(b[i:])
		if end < 0 {
			return last, false
		}
		r, ok := findAttr(b[i:i+end], "r")
		n, err := strconv.Atoi(string(r))
		if !ok || err != nil {
			return last, false
		}
		last, i = n, i+end
	}
}

// closingBracket is where in b, a tag (or its part after its name), the
// '>' that ends it is: the first not in a quoted value, or -1.
func closingBracket(b []byte) int {
	var q byte
	for i, c := range b {
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			return i
		}
	}
	return -1
}

// endTag finds in b an end tag of the element whose local name is name
// (</row>, </x:row>, </row >): the first, or the last when last is set.
// It returns where the tag starts and where it ends (after its '>'), or
// -1, -1.
func endTag(b []byte, name string, last bool) (int, int) {
	for from, to := 0, len(b); ; {
		var i int
		if last {
			i = bytes.LastIndex(b[:to], []byte(name))
			to = i
		} else if i = bytes.Index(b[from:], []byte(name)); i >= 0 {
			i += from
			from = i + 1
		}
		if i < 0 {
			return -1, -1
		}
		start := prefixStart(b, i)
		if start < 2 || b[start-1] != '/' || b[start-2] != '<' {
			continue
		}
		end := i + len(name)
		for end < len(b) && isBlank(b[end]) {
			end++
		}
		if end < len(b) && b[end] == '>' {
			return start - 2, end + 1
		}
	}
}

// prefixStart is where in b the name of an element that has its local
// name at i starts: before its prefix, if it has one (x:row).
func prefixStart(b []byte, i int) int {
	if i == 0 || b[i-1] != ':' {
		return i
	}
	i--
	for i > 0 && isNameByte(b[i-1]) {
		i--
	}
	return i
}

// isNameByte says whether c may be in an XML name (of ASCII ones).
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// scanRows reads rows, up to the end of <sheetData>, or, when runEnds is
// set, up to the end of the XML, which a run has; the row before them is
// numbered n.
func scanRows(x *xmlScanner, strs []string, each rowFunc, runEnds bool, n int) error {
	var cells []string
	for {
		if err := x.next(); err != nil {
			if err == io.EOF && runEnds {
				return nil
			}
			return noEOF(err)
		}
		switch {
		case x.kind == tagEnd && string(x.name) == "sheetData":
			return nil
		case x.kind != tagStart || string(x.name) != "row":
			continue
		}
		var err error
		if n, err = rowNumber(x.attr("r"), n); err != nil {
			return err
		}
		cells = cells[:0]
		if !x.selfClose {
			if cells, err = scanRow(x, strs, cells); err != nil {
				return err
			}
		}
		if len(cells) > 0 {
			if err := each(n, cells); err != nil {
				return err
			}
		}
	}
}

// rowNumber is the number of a row whose r attribute is r, the row before
// it being prev.
func rowNumber(r string, prev int) (int, error) {
	if r == "" {
		r = strconv.Itoa(prev + 1)
	}
	n, err := strconv.Atoi(r)
	if err != nil || n < 1 || n > maxSheetRows {
		return 0, fmt.Errorf("invalid row number %q", r)
	}
	return n, nil
}

// scanRow reads the cells of a <row> into cells, up to its last cell
// that has a value or a formula. The texts of a row's cells are parts of
// one string: a row allocates once for them, not once a cell.
func scanRow(x *xmlScanner, strs []string, cells []string) ([]string, error) {
	x.row, x.cells = x.row[:0], x.cells[:0]
	col := 0
	for {
		if err := x.next(); err != nil {
			return nil, noEOF(err)
		}
		if x.kind == tagEnd && string(x.name) == "row" {
			break
		}
		if x.kind != tagStart || string(x.name) != "c" {
			continue
		}
		ref, t := x.cellAttrs()
		var err error
		if col, err = cellColumn(ref, col); err != nil {
			return nil, err
		}
		typ := string(t) // one of a few short names
		var v, inline []byte
		formula, hasInline, plain := false, false, false
		if !x.selfClose {
			if x.chars, hasInline, plain = x.plainCell(x.chars[:0]); hasInline {
				inline = x.chars
			} else {
				v = x.chars
			}
		}
		for !x.selfClose && !plain {
			if err := x.next(); err != nil {
				return nil, noEOF(err)
			}
			if x.kind == tagEnd && string(x.name) == "c" {
				break
			}
			if x.kind != tagStart {
				continue
			}
			switch string(x.name) {
			case "f":
				formula = true
			case "v":
				if x.chars, err = x.appendText(x.chars[:0], "v"); err != nil {
					return nil, err
				}
				v = x.chars
			case "is":
				hasInline = true
				if x.inline, err = x.appendRichText(x.inline[:0], "is"); err != nil {
					return nil, err
				}
				inline = x.inline
			}
		}
		c := cellText{col: col, shared: -1}
		switch {
		case typ == "s" && len(v) > 0:
			if c.shared, err = strconv.Atoi(strings.TrimSpace(string(v))); err != nil || c.shared < 0 || c.shared >= len(strs) {
				return nil, fmt.Errorf("invalid shared string index %q", v)
			}
			if strs[c.shared] == "" && !formula {
				continue
			}
		case typ == "inlineStr" && hasInline:
			v = inline
			fallthrough
		default:
			if len(v) == 0 && !formula {
				continue
			}
			c.start = len(x.row)
			x.row = append(x.row, v...)
			c.end = len(x.row)
		}
		x.cells = append(x.cells, c)
	}
	text := string(x.row)
	for _, c := range x.cells {
		for len(cells) < c.col-1 {
			cells = append(cells, "")
		}
		if c.shared >= 0 {
			cells = append(cells, strs[c.shared])
		} else {
			cells = append(cells, text[c.start:c.end])
		}
	}
	return cells, nil
}

// Cells as nearly every one is written, after the cell's start tag:
// the start of its value (a <v>, an inline string's <t>), the end of the
// cell after the value's text, and whether the value is an inline
// string.
var plainCells = []struct {
	start, end string
	inline     bool
}{
	{"<v>", "</v></c>", false},
	{"<is><t>", "</t></is></c>", true},
	{`<is><t xml:space="preserve">`, "</t></is></c>", true},
}

// plainCell reads the rest of a cell just started, up to its end tag,
// when it is written as one of plainCells (x.plain): it appends the
// value's text to dst (an inline string's decoded as appendRichText
// does) and says whether it was an inline string's. Otherwise it reads
// nothing, and plain is false. Reading a cell token by token took most of
// the time of reading a sheet.
func (x *xmlScanner) plainCell(dst []byte) (out []byte, inline, plain bool) {
	for _, form := range plainCells {
		var ok bool
		if x.rich, ok = x.plain(x.rich[:0], form.start, form.end); !ok {
			continue
		}
		if form.inline {
			return appendXstring(dst, x.rich), true, true
		}
		return append(dst, x.rich...), false, true
	}
	return dst, false, false
}

// cellText is where a cell's value is: in column col, the shared string
// numbered shared, or, when shared is -1, the text from start to end of
// its row's texts.
type cellText struct{ col, shared, start, end int }

// cellColumn is the column (from 1) of a cell whose r attribute is r
// ("B7"), the cell before it being in column prev.
func cellColumn(r []byte, prev int) (int, error) {
	if len(r) == 0 {
		if prev >= maxSheetColumns {
			return 0, errors.New("too many columns")
		}
		return prev + 1, nil
	}
	col, i := 0, 0
	for ; i < len(r) && col <= maxSheetColumns; i++ {
		c := r[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || col > maxSheetColumns || i == len(r) || slices.ContainsFunc(r[i:], func(c byte) bool { return c < '0' || c > '9' }) {
		return 0, fmt.Errorf("invalid cell reference %q", r)
	}
	return col, nil
}

// isBlank says whether c is XML's white space. (bytes.TrimLeft and
// IndexAny with a set of characters make the set on every call: a tenth
// of reading a sheet's cells.)
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// trimBlanks is b without the white space it starts with.
func trimBlanks(b []byte) []byte {
	for len(b) > 0 && isBlank(b[0]) {
		b = b[1:]
	}
	return b
}

// indexBlank is where in b its first white space is, or -1.
func indexBlank(b []byte) int {
	return slices.IndexFunc(b, isBlank)
}

// noEOF turns the end of a part in the middle of it into an error.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Kinds of xmlScanner's tokens.
const (
	tagStart = iota + 1
	tagEnd
	charData
)

// xmlScanner reads the elements of an XML part of a workbook, a token at
// a time, faster than encoding/xml and without namespaces: an element's
// name is its local name (<x:c> is c). Comments and processing
// instructions are skipped; a document type declaration is refused.
type xmlScanner struct {
	r         *bufio.Reader
	kind      int    // the kind of the last token
	name      []byte // a tag's local name
	attrs     []byte // a start tag's attributes, as written
	selfClose bool   // a start tag is also its end (<c/>)
	data      []byte // character data, decoded
	buf       []byte
	// The texts and the attribute value being put together, kept from one
	// to the next so that a cell allocates only its value.
	chars, rich, inline, value, value2 []byte
	// A row's texts, and where each of its cells' is (scanRow).
	row   []byte
	cells []cellText
}

// next reads the next token.
func (x *xmlScanner) next() error {
	b, err := x.r.ReadByte()
	if err != nil {
		return err
	}
	if b != '<' {
		x.r.UnreadByte()
		raw, err := x.until('<')
		if err != nil && err != io.EOF {
			return err
		}
		if err == nil {
			x.r.UnreadByte()
			raw = raw[:len(raw)-1]
		}
		x.kind = charData
		x.data, err = unescape(x.data[:0], raw)
		return err
	}
	b, err = x.r.ReadByte()
	if err != nil {
		return noEOF(err)
	}
	switch b {
	case '?':
		return x.skip("?>")
	case '!':
		head, _ := x.r.Peek(7)
		switch {
		case bytes.HasPrefix(head, []byte("--")):
			return x.skip("-->")
		case bytes.HasPrefix(head, []byte("[CDATA[")):
			x.r.Discard(7)
			raw, err := x.through("]]>")
			x.kind = charData
			x.data = append(x.data[:0], raw...)
			return err
		}
		return errors.New("a document type declaration")
	}
	x.r.UnreadByte()
	tag, err := x.tag()
	if err != nil {
		return err
	}
	x.kind = tagStart
	if tag[0] == '/' {
		x.kind, tag = tagEnd, tag[1:]
	}
	x.selfClose = x.kind == tagStart && tag[len(tag)-1] == '/'
	if x.selfClose {
		tag = tag[:len(tag)-1]
	}
	end := indexBlank(tag)
	if end < 0 {
		end = len(tag)
	}
	x.name, x.attrs = tag[:end], tag[end:]
	if i := bytes.LastIndexByte(x.name, ':'); i >= 0 {
		x.name = x.name[i+1:]
	}
	if len(x.name) == 0 {
		return errors.New("a tag without a name")
	}
	return nil
}

// until reads up to and including delim, or to the end of the part; the
// bytes are valid until the next read.
func (x *xmlScanner) until(delim byte) ([]byte, error) {
	b, err := x.r.ReadSlice(delim)
	if err != bufio.ErrBufferFull {
		return b, err
	}
	x.buf = append(x.buf[:0], b...)
	for err == bufio.ErrBufferFull {
		if len(x.buf) > maxSheetXML {
			return nil, fmt.Errorf("text over %d MB", maxSheetXML>>20)
		}
		b, err = x.r.ReadSlice(delim)
		x.buf = append(x.buf, b...)
	}
	return x.buf, err
}

// tag reads a tag after its '<', up to its '>' outside quotes, and
// returns it without them.
func (x *xmlScanner) tag() ([]byte, error) {
	b, err := x.until('>')
	if err != nil {
		return nil, noEOF(err)
	}
	if closingBracket(b) < 0 { // its '>' is in a quoted value: rare, copied
		b = bytes.Clone(b)
		for closingBracket(b) < 0 {
			more, err := x.until('>')
			if err != nil {
				return nil, noEOF(err)
			}
			if b = append(b, more...); len(b) > maxSheetXML {
				return nil, errors.New("a tag too long")
			}
		}
	}
	if len(b) < 2 {
		return nil, errors.New("an empty tag")
	}
	return b[:len(b)-1], nil
}

// skip reads through end.
func (x *xmlScanner) skip(end string) error {
	_, err := x.through(end)
	if err != nil {
		return err
	}
	return x.next()
}

// through reads through end and returns what was before it.
func (x *xmlScanner) through(end string) ([]byte, error) {
	x.buf = x.buf[:0]
	for !bytes.HasSuffix(x.buf, []byte(end)) {
		b, err := x.r.ReadSlice(end[len(end)-1])
		if err != nil && err != bufio.ErrBufferFull {
			return nil, noEOF(err)
		}
		x.buf = append(x.buf, b...)
		if len(x.buf) > maxSheetXML {
			return nil, errors.New("a comment or CDATA section too long")
		}
	}
	return x.buf[:len(x.buf)-len(end)], nil
}

// attr is the value of the last start tag's attribute with the local
// name name, or "".
func (x *xmlScanner) attr(name string) string {
	return string(x.attrBytes(name))
}

// attrBytes is attr's value as bytes, valid until the next token.
func (x *xmlScanner) attrBytes(name string) []byte {
	raw, _ := findAttr(x.attrs, name)
	return unescapeValue(raw, &x.value)
}

// cellAttrs are the values of the r and t attributes of a cell's start
// tag, the last token, read in one pass over its attributes; valid until
// the next token.
func (x *xmlScanner) cellAttrs() (r, t []byte) {
	for a := x.attrs; ; {
		key, value, rest, ok := nextAttr(a)
		switch {
		case !ok:
			return unescapeValue(r, &x.value), unescapeValue(t, &x.value2)
		case string(key) == "r":
			r = value
		case string(key) == "t":
			t = value
		}
		a = rest
	}
}

// unescapeValue is an attribute's value as written, raw, unescaped: raw
// itself when it has no reference or carriage return (a cell's r and t),
// else a copy in *buf; nil for a bad reference.
func unescapeValue(raw []byte, buf *[]byte) []byte {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return raw
	}
	var err error
	if *buf, err = unescape((*buf)[:0], raw); err != nil {
		return nil
	}
	return *buf
}

// findAttr finds, in a start tag's attributes a as written, the value of
// the one whose local name is name, as written (not unescaped).
func findAttr(a []byte, name string) ([]byte, bool) {
	for {
		key, value, rest, ok := nextAttr(a)
		if !ok || string(key) == name {
			return value, ok
		}
		a = rest
	}
}

// nextAttr reads the first of a start tag's attributes a, as written:
// its local name, its value (not unescaped) and the attributes after it;
// ok is false when a has none, or is not well formed.
func nextAttr(a []byte) (key, value, rest []byte, ok bool) {
	a = trimBlanks(a)
	eq := bytes.IndexByte(a, '=')
	if eq < 0 {
		return nil, nil, nil, false
	}
	key = a[:eq]
	for len(key) > 0 && isBlank(key[len(key)-1]) {
		key = key[:len(key)-1]
	}
	if i := bytes.LastIndexByte(key, ':'); i >= 0 {
		key = key[i+1:]
	}
	a = trimBlanks(a[eq+1:])
	if len(a) == 0 || a[0] != '"' && a[0] != '\'' {
		return nil, nil, nil, false
	}
	end := bytes.IndexByte(a[1:], a[0])
	if end < 0 {
		return nil, nil, nil, false
	}
	return key, a[1 : end+1], a[end+2:], true
}

// appendText appends the character data of the element named name just
// started, up to its end, to dst; elements inside it are skipped.
func (x *xmlScanner) appendText(dst []byte, name string) ([]byte, error) {
	if x.selfClose {
		return dst, nil
	}
	if out, ok := x.plain(dst, "", "</"+name+">"); ok { // as nearly every text is written
		return out, nil
	}
	for depth := 0; ; {
		if err := x.next(); err != nil {
			return dst, noEOF(err)
		}
		switch x.kind {
		case charData:
			if depth == 0 {
				dst = append(dst, x.data...)
			}
		case tagStart:
			if !x.selfClose {
				depth++
			}
		case tagEnd:
			if depth == 0 {
				if string(x.name) != name {
					return dst, fmt.Errorf("<%s> ended by </%s>", name, x.name)
				}
				return dst, nil
			}
			depth--
		}
	}
}

// plain reads, from what x has buffered, start, character data alone and
// end (<v>, 12, </v></c>), without making tokens of them: it appends
// the character data, unescaped, to dst. Otherwise, or when the data has
// a bad reference (to be read again, token by token, and reported), it
// reads nothing, and says so.
func (x *xmlScanner) plain(dst []byte, start, end string) ([]byte, bool) {
	b, _ := x.r.Peek(x.r.Buffered())
	if !bytes.HasPrefix(b, []byte(start)) {
		return dst, false
	}
	raw := b[len(start):]
	i := bytes.IndexByte(raw, '<')
	if i < 0 || !bytes.HasPrefix(raw[i:], []byte(end)) {
		return dst, false
	}
	out, err := unescape(dst, raw[:i])
	if err != nil {
		return dst, false
	}
	x.r.Discard(len(start) + i + len(end))
	return out, true
}

// richText is the text of the element named name just started (<si> or
// <is>): its <t>, then those of its runs (<r><t>), without phonetic
// runs (<rPh>), with Excel's escapes decoded (appendXstring).
func (x *xmlScanner) richText(name string) (string, error) {
	var err error
	x.chars, err = x.appendRichText(x.chars[:0], name)
	return string(x.chars), err
}

// appendRichText appends richText's text to dst.
func (x *xmlScanner) appendRichText(dst []byte, name string) ([]byte, error) {
	if x.selfClose {
		return dst, nil
	}
	x.rich = x.rich[:0]
	phonetic := 0
	for {
		if err := x.next(); err != nil {
			return dst, noEOF(err)
		}
		switch {
		case x.kind == tagEnd && string(x.name) == name:
			return appendXstring(dst, x.rich), nil
		case x.kind == tagStart && string(x.name) == "rPh" && !x.selfClose:
			phonetic++
		case x.kind == tagEnd && string(x.name) == "rPh":
			phonetic--
		case x.kind == tagStart && string(x.name) == "t" && phonetic == 0:
			var err error
			if x.rich, err = x.appendText(x.rich, "t"); err != nil {
				return dst, err
			}
		}
	}
}

// unescape appends raw, character data or an attribute value as written,
// to dst with its references (&amp;, &#233;, &#xE9;) replaced and its
// line ends (CR LF, CR) made LF, as encoding/xml reads them.
func unescape(dst, raw []byte) ([]byte, error) {
	for len(raw) > 0 {
		i := slices.IndexFunc(raw, func(c byte) bool { return c == '&' || c == '\r' })
		if i < 0 {
			return append(dst, raw...), nil
		}
		dst, raw = append(dst, raw[:i]...), raw[i:]
		if raw[0] == '\r' {
			dst, raw = append(dst, '\n'), raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		end := bytes.IndexByte(raw, ';')
		if end < 0 {
			return nil, errors.New("an unterminated reference")
		}
		ref := string(raw[1:end])
		raw = raw[end+1:]
		switch ref {
		case "amp":
			dst = append(dst, '&')
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ref)
			if !ok {
				return nil, fmt.Errorf("an invalid reference &%s;", ref)
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, nil
}

// charRef is the character of a numeric character reference without its
// & and ; (#233, #xE9).
func charRef(ref string) (rune, bool) {
	var n uint64
	var err error
	switch {
	case strings.HasPrefix(ref, "#x"):
		n, err = strconv.ParseUint(ref[2:], 16, 32)
	case strings.HasPrefix(ref, "#"):
		n, err = strconv.ParseUint(ref[1:], 10, 32)
	default:
		return 0, false
	}
	r := rune(n)
	return r, err == nil && utf8.ValidRune(r) && r != 0
}

// appendXstring appends s to dst with the escapes decoded that Excel
// writes in a string's text for characters XML 1.0 cannot hold, such as
// a carriage return (ECMA-376 Part 1, ST_Xstring): _xHHHH_ stands for the
// UTF-16 code unit HHHH (hexadecimal), and _x005F_ for an underscore,
// written before text that would otherwise read as an escape. A lone
// surrogate becomes U+FFFD, which the import's text checks refuse.
func appendXstring(dst, s []byte) []byte {
	if !bytes.Contains(s, []byte("_x")) {
		return append(dst, s...)
	}
	for i := 0; i < len(s); {
		if r, ok := xstringEscape(s[i:]); ok {
			dst = utf8.AppendRune(dst, r)
			i += len("_xHHHH_")
			continue
		}
		dst = append(dst, s[i])
		i++
	}
	return dst
}

// xstringEscape reads the escape _xHHHH_ at the start of s.
func xstringEscape(s []byte) (rune, bool) {
	if len(s) < len("_xHHHH_") || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s[2:6]), 16, 16)
	if err != nil {
		return 0, false
	}
	if r := rune(v); !utf16.IsSurrogate(r) {
		return r, true
	}
	return utf8.RuneError, true
}
