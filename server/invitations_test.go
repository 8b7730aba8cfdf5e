package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/models"
)

var mailedLink = regexp.MustCompile(`/password/([A-Za-z0-9_-]+)`)

// mailedTo returns the token of the newest mailed link to the address
// whose subject starts with subject, from the outbox.
func mailedTo(t *testing.T, s *stack, to, subject string) string {
	t.Helper()
	var m models.OutboxMessage
	if err := s.db.Where(`"to" = ? AND subject LIKE ?`, to, subject+"%").Order("id DESC").First(&m).Error; err != nil {
		t.Fatalf("no mail %q to %s: %v", subject, to, err)
	}
	link := mailedLink.FindStringSubmatch(m.Body)
	if link == nil {
		t.Fatalf("no link in the mail to %s:\n%s", to, m.Body)
	}
	return link[1]
}

// TestInvitationsAndForgottenPasswords: the admin invites a list through
// the API and the imported employees from the accounts page, each once;
// the employee sets a password from the mailed link, once, and signs in;
// used and unknown links get a page that says why; a forgotten password
// answers the same for a known and an unknown address, mails only the
// known one, is rate-limited, and its link ends the sessions; a notice's
// link to /me leads through sign-in to the page.
func TestInvitationsAndForgottenPasswords(t *testing.T) {
	s := accountStack(t)
	admin := models.RoleAdmin
	if err := s.db.Create(&models.Employee{NIP: "198503142010012001", Name: "Siti Rahma", Email: "siti@asn.example.go.id",
		Status: models.StatusPNS}).Error; err != nil {
		t.Fatal(err)
	}

	// A list through the API: checked whole, each invited once.
	list := []map[string]any{{"username": "tpk.kota", "name": "TPK Kota", "role": "tpk", "units": []string{"U1"}}}
	problemField(t, s.do("POST", "/api/v1/invitations", admin, map[string]any{"accounts": list}), 422, "accounts[0].email")
	list[0]["email"] = "tpk@example.go.id"
	var rep struct{ Invited, Existing []string }
	r := s.do("POST", "/api/v1/invitations", admin, map[string]any{"accounts": list})
	expect(t, r, http.StatusOK)
	if r.json(t, &rep); len(rep.Invited) != 1 || len(rep.Existing) != 0 {
		t.Fatalf("invited %s", r.body)
	}
	r = s.do("POST", "/api/v1/invitations", admin, map[string]any{"accounts": list})
	expect(t, r, http.StatusOK)
	if r.json(t, &rep); len(rep.Invited) != 0 || len(rep.Existing) != 1 {
		t.Fatalf("invited again %s", r.body)
	}
	expect(t, s.do("POST", "/api/v1/invitations", models.RoleHR, map[string]any{"accounts": list}), http.StatusForbidden)

	// The imported employees from the accounts page, twice: one mail.
	addAccount(t, &Server{DB: s.db}, "root", models.RoleAdmin, "")
	adminPages := newPageClient(t, s.url)
	_, page := adminPages.signIn("root", testPassword)
	csrf := adminPages.csrf(page)
	for range 2 {
		status, page := adminPages.post("/invitations/employees", url.Values{"csrf_token": {csrf}})
		if status != http.StatusOK || !strings.Contains(page, "Undangan dikirim kepada pegawai") {
			t.Fatalf("invite the employees: %d\n%s", status, page)
		}
	}
	var n int64
	s.db.Model(&models.OutboxMessage{}).Where(`"to" = ?`, "siti@asn.example.go.id").Count(&n)
	if n != 1 {
		t.Fatalf("%d invitations to the employee, want 1", n)
	}

	// The employee sets the password from the link, once.
	token := mailedTo(t, s, "siti@asn.example.go.id", "Undangan")
	siti := newPageClient(t, s.url)
	status, page := siti.get("/password/" + token)
	if status != http.StatusOK || !strings.Contains(page, "198503142010012001") {
		t.Fatalf("the invitation's page: %d\n%s", status, page)
	}
	form := url.Values{"csrf_token": {siti.csrf(page)}, "password": {"sandi-siti-panjang"}, "password_confirm": {"sandi-siti-lain"}}
	if status, page := siti.post("/password/"+token, form); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="password_confirm" name="password_confirm"`) || !strings.Contains(page, "kedua kata sandi tidak sama") {
		t.Errorf("differing passwords: %d\n%s", status, page)
	}
	form.Set("password_confirm", "sandi-siti-panjang")
	if status, page := siti.post("/password/"+token, form); status != http.StatusOK || !strings.Contains(page, "Kata sandi disimpan") {
		t.Fatalf("set the password: %d\n%s", status, page)
	}
	if status, page := siti.signIn("198503142010012001", "sandi-siti-panjang"); status != http.StatusOK || !strings.Contains(page, `href="/me"`) {
		t.Fatalf("sign in with the new password: %d\n%s", status, page)
	}
	anon := newPageClient(t, s.url)
	if status, page := anon.get("/password/" + token); status != http.StatusGone || !strings.Contains(page, "tautan ini sudah dipakai") {
		t.Errorf("a used link: %d\n%s", status, page)
	}
	if status, page := anon.get("/password/" + strings.Repeat("x", 43)); status != http.StatusNotFound || !strings.Contains(page, "tautan tidak dikenal") {
		t.Errorf("an unknown link: %d\n%s", status, page)
	}

	// A forgotten password: the same answer for a known and an unknown
	// address; a mail to the known one alone.
	_, page = anon.get("/password-reset")
	csrf = anon.csrf(page)
	answers := map[string]string{}
	for _, addr := range []string{"siti@asn.example.go.id", "nobody@example.go.id"} {
		r := anon.do("POST", "/password-reset", url.Values{"csrf_token": {csrf}, "email": {addr}})
		if r.status != http.StatusOK {
			t.Fatalf("reset for %s: %d\n%s", addr, r.status, r.body)
		}
		answers[addr] = string(pageText(r))
	}
	if a := answers["siti@asn.example.go.id"]; a != answers["nobody@example.go.id"] || !strings.Contains(a, "Bila alamat itu terdaftar") {
		t.Errorf("the answers differ or say nothing:\n%s\n%s", a, answers["nobody@example.go.id"])
	}
	s.db.Model(&models.OutboxMessage{}).Where(`"to" = ?`, "nobody@example.go.id").Count(&n)
	if n != 0 {
		t.Errorf("%d mails to an unknown address", n)
	}
	// A client asks for 5 at most, then waits, known address or not.
	for i := range 4 {
		r := anon.do("POST", "/password-reset", url.Values{"csrf_token": {csrf}, "email": {"other@example.go.id"}})
		if want := map[bool]int{true: http.StatusTooManyRequests, false: http.StatusOK}[i == 3]; r.status != want {
			t.Errorf("reset request %d: %d, want %d", i+3, r.status, want)
		}
	}
	// The reset's link ends the session the invitation's password opened.
	token = mailedTo(t, s, "siti@asn.example.go.id", "Atur ulang")
	_, page = anon.get("/password/" + token)
	if status, _ := anon.post("/password/"+token, url.Values{"csrf_token": {anon.csrf(page)}, "password": {"sandi-siti-baru-1"},
		"password_confirm": {"sandi-siti-baru-1"}}); status != http.StatusOK {
		t.Fatalf("reset the password: %d", status)
	}
	if _, page := siti.get("/me"); !strings.Contains(page, `name="password"`) {
		t.Errorf("the session outlived the reset:\n%s", page)
	}

	// A notice's link (/me) leads through sign-in, which keeps where it
	// was going and shows nothing before.
	browser := newPageClient(t, s.url)
	status, page = browser.get("/me")
	if status != http.StatusOK || !strings.Contains(page, `name="next" value="/me"`) || strings.Contains(page, "Siti Rahma") {
		t.Fatalf("/me before sign-in: %d\n%s", status, page)
	}
	browser.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r = browser.do("POST", "/signin", url.Values{"csrf_token": {browser.csrf(page)}, "username": {"198503142010012001"},
		"password": {"sandi-siti-baru-1"}, "next": {"/me"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/me" {
		t.Errorf("sign-in from the notice's link: %d to %q", r.status, r.header.Get("Location"))
	}
}
