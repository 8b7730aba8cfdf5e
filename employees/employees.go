// Package employees reads an employee's record as HR and the employee
// themselves see it, for the API and the pages alike.
package employees

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// Record is an employee's record as HR and the employee read it:
// the record with its SKP, competencies and sanctions, the current
// position and unit, and the position history, oldest spell first.
type Record struct {
	models.Employee
	Position *models.Position `json:"position,omitempty"`
	Unit     *models.Unit     `json:"unit,omitempty"`
	History  []Spell          `json:"history"`
	// SIASN is what BKN's SIASN holds of the employee, as last imported.
	SIASN SIASN `json:"siasn"`
}

// Spell is one spell of the position history, with the names of its
// position and unit (empty when they are no longer in the data).
type Spell struct {
	models.PositionHistory
	PositionName string `json:"position_name"`
	UnitName     string `json:"unit_name"`
}

// SIASN is an employee's histories as SIASN holds them, oldest first,
// and where its latest position disagrees with the office's record.
type SIASN struct {
	Positions   []models.SIASNPosition `json:"positions"`
	Ranks       []models.SIASNRank     `json:"ranks"`
	Trainings   []models.SIASNTraining `json:"trainings"`
	Differences []Difference           `json:"differences,omitempty"`
}

// Difference is one field on which SIASN's latest record and the
// office's differ: HR checks which is right before a transfer is
// decided on it.
type Difference struct {
	// Field is position_id, in_post_since (the TMT of the current post)
	// or rank.
	Field  string `json:"field"`
	Office string `json:"office"`
	SIASN  string `json:"siasn"`
}

// differences compares SIASN's latest position and rank with the
// record: the post, when SIASN's maps to one of the office's; the TMT in
// it, when they agree on the post; the rank.
func differences(e models.Employee, s SIASN) []Difference {
	var out []Difference
	if n := len(s.Positions); n > 0 {
		last := s.Positions[n-1]
		switch {
		case last.PositionID != "" && last.PositionID != e.PositionID:
			out = append(out, Difference{Field: "position_id", Office: e.PositionID, SIASN: last.PositionID})
		case last.PositionID != "" && !sameDay(last.Start, e.InPostSince):
			out = append(out, Difference{Field: "in_post_since", Office: e.InPostSince.Format(time.DateOnly),
				SIASN: last.Start.Format(time.DateOnly)})
		}
	}
	if n := len(s.Ranks); n > 0 && s.Ranks[n-1].Rank != e.Rank {
		out = append(out, Difference{Field: "rank", Office: e.Rank.String(), SIASN: s.Ranks[n-1].Rank.String()})
	}
	return out
}

func sameDay(a, b time.Time) bool { return a.Format(time.DateOnly) == b.Format(time.DateOnly) }

// Get reads the record of the employee nip, which HR may read
// for anyone and an employee for themselves only: anyone else's is not
// found, as their transfers are.
func Get(ctx context.Context, gdb *gorm.DB, a models.Actor, nip string) (Record, error) {
	if a.Role == models.RoleEmployee && a.NIP != nip {
		return Record{}, apperr.NotFound("pegawai", nip)
	}
	gdb = gdb.WithContext(ctx)
	by := func(col string) func(*gorm.DB) *gorm.DB {
		return func(q *gorm.DB) *gorm.DB { return q.Order(col) }
	}
	v := Record{History: []Spell{}}
	err := gdb.Preload("Sanctions", by("start")).
		First(&v.Employee, "nip = ?", nip).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Record{}, apperr.NotFound("pegawai", nip)
	}
	if err != nil {
		return Record{}, err
	}
	// None is an empty list, as for the history, not null.
	if v.SKP == nil {
		v.SKP = []models.EmployeeSKP{}
	}
	if v.Competencies == nil {
		v.Competencies = []models.EmployeeCompetency{}
	}
	if v.PositionID != "" {
		var p models.Position
		if err := gdb.Preload("Competencies", by("name")).First(&p, "id = ?", v.PositionID).Error; err != nil {
			return Record{}, err
		}
		var u models.Unit
		if err := gdb.First(&u, "id = ?", p.UnitID).Error; err != nil {
			return Record{}, err
		}
		v.Position, v.Unit = &p, &u
	}
	err = gdb.Table("position_histories AS h").Select("h.*, p.name AS position_name, u.name AS unit_name").
		Joins("LEFT JOIN positions p ON p.id = h.position_id").Joins("LEFT JOIN units u ON u.id = h.unit_id").
		Where("h.nip = ?", nip).Order("h.start, h.id").Scan(&v.History).Error
	if err != nil {
		return Record{}, err
	}
	v.SIASN = SIASN{Positions: []models.SIASNPosition{}, Ranks: []models.SIASNRank{}, Trainings: []models.SIASNTraining{}}
	for _, q := range []struct {
		rows  any
		order string
	}{{&v.SIASN.Positions, "start, record_id"}, {&v.SIASN.Ranks, "start, record_id"}, {&v.SIASN.Trainings, "year, start, record_id"}} {
		if err := gdb.Where("nip = ?", nip).Order(q.order).Find(q.rows).Error; err != nil {
			return Record{}, err
		}
	}
	v.SIASN.Differences = differences(v.Employee, v.SIASN)
	return v, nil
}
