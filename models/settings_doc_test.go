package models

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/testkit/docs"
)

// settingNames lists the JSON names of t's fields: a struct field's own
// fields as parent.child, a slice of structs' as parent[].child.
func settingNames(t reflect.Type, prefix string) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		switch ft := f.Type; {
		case ft.Kind() == reflect.Struct && ft.PkgPath() == t.PkgPath() && ft.Name() != "Duration":
			out = append(out, settingNames(ft, prefix+name+".")...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			out = append(out, settingNames(ft.Elem(), prefix+name+"[].")...)
		default:
			out = append(out, prefix+name)
		}
	}
	return out
}

// TestSettingsDocumented keeps every round setting, its inner fields
// included, named in the README's settings table and described in the
// OpenAPI document's Settings schema.
func TestSettingsDocumented(t *testing.T) {
	table := docs.READMESection(t, "## Round settings")
	doc := docs.ReadOpenAPI(t)
	var schema map[string]any
	if err := json.Unmarshal(doc.Components.Schemas["Settings"], &schema); err != nil {
		t.Fatal(err)
	}
	names := settingNames(reflect.TypeFor[RoundSettings](), "")
	if len(names) < 40 {
		t.Fatalf("only %d settings found: %v", len(names), names)
	}
	for _, name := range names {
		parent, child, nested := strings.Cut(name, ".")
		inREADME := strings.Contains(table, "| "+name) || strings.Contains(table, ", "+name)
		if strings.HasSuffix(parent, "[]") {
			inREADME = strings.Contains(table, `"`+child+`"`)
		}
		if !inREADME {
			t.Errorf("README's settings table does not name %s", name)
		}
		node := schema["properties"].(map[string]any)[strings.TrimSuffix(parent, "[]")]
		if nested && node != nil {
			n := node.(map[string]any)
			if items, ok := n["items"].(map[string]any); ok {
				n = items
			}
			props, _ := n["properties"].(map[string]any)
			node = props[child]
		}
		m, _ := node.(map[string]any)
		if d, _ := m["description"].(string); d == "" {
			t.Errorf("the OpenAPI Settings schema does not describe %s", name)
		}
	}
}
