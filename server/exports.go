package server

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/importer"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/sheet"
	"github.com/bkpsdm/mutasi/transfers"
)

// table answers with the table build makes, as the file ?format asks
// (csv or xlsx), a workbook's labels in ?lang. It reports false, and
// answers nothing, when ?format is absent or json: the caller answers
// with JSON.
func table(c *gin.Context, filename string, build func(lang string) (sheet.Table, error)) (bool, error) {
	if c.DefaultQuery("format", "json") == "json" {
		return false, nil
	}
	format, lang, err := fileParams(c, "json, csv atau xlsx", "json, csv or xlsx")
	if err != nil {
		return true, err
	}
	t, err := build(lang)
	if err != nil {
		return true, err
	}
	return true, sendFile(c, filename, format, lang, t)
}

// fileParams reads ?format (a file format; the message lists the others
// the endpoint takes) and ?lang.
func fileParams(c *gin.Context, formatsID, formatsEN string) (sheet.Format, string, error) {
	format, ok := sheet.ParseFormat(c.DefaultQuery("format", string(sheet.XLSX)))
	if !ok {
		return "", "", apperr.Malformed("format", "format harus "+formatsID, "format must be "+formatsEN)
	}
	lang, err := reportLang(c)
	return format, lang, err
}

// sendFile answers with the tables as a file to download: a workbook of
// them all, or a CSV file of the first.
func sendFile(c *gin.Context, filename string, f sheet.Format, lang string, tables ...sheet.Table) error {
	var b bytes.Buffer
	var err error
	if f == sheet.XLSX {
		err = sheet.Workbook(&b, lang, tables...)
	} else {
		err = tables[0].Write(&b, f, lang)
	}
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="`+filename+"."+string(f)+`"`)
	c.Data(http.StatusOK, f.ContentType(), b.Bytes())
	return nil
}

func (s *Server) importTemplate(c *gin.Context) error {
	format, lang, err := fileParams(c, "csv atau xlsx", "csv or xlsx")
	if err != nil {
		return err
	}
	data, help, err := importer.Template(c.Param("kind"), lang)
	if err != nil {
		return err
	}
	return sendFile(c, "templat-"+c.Param("kind"), format, lang, data, help)
}

func (s *Server) listExclusions(c *gin.Context) error {
	id := c.Param("id")
	if done, err := table(c, "dikecualikan-"+id, func(lang string) (sheet.Table, error) {
		return s.exports.Exclusions(c.Request.Context(), actor(c), id, lang)
	}); done {
		return err
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := s.rounds.Exclusions(c.Request.Context(), actor(c), id, page)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "limit": page.Limit, "offset": page.Offset})
	return nil
}

func (s *Server) siasnChanges(c *gin.Context) error {
	id := c.Param("id")
	format, lang, err := fileParams(c, "csv atau xlsx", "csv or xlsx")
	if err != nil {
		return err
	}
	t, err := s.exports.SIASNChanges(c.Request.Context(), actor(c), id, lang)
	if err != nil {
		return err
	}
	return sendFile(c, "perubahan-siasn-"+id, format, lang, t)
}

// transferFilter reads the transfer list's filter from the query.
func transferFilter(c *gin.Context) transfers.Filter {
	return transfers.Filter{Round: c.Query("round"), Stage: models.Stage(c.Query("stage")), Unit: c.Query("unit")}
}
