package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/employees"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestEmployeeRecord reads employees' records through the API: HR any,
// an employee their own only, approvers none; every answer is checked
// against the OpenAPI document.
func TestEmployeeRecord(t *testing.T) {
	gdb, _ := testkit.Backends()[0].New(t)
	d := seed.Generate(30, time.Now(), 4)
	if err := seed.Load(gdb, d); err != nil {
		t.Fatal(err)
	}
	var sanctioned, other models.Employee
	for _, e := range d.Employees {
		if len(e.Sanctions) > 0 && sanctioned.NIP == "" {
			sanctioned = e
		} else if other.NIP == "" {
			other = e
		}
	}
	if sanctioned.NIP == "" {
		t.Fatal("no sanctioned employee in the demo data")
	}
	tokens := map[string]string{}
	for _, a := range []models.Actor{{ID: "hr1", Role: models.RoleHR}, {ID: "tpk1", Role: models.RoleTPK},
		{ID: sanctioned.NIP, Role: models.RoleEmployee, NIP: sanctioned.NIP}} {
		tok, err := apikey.Issue(gdb, string(a.Role), a)
		if err != nil {
			t.Fatal(err)
		}
		tokens[string(a.Role)] = tok
	}
	h := (&Server{DB: gdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	spec := newSpecChecker(t)
	get := func(role models.Role, nip string, status int) employees.Record {
		t.Helper()
		path := "/api/v1/employees/" + nip
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[string(role)])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != status {
			t.Fatalf("GET %s as %s: %d, want %d: %.300s", path, role, rec.Code, status, rec.Body)
		}
		if err := spec.check("GET", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()); err != nil {
			t.Errorf("GET %s as %s: %v", path, role, err)
		}
		var v employees.Record
		if status == http.StatusOK {
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
		}
		return v
	}
	for _, role := range []models.Role{models.RoleHR, models.RoleEmployee} {
		v := get(role, sanctioned.NIP, http.StatusOK)
		if v.Position == nil || v.Position.ID != sanctioned.PositionID || v.Unit == nil || v.Unit.ID != v.Position.UnitID ||
			len(v.Sanctions) != 1 || v.Sanctions[0].Type != sanctioned.Sanctions[0].Type || len(v.SKP) != 2 ||
			len(v.History) != 1 || v.History[0].PositionID != sanctioned.PositionID || v.History[0].End != nil ||
			!v.History[0].Start.Equal(sanctioned.InPostSince) {
			t.Errorf("as %s: %+v", role, v)
		}
	}
	get(models.RoleHR, other.NIP, http.StatusOK)
	get(models.RoleEmployee, other.NIP, http.StatusNotFound)
	get(models.RoleTPK, sanctioned.NIP, http.StatusForbidden)
	get(models.RoleHR, "199001012015011999", http.StatusNotFound)
}
