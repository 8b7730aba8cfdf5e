package testkit

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// PDFPages reads a PDF back as its pages' text, white space collapsed to
// single spaces, and fails tb when it does not parse.
func PDFPages(tb testing.TB, b []byte) []string {
	tb.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatalf("the PDF does not parse: %v", err)
	}
	pages := make([]string, r.NumPage())
	for i := range pages {
		text, err := r.Page(i + 1).GetPlainText(nil)
		if err != nil {
			tb.Fatalf("page %d: %v", i+1, err)
		}
		pages[i] = strings.Join(strings.Fields(text), " ")
	}
	return pages
}
