package importer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestImportInChunks: a file of several chunks is written chunk by chunk
// in one transaction on SQLite: what it wrote is counted over all of
// them, and a bad row in a later chunk, or a reference to no position in
// any, refuses the whole file with every such error and leaves nothing
// written. PostgreSQL, which writes a file at once, gives the same
// results, but for the references of a file with a bad row: it checks
// them only once every row is good.
func TestImportInChunks(t *testing.T) {
	defer func(n int) { chunkRows = n }(chunkRows)
	chunkRows = 2 // lines 2-3, 4-5, 6-7: three chunks and the start of a fourth
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			loadUnitsAndPositions(t, gdb)
			// file is seven employees, named with prefix; each has a
			// sanction from the fourth on, and rows can be changed by
			// their line.
			file := func(prefix string, change map[int]func([]string)) string {
				lines := []string{"nip,name,status,rank,position_id,in_post_since,education,performance,potential,sanctions"}
				for i := 1; i <= 7; i++ {
					row := []string{fmt.Sprintf("19850312201001100%d", i), fmt.Sprintf("%s %d", prefix, i), "pns", "III/b",
						"DINSOS-ADM-2", "2021-03-01", "S1", "tinggi", "rendah", ""}
					if i >= 3 {
						row[9] = "ringan:2025-01-01..2025-07-01"
					}
					if f := change[i+1]; f != nil { // line i+1
						f(row)
					}
					lines = append(lines, strings.Join(row, ","))
				}
				return strings.Join(lines, "\n") + "\n"
			}
			res, err := loadFile(gdb, "employees", "text/csv", file("Pegawai", nil))
			if err != nil {
				t.Fatal(err)
			}
			want := Result{Kind: "employees", Rows: 7, Created: 7, Children: map[string]ChildCount{"sanctions": {Written: 5}}}
			if fmt.Sprint(res) != fmt.Sprint(want) {
				t.Errorf("first import: %+v, want %+v", res, want)
			}
			var employees, spells, sanctions int64
			count := func() {
				gdb.Model(&models.Employee{}).Count(&employees)
				gdb.Model(&models.PositionHistory{}).Where(`"end" IS NULL`).Count(&spells)
				gdb.Model(&models.Sanction{}).Count(&sanctions)
			}
			if count(); employees != 7 || spells != 7 || sanctions != 5 {
				t.Errorf("%d employees, %d open spells, %d sanctions; want 7, 7, 5", employees, spells, sanctions)
			}
			res, err = loadFile(gdb, "employees", "text/csv", file("Pegawai", nil))
			want = Result{Kind: "employees", Rows: 7, Unchanged: 7, Children: map[string]ChildCount{"sanctions": {}}}
			if err != nil || fmt.Sprint(res) != fmt.Sprint(want) {
				t.Errorf("the same file again: %+v, %v; want %+v", res, err, want)
			}

			noPost := func(r []string) { r[4] = "TIDAK-ADA" }
			badRank := func(r []string) { r[3] = "V/z" }
			for _, c := range []struct {
				name   string
				change map[int]func([]string)
				lines  []int
				atOnce []int // on PostgreSQL
			}{
				{"no such position in the first and third chunks", map[int]func([]string){3: noPost, 7: noPost}, []int{3, 7}, []int{3, 7}},
				{"no such position in the second chunk, a bad rank in the third", map[int]func([]string){4: noPost, 6: badRank}, []int{4, 6}, []int{6}},
				{"a bad rank in the last line", map[int]func([]string){8: badRank}, []int{8}, []int{8}},
			} {
				if b.Name == "postgres" {
					c.lines = c.atOnce
				}
				_, err := loadFile(gdb, "employees", "text/csv", file("Diubah", c.change))
				e, ok := apperr.As(err)
				var lines []int
				if ok {
					for _, fe := range e.Errors {
						lines = append(lines, fe.Row)
					}
				}
				if !ok || fmt.Sprint(lines) != fmt.Sprint(c.lines) || e.Count != len(c.lines) {
					t.Fatalf("%s: %v, errors on lines %v; want %v", c.name, err, lines, c.lines)
				}
				noun := map[bool]string{true: "error", false: "errors"}[len(c.lines) == 1]
				if want := fmt.Sprintf("%d %s; nothing was saved", len(c.lines), noun); e.MessageEN != want {
					t.Errorf("%s: %q, want %q", c.name, e.MessageEN, want)
				}
				var changed int64
				gdb.Model(&models.Employee{}).Where("name LIKE ?", "Diubah%").Count(&changed)
				if count(); changed != 0 || employees != 7 || spells != 7 || sanctions != 5 {
					t.Errorf("%s: %d employees changed; %d employees, %d open spells, %d sanctions", c.name, changed, employees, spells, sanctions)
				}
			}
		})
	}
}
