package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/faults"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestDatabaseDownAnswers503 stops the API's PostgreSQL and checks that
// requests that need it are answered 503 with Retry-After, a problem the
// client can wait out, not 500.
func TestDatabaseDownAnswers503(t *testing.T) {
	ctx := context.Background()
	pg, err := faults.StartPGCluster(ctx)
	if err != nil {
		t.Fatalf("PostgreSQL cluster: %v", err)
	}
	t.Cleanup(func() { pg.Remove() })
	gdb, err := db.Open(pg.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(gdb); err != nil {
		t.Fatal(err)
	}
	tok, err := apikey.Issue(gdb, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	api := &Server{DB: gdb, Temporal: tc, LinkSecret: []byte(linkSecret), Log: slog.New(slog.DiscardHandler),
		Payloads: testkit.DataConverter()}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(hs.Close)
	spec := newSpecChecker(t)
	get := func(path string) *http.Response {
		req, _ := http.NewRequest("GET", hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := spec.check("GET", path, resp.StatusCode, resp.Header.Get("Content-Type"), body); err != nil {
			t.Error(err)
		}
		return resp
	}
	if r := get("/api/v1/rounds"); r.StatusCode != http.StatusOK {
		t.Fatalf("with the database up: %d", r.StatusCode)
	}
	if err := pg.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/rounds", "/api/v1/employees/199001012015011001", "/api/v1/transfers"} {
		// Twice: the first request may meet a pooled connection the
		// stop has cut, the second a refused new one.
		for range 2 {
			r := get(path)
			if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" ||
				r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s with the database down: %d, Retry-After %q, %s; want a 503 problem with Retry-After",
					path, r.StatusCode, r.Header.Get("Retry-After"), r.Header.Get("Content-Type"))
			}
		}
	}
}

// TestTemporalUnavailableIsUnavailable checks that Temporal's own
// "unavailable", and an update call its stopping frontend canceled, map to
// 503 too, and its deadline to 504 (seen as 500 while the production shape
// restarted Temporal).
func TestTemporalUnavailableIsUnavailable(t *testing.T) {
	for _, err := range []error{serviceerror.NewUnavailable("frontend down"), errors.Join(errors.New("start"), serviceerror.NewUnavailable("x")),
		client.NewWorkflowUpdateServiceTimeoutOrCanceledError(serviceerror.NewCanceled("context canceled"))} {
		if !unavailable(err) || classify(err).Kind != apperr.KindUnavailable {
			t.Errorf("unavailable(%v) = false", err)
		}
	}
	if unavailable(errors.New("boom")) {
		t.Error("any error counts as unavailable")
	}
	if k := classify(client.NewWorkflowUpdateServiceTimeoutOrCanceledError(serviceerror.NewDeadlineExceeded("deadline"))).Kind; k != apperr.KindTimeout {
		t.Errorf("Temporal's deadline exceeded is %s, want %s", k, apperr.KindTimeout)
	}
}
