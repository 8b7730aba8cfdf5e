package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// EmployeeView is an employee's record as HR and the employee read it:
// the record with its SKP, competencies and sanctions, the current
// position and unit, and the position history, oldest spell first.
type EmployeeView struct {
	models.Employee
	Position *models.Position         `json:"position,omitempty"`
	Unit     *models.Unit             `json:"unit,omitempty"`
	History  []models.PositionHistory `json:"history"`
}

func (s *Server) getEmployee(c *gin.Context) error {
	v, err := s.employeeView(c, actor(c), c.Param("nip"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// employeeView reads the record of the employee nip, which HR may read
// for anyone and an employee for themselves only: anyone else's is not
// found, as their transfers are.
func (s *Server) employeeView(ctx context.Context, a models.Actor, nip string) (EmployeeView, error) {
	if a.Role == models.RoleEmployee && a.NIP != nip {
		return EmployeeView{}, apperr.NotFound("pegawai", nip)
	}
	gdb := s.DB.WithContext(ctx)
	by := func(col string) func(*gorm.DB) *gorm.DB {
		return func(q *gorm.DB) *gorm.DB { return q.Order(col) }
	}
	v := EmployeeView{History: []models.PositionHistory{}}
	err := gdb.Preload("SKP", by("year")).Preload("Competencies", by("name")).Preload("Sanctions", by("start")).
		First(&v.Employee, "nip = ?", nip).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return EmployeeView{}, apperr.NotFound("pegawai", nip)
	}
	if err != nil {
		return EmployeeView{}, err
	}
	if v.PositionID != "" {
		var p models.Position
		if err := gdb.Preload("Competencies", by("name")).First(&p, "id = ?", v.PositionID).Error; err != nil {
			return EmployeeView{}, err
		}
		var u models.Unit
		if err := gdb.First(&u, "id = ?", p.UnitID).Error; err != nil {
			return EmployeeView{}, err
		}
		v.Position, v.Unit = &p, &u
	}
	return v, gdb.Where("nip = ?", nip).Order("start, id").Find(&v.History).Error
}
