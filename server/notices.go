package server

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notices"
)

// The bell: a signed-in person's notices, through the API and the pages.

// noticeParams reads limit (default notices.DefaultLimit) and offset,
// refusing a page the application would (notices.CheckPage) at the door.
func noticeParams(c *gin.Context) (limit, offset int, err error) {
	limit = notices.DefaultLimit
	if v := c.Query("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil {
			limit = -1
		}
	}
	if v := c.Query("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil {
			offset = -1
		}
	}
	return limit, offset, notices.CheckPage(limit, offset)
}

// noticeID reads the notice's ID from the path.
func noticeID(c *gin.Context) (uint, error) {
	n, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || n == 0 {
		return 0, apperr.Malformed("id", "nomor pemberitahuan harus bilangan bulat positif", "the notice id must be a positive integer")
	}
	return uint(n), nil
}

func (s *Server) listNotices(c *gin.Context) error {
	limit, offset, err := noticeParams(c)
	if err != nil {
		return err
	}
	out, err := s.notices.List(c.Request.Context(), actor(c), limit, offset)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (s *Server) readNotice(c *gin.Context) error {
	id, err := noticeID(c)
	if err != nil {
		return err
	}
	if err := s.notices.MarkRead(c.Request.Context(), actor(c), id, time.Now()); err != nil {
		return err
	}
	return s.unreadJSON(c, gin.H{})
}

func (s *Server) readAllNotices(c *gin.Context) error {
	n, err := s.notices.MarkAllRead(c.Request.Context(), actor(c), time.Now())
	if err != nil {
		return err
	}
	return s.unreadJSON(c, gin.H{"marked": n})
}

// unreadJSON answers out with the caller's count of unread notices.
func (s *Server) unreadJSON(c *gin.Context, out gin.H) error {
	n, err := s.notices.Unread(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	out["unread"] = n
	c.JSON(http.StatusOK, out)
	return nil
}

// unread is the account's count of unread notices for the bell; none when
// nobody is signed in, the role receives none, or it cannot be counted
// (the page still shows).
func (s *Server) unread(c *gin.Context, a *models.Account) int64 {
	if a == nil || !slices.Contains(notices.Receivers, a.Role) {
		return 0
	}
	n, err := s.notices.Unread(c.Request.Context(), a.Actor())
	if err != nil {
		s.Log.Warn("count unread notices", "account", a.Username, "error", err)
	}
	return n
}

func (s *Server) noticesPage(c *gin.Context, v *view) error {
	limit, offset, err := noticeParams(c)
	if err != nil {
		return err
	}
	out, err := s.notices.List(c.Request.Context(), v.Account.Actor(), limit, offset)
	if err != nil {
		return err
	}
	var next, prev int
	if int64(offset+limit) < out.Total {
		next = offset + limit
	}
	if offset > 0 {
		prev = max(offset-limit, 0)
	}
	return s.render(c, v, "notices", "title.notices", gin.H{"List": out, "Next": next, "Prev": prev, "HasPrev": offset > 0})
}

func (s *Server) readNoticeForm(c *gin.Context, v *view) error {
	id, err := noticeID(c)
	if err != nil {
		return err
	}
	if err := s.notices.MarkRead(c.Request.Context(), v.Account.Actor(), id, time.Now()); err != nil {
		return err
	}
	return done(c, "/notices", "notice_read")
}

func (s *Server) readAllNoticesForm(c *gin.Context, v *view) error {
	if _, err := s.notices.MarkAllRead(c.Request.Context(), v.Account.Actor(), time.Now()); err != nil {
		return err
	}
	return done(c, "/notices", "notices_read")
}
