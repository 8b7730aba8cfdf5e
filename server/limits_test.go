package server

import (
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
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
		{p + "/minister-approval", models.RoleHR, map[string]any{"reference": over(maxName)}, "reference"},
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
