package models

import "testing"

func TestBlank(t *testing.T) {
	for s, want := range map[string]bool{"": true, " \t\n": true, "\u200b\u2060\ufeff": true, " \u200b ": true,
		"a": false, "\u200ba": false, `\u0000`: false} {
		if got := Blank(s); got != want {
			t.Errorf("Blank(%q) = %v, want %v", s, got, want)
		}
	}
}
