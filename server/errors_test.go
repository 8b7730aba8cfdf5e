package server

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/workflows"
)

// readyRound loads a government, starts round E1 through the API and
// waits until its proposals await confirmation.
func readyRound(t *testing.T) *stack {
	return awaitingConfirmation(t, "E1", "Uji galat", fastSettings)
}

// awaitingConfirmation loads a government of 30, starts round id with
// these settings through the API and waits until its proposals await
// confirmation.
func awaitingConfirmation(t *testing.T, id, name string, settings map[string]any) *stack {
	data := seed.Generate(30, time.Now(), 9)
	s := newStack(t, "", func(gdb *gorm.DB) {
		if err := seed.Load(gdb, data); err != nil {
			t.Fatal(err)
		}
	})
	expect(t, s.do("POST", "/api/v1/rounds", models.RoleHR, map[string]any{"id": id, "name": name, "settings": settings}), http.StatusCreated)
	testkit.Eventually(t, "confirmation", func() bool {
		var v rounds.View
		s.do("GET", "/api/v1/rounds/"+id, models.RoleHR, nil).json(t, &v)
		return v.Status == models.RoundAwaitingConfirmation
	})
	return s
}

// problemWith checks a problem's status and the field it names.
func problemWith(t *testing.T, r response, status int, field string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d: %s", r.status, status, r.body)
		return
	}
	p := r.problem(t)
	if p.Status != status || p.Detail == "" || p.DetailEN == "" || p.Title == "" {
		t.Errorf("problem lacks its parts: %+v", p)
	}
	if p.Field != field {
		t.Errorf("problem names field %q, want %q: %s", p.Field, field, r.body)
	}
}

func TestAPIErrors(t *testing.T) {
	s := readyRound(t)
	hr, tpk, ppk := models.RoleHR, models.RoleTPK, models.RolePPK

	t.Run("auth", func(t *testing.T) {
		problemWith(t, s.do("GET", "/api/v1/rounds", "", nil), http.StatusUnauthorized, "Authorization")
		s.tokens["bogus"] = "mts_nothing_here"
		problemWith(t, s.do("GET", "/api/v1/rounds", "bogus", nil), http.StatusUnauthorized, "Authorization")
		expect(t, s.do("GET", "/healthz", "", nil), http.StatusOK)
		expect(t, s.do("GET", "/readyz", "", nil), http.StatusOK)
	})
	t.Run("imports", func(t *testing.T) {
		var before int64
		s.db.Model(&models.Unit{}).Count(&before)
		problemWith(t, s.do("POST", "/api/v1/imports/cats", hr, "id,name\nX,Y\n", "text/csv"), http.StatusNotFound, "kind")
		problemWith(t, s.do("POST", "/api/v1/imports/units", hr, "id,colour\nX,Y\n", "text/csv"), http.StatusBadRequest, "colour")
		problemWith(t, s.do("POST", "/api/v1/imports/units", hr, "id,name\n", "text/plain"), http.StatusUnsupportedMediaType, "Content-Type")
		problemWith(t, s.do("POST", "/api/v1/imports/units", hr, `{"id":`, "application/json"), http.StatusBadRequest, "")
		r := s.do("POST", "/api/v1/imports/units", hr, "id,name\nU900,Baru\n,Tanpa id\nU900,Lagi\n", "text/csv")
		problemWith(t, r, http.StatusUnprocessableEntity, "")
		p := r.problem(t)
		if len(p.Errors) != 2 || p.Errors[0].Row != 3 || p.Errors[0].Field != "id" || p.Errors[1].Row != 4 {
			t.Errorf("row errors %+v", p.Errors)
		}
		emp := "nip,name,status,rank,position_id,in_post_since,education,performance,potential\n" +
			"19850314201001200,Siti,pns,III/z,NOPE,2020-13-01,SD,4,2\n"
		r = s.do("POST", "/api/v1/imports/employees", hr, emp, "text/csv")
		problemWith(t, r, http.StatusUnprocessableEntity, "")
		fields := map[string]bool{}
		for _, e := range r.problem(t).Errors {
			fields[e.Field] = e.Row == 2 && e.Message != "" && e.MessageEN != ""
		}
		for _, f := range []string{"nip", "rank", "in_post_since", "education", "performance"} {
			if !fields[f] {
				t.Errorf("no row-2 error for %s: %s", f, r.body)
			}
		}
		r = s.do("POST", "/api/v1/imports/positions", hr, `[{"id":"PX","unit_id":"NOPE","name":"x","kind":"pelaksana","class":5,"min_rank":"II/a","max_rank":"III/a","min_education":"SMA","seats":1}]`, "application/json")
		problemWith(t, r, http.StatusUnprocessableEntity, "")
		if e := r.problem(t).Errors; len(e) != 1 || e[0].Field != "unit_id" || e[0].Row != 1 {
			t.Errorf("reference errors %+v", e)
		}
		var after int64
		s.db.Model(&models.Unit{}).Count(&after)
		if after != before {
			t.Errorf("refused imports wrote units: %d then %d", before, after)
		}
	})
	t.Run("rounds", func(t *testing.T) {
		problemWith(t, s.do("POST", "/api/v1/rounds", hr, map[string]any{"name": "x"}), http.StatusUnprocessableEntity, "id")
		problemWith(t, s.do("POST", "/api/v1/rounds", hr, map[string]any{"id": "A b", "name": "x"}), http.StatusUnprocessableEntity, "id")
		problemWith(t, s.do("POST", "/api/v1/rounds", hr, map[string]any{"id": "A1"}), http.StatusUnprocessableEntity, "name")
		problemWith(t, s.do("POST", "/api/v1/rounds", hr, map[string]any{"id": "A1", "name": "x", "colour": 1}), http.StatusBadRequest, "colour")
		problemWith(t, s.do("POST", "/api/v1/rounds", hr, `{"id": 5}`), http.StatusBadRequest, "id")
		problemWith(t, s.do("POST", "/api/v1/rounds", hr, `not json`), http.StatusBadRequest, "")
		problemWith(t, s.do("POST", "/api/v1/rounds", hr, map[string]any{"id": "A1", "name": "x",
			"settings": map[string]any{"decision_reminder": "9d"}}), http.StatusUnprocessableEntity, "settings.decision_escalation")
		problemWith(t, s.do("POST", "/api/v1/rounds", hr, map[string]any{"id": "A1", "name": "x",
			"settings": map[string]any{"survey_delay": "soon"}}), http.StatusUnprocessableEntity, "settings")
		problemWith(t, s.do("GET", "/api/v1/rounds/NOPE", hr, nil), http.StatusNotFound, "")
		problemWith(t, s.do("GET", "/api/v1/rounds/NOPE/needs", hr, nil), http.StatusNotFound, "")
		problemWith(t, s.do("GET", "/api/v1/rounds/NOPE/proposals", hr, nil), http.StatusNotFound, "")
		problemWith(t, s.do("GET", "/api/v1/rounds/E1/proposals?limit=0", hr, nil), http.StatusBadRequest, "limit")
		problemWith(t, s.do("GET", "/api/v1/rounds/E1/evaluation?format=pdf", hr, nil), http.StatusBadRequest, "format")
		problemWith(t, s.do("GET", "/api/v1/rounds/E1/evaluation?lang=fr", hr, nil), http.StatusBadRequest, "lang")
		problemWith(t, s.do("GET", "/api/v1/rounds/NOPE/evaluation", hr, nil), http.StatusNotFound, "")
		problemWith(t, s.do("GET", "/api/v1/rounds/E1/evaluation/charts/pie.svg", hr, nil), http.StatusNotFound, "chart")
		problemWith(t, s.do("GET", "/api/v1/evaluations?to=2027-01-01", hr, nil), http.StatusBadRequest, "from")
		problemWith(t, s.do("GET", "/api/v1/evaluations?from=2027-02-01&to=2027-01-01", hr, nil), http.StatusBadRequest, "to")
		problemWith(t, s.do("GET", "/api/v1/evaluations?from=1990-01-01&to=1990-02-01", hr, nil), http.StatusNotFound, "")
		problemWith(t, s.do("POST", "/api/v1/rounds/NOPE/confirmation", hr, map[string]any{}), http.StatusNotFound, "")
		problemWith(t, s.do("POST", "/api/v1/rounds/E1/confirmation", hr, map[string]any{"remove": []string{"ghost"}}),
			http.StatusUnprocessableEntity, "remove")
		problemWith(t, s.do("POST", "/api/v1/rounds/E1/confirmation", hr, map[string]any{"remove": "ghost"}), http.StatusBadRequest, "remove")
		if n, _ := s.c.DescribeWorkflowExecution(t.Context(), contract.RoundWorkflowID("A1"), ""); n != nil {
			t.Error("a refused round request started a workflow")
		}
	})
	expect(t, s.do("POST", "/api/v1/rounds/E1/confirmation", hr, map[string]any{}), http.StatusOK)
	var list struct{ Items []models.Transfer }
	testkit.Eventually(t, "transfers awaiting the TPK", func() bool {
		s.do("GET", "/api/v1/transfers?stage=awaiting_tpk", hr, nil).json(t, &list)
		return len(list.Items) > 0
	})
	tr := list.Items[0]
	path := "/api/v1/transfers/" + tr.ID
	t.Run("not yet started", func(t *testing.T) {
		// A confirmed transfer whose workflow the round has not started yet.
		var nip string
		taken := s.db.Model(&models.Transfer{}).Select("nip").Where("round_id = ?", tr.RoundID)
		if err := s.db.Model(&models.Employee{}).Where("nip NOT IN (?)", taken).Limit(1).Pluck("nip", &nip).Error; err != nil || nip == "" {
			t.Fatalf("no employee outside the round: %v", err)
		}
		ghost := tr
		ghost.ID, ghost.NIP, ghost.WorkflowID = "GHOST-1", nip, "transfer-GHOST-1"
		if err := s.db.Create(&ghost).Error; err != nil {
			t.Fatal(err)
		}
		r := s.do("POST", "/api/v1/transfers/GHOST-1/decisions", tpk, map[string]any{"approve": true, "reason": "x"})
		problemWith(t, r, http.StatusConflict, "")
		if p := r.problem(t); !strings.Contains(p.Detail, "sedang dimulai") || !strings.Contains(p.DetailEN, "being started") {
			t.Errorf("problem %+v", p)
		}
		// A transfer whose workflow has ended (Temporal answers NotFound alike).
		if err := s.db.Model(&ghost).Update("stage", models.StageRejected).Error; err != nil {
			t.Fatal(err)
		}
		r = s.do("POST", "/api/v1/transfers/GHOST-1/decisions", tpk, map[string]any{"approve": true, "reason": "x"})
		problemWith(t, r, http.StatusConflict, "")
		if p := r.problem(t); !strings.Contains(p.DetailEN, "has ended") {
			t.Errorf("problem %+v", p)
		}
		if err := s.db.Delete(&ghost).Error; err != nil {
			t.Fatal(err)
		}
	})
	started(t, s, tr)
	t.Run("transfers", func(t *testing.T) {
		problemWith(t, s.do("GET", "/api/v1/transfers?stage=bored", hr, nil), http.StatusBadRequest, "stage")
		problemWith(t, s.do("GET", "/api/v1/transfers?limit=9000", hr, nil), http.StatusBadRequest, "limit")
		problemWith(t, s.do("GET", "/api/v1/transfers?offset=-1", hr, nil), http.StatusBadRequest, "offset")
		problemWith(t, s.do("GET", "/api/v1/transfers/NOPE", hr, nil), http.StatusNotFound, "")
		problemWith(t, s.do("POST", "/api/v1/transfers/NOPE/decisions", tpk, map[string]any{"approve": true, "reason": "x"}), http.StatusNotFound, "")
		problemWith(t, s.do("POST", path+"/decisions", tpk, map[string]any{"reason": "x"}), http.StatusUnprocessableEntity, "approve")
		problemWith(t, s.do("POST", path+"/decisions", tpk, map[string]any{"approve": "yes", "reason": "x"}), http.StatusBadRequest, "approve")
		problemWith(t, s.do("POST", path+"/decisions", ppk, map[string]any{"approve": true, "reason": "x"}), http.StatusConflict, "")
		problemWith(t, s.do("POST", path+"/objection-resolution", hr, map[string]any{"resolution": "proceed"}), http.StatusConflict, "")
		problemWith(t, s.do("POST", path+"/training-completion", hr, nil), http.StatusConflict, "")
		var st workflows.TransferState
		s.do("GET", path, hr, nil).json(t, &struct{ Live *workflows.TransferState }{&st})
		if st.Stage != models.StageAwaitingTPK || len(st.Decisions) != 0 {
			t.Errorf("refused updates changed the transfer: %+v", st)
		}
	})
	t.Run("surveys", func(t *testing.T) {
		problemWith(t, s.do("GET", "/api/v1/surveys/garbage", "", nil), http.StatusNotFound, "token")
		forged := links.Sign([]byte("not-the-secret"), tr.ID, time.Now().Add(time.Hour))
		problemWith(t, s.do("GET", "/api/v1/surveys/"+forged, "", nil), http.StatusNotFound, "token")
		expired := links.Sign([]byte(linkSecret), tr.ID, time.Now().Add(-time.Minute))
		problemWith(t, s.do("GET", "/api/v1/surveys/"+expired, "", nil), http.StatusGone, "token")
		valid := links.Sign([]byte(linkSecret), tr.ID, time.Now().Add(time.Hour))
		problemWith(t, s.do("GET", "/api/v1/surveys/"+valid, "", nil), http.StatusNotFound, "token") // no survey sent yet
		problemWith(t, s.do("POST", "/api/v1/surveys/"+valid, "", `{"answers": 3}`), http.StatusBadRequest, "answers")
	})
}

// Every kind of application error has its status, and the unexpected
// ones are the server's fault.
func TestEveryKindHasAStatus(t *testing.T) {
	for _, k := range apperr.Kinds {
		status, ok := statusOf[k]
		if !ok {
			t.Errorf("kind %s has no HTTP status", k)
		}
		serverSide := k == apperr.KindUnavailable || k == apperr.KindTimeout || k == apperr.KindInternal
		if (Problem{Status: status}).serverFault() != serverSide {
			t.Errorf("kind %s answers %d", k, status)
		}
	}
	if len(statusOf) != len(apperr.Kinds) {
		t.Errorf("statusOf maps %d kinds, apperr lists %d", len(statusOf), len(apperr.Kinds))
	}
}

// A request whose client went away is logged as abandoned, not as the
// server's failure, and answers 499 (nobody reads it).
func TestAbandonedRequest(t *testing.T) {
	gdb, _ := testkit.New(t)
	var logged bytes.Buffer
	srv := &Server{DB: gdb, Log: slog.New(slog.NewTextHandler(&logged, nil))}
	tok, err := apikey.Issue(gdb, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/transfers?limit=5", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != statusClientClosed {
		t.Errorf("status %d, want %d: %s", rec.Code, statusClientClosed, rec.Body)
	}
	if !strings.Contains(logged.String(), "request abandoned by its client") || strings.Contains(logged.String(), "request failed") {
		t.Errorf("log:\n%s", logged.String())
	}
}

// An evaluation's from and to are dates in the government's time zone,
// as the periodic evaluation's are: a round started at 03:00 WITA on 1
// January (19:00 UTC the day before) belongs to the new year's first
// quarter.
func TestPeriodDatesInTheGovernmentsZone(t *testing.T) {
	gdb, _ := testkit.New(t)
	wita, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{DB: gdb, TimeZone: wita}
	tok, err := apikey.Issue(gdb, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Date(2027, 1, 1, 3, 0, 0, 0, wita)
	if err := gdb.Create(&models.Round{ID: "R1", Name: "Awal tahun", Status: models.RoundCompleted, Settings: models.DefaultSettings(),
		CreatedAt: started, UpdatedAt: started}).Error; err != nil {
		t.Fatal(err)
	}
	get := func(from, to string) int {
		req := httptest.NewRequest("GET", "/api/v1/evaluations?from="+from+"&to="+to, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	if code := get("2027-01-01", "2027-04-01"); code != http.StatusOK {
		t.Errorf("the first quarter of 2027: %d, want 200 with the round", code)
	}
	if code := get("2026-10-01", "2027-01-01"); code != http.StatusNotFound {
		t.Errorf("the last quarter of 2026: %d, want 404 (no round)", code)
	}
}
