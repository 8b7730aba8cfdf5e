package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/transfers"
	"github.com/bkpsdm/mutasi/workflows"
)

// TestTextLimits sends every free text, name and id one character over
// its limit, and a body over the JSON cap: each is refused at the door,
// 422 naming the field (413 for the body), before anything reaches
// Temporal.
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
		{p + "/decisions", models.RoleTPK, map[string]any{"approve": true, "reason": over(models.MaxText)}, "reason"},
		{p + "/objections", models.RoleEmployee, map[string]any{"category": "health", "text": over(models.MaxText)}, "text"},
		{p + "/objection-resolution", models.RoleHR, map[string]any{"resolution": "proceed", "note": over(models.MaxText)}, "note"},
		{p + "/training-completion", models.RoleHR, map[string]any{"note": over(models.MaxText)}, "note"},
		{p + "/withdrawal", models.RoleHR, map[string]any{"reason": over(models.MaxText)}, "reason"},
		{p + "/minister-approval", models.RoleHR, map[string]any{"reference": over(workflows.MaxReference)}, "reference"},
		{"/api/v1/rounds", models.RoleHR, map[string]any{"id": "R1", "name": over(models.MaxName)}, "name"},
		{"/api/v1/rounds/R1/confirmation", models.RoleHR, map[string]any{"note": over(models.MaxText)}, "note"},
		{"/api/v1/rounds", models.RoleHR, map[string]any{"id": strings.Repeat("R", models.MaxRoundID+1), "name": "Mutasi"}, "id"},
		{"/api/v1/rounds/R1/confirmation", models.RoleHR, map[string]any{"remove": []string{over(models.MaxTransferID)}}, "remove"},
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
		if got := models.CheckText([]byte(body)) != nil; got != want {
			t.Errorf("CheckText(%s) refuses: %v, want %v", body, got, want)
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

// TestLongestIDsRunATransfer imports a government whose unit and position
// ids are as long as their columns take, starts a round whose id is too,
// and runs one of its transfers until it takes effect: its id, longer
// than its columns as round-NIP-position, is cut to fit with a hash, and
// the worker records every step, the position history included.
func TestLongestIDsRunATransfer(t *testing.T) {
	s := newStack(t, "", nil)
	d := seed.Generate(30, time.Now(), 5)
	pad := func(id string, n int) string { return id + strings.Repeat("x", n-len(id)) }
	for i := range d.Units {
		d.Units[i].ID = pad(d.Units[i].ID, models.MaxUnitID)
	}
	for i := range d.Positions {
		p := &d.Positions[i]
		p.ID, p.UnitID = pad(p.ID, models.MaxPositionID), pad(p.UnitID, models.MaxUnitID)
	}
	for i := range d.Employees {
		if e := &d.Employees[i]; e.PositionID != "" {
			e.PositionID = pad(e.PositionID, models.MaxPositionID)
		}
	}
	units, positions, employees := governmentCSV(d)
	for _, f := range []struct{ kind, body string }{{"units", units}, {"positions", positions}, {"employees", employees}} {
		expect(t, s.do("POST", "/api/v1/imports/"+f.kind, models.RoleHR, f.body, "text/csv"), http.StatusOK)
	}
	round := strings.Repeat("R", models.MaxRoundID)
	expect(t, s.do("POST", "/api/v1/rounds", models.RoleHR, map[string]any{"id": round, "name": "Mutasi", "settings": fastSettings}),
		http.StatusCreated)
	var props struct{ Proposals []models.Transfer }
	testkit.Eventually(t, "the proposals", func() bool {
		var v rounds.View
		s.do("GET", "/api/v1/rounds/"+round, models.RoleHR, nil).json(t, &v)
		if v.Status != models.RoundAwaitingConfirmation {
			return false
		}
		s.do("GET", "/api/v1/rounds/"+round+"/proposals", models.RoleHR, nil).json(t, &props)
		return true
	})
	// Keep one proposal that depends on no other, and remove the rest.
	var mine models.Transfer
	var others []string
	for _, p := range props.Proposals {
		if mine.ID == "" && len(p.DependsOn) == 0 {
			mine = p
			continue
		}
		others = append(others, p.ID)
	}
	if mine.ID == "" || len([]rune(mine.ID)) != models.MaxTransferID || strings.HasSuffix(mine.ID, mine.ToPositionID) {
		t.Fatalf("transfer id %q (%d characters), want %d characters ending in a hash", mine.ID, len([]rune(mine.ID)), models.MaxTransferID)
	}
	expect(t, s.do("POST", "/api/v1/rounds/"+round+"/confirmation", models.RoleHR, map[string]any{"remove": others}), http.StatusOK)
	started(t, s, mine)
	tok, err := apikey.Issue(s.db, "employee", models.Actor{ID: mine.NIP, Role: models.RoleEmployee, NIP: mine.NIP})
	if err != nil {
		t.Fatal(err)
	}
	s.tokens[models.RoleEmployee] = tok
	path := "/api/v1/transfers/" + mine.ID
	expect(t, s.do("POST", path+"/decisions", models.RoleTPK, map[string]any{"approve": true, "reason": "sesuai kebutuhan"}), http.StatusOK)
	expect(t, s.do("POST", path+"/decisions", models.RolePPK, map[string]any{"approve": true, "reason": "disetujui"}), http.StatusOK)
	testkit.Eventually(t, "socialization", func() bool {
		var v transfers.View
		s.do("GET", path, models.RoleEmployee, nil).json(t, &v)
		return v.Live != nil && v.Live.Stage == models.StageSocialization
	})
	expect(t, s.do("POST", path+"/acknowledgement", models.RoleEmployee, nil), http.StatusOK)
	testkit.Eventually(t, "the transfer to take effect", func() bool {
		var spell models.PositionHistory
		return s.db.Where("transfer_id = ?", mine.ID).First(&spell).Error == nil && spell.PositionID == mine.ToPositionID
	})
}
