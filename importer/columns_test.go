package importer

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/testkit/docs"
)

// TestColumnsDocumented keeps the import's columns, their explanations
// (the template's guide sheet), the README and the OpenAPI document in
// step: every column a kind reads is explained in both languages and
// named in the README's import section and in the import endpoint's
// description, and nothing is explained that no kind reads.
func TestColumnsDocumented(t *testing.T) {
	readme := docs.READMESection(t, "## Import columns")
	doc := docs.ReadOpenAPI(t)
	api := doc.Paths["/api/v1/imports/{kind}"]["post"].Description
	for _, kind := range Kinds {
		imp, ok := specs[kind]
		if !ok {
			t.Fatalf("no import of kind %s", kind)
		}
		columns := slices.Concat(imp.columns, imp.optional)
		for _, c := range columns {
			d, ok := columnDocs[kind][c]
			switch {
			case !ok || d.text.ID == "" || d.text.EN == "":
				t.Errorf("%s.%s is not explained in both languages", kind, c)
			case !strings.Contains(readme, "`"+c+"`"):
				t.Errorf("README's import section does not name %s.%s", kind, c)
			case !strings.Contains(api, "`"+c+"`"):
				t.Errorf("the OpenAPI import description does not name %s.%s", kind, c)
			}
		}
		for c := range columnDocs[kind] {
			if !slices.Contains(columns, c) {
				t.Errorf("%s.%s is explained but not read", kind, c)
			}
		}
	}
	if len(columnDocs) != len(Kinds) || len(specs) != len(Kinds) {
		t.Errorf("%d kinds explained, %d read, %d listed", len(columnDocs), len(specs), len(Kinds))
	}
}

// TestCompetenciesInNameOrder reads lists of competencies into name
// order, the last level of a name given twice counting, and refuses a
// level out of range.
func TestCompetenciesInNameOrder(t *testing.T) {
	for list, want := range map[string]string{
		"":                                  "[]",
		"Teknis:3":                          "[{Teknis 3}]",
		"b:2; a:1 ;b:3;c:5":                 "[{a 1} {b 3} {c 5}]",
		"Manajerial:4;Sosial Kultural:2":    "[{Manajerial 4} {Sosial Kultural 2}]",
		"z:1;z:2;z:3;a:5;z:4":               "[{a 5} {z 4}]",
		"Pemerintahan:2;Pemerintahan:1;x:1": "[{Pemerintahan 1} {x 1}]",
	} {
		r := row{cols: map[string]int{"competencies": 0}, values: []string{list}}
		if got := fmt.Sprint(r.competencies("competencies")); got != want || len(r.errs) > 0 {
			t.Errorf("%q: %s %v, want %s", list, got, r.errs, want)
		}
	}
	r := row{cols: map[string]int{"competencies": 0}, values: []string{"a:1;b:6"}}
	if got := r.competencies("competencies"); len(got) != 1 || len(r.errs) != 1 {
		t.Errorf("a level of 6: %v %v, want a refused and a kept", got, r.errs)
	}
}
