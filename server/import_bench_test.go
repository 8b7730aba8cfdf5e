package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

// BenchmarkImportEmployees50k imports a CSV of 50,000 employees (with
// their SKP and competencies) through the API, on each backend, after its
// units and positions: checking every row, then writing them in one
// transaction. Each operation is a whole import of the same file, the
// second and later ones updating every row in place.
func BenchmarkImportEmployees50k(b *testing.B) {
	units, positions, employees := governmentCSV(seed.Generate(50000, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 1))
	for _, backend := range testkit.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			gdb, _ := backend.New(b)
			post := importAPI(b, gdb)
			post("units", units, http.StatusOK)
			post("positions", positions, http.StatusOK)
			b.SetBytes(int64(len(employees)))
			for b.Loop() {
				post("employees", employees, http.StatusOK)
			}
			b.ReportMetric(50000, "employees/op")
		})
	}
}
