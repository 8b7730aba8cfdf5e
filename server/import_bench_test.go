package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/dbtest"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
)

// BenchmarkImportEmployees50k imports a CSV of 50,000 employees (with
// their SKP and competencies) through the API into PostgreSQL, after its
// units and positions: checking every row, then writing them in one
// transaction. Each operation is a whole import of the same file, the
// second and later ones updating every row in place.
func BenchmarkImportEmployees50k(b *testing.B) {
	gdb, _ := dbtest.New(b)
	tok, err := apikey.Issue(gdb, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		b.Fatal(err)
	}
	h := (&Server{DB: gdb, LinkSecret: []byte("x"), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	units, positions, employees := governmentCSV(seed.Generate(50000, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 1))
	post := func(kind, body string) {
		req := httptest.NewRequest("POST", "/api/v1/imports/"+kind, strings.NewReader(body))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("import %s: %d %.300s", kind, rec.Code, rec.Body)
		}
	}
	post("units", units)
	post("positions", positions)
	b.SetBytes(int64(len(employees)))
	for b.Loop() {
		post("employees", employees)
	}
	b.ReportMetric(50000, "employees/op")
}
