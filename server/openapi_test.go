package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bkpsdm/mutasi/models"
)

// specChecker validates responses against the served OpenAPI document.
type specChecker struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	paths    []specPath
	mu       sync.Mutex
	cache    map[string]*jsonschema.Schema
}

type specPath struct {
	template string
	re       *regexp.Regexp
}

const specURL = "mem://openapi.json"

func newSpecChecker(t *testing.T) *specChecker {
	var doc map[string]any
	if err := json.Unmarshal(openAPISpec, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v, want 3.1.0", doc["openapi"])
	}
	c := jsonschema.NewCompiler()
	docCopy, _ := jsonschema.UnmarshalJSON(bytes.NewReader(openAPISpec))
	if err := c.AddResource(specURL, docCopy); err != nil {
		t.Fatal(err)
	}
	sc := &specChecker{doc: doc, compiler: c, cache: map[string]*jsonschema.Schema{}}
	for tmpl := range doc["paths"].(map[string]any) {
		segs := strings.Split(tmpl, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, "{") {
				segs[i] = "[^/]+"
			} else {
				segs[i] = regexp.QuoteMeta(seg)
			}
		}
		sc.paths = append(sc.paths, specPath{tmpl, regexp.MustCompile("^" + strings.Join(segs, "/") + "$")})
	}
	return sc
}

// pointer escapes a JSON pointer token.
func pointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// check validates one response; it returns what is wrong, or nil.
func (sc *specChecker) check(method, path string, status int, contentType string, body []byte) error {
	path, _, _ = strings.Cut(path, "?")
	var tmpl string
	for _, p := range sc.paths {
		if p.re.MatchString(path) {
			tmpl = p.template
		}
	}
	if tmpl == "" {
		return fmt.Errorf("%s is not in the OpenAPI document", path)
	}
	op, ok := sc.doc["paths"].(map[string]any)[tmpl].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s is not in the OpenAPI document", method, tmpl)
	}
	code := strconv.Itoa(status)
	resp, ok := op["responses"].(map[string]any)[code].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s answered %d, which the OpenAPI document does not list", method, tmpl, status)
	}
	ct, _, _ := strings.Cut(contentType, ";")
	if _, ok := resp["content"].(map[string]any)[ct]; !ok {
		return fmt.Errorf("%s %s %d: content type %q not in the OpenAPI document", method, tmpl, status, ct)
	}
	if ct != "application/json" && ct != "application/problem+json" {
		return nil // CSV, workbooks and SVG: the content type is checked above
	}
	loc := fmt.Sprintf("%s#/paths/%s/%s/responses/%s/content/%s/schema", specURL, pointer(tmpl), strings.ToLower(method), code, pointer(ct))
	sc.mu.Lock()
	schema, ok := sc.cache[loc]
	if !ok {
		var err error
		if schema, err = sc.compiler.Compile(loc); err != nil {
			sc.mu.Unlock()
			return fmt.Errorf("compile %s: %w", loc, err)
		}
		sc.cache[loc] = schema
	}
	sc.mu.Unlock()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s %d: body is not JSON: %v", method, tmpl, status, err)
	}
	if err := schema.Validate(v); err != nil {
		return fmt.Errorf("%s %s %d: response does not match the OpenAPI document: %v\n%s", method, tmpl, status, err, body)
	}
	return nil
}

func TestSpecCheckerCatchesMismatch(t *testing.T) {
	sc := newSpecChecker(t)
	good := `{"transfer_id":"x","stage":"awaiting_ppk"}`
	if err := sc.check("POST", "/api/v1/transfers/abc/decisions", 200, "application/json", []byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		method, path string
		status       int
		ct, body     string
	}{
		{"POST", "/api/v1/transfers/abc/decisions", 200, "application/json", `{"transfer_id":"x","stage":"nowhere"}`},
		{"POST", "/api/v1/transfers/abc/decisions", 201, "application/json", good},
		{"POST", "/api/v1/transfers/abc/decisions", 200, "text/plain", good},
		{"GET", "/api/v1/nowhere", 200, "application/json", good},
		{"POST", "/api/v1/rounds", 422, "application/problem+json", `{"status":422}`},
	} {
		if err := sc.check(bad.method, bad.path, bad.status, bad.ct, []byte(bad.body)); err == nil {
			t.Errorf("%s %s %d %s %s passed", bad.method, bad.path, bad.status, bad.ct, bad.body)
		}
	}
}

// TestSpecStagesAreTheModelsStages keeps the API's one list of transfer
// stages equal to models.Stages, in order.
func TestSpecStagesAreTheModelsStages(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas struct {
				Stage struct {
					Enum []models.Stage `json:"enum"`
				} `json:"Stage"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPISpec, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Components.Schemas.Stage.Enum; !slices.Equal(got, models.Stages) {
		t.Fatalf("openapi.json Stage enum %v, models.Stages %v", got, models.Stages)
	}
}

// TestSpecListsTooLarge checks that every operation that takes a body
// documents the 413 its body cap answers.
func TestSpecListsTooLarge(t *testing.T) {
	sc := newSpecChecker(t)
	n := 0
	for path, item := range sc.doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			op, ok := op.(map[string]any)
			if !ok || op["requestBody"] == nil {
				continue
			}
			n++
			if _, ok := op["responses"].(map[string]any)["413"]; !ok {
				t.Errorf("%s %s takes a body but lists no 413", strings.ToUpper(method), path)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d operations take a body", n)
	}
}
