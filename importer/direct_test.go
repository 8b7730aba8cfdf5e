package importer

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestNewRowsWrittenAsRead: a file that mixes new employees with stored
// ones, its new rows written as they are read (direct), leaves the same
// employees, position history and sanctions, with the same counts, as
// with every row staged, on PostgreSQL and on SQLite. A new NIP that
// already has an open spell goes the staged way and has its spell put
// right; a later bad row leaves none of the rows written before it.
func TestNewRowsWrittenAsRead(t *testing.T) {
	const header = "nip,name,status,rank,position_id,in_post_since,education,performance,potential,sanctions\n"
	employee := func(i int, name, post, since, sanctions string) string {
		return fmt.Sprintf("19850312201001100%d,%s,pns,III/b,%s,%s,S1,tinggi,rendah,%s\n", i, name, post, since, sanctions)
	}
	first := header + employee(1, "Satu", "DINSOS-ADM-1", "2020-01-01", "ringan:2025-01-01..2025-07-01") +
		employee(2, "Dua", "DINSOS-ADM-2", "2020-01-01", "") + employee(3, "Tiga", "DINSOS-DATA", "2020-01-01", "")
	second := header + employee(1, "Satu Baru", "DINSOS-DATA", "2024-05-01", "") +
		employee(4, "Empat", "BKPSDM-ASDM", "2022-02-01", "sedang:2025-02-01..2026-02-01;ringan:2023-01-01..2023-03-01") +
		employee(2, "Dua", "DINSOS-ADM-2", "2020-01-01", "") +
		employee(5, "Lima", "DISDIK-ASDM", "2023-03-01", "") +
		employee(6, "Enam", "DINSOS-KABID", "2021-06-01", "")
	defer func() { directWrites = true }()
	states := map[string]string{}
	for _, b := range testkit.Backends() {
		for _, direct := range []bool{true, false} {
			name := fmt.Sprintf("%s/direct=%t", b.Name, direct)
			t.Run(name, func(t *testing.T) {
				directWrites = direct
				gdb, _ := b.New(t)
				loadUnitsAndPositions(t, gdb)
				if _, err := loadFile(gdb, "employees", "text/csv", first); err != nil {
					t.Fatal(err)
				}
				// Employee 5 is not stored, but has an open spell (written
				// before, by hand): busy, so staged.
				busy := models.PositionHistory{NIP: "198503122010011005", PositionID: "DINSOS-ADM-1", UnitID: "DINSOS",
					Start: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}
				if err := gdb.Create(&busy).Error; err != nil {
					t.Fatal(err)
				}
				res, err := loadFile(gdb, "employees", "text/csv", second)
				if err != nil {
					t.Fatal(err)
				}
				want := Result{Kind: "employees", Rows: 5, Created: 3, Updated: 1, Unchanged: 1, Children: map[string]ChildCount{"sanctions": {Removed: 1, Written: 2}}}
				if fmt.Sprint(res) != fmt.Sprint(want) {
					t.Errorf("mixed file: %+v, want %+v", res, want)
				}
				before := importState(t, gdb)
				for _, s := range []string{"198503122010011004,Empat", "198503122010011005,Lima", "198503122010011006,Enam",
					"198503122010011005 DINSOS-ADM-1 DINSOS 2019-01-01..2023-03-01", "198503122010011005 DISDIK-ASDM DISDIK 2023-03-01..",
					"198503122010011006 DINSOS-KABID DINSOS 2021-06-01..", "198503122010011004 sedang 2025-02-01..2026-02-01"} {
					if !strings.Contains(before, s) {
						t.Errorf("state lacks %q:\n%s", s, before)
					}
				}
				states[name] = before

				// New employees, then a row with no such position: nothing of
				// the file is kept.
				bad := header + employee(7, "Tujuh", "DINSOS-ADM-1", "2024-01-01", "ringan:2025-01-01..2025-07-01") +
					employee(8, "Delapan", "TIDAK-ADA", "2024-01-01", "")
				if _, err := loadFile(gdb, "employees", "text/csv", bad); err == nil || !strings.Contains(err.Error(), "1 error") {
					t.Errorf("a file with a row naming no position: %v, want 1 error", err)
				}
				if after := importState(t, gdb); after != before {
					t.Errorf("a refused file changed the data:\n%s\nwas\n%s", after, before)
				}
			})
		}
	}
	for name, state := range states {
		if want := states["postgres/direct=false"]; state != want {
			t.Errorf("%s differs from PostgreSQL with every row staged:\n%s\n--- staged:\n%s", name, state, want)
		}
	}
}

// importState lists the employees, their position history and their
// sanctions, for comparison.
func importState(t *testing.T, gdb *gorm.DB) string {
	t.Helper()
	var employees []models.Employee
	var spells []models.PositionHistory
	var sanctions []models.Sanction
	for _, q := range []error{
		gdb.Order("nip").Find(&employees).Error,
		gdb.Order("nip, start").Find(&spells).Error,
		gdb.Order("nip, start").Find(&sanctions).Error,
	} {
		if q != nil {
			t.Fatal(q)
		}
	}
	var out strings.Builder
	date := func(d time.Time) string { return d.UTC().Format(time.DateOnly) }
	for _, e := range employees {
		fmt.Fprintf(&out, "%s,%s,%s,%s,%d,%s,%d,%d,%d\n", e.NIP, e.Name, e.Status, e.PositionID, e.Rank, date(e.InPostSince), e.Education, e.Performance, e.Potential)
	}
	for _, s := range spells {
		end := ""
		if s.End != nil {
			end = date(*s.End)
		}
		fmt.Fprintf(&out, "%s %s %s %s..%s %q\n", s.NIP, s.PositionID, s.UnitID, date(s.Start), end, s.TransferID)
	}
	for _, s := range sanctions {
		end := ""
		if s.End != nil {
			end = date(*s.End)
		}
		fmt.Fprintf(&out, "%s %s %s..%s\n", s.NIP, s.Type, date(s.Start), end)
	}
	return out.String()
}

// TestNewRowWrittenMeanwhile: a new employee that another transaction
// writes while an import copies the same NIP (the demo data, say) makes
// the import a conflict to retry, not a server error, and the import
// writes nothing.
func TestNewRowWrittenMeanwhile(t *testing.T) {
	gdb, _ := testkit.New(t)
	loadUnitsAndPositions(t, gdb)
	other := gdb.Begin()
	defer other.Rollback()
	meanwhile := models.Employee{NIP: "198503122010011009", Name: "Sembilan", Status: models.StatusPNS, Rank: 10,
		PositionID: "DINSOS-ADM-1", Education: models.EduS1, Performance: models.Medium, Potential: models.Medium}
	if err := other.Create(&meanwhile).Error; err != nil {
		t.Fatal(err)
	}
	file := "nip,name,status,rank,position_id,in_post_since,education,performance,potential\n" +
		"198503122010011008,Delapan,pns,III/b,DINSOS-ADM-2,2021-03-01,S1,tinggi,rendah\n" +
		"198503122010011009,Sembilan,pns,III/b,DINSOS-ADM-1,2021-03-01,S1,tinggi,rendah\n"
	done := make(chan error, 1)
	go func() {
		_, err := loadFile(gdb, "employees", "text/csv", file)
		done <- err
	}()
	// The import's COPY waits for the other transaction's row.
	for waiting := false; !waiting; {
		select {
		case err := <-done:
			t.Fatalf("the import ended before the other transaction did: %v", err)
		default:
		}
		if err := gdb.Raw(`SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND query LIKE 'copy%')`).Scan(&waiting).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := other.Commit().Error; err != nil {
		t.Fatal(err)
	}
	err := <-done
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindConflict {
		t.Fatalf("import of a NIP written meanwhile: %v, want a conflict", err)
	}
	var n int64
	gdb.Model(&models.Employee{}).Where("nip = ?", "198503122010011008").Count(&n)
	if n != 0 {
		t.Errorf("the refused import wrote %d employees", n)
	}
}
