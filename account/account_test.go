package account

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %s", h)
	}
	if again, _ := HashPassword("correct horse battery"); again == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "correct horse batterY") {
		t.Error("CheckPassword does not tell the password")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=0,t=2,p=1$c2FsdA$a2V5",
		strings.Replace(h, "$v=19$", "$v=16$", 1), h[:len(h)-2] + "!!"} {
		if CheckPassword(bad, "correct horse battery") {
			t.Errorf("CheckPassword accepted %q", bad)
		}
	}
}

func TestAccountsAndSessions(t *testing.T) {
	gdb, _ := testkit.NewSQLite(t)
	acc, err := Create(gdb, Params{Username: " Siti.R ", Password: "rahasia-siti-2027", Role: models.RoleEmployee, NIP: "198503142010012001"})
	if err != nil {
		t.Fatal(err)
	}
	if a := acc.Actor(); acc.Username != "siti.r" || acc.Name != "siti.r" || a.ID != "siti.r" || a.Role != models.RoleEmployee ||
		a.NIP != "198503142010012001" || len(a.Units) != 0 {
		t.Errorf("account %+v", acc)
	}
	if _, err := Create(gdb, Params{Username: "siti.r", Password: "another-password", Role: models.RoleHR}); !errors.Is(err, ErrExists) {
		t.Errorf("a taken username: %v", err)
	}
	for _, wrong := range [][2]string{{"siti.r", "rahasia-siti-2028"}, {"nobody", "rahasia-siti-2027"}, {"", ""}} {
		if _, err := Authenticate(gdb, wrong[0], wrong[1]); !errors.Is(err, ErrInvalid) {
			t.Errorf("Authenticate(%q, %q) = %v", wrong[0], wrong[1], err)
		}
	}
	if _, err := Authenticate(gdb, "SITI.R", "rahasia-siti-2027"); err != nil {
		t.Errorf("the right password: %v", err)
	}

	now := time.Now()
	token, err := StartSession(gdb, acc, now)
	if err != nil {
		t.Fatal(err)
	}
	var s models.Session
	gdb.First(&s)
	if s.ID == token || len(s.ID) != 64 {
		t.Errorf("the session is stored as %q for the token %q", s.ID, token)
	}
	if got, err := LookupSession(gdb, token, now.Add(time.Hour)); err != nil || got.Username != "siti.r" {
		t.Errorf("a live session: %+v, %v", got, err)
	}
	for _, bad := range []string{"", token + "x", strings.Repeat("a", 200)} {
		if _, err := LookupSession(gdb, bad, now); !errors.Is(err, ErrInvalid) {
			t.Errorf("LookupSession(%q) = %v", bad, err)
		}
	}
	if _, err := LookupSession(gdb, token, now.Add(SessionTTL+time.Second)); !errors.Is(err, ErrInvalid) {
		t.Errorf("an expired session: %v", err)
	}
	if err := SetPassword(gdb, "siti.r", "kata-sandi-baru-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := Authenticate(gdb, "siti.r", "kata-sandi-baru-1"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	gdb.Model(&models.Account{}).Where("username = ?", "siti.r").Update("disabled_at", now)
	if _, err := LookupSession(gdb, token, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("a disabled account's session: %v", err)
	}
	if _, err := Authenticate(gdb, "siti.r", "kata-sandi-baru-1"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a disabled account signed in: %v", err)
	}
	if err := EndSession(gdb, token); err != nil {
		t.Fatal(err)
	}
	var n int64
	gdb.Model(&models.Session{}).Count(&n)
	if n != 0 {
		t.Errorf("%d sessions after EndSession", n)
	}
}
