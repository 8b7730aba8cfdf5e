package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// TestTokensListedAndRevoked: HR lists the tokens (expiry, never the
// token or its hash) and revokes one, which gets 401 at its next
// request; an expired token gets 401 too.
func TestTokensListedAndRevoked(t *testing.T) {
	s := newStack(t, "", nil)
	r := s.do("GET", "/api/v1/tokens", models.RoleHR, nil)
	var list struct{ Items []models.APIKey }
	r.json(t, &list)
	if r.status != http.StatusOK || len(list.Items) != 4 {
		t.Fatalf("GET /tokens: %d with %d tokens, want 200 with 4: %s", r.status, len(list.Items), r.body)
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
		if strings.Contains(string(r.body), tok[strings.LastIndex(tok, "_")+1:]) {
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
