package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/testworker"
	"github.com/bkpsdm/mutasi/transfers"
)

// stack is the API on a real Temporal dev server, PostgreSQL and worker.
type stack struct {
	t      *testing.T
	url    string
	db     *gorm.DB
	c      client.Client
	tokens map[models.Role]string
	spec   *specChecker
	// employee is the NIP behind the employee token.
	employee string
}

const linkSecret = "api-test-secret"

func newStack(t *testing.T, employeeNIP string, seedFn func(*gorm.DB)) *stack {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := testkit.Temporal(t, devtemporal.Options{})
	gdb, _ := testkit.New(t)
	if seedFn != nil {
		seedFn(gdb)
	}
	testworker.Start(t, srv.Client(), gdb, linkSecret)
	api := &Server{DB: gdb, Temporal: srv.Client(), LinkSecret: []byte(linkSecret), Log: logger, Payloads: testkit.DataConverter()}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(hs.Close)
	s := &stack{t: t, url: hs.URL, db: gdb, c: srv.Client(), tokens: map[models.Role]string{}, spec: newSpecChecker(t),
		employee: employeeNIP}
	for _, a := range []models.Actor{
		{ID: "hr1", Role: models.RoleHR}, {ID: "tpk1", Role: models.RoleTPK}, {ID: "ppk1", Role: models.RolePPK},
		{ID: employeeNIP, Role: models.RoleEmployee, NIP: employeeNIP}, {ID: "lms", Role: models.RoleSystem},
		{ID: "root", Role: models.RoleAdmin},
	} {
		if a.Role == models.RoleEmployee && employeeNIP == "" {
			continue
		}
		tok, err := apikey.Issue(gdb, string(a.Role), a)
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[a.Role] = tok
	}
	return s
}

// response is what a request got back.
type response struct {
	status int
	body   []byte
	header http.Header
}

// json decodes the body into v.
func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problem decodes a problem+json body.
func (r response) problem(t *testing.T) Problem {
	t.Helper()
	var p Problem
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("status %d with content type %q, want problem+json: %s", r.status, ct, r.body)
	}
	r.json(t, &p)
	return p
}

// do sends a request as role ("" for none) and checks the response
// against the OpenAPI document. body is JSON-encoded unless it is a
// string, sent as is with contentType.
func (s *stack) do(method, path string, role models.Role, body any, contentType ...string) response {
	s.t.Helper()
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		enc, _ := json.Marshal(b)
		rd = bytes.NewReader(enc)
	}
	if len(contentType) > 0 {
		ct = contentType[0]
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+s.tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := s.spec.check(method, path, resp.StatusCode, resp.Header.Get("Content-Type"), b); err != nil {
		s.t.Error(err)
	}
	return response{status: resp.StatusCode, body: b, header: resp.Header}
}

// expect fails the test unless r has the status.
func expect(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

// started waits until the workflow of each transfer answers its state
// query: a confirmed transfer is awaiting the TPK in the database a
// moment before its round has started its workflow.
func started(t *testing.T, s *stack, ts ...models.Transfer) {
	t.Helper()
	for _, tr := range ts {
		testkit.Eventually(t, "the workflow of "+tr.ID+" to start", func() bool {
			var v transfers.View
			s.do("GET", "/api/v1/transfers/"+tr.ID, models.RoleHR, nil).json(t, &v)
			return v.Live != nil
		})
	}
}
