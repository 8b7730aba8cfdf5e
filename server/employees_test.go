package server

import (
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
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
	// SIASN's histories, with a later rank than the office's.
	for _, row := range []any{
		&models.SIASNPosition{NIP: sanctioned.NIP, RecordID: "J1", Type: "4", Name: "Pengadministrasi", UnorName: "Dinas",
			PositionID: sanctioned.PositionID, Start: sanctioned.InPostSince},
		&models.SIASNRank{NIP: sanctioned.NIP, RecordID: "G1", Rank: sanctioned.Rank + 1, Start: sanctioned.InPostSince},
		&models.SIASNTraining{NIP: sanctioned.NIP, RecordID: "D1", Source: "rw-kursus", Type: "Bimtek", Name: "Bimtek SIASN", Year: 2022},
	} {
		if err := gdb.Create(row).Error; err != nil {
			t.Fatal(err)
		}
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
			!v.History[0].Start.Equal(sanctioned.InPostSince) || v.History[0].PositionName != v.Position.Name ||
			v.History[0].UnitName != v.Unit.Name || v.History[0].PositionName == "" {
			t.Errorf("as %s: %+v", role, v)
		}
		if s := v.SIASN; len(s.Positions) != 1 || len(s.Ranks) != 1 || len(s.Trainings) != 1 ||
			len(s.Differences) != 1 || s.Differences[0].Field != "rank" {
			t.Errorf("as %s, SIASN: %+v", role, s)
		}
	}
	get(models.RoleHR, other.NIP, http.StatusOK)
	get(models.RoleEmployee, other.NIP, http.StatusNotFound)
	get(models.RoleTPK, sanctioned.NIP, http.StatusForbidden)
	get(models.RoleHR, "199001012015011999", http.StatusNotFound)
}

// TestMyPageShowsSIASN: the employee's page shows SIASN's histories and
// says where SIASN differs from the office's record.
func TestMyPageShowsSIASN(t *testing.T) {
	gdb, _ := testkit.New(t)
	d := seed.Generate(30, time.Now(), 4)
	if err := seed.Load(gdb, d); err != nil {
		t.Fatal(err)
	}
	e := d.Employees[0]
	for _, row := range []any{
		&models.SIASNPosition{NIP: e.NIP, RecordID: "J1", Type: "4", Name: "Jabatan Menurut SIASN", UnorName: "Unor SIASN",
			Start: e.InPostSince},
		&models.SIASNRank{NIP: e.NIP, RecordID: "G1", Rank: e.Rank + 1, Start: e.InPostSince, DecreeNumber: "KP-123"},
	} {
		if err := gdb.Create(row).Error; err != nil {
			t.Fatal(err)
		}
	}
	srv := &Server{DB: gdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	addAccount(t, srv, "pegawai", models.RoleEmployee, e.NIP)
	p := newPageClient(t, hs.URL)
	if status, _ := p.signIn("pegawai", testPassword); status != http.StatusOK {
		t.Fatalf("sign-in: %d", status)
	}
	status, page := p.get("/me")
	var post models.Position
	gdb.First(&post, "id = ?", e.PositionID)
	// The office's own history names its position, not its id.
	history := page[strings.Index(page, `id="history"`):]
	history = history[:strings.Index(history, "</table>")]
	if !strings.Contains(history, html.EscapeString(post.Name)) || strings.Contains(history, ">"+e.PositionID+"<") {
		t.Errorf("the position history shows the id, not %q:\n%s", post.Name, history)
	}
	for _, want := range []string{`id="siasn-positions"`, "Jabatan Menurut SIASN", `id="siasn-ranks"`, "KP-123",
		"Golongan terakhir di SIASN " + (e.Rank + 1).String()} {
		if status != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("the page (%d) lacks %q", status, want)
		}
	}
	if strings.Contains(page, `id="siasn-trainings"`) {
		t.Error("an empty training history is shown")
	}
}
