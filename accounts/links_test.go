package accounts

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/outbox"
	"github.com/bkpsdm/mutasi/smtptest"
	"github.com/bkpsdm/mutasi/testkit"
)

var linkPattern = regexp.MustCompile(`https://mutasi\.example\.go\.id/password/([A-Za-z0-9_-]+)`)

// outboxTo returns the outbox's messages to the address, oldest first.
func outboxTo(t *testing.T, gdb *gorm.DB, to string) []models.OutboxMessage {
	t.Helper()
	var ms []models.OutboxMessage
	if err := gdb.Where("\"to\" = ?", to).Order("id").Find(&ms).Error; err != nil {
		t.Fatal(err)
	}
	return ms
}

// tokenIn returns the token of the link in a mail's body.
func tokenIn(t *testing.T, body string) string {
	t.Helper()
	m := linkPattern.FindAllStringSubmatch(body, -1)
	// The link is in the Indonesian text and in the English one.
	if len(m) != 2 || m[0][1] != m[1][1] {
		t.Fatalf("want the link twice in the body, got %v:\n%s", m, body)
	}
	return m[0][1]
}

func wantKind(t *testing.T, err error, k apperr.Kind) {
	t.Helper()
	if !apperr.Is(err, k) {
		t.Errorf("error %v, want kind %s", err, k)
	}
}

// TestInvitationsAndReset invites the imported employees twice and a list
// of approvers twice, sets a password from an invitation's link once,
// refuses used, unknown and expired links, resets a forgotten password by
// e-mail (nothing for an unknown address) and ends the sessions, on
// PostgreSQL and SQLite; the invitation goes through the outbox relay to
// a real SMTP server.
func TestInvitationsAndReset(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			s := &Service{DB: gdb, BaseURL: "https://mutasi.example.go.id/"}
			ctx := context.Background()
			for _, e := range []models.Employee{
				{NIP: "198503142010012001", Name: "Siti Rahma", Email: "siti@asn.example.go.id", Status: models.StatusPNS},
				{NIP: "198601012010011002", Name: "Budi", Status: models.StatusPNS},
				{NIP: "195001012010011003", Name: "Pensiun", Email: "old@asn.example.go.id", Status: models.StatusRetired},
				{NIP: "199001012015011004", Name: "Dewi", Email: "dewi@asn.example.go.id", Status: models.StatusPNS},
				// A NIP the account rules refuse (service start month 00) is
				// counted, and keeps nobody else from an invitation.
				{NIP: "198503142010001005", Name: "Salah", Email: "salah@asn.example.go.id", Status: models.StatusPNS},
			} {
				if err := gdb.Create(&e).Error; err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Create(ctx, admin, CreateRequest{Username: "dewi", Role: models.RoleEmployee,
				NIP: "199001012015011004", Password: "sandi-dewi-panjang"}); err != nil {
				t.Fatal(err)
			}

			// The employees: Siti is invited, Dewi has an account, Budi has
			// no address, the retired are left out. A second run does
			// nothing.
			rep, err := s.InviteEmployees(ctx, admin)
			if err != nil || rep != (EmployeeReport{Invited: 1, Existing: 1, NoEmail: 1, Refused: 1}) {
				t.Fatalf("InviteEmployees = %+v, %v", rep, err)
			}
			if rep, err = s.InviteEmployees(ctx, admin); err != nil || rep != (EmployeeReport{Existing: 2, NoEmail: 1, Refused: 1}) {
				t.Fatalf("second InviteEmployees = %+v, %v", rep, err)
			}
			mails := outboxTo(t, gdb, "siti@asn.example.go.id")
			if len(mails) != 1 || mails[0].Status != models.OutboxPending ||
				!strings.Contains(mails[0].Body, "nama pengguna 198503142010012001") ||
				!strings.Contains(mails[0].Body, "the username 198503142010012001") {
				t.Fatalf("invitations in the outbox: %+v", mails)
			}
			token := tokenIn(t, mails[0].Body)
			var stored models.AccountLink
			if err := gdb.First(&stored, "username = ?", "198503142010012001").Error; err != nil {
				t.Fatal(err)
			}
			if stored.ID != linkID(token) || stored.ID == token || stored.Purpose != models.LinkInvitation ||
				stored.ExpiresAt.Sub(stored.CreatedAt) != DefaultInvitationTTL {
				t.Errorf("stored link %+v", stored)
			}
			if _, err := account.Authenticate(gdb, "198503142010012001", ""); err == nil {
				t.Error("an invited account signs in without a password")
			}

			// The relay mails it to a real SMTP server.
			mailSrv := smtptest.Start(t)
			relay := &outbox.Relay{DB: gdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Mailer: notify.SMTP{Host: mailSrv.Host, Port: mailSrv.Port, From: "bkpsdm@example.go.id", Security: notify.SecurityNone}}
			if n, err := relay.SendDue(ctx); err != nil || n != 1 {
				t.Fatalf("SendDue = %d, %v", n, err)
			}
			got := mailSrv.Messages()
			if len(got) != 1 || got[0].To[0] != "siti@asn.example.go.id" || tokenIn(t, got[0].Body) != token ||
				!strings.HasPrefix(got[0].Subject, "Undangan ke Mutasi") {
				t.Fatalf("mailed %+v", got)
			}

			// The link sets the password once.
			if _, err := s.UseLink(ctx, token, "pendek"); !apperr.Is(err, apperr.KindInvalid) {
				t.Errorf("a short password: %v", err)
			}
			if _, _, err := s.Link(ctx, token); err != nil {
				t.Fatalf("the link was used up by a refused password: %v", err)
			}
			acc, err := s.UseLink(ctx, token, "sandi-siti-panjang")
			if err != nil || acc.Username != "198503142010012001" {
				t.Fatalf("UseLink = %+v, %v", acc, err)
			}
			if _, err := account.Authenticate(gdb, "198503142010012001", "sandi-siti-panjang"); err != nil {
				t.Errorf("the password set from the link does not sign in: %v", err)
			}
			_, err = s.UseLink(ctx, token, "sandi-lain-panjang")
			wantKind(t, err, apperr.KindGone)
			_, _, err = s.Link(ctx, "tidak-ada")
			wantKind(t, err, apperr.KindNotFound)
			_, _, err = s.Link(ctx, strings.Repeat("x", 101))
			wantKind(t, err, apperr.KindNotFound)
			var set models.AuditEntry
			if err := gdb.First(&set, "action = ?", models.ActionAccountPasswordSet).Error; err != nil ||
				set.ActorID != "198503142010012001" || set.Role != models.RoleEmployee {
				t.Errorf("audit of the password set: %+v, %v", set, err)
			}

			// Approvers from a list: all checked first, each invited once.
			list := []CreateRequest{{Username: "tpk.kota", Name: "TPK Kota", Role: models.RoleTPK, Units: []string{"U1"},
				Email: "tpk@example.go.id"}, {Username: "ppk.kota", Role: models.RolePPK}}
			_, err = s.Invite(ctx, admin, list)
			wantField(t, err, apperr.KindInvalid, "accounts[1].email")
			if _, err := find(gdb, "tpk.kota"); !apperr.Is(err, apperr.KindNotFound) {
				t.Errorf("a refused list created tpk.kota: %v", err)
			}
			list[1].Email = "ppk@example.go.id"
			irep, err := s.Invite(ctx, admin, list)
			if err != nil || strings.Join(irep.Invited, ",") != "tpk.kota,ppk.kota" || len(irep.Existing) != 0 {
				t.Fatalf("Invite = %+v, %v", irep, err)
			}
			if irep, err = s.Invite(ctx, admin, list); err != nil || len(irep.Invited) != 0 || len(irep.Existing) != 2 {
				t.Fatalf("second Invite = %+v, %v", irep, err)
			}
			if n := len(outboxTo(t, gdb, "tpk@example.go.id")); n != 1 {
				t.Errorf("%d invitations to the TPK, want 1", n)
			}

			// The admin resetting the password of an invited account uses up
			// its invitation: the link can no longer set another password.
			ppkLink := tokenIn(t, outboxTo(t, gdb, "ppk@example.go.id")[0].Body)
			if _, err := s.ResetPassword(ctx, admin, "ppk.kota", "sandi-ppk-dari-admin"); err != nil {
				t.Fatal(err)
			}
			_, err = s.UseLink(ctx, ppkLink, "sandi-ppk-lain-panjang")
			wantKind(t, err, apperr.KindGone)

			// An expired invitation is refused.
			short := &Service{DB: gdb, BaseURL: s.BaseURL, InvitationTTL: time.Nanosecond}
			if _, err := short.Create(ctx, admin, CreateRequest{Username: "hr.baru", Role: models.RoleHR, Email: "hr@example.go.id"}); err != nil {
				t.Fatal(err)
			}
			_, err = s.UseLink(ctx, tokenIn(t, outboxTo(t, gdb, "hr@example.go.id")[0].Body), "sandi-hr-panjang")
			wantKind(t, err, apperr.KindGone)

			// A forgotten password: a link to the known address (in any
			// case), once within ResetEvery; nothing to an unknown one.
			session, err := account.StartSession(gdb, acc, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := s.RequestReset(ctx, "Siti@ASN.example.go.id"); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.RequestReset(ctx, "nobody@example.go.id"); err != nil {
				t.Errorf("an unknown address: %v", err)
			}
			wantField(t, s.RequestReset(ctx, "not an address"), apperr.KindInvalid, "email")
			if n := len(outboxTo(t, gdb, "nobody@example.go.id")); n != 0 {
				t.Errorf("%d mails to an unknown address", n)
			}
			resets := outboxTo(t, gdb, "Siti@ASN.example.go.id")
			if len(resets) != 1 || !strings.HasPrefix(resets[0].Subject, "Atur ulang kata sandi") {
				t.Fatalf("reset mails %+v", resets)
			}
			if _, err := s.UseLink(ctx, tokenIn(t, resets[0].Body), "sandi-siti-baru-1"); err != nil {
				t.Fatal(err)
			}
			if _, err := account.LookupSession(gdb, session, time.Now()); err == nil {
				t.Error("the session outlived the password reset")
			}
			if _, err := account.Authenticate(gdb, "198503142010012001", "sandi-siti-baru-1"); err != nil {
				t.Errorf("the reset password does not sign in: %v", err)
			}
		})
	}
}

// TestDisablingRevokesTokens: disabling an account revokes the API
// tokens that act as it (by username, or an employee's by NIP) at once,
// and leaves others working.
func TestDisablingRevokesTokens(t *testing.T) {
	gdb, _ := testkit.New(t)
	s := &Service{DB: gdb}
	ctx := context.Background()
	if _, err := s.Create(ctx, admin, CreateRequest{Username: "siti", Role: models.RoleEmployee, NIP: "198503142010012001",
		Password: "sandi-siti-panjang"}); err != nil {
		t.Fatal(err)
	}
	byName, _ := apikey.Issue(gdb, "script", models.Actor{ID: "siti", Role: models.RoleEmployee, NIP: "198503142010012001"})
	byNIP, _ := apikey.Issue(gdb, "app", models.Actor{Role: models.RoleEmployee, NIP: "198503142010012001"})
	other, _ := apikey.Issue(gdb, "hr", models.Actor{ID: "hr", Role: models.RoleHR})
	if _, err := s.SetDisabled(ctx, admin, "siti", true); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{byName, byNIP} {
		if _, err := apikey.Lookup(gdb, tok); err == nil {
			t.Error("a token of the disabled account still works")
		}
	}
	if _, err := apikey.Lookup(gdb, other); err != nil {
		t.Errorf("another's token stopped working: %v", err)
	}
	var line models.AuditEntry
	if err := gdb.First(&line, "action = ?", models.ActionAccountDisabled).Error; err != nil ||
		!strings.Contains(line.Detail, "2 API tokens revoked") {
		t.Errorf("audit line %+v, %v", line, err)
	}
}
