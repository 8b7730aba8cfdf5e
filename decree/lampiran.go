package decree

import (
	"strconv"
	"strings"
)

// column is a column of the attachment's table of movers.
type column struct {
	head  string
	width float64 // mm; the widths add up to contentWidth
	align string
}

// columns are the attachment's columns.
var columns = [...]column{
	{"No", 9, "C"},
	{"Nama / NIP", 37, "L"},
	{"Pangkat / Gol.", 24, "L"},
	{"Jabatan lama / Unit kerja", 40, "L"},
	{"Jabatan baru / Unit kerja", 40, "L"},
	{"TMT", 20, "L"},
}

// The table's type size (points) and the padding inside its cells (mm).
const (
	tableSize = 8.0
	cellPad   = 1.2
)

// row is a table row laid out: the lines of each cell, already in
// Windows-1252, and the row's height.
type row struct {
	cells  [len(columns)][]string
	height float64
}

// lampiran writes the attachment on a new page: its heading, the table of
// movers and the official's signature.
func (doc *document) lampiran() {
	d := doc.d
	doc.pdf.AddPage()
	doc.font("", 9)
	doc.block(signColumn, signWidth, "LAMPIRAN KEPUTUSAN "+d.issuer(), "L")
	doc.fields(signColumn, 18, [][2]string{
		{"NOMOR", d.Number},
		{"TANGGAL", strings.ToUpper(tanggal(d.Date))},
		{"TENTANG", strings.ToUpper(d.Subject)},
	})
	doc.gap(6)
	doc.font("B", 10)
	doc.centered("DAFTAR PEGAWAI NEGERI SIPIL YANG DIMUTASI")
	doc.gap(4)
	doc.table()
	doc.sign(signColumn, signature{title: d.issuer() + ",", signer: d.Official})
}

// table writes one row per mover. A row that does not fit above the
// footer starts a new page, and every page of the table starts with the
// header row.
func (doc *document) table() {
	var heads [len(columns)]string
	for i, c := range columns {
		heads[i] = c.head
	}
	doc.font("B", tableSize)
	header := doc.layoutRow(heads)
	drawHeader := func() {
		doc.font("B", tableSize)
		doc.pdf.SetFillColor(225, 225, 225)
		doc.drawRow(header, true)
		doc.font("", tableSize)
	}
	drawHeader()
	for i, m := range doc.d.Movers {
		r := doc.layoutRow(moverCells(i, m))
		if doc.pdf.GetY()+r.height > bodyBottom {
			doc.pdf.AddPage()
			drawHeader()
		}
		doc.drawRow(r, false)
	}
}

// moverCells are the texts of a mover's row; "\n" starts a new line
// within a cell.
func moverCells(i int, m Mover) [len(columns)]string {
	return [len(columns)]string{
		strconv.Itoa(i + 1),
		m.Name + "\n" + m.NIP,
		m.Rank,
		m.OldPosition + "\n" + m.OldUnit,
		m.NewPosition + "\n" + m.NewUnit,
		tanggal(m.TMT),
	}
}

// layoutRow wraps each cell's text to its column in the current font.
func (doc *document) layoutRow(texts [len(columns)]string) row {
	var r row
	lines := 1
	for i, text := range texts {
		for _, part := range strings.Split(text, "\n") {
			for _, l := range doc.pdf.SplitLines([]byte(cp1252(part)), columns[i].width-2*cellPad) {
				r.cells[i] = append(r.cells[i], string(l))
			}
		}
		lines = max(lines, len(r.cells[i]))
	}
	r.height = float64(lines)*doc.lh + 2*cellPad
	return r
}

// drawRow draws a laid-out row at the current position: framed cells,
// shaded and centered for the header.
func (doc *document) drawRow(r row, header bool) {
	pdf := doc.pdf
	x, y := marginLeft, pdf.GetY()
	style := "D"
	if header {
		style = "DF"
	}
	for i, c := range columns {
		align := c.align
		if header {
			align = "C"
		}
		pdf.Rect(x, y, c.width, r.height, style)
		for j, line := range r.cells[i] {
			pdf.SetXY(x+cellPad, y+cellPad+float64(j)*doc.lh)
			pdf.CellFormat(c.width-2*cellPad, doc.lh, line, "", 0, align, false, 0, "")
		}
		x += c.width
	}
	pdf.SetXY(marginLeft, y+r.height)
}
