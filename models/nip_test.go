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
		"198503141995012003": "18th birthday",
		"198503142003022003": "18th birthday", // 17 years 11 months
		"209901012120012001": "in the future",
		"198503142010013003": "sex digit",
		"198503142010012000": "serial",
		"":                   "18 digits",
		"１98503142010012003": "18 digits",
	}
	if _, err := ParseNIP("198503142003042003"); err != nil { // 18 years and 2 weeks
		t.Errorf("a CPNS start just after the 18th birthday refused: %v", err)
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
	for in, want := range map[string]Rank{"Penata Muda": 9, "penata muda tingkat i": 10, "Penata Muda Tk. I": 10,
		" Penata  Muda Tk.I ": 10, "Penata Muda Tk I": 10, "PENATA TK I": 12, "Juru Muda": 1, "Pembina Utama": 17, "PEMBINA UTAMA MADYA": 16, "Pembina Tingkat I": 14} {
		if r, err := ParseRank(in); err != nil || r != want {
			t.Errorf("ParseRank(%q) = %v, %v; want %v", in, r, err, want)
		}
	}
	for r := Rank(1); r.Valid(); r++ {
		if back, err := ParseRank(r.Title()); err != nil || back != r {
			t.Errorf("ParseRank(%q) = %v, %v; want %v", r.Title(), back, err, r)
		}
	}
	if _, err := ParseRank("Penata Utama"); err == nil {
		t.Error("Penata Utama accepted")
	}
	for in, want := range map[string]Predicate{
		" sangat  baik": SangatBaik, "SANGAT BAIK": SangatBaik, "Baik": Baik, "5": SangatBaik,
		"Butuh Perbaikan": ButuhPerbaikan, "butuh_perbaikan": ButuhPerbaikan,
		"Kurang": Kurang, "Misconduct": Kurang, "Kurang/Misconduct": Kurang, "kurang / misconduct": Kurang,
		"Kurang/ Misconduct": Kurang, "Sangat Kurang": SangatKurang, "sangat_kurang": SangatKurang,
	} {
		if p, err := ParsePredicate(in); err != nil || p != want {
			t.Errorf("ParsePredicate(%q) = %v, %v; want %v", in, p, err, want)
		}
	}
	for _, in := range []string{"", "Cukup", "Kurang/Baik", "6", "misconduct/kurang/"} {
		if p, err := ParsePredicate(in); err == nil {
			t.Errorf("ParsePredicate(%q) = %v, want an error", in, p)
		}
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
