package importer

import (
	"testing"

	"github.com/bkpsdm/mutasi/testkit"
)

// TestImportGivesSQLiteCachesBack: an import on SQLite enlarges the page
// caches of its connection only while it runs; after a good file and
// after a refused one, the connection's main and temp caches have their
// sizes of before (temp reads 0, SQLite's default, before any import, and
// -2000, the same default, after).
func TestImportGivesSQLiteCachesBack(t *testing.T) {
	for _, b := range testkit.Backends() {
		if b.Name != "sqlite" {
			continue
		}
		gdb, _ := b.New(t)
		sizes := func() [2]int64 {
			var s [2]int64
			for i, schema := range cachedSchemas {
				if err := gdb.Raw("PRAGMA " + schema + ".cache_size").Scan(&s[i]).Error; err != nil {
					t.Fatal(err)
				}
			}
			return s
		}
		if got := sizes(); got != [2]int64{sqliteDefaultCache, 0} {
			t.Fatalf("the caches are %v before any import", got)
		}
		before := [2]int64{sqliteDefaultCache, sqliteDefaultCache}
		if _, err := loadFile(gdb, "units", "text/csv", siasnUnits); err != nil {
			t.Fatal(err)
		}
		if after := sizes(); after != before {
			t.Errorf("after an import the caches are %v, were %v", after, before)
		}
		if _, err := loadFile(gdb, "units", "text/csv", "id,name\n,\n"); err == nil {
			t.Fatal("a unit without id or name was taken")
		}
		if after := sizes(); after != before {
			t.Errorf("after a refused import the caches are %v, were %v", after, before)
		}
		return
	}
	t.Fatal("no sqlite backend")
}
