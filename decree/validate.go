package decree

import (
	"bytes"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// MaxMovers is the most employees one decree may move.
const MaxMovers = 20000

// The limits on the decree's texts, in characters, and on its lists and
// logo. They keep every table row within one page and bound the work any
// input can cause.
const (
	maxName     = models.MaxName // a person's name, with titles, as the import takes it
	maxTitle    = 120            // an office, a government, a region, a place
	maxLine     = 250            // an address, a position, a unit, a copy recipient
	maxNumber   = 100            // the decree number
	maxSubject  = 300            // the subject
	maxRank     = 80             // a pangkat and golongan
	maxItem     = 1000           // a consideration or a legal basis
	maxNote     = 120            // the signature note
	maxURL      = 300            // the verification URL, so the QR code stays legible at 22 mm
	maxLetters  = 26             // considerations, lettered a. to z.
	maxBases    = 40             // legal bases
	maxCopies   = 40             // copy recipients
	maxLogo     = 1 << 20
	maxLogoSide = 4000 // pixels
	maxProblems = 20   // problems listed in the error; all are counted
)

// Validate checks that every required field is given and no text or list
// is over its limit: Government, Region, Number, Subject, Place, Date,
// Official.Title and Official.Name, at least one consideration, one legal
// basis and one mover (at most MaxMovers), each mover with every text, an
// 18-digit NIP and a TMT, an absolute http(s) VerifyURL, and a Logo, if
// any, that is a PNG. It returns nil or an *apperr.Error of kind Invalid
// listing the first problems by field (e.g. "Movers[3].NIP") in Bahasa
// Indonesia and English, with Count giving how many there are.
func (d Decree) Validate() error { return d.validate(false) }

// validate checks d; a petikan also needs its attester.
func (d Decree) validate(petikan bool) error {
	var c checker
	c.text("Government", d.Government, true, maxTitle)
	c.text("Address", d.Address, false, maxLine)
	c.logo(d.Logo)
	c.text("Region", d.Region, true, maxTitle)
	c.text("Number", d.Number, true, maxNumber)
	c.text("Subject", d.Subject, true, maxSubject)
	c.text("Place", d.Place, true, maxTitle)
	c.date("Date", d.Date)
	c.signer("Official", d.Official, true)
	c.signer("Attester", d.Attester, petikan)
	c.list("Considerations", d.Considerations, 1, maxLetters, maxItem)
	c.list("LegalBases", d.LegalBases, 1, maxBases, maxItem)
	c.list("Copies", d.Copies, 0, maxCopies, maxLine)
	c.url("VerifyURL", d.VerifyURL)
	c.text("SignatureNote", d.SignatureNote, false, maxNote)
	switch n := len(d.Movers); {
	case n == 0:
		c.fail("Movers", "paling sedikit satu pegawai", "must list at least one employee")
	case n > MaxMovers:
		c.fail("Movers", fmt.Sprintf("paling banyak %d pegawai, ada %d", MaxMovers, n),
			fmt.Sprintf("must list at most %d employees, got %d", MaxMovers, n))
	default:
		for i, m := range d.Movers {
			c.mover(fmt.Sprintf("Movers[%d]", i), m)
		}
	}
	return c.err()
}

// CheckLogo checks a letterhead logo as Validate does: a PNG of at most
// 1 MB and 4,000 pixels a side.
func CheckLogo(b []byte) error {
	var c checker
	c.logo(b)
	return c.err()
}

// checker collects the problems Validate finds.
type checker struct {
	problems []apperr.FieldError
	count    int
}

// fail records a problem with field, in Bahasa Indonesia and English.
func (c *checker) fail(field, id, en string) {
	c.count++
	if len(c.problems) < maxProblems {
		c.problems = append(c.problems, apperr.FieldError{Field: field, Message: id, MessageEN: en})
	}
}

// text checks a text's presence and its length in characters.
func (c *checker) text(field, v string, required bool, limit int) {
	switch n := utf8.RuneCountInString(v); {
	case required && strings.TrimSpace(v) == "":
		c.fail(field, "wajib diisi", "is required")
	case n > limit:
		c.fail(field, fmt.Sprintf("paling banyak %d karakter, ada %d", limit, n),
			fmt.Sprintf("must be at most %d characters, got %d", limit, n))
	}
}

// list checks the number of items of a list and each item as a required
// text.
func (c *checker) list(field string, items []string, least, most, limit int) {
	if n := len(items); n < least || n > most {
		c.fail(field, fmt.Sprintf("harus berisi %d sampai %d butir, ada %d", least, most, n),
			fmt.Sprintf("must hold %d to %d items, got %d", least, most, n))
		return
	}
	for i, item := range items {
		c.text(fmt.Sprintf("%s[%d]", field, i), item, true, limit)
	}
}

// date checks that a date is given.
func (c *checker) date(field string, t time.Time) {
	if t.IsZero() {
		c.fail(field, "wajib diisi", "is required")
	}
}

// nip checks an NIP: 18 digits; an optional one may be empty.
func (c *checker) nip(field, v string, required bool) {
	if v == "" && !required {
		return
	}
	if len(v) != 18 || strings.Trim(v, "0123456789") != "" {
		c.fail(field, "harus 18 angka", fmt.Sprintf("must be 18 digits, got %q", truncate(v, 30)))
	}
}

// signer checks a signer: title and name when required, and the limits.
func (c *checker) signer(field string, s Signer, required bool) {
	c.text(field+".Title", s.Title, required, maxTitle)
	c.text(field+".Name", s.Name, required, maxName)
	c.nip(field+".NIP", s.NIP, false)
	c.text(field+".Rank", s.Rank, false, maxRank)
}

// mover checks one mover.
func (c *checker) mover(field string, m Mover) {
	c.text(field+".Name", m.Name, true, maxName)
	c.nip(field+".NIP", m.NIP, true)
	c.text(field+".Rank", m.Rank, true, maxRank)
	c.text(field+".OldPosition", m.OldPosition, true, maxLine)
	c.text(field+".OldUnit", m.OldUnit, true, maxLine)
	c.text(field+".NewPosition", m.NewPosition, true, maxLine)
	c.text(field+".NewUnit", m.NewUnit, true, maxLine)
	c.date(field+".TMT", m.TMT)
}

// url checks the verification URL: an absolute http or https URL with a
// host, short enough for a legible QR code.
func (c *checker) url(field, v string) {
	c.text(field, v, true, maxURL)
	if v == "" || utf8.RuneCountInString(v) > maxURL {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.fail(field, "harus alamat http(s) lengkap, misalnya https://mutasi.example.go.id/v/abc",
			"must be an absolute http(s) URL, e.g. https://mutasi.example.go.id/v/abc")
	}
}

// logo checks the optional logo: a PNG of bounded size.
func (c *checker) logo(b []byte) {
	if len(b) == 0 {
		return
	}
	if len(b) > maxLogo {
		c.fail("Logo", fmt.Sprintf("paling besar %d bita", maxLogo), fmt.Sprintf("must be at most %d bytes", maxLogo))
		return
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	switch {
	case err != nil:
		c.fail("Logo", "harus berkas PNG", "must be a PNG image")
	case cfg.Width > maxLogoSide || cfg.Height > maxLogoSide:
		c.fail("Logo", fmt.Sprintf("paling besar %d x %d piksel", maxLogoSide, maxLogoSide),
			fmt.Sprintf("must be at most %d x %d pixels", maxLogoSide, maxLogoSide))
	}
}

// err returns the problems found as one *apperr.Error, or nil.
func (c *checker) err() error {
	if c.count == 0 {
		return nil
	}
	first := c.problems[0]
	e := apperr.Invalid(first.Field, "isian keputusan tidak sah: "+first.Field+" "+first.Message,
		"decree: "+first.Field+" "+first.MessageEN)
	if c.count > 1 {
		e.Message += fmt.Sprintf(" (dan %d masalah lain)", c.count-1)
		e.MessageEN += fmt.Sprintf(" (and %d more problems)", c.count-1)
	}
	e.Errors, e.Count = c.problems, c.count
	return e
}

// truncate shortens s to at most n runes, for quoting input in messages.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
