package importer

import (
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
