package decree

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// cp1252 converts UTF-8 text to the Windows-1252 bytes that the PDF core
// fonts draw. Runs of white space and control characters become one space
// and the ends are trimmed. A character Windows-1252 lacks is written as
// its compatibility decomposition without the accents ("Ṡ" becomes "S",
// "ﬁ" becomes "fi"); combining marks and format characters that remain
// (variation selectors, joiners) are dropped, and whatever else is left,
// such as an emoji, becomes "?". Invalid UTF-8 is treated the same way, so
// no input can produce a broken PDF string.
func cp1252(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFC.String(s) {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		folded := foldRune(r)
		if folded == "" {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(folded)
	}
	return b.String()
}

// foldRune returns r in Windows-1252 bytes, its nearest Windows-1252
// spelling, "" for a mark to drop or "?" when it has no spelling.
func foldRune(r rune) string {
	if c, ok := charmap.Windows1252.EncodeRune(r); ok {
		return string([]byte{c})
	}
	var out []byte
	for _, d := range norm.NFKD.String(string(r)) {
		if c, ok := charmap.Windows1252.EncodeRune(d); ok && !unicode.Is(unicode.Mn, d) {
			out = append(out, c)
		}
	}
	switch {
	case len(out) > 0:
		return string(out)
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return ""
	}
	return "?"
}

// months are the Indonesian month names, January first.
var months = [12]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni",
	"Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// tanggal writes a date the Indonesian way, e.g. "4 Desember 2026", in
// t's own location.
func tanggal(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// minorWords stay in lower case inside a title-cased phrase, as Indonesian
// legal drafting writes "Mutasi Pegawai Negeri Sipil di Lingkungan ...".
var minorWords = map[string]bool{
	"di": true, "ke": true, "dari": true, "dan": true, "atau": true, "yang": true,
	"pada": true, "untuk": true, "dalam": true, "tentang": true, "oleh": true, "serta": true,
}

// titleCase writes an upper-case phrase such as "WALI KOTA" or "PEMERINTAH
// KOTA BANJARBARU" as it reads inside a sentence: "Wali Kota", "Pemerintah
// Kota Banjarbaru". Minor words after the first stay in lower case.
func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		if i > 0 && minorWords[w] {
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// region returns the regional government's name without the word
// "Pemerintah", title-cased: "Kota Banjarbaru" for "PEMERINTAH KOTA
// BANJARBARU".
func region(government string) string {
	name := titleCase(government)
	if rest, ok := strings.CutPrefix(name, "Pemerintah "); ok {
		return rest
	}
	return name
}

// sentence returns s without the trailing ";", "," or "." and with end
// appended, so items of a list end with ";" and the last one with ".".
func sentence(s, end string) string {
	return strings.TrimRight(strings.TrimSpace(s), ";,.") + end
}
