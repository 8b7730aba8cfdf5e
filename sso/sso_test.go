package sso_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/sso"
	"github.com/bkpsdm/mutasi/sso/ssotest"
	"github.com/bkpsdm/mutasi/testkit"
)

const (
	redirect = "http://127.0.0.1:1/signin/sso/callback"
	nipSiti  = "198503142010012001"
	nipBudi  = "197901012005011002"
	nipNone  = "199001012015031003"
)

// flow is one sign-in as a browser goes through it: Start, the
// provider's authorization endpoint, and the callback's query.
type flow struct {
	state, authURL string
	cb             sso.Callback
}

// begin starts a sign-in for person at the provider and follows the
// browser to the provider and back, without finishing. A tamper changes
// the query of the request to the provider on the way.
func begin(t *testing.T, c *sso.Client, gdb *gorm.DB, p *ssotest.Provider, person ssotest.Person, tamper ...func(url.Values)) flow {
	t.Helper()
	p.Next(person)
	state, authURL, err := c.Start(context.Background(), gdb, "/me", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	to, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := to.Query()
	for _, f := range tamper {
		f(q)
	}
	to.RawQuery = q.Encode()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(to.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := resp.Location()
	if err != nil || !strings.HasPrefix(back.String(), redirect+"?") {
		t.Fatalf("the provider answered %d, sending the browser to %v (%v)", resp.StatusCode, back, err)
	}
	q = back.Query()
	return flow{state: state, authURL: authURL, cb: sso.Callback{State: q.Get("state"), Kept: state, Code: q.Get("code"), Error: q.Get("error")}}
}

// wantKind fails the test unless err is an application error of kind k
// whose Indonesian message has want in it.
func wantKind(t *testing.T, what string, err error, k apperr.Kind, want string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != k || !strings.Contains(e.Message, want) {
		t.Errorf("%s: %v, want %s saying %q", what, err, k, want)
	}
}

func accounts(t *testing.T, gdb *gorm.DB) {
	t.Helper()
	for _, p := range []account.Params{
		{Username: "siti", Role: models.RoleEmployee, NIP: nipSiti},
		// A staff account is named by its NIP, which only employees' hold.
		{Username: nipBudi, Role: models.RoleTPK, Units: []string{"U1"}},
	} {
		p.Password = "kata-sandi-uji-123"
		if _, err := account.Create(gdb, p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSignInByNIP signs in through the provider, on PostgreSQL and
// SQLite: the flow is the code flow with an S256 challenge, a state and a
// nonce; the NIP claim finds an employee's account, or a staff account
// named by the NIP; the state is used once, by the browser it was given
// to, within LoginTTL; a token for another audience, an expired token, an
// unknown NIP and a disabled account are refused.
func TestSignInByNIP(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			accounts(t, gdb)
			p := ssotest.Start(t)
			c, err := sso.New(p.Config(redirect))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()

			f := begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti})
			u, _ := url.Parse(f.authURL)
			q := u.Query()
			if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" ||
				q.Get("state") != f.state || q.Get("response_type") != "code" || !strings.Contains(q.Get("scope"), "openid") {
				t.Errorf("the authorization request: %v", q)
			}
			acc, next, err := c.Finish(ctx, gdb, f.cb, time.Now())
			if err != nil || acc.Username != "siti" || acc.Role != models.RoleEmployee || next != "/me" {
				t.Fatalf("signed in as %+v, next %q: %v", acc, next, err)
			}
			// The same state again, as a replayed callback, is refused.
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "a replayed state", err, apperr.KindGone, "sudah dipakai")
			var left int64
			gdb.Model(&models.SSOLogin{}).Count(&left)
			if left != 0 {
				t.Errorf("%d sign-ins left after the callback", left)
			}

			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-2", NIP: nipBudi})
			if acc, _, err := c.Finish(ctx, gdb, f.cb, time.Now()); err != nil || acc.Username != nipBudi || acc.Role != models.RoleTPK {
				t.Errorf("the staff account named by its NIP: %+v, %v", acc, err)
			}

			// Another browser's state, and an expired sign-in.
			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti})
			other := f.cb
			other.Kept = "something-else"
			_, _, err = c.Finish(ctx, gdb, other, time.Now())
			wantKind(t, "a state this browser was not given", err, apperr.KindGone, "tidak dikenal")
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now().Add(sso.LoginTTL+time.Second))
			wantKind(t, "an expired sign-in", err, apperr.KindGone, "kedaluwarsa")

			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti, Audience: []string{"another-app"}})
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "a token for another audience", err, apperr.KindUnauth, "audiens")
			if err != nil && !strings.Contains(err.Error(), "audience") {
				t.Errorf("the cause is not logged: %v", err)
			}

			// The provider signs an hour in the past: its token has expired.
			p.FastForward(-time.Hour)
			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti})
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			p.FastForward(time.Hour)
			wantKind(t, "an expired token", err, apperr.KindUnauth, "masa berlaku")
			if err != nil && !strings.Contains(err.Error(), "expired") {
				t.Errorf("the cause is not logged: %v", err)
			}

			// A token for another sign-in's nonce, and a code asked for with
			// another PKCE challenge than this sign-in's verifier.
			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti}, func(q url.Values) { q.Set("nonce", "another-nonce") })
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "another nonce", err, apperr.KindUnauth, "nonce")
			if err != nil && !strings.Contains(err.Error(), "nonce differs") {
				t.Errorf("another nonce, the cause: %v", err)
			}
			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti},
				func(q url.Values) { q.Set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") })
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "another PKCE challenge", err, apperr.KindUnauth, "menolak kode")

			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-9", NIP: nipNone})
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "an unknown person", err, apperr.KindForbidden, "tidak ada akun Mutasi untuk NIP "+nipNone)

			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-8", NIP: "not-a-nip"})
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "no NIP", err, apperr.KindForbidden, `klaim "nip"`)

			now := time.Now()
			if err := gdb.Model(&models.Account{}).Where("username = ?", "siti").Update("disabled_at", now).Error; err != nil {
				t.Fatal(err)
			}
			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti})
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "a disabled account", err, apperr.KindForbidden, "dinonaktifkan")

			// The provider refusing: the state is used up all the same.
			f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-2", NIP: nipBudi})
			refusedCB := f.cb
			refusedCB.Code, refusedCB.Error = "", "access_denied"
			_, _, err = c.Finish(ctx, gdb, refusedCB, time.Now())
			wantKind(t, "the provider's refusal", err, apperr.KindUnauth, "tidak memasukkan")
			_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "the state of a refused sign-in", err, apperr.KindGone, "sudah dipakai")
		})
	}
}

// TestSignInByEmail matches by the verified e-mail claim to the employee
// whose record has that address, in any case; an unverified address is
// refused.
func TestSignInByEmail(t *testing.T) {
	gdb, _ := testkit.New(t)
	accounts(t, gdb)
	if err := gdb.Create(&models.Employee{NIP: nipSiti, Name: "Siti", Email: "Siti.R@BanjarbaruKota.go.id", Status: "active"}).Error; err != nil {
		t.Fatal(err)
	}
	p := ssotest.Start(t)
	cfg := p.Config(redirect)
	cfg.Match = sso.MatchEmail
	c, err := sso.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f := begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", Email: "siti.r@banjarbarukota.go.id", EmailVerified: true})
	if acc, _, err := c.Finish(ctx, gdb, f.cb, time.Now()); err != nil || acc.Username != "siti" {
		t.Errorf("signed in as %+v: %v", acc, err)
	}
	f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", Email: "siti.r@banjarbarukota.go.id"})
	_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
	wantKind(t, "an unverified address", err, apperr.KindForbidden, "terverifikasi")
	f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-3", Email: "orang.lain@banjarbarukota.go.id", EmailVerified: true})
	_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
	wantKind(t, "an unknown address", err, apperr.KindForbidden, "tidak ada akun Mutasi untuk e-mail orang.lain@")
}

// TestSignInByEmailOfStaff matches, on PostgreSQL and SQLite, staff
// accounts by their own e-mail address in any case, non-ASCII letters
// too; a civil servant with an employee's account and a staff account of
// one address gets the account whose role the roles claim names, and
// without a roles claim a refusal that names both accounts.
func TestSignInByEmailOfStaff(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			accounts(t, gdb)
			for _, p := range []account.Params{
				{Username: "bkpsdm.siti", Role: models.RoleHR, Email: "SITI.R@BanjarbaruKota.go.id"},
				{Username: "tpk.ana", Role: models.RoleTPK, Email: "ÁNA@banjarbarukota.go.id"},
			} {
				p.Password = "kata-sandi-uji-123"
				if _, err := account.Create(gdb, p); err != nil {
					t.Fatal(err)
				}
			}
			if err := gdb.Create(&models.Employee{NIP: nipSiti, Name: "Siti", Email: "siti.r@banjarbarukota.go.id", Status: "active"}).Error; err != nil {
				t.Fatal(err)
			}
			p := ssotest.Start(t)
			cfg := p.Config(redirect)
			cfg.Match = sso.MatchEmail
			plain, err := sso.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			cfg.RolesClaim = "roles"
			byRole, err := sso.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			signIn := func(c *sso.Client, email string, roles any) (models.Account, error) {
				f := begin(t, c, gdb, p, ssotest.Person{Subject: "s", Email: email, EmailVerified: true, Roles: roles})
				acc, _, err := c.Finish(ctx, gdb, f.cb, time.Now())
				return acc, err
			}
			if acc, err := signIn(plain, "ána@BANJARBARUKOTA.go.id", nil); err != nil || acc.Username != "tpk.ana" {
				t.Errorf("a staff account by a non-ASCII address: %+v, %v", acc.Username, err)
			}
			// Without a roles claim the person chooses, once, in the browser
			// that signed in, among the accounts that matched.
			f := begin(t, plain, gdb, p, ssotest.Person{Subject: "s", Email: "Siti.R@banjarbarukota.go.id", EmailVerified: true})
			_, _, err = plain.Finish(ctx, gdb, f.cb, time.Now())
			var choose *sso.Choose
			if !errors.As(err, &choose) || len(choose.Accounts) != 2 || choose.Accounts[0].Username != "bkpsdm.siti" ||
				choose.Accounts[1].Username != "siti" || choose.Next != "/me" {
				t.Fatalf("two accounts without a roles claim: %v", err)
			}
			_, _, err = sso.FinishChoice(ctx, gdb, choose.Token, "another browser's", "siti", time.Now())
			wantKind(t, "a choice from another browser", err, apperr.KindGone, "tidak dikenal")
			_, _, err = sso.FinishChoice(ctx, gdb, choose.Token, choose.Token, "tpk.ana", time.Now())
			wantKind(t, "an account not among the choices", err, apperr.KindInvalid, "bukan salah satu pilihan")
			// The callback replayed finds its state used.
			_, _, err = plain.Finish(ctx, gdb, f.cb, time.Now())
			wantKind(t, "the callback replayed", err, apperr.KindGone, "sudah dipakai")
			f = begin(t, plain, gdb, p, ssotest.Person{Subject: "s", Email: "siti.r@banjarbarukota.go.id", EmailVerified: true})
			_, _, err = plain.Finish(ctx, gdb, f.cb, time.Now())
			if !errors.As(err, &choose) {
				t.Fatalf("two accounts again: %v", err)
			}
			_, _, err = sso.FinishChoice(ctx, gdb, choose.Token, choose.Token, "siti", time.Now().Add(sso.ChoiceTTL))
			wantKind(t, "a choice too late", err, apperr.KindGone, "kedaluwarsa")
			f = begin(t, plain, gdb, p, ssotest.Person{Subject: "s", Email: "siti.r@banjarbarukota.go.id", EmailVerified: true})
			_, _, err = plain.Finish(ctx, gdb, f.cb, time.Now())
			if !errors.As(err, &choose) {
				t.Fatalf("two accounts again: %v", err)
			}
			_, _, err = plain.Finish(ctx, gdb, sso.Callback{State: choose.Token, Kept: choose.Token, Code: f.cb.Code}, time.Now())
			wantKind(t, "a choice's token as a callback's state", err, apperr.KindGone, "tidak dikenal")
			f = begin(t, plain, gdb, p, ssotest.Person{Subject: "s", Email: "siti.r@banjarbarukota.go.id", EmailVerified: true})
			_, _, err = plain.Finish(ctx, gdb, f.cb, time.Now())
			if !errors.As(err, &choose) {
				t.Fatalf("two accounts again: %v", err)
			}
			if acc, next, err := sso.FinishChoice(ctx, gdb, choose.Token, choose.Token, "bkpsdm.siti", time.Now()); err != nil ||
				acc.Username != "bkpsdm.siti" || next != "/me" {
				t.Errorf("the choice of bkpsdm.siti: %s to %q, %v", acc.Username, next, err)
			}
			_, _, err = sso.FinishChoice(ctx, gdb, choose.Token, choose.Token, "bkpsdm.siti", time.Now())
			wantKind(t, "a choice used twice", err, apperr.KindGone, "sudah dipakai")
			for role, want := range map[string]string{"hr_officer": "bkpsdm.siti", "employee": "siti"} {
				if acc, err := signIn(byRole, "siti.r@banjarbarukota.go.id", role); err != nil || acc.Username != want || string(acc.Role) != role {
					t.Errorf("two accounts, the roles claim %s: %s (%s), %v; want %s", role, acc.Username, acc.Role, err, want)
				}
			}
			_, err = signIn(byRole, "siti.r@banjarbarukota.go.id", "tpk")
			wantKind(t, "two accounts, neither of the claim's role", err, apperr.KindConflict, "0 di antaranya berperan tpk")
		})
	}
}

// TestRolesFromClaim: with a roles claim, the account takes the claim's
// role, audited as a change by "(sso)"; an unknown role, two roles, none,
// and a role that does not fit the account are refused, the account left
// as it was.
func TestRolesFromClaim(t *testing.T) {
	gdb, _ := testkit.New(t)
	accounts(t, gdb)
	p := ssotest.Start(t)
	cfg := p.Config(redirect)
	cfg.RolesClaim = "roles"
	c, err := sso.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f := begin(t, c, gdb, p, ssotest.Person{Subject: "s-2", NIP: nipBudi, Roles: []string{"ppk"}})
	acc, _, err := c.Finish(ctx, gdb, f.cb, time.Now())
	if err != nil || acc.Role != models.RolePPK || len(acc.Units) != 1 {
		t.Fatalf("signed in as %+v: %v", acc, err)
	}
	var entry models.AuditEntry
	if err := gdb.Where("action = ?", models.ActionAccountChanged).First(&entry).Error; err != nil ||
		entry.ActorID != sso.Actor.ID || !strings.Contains(entry.Detail, "role ppk") {
		t.Errorf("the audit line %+v: %v", entry, err)
	}
	// The same role again changes nothing more.
	f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-2", NIP: nipBudi, Roles: "ppk"})
	if acc, _, err := c.Finish(ctx, gdb, f.cb, time.Now()); err != nil || acc.Role != models.RolePPK {
		t.Errorf("the same role: %+v, %v", acc, err)
	}
	var n int64
	gdb.Model(&models.AuditEntry{}).Where("action = ?", models.ActionAccountChanged).Count(&n)
	if n != 1 {
		t.Errorf("%d audit lines of changes, want 1", n)
	}
	for _, bad := range []struct {
		nip   string
		roles any
		want  string
	}{
		{nipBudi, "superuser", `peran "superuser"`},
		{nipBudi, []string{"tpk", "ppk"}, "tepat satu peran"},
		{nipBudi, nil, "tepat satu peran"},
		{nipSiti, "hr_officer", "tidak cocok dengan akun siti"},
	} {
		f = begin(t, c, gdb, p, ssotest.Person{Subject: "s", NIP: bad.nip, Roles: bad.roles})
		_, _, err := c.Finish(ctx, gdb, f.cb, time.Now())
		wantKind(t, "roles "+strings.TrimSpace(strings.ReplaceAll(bad.want, `"`, "")), err, apperr.KindForbidden, bad.want)
	}
	var roles []string
	gdb.Model(&models.Account{}).Order("username").Pluck("role", &roles)
	if strings.Join(roles, ",") != "ppk,employee" {
		t.Errorf("the accounts' roles after the refusals: %v", roles)
	}
}

// TestConfigCheck refuses a configuration that cannot work, naming what.
func TestConfigCheck(t *testing.T) {
	good := sso.Config{Issuer: "https://sso.example.go.id/realms/pemda", ClientID: "mutasi", ClientSecret: "s3cret",
		RedirectURL: "https://mutasi.example.go.id/signin/sso/callback", Match: sso.MatchNIP}
	if _, err := sso.New(good); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		change func(*sso.Config)
		want   string
	}{
		{func(c *sso.Config) { c.Issuer = "http://sso.example.go.id" }, "issuer"},
		{func(c *sso.Config) { c.Issuer = "sso.example.go.id" }, "issuer"},
		{func(c *sso.Config) { c.RedirectURL = "" }, "redirect URL"},
		{func(c *sso.Config) { c.ClientSecret = "" }, "client secret"},
		{func(c *sso.Config) { c.Match = "username" }, `"username"`},
	} {
		c := good
		bad.change(&c)
		if _, err := sso.New(c); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v, want an error naming %s", c, err, bad.want)
		}
	}
}

// TestProviderDown: a provider that cannot be reached is a moment's
// fault (unavailable), and Start leaves nothing behind.
func TestProviderDown(t *testing.T) {
	gdb, _ := testkit.NewSQLite(t)
	cfg := ssotest.Start(t).Config(redirect)
	cfg.Issuer = "http://127.0.0.1:1/oidc"
	c, err := sso.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Start(context.Background(), gdb, "", time.Now())
	wantKind(t, "a provider down", err, apperr.KindUnavailable, "tidak dapat dihubungi")
	var n int64
	gdb.Model(&models.SSOLogin{}).Count(&n)
	if n != 0 {
		t.Errorf("%d sign-ins stored", n)
	}
}

// TestProviderGoneAtCallback: the provider failing on the network
// between the start and the callback, at its keys endpoint or altogether,
// is a moment's fault (unavailable), not a token that is not valid.
func TestProviderGoneAtCallback(t *testing.T) {
	gdb, _ := testkit.NewSQLite(t)
	accounts(t, gdb)
	p := ssotest.Start(t)
	c, err := sso.New(p.Config(redirect))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f := begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti})
	p.KeysDown(true)
	_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
	wantKind(t, "the keys endpoint down", err, apperr.KindUnavailable, "tidak dapat dihubungi")
	p.KeysDown(false)
	f = begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti})
	if err := p.Shutdown(); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Finish(ctx, gdb, f.cb, time.Now())
	wantKind(t, "the provider stopped", err, apperr.KindUnavailable, "tidak dapat dihubungi")
}

// TestConcurrentCallbacks sends one callback twice at once, on
// PostgreSQL and SQLite: exactly one signs the person in, the other finds
// the state used.
func TestConcurrentCallbacks(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			accounts(t, gdb)
			p := ssotest.Start(t)
			c, err := sso.New(p.Config(redirect))
			if err != nil {
				t.Fatal(err)
			}
			for round := range 5 {
				f := begin(t, c, gdb, p, ssotest.Person{Subject: "s-1", NIP: nipSiti})
				start := make(chan struct{})
				errs := make(chan error, 2)
				for range 2 {
					go func() {
						<-start
						acc, _, err := c.Finish(context.Background(), gdb, f.cb, time.Now())
						if err == nil && acc.Username != "siti" {
							err = fmt.Errorf("signed in as %q", acc.Username)
						}
						errs <- err
					}()
				}
				close(start)
				var ok, gone int
				for range 2 {
					switch err := <-errs; {
					case err == nil:
						ok++
					case apperr.Is(err, apperr.KindGone):
						gone++
					default:
						t.Errorf("round %d: %v", round, err)
					}
				}
				if ok != 1 || gone != 1 {
					t.Errorf("round %d: %d signed in, %d found the state used; want 1 and 1", round, ok, gone)
				}
			}
		})
	}
}

// TestDiscovery: sign-ins started at once while the discovery document
// is being read share one read, and one whose request is cancelled stops
// waiting at once; a failed read is answered for RetryDiscovery without
// asking the provider again.
func TestDiscovery(t *testing.T) {
	gdb, _ := testkit.NewSQLite(t)
	p := ssotest.Start(t)
	c, err := sso.New(p.Config(redirect))
	if err != nil {
		t.Fatal(err)
	}
	arrived, release := p.HoldDiscovery()
	defer release()
	results := make(chan error, 5)
	for range cap(results) {
		go func() {
			_, _, err := c.Start(context.Background(), gdb, "", time.Now())
			results <- err
		}()
	}
	<-arrived
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan error, 1)
	go func() {
		_, _, err := c.Start(ctx, gdb, "", time.Now())
		cancelled <- err
	}()
	cancel()
	select {
	case err := <-cancelled:
		wantKind(t, "a start whose request was cancelled", err, apperr.KindUnavailable, "tidak dapat dihubungi")
	case <-time.After(10 * time.Second):
		t.Fatal("a start whose request was cancelled still waits for the discovery document")
	}
	release()
	for range cap(results) {
		if err := <-results; err != nil {
			t.Errorf("a start sharing the read: %v", err)
		}
	}
	if n := p.Discoveries(); n != 1 {
		t.Errorf("%d reads of the discovery document, want 1", n)
	}

	down := ssotest.Start(t)
	down.DiscoveryDown(true)
	c, err = sso.New(down.Config(redirect))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, at := range []time.Duration{0, time.Second, sso.RetryDiscovery - time.Millisecond} {
		if at > time.Second {
			down.DiscoveryDown(false)
		}
		_, _, err = c.Start(context.Background(), gdb, "", now.Add(at))
		wantKind(t, fmt.Sprintf("a start %v after the failure", at), err, apperr.KindUnavailable, "tidak dapat dihubungi")
	}
	if n := down.Discoveries(); n != 1 {
		t.Errorf("%d reads of the discovery document within RetryDiscovery of a failure, want 1", n)
	}
	if _, _, err := c.Start(context.Background(), gdb, "", now.Add(sso.RetryDiscovery)); err != nil {
		t.Errorf("a start RetryDiscovery after the failure, the provider back: %v", err)
	}
	if n := down.Discoveries(); n != 2 {
		t.Errorf("%d reads of the discovery document, want 2", n)
	}
}

// TestPendingBounded: at MaxPending sign-ins under way a start is refused
// as too many; once they have expired, the next start sweeps them.
func TestPendingBounded(t *testing.T) {
	gdb, _ := testkit.NewSQLite(t)
	c, err := sso.New(ssotest.Start(t).Config(redirect))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rows := make([]models.SSOLogin, sso.MaxPending)
	for i := range rows {
		rows[i] = models.SSOLogin{ID: fmt.Sprintf("%064d", i), Nonce: "n", Verifier: "v", ExpiresAt: now.Add(time.Minute)}
	}
	if err := gdb.CreateInBatches(rows, 500).Error; err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Start(context.Background(), gdb, "", now)
	wantKind(t, "a start beyond MaxPending", err, apperr.KindTooMany, "terlalu banyak")
	if _, _, err := c.Start(context.Background(), gdb, "", now.Add(2*time.Minute)); err != nil {
		t.Fatalf("a start once they expired: %v", err)
	}
	var n int64
	gdb.Model(&models.SSOLogin{}).Count(&n)
	if n != 1 {
		t.Errorf("%d sign-ins stored after the sweep, want 1", n)
	}
}
