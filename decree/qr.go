package decree

import (
	"image/color"

	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode/qr"
)

// qrCode is a QR symbol kept as the runs of dark modules on each row, so
// that every page can draw it as a few vector rectangles.
type qrCode struct {
	size int     // modules per side, without the quiet zone
	runs []qrRun // dark runs, row by row
}

// qrRun is a horizontal run of dark modules.
type qrRun struct{ row, col, length int }

// newQRCode encodes text at error-correction level M (15% of the symbol
// may be damaged), in byte mode unless the text allows a denser one.
func newQRCode(text string) (qrCode, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return qrCode{}, err
	}
	q := qrCode{size: code.Bounds().Dx()}
	for y := range q.size {
		start := -1
		for x := 0; x <= q.size; x++ {
			dark := x < q.size && color.GrayModel.Convert(code.At(x, y)).(color.Gray).Y < 128
			switch {
			case dark && start < 0:
				start = x
			case !dark && start >= 0:
				q.runs = append(q.runs, qrRun{y, start, x - start})
				start = -1
			}
		}
	}
	return q, nil
}

// draw paints the symbol as a square of side mm with its top left corner
// at (x, y). The quiet zone around it is left to the caller.
func (q qrCode) draw(pdf *fpdf.Fpdf, x, y, side float64) {
	m := side / float64(q.size)
	pdf.SetFillColor(0, 0, 0)
	for _, r := range q.runs {
		pdf.Rect(x+float64(r.col)*m, y+float64(r.row)*m, float64(r.length)*m, m, "F")
	}
}
