package exports

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/sheet"
)

// TestColumnsDocumented: every column of every download is named in the
// README's downloads section and in its endpoint's OpenAPI description,
// and labelled in both languages.
func TestColumnsDocumented(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, readme, ok := strings.Cut(string(b), "\n## Downloads: proposals, exclusions, transfers\n")
	if !ok {
		t.Fatal("README has no downloads section")
	}
	readme, _, _ = strings.Cut(readme, "\n## ")
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
	for path, columns := range map[string][]sheet.Column{
		"/api/v1/rounds/{id}/proposals":     slices.Concat(moverColumns, proposalColumns),
		"/api/v1/transfers":                 slices.Concat(moverColumns, transferColumns),
		"/api/v1/rounds/{id}/exclusions":    exclusionColumns,
		"/api/v1/rounds/{id}/siasn-changes": siasnColumns,
	} {
		api := doc.Paths[path]["get"].Description
		for _, c := range columns {
			if !strings.Contains(readme, "`"+c.Key+"`") {
				t.Errorf("README's downloads section does not name %s", c.Key)
			}
			if !strings.Contains(api, c.Key) {
				t.Errorf("the OpenAPI description of %s does not name %s", path, c.Key)
			}
			if c.Label.ID == "" || c.Label.EN == "" {
				t.Errorf("%s is not labelled in both languages", c.Key)
			}
		}
	}
}
