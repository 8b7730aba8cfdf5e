package i18n

import (
	"testing"
	"time"
)

// Every language of the catalog has every text of the default, and no
// other.
func TestCatalogLanguagesMatch(t *testing.T) {
	if len(Langs()) < 2 || !Known("id") || !Known("en") {
		t.Fatalf("languages %v, want id and en", Langs())
	}
	for _, lang := range Langs() {
		for _, key := range Keys(Default) {
			if !Has(lang, key) {
				t.Errorf("%s lacks %q", lang, key)
			}
		}
		for _, key := range Keys(lang) {
			if !Has(Default, key) {
				t.Errorf("%s has %q, which %s lacks", lang, key, Default)
			}
		}
	}
}

func TestPickAndDate(t *testing.T) {
	day := time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct{ got, want string }{
		{Text{"Rata-rata", "Mean"}.In("en"), "Mean"},
		{Text{"Rata-rata", "Mean"}.In("id"), "Rata-rata"},
		{Text{"Rata-rata", "Mean"}.In("fr"), "Rata-rata"},
		{Text{"Hanya ini", ""}.In("en"), "Hanya ini"},
		{Date(day, "id"), "2 Januari 2027"},
		{Date(day, "en"), "2 January 2027"},
		{T("en", "no.such.key"), "no.such.key"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
