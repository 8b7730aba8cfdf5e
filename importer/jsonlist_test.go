package importer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/models"
)

// TestJSONList writes the list columns as encoding/json does, byte for
// byte: every ASCII character, escapes, U+2028, bytes that are not UTF-8,
// an SKP with and without its source, and no list at all.
func TestJSONList(t *testing.T) {
	var ascii strings.Builder
	for c := range 0x80 {
		ascii.WriteByte(byte(c))
	}
	texts := []string{"", "Manajerial", ascii.String(), "Sosial\u2028Kultural\u2029", "Bahasa Jawa \u00e9\u4e2d\U0001F600", "a\xffb\xc3", `"<&>"\`}
	fuzzTexts(t, texts)
	skp := []models.EmployeeSKP{{Year: 2024, Predicate: models.Baik}, {NIP: "x", Year: 2025, Predicate: models.SangatBaik, Source: models.SourceSIASN}}
	same(t, skp, jsonList(skp))
	var competencies []models.EmployeeCompetency
	for i, text := range texts {
		competencies = append(competencies, models.EmployeeCompetency{Name: text, Level: i})
	}
	same(t, competencies, jsonList(competencies))
	if v := jsonList([]string(nil)); v != nil {
		t.Errorf("no list: %v, want NULL", v)
	}
}

// FuzzJSONList writes lists of any texts as encoding/json does.
func FuzzJSONList(f *testing.F) {
	f.Add("Teknis", "\u2029<\x01\xfe")
	f.Fuzz(func(t *testing.T, a, b string) { fuzzTexts(t, []string{a, b}) })
}

// fuzzTexts checks jsonList of texts, and of each text alone.
func fuzzTexts(t *testing.T, texts []string) {
	t.Helper()
	same(t, texts, jsonList(texts))
	for _, text := range texts {
		same(t, []string{text}, jsonList([]string{text}))
	}
}

// same fails t unless got is what json.Marshal makes of list.
func same[T any](t *testing.T, list []T, got any) {
	t.Helper()
	want, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("jsonList(%+v) = %s, want %s", list, got, want)
	}
}
