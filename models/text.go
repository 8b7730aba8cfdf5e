package models

import "unicode"

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
