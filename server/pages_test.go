package server

import (
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestPageTexts checks that every text a template names exists, and the
// texts of every stage, role, action and category (package i18n checks
// that the languages match).
func TestPageTexts(t *testing.T) {
	literal := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	files, _ := fs.Glob(pageFS, "templates/*.html")
	for _, f := range files {
		b, _ := pageFS.ReadFile(f)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if !i18n.Has(i18n.Default, m[1]) {
				t.Errorf("%s uses the missing text %q", f, m[1])
			}
		}
	}
	for _, prefix := range []string{"stage.", "role.", "action.", "category.", "resolution.", "status."} {
		n := 0
		for _, key := range i18n.Keys(i18n.Default) {
			if strings.HasPrefix(key, prefix) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no texts for %s*", prefix)
		}
	}
	for _, st := range models.Stages {
		if !i18n.Has(i18n.Default, "stage."+string(st)) {
			t.Errorf("no text for stage %s", st)
		}
	}
	// Every action of the audit trail shows in the timeline by its text.
	for _, action := range models.AuditActions() {
		for _, lang := range i18n.Langs() {
			if !i18n.Has(lang, "action."+action) {
				t.Errorf("no %s text for the audit action %s", lang, action)
			}
		}
	}
}

// pageClient is a browser without JavaScript: a cookie jar and forms.
type pageClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newPageClient(t *testing.T, base string) *pageClient {
	jar, _ := cookiejar.New(nil)
	return &pageClient{t: t, base: base, c: &http.Client{Jar: jar}}
}

// do sends a request, with a form for a POST, and returns the response:
// the page after the redirect, if the client follows redirects.
func (p *pageClient) do(method, path string, form url.Values) response {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, p.base+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := p.c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: b, header: resp.Header}
}

// get fetches a page, following redirects.
func (p *pageClient) get(path string) (int, string) {
	p.t.Helper()
	r := p.do(http.MethodGet, path, nil)
	return r.status, string(r.body)
}

// post submits a form, following the redirect after it.
func (p *pageClient) post(path string, form url.Values) (int, string) {
	p.t.Helper()
	r := p.do(http.MethodPost, path, form)
	return r.status, string(r.body)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf returns the CSRF token of the forms on a page.
func (p *pageClient) csrf(page string) string {
	p.t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		p.t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return m[1]
}

// signIn signs in through the sign-in form.
func (p *pageClient) signIn(username, password string) (int, string) {
	p.t.Helper()
	_, page := p.get("/signin")
	return p.post("/signin", url.Values{"csrf_token": {p.csrf(page)}, "username": {username}, "password": {password}})
}

// testPassword is every test account's password.
const testPassword = "kata-sandi-uji-123"

// addAccount creates a test account.
func addAccount(t *testing.T, s *Server, username string, role models.Role, nip string, units ...string) {
	t.Helper()
	if _, err := account.Create(s.DB, account.Params{Username: username, Name: strings.ToUpper(username), Password: testPassword,
		Role: role, NIP: nip, Units: units}); err != nil {
		t.Fatal(err)
	}
}

// TestPageSessionsAndCSRF checks sign-in, sign-out, the CSRF token of
// every POST and the refusal of the wrong role, on the database alone.
func TestPageSessionsAndCSRF(t *testing.T) {
	gdb, _ := testkit.New(t)
	srv := &Server{DB: gdb, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	addAccount(t, srv, "tpk1", models.RoleTPK, "")
	addAccount(t, srv, "pegawai", models.RoleEmployee, "198503142010012001")

	p := newPageClient(t, hs.URL)
	if status, page := p.get("/inbox"); status != http.StatusOK || !strings.Contains(page, `action="/signin"`) {
		t.Fatalf("a signed-out visitor was not sent to sign in: %d", status)
	}
	status, page := p.signIn("tpk1", "wrong password!")
	if status != http.StatusUnauthorized || !strings.Contains(page, `id="password-err">nama pengguna atau kata sandi salah<`) ||
		!strings.Contains(page, `aria-invalid="true"`) {
		t.Errorf("a wrong password: %d\n%s", status, page)
	}
	if status, _ := p.post("/signin", url.Values{"username": {"tpk1"}, "password": {testPassword}}); status != http.StatusForbidden {
		t.Errorf("a sign-in without a CSRF token: %d", status)
	}
	status, page = p.signIn("tpk1", testPassword)
	if status != http.StatusOK || !strings.Contains(page, "<h1>Keputusan yang menunggu Anda</h1>") {
		t.Fatalf("sign-in as the TPK: %d\n%s", status, page)
	}
	cookies := p.c.Jar.Cookies(mustURL(t, hs.URL))
	if i := slices.IndexFunc(cookies, func(c *http.Cookie) bool { return c.Name == sessionCookie }); i < 0 {
		t.Fatalf("no session cookie: %v", cookies)
	}
	var stored models.Session
	if err := gdb.First(&stored).Error; err != nil || len(stored.ID) != 64 || strings.Contains(stored.ID, cookies[0].Value) {
		t.Errorf("the session is not stored hashed: %+v", stored)
	}
	token := p.csrf(page)
	for _, bad := range []url.Values{{}, {"csrf_token": {"forged"}}, {"csrf_token": {csrfToken("someone else's session")}}} {
		bad.Set("reason", "x")
		bad.Set("approve", "true")
		if status, page := p.post("/transfers/T1/decision", bad); status != http.StatusForbidden || !strings.Contains(page, "CSRF") {
			t.Errorf("a decision with CSRF token %q: %d", bad.Get("csrf_token"), status)
		}
	}
	if status, page := p.get("/inbox?lang=en"); status != http.StatusOK || !strings.Contains(page, "<h1>Decisions awaiting you</h1>") {
		t.Errorf("the English inbox: %d", status)
	}
	if _, page := p.get("/inbox"); !strings.Contains(page, "<h1>Decisions awaiting you</h1>") {
		t.Error("the language choice was not remembered")
	}
	if status, _ := p.post("/signout", url.Values{"csrf_token": {token}}); status != http.StatusOK {
		t.Errorf("sign-out: %d", status)
	}
	if status, page := p.get("/inbox"); status != http.StatusOK || !strings.Contains(page, `action="/signin"`) {
		t.Errorf("still signed in after signing out: %d", status)
	}
	var n int64
	gdb.Model(&models.Session{}).Count(&n)
	if n != 0 {
		t.Errorf("%d sessions left after signing out", n)
	}

	emp := newPageClient(t, hs.URL)
	status, page = emp.signIn("pegawai", testPassword)
	if status != http.StatusOK || !strings.Contains(page, "Belum ada mutasi untuk Anda") {
		t.Fatalf("the employee's page: %d\n%s", status, page)
	}
	if status, page := emp.get("/inbox"); status != http.StatusForbidden || !strings.Contains(page, "tidak berwenang") {
		t.Errorf("an employee opened the inbox: %d", status)
	}
	form := url.Values{"csrf_token": {emp.csrf(page)}, "approve": {"true"}, "reason": {"saya setuju"}}
	if status, page := emp.post("/transfers/T1/decision", form); status != http.StatusForbidden || !strings.Contains(page, "tidak berwenang") {
		t.Errorf("an employee's decision: %d\n%s", status, page)
	}
	if status, _ := emp.get("/api/v1/transfers"); status != http.StatusOK {
		t.Errorf("a signed-in page could not read the API: %d", status)
	}
	req, _ := http.NewRequest("POST", hs.URL+"/api/v1/transfers/T1/acknowledgement", nil)
	resp, err := emp.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the session cookie wrote through the API: %d", resp.StatusCode)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestPageFormsRefuseControlCharacters sends the forms text PostgreSQL
// cannot store, a NUL character or bytes that are not UTF-8, in a field
// or in the path: each is refused with 400 and the error page in the
// visitor's language, as the API refuses such a body, and nothing in the
// database changes. Accepted, a decision's or an objection's text would
// leave its workflow retrying the activity that records it, for ever.
func TestPageFormsRefuseControlCharacters(t *testing.T) {
	q := quietRound(t)
	sessions := pageSessions(t, q)
	before := snapshot(t, q.db)
	own, other := "/transfers/"+q.own.ID, "/transfers/"+q.other.ID
	const id, en = "teks harus UTF-8 tanpa karakter NUL", "text must be UTF-8 without NUL characters"
	for _, c := range []struct {
		p, method, path string
		form            url.Values
		want            string
	}{
		{pTPK, "POST", other + "/decision", url.Values{"approve": {"true"}, "reason": {"sesuai\x00kebutuhan"}}, id},
		{pTPK, "POST", "/inbox/decisions?lang=en", url.Values{"ids": {q.other.ID}, "approve": {"false"}, "reason": {"\xc0\xaf"}}, en},
		{pEmployee, "POST", own + "/objection", url.Values{"category": {"family_location"}, "text": {"anak\xff\xfesakit"}}, id},
		{pEmployee, "POST", own + "/objection?lang=en", url.Values{"category": {"other\x00"}, "text": {"jauh"}}, en},
		{pHR, "POST", "/rounds", url.Values{"id": {"NUL1"}, "name": {"Putaran\x00"}}, id},
		{pHR, "POST", "/transfers/%00/resolution", url.Values{"resolution": {"proceed"}}, id},
		{pNone, "POST", "/signin", url.Values{"username": {"bkpsdm\x00"}, "password": {testPassword}}, id},
		{pHR, "GET", "/transfers/%00", nil, id},
		{pTPK, "GET", "/rounds/%FF/evaluation?lang=en", nil, en},
	} {
		s := sessions[c.p]
		if c.form != nil {
			c.form.Set(csrfField, s.csrf)
		}
		r := s.do(c.method, c.path, c.form)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), c.want) {
			t.Errorf("%s %s as %s with %q: %d, want 400 saying %q: %s", c.method, c.path, c.p, c.form, r.status, c.want, pageText(r))
		}
	}
	time.Sleep(time.Second)
	sameSnapshot(t, before, snapshot(t, q.db))
}

// TestEvaluationPageShowsResistanceAndFlows renders an ended round's
// evaluation page on the database alone: the five objections of one
// category are shown with the movers' names and NIPs replaced, the two
// of another are withheld, and the five moves that took effect make the
// flow table's one row beside the flow chart.
func TestEvaluationPageShowsResistanceAndFlows(t *testing.T) {
	gdb, _ := testkit.New(t)
	srv := &Server{DB: gdb, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	must(gdb.Create(&[]models.Unit{{ID: "U1", Name: "Dinas Sosial"}, {ID: "U2", Name: "Dinas Kesehatan"}}).Error)
	must(gdb.Create(&models.Round{ID: "R1", Name: "Putaran uji", Status: models.RoundCompleted, Settings: models.DefaultSettings(),
		WorkflowID: "round-R1", CreatedAt: now, UpdatedAt: now,
		Summary: &models.RoundSummary{Proposed: 7, Confirmed: 7, ByStage: map[models.Stage]int{models.StageCompleted: 5}}}).Error)
	names := []string{"Budi Santoso", "Siti Aminah", "Rahmat Hidayat", "Dewi Lestari", "Fitri Kusuma", "Hendra Pratama", "Rina Maulida"}
	texts := []string{"Budi sudah nyaman di sini", "saya siti aminah, betah di unit ini", "NIP 198001012005011003 sudah lama di sini",
		"Rekan kerja sudah akrab", "Rumah dekat kantor"}
	for i, name := range names {
		id, nip := fmt.Sprintf("T%d", i+1), fmt.Sprintf("1980010120050110%02d", i+1)
		must(gdb.Create(&models.Employee{NIP: nip, Name: name, Status: models.StatusPNS, Rank: 9, Education: 3,
			Performance: 2, Potential: 2}).Error)
		tr := models.Transfer{ID: id, RoundID: "R1", NIP: nip, FromUnitID: "U1", ToPositionID: "P2", ToUnitID: "U2",
			Stage: models.StageCompleted, WorkflowID: "transfer-" + id}
		o := models.Objection{TransferID: id, NIP: nip, Category: models.ObjectComfort, ObjectedAt: now, Resolution: models.ResolveProceed}
		if i < len(texts) {
			o.Text = texts[i]
		} else {
			tr.Stage = models.StageCancelled
			o.Category, o.Text, o.Resolution = models.ObjectWorkload, "beban kerja "+name, models.ResolveCancel
		}
		must(gdb.Create(&tr).Error)
		must(gdb.Create(&o).Error)
	}
	addAccount(t, srv, "hr1", models.RoleHR, "")
	p := newPageClient(t, hs.URL)
	p.signIn("hr1", testPassword)
	status, page := p.get("/rounds/R1/evaluation")
	if status != http.StatusOK {
		t.Fatalf("the evaluation page: %d\n%s", status, page)
	}
	for _, want := range []string{
		`<tbody>
    <tr><td>Dinas Sosial</td><td>Dinas Kesehatan</td><td>5</td></tr>
    </tbody>`,
		`<img src="/api/v1/rounds/R1/evaluation/charts/flows.svg?lang=id" alt="Alur mutasi antarunit"`,
		`<h3>Nyaman di jabatan sekarang (5)</h3>`,
		`<li><q>[nama] sudah nyaman di sini</q> · Lanjutkan mutasi</li>`,
		`<li><q>NIP [NIP] sudah lama di sini</q> · Lanjutkan mutasi</li>`,
		`<li><q>saya [nama], betah di unit ini</q> · Lanjutkan mutasi</li>`,
		`<tr><td>Mutasi terhenti</td><td>Dibatalkan</td><td>Sebab: Beban kerja</td><td>2</td></tr>`,
		`<h3>Beban kerja (2)</h3>
  <p class="withheld">Teks tidak ditampilkan demi anonimitas: kurang dari 5 keberatan dalam kategori ini.</p>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the evaluation page lacks %q", want)
		}
	}
	for _, leak := range []string{"Budi", "aminah", "198001012005011003", "beban kerja", "Hendra"} {
		if strings.Contains(page, leak) {
			t.Errorf("the evaluation page shows %q", leak)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", page)
	}
}
