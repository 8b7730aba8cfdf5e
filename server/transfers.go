package server

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/sheet"
	"github.com/bkpsdm/mutasi/transfers"
)

// pageParams reads limit (1-500, default 50) and offset (0 or more).
func pageParams(c *gin.Context) (transfers.Page, error) {
	p := transfers.Page{Limit: 50}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return p, apperr.New(apperr.KindMalformed, "limit", "limit harus 1 sampai 500", "limit must be 1 to 500")
		}
		p.Limit = n
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, apperr.New(apperr.KindMalformed, "offset", "offset harus 0 atau lebih", "offset must be 0 or more")
		}
		p.Offset = n
	}
	return p, nil
}

func (s *Server) listTransfers(c *gin.Context) error {
	f := transferFilter(c)
	name := "mutasi"
	if f.Round != "" {
		name += "-" + f.Round
	}
	if done, err := table(c, name, func(lang string) (sheet.Table, error) {
		return s.exports.Transfers(c.Request.Context(), actor(c), f, lang)
	}); done {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := s.transfers.List(c.Request.Context(), actor(c), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "limit": p.Limit, "offset": p.Offset})
	return nil
}

func (s *Server) getTransfer(c *gin.Context) error {
	v, err := s.transfers.Get(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// action answers an API request for an action of type R with the
// receipt of its update. The body of an acknowledgement and of a
// training report may be empty: they carry nothing required.
func action[R transfers.Action](s *Server, emptyBody bool) func(*gin.Context) error {
	return func(c *gin.Context) error {
		var req R
		if !emptyBody || c.Request.ContentLength > 0 {
			if err := bind(c, &req); err != nil {
				return err
			}
		}
		receipt, err := s.transfers.Act(c.Request.Context(), actor(c), c.Param("id"), req)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, receipt)
		return nil
	}
}
