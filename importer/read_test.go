package importer

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/bkpsdm/mutasi/apperr"
)

// TestTextReader reads text a byte at a time, so that characters are
// split between reads: UTF-8 passes whole, and bytes that are not UTF-8,
// or NUL, are refused as malformed wherever they are; the reader's own
// error is kept apart.
func TestTextReader(t *testing.T) {
	for _, c := range []struct {
		text string
		ok   bool
	}{
		{"id,name\nU1,Dinas Pendidikan é ü 😀\n", true},
		{"id,name\nU1,Dinas \xff\n", false},
		{"id,name\nU1,Dinas \xc3", false}, // cut in the middle of a character
		{"id,name\nU1,Di\x00nas\n", false},
	} {
		text := &textReader{r: iotest.OneByteReader(strings.NewReader(c.text))}
		got, err := io.ReadAll(text)
		if c.ok && (err != nil || string(got) != c.text) {
			t.Errorf("%q: read %q, %v", c.text, got, err)
		}
		if e, ok := apperr.As(err); !c.ok && (!ok || e.Kind != apperr.KindMalformed || text.err != nil) {
			t.Errorf("%q: %v, want it refused as malformed", c.text, err)
		}
	}
	text := &textReader{r: iotest.ErrReader(io.ErrClosedPipe)}
	if _, err := io.ReadAll(text); err != io.ErrClosedPipe || text.readErr(io.ErrUnexpectedEOF, nil) != io.ErrClosedPipe {
		t.Errorf("the reader's error: %v, kept %v", err, text.err)
	}
}
