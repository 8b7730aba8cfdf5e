// Package employees reads an employee's record as HR and the employee
// themselves see it, for the API and the pages alike.
package employees

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// Record is an employee's record as HR and the employee read it:
// the record with its SKP, competencies and sanctions, the current
// position and unit, and the position history, oldest spell first.
type Record struct {
	models.Employee
	Position *models.Position         `json:"position,omitempty"`
	Unit     *models.Unit             `json:"unit,omitempty"`
	History  []models.PositionHistory `json:"history"`
}

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
	v := Record{History: []models.PositionHistory{}}
	err := gdb.Preload("SKP", by("year")).Preload("Competencies", by("name")).Preload("Sanctions", by("start")).
		First(&v.Employee, "nip = ?", nip).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Record{}, apperr.NotFound("pegawai", nip)
	}
	if err != nil {
		return Record{}, err
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
	return v, gdb.Where("nip = ?", nip).Order("start, id").Find(&v.History).Error
}
