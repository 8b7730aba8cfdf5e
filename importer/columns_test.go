package importer

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// section returns the part of the README under the heading h, up to the
// next heading of its level.
func section(t *testing.T, readme, h string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "\n"+h+"\n")
	if !ok {
		t.Fatalf("README has no heading %q", h)
	}
	body, _, _ := strings.Cut(rest, "\n## ")
	return body
}

// TestColumnsDocumented keeps the import's columns, their explanations
// (the template's guide sheet), the README and the OpenAPI document in
// step: every column a kind reads is explained in both languages and
// named in the README's import section and in the import endpoint's
// description, and nothing is explained that no kind reads.
func TestColumnsDocumented(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := section(t, string(b), "## Import columns")
	b, err = os.ReadFile("../server/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct{ Description string }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	api := doc.Paths["/api/v1/imports/{kind}"]["post"].Description
	for _, kind := range Kinds {
		imp, ok := specs[kind]
		if !ok {
			t.Fatalf("no import of kind %s", kind)
		}
		columns := slices.Concat(imp.columns, imp.optional)
		for _, c := range columns {
			d, ok := docs[kind][c]
			switch {
			case !ok || d.text.ID == "" || d.text.EN == "":
				t.Errorf("%s.%s is not explained in both languages", kind, c)
			case !strings.Contains(readme, "`"+c+"`"):
				t.Errorf("README's import section does not name %s.%s", kind, c)
			case !strings.Contains(api, "`"+c+"`"):
				t.Errorf("the OpenAPI import description does not name %s.%s", kind, c)
			}
		}
		for c := range docs[kind] {
			if !slices.Contains(columns, c) {
				t.Errorf("%s.%s is explained but not read", kind, c)
			}
		}
	}
	if len(docs) != len(Kinds) || len(specs) != len(Kinds) {
		t.Errorf("%d kinds explained, %d read, %d listed", len(docs), len(specs), len(Kinds))
	}
}
