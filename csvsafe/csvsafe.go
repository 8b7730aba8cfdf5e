// Package csvsafe writes CSV files that a spreadsheet opens as data.
//
// A spreadsheet reads a cell that starts with =, +, - or @ as a formula
// (and drops a leading tab or carriage return before doing so), so a
// text that a person typed, such as an imported unit id
// =cmd|'/C calc'!A0, would run when the file is opened (CSV injection).
// Such a cell is written with a leading single quote, which spreadsheets
// show as the start of a text (the OWASP advice). Every CSV the system
// hands to people is written through this package.
package csvsafe

import (
	"encoding/csv"
	"io"
	"regexp"
)

// number matches a decimal number as the system writes it (strconv's
// Itoa and FormatFloat with 'f').
var number = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Cell returns s as a spreadsheet reads it as text: with a leading single
// quote when it starts with =, +, -, @, a tab or a carriage return. A
// number is left as it is, whoever wrote it: a spreadsheet reads it as a
// number, which runs nothing, while a quote would make a negative figure
// (an eNPS of -20) text that no sum or chart takes.
func Cell(s string) string {
	if s == "" || number.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Writer writes CSV records whose every field goes through Cell.
type Writer struct {
	w *csv.Writer
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each field through Cell.
func (w *Writer) Write(record []string) error {
	safe := make([]string, len(record))
	for i, f := range record {
		safe[i] = Cell(f)
	}
	return w.w.Write(safe)
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }
