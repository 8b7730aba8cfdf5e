package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// accountStack is the API and the pages on PostgreSQL alone (account
// management needs no Temporal), with an admin's and an HR officer's
// token.
func accountStack(t *testing.T) *stack {
	t.Helper()
	gdb, _ := testkit.New(t)
	srv := &Server{DB: gdb, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	s := &stack{t: t, url: hs.URL, db: gdb, tokens: map[models.Role]string{}, spec: newSpecChecker(t)}
	for _, a := range []models.Actor{{ID: "root", Role: models.RoleAdmin}, {ID: "hr1", Role: models.RoleHR}} {
		tok, err := apikey.Issue(gdb, a.ID, a)
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[a.Role] = tok
	}
	return s
}

// problemField fails the test unless r is a problem+json of status
// naming field.
func problemField(t *testing.T, r response, status int, field string) {
	t.Helper()
	var p struct {
		Status int
		Field  string
	}
	if r.status != status || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("status %d (%s), want %d problem+json: %s", r.status, r.header.Get("Content-Type"), status, r.body)
		return
	}
	r.json(t, &p)
	if p.Field != field {
		t.Errorf("the problem names %q, want %q: %s", p.Field, field, r.body)
	}
}

// TestAccountsAPI creates, lists, resets, changes and disables accounts
// through the API; bad input gets a 4xx problem naming the field; a
// disabled account's browser session stops at once; every change is
// audited with the admin as actor and without the password.
func TestAccountsAPI(t *testing.T) {
	s := accountStack(t)
	admin := models.RoleAdmin
	r := s.do("POST", "/api/v1/accounts", admin, map[string]any{"username": "siti", "name": "Siti Rahma", "role": "employee",
		"nip": "198503142010012001"})
	expect(t, r, http.StatusCreated)
	var created struct {
		Account  models.Account
		Password string
	}
	r.json(t, &created)
	if created.Account.Username != "siti" || created.Password == "" {
		t.Fatalf("created %s", r.body)
	}

	for _, bad := range []struct {
		body   any
		status int
		field  string
	}{
		{map[string]any{"username": "x", "role": "hr_officer"}, 422, "username"},
		{map[string]any{"username": "budi", "role": "boss"}, 422, "role"},
		{map[string]any{"username": "budi", "role": "employee", "nip": "1"}, 422, "nip"},
		{map[string]any{"username": "budi", "role": "hr_officer", "password": "short"}, 422, "password"},
		{map[string]any{"username": "budi", "role": "tpk", "units": "U1"}, 400, "units"},
		{map[string]any{"username": "budi", "role": "tpk", "admin": true}, 400, "admin"},
		{map[string]any{"username": "siti", "role": "hr_officer"}, 409, "username"},
	} {
		problemField(t, s.do("POST", "/api/v1/accounts", admin, bad.body), bad.status, bad.field)
	}
	problemField(t, s.do("GET", "/api/v1/accounts?limit=0", admin, nil), 400, "limit")
	problemField(t, s.do("GET", "/api/v1/accounts?offset=x", admin, nil), 400, "offset")
	problemField(t, s.do("GET", "/api/v1/accounts?q="+strings.Repeat("a", 101), admin, nil), 422, "q")
	problemField(t, s.do("POST", "/api/v1/accounts/siti/role", admin, map[string]any{"role": "tpk", "nip": "198503142010012001"}), 422, "nip")
	problemField(t, s.do("POST", "/api/v1/accounts/siti/password-reset", admin, map[string]any{"password": "short"}), 422, "password")
	problemField(t, s.do("POST", "/api/v1/accounts/root/disablement", admin, nil), 409, "username")
	problemField(t, s.do("POST", "/api/v1/accounts/nobody/disablement", admin, nil), 404, "")
	problemField(t, s.do("GET", "/api/v1/accounts", models.RoleHR, nil), 403, "")

	var list struct {
		Items []models.Account
		Total int
	}
	s.do("GET", "/api/v1/accounts?q=19850314", admin, nil).json(t, &list)
	if list.Total != 1 || len(list.Items) != 1 || list.Items[0].Username != "siti" {
		t.Errorf("search by NIP: %+v", list)
	}

	// Siti signs in; the admin sees the session, disables the account, and
	// her next request is signed out.
	browser := newPageClient(t, s.url)
	if status, page := browser.signIn("siti", created.Password); status != http.StatusOK || !strings.Contains(page, "Siti Rahma") {
		t.Fatalf("sign-in: %d\n%s", status, page)
	}
	var detail struct {
		models.Account
		Sessions []models.Session
	}
	s.do("GET", "/api/v1/accounts/siti", admin, nil).json(t, &detail)
	if len(detail.Sessions) != 1 || detail.LastSignInAt == nil {
		t.Fatalf("detail %+v", detail)
	}
	expect(t, s.do("POST", "/api/v1/accounts/siti/disablement", admin, nil), http.StatusOK)
	browser.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if r := browser.do("GET", "/me", nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/signin") {
		t.Errorf("a disabled account's session still works: %d %s", r.status, r.header.Get("Location"))
	}
	expect(t, s.do("POST", "/api/v1/accounts/siti/enablement", admin, nil), http.StatusOK)

	r = s.do("POST", "/api/v1/accounts/siti/password-reset", admin, map[string]any{})
	var reset struct{ Password string }
	r.json(t, &reset)
	if r.status != http.StatusOK || reset.Password == "" || reset.Password == created.Password {
		t.Errorf("password reset: %s", r.body)
	}
	r = s.do("POST", "/api/v1/accounts/siti/role", admin, map[string]any{"role": "tpk", "units": []string{"U1"}})
	var changed models.Account
	r.json(t, &changed)
	if changed.Role != models.RoleTPK || changed.NIP != "" || len(changed.Units) != 1 {
		t.Errorf("role change: %s", r.body)
	}
	var ended struct{ Ended int }
	s.do("POST", "/api/v1/accounts/siti/session-revocation", admin, map[string]any{}).json(t, &ended)

	var lines []models.AuditEntry
	s.db.Order("id").Find(&lines)
	if len(lines) != 6 {
		t.Errorf("%d audit lines, want 6 (created, disabled, enabled, reset, changed, sessions)", len(lines))
	}
	for _, l := range lines {
		if l.ActorID != "root" || l.Role != models.RoleAdmin || !strings.HasPrefix(l.Detail, "siti") {
			t.Errorf("audit line %+v", l)
		}
		if strings.Contains(l.Detail, created.Password) || strings.Contains(l.Detail, reset.Password) || strings.Contains(l.Detail, "argon2") {
			t.Errorf("audit line %q holds a password", l.Detail)
		}
	}
}

// TestAccountPages walks the admin's pages: the list and search, a new
// account with its password shown once, a refused form naming its field,
// and disabling, which ends the account's session.
func TestAccountPages(t *testing.T) {
	s := accountStack(t)
	srv := &Server{DB: s.db}
	addAccount(t, srv, "root", models.RoleAdmin, "")
	addAccount(t, srv, "bkpsdm", models.RoleHR, "")
	admin := newPageClient(t, s.url)
	status, page := admin.signIn("root", testPassword)
	if status != http.StatusOK || !strings.Contains(page, `href="/accounts"`) || !strings.Contains(page, "bkpsdm") {
		t.Fatalf("the admin's first page: %d\n%s", status, page)
	}
	csrf := admin.csrf(page)
	status, page = admin.post("/accounts", url.Values{"csrf_token": {csrf}, "username": {"x"}, "role": {"hr_officer"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="new-username" name="username" value="x"`) ||
		!strings.Contains(page, `aria-invalid="true"`) {
		t.Errorf("a refused account: %d\n%s", status, page)
	}
	status, page = admin.post("/accounts", url.Values{"csrf_token": {csrf}, "username": {"ahmad"}, "name": {"Ahmad"},
		"role": {"ppk"}, "units": {"U1, U2"}})
	m := regexp.MustCompile(`<code>([^<]+)</code>`).FindStringSubmatch(page)
	if status != http.StatusOK || m == nil || !strings.Contains(page, "U1, U2") {
		t.Fatalf("a new account: %d\n%s", status, page)
	}
	ahmad := newPageClient(t, s.url)
	if status, _ := ahmad.signIn("ahmad", m[1]); status != http.StatusOK {
		t.Fatalf("the new account does not sign in: %d", status)
	}
	if _, page := admin.get("/accounts?q=ahm"); !strings.Contains(page, `href="/accounts/ahmad"`) || strings.Contains(page, `href="/accounts/bkpsdm"`) {
		t.Errorf("search:\n%s", page)
	}
	_, page = admin.get("/accounts/ahmad")
	if !strings.Contains(page, "/accounts/ahmad/disablement") || strings.Count(page, `name="id"`) != 1 {
		t.Errorf("the account's page lists no session or no disable form:\n%s", page)
	}
	if status, page = admin.post("/accounts/ahmad/disablement", url.Values{"csrf_token": {csrf}}); status != http.StatusOK ||
		!strings.Contains(page, "/accounts/ahmad/enablement") {
		t.Errorf("disable: %d\n%s", status, page)
	}
	if _, page := ahmad.get("/inbox"); !strings.Contains(page, `name="password"`) {
		t.Errorf("a disabled account's session still works:\n%s", page)
	}
	// The HR officer manages no accounts.
	hr := newPageClient(t, s.url)
	hr.signIn("bkpsdm", testPassword)
	if status, _ := hr.get("/accounts"); status != http.StatusForbidden {
		t.Errorf("the HR officer's /accounts: %d, want 403", status)
	}
}
