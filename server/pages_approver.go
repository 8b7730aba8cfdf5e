package server

import (
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/transfers"
)

// The approvers' pages: the inbox of decisions awaiting them, deciding
// one at a time or in bulk, and their own decisions.

// inboxLimit bounds the inbox.
const inboxLimit = 200

func (s *Server) inboxPage(c *gin.Context, v *view) error {
	rows, total, err := s.transfers.Inbox(c.Request.Context(), v.Account.Actor(), inboxLimit)
	if err != nil {
		return err
	}
	return s.render(c, v, "inbox", "title.inbox", gin.H{"Items": rows, "Total": total, "Back": "inbox"})
}

// decision reads an approve/reject button into the API's request.
func decision(c *gin.Context) transfers.DecisionRequest {
	req := transfers.DecisionRequest{Reason: strings.TrimSpace(c.PostForm("reason"))}
	switch c.PostForm("approve") {
	case "true":
		t := true
		req.Approve = &t
	case "false":
		f := false
		req.Approve = &f
	}
	return req
}

// decisionForm sends one decision.
func (s *Server) decisionForm(c *gin.Context, v *view) error {
	return s.transferForm(c, v, "decide", decision(c), "decided")
}

// bulkDecisionForm sends the same decision and reason on every ticked
// transfer, one after the other, as the API would one request at a time;
// the ones refused are shown with their reason.
func (s *Server) bulkDecisionForm(c *gin.Context, v *view) error {
	ids := c.PostFormArray("ids")
	if len(ids) == 0 {
		return s.formFailed(c, v, "bulk", apperr.Invalid("ids", "pilih setidaknya satu usulan", "choose at least one proposal"), s.inboxPage)
	}
	req := decision(c)
	a := v.Account.Actor()
	var refused []apperr.FieldError
	var first Problem
	for _, id := range ids {
		if _, err := s.transfers.Act(c.Request.Context(), a, id, req); err != nil {
			p := problemOf(c, s.Log, err)
			if len(refused) == 0 {
				first = p
			}
			if p.serverFault() {
				return err
			}
			refused = append(refused, apperr.FieldError{Field: "ids." + id, Message: p.Detail, MessageEN: p.DetailEN})
		}
	}
	if n := len(refused); n > 0 {
		e := apperr.New(first.kind, first.Field, fmt.Sprintf("%d dari %d keputusan ditolak: %s", n, len(ids), refused[0].Message),
			fmt.Sprintf("%d of %d decisions refused: %s", n, len(ids), refused[0].MessageEN))
		e.Errors = refused
		return s.formFailed(c, v, "bulk", e, s.inboxPage)
	}
	return done(c, "/inbox", "decided_bulk")
}

func (s *Server) decisionsPage(c *gin.Context, v *view) error {
	out, err := s.transfers.DecisionsBy(c.Request.Context(), v.Account.Username, inboxLimit)
	if err != nil {
		return err
	}
	return s.render(c, v, "decisions", "title.decisions", gin.H{"Items": out})
}
