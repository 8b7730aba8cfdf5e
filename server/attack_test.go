package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/importer"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// slowSettings keep every timer of a round far beyond a test, so nothing
// changes in the database unless a request changes it.
var slowSettings = map[string]any{
	"decision_reminder": "1h", "decision_escalation": "2h", "acknowledge_reminder": "1h", "acknowledge_deadline": "2h",
	"training_deadline": "1h", "survey_delay": "1h", "survey_reminder": "1h", "survey_window": "2h",
}

// quiet is a stack with a confirmed round Q1 whose timers are far away:
// own (transfer A), which waits for no other transfer's seat, has both
// decisions and awaits its employee, other
// (transfer B, into another unit) awaits the TPK. The employee token is
// A's employee's.
type quiet struct {
	*stack
	own, other models.Transfer
}

func quietRound(t *testing.T) *quiet {
	s := awaitingConfirmation(t, "Q1", "Uji serangan", slowSettings)
	expect(t, s.do("POST", "/api/v1/rounds/Q1/confirmation", models.RoleHR, map[string]any{}), http.StatusOK)
	var list struct {
		Items []models.Transfer
		Total int
	}
	testkit.Eventually(t, "transfers awaiting the TPK", func() bool {
		s.do("GET", "/api/v1/transfers?round=Q1&stage=awaiting_tpk&limit=500", models.RoleHR, nil).json(t, &list)
		var requests int64
		s.db.Model(&models.OutboxMessage{}).Where("key LIKE ?", "%:tpk:request").Count(&requests)
		return list.Total > 2 && int(requests) == list.Total
	})
	// The employee's own transfer depends on no other (so that no
	// rejection of the tests blocks it), and the other goes into another
	// unit.
	q := &quiet{stack: s}
	for _, tr := range list.Items {
		if len(tr.DependsOn) == 0 {
			q.own = tr
			break
		}
	}
	for _, tr := range list.Items {
		if tr.ToUnitID != q.own.ToUnitID && tr.ID != q.own.ID {
			q.other = tr
			break
		}
	}
	if q.own.ID == "" || q.other.ID == "" {
		t.Fatal("every transfer waits for a seat, or every one goes into one unit")
	}
	tok, err := apikey.Issue(s.db, "employee", models.Actor{ID: q.own.NIP, Role: models.RoleEmployee, NIP: q.own.NIP})
	if err != nil {
		t.Fatal(err)
	}
	s.tokens[models.RoleEmployee] = tok
	own := "/api/v1/transfers/" + q.own.ID
	expect(t, s.do("POST", own+"/decisions", models.RoleTPK, map[string]any{"approve": true, "reason": "sesuai kebutuhan"}), http.StatusOK)
	expect(t, s.do("POST", own+"/decisions", models.RolePPK, map[string]any{"approve": true, "reason": "disetujui"}), http.StatusOK)
	testkit.Eventually(t, "the socialization notice", func() bool {
		var n int64
		s.db.Model(&models.OutboxMessage{}).Where("key = ?", "transfer-"+q.own.ID+":socialization").Count(&n)
		var tr models.Transfer
		s.db.First(&tr, "id = ?", q.own.ID)
		return n == 1 && tr.Stage == models.StageSocialization
	})
	return q
}

// snapshot fingerprints every table of the database, row by row.
func snapshot(t *testing.T, gdb *gorm.DB) map[string]string {
	t.Helper()
	var tables []string
	if err := gdb.Raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`).
		Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, table := range tables {
		var sum string
		q := fmt.Sprintf(`SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM %q x`, table)
		if err := gdb.Raw(q).Scan(&sum).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = sum
	}
	return out
}

// sameSnapshot fails the test for every table that changed.
func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	for table, sum := range before {
		if after[table] != sum {
			t.Errorf("table %s changed: %s -> %s", table, sum, after[table])
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d tables before, %d after", len(before), len(after))
	}
}

// raw sends a request with any header and body, bypassing the OpenAPI
// check (attack requests need not match the document), and returns the
// status, the body and the time it took.
func (s *stack) raw(method, path, auth, contentType string, body []byte) (int, []byte, time.Duration) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, time.Since(start)
}

func (s *stack) bearer(role models.Role) string { return "Bearer " + s.tokens[role] }

// refused checks that a request got a 4xx problem, never a 5xx, and
// returns the status.
func refused(t *testing.T, what string, status int, body []byte) {
	t.Helper()
	if status < 400 || status >= 500 {
		t.Errorf("%s: status %d, want a 4xx: %.300s", what, status, body)
	} else if !bytes.Contains(body, []byte(`"detail_en"`)) {
		t.Errorf("%s: %d without a problem body: %.300s", what, status, body)
	}
}

// injections are SQL-injection attempts, each of which would change the
// answer or the database if it were spliced into SQL.
var injections = []string{
	`' OR '1'='1`,
	`' OR 1=1 --`,
	`'; DROP TABLE transfers; --`,
	`"; DELETE FROM audit_entries; --`,
	`x' UNION SELECT id, hash, name, actor_id, role, nip, units, created_at, revoked_at FROM api_keys --`,
	`1) OR (1=1`,
	`%' OR '%'='`,
	`'; SELECT pg_sleep(3); --`,
	`\'; UPDATE transfers SET stage='completed'; --`,
	`$$; TRUNCATE decisions; $$`,
}

// TestAttacksAreRefused sends forged, tampered, revoked, oversized,
// malformed and injected requests to every endpoint: each gets a 4xx
// problem (never a 5xx), filters find nothing, and no table of the
// database changes.
func TestAttacksAreRefused(t *testing.T) {
	q := quietRound(t)
	s := q.stack
	revoked, err := apikey.Issue(s.db, "revoked", models.Actor{ID: "hr9", Role: models.RoleHR})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := apikey.Revoke(s.db, strings.Split(revoked, "_")[1], models.Actor{ID: "test", Role: models.RoleHR}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s.db)
	own, other := "/api/v1/transfers/"+q.own.ID, "/api/v1/transfers/"+q.other.ID
	hrTok := s.tokens[models.RoleHR]

	t.Run("tokens", func(t *testing.T) {
		flip := func(s string, i int) string {
			b := []byte(s)
			b[i] ^= 0x01
			return string(b)
		}
		link := links.Sign([]byte(linkSecret), q.own.ID, time.Now().Add(time.Hour))
		for name, auth := range map[string]string{
			"tampered secret":     "Bearer " + flip(hrTok, len(hrTok)-1),
			"tampered id":         "Bearer " + flip(hrTok, 5),
			"truncated":           "Bearer " + hrTok[:len(hrTok)-1],
			"extended":            "Bearer " + hrTok + "A",
			"other prefix":        "Bearer mtx" + hrTok[3:],
			"revoked":             "Bearer " + revoked,
			"survey link":         "Bearer " + link,
			"empty":               "Bearer ",
			"basic":               "Basic " + hrTok,
			"lower-case scheme":   "bearer " + hrTok,
			"two tokens":          "Bearer " + hrTok + " " + hrTok,
			"sql in token":        "Bearer mts_' OR '1'='1",
			"sql in token suffix": "Bearer " + hrTok + "' OR '1'='1",
		} {
			// One try each: more than the limiter's burst would turn 401 into 429.
			status, body, _ := s.raw("GET", other, auth, "", nil)
			if status != http.StatusUnauthorized {
				t.Errorf("%s token: status %d, want 401: %.200s", name, status, body)
			}
		}
	})

	t.Run("survey links", func(t *testing.T) {
		valid := links.Sign([]byte(linkSecret), q.own.ID, time.Now().Add(time.Hour))
		parts := strings.Split(valid, ".")
		otherPayload := links.Sign([]byte(linkSecret), q.other.ID, time.Now().Add(time.Hour))
		for name, c := range map[string]struct {
			token  string
			status int
		}{
			"tampered signature": {parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-2] + "AA", http.StatusNotFound},
			"swapped transfer":   {strings.Split(otherPayload, ".")[0] + "." + parts[1] + "." + parts[2], http.StatusNotFound},
			"later expiry":       {parts[0] + "." + fmt.Sprint(time.Now().Add(1000*time.Hour).Unix()) + "." + parts[2], http.StatusNotFound},
			"other secret":       {links.Sign([]byte("guess"), q.own.ID, time.Now().Add(time.Hour)), http.StatusNotFound},
			"expired":            {links.Sign([]byte(linkSecret), q.own.ID, time.Now().Add(-time.Second)), http.StatusGone},
			"no survey yet":      {valid, http.StatusNotFound},
			"truncated":          {valid[:len(valid)/2], http.StatusNotFound},
			"sql":                {url.PathEscape(`x' OR '1'='1`), http.StatusNotFound},
			"bearer token":       {url.PathEscape(hrTok), http.StatusNotFound},
		} {
			for _, method := range []string{"GET", "POST"} {
				status, body, _ := s.raw(method, "/api/v1/surveys/"+c.token, "", "application/json", []byte(`{"answers": {"fairness": 5}}`))
				if status != c.status {
					t.Errorf("%s link, %s: status %d, want %d: %.200s", name, method, status, c.status, body)
				}
			}
		}
	})

	// Endpoints that take a body, with a role allowed to call them.
	bodies := []struct {
		path string
		role models.Role
	}{
		{"/api/v1/rounds", models.RoleHR},
		{"/api/v1/rounds/Q1/confirmation", models.RoleHR},
		{other + "/decisions", models.RoleTPK},
		{own + "/acknowledgement", models.RoleEmployee},
		{own + "/objections", models.RoleEmployee},
		{own + "/objection-resolution", models.RoleHR},
		{own + "/training-completion", models.RoleHR},
		{"/api/v1/surveys/" + links.Sign([]byte(linkSecret), q.own.ID, time.Now().Add(time.Hour)), ""},
	}

	t.Run("oversized", func(t *testing.T) {
		huge := append([]byte(`{"reason": "`), bytes.Repeat([]byte("a"), maxBody+1024)...)
		huge = append(huge, `"}`...)
		for _, b := range bodies {
			status, body, _ := s.raw("POST", b.path, s.bearer(b.role), "application/json", huge)
			if status != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s with %d MB: status %d, want 413: %.200s", b.path, len(huge)>>20, status, body)
			}
		}
		// An import has a larger limit of its own.
		csvBody := append([]byte("id,name\n"), bytes.Repeat([]byte("U999,"+strings.Repeat("Dinas Besar Sekali ", 50)+"\n"), maxImportBody/900)...)
		status, body, _ := s.raw("POST", "/api/v1/imports/units", s.bearer(models.RoleHR), "text/csv", csvBody)
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("an import of %d MB: status %d, want 413: %.200s", len(csvBody)>>20, status, body)
		}
	})

	t.Run("malformed JSON", func(t *testing.T) {
		malformed := []string{
			``, `{`, `}`, `{"approve": tru}`, `{"reason": "unterminated}`, `[]`, `"text"`, `42`,
			`{"a": 1}{"b": 2}`, `{"approve": true,}`, `{'approve': true}`, strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
			`{"approve": "true", "reason": 5}`, `{"remove": "ghost"}`, `{"answers": []}`, `{"category": 7}`,
			`{"settings": {"survey_delay": 1}}`, `{"id": ["Q2"], "name": {}}`, "\xff\xfe{}", "{\"reason\": \"\x00\"}",
			`{"approve": 1e999}`, `{"resolution": null, "note": {"$gt": ""}}`,
		}
		for _, b := range bodies {
			for _, m := range malformed {
				if m == "" && (b.path == own+"/acknowledgement" || b.path == own+"/training-completion") {
					continue // no body is a valid acknowledgement or report
				}
				status, body, _ := s.raw("POST", b.path, s.bearer(b.role), "application/json", []byte(m))
				refused(t, fmt.Sprintf("POST %s %.40q", b.path, m), status, body)
			}
		}
	})

	t.Run("malformed imports", func(t *testing.T) {
		for _, c := range []struct{ kind, contentType, body string }{
			{"units", "text/csv", "id,name\n\"U900,Dinas\n"},
			{"units", "text/csv", "id,name\nU900\n"},
			{"units", "text/csv", "id,name\nU900,Di\"nas\n"},
			{"units", "text/csv", "id,name\nU900,Dinas,Lebih\n"},
			{"units", "text/csv", "\ufeff\ufeffid,name\nU900,Dinas\n"}, // one byte order mark is Excel's; two are not
			{"units", "text/csv", "id;name\nU900,Dinas\n"},
			{"units", importer.ContentTypeXLSX, "PK\x03\x04 not a workbook"},
			{"units", importer.ContentTypeXLSX, "id,name\nU900,Dinas\n"},
			{"units", "text/csv", "\x00\x01\x02\xff\xfe"},
			{"units", "text/csv", ""},
			{"units", "text/csv", "id,name\n,\n"},
			{"units", "text/csv", "id,id\nU900,U901\n"},
			{"units", "application/json", `{"id": "U900"}`},
			{"units", "application/json", `[1, 2]`},
			{"units", "application/json", `[{"id": "U900", "name": "Dinas"}`},
			{"units", "application/json", `[{"id": null, "name": "x"}]`},
			{"units", "application/xml", `<units/>`},
			{"positions", "text/csv", "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats\nP1,U001,x,raja,99,X/z,I/a,SD,-1\n"},
			{"positions", "text/csv", "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats,competencies\nP1,U001,x,pelaksana,5,II/a,III/a,SMA,1,a:9;b\n"},
			{"employees", "text/csv", "nip,name,status,rank,position_id,in_post_since,education,performance,potential\n1985,x,pns,III/a,U001-P01,2020-01-01,S1,1,1\n"},
			{"employees", "text/csv", "nip,name,status,rank,position_id,in_post_since,education,performance,potential,skp\n198503142010012003,x,pns,III/a,U001-P01,2020-01-01,S1,1,1,2025:Hebat\n"},
			{"employees", "application/json", `[{"nip": 198503142010012003, "name": "x"}]`},
		} {
			status, body, _ := s.raw("POST", "/api/v1/imports/"+c.kind, s.bearer(models.RoleHR), c.contentType, []byte(c.body))
			refused(t, fmt.Sprintf("import %s %s %.60q", c.kind, c.contentType, c.body), status, body)
		}
	})

	t.Run("repeated confirmation", func(t *testing.T) {
		// The round is confirmed: a second, different confirmation,
		// whatever it carries, is refused and changes nothing.
		for _, inj := range injections[:3] {
			r := s.do("POST", "/api/v1/rounds/Q1/confirmation", models.RoleHR, map[string]any{"remove": []string{inj}, "note": inj})
			if r.status != http.StatusConflict || bytes.Contains(r.body, []byte(inj)) {
				t.Errorf("repeated confirmation: %d %s", r.status, r.body)
			}
		}
	})

	t.Run("NUL and invalid UTF-8 in paths and filters", func(t *testing.T) {
		for _, bad := range []string{"%00", "a%00b", "%FF", "%C3%28"} {
			for _, path := range []string{
				"/api/v1/transfers/" + bad, "/api/v1/rounds/" + bad, "/api/v1/rounds/" + bad + "/proposals",
				"/api/v1/transfers?round=" + bad, "/api/v1/transfers?unit=" + bad, "/api/v1/evaluations?unit=" + bad,
			} {
				status, body, _ := s.raw("GET", path, s.bearer(models.RoleHR), "", nil)
				if status != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400: %.200s", path, status, body)
				}
				refused(t, "GET "+path, status, body)
			}
			status, body, _ := s.raw("POST", "/api/v1/transfers/"+bad+"/decisions", s.bearer(models.RoleTPK), "application/json",
				[]byte(`{"approve": true, "reason": "x"}`))
			if status != http.StatusBadRequest {
				t.Errorf("POST a decision on %s: %d, want 400: %.200s", bad, status, body)
			}
		}
	})

	t.Run("SQL injection", func(t *testing.T) {
		for _, inj := range injections {
			esc := url.PathEscape(inj)
			qesc := url.QueryEscape(inj)
			// Free filters find nothing; an injected OR would find everything.
			for _, filter := range []string{"round", "unit"} {
				for _, role := range []models.Role{models.RoleHR, models.RoleEmployee} {
					status, body, took := s.raw("GET", "/api/v1/transfers?"+filter+"="+qesc, s.bearer(role), "", nil)
					if status != http.StatusOK || !bytes.Contains(body, []byte(`"total":0`)) || took > 2*time.Second {
						t.Errorf("?%s=%q as %s: %d in %v: %.200s", filter, inj, role, status, took, body)
					}
				}
			}
			for _, path := range []string{
				"/api/v1/transfers?stage=" + qesc, "/api/v1/transfers?limit=" + qesc, "/api/v1/transfers?offset=" + qesc,
				"/api/v1/rounds/Q1/proposals?limit=" + qesc, "/api/v1/rounds/" + esc, "/api/v1/rounds/" + esc + "/needs",
				"/api/v1/rounds/" + esc + "/proposals", "/api/v1/transfers/" + esc,
			} {
				status, body, took := s.raw("GET", path, s.bearer(models.RoleHR), "", nil)
				refused(t, "GET "+path, status, body)
				if took > 2*time.Second {
					t.Errorf("GET %s took %v", path, took)
				}
			}
			for _, path := range []string{
				"/api/v1/rounds/" + esc + "/evaluation", "/api/v1/evaluations?round=" + qesc + "&from=" + qesc + "&to=" + qesc + "&unit=" + qesc,
			} {
				status, body, _ := s.raw("GET", path, s.bearer(models.RoleHR), "", nil)
				if status >= 500 {
					t.Errorf("GET %s: %d: %.200s", path, status, body)
				}
			}
			posts := []struct {
				path string
				role models.Role
				body any
			}{
				{"/api/v1/transfers/" + esc + "/decisions", models.RoleTPK, map[string]any{"approve": true, "reason": inj}},
				{"/api/v1/transfers/" + esc + "/acknowledgement", models.RoleEmployee, nil},
				{"/api/v1/rounds/" + esc + "/confirmation", models.RoleHR, map[string]any{"note": inj}},
				{"/api/v1/imports/" + esc, models.RoleHR, "id,name\nU001,x\n"},
				{"/api/v1/rounds", models.RoleHR, map[string]any{"id": inj, "name": inj}},
				{other + "/decisions", models.RoleTPK, map[string]any{"reason": inj}},
				{other + "/decisions", models.RolePPK, map[string]any{"approve": true, "reason": inj}},
				{own + "/objections", models.RoleEmployee, map[string]any{"category": inj, "text": inj}},
				{own + "/objection-resolution", models.RoleHR, map[string]any{"resolution": inj, "note": inj}},
				{own + "/training-completion", models.RoleHR, map[string]any{"note": inj}},
				{"/api/v1/imports/employees", models.RoleHR, "nip,name,status,rank,position_id,in_post_since,education,performance,potential\n" +
					csvField(inj) + ",x,pns,III/a," + csvField(inj) + ",2020-01-01,S1,1,1\n"},
				{"/api/v1/imports/positions", models.RoleHR, "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats\n" +
					"P-INJ," + csvField(inj) + ",x,pelaksana,5,II/a,III/a,SMA,1\n"},
				{"/api/v1/surveys/" + esc, "", map[string]any{"answers": map[string]any{inj: inj}}},
			}
			for _, p := range posts {
				var b []byte
				ct := "application/json"
				switch v := p.body.(type) {
				case nil:
				case string:
					b, ct = []byte(v), "text/csv"
				default:
					b, _ = jsonBytes(v)
				}
				auth := ""
				if p.role != "" {
					auth = s.bearer(p.role)
				}
				status, body, took := s.raw("POST", p.path, auth, ct, b)
				refused(t, fmt.Sprintf("POST %s %.80s", p.path, b), status, body)
				if took > 2*time.Second {
					t.Errorf("POST %s took %v", p.path, took)
				}
			}
		}
	})

	time.Sleep(500 * time.Millisecond) // let any stray write land before comparing
	sameSnapshot(t, before, snapshot(t, s.db))
	for _, table := range []string{"transfers", "audit_entries", "decisions", "api_keys"} {
		if before[table] == "" {
			t.Errorf("table %s is missing", table)
		}
	}
}

// TestInjectedTextIsStoredAsText sends SQL-injection strings where free
// text is allowed (a decision's reason, an objection's text, a unit's
// name): each is stored verbatim and nothing else changes.
func TestInjectedTextIsStoredAsText(t *testing.T) {
	q := quietRound(t)
	s := q.stack
	var transfers, keys int64
	s.db.Model(&models.Transfer{}).Count(&transfers)
	s.db.Model(&models.APIKey{}).Count(&keys)
	reason, text, name := injections[2], injections[4], injections[3]
	expect(t, s.do("POST", "/api/v1/transfers/"+q.other.ID+"/decisions", models.RoleTPK, map[string]any{"approve": false, "reason": reason}), http.StatusOK)
	expect(t, s.do("POST", "/api/v1/transfers/"+q.own.ID+"/objections", models.RoleEmployee, map[string]any{"category": "other", "text": text}), http.StatusOK)
	expect(t, s.do("POST", "/api/v1/imports/units", models.RoleHR, "id,name\nU777,"+csvField(name)+"\n", "text/csv"), http.StatusOK)
	var d models.Decision
	s.db.First(&d, "transfer_id = ?", q.other.ID)
	var o models.Objection
	s.db.First(&o, "transfer_id = ?", q.own.ID)
	var u models.Unit
	s.db.First(&u, "id = ?", "U777")
	if d.Reason != reason || o.Text != text || u.Name != name {
		t.Errorf("stored %q, %q, %q; want them verbatim", d.Reason, o.Text, u.Name)
	}
	var audit models.AuditEntry
	s.db.First(&audit, "transfer_id = ? AND action = ?", q.other.ID, "tpk_rejected")
	if audit.Detail != reason {
		t.Errorf("audit detail %q, want %q", audit.Detail, reason)
	}
	var transfersAfter, keysAfter, decisions int64
	s.db.Model(&models.Transfer{}).Count(&transfersAfter)
	s.db.Model(&models.APIKey{}).Count(&keysAfter)
	s.db.Model(&models.Decision{}).Count(&decisions)
	if transfersAfter != transfers || keysAfter != keys || decisions != 3 {
		t.Errorf("transfers %d -> %d, keys %d -> %d, %d decisions (want 3)", transfers, transfersAfter, keys, keysAfter, decisions)
	}
}

// jsonBytes encodes v as JSON.
func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }

// csvField quotes a CSV field.
func csvField(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
