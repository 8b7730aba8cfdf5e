package models

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/bkpsdm/mutasi/apperr"
)

// Blank reports whether s shows nothing: only space and format characters
// (a zero-width space, a word joiner, a byte order mark). A reason or a
// name that is blank counts as missing.
func Blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// CheckText refuses a body that is not valid UTF-8 or carries a NUL
// character, raw or escaped in JSON: the database cannot store it.
func CheckText(body []byte) error {
	if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 || escapedNUL(body) {
		return apperr.New(apperr.KindMalformed, "", "teks harus UTF-8 tanpa karakter NUL", "text must be UTF-8 without NUL characters")
	}
	return nil
}

// escapedNUL reports whether a JSON body escapes a NUL character
// (\u0000): the six characters of an escaped backslash followed by
// "u0000" are text, and pass.
func escapedNUL(body []byte) bool {
	if bytes.IndexByte(body, '\\') < 0 { // no escape: no copy
		return false
	}
	low := bytes.ToLower(body)
	for i := 0; ; {
		k := bytes.Index(low[i:], []byte(`\u0000`))
		if k < 0 {
			return false
		}
		k += i
		slashes := 0
		for j := k; j >= 0 && low[j] == '\\'; j-- {
			slashes++
		}
		if slashes%2 == 1 {
			return true
		}
		i = k + 1
	}
}

// TooLong refuses a text over max characters, naming its field.
func TooLong(field, value string, max int) error {
	if utf8.RuneCountInString(value) <= max {
		return nil
	}
	return apperr.Invalid(field, fmt.Sprintf("%s paling banyak %d karakter", field, max),
		fmt.Sprintf("%s takes at most %d characters", field, max))
}
