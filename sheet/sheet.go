// Package sheet writes the tables people download (a round's proposals,
// its exclusions, transfers, the import template) as a CSV file or an
// Excel workbook, one Table per file or per sheet.
//
// Cells are typed: a text stays a text, a number a number and a date a
// date. Neither format can carry a formula out of the data: a CSV text
// that a spreadsheet would read as one (=, +, -, @ first) goes through
// package csvsafe, and a workbook holds texts as text cells, which Excel
// never evaluates. Rows are produced as they are written, so a large
// table is not held twice.
package sheet

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bkpsdm/mutasi/csvsafe"
	"github.com/bkpsdm/mutasi/i18n"
)

// Format is a file format of a download.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ContentType is the media type of a file in format f.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// ParseFormat reads a format's name; ok is false for another name.
func ParseFormat(s string) (f Format, ok bool) {
	f = Format(s)
	return f, f == CSV || f == XLSX
}

// Column is a column of a table: its key (the CSV header, stable for
// scripts and for the import) and, for a workbook's header row, its
// label; a column without a label shows its key.
type Column struct {
	Key   string
	Label i18n.Text
	// Width is the column's width in a workbook, in characters (0: the
	// default).
	Width float64
}

// Table is a named table.
type Table struct {
	// Name names the workbook's sheet (at most 31 characters).
	Name    i18n.Text
	Columns []Column
	// Rows calls add with each row's cells in order, and stops at the
	// first error add returns. A cell is a string, an int, a float64, a
	// bool, a time.Time (a date), a *time.Time or nil (empty).
	Rows func(add func(cells ...any) error) error
}

// Write writes t to w in format f, a workbook's labels in lang.
func (t Table) Write(w io.Writer, f Format, lang string) error {
	if f == XLSX {
		return Workbook(w, lang, t)
	}
	cw := csvsafe.NewWriter(w)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Key
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	record := make([]string, len(t.Columns))
	err := t.Rows(func(cells ...any) error {
		for i := range record {
			record[i] = ""
			if i < len(cells) {
				record[i] = text(cells[i])
			}
		}
		return cw.Write(record)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// text writes a cell for a CSV file: a date as YYYY-MM-DD, a number as
// strconv does.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.Format(time.DateOnly)
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

// Workbook writes the tables to w as an Excel workbook, a sheet each in
// order, with a bold header row of labels in lang.
func Workbook(w io.Writer, lang string, tables ...Table) error {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	date := "dd/mm/yyyy"
	day, err := x.NewStyle(&excelize.Style{CustomNumFmt: &date})
	if err != nil {
		return err
	}
	for i, t := range tables {
		name := t.Name.In(lang)
		if i == 0 {
			err = x.SetSheetName(x.GetSheetName(0), name)
		} else {
			_, err = x.NewSheet(name)
		}
		if err != nil {
			return err
		}
		if err := t.stream(x, name, lang, bold, day); err != nil {
			return err
		}
	}
	return x.Write(w)
}

// stream writes t's header and rows into the sheet name.
func (t Table) stream(x *excelize.File, name, lang string, bold, day int) error {
	sw, err := x.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, c := range t.Columns {
		if c.Width > 0 {
			if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
				return err
			}
		}
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		label := c.Label.In(lang)
		if label == "" {
			label = c.Key
		}
		header[i] = excelize.Cell{StyleID: bold, Value: label}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	n := 1
	row := make([]any, len(t.Columns))
	err = t.Rows(func(cells ...any) error {
		n++
		for i := range row {
			row[i] = nil
			if i < len(cells) {
				row[i] = cell(cells[i], day)
			}
		}
		return sw.SetRow("A"+strconv.Itoa(n), row)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// cell is a workbook's cell for v: a date with the date style, other
// values as they are (a text is a text cell, never a formula).
func cell(v any, day int) any {
	switch v := v.(type) {
	case time.Time:
		return excelize.Cell{StyleID: day, Value: v}
	case *time.Time:
		if v == nil {
			return nil
		}
		return excelize.Cell{StyleID: day, Value: *v}
	}
	return v
}
