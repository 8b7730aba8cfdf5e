package importer

import (
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/testkit"
)

// TestConcurrentHistoryImportsTakeTurns: on PostgreSQL, a SIASN history
// sent twice at once (a double click on the upload) is loaded as if once:
// both imports succeed, again and again, and leave what one import
// leaves.
func TestConcurrentHistoryImportsTakeTurns(t *testing.T) {
	files := []struct{ kind, file string }{{"siasn-rw-jabatan", "rw_jabatan.json"}, {"siasn-rw-hukdis", "rw_hukdis.json"},
		{"siasn-rw-golongan", "rw_golongan.json"}, {"siasn-rw-kursus", "rw_kursus.json"}, {"siasn-rw-skp", "rw_skp22.json"}}
	base := func() *gorm.DB {
		gdb, _ := testkit.New(t)
		for _, f := range []struct{ kind, body string }{{"units", siasnUnits}, {"positions", siasnPositions}, {"employees", siasnEmployees}} {
			if _, err := loadFile(gdb, f.kind, "text/csv", f.body); err != nil {
				t.Fatalf("%s: %v", f.kind, err)
			}
		}
		if _, err := loadFile(gdb, "siasn-asn", "text/csv", fixture(t, "export_data_asn.csv")); err != nil {
			t.Fatal(err)
		}
		return gdb
	}
	once := base()
	for _, f := range files {
		if _, err := loadFile(once, f.kind, "application/json", fixture(t, f.file)); err != nil {
			t.Fatalf("%s: %v", f.kind, err)
		}
	}
	twice := base()
	for _, f := range files {
		for round := range 10 {
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() { _, errs[i] = loadFile(twice, f.kind, "application/json", fixture(t, f.file)) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("%s, round %d: %v", f.kind, round, err)
				}
			}
		}
	}
	if got, want := siasnState(t, twice), siasnState(t, once); got != want {
		t.Errorf("loaded twice at once:\n%s\nloaded once:\n%s", got, want)
	}
}
