package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/ratelimit"
	"github.com/bkpsdm/mutasi/sso"
	"github.com/bkpsdm/mutasi/sso/ssotest"
	"github.com/bkpsdm/mutasi/testkit"
)

// NIPs of the single sign-on tests: an employee, an admin whose account
// is named by the NIP, and someone without an account.
const (
	ssoEmployeeNIP = "198503142010012001"
	ssoAdminNIP    = "197901012005011002"
	ssoUnknownNIP  = "199001012015031003"
)

// ssoSite serves the pages on the database alone, with single sign-on
// through a provider in the test process, and the accounts of the NIPs.
func ssoSite(t *testing.T, change func(*sso.Config)) (*Server, *ssotest.Provider, string) {
	t.Helper()
	gdb, _ := testkit.New(t)
	srv := &Server{DB: gdb}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	p := ssotest.Start(t)
	cfg := p.Config(hs.URL + "/signin/sso/callback")
	if change != nil {
		change(&cfg)
	}
	c, err := sso.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.SSO = c
	addAccount(t, srv, "siti", models.RoleEmployee, ssoEmployeeNIP)
	addAccount(t, srv, ssoAdminNIP, models.RoleAdmin, "")
	return srv, p, hs.URL
}

// step sends a GET without following redirects.
func step(t *testing.T, c *pageClient, rawURL string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, body: body, header: resp.Header}
}

// ssoSignIn walks a browser through the sign-in with person, from
// /signin/sso?next=next, and returns the callback's URL and answer.
func ssoSignIn(t *testing.T, c *pageClient, p *ssotest.Provider, base, next string, person ssotest.Person) (string, response) {
	t.Helper()
	p.Next(person)
	r := step(t, c, base+"/signin/sso?next="+url.QueryEscape(next))
	to := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(to, p.Issuer()) {
		t.Fatalf("/signin/sso: %d to %q, want 303 to the provider", r.status, to)
	}
	r = step(t, c, to)
	back := r.header.Get("Location")
	if !strings.HasPrefix(back, base+"/signin/sso/callback?") {
		t.Fatalf("the provider: %d to %q", r.status, back)
	}
	return back, step(t, c, back)
}

// TestSSOPages signs in through the pages: the sign-in page offers SSO;
// the callback opens a session, records the last sign-in and goes on to
// the page asked for; its URL replayed, another audience's token, an
// expired token and an unknown person each get a page saying so, in
// Bahasa Indonesia, and no session.
func TestSSOPages(t *testing.T) {
	srv, p, base := ssoSite(t, nil)
	c := newPageClient(t, base)
	c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	page := string(step(t, c, base+"/signin?next=/notices").body)
	if !strings.Contains(page, `href="/signin/sso?next=%2fnotices"`) || !strings.Contains(page, `action="/signin"`) {
		t.Errorf("the sign-in page offers no SSO link with next, or no password form:\n%s", page)
	}

	callback, r := ssoSignIn(t, c, p, base, "/notices", ssotest.Person{Subject: "e-1", NIP: ssoEmployeeNIP})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/notices" {
		t.Fatalf("the callback: %d to %q: %s", r.status, r.header.Get("Location"), pageText(r))
	}
	if r := step(t, c, base+"/notices"); r.status != http.StatusOK {
		t.Errorf("the employee's notices after SSO: %d", r.status)
	}
	var acc models.Account
	if err := srv.DB.First(&acc, "username = ?", "siti").Error; err != nil || acc.LastSignInAt == nil {
		t.Errorf("last sign-in of siti: %+v, %v", acc.LastSignInAt, err)
	}
	r = step(t, c, callback)
	if r.status != http.StatusGone || !strings.Contains(string(pageText(r)), "sudah dipakai") {
		t.Errorf("the callback replayed: %d: %s", r.status, pageText(r))
	}
	// Replayed with the state's cookie put back, it finds the state used.
	c.c.Jar.SetCookies(mustURL(t, base), []*http.Cookie{{Name: ssoCookie, Value: mustURL(t, callback).Query().Get("state"), Path: "/"}})
	if r := step(t, c, callback); r.status != http.StatusGone {
		t.Errorf("the callback replayed with its cookie: %d: %s", r.status, pageText(r))
	}
	if r := step(t, c, base+"/notices"); r.status != http.StatusOK {
		t.Errorf("the replays ended the session: /notices %d", r.status)
	}
	// Signing in as someone else in this browser ends the session it had.
	if _, r := ssoSignIn(t, c, p, base, "", ssotest.Person{Subject: "a-1", NIP: ssoAdminNIP}); r.header.Get("Location") != "/accounts" {
		t.Errorf("the admin's SSO sign-in went to %q", r.header.Get("Location"))
	}
	var left int64
	srv.DB.Model(&models.Session{}).Where("username = ?", "siti").Count(&left)
	if left != 0 {
		t.Errorf("siti keeps %d sessions after the browser signed in as the admin", left)
	}

	for _, bad := range []struct {
		name   string
		person ssotest.Person
		late   bool
		status int
		text   string
	}{
		{"another audience", ssotest.Person{Subject: "e-1", NIP: ssoEmployeeNIP, Audience: []string{"aplikasi-lain"}}, false, 401, "audiens"},
		{"an expired token", ssotest.Person{Subject: "e-1", NIP: ssoEmployeeNIP}, true, 401, "masa berlaku"},
		{"an unknown person", ssotest.Person{Subject: "x-1", NIP: ssoUnknownNIP}, false, 403, "tidak ada akun Mutasi untuk NIP " + ssoUnknownNIP},
	} {
		other := newPageClient(t, base)
		other.c.CheckRedirect = c.c.CheckRedirect
		if bad.late {
			p.FastForward(-2 * sso.LoginTTL)
		}
		_, r := ssoSignIn(t, other, p, base, "", bad.person)
		if bad.late {
			p.FastForward(2 * sso.LoginTTL)
		}
		if r.status != bad.status || !strings.Contains(string(pageText(r)), bad.text) || r.header.Get("Set-Cookie") != "mutasi_sso=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" {
			t.Errorf("%s: %d, cookies %q: %s", bad.name, r.status, r.header.Values("Set-Cookie"), pageText(r))
		}
		if r := step(t, other, base+"/notices"); r.status != http.StatusSeeOther {
			t.Errorf("%s: a session was opened (/notices: %d)", bad.name, r.status)
		}
	}
}

// TestSSOAuthorization checks the single sign-on pages for nobody and
// for each role signed in: anyone may start a sign-in (which goes to the
// provider) and come back (a callback without its state is gone); with
// local passwords off, the sign-in page has no password form and a right
// password is refused. Without SSO both pages are not found, as the page
// matrix checks.
func TestSSOAuthorization(t *testing.T) {
	srv, p, base := ssoSite(t, func(c *sso.Config) { c.PasswordsOff = true })
	addAccount(t, srv, "bkpsdm", models.RoleHR, "")
	page := string(step(t, newPageClient(t, base), base+"/signin").body)
	if strings.Contains(page, `action="/signin"`) || !strings.Contains(page, `href="/signin/sso"`) {
		t.Errorf("with passwords off, the sign-in page:\n%s", page)
	}
	c := newPageClient(t, base)
	if status, body := c.signInAnyway("bkpsdm"); status != http.StatusForbidden || !strings.Contains(body, "kata sandi dimatikan") {
		t.Errorf("a password with passwords off: %d", status)
	}
	who := map[string]ssotest.Person{"employee": {Subject: "e-1", NIP: ssoEmployeeNIP}, "admin": {Subject: "a-1", NIP: ssoAdminNIP}}
	for _, name := range []string{"none", "employee", "admin"} {
		c := newPageClient(t, base)
		c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		if person, ok := who[name]; ok {
			if _, r := ssoSignIn(t, c, p, base, "", person); r.status != http.StatusSeeOther {
				t.Fatalf("%s signs in: %d", name, r.status)
			}
		}
		if r := step(t, c, base+"/signin/sso"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), p.Issuer()) {
			t.Errorf("GET /signin/sso as %s: %d to %q", name, r.status, r.header.Get("Location"))
		}
		if r := step(t, c, base+"/signin/sso/callback?code=x"); r.status != http.StatusGone {
			t.Errorf("GET /signin/sso/callback as %s: %d", name, r.status)
		}
	}
}

// signInAnyway posts a right password, with the CSRF token of the
// browser's cookie, even when the sign-in page shows no password form.
func (p *pageClient) signInAnyway(username string) (int, string) {
	p.t.Helper()
	p.get("/signin")
	var seed string
	for _, ck := range p.c.Jar.Cookies(mustURL(p.t, p.base)) {
		if ck.Name == csrfCookie {
			seed = ck.Value
		}
	}
	return p.post("/signin", url.Values{csrfField: {csrfToken(seed)}, "username": {username}, "password": {testPassword}})
}

// TestSSOInTheBrowser signs an admin in through the provider in
// Chromium, from the sign-in page's button to the accounts page, shows an
// unknown person the page that says so, and lets a person with two
// accounts choose one.
func TestSSOInTheBrowser(t *testing.T) {
	chromium(t)
	srv, p, base := ssoSite(t, nil)
	b := newBrowser(t, base)
	b.visit("/accounts")
	b.see("Masuk dengan SSO")
	b.shot("sso-01-signin")
	p.Next(ssotest.Person{Subject: "a-1", NIP: ssoAdminNIP})
	b.submit(`#sso`)
	b.see("Akun pengguna", ssoAdminNIP)
	if path, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil || path != "/accounts" {
		t.Errorf("after SSO the browser is at %q (%v), want /accounts", path, err)
	}
	b.shot("sso-02-accounts")
	b.signOut()

	p.Next(ssotest.Person{Subject: "x-1", NIP: ssoUnknownNIP})
	b.visit("/signin")
	b.submit(`#sso`)
	b.see("tidak ada akun Mutasi untuk NIP " + ssoUnknownNIP)
	b.shot("sso-03-unknown")

	// A staff account named by the employee's NIP: she chooses.
	addAccount(t, srv, ssoEmployeeNIP, models.RoleTPK, "")
	p.Next(ssotest.Person{Subject: "e-1", NIP: ssoEmployeeNIP})
	b.visit("/signin")
	b.submit(`#sso`)
	b.see("Pilih akun", "siti (Pegawai)", ssoEmployeeNIP+" (TPK)")
	b.shot("sso-04-choose")
	b.submit(`#choose-siti`)
	if path, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil || path != homeOf(models.RoleEmployee) {
		t.Errorf("after choosing siti the browser is at %q (%v), want %s", path, err, homeOf(models.RoleEmployee))
	}
	b.shot("sso-05-chosen")
}

// TestSSOStartsAreLimitedPerClient starts sign-ins from one address until
// its budget is spent: the next start gets 429 with Retry-After and keeps
// nothing in the database, while another address still starts one.
func TestSSOStartsAreLimitedPerClient(t *testing.T) {
	srv, p, _ := ssoSite(t, nil)
	const budget = 3
	srv.SSOStartLimiter = ratelimit.New(budget, time.Hour)
	h := srv.Handler()
	start := func(addr string) *httptest.ResponseRecorder {
		return send(h, httptest.NewRequest(http.MethodGet, "/signin/sso", nil), addr)
	}
	flooder, other := "203.0.113.7:40000", "198.51.100.9:40000"
	for i := range budget {
		if r := start(flooder); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), p.Issuer()) {
			t.Fatalf("start %d: %d to %q", i+1, r.Code, r.Header().Get("Location"))
		}
	}
	r := start(flooder)
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") != "3600" || !strings.Contains(r.Body.String(), "terlalu banyak permintaan masuk SSO") {
		t.Errorf("start %d from one address: %d, Retry-After %q: %s", budget+1, r.Code, r.Header().Get("Retry-After"), r.Body)
	}
	var pending int64
	if err := srv.DB.Model(&models.SSOLogin{}).Count(&pending).Error; err != nil || pending != budget {
		t.Errorf("pending sign-ins: %d (%v), want %d", pending, err, budget)
	}
	if r := start(other); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), p.Issuer()) {
		t.Errorf("a start from another address: %d to %q", r.Code, r.Header().Get("Location"))
	}
}

// TestSSOProviderDownAtCallback: the provider stopped between the start
// and the callback gets 503 saying to try later, and no session.
func TestSSOProviderDownAtCallback(t *testing.T) {
	_, p, base := ssoSite(t, nil)
	c := newPageClient(t, base)
	c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	p.Next(ssotest.Person{Subject: "e-1", NIP: ssoEmployeeNIP})
	r := step(t, c, base+"/signin/sso")
	r = step(t, c, r.header.Get("Location"))
	back := r.header.Get("Location")
	if err := p.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if r := step(t, c, back); r.status != http.StatusServiceUnavailable || !strings.Contains(string(pageText(r)), "coba lagi nanti") {
		t.Errorf("the callback with the provider down: %d: %s", r.status, pageText(r))
	}
	if r := step(t, c, base+"/notices"); r.status != http.StatusSeeOther {
		t.Errorf("a session was opened (/notices: %d)", r.status)
	}
}

var chooseToken = regexp.MustCompile(`name="token" value="([^"]+)"`)

// TestSSOChooseAccount: a person whose NIP matches two accounts, and no
// roles claim, gets a page listing both (username, role) to choose from;
// the choice opens a session for the chosen account, once: posted again,
// or from another browser, it is gone.
func TestSSOChooseAccount(t *testing.T) {
	srv, p, base := ssoSite(t, nil)
	addAccount(t, srv, ssoEmployeeNIP, models.RoleTPK, "")
	c := newPageClient(t, base)
	c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	_, r := ssoSignIn(t, c, p, base, "/notices", ssotest.Person{Subject: "e-1", NIP: ssoEmployeeNIP})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/signin/sso/choice" {
		t.Fatalf("the callback of two accounts: %d to %q: %s", r.status, r.header.Get("Location"), pageText(r))
	}
	if en := step(t, c, base+"/signin/sso/choice?lang=en"); en.status != http.StatusOK || !strings.Contains(string(en.body), "Choose an account") ||
		!strings.Contains(string(en.body), "siti (Employee)") {
		t.Errorf("the choice in English: %d: %s", en.status, pageText(en))
	}
	r = step(t, c, base+"/signin/sso/choice?lang=id")
	page := string(r.body)
	if r.status != http.StatusOK || !strings.Contains(page, "Pilih akun") || !strings.Contains(page, ssoEmployeeNIP+" (TPK)") ||
		!strings.Contains(page, "siti (Pegawai)") {
		t.Fatalf("the choice: %d:\n%s", r.status, page)
	}
	m := chooseToken.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no token on the page:\n%s", page)
	}
	form := url.Values{"csrf_token": {c.csrf(page)}, "token": {m[1]}, "username": {ssoEmployeeNIP}}
	// Another browser, without the choice's cookie, cannot use it.
	other := newPageClient(t, base)
	_, signin := other.get("/signin")
	if status, _ := other.post("/signin/sso/choice", url.Values{"csrf_token": {other.csrf(signin)}, "token": {m[1]},
		"username": {ssoEmployeeNIP}}); status != http.StatusGone {
		t.Errorf("the choice from another browser: %d", status)
	}
	resp := c.do(http.MethodPost, "/signin/sso/choice", form)
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/notices" {
		t.Fatalf("the choice: %d to %q: %s", resp.status, resp.header.Get("Location"), pageText(resp))
	}
	var sess models.Session
	if err := srv.DB.First(&sess).Error; err != nil || sess.Username != ssoEmployeeNIP {
		t.Errorf("the session opened: %+v, %v", sess, err)
	}
	_, inbox := c.get("/inbox")
	form.Set("csrf_token", c.csrf(inbox))
	if r := c.do(http.MethodPost, "/signin/sso/choice", form); r.status != http.StatusGone {
		t.Errorf("the choice posted again: %d", r.status)
	}
	if r := step(t, c, base+"/signin/sso/choice"); r.status != http.StatusGone {
		t.Errorf("the choice's page after it was used: %d", r.status)
	}
	var n int64
	srv.DB.Model(&models.Session{}).Count(&n)
	if n != 1 {
		t.Errorf("%d sessions, want 1", n)
	}
}

// TestSSOConcurrentCallbacks sends one callback twice at once from the
// browser that started it: exactly one session opens, the other request
// finds the state used (package sso checks the same on SQLite).
func TestSSOConcurrentCallbacks(t *testing.T) {
	srv, p, base := ssoSite(t, nil)
	c := newPageClient(t, base)
	c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	p.Next(ssotest.Person{Subject: "e-1", NIP: ssoEmployeeNIP})
	r := step(t, c, base+"/signin/sso")
	back := step(t, c, r.header.Get("Location")).header.Get("Location")
	start := make(chan struct{})
	statuses := make(chan int, 2)
	for range 2 {
		go func() {
			<-start
			req, _ := http.NewRequest(http.MethodGet, back, nil)
			resp, err := c.c.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	close(start)
	got := map[int]int{}
	for range 2 {
		got[<-statuses]++
	}
	if got[http.StatusSeeOther] != 1 || got[http.StatusGone] != 1 {
		t.Errorf("two callbacks at once: %v, want one 303 and one 410", got)
	}
	var n int64
	srv.DB.Model(&models.Session{}).Where("username = ?", "siti").Count(&n)
	if n != 1 {
		t.Errorf("%d sessions opened, want 1", n)
	}
}
