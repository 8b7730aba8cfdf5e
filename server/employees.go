package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/employees"
)

func (s *Server) getEmployee(c *gin.Context) error {
	v, err := employees.Get(c.Request.Context(), s.DB, actor(c), c.Param("nip"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}
