package importer

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

// BenchmarkSIASNSKP merges SIASN's SKP of 2022-2024 (siasn-rw-skp, three
// records each) into the lists of 50,000 employees who hold the office's
// own SKP (seed.Generate's): every list changes. Run it with -benchtime
// 1x to time the first load, as an office would.
func BenchmarkSIASNSKP(b *testing.B) {
	const n = 50000
	for _, backend := range testkit.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			gdb, _ := backend.New(b)
			d := seed.Generate(n, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), 1)
			if err := seed.Load(gdb, d); err != nil {
				b.Fatal(err)
			}
			var body strings.Builder
			body.WriteString(`{"code": 1, "data": [`)
			for i, e := range d.Employees {
				for y := 2022; y <= 2024; y++ {
					if i > 0 || y > 2022 {
						body.WriteString(",\n")
					}
					fmt.Fprintf(&body, `{"nipBaru": "%s", "tahun": %d, "KuadranKinerjaNilai": %d}`, e.NIP, y, 1+(i+y)%3)
				}
			}
			body.WriteString("]}")
			for b.Loop() {
				res, err := loadFile(gdb, "siasn-rw-skp", "application/json", body.String())
				if err != nil {
					b.Fatal(err)
				}
				if c := res.Children["skp"]; c.Written != 3*n {
					b.Fatalf("%+v, want %d written", res, 3*n)
				}
			}
			b.ReportMetric(float64(3*n)/b.Elapsed().Seconds()*float64(b.N), "records/s")
		})
	}
}
