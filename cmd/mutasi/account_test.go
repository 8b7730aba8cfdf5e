package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/models"
)

// TestAccountCreate creates accounts with `mutasi account create`, the
// password from standard input or the environment, and checks that they
// sign in and that bad requests are refused.
func TestAccountCreate(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "mutasi.db")
	var migrateOut bytes.Buffer
	if code := run(context.Background(), []string{"migrate", "--database-url", dsn}, &migrateOut, &migrateOut); code != 0 {
		t.Fatalf("migrate: %d %s", code, migrateOut.String())
	}
	create := func(password string, args ...string) (string, int) {
		t.Helper()
		stdin = strings.NewReader(password + "\n")
		var out, errs bytes.Buffer
		code := run(context.Background(), append([]string{"account", "create", "--database-url", dsn}, args...), &out, &errs)
		return out.String() + errs.String(), code
	}
	if out, code := create("rahasia-sekali-123", "--username", "tpk.kota", "--role", "tpk", "--units", "U001, U002", "--name", "TPK Kota"); code != 0 {
		t.Fatalf("create: %d %s", code, out)
	}
	t.Setenv("MUTASI_ACCOUNT_PASSWORD", "kata-sandi-pegawai-9")
	if out, code := create("", "--username", "199001012015011001", "--role", "employee", "--nip", "199001012015011001"); code != 0 {
		t.Fatalf("create from the environment: %d %s", code, out)
	}
	if out, code := create("", "--username", "root", "--role", "admin"); code != 0 {
		t.Fatalf("create the first admin: %d %s", code, out)
	}
	gdb, err := db.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := account.Authenticate(gdb, "root", "kata-sandi-pegawai-9"); err != nil || a.Role != models.RoleAdmin {
		t.Errorf("the admin account: %+v, %v", a, err)
	}
	acc, err := account.Authenticate(gdb, "TPK.kota", "rahasia-sekali-123")
	if err != nil || acc.Role != models.RoleTPK || len(acc.Units) != 2 || acc.Name != "TPK Kota" {
		t.Errorf("the TPK account: %+v, %v", acc, err)
	}
	if !strings.HasPrefix(acc.PasswordHash, "$argon2id$v=19$") || strings.Contains(acc.PasswordHash, "rahasia") {
		t.Errorf("the password is not stored as an argon2id hash: %s", acc.PasswordHash)
	}
	if a, err := account.Authenticate(gdb, "199001012015011001", "kata-sandi-pegawai-9"); err != nil || a.Actor().NIP != "199001012015011001" {
		t.Errorf("the employee account: %+v, %v", a, err)
	}
	t.Setenv("MUTASI_ACCOUNT_PASSWORD", "")
	for _, bad := range []struct {
		password string
		args     []string
		want     string
	}{
		{"short", []string{"--username", "ppk", "--role", "ppk"}, "password must be"},
		{"rahasia-sekali-123", []string{"--username", "pegawai", "--role", "employee"}, "NIP"},
		{"rahasia-sekali-123", []string{"--username", "x y", "--role", "ppk"}, "username"},
		{"rahasia-sekali-123", []string{"--username", "sys", "--role", "system"}, "role"},
		{"rahasia-sekali-123", []string{"--username", "tpk.kota", "--role", "tpk"}, "taken"},
		{"", []string{"--username", "ppk", "--role", "ppk"}, "no password"},
	} {
		if out, code := create(bad.password, bad.args...); code == 0 || !strings.Contains(out, bad.want) {
			t.Errorf("%v: %d %q, want an error about %s", bad.args, code, out, bad.want)
		}
	}
}
