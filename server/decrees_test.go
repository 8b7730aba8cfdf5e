package server

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

// effectiveRound runs a round on the government d until its transfers
// have taken effect: every proposal confirmed and approved, every
// employee deemed to acknowledge. It returns the effective transfers.
func effectiveRound(t *testing.T, s *stack, id string, d seed.Data) []models.Transfer {
	t.Helper()
	units, positions, employees := governmentCSV(d)
	for _, f := range []struct{ kind, body string }{{"units", units}, {"positions", positions}, {"employees", employees}} {
		expect(t, s.do("POST", "/api/v1/imports/"+f.kind, models.RoleHR, f.body, "text/csv"), http.StatusOK)
	}
	settings := maps.Clone(fastSettings)
	settings["acknowledge_reminder"], settings["acknowledge_deadline"], settings["survey_delay"] = "1s", "2s", "1h"
	expect(t, s.do("POST", "/api/v1/rounds", models.RoleHR, map[string]any{"id": id, "name": "SK", "settings": settings}),
		http.StatusCreated)
	testkit.Eventually(t, "the round to await confirmation", func() bool {
		var round rounds.View
		s.do("GET", "/api/v1/rounds/"+id, models.RoleHR, nil).json(t, &round)
		return round.Status == models.RoundAwaitingConfirmation
	})
	expect(t, s.do("POST", "/api/v1/rounds/"+id+"/confirmation", models.RoleHR, map[string]any{}), http.StatusOK)
	approve := map[string]any{"approve": true, "reason": "sesuai kebutuhan organisasi"}
	var effective []models.Transfer
	testkit.Eventually(t, "every transfer to take effect", func() bool {
		var list struct{ Items []models.Transfer }
		s.do("GET", "/api/v1/transfers?limit=500&round="+id, models.RoleHR, nil).json(t, &list)
		effective = effective[:0]
		for _, tr := range list.Items {
			switch {
			case tr.Stage == models.StageAwaitingTPK:
				s.do("POST", "/api/v1/transfers/"+tr.ID+"/decisions", models.RoleTPK, approve)
			case tr.Stage == models.StageAwaitingPPK:
				s.do("POST", "/api/v1/transfers/"+tr.ID+"/decisions", models.RolePPK, approve)
			case tr.Stage.Effective():
				effective = append(effective, tr)
			}
		}
		return len(list.Items) > 0 && len(effective) == len(list.Items)
	})
	return effective
}

// get reads a page as anybody would, signed in nowhere.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestDecreesOfARound runs a round until its transfers take effect and
// reads what the office signs: the collective decree, issued once with
// its hash, holds every mover in its lampiran; each employee's petikan
// holds them alone; both download as the same bytes each time. The
// public verification page says the decree stands, then, once the HR
// office has revoked it, that it was revoked; in a browser too.
func TestDecreesOfARound(t *testing.T) {
	s := newStack(t, "", nil)
	// Every name starts as a formula would: the decree prints them, the
	// exports keep them text.
	movers := effectiveRound(t, s, "SK1", evilGovernment())

	var list struct{ Items []models.DecreeDocument }
	s.do("GET", "/api/v1/decrees?round=SK1", models.RoleTPK, nil).json(t, &list)
	if len(list.Items) == 0 {
		t.Fatal("no decree for the round")
	}
	byNumber, total := map[string]models.DecreeDocument{}, 0
	for _, d := range list.Items {
		byNumber[d.Number] = d
		total += d.Movers
	}
	if total != len(movers) {
		t.Errorf("the decrees move %d employees, %d transfers took effect", total, len(movers))
	}
	doc := list.Items[0]
	pdf := s.do("GET", "/api/v1/decrees/"+doc.ID+"/pdf", models.RoleHR, nil)
	expect(t, pdf, http.StatusOK)
	sum := sha256.Sum256(pdf.body)
	if hex.EncodeToString(sum[:]) != doc.SHA256 || pdf.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("the decree's file hashes to %x (%s), its record says %s", sum, pdf.header.Get("Content-Type"), doc.SHA256)
	}
	if again := s.do("GET", "/api/v1/decrees/"+doc.ID+"/pdf", models.RolePPK, nil); string(again.body) != string(pdf.body) {
		t.Error("the decree downloaded twice differs")
	}
	text := strings.Join(testkit.PDFPages(t, pdf.body), "\n")
	for _, m := range movers {
		if in := strings.Contains(text, m.NIP); in != (m.DecreeNumber == doc.Number) {
			t.Errorf("mover %s of decree %s: in the lampiran of %s %v", m.NIP, m.DecreeNumber, doc.Number, in)
		}
		if _, ok := byNumber[m.DecreeNumber]; !ok {
			t.Errorf("transfer %s names decree %q, which is not listed", m.ID, m.DecreeNumber)
		}
	}

	// What changed, for SIASN: a row per mover with their decree and TMT,
	// and the PNS ID the SIASN import stored (here, for the first mover).
	if err := s.db.Model(&models.Employee{}).Where("nip = ?", movers[0].NIP).Update("siasn_pns_id", "TEST-PNS-ID-1").Error; err != nil {
		t.Fatal(err)
	}
	rows := download(t, s, "/api/v1/rounds/SK1/siasn-changes?format=csv", models.RoleHR)
	if pns := column(t, rows, "pns_id"); !slices.Contains(pns, "TEST-PNS-ID-1") || slices.Index(pns, "TEST-PNS-ID-1") != slices.Index(column(t, rows, "nip"), movers[0].NIP) {
		t.Errorf("the SIASN changes' PNS IDs %q, want TEST-PNS-ID-1 on %s's row", pns, movers[0].NIP)
	}
	checkCSVCells(t, "siasn-changes", rows)
	if x := download(t, s, "/api/v1/rounds/SK1/siasn-changes?format=xlsx", models.RoleHR); len(x) != len(rows) {
		t.Errorf("the SIASN workbook has %d rows, the CSV %d", len(x), len(rows))
	}
	if len(rows) != len(movers)+1 {
		t.Errorf("the SIASN changes list %d rows for %d movers", len(rows)-1, len(movers))
	}
	// The TMT is the government's local date (Asia/Makassar by default).
	makassar, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	nips, numbers, tmts := column(t, rows, "nip"), column(t, rows, "decree_number"), column(t, rows, "tmt")
	for _, m := range movers {
		i := slices.Index(nips, m.NIP)
		if i < 0 || numbers[i] != m.DecreeNumber || tmts[i] != m.EffectiveDate.In(makassar).Format("2006-01-02") {
			t.Errorf("the SIASN changes of %s: row %d", m.NIP, i)
		}
	}
	expect(t, s.do("GET", "/api/v1/rounds/SK1/siasn-changes", models.RoleTPK, nil), http.StatusForbidden)

	// The employee's notice that the transfer took effect links their page,
	// where the petikan downloads.
	var notice models.OutboxMessage
	testkit.Eventually(t, "the notice that the transfer took effect", func() bool {
		return s.db.Where("transfer_id = ? AND subject LIKE ?", movers[0].ID, "Mutasi Anda berlaku%").First(&notice).Error == nil
	})
	if !strings.Contains(notice.Body, "Petikan SK Anda dapat diunduh") || !strings.Contains(notice.Body, "/me") {
		t.Errorf("the notice that %s took effect reads %q", movers[0].ID, notice.Body)
	}

	// The petikan, for the employee and the HR office alike.
	m, other := movers[0], movers[len(movers)-1]
	tok, err := apikey.Issue(s.db, "employee", models.Actor{ID: m.NIP, Role: models.RoleEmployee, NIP: m.NIP})
	if err != nil {
		t.Fatal(err)
	}
	s.tokens[models.RoleEmployee] = tok
	petikan := s.do("GET", "/api/v1/transfers/"+m.ID+"/petikan", models.RoleEmployee, nil)
	expect(t, petikan, http.StatusOK)
	if again := s.do("GET", "/api/v1/transfers/"+m.ID+"/petikan", models.RoleHR, nil); string(again.body) != string(petikan.body) {
		t.Error("the petikan downloaded twice differs")
	}
	text = strings.Join(testkit.PDFPages(t, petikan.body), "\n")
	if !strings.Contains(text, "PETIKAN") || !strings.Contains(text, m.NIP) || (other.NIP != m.NIP && strings.Contains(text, other.NIP)) {
		t.Errorf("the petikan of %s reads %.600q", m.NIP, text)
	}
	expect(t, s.do("GET", "/api/v1/transfers/"+other.ID+"/petikan", models.RoleEmployee, nil), http.StatusNotFound)

	// Verification, revocation, and verification again: in a browser,
	// where the HR officer revokes it on the round's page, and by the API.
	status, body := get(t, s.url+"/verifikasi/"+doc.ID)
	if status != http.StatusOK || !strings.Contains(body, "masih berlaku") || !strings.Contains(body, doc.SHA256) {
		t.Errorf("the verification page: %d %.400s", status, body)
	}
	if status, _ := get(t, s.url+"/verifikasi/tidak-ada"); status != http.StatusNotFound {
		t.Errorf("the verification page of no decree: %d", status)
	}
	if r := s.do("POST", "/api/v1/decrees/"+doc.ID+"/revocation", models.RoleHR, map[string]any{"reason": " "}); r.status != http.StatusUnprocessableEntity || r.problem(t).Field != "reason" {
		t.Errorf("a revocation without a reason: %d %s", r.status, r.body)
	}
	expect(t, s.do("POST", "/api/v1/decrees/"+doc.ID+"/revocation", models.RoleTPK, map[string]any{"reason": "x"}), http.StatusForbidden)
	reason := "terdapat kekeliruan data jabatan"
	t.Run("browser", func(t *testing.T) {
		b := newBrowser(t, s.url)
		b.visit("/verifikasi/" + doc.ID)
		if v := b.text("#verdict"); !strings.Contains(v, "masih berlaku") {
			t.Errorf("the decree's page says %q", v)
		}
		if h := b.text("#sha256"); h != doc.SHA256 {
			t.Errorf("the page shows the hash %q", h)
		}
		b.shot("verify-valid")
		addAccount(t, &Server{DB: s.db}, "bkpsdm", models.RoleHR, "")
		b.signIn("bkpsdm")
		b.visit("/rounds/SK1")
		b.see(doc.Number, doc.SHA256)
		b.set(`[id="revoke-`+doc.ID+`-reason"]`, reason)
		b.submit(`form[action="/rounds/SK1/decrees/` + doc.ID + `/revocation"] button[type=submit]`)
		b.see("Keputusan dibatalkan", "Dibatalkan")
		b.visit("/verifikasi/" + doc.ID)
		if v := b.text("#verdict"); !strings.Contains(v, "DIBATALKAN") {
			t.Errorf("the revoked decree's page says %q", v)
		}
		b.shot("verify-revoked")
	})
	revoke := map[string]any{"reason": reason}
	expect(t, s.do("POST", "/api/v1/decrees/"+doc.ID+"/revocation", models.RoleHR, revoke), http.StatusOK)
	expect(t, s.do("POST", "/api/v1/decrees/"+doc.ID+"/revocation", models.RoleHR, revoke), http.StatusOK)
	expect(t, s.do("POST", "/api/v1/decrees/"+doc.ID+"/revocation", models.RoleHR, map[string]any{"reason": "lain"}), http.StatusConflict)
	if _, body := get(t, s.url+"/verifikasi/"+doc.ID+"?lang=en"); !strings.Contains(body, "REVOKED") {
		t.Errorf("the verification page of a revoked decree: %.400s", body)
	}
	var n int64
	s.db.Model(&models.AuditEntry{}).Where("action = ?", models.ActionDecreeRevoked).Count(&n)
	if n != 1 {
		t.Errorf("%d audit entries of a revocation, want 1", n)
	}
}
