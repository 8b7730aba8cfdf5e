package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

var admin = models.Actor{ID: "root", Role: models.RoleAdmin}

// wantField fails the test unless err is an error of kind k naming field.
func wantField(t *testing.T, err error, k apperr.Kind, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != k || e.Field != field {
		t.Errorf("error %v, want %s naming %q", err, k, field)
	}
}

// TestAccountLifecycle creates, searches, disables, enables, resets and
// changes accounts on PostgreSQL, and checks the sessions and the audit
// lines each step leaves.
func TestAccountLifecycle(t *testing.T) {
	gdb, _ := testkit.New(t)
	s := &Service{DB: gdb}
	ctx := context.Background()

	created, err := s.Create(ctx, admin, CreateRequest{Username: "Siti.R", Name: "Siti Rahma", Role: models.RoleEmployee,
		NIP: "198503142010012001"})
	if err != nil {
		t.Fatal(err)
	}
	if created.Account.Username != "siti.r" || len(created.Password) < account.MinPassword {
		t.Fatalf("created %+v", created)
	}
	if _, err := account.Authenticate(gdb, "siti.r", created.Password); err != nil {
		t.Fatalf("the generated password does not sign in: %v", err)
	}
	if out, err := s.Create(ctx, admin, CreateRequest{Username: "tpk.a", Name: "Ahmad TPK", Role: models.RoleTPK,
		Units: []string{"U1"}, Password: "sandi-tpk-panjang"}); err != nil || out.Password != "" {
		t.Fatalf("create with a password: %+v, %v", out, err)
	}
	_, err = s.Create(ctx, admin, CreateRequest{Username: "siti.r", Role: models.RoleHR, Password: "sandi-tpk-panjang"})
	wantField(t, err, apperr.KindConflict, "username")

	for _, bad := range []struct {
		r     CreateRequest
		field string
	}{
		{CreateRequest{Username: "x", Role: models.RoleHR}, "username"},
		{CreateRequest{Username: "budi", Role: "boss"}, "role"},
		{CreateRequest{Username: "budi", Role: models.RoleEmployee, NIP: "123"}, "nip"},
		{CreateRequest{Username: "budi", Role: models.RoleHR, NIP: "198503142010012001"}, "nip"},
		{CreateRequest{Username: "budi", Role: models.RoleHR, Password: "short"}, "password"},
		{CreateRequest{Username: "budi", Role: models.RoleHR, Name: strings.Repeat("n", models.MaxName+1)}, "name"},
		{CreateRequest{Username: "budi", Role: models.RoleTPK, Units: []string{strings.Repeat("u", models.MaxUnitID+1)}}, "units"},
		{CreateRequest{Username: "budi", Role: models.RoleHR, Units: []string{"U1"}}, "units"},
	} {
		_, err := s.Create(ctx, admin, bad.r)
		wantField(t, err, apperr.KindInvalid, bad.field)
	}

	for _, q := range []struct {
		search string
		want   int64
	}{{"", 2}, {"SITI", 1}, {"rahma", 1}, {"19850314", 1}, {"ahmad", 1}, {"%", 0}, {"nobody", 0}} {
		items, total, err := s.List(ctx, Query{Search: q.search, Limit: 1})
		if err != nil || total != q.want || len(items) != int(min(q.want, 1)) {
			t.Errorf("search %q: %d of %d, %v; want %d", q.search, len(items), total, err, q.want)
		}
	}
	_, _, err = s.List(ctx, Query{Limit: MaxLimit + 1})
	wantField(t, err, apperr.KindMalformed, "limit")
	_, _, err = s.List(ctx, Query{Limit: 1, Search: strings.Repeat("a", MaxSearch+1)})
	wantField(t, err, apperr.KindInvalid, "q")

	// Two sessions; disabling ends both at once.
	acc, _ := account.Authenticate(gdb, "siti.r", created.Password)
	tok1, _ := account.StartSession(gdb, acc, time.Now())
	tok2, _ := account.StartSession(gdb, acc, time.Now())
	d, err := s.Get(ctx, "siti.r")
	if err != nil || len(d.Sessions) != 2 || d.LastSignInAt == nil {
		t.Fatalf("detail %+v, %v", d, err)
	}
	if n, err := s.RevokeSessions(ctx, admin, "siti.r", d.Sessions[0].ID); err != nil || n != 1 {
		t.Errorf("revoke one session: %d, %v", n, err)
	}
	_, err = s.RevokeSessions(ctx, admin, "siti.r", "nope")
	wantField(t, err, apperr.KindNotFound, "")
	if _, err := s.SetDisabled(ctx, admin, "siti.r", true); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{tok1, tok2} {
		if _, err := account.LookupSession(gdb, tok, time.Now()); !errors.Is(err, account.ErrInvalid) {
			t.Errorf("a session of a disabled account still works: %v", err)
		}
	}
	if _, err := account.Authenticate(gdb, "siti.r", created.Password); !errors.Is(err, account.ErrInvalid) {
		t.Errorf("a disabled account signs in: %v", err)
	}
	if _, err := s.SetDisabled(ctx, admin, "siti.r", false); err != nil {
		t.Fatal(err)
	}
	_, err = s.SetDisabled(ctx, admin, "root", true)
	wantField(t, err, apperr.KindConflict, "username")
	_, err = s.SetDisabled(ctx, admin, "nobody", true)
	wantField(t, err, apperr.KindNotFound, "")

	// A reset password: generated, or given; the old one stops working.
	pw, err := s.ResetPassword(ctx, admin, "siti.r", "")
	if err != nil || pw == "" {
		t.Fatalf("reset: %q, %v", pw, err)
	}
	if _, err := account.Authenticate(gdb, "siti.r", pw); err != nil {
		t.Errorf("the reset password does not sign in: %v", err)
	}
	if pw, err := s.ResetPassword(ctx, admin, "siti.r", "sandi-baru-siti-2027"); err != nil || pw != "" {
		t.Errorf("reset to a given password: %q, %v", pw, err)
	}
	_, err = s.ResetPassword(ctx, admin, "siti.r", "short")
	wantField(t, err, apperr.KindInvalid, "password")

	changed, err := s.Change(ctx, admin, "tpk.a", ChangeRequest{Role: models.RolePPK, Units: []string{"U1", "U2"}})
	if err != nil || changed.Role != models.RolePPK || len(changed.Units) != 2 {
		t.Fatalf("change: %+v, %v", changed, err)
	}
	_, err = s.Change(ctx, admin, "tpk.a", ChangeRequest{Role: models.RoleEmployee})
	wantField(t, err, apperr.KindInvalid, "nip")
	_, err = s.Change(ctx, admin, "root", ChangeRequest{Role: models.RoleHR})
	wantField(t, err, apperr.KindConflict, "role")

	// Every change left a line by the admin, and none holds a password or
	// its hash.
	var lines []models.AuditEntry
	gdb.Order("id").Find(&lines)
	var actions []string
	var stored models.Account
	gdb.First(&stored, "username = ?", "siti.r")
	for _, l := range lines {
		actions = append(actions, l.Action)
		if l.ActorID != "root" || l.Role != models.RoleAdmin {
			t.Errorf("line %+v: not the admin's", l)
		}
		for _, secret := range []string{created.Password, pw, "sandi-baru-siti-2027", "sandi-tpk-panjang", "argon2id", stored.PasswordHash} {
			if strings.Contains(l.Detail, secret) {
				t.Errorf("line %q holds a secret", l.Detail)
			}
		}
	}
	want := []string{models.ActionAccountCreated, models.ActionAccountCreated, models.ActionAccountSessionsRevoked,
		models.ActionAccountDisabled, models.ActionAccountEnabled, models.ActionAccountPasswordReset,
		models.ActionAccountPasswordReset, models.ActionAccountChanged}
	if strings.Join(actions, " ") != strings.Join(want, " ") {
		t.Errorf("audit actions %v, want %v", actions, want)
	}
}
