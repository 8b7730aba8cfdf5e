package server

import (
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/importer"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/cputime"
	"github.com/bkpsdm/mutasi/testkit/heap"
	"github.com/xuri/excelize/v2"
)

// BenchmarkImportEmployees imports 200,000 employees (with their SKP and
// competencies) through the API, on each backend, as a CSV file and as
// an Excel workbook, after their units and positions: checking every
// row, then writing them in one transaction. The body is read from a
// file, as a client would send it, so that the heap holds only what the
// import itself keeps. Each operation is a whole import of the same
// file, the second and later ones updating every row in place. It
// reports rows/s, the peak of the heap during an import (peak-MB, live
// objects and garbage not yet collected), and the CPU time an import took
// in the test's process (cpu-s, the server's work) and in PostgreSQL's
// (pg-cpu-s), which a busy machine changes less than the wall time.
func BenchmarkImportEmployees(b *testing.B) {
	const n = 200000
	dir := b.TempDir()
	units, positions, employees := governmentCSV(seed.Generate(n, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 1))
	files := []struct{ name, contentType string }{{"employees.csv", "text/csv"}, {"employees.xlsx", importer.ContentTypeXLSX}}
	if err := os.WriteFile(filepath.Join(dir, files[0].name), []byte(employees), 0o600); err != nil {
		b.Fatal(err)
	}
	writeWorkbook(b, filepath.Join(dir, files[1].name), employees)
	employees = ""
	for _, backend := range testkit.Backends() {
		for _, file := range files {
			b.Run(backend.Name+"/"+strings.TrimPrefix(filepath.Ext(file.name), "."), func(b *testing.B) {
				gdb, _ := backend.New(b)
				post := importFile(b, gdb)
				post("units", "text/csv", strings.NewReader(units), http.StatusOK)
				post("positions", "text/csv", strings.NewReader(positions), http.StatusOK)
				path := filepath.Join(dir, file.name)
				if fi, err := os.Stat(path); err == nil {
					b.SetBytes(fi.Size())
				}
				var most uint64
				var self, pg time.Duration
				for b.Loop() {
					f, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					peak, cpu := heap.Peak(), cputime.Since()
					post("employees", file.contentType, f, http.StatusOK)
					ownCPU, pgCPU := cpu()
					most, self, pg = max(most, peak()), self+ownCPU, pg+pgCPU
					f.Close()
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(most)/1e6, "peak-MB")
				b.ReportMetric(self.Seconds()/float64(b.N), "cpu-s")
				b.ReportMetric(pg.Seconds()/float64(b.N), "pg-cpu-s")
			})
		}
	}
}

// writeWorkbook writes a CSV file's records as the first sheet of an
// Excel workbook at path, every cell text.
func writeWorkbook(tb testing.TB, path, file string) {
	tb.Helper()
	records, err := csv.NewReader(strings.NewReader(file)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	row := []any{}
	for i, rec := range records {
		row = row[:0]
		for _, v := range rec {
			row = append(row, v)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
}
