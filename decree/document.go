package decree

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry, in millimetres: F4 paper as regional legal products use,
// their margins, and the footer band that holds the QR code and the page
// number below the body.
const (
	pageWidth    = 215.0
	pageHeight   = 330.0
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 15.0
	marginBottom = 40.0 // the footer band
	rightEdge    = pageWidth - marginRight
	contentWidth = rightEdge - marginLeft
	bodyBottom   = pageHeight - marginBottom

	// The columns of the opening's labelled lists: label ("Menimbang",
	// "KESATU"), colon, marker ("a.", "1.") and the text after a marker.
	colonX  = marginLeft + 27
	markerX = colonX + 3
	textX   = markerX + 7

	// Signature blocks are signWidth wide; the official's stands at
	// signColumn, against the right margin.
	signWidth     = 80.0
	signColumn    = rightEdge - signWidth
	signBoxWidth  = 60.0
	signBoxHeight = 22.0

	logoHeight = 24.0
	logoSpace  = 30.0 // the letterhead text keeps this far from either margin when there is a logo
	logoName   = "logo"

	qrSide     = 22.0
	qrBottom   = 10.0 // from the paper's lower edge to the QR code
	footerSize = 7.0
	qrCaption  = "Pindai kode QR untuk memeriksa keaslian keputusan ini"
	pagesAlias = "{nb}" // replaced by the page count when the PDF is written
	fontFamily = "Helvetica"
	bodySize   = 11.0
	leading    = 1.3 // line height as a multiple of the font size
	pointInMM  = 25.4 / 72
	signGap    = 4.0 // space above a signature block
)

// ordinals name the decisions (diktum) in order.
var ordinals = [...]string{"KESATU", "KEDUA", "KETIGA"}

// document is a decree being laid out on fpdf pages.
type document struct {
	pdf *fpdf.Fpdf
	d   *Decree
	qr  qrCode
	lh  float64 // line height of the current font, in mm
}

// tab is a piece of text at an x position on the first line of an entry.
type tab struct {
	x    float64
	text string
}

// signature is a signature block: lines above the office, the office
// (ending with a comma), and the signer. A copied signature shows "ttd."
// where the original is signed; otherwise a box is left for the
// electronic signature.
type signature struct {
	above  []string
	title  string
	signer Signer
	copied bool
}

// render lays out a document with body and writes the PDF to w. kind
// ("Keputusan", "Petikan Keputusan") starts the PDF's title.
func (d Decree) render(w io.Writer, kind string, body func(*document)) error {
	code, err := newQRCode(d.VerifyURL)
	if err != nil {
		return fmt.Errorf("decree: QR code of the verification URL: %w", err)
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm",
		Size: fpdf.SizeType{Wd: pageWidth, Ht: pageHeight}})
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.SetCellMargin(0)
	pdf.SetCreationDate(d.Date)
	pdf.SetModificationDate(d.Date)
	pdf.SetCatalogSort(true)
	pdf.AliasNbPages(pagesAlias)
	pdf.SetTitle(kind+" "+titleCase(d.issuer())+" Nomor "+d.Number, true)
	pdf.SetLang("id")
	doc := &document{pdf: pdf, d: &d, qr: code}
	pdf.SetFooterFunc(doc.footer)
	if len(d.Logo) > 0 {
		pdf.RegisterImageOptionsReader(logoName, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(d.Logo))
	}
	pdf.AddPage()
	body(doc)
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("decree: writing the PDF: %w", err)
	}
	return nil
}

// font selects the font and the matching line height.
func (doc *document) font(style string, size float64) {
	doc.pdf.SetFont(fontFamily, style, size)
	doc.lh = size * pointInMM * leading
}

// block writes text wrapped in the column [x, x+w].
func (doc *document) block(x, w float64, text, align string) {
	doc.pdf.SetX(x)
	doc.pdf.MultiCell(w, doc.lh, cp1252(text), "", align, false)
}

// centered writes text centered across the body.
func (doc *document) centered(text string) { doc.block(marginLeft, contentWidth, text, "C") }

// paragraph writes a justified paragraph across the body.
func (doc *document) paragraph(text string) {
	doc.gap(2)
	doc.block(marginLeft, contentWidth, text, "J")
}

// gap moves down h mm, back to the left margin.
func (doc *document) gap(h float64) { doc.pdf.Ln(h) }

// keep starts a new page unless h mm still fit above the footer.
func (doc *document) keep(h float64) {
	if doc.pdf.GetY()+h > bodyBottom {
		doc.pdf.AddPage()
	}
}

// lineCount is how many lines text takes in a column w mm wide in the
// current font.
func (doc *document) lineCount(text string, w float64) int {
	return max(1, len(doc.pdf.SplitLines([]byte(cp1252(text)), w)))
}

// hanging writes text wrapped between textX and the right margin, with
// tabs on its first line: a list entry with a hanging indent. The first
// line never stays alone at the foot of a page.
func (doc *document) hanging(tabs []tab, textX float64, text, align string) {
	doc.keep(2 * doc.lh)
	y := doc.pdf.GetY()
	for _, t := range tabs {
		s := cp1252(t.text)
		doc.pdf.SetXY(t.x, y)
		doc.pdf.CellFormat(doc.pdf.GetStringWidth(s), doc.lh, s, "", 0, "L", false, 0, "")
	}
	doc.pdf.SetXY(textX, y)
	doc.pdf.MultiCell(rightEdge-textX, doc.lh, cp1252(text), "", align, false)
}

// fields writes key-value lines ("NIP : 1980..."), keys at x and values
// keyWidth further, after a colon, all on one page.
func (doc *document) fields(x, keyWidth float64, pairs [][2]string) {
	valueX := x + keyWidth + 3
	lines := 0
	for _, p := range pairs {
		lines += doc.lineCount(p[1], rightEdge-valueX)
	}
	doc.keep(float64(lines) * doc.lh)
	for _, p := range pairs {
		doc.hanging([]tab{{x, p[0]}, {x + keyWidth, ":"}}, valueX, p[1], "L")
	}
}

// opening writes the letterhead, the title block, the considerations, the
// legal bases and "Menetapkan". prefix goes before the title's
// "KEPUTUSAN", e.g. "PETIKAN ".
func (doc *document) opening(prefix string) {
	d := doc.d
	issuer := d.issuer()
	subject := strings.ToUpper(d.Subject)
	doc.letterhead()
	doc.font("B", 12)
	doc.centered(prefix + "KEPUTUSAN " + issuer)
	doc.centered("NOMOR " + d.Number)
	doc.gap(2)
	doc.centered("TENTANG")
	doc.gap(2)
	doc.centered(subject)
	doc.gap(5)
	doc.centered(issuer + ",")
	doc.gap(5)
	doc.font("", bodySize)
	doc.list("Menimbang", lettered, d.Considerations)
	doc.list("Mengingat", numbered, d.LegalBases)
	doc.font("B", 12)
	doc.centered("MEMUTUSKAN:")
	doc.gap(3)
	doc.font("", bodySize)
	doc.hanging([]tab{{marginLeft, "Menetapkan"}, {colonX, ":"}}, markerX,
		"KEPUTUSAN "+issuer+" TENTANG "+subject+".", "J")
	doc.gap(3)
}

// numbered is the marker of the i-th item of a numbered list: "1.", "2." ...
func numbered(i int) string { return strconv.Itoa(i+1) + "." }

// lettered is the marker of the i-th item of a lettered list: "a.", "b." ...
// (Validate allows at most 26 items).
func lettered(i int) string { return string(rune('a'+i)) + "." }

// letterhead writes the government's name, its address and the logo,
// over a double rule.
func (doc *document) letterhead() {
	d := doc.d
	x, w := marginLeft, contentWidth
	if len(d.Logo) > 0 {
		doc.pdf.ImageOptions(logoName, marginLeft, marginTop, 0, logoHeight, false,
			fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		x, w = marginLeft+logoSpace, contentWidth-2*logoSpace
	}
	doc.pdf.SetY(marginTop + 3)
	doc.font("B", 15)
	doc.block(x, w, strings.ToUpper(d.Government), "C")
	if d.Address != "" {
		doc.font("", 9)
		doc.block(x, w, d.Address, "C")
	}
	bottom := doc.pdf.GetY() + 2
	if len(d.Logo) > 0 {
		bottom = max(bottom, marginTop+logoHeight+2)
	}
	doc.pdf.SetLineWidth(0.8)
	doc.pdf.Line(marginLeft, bottom, rightEdge, bottom)
	doc.pdf.SetLineWidth(0.2)
	doc.pdf.Line(marginLeft, bottom+1, rightEdge, bottom+1)
	doc.pdf.SetY(bottom + 7)
}

// list writes a labelled list such as Menimbang: the label and a colon on
// the first item, each item's marker, and its text ending with ";", the
// last with ".".
func (doc *document) list(label string, marker func(int) string, items []string) {
	for i, text := range items {
		end := ";"
		if i == len(items)-1 {
			end = "."
		}
		var tabs []tab
		if i == 0 {
			tabs = []tab{{marginLeft, label}, {colonX, ":"}}
		}
		tabs = append(tabs, tab{markerX, marker(i)})
		doc.hanging(tabs, textX, sentence(text, end), "J")
	}
	doc.gap(3)
}

// diktum writes the n-th decision (0 is KESATU).
func (doc *document) diktum(n int, text string) {
	doc.hanging([]tab{{marginLeft, ordinals[n]}, {colonX, ":"}}, markerX, text, "J")
	doc.gap(1.5)
}

// closingDiktum writes the decisions that follow the first: the costs are
// borne by the regional budget, and the decree takes effect on the day it
// is set, subject to correction.
func (doc *document) closingDiktum() {
	doc.diktum(1, "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Anggaran "+
		"Pendapatan dan Belanja Daerah "+region(doc.d.Government)+".")
	doc.diktum(2, "Keputusan ini mulai berlaku pada tanggal ditetapkan, dengan ketentuan apabila di kemudian hari "+
		"terdapat kekeliruan dalam penetapannya, akan diadakan perbaikan sebagaimana mestinya.")
}

// moverFields lists one mover's particulars under the first decision of
// a petikan.
func (doc *document) moverFields(m Mover) {
	doc.fields(markerX+5, 32, [][2]string{
		{"Nama", m.Name}, {"NIP", m.NIP}, {"Pangkat/Gol.", m.Rank},
		{"Jabatan lama", m.OldPosition}, {"Unit kerja lama", m.OldUnit},
		{"Jabatan baru", m.NewPosition}, {"Unit kerja baru", m.NewUnit},
		{"TMT", tanggal(m.TMT)},
	})
	doc.gap(1.5)
}

// sign writes a signature block in the column at x, on one page.
func (doc *document) sign(x float64, s signature) {
	doc.font("", bodySize)
	lines := len(s.above) + doc.lineCount(s.title, signWidth) + doc.lineCount(s.signer.Name, signWidth) + 2
	mark := signBoxHeight + 2
	if s.copied {
		mark = 3 * doc.lh
	}
	doc.gap(signGap)
	doc.keep(float64(lines)*doc.lh + mark)
	for _, line := range s.above {
		doc.block(x, signWidth, line, "L")
	}
	doc.block(x, signWidth, s.title, "L")
	if s.copied {
		doc.gap(doc.lh)
		doc.block(x, signWidth, "ttd.", "L")
		doc.gap(doc.lh)
	} else {
		doc.signatureBox(x)
	}
	doc.font("B", bodySize)
	doc.block(x, signWidth, s.signer.Name, "L")
	doc.font("", bodySize)
	if s.signer.Rank != "" {
		doc.block(x, signWidth, s.signer.Rank, "L")
	}
	if s.signer.NIP != "" {
		doc.block(x, signWidth, "NIP "+s.signer.NIP, "L")
	}
}

// signatureBox draws the dashed box left for the electronic signature,
// with the decree's SignatureNote inside.
func (doc *document) signatureBox(x float64) {
	pdf := doc.pdf
	y := pdf.GetY() + 1
	pdf.SetDrawColor(150, 150, 150)
	pdf.SetDashPattern([]float64{1.2, 1}, 0)
	pdf.Rect(x, y, signBoxWidth, signBoxHeight, "D")
	pdf.SetDashPattern(nil, 0)
	pdf.SetDrawColor(0, 0, 0)
	if note := doc.d.SignatureNote; note != "" {
		doc.font("I", 8)
		w := signBoxWidth - 4
		pdf.SetY(y + (signBoxHeight-float64(doc.lineCount(note, w))*doc.lh)/2)
		doc.block(x+2, w, note, "C")
		doc.font("", bodySize)
	}
	pdf.SetY(y + signBoxHeight + 1)
}

// tembusan writes the list of those who receive a copy, if any.
func (doc *document) tembusan(copies []string) {
	if len(copies) == 0 {
		return
	}
	doc.font("", 10)
	doc.gap(8)
	doc.keep(2 * doc.lh)
	doc.block(marginLeft, contentWidth, "Tembusan disampaikan kepada Yth.:", "L")
	for i, c := range copies {
		doc.hanging([]tab{{marginLeft, numbered(i)}}, marginLeft+7, c, "L")
	}
}

// footer draws, in the band under the body of every page, the QR code of
// the verification URL, its caption and the page number.
func (doc *document) footer() {
	pdf := doc.pdf
	x, y := rightEdge-qrSide, pageHeight-qrBottom-qrSide
	doc.qr.draw(pdf, x, y, qrSide)
	pdf.SetFont(fontFamily, "", footerSize)
	lh := footerSize * pointInMM * leading
	pdf.SetXY(marginLeft, y+qrSide-lh)
	pdf.CellFormat(40, lh, "Halaman "+strconv.Itoa(pdf.PageNo())+" dari "+pagesAlias, "", 0, "L", false, 0, "")
	pdf.CellFormat(x-3-pdf.GetX(), lh, qrCaption, "", 0, "R", false, 0, "")
}
