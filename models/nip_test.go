package models

import (
	"strings"
	"testing"
	"time"
)

func TestParseNIP(t *testing.T) {
	n, err := ParseNIP("198503142010012003")
	if err != nil {
		t.Fatal(err)
	}
	if !n.BirthDate.Equal(time.Date(1985, 3, 14, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("birth date = %v", n.BirthDate)
	}
	if !n.ServiceStart.Equal(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)) || n.Sex != 2 || n.Serial != 3 {
		t.Errorf("parsed %+v", n)
	}
	bad := map[string]string{
		"19850314201001200":  "18 digits",
		"19850314201001200x": "digits only",
		"198502302010012003": "birth date",
		"198503142010132003": "service start",
		"198503141995012003": "15 years",
		"198503142010013003": "sex digit",
		"198503142010012000": "serial",
		"":                   "18 digits",
		"１98503142010012003": "18 digits",
	}
	for in, want := range bad {
		if _, err := ParseNIP(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseNIP(%q) = %v, want error containing %q", in, err, want)
		}
	}
}

func TestRankAndPredicate(t *testing.T) {
	r, err := ParseRank("iii/b")
	if err != nil || r != 10 || r.String() != "III/b" {
		t.Errorf("ParseRank = %v, %v", r, err)
	}
	if _, err := ParseRank("V/a"); err == nil {
		t.Error("V/a accepted")
	}
	p, err := ParsePredicate(" sangat  baik")
	if err != nil || p != SangatBaik {
		t.Errorf("ParsePredicate = %v, %v", p, err)
	}
	if TalentBox(Low, Low) != 1 || TalentBox(High, High) != 9 || TalentBox(0, High) != 0 {
		t.Error("TalentBox corners wrong")
	}
}

func TestDuration(t *testing.T) {
	for in, want := range map[string]string{"12w": "12w", "7d": "1w", "36h": "36h0m0s", "90s": "1m30s", "0s": "0s"} {
		d, err := ParseDuration(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	if _, err := ParseDuration("soon"); err == nil {
		t.Error("accepted 'soon'")
	}
}
