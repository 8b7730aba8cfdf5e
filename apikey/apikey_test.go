package apikey_test

import (
	"errors"
	"testing"

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
	if err := apikey.Revoke(gdb, stored.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := apikey.Lookup(gdb, tok); !errors.Is(err, apikey.ErrInvalid) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if _, err := apikey.Issue(gdb, "x", models.Actor{Role: models.RoleEmployee, NIP: "123"}); err == nil {
		t.Error("an employee token without a valid NIP was issued")
	}
	if _, err := apikey.Issue(gdb, "x", models.Actor{Role: "admin"}); err == nil {
		t.Error("a token with an unknown role was issued")
	}
}
