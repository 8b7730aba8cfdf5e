package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The input files of "mutasi select" are read by hand rather than with
// encoding/csv, which manages about 15 MB/s on their millions of short
// lines: the file is read in large blocks, cut into lines and fields in
// place, and names and numbers are taken from the bytes without copying
// them. What the reader accepts:
//
//   - lines end in \n or \r\n (the last one may have no end); empty lines
//     are skipped;
//   - fields are separated by commas; spaces around a field are dropped;
//   - a field may be double-quoted, to hold commas, with "" for a quote in
//     it; a quoted field must end on its line (a line break inside quotes
//     is an error), and a quote inside an unquoted field is taken as is;
//   - the first line is the header: the expected column names in order,
//     in any case, with spaces and a UTF-8 byte order mark ignored;
//   - every record has as many fields as the header.
//
// Every error names the file and the line: "pairs.csv line 17: ...".

// csvBlock is the size of the blocks a csvReader reads; a longer line
// grows its buffer.
const csvBlock = 1 << 20

// csvReader reads the records of a CSV file.
type csvReader struct {
	path   string
	f      *os.File
	size   int64    // of the file
	buf    []byte   // buf[off:end] is read and not yet taken
	off    int      // start of the next line in buf
	end    int      // end of the bytes read into buf
	eof    bool     // the whole file is in buf[:end]
	line   int      // number of the current line, from 1
	text   []byte   // the current line, without its end
	fields [][]byte // the current record's fields, slices of buf valid until the next record
}

// openCSV opens the file at path and checks that its header is header.
// The caller closes the reader.
func openCSV(path string, header ...string) (*csvReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &csvReader{path: path, f: f, buf: make([]byte, csvBlock), fields: make([][]byte, len(header))}
	if st, err := f.Stat(); err == nil {
		r.size = st.Size()
	}
	ok, err := r.next()
	if err == nil && !ok {
		err = fmt.Errorf("%s line 1: empty file, want the header %s", path, strings.Join(header, ","))
	}
	if err == nil {
		err = r.checkHeader(header)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// checkHeader checks that the current record is header.
func (r *csvReader) checkHeader(header []string) error {
	for i, h := range header {
		got := r.fields[i]
		if i == 0 {
			got = bytes.TrimPrefix(got, []byte("\ufeff"))
		}
		if !strings.EqualFold(string(got), h) {
			return r.errorf("header %q, want %s", r.text, strings.Join(header, ","))
		}
	}
	return nil
}

// close closes the file.
func (r *csvReader) close() error { return r.f.Close() }

// next reads the next record into r.fields; it returns false at the end
// of the file.
func (r *csvReader) next() (bool, error) {
	for {
		rest := r.buf[r.off:r.end]
		n := bytes.IndexByte(rest, '\n')
		switch {
		case n < 0 && !r.eof:
			if err := r.fill(); err != nil {
				return false, fmt.Errorf("%s: %w", r.path, err)
			}
			continue
		case n < 0 && len(rest) == 0:
			return false, nil
		case n < 0:
			n = len(rest)
			r.off = r.end
		default:
			r.off += n + 1
		}
		r.line++
		text := rest[:n]
		if k := len(text); k > 0 && text[k-1] == '\r' {
			text = text[:k-1]
		}
		if len(text) > 0 {
			r.text = text
			return true, r.split(text)
		}
	}
}

// fill moves the bytes not yet taken to the start of the buffer, grows it
// if they fill it, and reads more of the file after them.
func (r *csvReader) fill() error {
	r.end = copy(r.buf, r.buf[r.off:r.end])
	r.off = 0
	if r.end == len(r.buf) {
		r.buf = append(r.buf, make([]byte, len(r.buf))...)
	}
	n, err := io.ReadFull(r.f, r.buf[r.end:])
	r.end += n
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		r.eof, err = true, nil
	}
	return err
}

// split cuts a line into r.fields.
func (r *csvReader) split(text []byte) error {
	for i := range r.fields {
		if i > 0 {
			if len(text) == 0 {
				return r.errorf("wrong number of fields")
			}
			text = text[1:] // the comma
		}
		var err error
		if r.fields[i], text, err = r.field(text); err != nil {
			return err
		}
	}
	if len(text) > 0 {
		return r.errorf("wrong number of fields")
	}
	return nil
}

// field cuts the first field off text and returns it and the rest, which
// is empty or starts with the comma after the field.
func (r *csvReader) field(text []byte) (f, rest []byte, err error) {
	if len(text) > 0 && text[0] == '"' {
		return r.quoted(text[1:])
	}
	end := bytes.IndexByte(text, ',')
	if end < 0 {
		end = len(text)
	}
	return trimSpace(text[:end]), text[end:], nil
}

// trimSpace is bytes.TrimSpace, returning at once in the usual case of a
// field that starts and ends with an ASCII character other than a space.
func trimSpace(f []byte) []byte {
	if n := len(f); n == 0 || f[0] > ' ' && f[0] < utf8.RuneSelf && f[n-1] > ' ' && f[n-1] < utf8.RuneSelf {
		return f
	}
	return bytes.TrimSpace(f)
}

// quoted cuts a quoted field off text, which starts after its opening
// quote, like field.
func (r *csvReader) quoted(text []byte) (f, rest []byte, err error) {
	var undoubled []byte // the field so far, once it has had a doubled quote
	for {
		i := bytes.IndexByte(text, '"')
		if i < 0 {
			return nil, nil, r.errorf("quoted field does not end on its line")
		}
		if i+1 < len(text) && text[i+1] == '"' {
			undoubled = append(undoubled, text[:i+1]...)
			text = text[i+2:]
			continue
		}
		if rest = text[i+1:]; len(rest) > 0 && rest[0] != ',' {
			return nil, nil, r.errorf("text after the closing quote of a field")
		}
		if undoubled == nil {
			return bytes.TrimSpace(text[:i]), rest, nil
		}
		return bytes.TrimSpace(append(undoubled, text[:i]...)), rest, nil
	}
}

// errorf returns an error naming the file and the current line.
func (r *csvReader) errorf(format string, a ...any) error {
	return fmt.Errorf("%s line %d: %s", r.path, r.line, fmt.Sprintf(format, a...))
}

// score parses field i as a finite score.
func (r *csvReader) score(i int) (float64, error) {
	if s, ok := parseDecimal(r.fields[i]); ok {
		return s, nil
	}
	s, err := strconv.ParseFloat(string(r.fields[i]), 64)
	if err != nil || math.IsNaN(s) || math.IsInf(s, 0) {
		return 0, r.errorf("score %q is not a finite number", r.fields[i])
	}
	return s, nil
}

// pow10 are the powers of ten that a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseDecimal reads a plain decimal such as "0.123456" or "-12.5" of at
// most 15 digits, about four times faster than strconv.ParseFloat and with
// the same result: its digits and the power of ten are exact float64
// values, and one division rounds correctly. It reports false for anything
// else, which strconv.ParseFloat then reads.
func parseDecimal(b []byte) (float64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	var m uint64
	digits, frac := 0, -1 // frac: digits after the point, -1 before it
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0:
			frac = 0
		default:
			return 0, false
		}
	}
	if digits == 0 || digits >= len(pow10) {
		return 0, false
	}
	x := float64(m) / pow10[max(frac, 0)]
	if neg {
		x = -x
	}
	return x, true
}

// count parses field i, named what, as a whole number of 0 or more.
func (r *csvReader) count(i int, what string) (int, error) {
	n, err := strconv.Atoi(string(r.fields[i]))
	if err != nil || n < 0 {
		return 0, r.errorf("%s %q is not a whole number of 0 or more", what, r.fields[i])
	}
	return n, nil
}

// flag parses field i, named what, as 0 or 1.
func (r *csvReader) flag(i int, what string) (bool, error) {
	switch string(r.fields[i]) {
	case "0":
		return false, nil
	case "1":
		return true, nil
	}
	return false, r.errorf("%s %q is not 0 or 1", what, r.fields[i])
}

// names numbers the distinct names of a column in the order first seen.
type names struct {
	list []string
	idx  map[string]int32
	last int32 // number of the previous name looked up, -1 before the first
}

// newNames returns an empty numbering.
func newNames() *names { return &names{idx: map[string]int32{}, last: -1} }

// number returns the number of the name b, adding it if it is new. Files
// are often grouped by a column, so the previous name is tried first.
func (n *names) number(b []byte) int32 {
	if n.last >= 0 && string(b) == n.list[n.last] {
		return n.last
	}
	i, ok := n.idx[string(b)]
	if !ok {
		i = int32(len(n.list))
		s := string(b)
		n.idx[s] = i
		n.list = append(n.list, s)
	}
	n.last = i
	return i
}
