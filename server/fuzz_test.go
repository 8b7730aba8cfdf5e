package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/transfers"
)

// requestBodies makes a fresh value of every JSON request body the API
// decodes.
var requestBodies = map[string]func() any{
	"round":      func() any { return &rounds.Request{} },
	"confirm":    func() any { return &rounds.ConfirmRequest{} },
	"decision":   func() any { return &transfers.DecisionRequest{} },
	"objection":  func() any { return &transfers.ObjectionRequest{} },
	"resolution": func() any { return &transfers.ResolutionRequest{} },
	"training":   func() any { return &transfers.TrainingRequest{} },
	"survey":     func() any { return &SurveyRequest{} },
	"empty":      func() any { return &struct{}{} },
}

// FuzzRequestBodies decodes arbitrary bytes as every request body, as
// the handlers do with bind: the decoding succeeds or refuses with a 400
// or 413 problem naming what is wrong; it never panics. A round request's
// settings are decoded and checked as startRound does.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		`{"id": "R2027_1", "name": "Mutasi", "settings": {"survey_delay": "12w", "weights": {"skp": 0.5}}}`,
		`{"remove": ["R1-198503142010012003-U001-P01"], "note": "ok"}`,
		`{"approve": true, "reason": "sesuai kebutuhan"}`, `{"approve": null}`, `{"approve": "yes"}`,
		`{"category": "health", "text": "x"}`, `{"resolution": "training", "note": "y"}`, `{"note": "lulus"}`,
		`{"answers": {"fairness": 5, "enps": 9, "comments": "baik"}}`, `{}`, ``, `{`, `[]`, `null`, `{"a":1}{"b":2}`,
		`{"settings": {"decision_reminder": "9d", "decision_escalation": "1d"}}`, `{"settings": {"survey_delay": -1}}`,
		`{"settings": {"blackouts": [{"start": "2027-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}]}}`,
		`{"settings": {"rules": {"min_years_in_post": 1e308}, "training_gap_threshold": -9}}`,
		strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 100), "\xff\xfe", `{"reason": "\u0000"}`,
	} {
		f.Add(seed)
	}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, body string) {
		for name, make := range requestBodies {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest("POST", "/", strings.NewReader(body))
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
			v := make()
			err := bind(c, v)
			if err != nil {
				api, ok := apperr.As(err)
				if !ok || (api.Kind != apperr.KindMalformed && api.Kind != apperr.KindTooLarge) ||
					api.Message == "" || api.MessageEN == "" {
					t.Fatalf("%s body %q: %#v, want a 400 or 413 with messages", name, body, err)
				}
				continue
			}
			if r, ok := v.(*rounds.Request); ok && len(r.Settings) > 0 {
				settings := models.DefaultSettings()
				dec := json.NewDecoder(bytes.NewReader(r.Settings))
				dec.DisallowUnknownFields()
				if dec.Decode(&settings) == nil {
					if p := settings.Check(); p != nil && (p.Message == "" || p.MessageEN == "") {
						t.Fatalf("settings %s refused without a message: %+v", r.Settings, p)
					}
				}
			}
		}
	})
}

// importServer is the API on a SQLite database with a small government,
// without Temporal (imports do not use it), and an HR token.
func importServer(tb testing.TB) (http.Handler, string) {
	gdb, _ := testkit.NewSQLite(tb)
	d := seed.Generate(20, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 1)
	if err := seed.Load(gdb, d); err != nil {
		tb.Fatal(err)
	}
	tok, err := apikey.Issue(gdb, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{DB: gdb, LinkSecret: []byte("x"), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return s.Handler(), tok
}

// FuzzImport posts arbitrary files to the import endpoint of each kind,
// as CSV and as JSON: the answer is 200 or a 4xx problem, never a 5xx,
// whatever the file holds.
func FuzzImport(f *testing.F) {
	h, tok := importServer(f)
	for _, seed := range []struct {
		kind uint8
		body string
	}{
		{0, "id,name\nU001,Dinas Pendidikan\nU900,Baru\n"},
		{0, "id,name\n\"U9\"\"01\",x\n"},
		{0, "id,name\nU900\n"},
		{0, "id,name\nU900,Di\"nas\n"},
		{0, "id;name\nU900;x\n"},
		{0, `[{"id": "U901", "name": "Dinas"}, {"id": 5, "name": null}]`},
		{1, "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats,extra_duty,competencies\n" +
			"U001-P90,U001,Analis,fungsional,9,III/a,IV/a,S1,2,ya,perencanaan:3;analisis_data:4\n"},
		{1, "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats\nP1,U001,x,raja,99,X/z,I/a,SD,-1\n"},
		{2, "nip,name,status,rank,position_id,in_post_since,education,performance,potential,skp,competencies,relative_nips\n" +
			"198503142010012003,Siti,pns,III/b,U001-P03,2021-03-01,S1,tinggi,2,2025:Baik;2026:Sangat Baik,perencanaan:3,199001012015011999\n"},
		{2, "nip,name,status,rank,position_id,in_post_since,education,performance,potential\n1985,x,pns,III/z,NOPE,2020-13-01,SD,4,2\n"},
		{2, `[{"nip": "198503142010012003", "name": "Siti", "status": "pns", "rank": "III/b", "position_id": "U001-P03",` +
			` "in_post_since": "2021-03-01", "education": "S1", "performance": 3, "potential": 2}]`},
		{3, "\x00\xff"}, {4, ""}, {5, "id,name\nU9,\xff\n"},
	} {
		f.Add(seed.kind, seed.body)
	}
	kinds := []string{"units", "positions", "employees"}
	f.Fuzz(func(t *testing.T, kind uint8, body string) {
		path := "/api/v1/imports/" + kinds[int(kind)%len(kinds)]
		ct := "text/csv"
		if kind&4 != 0 || strings.HasPrefix(strings.TrimSpace(body), "[") {
			ct = "application/json"
		}
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 || (rec.Code != http.StatusOK && !strings.Contains(rec.Body.String(), `"detail_en"`)) {
			t.Fatalf("POST %s (%s) %q: %d %s", path, ct, body, rec.Code, rec.Body)
		}
	})
}
