package employees_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/employees"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestSIASNHistories: the record carries SIASN's histories, oldest
// first, and says where SIASN's latest post, its TMT or the rank differ
// from the office's; when they agree it says nothing.
func TestSIASNHistories(t *testing.T) {
	gdb, _ := testkit.New(t)
	start := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	data := seed.Generate(30, start, 1)
	if err := seed.Load(gdb, data); err != nil {
		t.Fatal(err)
	}
	e := data.Employees[0]
	hr := models.Actor{ID: "hr", Role: models.RoleHR}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	agree := []any{
		&models.SIASNPosition{NIP: e.NIP, RecordID: "J2", Type: "4", Name: "Kini", PositionID: e.PositionID, Start: e.InPostSince},
		&models.SIASNPosition{NIP: e.NIP, RecordID: "J1", Type: "4", Name: "Dulu", Start: day("2010-03-01")},
		&models.SIASNRank{NIP: e.NIP, RecordID: "G1", Rank: e.Rank, Start: day("2019-04-01")},
		&models.SIASNTraining{NIP: e.NIP, RecordID: "D1", Source: "rw-kursus", Type: "Bimtek", Name: "Bimtek SIASN", Year: 2022},
	}
	for _, row := range agree {
		if err := gdb.Create(row).Error; err != nil {
			t.Fatal(err)
		}
	}
	r, err := employees.Get(context.Background(), gdb, hr, e.NIP)
	if err != nil {
		t.Fatal(err)
	}
	s := r.SIASN
	if len(s.Positions) != 2 || s.Positions[0].RecordID != "J1" || len(s.Ranks) != 1 || len(s.Trainings) != 1 {
		t.Fatalf("SIASN histories %+v", s)
	}
	if len(s.Differences) != 0 {
		t.Errorf("differences where SIASN agrees: %+v", s.Differences)
	}

	// SIASN's latest post starts a year later, and its latest rank is higher.
	later := e.InPostSince.AddDate(1, 0, 0)
	gdb.Model(&models.SIASNPosition{}).Where("record_id = ?", "J2").Update("start", later)
	gdb.Create(&models.SIASNRank{NIP: e.NIP, RecordID: "G2", Rank: e.Rank + 1, Start: day("2025-04-01")})
	r, _ = employees.Get(context.Background(), gdb, hr, e.NIP)
	want := []employees.Difference{
		{Field: "in_post_since", Office: e.InPostSince.Format(time.DateOnly), SIASN: later.Format(time.DateOnly)},
		{Field: "rank", Office: e.Rank.String(), SIASN: (e.Rank + 1).String()},
	}
	if len(r.SIASN.Differences) != 2 || r.SIASN.Differences[0] != want[0] || r.SIASN.Differences[1] != want[1] {
		t.Errorf("differences %+v, want %+v", r.SIASN.Differences, want)
	}

	// SIASN places the employee in another of the office's posts.
	other := data.Employees[1].PositionID
	gdb.Model(&models.SIASNPosition{}).Where("record_id = ?", "J2").Update("position_id", other)
	r, _ = employees.Get(context.Background(), gdb, hr, e.NIP)
	if d := r.SIASN.Differences; len(d) != 2 || d[0] != (employees.Difference{Field: "position_id", Office: e.PositionID, SIASN: other}) {
		t.Errorf("differences %+v, want the post first", d)
	}
}

// TestHistoryNamesItsPosts: each spell of the position history carries
// its position's and unit's names, on PostgreSQL and SQLite.
func TestHistoryNamesItsPosts(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			data := seed.Generate(30, time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), 1)
			if err := seed.Load(gdb, data); err != nil {
				t.Fatal(err)
			}
			e := data.Employees[0]
			r, err := employees.Get(context.Background(), gdb, models.Actor{ID: "hr", Role: models.RoleHR}, e.NIP)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.History) != 1 || r.Position == nil || r.Unit == nil {
				t.Fatalf("record %+v", r)
			}
			h := r.History[0]
			if h.PositionID != e.PositionID || h.PositionName != r.Position.Name || h.UnitName != r.Unit.Name ||
				h.PositionName == "" || !h.Start.Equal(e.InPostSince) {
				t.Errorf("spell %+v, want %s (%s) in %s from %v", h, e.PositionID, r.Position.Name, r.Unit.Name, e.InPostSince)
			}
			if len(r.SKP) != len(e.SKP) || len(r.Competencies) != len(e.Competencies) || len(e.SKP) == 0 {
				t.Errorf("SKP %+v and competencies %+v, want %+v and %+v", r.SKP, r.Competencies, e.SKP, e.Competencies)
			}

			// An employee with none has empty lists, not null.
			if err := gdb.Model(&models.Employee{}).Where("nip = ?", e.NIP).
				Updates(map[string]any{"skp": nil, "competencies": nil}).Error; err != nil {
				t.Fatal(err)
			}
			r, err = employees.Get(context.Background(), gdb, models.Actor{ID: "hr", Role: models.RoleHR}, e.NIP)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), `"skp":[]`) || !strings.Contains(string(b), `"competencies":[]`) {
				t.Errorf("an employee without SKP or competencies: %s", b)
			}
		})
	}
}
