package models

import (
	"errors"
	"net/mail"
	"strings"
)

// MaxEmail is the longest e-mail address accepted (RFC 5321's path limit).
const MaxEmail = 254

// ErrEmail says an e-mail address cannot be sent to.
var ErrEmail = errors.New("not a single plain e-mail address")

// EmailKey is the form e-mail addresses are compared in, regardless of
// case: trimmed and lowercased by Go (SQLite's LOWER folds only ASCII
// letters, PostgreSQL's by its collation, so the database never folds
// them).
func EmailKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail accepts one bare address, such as budi@banjarbarukota.go.id:
// no display name, no list, no control characters, so that the mail
// relay can always send to it.
func CheckEmail(s string) error {
	if s == "" || len(s) > MaxEmail || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return ErrEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return ErrEmail
	}
	return nil
}
