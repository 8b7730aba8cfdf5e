package server

import (
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

// TestTextLimits sends every free text and name one character over its
// limit, and a body over the JSON cap: each is refused at the door, 422
// naming the field (413 for the body), before anything reaches Temporal.
func TestTextLimits(t *testing.T) {
	s := newStack(t, "199001012015011001", func(*gorm.DB) {})
	over := func(n int) string { return strings.Repeat("é", n+1) }
	p := "/api/v1/transfers/T1"
	cases := []struct {
		path  string
		role  models.Role
		body  map[string]any
		field string
	}{
		{p + "/decisions", models.RoleTPK, map[string]any{"approve": true, "reason": over(maxText)}, "reason"},
		{p + "/objections", models.RoleEmployee, map[string]any{"category": "health", "text": over(maxText)}, "text"},
		{p + "/objection-resolution", models.RoleHR, map[string]any{"resolution": "proceed", "note": over(maxText)}, "note"},
		{p + "/training-completion", models.RoleHR, map[string]any{"note": over(maxText)}, "note"},
		{p + "/withdrawal", models.RoleHR, map[string]any{"reason": over(maxText)}, "reason"},
		{p + "/minister-approval", models.RoleHR, map[string]any{"reference": over(workflows.MaxReference)}, "reference"},
		{"/api/v1/rounds", models.RoleHR, map[string]any{"id": "R1", "name": over(maxName)}, "name"},
		{"/api/v1/rounds/R1/confirmation", models.RoleHR, map[string]any{"note": over(maxText)}, "note"},
	}
	for _, c := range cases {
		r := s.do("POST", c.path, c.role, c.body)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s with a long %s: %d %s, want 422", c.path, c.field, r.status, r.body)
			continue
		}
		if !strings.Contains(string(r.body), `"`+c.field+`"`) {
			t.Errorf("%s: the problem %s does not name %s", c.path, r.body, c.field)
		}
	}
	big := map[string]any{"approve": true, "reason": strings.Repeat("x", maxJSONBody)}
	if r := s.do("POST", p+"/decisions", models.RoleTPK, big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over %d bytes: %d, want 413", maxJSONBody, r.status)
	}
}

// TestTextChecks: a reason of zero-width characters is missing; the six
// characters \u0000 typed as text pass, a real NUL does not; a sign-in
// that would send the browser to another host goes home instead.
func TestTextChecks(t *testing.T) {
	for body, want := range map[string]bool{`{"a": "\u0000"}`: true, `{"a": "\\u0000"}`: false,
		`{"a": "\\\u0000"}`: true, `{"a": "C:\\u0000x"}`: false, `{"a": "ok"}`: false} {
		if got := escapedNUL([]byte(body)); got != want {
			t.Errorf("escapedNUL(%s) = %v, want %v", body, got, want)
		}
	}
	for p, want := range map[string]bool{"/inbox": true, "/transfers/T1?x=1": true, "/\t/evil.example/p": false,
		"//evil.example": false, "/\\evil.example": false, "/a\\b": false, "/a b": false, "https://evil.example": false,
		"/\u2028x": false, "": false} {
		if got := localPath(p); got != want {
			t.Errorf("localPath(%q) = %v, want %v", p, got, want)
		}
	}
	s := newStack(t, "", func(*gorm.DB) {})
	r := s.do("POST", "/api/v1/rounds", models.RoleHR, map[string]any{"id": "R1", "name": "\u200b\u2060"})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"name"`) {
		t.Errorf("a name of zero-width characters: %d %s, want 422 naming name", r.status, r.body)
	}
}
