package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

const (
	nipA = "199001012015031001"
	nipB = "199202022016042002"
)

// noticeFixture records notices to two employees, to the TPK of two
// units and to HR, and returns the server and their IDs by key.
func noticeFixture(t *testing.T) (*Server, map[string]string) {
	t.Helper()
	gdb, _ := testkit.New(t)
	srv := &Server{DB: gdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ids := map[string]string{}
	for i, n := range []models.Notice{
		{Key: "a1", Role: models.RoleEmployee, NIP: nipA, Subject: "Pemberitahuan mutasi: Analis", Link: "/me"},
		{Key: "a2", Role: models.RoleEmployee, NIP: nipA, Subject: "Pengingat tanggapan", Link: "/me"},
		{Key: "b1", Role: models.RoleEmployee, NIP: nipB, Subject: "Surat untuk B", Link: "/me"},
		{Key: "t1", Role: models.RoleTPK, UnitID: "U1", Subject: "Mohon keputusan TPK U1", Link: "/inbox"},
		{Key: "t2", Role: models.RoleTPK, UnitID: "U2", Subject: "Mohon keputusan TPK U2", Link: "/inbox"},
		{Key: "h1", Role: models.RoleHR, Subject: "Keberatan diterima", Link: "/transfers/T1"},
	} {
		n.Kind, n.Body, n.CreatedAt = "socialization", "Isi "+n.Key, time.Now().Add(time.Duration(i)*time.Second)
		if err := gdb.Create(&n).Error; err != nil {
			t.Fatal(err)
		}
		ids[n.Key] = strconv.FormatUint(uint64(n.ID), 10)
	}
	return srv, ids
}

// TestNoticesAPI: each caller lists their own notices, with read state per
// account; bad pages and IDs are refused naming the field; another's
// notice is not found. Every answer matches the OpenAPI document.
func TestNoticesAPI(t *testing.T) {
	srv, ids := noticeFixture(t)
	tokens := map[string]string{}
	for _, a := range []models.Actor{{ID: nipA, Role: models.RoleEmployee, NIP: nipA}, {ID: "hr1", Role: models.RoleHR},
		{ID: "hr2", Role: models.RoleHR}, {ID: "tpk-u1", Role: models.RoleTPK, Units: []string{"U1"}}} {
		tok, err := apikey.Issue(srv.DB, a.ID, a)
		if err != nil {
			t.Fatal(err)
		}
		tokens[a.ID] = tok
	}
	h, spec := srv.Handler(), newSpecChecker(t)
	do := func(method, path, who string, status int, out any) {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[who])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != status {
			t.Fatalf("%s %s as %s: %d, want %d: %.300s", method, path, who, rec.Code, status, rec.Body)
		}
		if err := spec.check(method, path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()); err != nil {
			t.Errorf("%s %s as %s: %v", method, path, who, err)
		}
		if out != nil {
			if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
				t.Fatal(err)
			}
		}
	}
	type list struct {
		Items []struct {
			ID      uint
			Subject string
			ReadAt  *time.Time `json:"read_at"`
		}
		Total, Unread int
	}
	var l list
	do("GET", "/api/v1/notices", nipA, 200, &l)
	if l.Total != 2 || l.Unread != 2 || len(l.Items) != 2 || l.Items[0].Subject != "Pengingat tanggapan" {
		t.Errorf("employee A's notices: %+v", l)
	}
	do("GET", "/api/v1/notices", "tpk-u1", 200, &l)
	if l.Total != 1 || l.Items[0].Subject != "Mohon keputusan TPK U1" {
		t.Errorf("the TPK of unit U1 sees %+v", l)
	}
	for _, bad := range []struct{ query, field string }{
		{"limit=0", "limit"}, {"limit=101", "limit"}, {"limit=x", "limit"}, {"offset=-1", "offset"},
	} {
		var p struct{ Field string }
		if do("GET", "/api/v1/notices?"+bad.query, nipA, 400, &p); p.Field != bad.field {
			t.Errorf("?%s names the field %q, want %q", bad.query, p.Field, bad.field)
		}
	}
	var p struct{ Field string }
	if do("POST", "/api/v1/notices/x/read", nipA, 400, &p); p.Field != "id" {
		t.Errorf("a bad notice ID names the field %q", p.Field)
	}
	do("POST", "/api/v1/notices/"+ids["b1"]+"/read", nipA, 404, nil)
	do("POST", "/api/v1/notices/"+ids["t2"]+"/read", "tpk-u1", 404, nil)
	// One HR officer's reading leaves the notice unread for the other.
	var u struct{ Unread, Marked int }
	if do("POST", "/api/v1/notices/"+ids["h1"]+"/read", "hr1", 200, &u); u.Unread != 0 {
		t.Errorf("hr1 has %d unread after reading", u.Unread)
	}
	if do("GET", "/api/v1/notices", "hr2", 200, &l); l.Unread != 1 {
		t.Errorf("hr2 has %d unread after hr1 read, want 1", l.Unread)
	}
	if do("POST", "/api/v1/notices/read", nipA, 200, &u); u.Marked != 2 || u.Unread != 0 {
		t.Errorf("marking all read: %+v", u)
	}
	if do("GET", "/api/v1/notices", nipA, 200, &l); l.Unread != 0 || l.Items[0].ReadAt == nil {
		t.Errorf("after marking all read: %+v", l)
	}
}

var bellCount = regexp.MustCompile(`<span class="count" data-unread="(\d+)">`)

// TestNoticesPage: the bell counts the signed-in employee's unread notices
// on every page; /notices lists theirs alone; marking one read takes a
// CSRF token and lowers the count; another's notice is not found.
func TestNoticesPage(t *testing.T) {
	srv, ids := noticeFixture(t)
	addAccount(t, srv, "pegawai", models.RoleEmployee, nipA)
	addAccount(t, srv, "bkpsdm", models.RoleHR, "")
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	c := newPageClient(t, hs.URL)
	c.signIn("pegawai", testPassword)
	bell := func(page string) string {
		t.Helper()
		if m := bellCount.FindStringSubmatch(page); m != nil {
			return m[1]
		}
		return ""
	}
	status, page := c.get("/me/training")
	if status != 200 || bell(page) != "2" {
		t.Fatalf("the bell on another page: %d, count %q", status, bell(page))
	}
	_, page = c.get("/notices")
	for _, want := range []string{"Pemberitahuan mutasi: Analis", "Pengingat tanggapan", "Belum dibaca", "Tandai semua sudah dibaca"} {
		if !strings.Contains(page, want) {
			t.Errorf("/notices lacks %q", want)
		}
	}
	if strings.Contains(page, "Surat untuk B") || strings.Contains(page, "Mohon keputusan") {
		t.Error("/notices shows notices addressed to others")
	}
	if status, _ := c.post("/notices/"+ids["a1"]+"/read", url.Values{}); status != http.StatusForbidden {
		t.Errorf("marking read without a CSRF token: %d, want 403", status)
	}
	token := c.csrf(page)
	if status, _ := c.post("/notices/"+ids["b1"]+"/read", url.Values{"csrf_token": {token}}); status != http.StatusNotFound {
		t.Errorf("marking another's notice read: %d, want 404", status)
	}
	status, page = c.post("/notices/"+ids["a1"]+"/read", url.Values{"csrf_token": {token}})
	if status != 200 || !strings.Contains(page, "Pemberitahuan ditandai sudah dibaca") || bell(page) != "1" ||
		!strings.Contains(page, "Sudah dibaca") {
		t.Errorf("after marking one read: %d, count %q", status, bell(page))
	}
	status, page = c.get("/notices?lang=en")
	if status != 200 || !strings.Contains(page, "Mark all as read") || !strings.Contains(page, `aria-label="Notices, 1 unread"`) {
		t.Errorf("the English page: %d\n%s", status, page)
	}
	if status, _ = c.get("/notices?limit=500"); status != http.StatusBadRequest {
		t.Errorf("a page of 500: %d, want 400", status)
	}
	// HR's reading is theirs alone, and they see HR's notice only.
	h := newPageClient(t, hs.URL)
	h.signIn("bkpsdm", testPassword)
	if _, page = h.get("/notices"); bell(page) != "1" || !strings.Contains(page, "Keberatan diterima") || strings.Contains(page, "Analis") {
		t.Errorf("HR's notices: count %q", bell(page))
	}
}
