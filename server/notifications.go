package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/outbox"
)

func (s *Server) listNotifications(c *gin.Context) error {
	status := models.OutboxStatus(c.DefaultQuery("status", string(models.OutboxFailed)))
	items, total, err := outbox.List(c.Request.Context(), s.DB, status)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total})
	return nil
}
