package server

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestTokensListedAndRevoked: HR lists the tokens (expiry, never the
// token or its hash) and revokes one, which gets 401 at its next
// request; an expired token gets 401 too.
func TestTokensListedAndRevoked(t *testing.T) {
	s := newStack(t, "", nil)
	r := s.do("GET", "/api/v1/tokens", models.RoleHR, nil)
	var list struct{ Items []models.APIKey }
	r.json(t, &list)
	if r.status != http.StatusOK || len(list.Items) != len(s.tokens) {
		t.Fatalf("GET /tokens: %d with %d tokens, want 200 with %d: %s", r.status, len(list.Items), len(s.tokens), r.body)
	}
	var tpk models.APIKey
	for _, k := range list.Items {
		if k.ExpiresAt == nil || !k.ExpiresAt.After(time.Now()) {
			t.Errorf("token %s lists no future expiry: %v", k.ID, k.ExpiresAt)
		}
		if k.Role == models.RoleTPK {
			tpk = k
		}
	}
	for _, tok := range s.tokens {
		// The secret follows "mts_<id>_" and may hold "_" itself.
		if secret := strings.SplitN(tok, "_", 3)[2]; strings.Contains(string(r.body), secret) {
			t.Error("the list shows a token's secret")
		}
	}
	var stored models.APIKey
	s.db.First(&stored, "id = ?", tpk.ID)
	if strings.Contains(string(r.body), stored.Hash) {
		t.Error("the list shows a token's hash")
	}
	expect(t, s.do("GET", "/api/v1/rounds", models.RoleTPK, nil), http.StatusOK)
	expect(t, s.do("POST", "/api/v1/tokens/"+tpk.ID+"/revocation", models.RoleHR, nil), http.StatusOK)
	expect(t, s.do("GET", "/api/v1/rounds", models.RoleTPK, nil), http.StatusUnauthorized)
	expect(t, s.do("POST", "/api/v1/tokens/"+tpk.ID+"/revocation", models.RoleHR, nil), http.StatusNotFound)

	expect(t, s.do("GET", "/api/v1/rounds", models.RolePPK, nil), http.StatusOK)
	if err := s.db.Model(&models.APIKey{}).Where("role = ?", models.RolePPK).
		Update("expires_at", time.Now().Add(-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	expect(t, s.do("GET", "/api/v1/rounds", models.RolePPK, nil), http.StatusUnauthorized)
}

// TestTokensPage: the HR office sees the tokens on their page and
// revokes one there; it then gets 401.
func TestTokensPage(t *testing.T) {
	gdb, _ := testkit.New(t)
	srv := &Server{DB: gdb, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	addAccount(t, srv, "bkpsdm", models.RoleHR, "")
	tok, err := apikey.Issue(gdb, "Sistem LMS", models.Actor{ID: "lms", Role: models.RoleSystem})
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Split(tok, "_")[1]
	p := newPageClient(t, hs.URL)
	if status, _ := p.signIn("bkpsdm", testPassword); status != http.StatusOK {
		t.Fatalf("sign-in: %d", status)
	}
	status, page := p.get("/tokens")
	if status != http.StatusOK || !strings.Contains(page, "<code>"+id+"</code>") || !strings.Contains(page, "Sistem LMS") ||
		strings.Contains(page, tok) {
		t.Fatalf("the tokens page: %d\n%s", status, page)
	}
	if status, _ := p.post("/tokens/"+id+"/revocation", url.Values{"csrf_token": {p.csrf(page)}}); status != http.StatusOK {
		t.Fatalf("revoking from the page: %d", status)
	}
	if _, err := apikey.Lookup(gdb, tok); !errors.Is(err, apikey.ErrInvalid) {
		t.Errorf("the revoked token still works: %v", err)
	}
	if _, page := p.get("/tokens?lang=en"); !strings.Contains(page, ">revoked</span>") {
		t.Errorf("the page does not show the token revoked:\n%s", page)
	}
}
