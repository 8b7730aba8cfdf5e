// Package docs reads the project's documents for the tests that keep
// them in step with the code: a section of the README, and the OpenAPI
// document.
package docs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// root is the repository's folder, from a package's folder.
const root = ".."

// READMESection returns the README's section under the level-2 heading
// ("## Import columns"), up to the next one; it fails tb when there is
// none.
func READMESection(tb testing.TB, heading string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		tb.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		tb.Fatalf("README has no heading %q", heading)
	}
	section, _, _ := strings.Cut(rest, "\n## ")
	return section
}

// OpenAPI is the parts of the OpenAPI document these tests read.
type OpenAPI struct {
	Paths      map[string]map[string]struct{ Description string }
	Components struct {
		Schemas map[string]json.RawMessage
	}
}

// ReadOpenAPI reads server/openapi.json.
func ReadOpenAPI(tb testing.TB) OpenAPI {
	tb.Helper()
	var doc OpenAPI
	b, err := os.ReadFile(filepath.Join(root, "server", "openapi.json"))
	if err == nil {
		err = json.Unmarshal(b, &doc)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}
