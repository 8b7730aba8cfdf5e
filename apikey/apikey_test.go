package apikey_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

func TestIssueLookupRevoke(t *testing.T) {
	gdb, _ := testkit.New(t)
	actor := models.Actor{ID: "tpk-a", Role: models.RoleTPK, Units: []string{"U001", "U002"}}
	tok, err := apikey.Issue(gdb, "TPK Banjarbaru", actor)
	if err != nil {
		t.Fatal(err)
	}
	got, err := apikey.Lookup(gdb, tok)
	if err != nil || got.ID != "tpk-a" || got.Role != models.RoleTPK || len(got.Units) != 2 {
		t.Fatalf("Lookup = %+v, %v", got, err)
	}
	var stored models.APIKey
	gdb.First(&stored)
	if stored.Hash == tok || len(stored.Hash) != 64 {
		t.Errorf("the token is not stored hashed: %q", stored.Hash)
	}
	for _, bad := range []string{"", "mts_x", tok + "x", "Bearer " + tok} {
		if _, err := apikey.Lookup(gdb, bad); !errors.Is(err, apikey.ErrInvalid) {
			t.Errorf("Lookup(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	hr := models.Actor{ID: "siti.hr", Role: models.RoleHR}
	if k, err := apikey.Revoke(gdb, stored.ID, hr); err != nil || k.RevokedAt == nil {
		t.Fatalf("Revoke = %+v, %v", k, err)
	}
	// The revocation is audited, with who revoked it.
	var line models.AuditEntry
	if err := gdb.First(&line, "action = ?", models.ActionTokenRevoked).Error; err != nil || line.ActorID != "siti.hr" ||
		line.Role != models.RoleHR || !strings.Contains(line.Detail, stored.ID) {
		t.Errorf("audit line %+v, %v", line, err)
	}
	if _, err := apikey.Revoke(gdb, stored.ID, hr); !errors.Is(err, apikey.ErrInvalid) {
		t.Errorf("a second revocation: %v, want ErrInvalid", err)
	}
	if _, err := apikey.Lookup(gdb, tok); !errors.Is(err, apikey.ErrInvalid) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if _, err := apikey.Issue(gdb, "x", models.Actor{Role: models.RoleEmployee, NIP: "123"}); err == nil {
		t.Error("an employee token without a valid NIP was issued")
	}
	if _, err := apikey.Issue(gdb, "x", models.Actor{Role: "boss"}); err == nil {
		t.Error("a token with an unknown role was issued")
	}
}

// TestTokensEnd: a token works for its life only, is listed with its
// expiry and without its hash, and a life out of bounds is refused.
func TestTokensEnd(t *testing.T) {
	gdb, _ := testkit.New(t)
	hr := models.Actor{ID: "hr", Role: models.RoleHR}
	tok, err := apikey.Issue(gdb, "BKPSDM", hr)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := apikey.List(gdb, 10)
	if err != nil || len(keys) != 1 || keys[0].ExpiresAt == nil {
		t.Fatalf("List = %+v, %v", keys, err)
	}
	if life := keys[0].ExpiresAt.Sub(keys[0].CreatedAt); life != apikey.DefaultTTL {
		t.Errorf("a token lives %v, want %v", life, apikey.DefaultTTL)
	}
	if _, err := apikey.Lookup(gdb, tok); err != nil {
		t.Fatalf("a fresh token does not work: %v", err)
	}
	past := time.Now().Add(-time.Second)
	if err := gdb.Model(&models.APIKey{}).Where("id = ?", keys[0].ID).Update("expires_at", past).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := apikey.Lookup(gdb, tok); !errors.Is(err, apikey.ErrInvalid) {
		t.Errorf("an expired token still works: %v", err)
	}
	for _, ttl := range []time.Duration{0, -time.Hour, apikey.MaxTTL + time.Hour} {
		if _, err := apikey.IssueFor(gdb, "x", hr, ttl); err == nil {
			t.Errorf("a token of life %v was issued", ttl)
		}
	}
	if n := len(must(apikey.List(gdb, 10))); n != 1 {
		t.Errorf("%d tokens after refused issues, want 1", n)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
