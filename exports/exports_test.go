package exports

import (
	"slices"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/sheet"
	"github.com/bkpsdm/mutasi/testkit/docs"
)

// TestColumnsDocumented: every column of every download is named in the
// README's downloads section and in its endpoint's OpenAPI description,
// and labelled in both languages.
func TestColumnsDocumented(t *testing.T) {
	readme := docs.READMESection(t, "## Downloads: proposals, exclusions, transfers")
	doc := docs.ReadOpenAPI(t)
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
