package server

import (
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/decrees"
)

// unsafeInName are the characters a download's file name leaves out.
var unsafeInName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// sendPDF answers with a PDF to download, named after name.
func sendPDF(c *gin.Context, name string, b []byte) {
	c.Header("Content-Disposition", `attachment; filename="`+unsafeInName.ReplaceAllString(name, "-")+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", b)
}

func (s *Server) listDecrees(c *gin.Context) error {
	round := c.Query("round")
	if round == "" {
		return apperr.Malformed("round", "sebutkan putaran: ?round=", "name the round: ?round=")
	}
	if _, err := s.rounds.Find(c.Request.Context(), round); err != nil {
		return err
	}
	items, err := s.decrees.List(c.Request.Context(), round)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

func (s *Server) getDecree(c *gin.Context) error {
	d, err := s.decrees.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, d)
	return nil
}

func (s *Server) decreePDF(c *gin.Context) error {
	d, err := s.decrees.PDF(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	sendPDF(c, "SK-"+d.Number, d.PDF)
	return nil
}

func (s *Server) revokeDecree(c *gin.Context) error {
	var req decrees.RevokeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	d, err := s.decrees.Revoke(c.Request.Context(), actor(c), c.Param("id"), req, time.Now())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, d)
	return nil
}

func (s *Server) petikanPDF(c *gin.Context) error {
	b, d, err := s.decrees.Petikan(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	sendPDF(c, "petikan-SK-"+d.Number+"-"+c.Param("id"), b)
	return nil
}
