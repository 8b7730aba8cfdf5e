package db_test

import (
	"fmt"
	"testing"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// competencyBefore is an employee's competency as databases made before
// competencies were kept in the employee's row held it: a row of its own.
type competencyBefore struct {
	NIP   string `gorm:"column:nip;primaryKey;size:18"`
	Name  string `gorm:"primaryKey;size:64"`
	Level int    `gorm:"not null"`
}

func (competencyBefore) TableName() string { return "employee_competencies" }

// skpBefore is an employee's SKP as databases made before SKP were kept
// in the employee's row held it.
type skpBefore struct {
	NIP       string `gorm:"column:nip;primaryKey;size:18"`
	Year      int    `gorm:"primaryKey"`
	Predicate int    `gorm:"not null"`
	Source    string `gorm:"size:8;not null;default:''"`
}

func (skpBefore) TableName() string { return "employee_skps" }

// TestMigrateEmployeeLists migrates a database holding three
// competencies of one employee, written out of name order, and one of
// another, with a third employee holding none, and SKP the same way, one
// of them SIASN's, and a fourth employee whose row holds its lists
// already: each employee's row then lists its own in name (byte) and
// year order, the third's none, the fourth keeps its lists, and the old
// tables are gone; a second run changes nothing.
func TestMigrateEmployeeLists(t *testing.T) {
	onEachBackend(t, func(t *testing.T, gdb *gorm.DB, must func(error)) {
		must(gdb.AutoMigrate(&competencyBefore{}, &skpBefore{}))
		nips := []string{"198001012005011001", "198001012005011002", "198001012005011003", "198001012005011004"}
		for _, nip := range nips {
			e := models.Employee{NIP: nip, Name: "Pegawai " + nip[16:], Status: models.StatusPNS, Rank: 9,
				PositionID: "P1", Education: 3, Performance: 2, Potential: 2}
			if nip == nips[3] {
				e.Competencies = []models.EmployeeCompetency{{Name: "arsip", Level: 2}}
				e.SKP = []models.EmployeeSKP{{Year: 2025, Predicate: models.Kurang}}
			}
			must(gdb.Create(&e).Error)
		}
		must(gdb.Create(&[]competencyBefore{{nips[0], "perencanaan", 3}, {nips[0], "analisis_data", 5},
			{nips[1], "negosiasi", 2}, {nips[0], "Komunikasi", 1}, {nips[3], "rapat", 4}}).Error)
		must(gdb.Create(&[]skpBefore{{nips[0], 2025, 4, ""}, {nips[0], 2023, 3, models.SourceSIASN},
			{nips[1], 2024, 5, ""}, {nips[0], 2024, 4, ""}, {nips[3], 2024, 4, ""}}).Error)
		want := map[string]string{
			nips[0]: "[{Komunikasi 1} {analisis_data 5} {perencanaan 3}] [{ 2023 Butuh Perbaikan siasn} { 2024 Baik } { 2025 Baik }]",
			nips[1]: "[{negosiasi 2}] [{ 2024 Sangat Baik }]",
			nips[2]: "[] []",
			nips[3]: "[{arsip 2}] [{ 2025 Kurang }]",
		}
		for run := range 2 {
			must(db.Migrate(gdb))
			if gdb.Migrator().HasTable("employee_competencies") || gdb.Migrator().HasTable("employee_skps") {
				t.Fatalf("run %d: an old table is still there", run+1)
			}
			var got []models.Employee
			must(gdb.Order("nip").Find(&got).Error)
			if len(got) != 4 {
				t.Fatalf("run %d: %d employees, want 4", run+1, len(got))
			}
			for _, e := range got {
				if s := fmt.Sprint(e.Competencies, e.SKP); s != want[e.NIP] {
					t.Errorf("run %d: %s holds %s, want %s", run+1, e.NIP, s, want[e.NIP])
				}
			}
			if got[2].Competencies != nil || got[2].SKP != nil {
				t.Errorf("run %d: %s holds %#v and %#v, want none (NULL)", run+1, got[2].NIP, got[2].Competencies, got[2].SKP)
			}
		}
	})
}

// TestMigrateSKPWithoutSource migrates SKP from a table made before it
// had its source column: the predicates are the office's own.
func TestMigrateSKPWithoutSource(t *testing.T) {
	onEachBackend(t, func(t *testing.T, gdb *gorm.DB, must func(error)) {
		must(gdb.Exec("CREATE TABLE employee_skps (nip varchar(18), year integer, predicate integer, PRIMARY KEY (nip, year))").Error)
		const nip = "198001012005011001"
		must(gdb.Create(&models.Employee{NIP: nip, Name: "Pegawai", Status: models.StatusPNS, Rank: 9, PositionID: "P1",
			Education: 3, Performance: 2, Potential: 2}).Error)
		must(gdb.Exec("INSERT INTO employee_skps (nip, year, predicate) VALUES (?, 2024, 4), (?, 2023, 5)", nip, nip).Error)
		must(db.Migrate(gdb))
		var e models.Employee
		must(gdb.First(&e, "nip = ?", nip).Error)
		if s := fmt.Sprint(e.SKP); s != "[{ 2023 Sangat Baik } { 2024 Baik }]" || gdb.Migrator().HasTable("employee_skps") {
			t.Errorf("SKP %s, want 2023 Sangat Baik and 2024 Baik, the old table gone", s)
		}
	})
}

// onEachBackend runs test on a fresh database of each backend that holds
// one unit, U1, with one post, P1; must fails the test at an error.
func onEachBackend(t *testing.T, test func(t *testing.T, gdb *gorm.DB, must func(error))) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(gdb.Create(&models.Unit{ID: "U1", Name: "Dinas Sosial"}).Error)
			must(gdb.Create(&models.Position{ID: "P1", UnitID: "U1", Name: "Pengelola", Kind: models.KindPelaksana, Class: 7,
				MinRank: 5, MaxRank: 12, MinEducation: 2, Seats: 9}).Error)
			test(t, gdb, must)
		})
	}
}
