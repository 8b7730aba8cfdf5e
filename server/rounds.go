package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/sheet"
)

func (s *Server) startRound(c *gin.Context) error {
	var req rounds.Request
	if err := bind(c, &req); err != nil {
		return err
	}
	view, created, err := s.rounds.Begin(c.Request.Context(), actor(c), req)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.Header("Location", "/api/v1/rounds/"+req.ID)
	c.JSON(status, view)
	return nil
}

func (s *Server) listRounds(c *gin.Context) error {
	items, err := s.rounds.List(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

func (s *Server) getRound(c *gin.Context) error {
	v, err := s.rounds.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

func (s *Server) listNeeds(c *gin.Context) error {
	needs, err := s.rounds.Needs(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": needs})
	return nil
}

func (s *Server) listProposals(c *gin.Context) error {
	id := c.Param("id")
	if done, err := table(c, "usulan-"+id, func(lang string) (sheet.Table, error) {
		return s.exports.Proposals(c.Request.Context(), actor(c), id, lang)
	}); done {
		return err
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := s.rounds.Proposals(c.Request.Context(), actor(c), c.Param("id"), page)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"proposals": p.Proposals, "exclusions": p.Exclusions, "exclusions_total": p.ExclusionsTotal,
		"limit": page.Limit, "offset": page.Offset})
	return nil
}

func (s *Server) confirm(c *gin.Context) error {
	var req rounds.ConfirmRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	st, err := s.rounds.Confirm(c.Request.Context(), actor(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"round_id": st.RoundID, "status": st.Status,
		"confirmed": st.Proposed - len(st.Removed), "removed": st.Removed})
	return nil
}

func (s *Server) replan(c *gin.Context) error {
	st, err := s.rounds.Replan(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, st.Replan)
	return nil
}
