package importer

import (
	"fmt"
	"testing"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestImportCountsWhatChanged: importing stored employees again counts as
// updated only those whose row or child rows change, and the others as
// unchanged, with the child rows really removed and written; on
// PostgreSQL and on SQLite, and with every row staged as well as with new
// rows written as they are read.
func TestImportCountsWhatChanged(t *testing.T) {
	const header = "nip,name,status,rank,position_id,in_post_since,education,performance,potential"
	employee := func(i int, name, rest string) string {
		return fmt.Sprintf("19850312201001100%d,%s,pns,III/b,DINSOS-ADM-1,2020-01-01,S1,tinggi,rendah%s\n", i, name, rest)
	}
	first := header + ",email,sanctions\n" +
		employee(1, "Satu", ",satu@bkpsdm.go.id,ringan:2025-01-01..2025-07-01") +
		employee(2, "Dua", ",dua@bkpsdm.go.id,") +
		employee(3, "Tiga", ",,ringan:2024-01-01..2024-07-01") +
		employee(4, "Empat", ",,")
	second := header + ",sanctions\n" +
		employee(1, "Satu", ",ringan:2025-01-01..2025-07-01") + // as stored; the email, not in the file, is left
		employee(2, "Dua", ",sedang:2025-02-01..2026-02-01") + // a sanction more
		employee(3, "Tiga", ",") + // a sanction less
		employee(4, "Empat Baru", ",") + // a new name
		employee(5, "Lima", ",") // new
	withUnitsAndPositions(t, func(t *testing.T, gdb *gorm.DB) {
		if _, err := loadFile(gdb, "employees", "text/csv", first); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, file string
			want       Result
		}{
			{"changes", second, Result{Kind: "employees", Rows: 5, Created: 1, Updated: 3, Unchanged: 1,
				Children: map[string]ChildCount{"sanctions": {Removed: 1, Written: 1}}}},
			{"the same file again", second, Result{Kind: "employees", Rows: 5, Unchanged: 5,
				Children: map[string]ChildCount{"sanctions": {}}}},
			{"without the sanctions", header + "\n" + employee(2, "Dua", "") + employee(3, "Tiga Baru", ""),
				Result{Kind: "employees", Rows: 2, Updated: 1, Unchanged: 1}},
		} {
			res, err := loadFile(gdb, "employees", "text/csv", c.file)
			if err != nil || fmt.Sprint(res) != fmt.Sprint(c.want) {
				t.Errorf("%s: %+v, %v; want %+v", c.name, res, err, c.want)
			}
		}
		var e models.Employee
		if err := gdb.Preload("Sanctions").First(&e, "nip = ?", "198503122010011001").Error; err != nil ||
			e.Email != "satu@bkpsdm.go.id" || len(e.Sanctions) != 1 {
			t.Errorf("employee 1 is %+v (%v), want the email and the sanction kept", e, err)
		}
	})
}

// withUnitsAndPositions runs test on each backend, with new rows staged
// and written as they are read, in a database that holds
// loadUnitsAndPositions' units and positions.
func withUnitsAndPositions(t *testing.T, test func(t *testing.T, gdb *gorm.DB)) {
	defer func() { directWrites = true }()
	for _, b := range testkit.Backends() {
		for _, direct := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/direct=%t", b.Name, direct), func(t *testing.T) {
				directWrites = direct
				gdb, _ := b.New(t)
				loadUnitsAndPositions(t, gdb)
				test(t, gdb)
			})
		}
	}
}

// TestImportTakesAnEmptyListForNone: an employee whose lists GORM stored
// empty ([], as a record saved with empty lists has them) is unchanged by
// a file that gives them none (NULL), and updated by one that gives one;
// on PostgreSQL and on SQLite, staged and written as read.
func TestImportTakesAnEmptyListForNone(t *testing.T) {
	const nip = "198503122010011001"
	const header = "nip,name,status,rank,position_id,in_post_since,education,performance,potential,skp,competencies,relative_nips\n"
	row := nip + ",Satu,pns,III/b,DINSOS-ADM-1,2020-01-01,S1,tinggi,rendah,"
	withUnitsAndPositions(t, func(t *testing.T, gdb *gorm.DB) {
		if _, err := loadFile(gdb, "employees", "text/csv", header+row+",,\n"); err != nil {
			t.Fatal(err)
		}
		empty := models.Employee{SKP: []models.EmployeeSKP{}, Competencies: []models.EmployeeCompetency{}, RelativeNIPs: []string{}}
		if err := gdb.Model(&models.Employee{NIP: nip}).Select("skp", "competencies", "relative_nips").Updates(&empty).Error; err != nil {
			t.Fatal(err)
		}
		var stored string
		if err := gdb.Raw("SELECT skp || competencies || relative_nips FROM employees WHERE nip = ?", nip).Scan(&stored).Error; err != nil || stored != "[][][]" {
			t.Fatalf("the lists are stored as %q (%v), want [][][]", stored, err)
		}
		for _, c := range []struct {
			name, file string
			want       Result
		}{
			{"no lists", header + row + ",,\n", Result{Kind: "employees", Rows: 1, Unchanged: 1}},
			{"an SKP", header + row + "2025:Baik,,\n", Result{Kind: "employees", Rows: 1, Updated: 1}},
		} {
			res, err := loadFile(gdb, "employees", "text/csv", c.file)
			if err != nil || fmt.Sprint(res) != fmt.Sprint(c.want) {
				t.Errorf("%s: %+v, %v; want %+v", c.name, res, err, c.want)
			}
		}
	})
}
