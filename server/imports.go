package server

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/importer"
)

// importData loads units, positions or employees from the request body.
func (s *Server) importData(c *gin.Context) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return apperr.New(apperr.KindTooLarge, "", "berkas terlalu besar", "file too large")
	}
	res, err := importer.Load(c, s.DB, c.Param("kind"), c.ContentType(), body)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res)
	return nil
}
