package importer

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/bkpsdm/mutasi/testkit"
)

// TestConcurrentImportsTakeTurns: on PostgreSQL, two imports of the same
// new employees at once both succeed, one creating them and the other
// finding them there: new rows are inserted as such, so without turns
// the second would fail on a key the first had just written, or count
// them as created too. The second finds them as its file gives them:
// unchanged.
func TestConcurrentImportsTakeTurns(t *testing.T) {
	gdb, _ := testkit.New(t)
	loadUnitsAndPositions(t, gdb)
	lines := []string{"nip,name,status,rank,position_id,in_post_since,education,performance,potential"}
	for month := 1; month <= 12; month++ {
		for serial := 1; serial <= 250; serial++ {
			lines = append(lines, fmt.Sprintf("1985031220%02d%02d1%03d,Pegawai %d-%d,pns,III/b,DINSOS-ADM-2,2021-03-01,S1,tinggi,rendah",
				10, month, serial, month, serial))
		}
	}
	file := strings.Join(lines, "\n") + "\n"
	results := make([]Result, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i], errs[i] = loadFile(gdb, "employees", "text/csv", file) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	created, unchanged := results[0].Created+results[1].Created, results[0].Unchanged+results[1].Unchanged
	if updated := results[0].Updated + results[1].Updated; created != 3000 || unchanged != 3000 || updated != 0 {
		t.Errorf("created %d, found unchanged %d and updated %d; want 3,000, 3,000 and none: %+v", created, unchanged, updated, results)
	}
}
