package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/importer"
)

// maxImportBody bounds the body of an import, which is read as it
// arrives: a CSV file of 200,000 employees with their SKP and
// competencies is about 50 MB. (A workbook is also bounded unpacked, see
// package importer.)
const maxImportBody = 256 << 20

// importData loads units, positions or employees from the request body.
func (s *Server) importData(c *gin.Context) error {
	res, err := importer.Load(c.Request.Context(), s.DB, c.Param("kind"), c.ContentType(), c.Request.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		mb := tooLarge.Limit >> 20
		return apperr.New(apperr.KindTooLarge, "", fmt.Sprintf("berkas terlalu besar (paling banyak %d MB)", mb),
			fmt.Sprintf("file too large (at most %d MB)", mb))
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res)
	return nil
}
