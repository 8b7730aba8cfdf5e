package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// NotificationView is one outgoing notification as HR sees it: to whom,
// about what, and why it could not be delivered.
type NotificationView struct {
	ID         uint                `json:"id"`
	Key        string              `json:"key"`
	TransferID string              `json:"transfer_id,omitempty"`
	To         string              `json:"to"`
	Subject    string              `json:"subject"`
	Status     models.OutboxStatus `json:"status"`
	Attempts   int                 `json:"attempts"`
	LastError  string              `json:"last_error,omitempty"`
	CreatedAt  time.Time           `json:"created_at"`
	SentAt     *time.Time          `json:"sent_at,omitempty"`
}

// maxNotifications bounds the notifications one answer or page lists.
const maxNotifications = 100

func (s *Server) listNotifications(c *gin.Context) error {
	status := models.OutboxStatus(c.DefaultQuery("status", string(models.OutboxFailed)))
	items, total, err := s.notifications(c, status)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total})
	return nil
}

// notifications lists the newest notifications in status, at most
// maxNotifications of them, and how many there are in all. HR reads the
// failed ones here and on the dashboard: an employee who was never told
// cannot be deemed to have acknowledged.
func (s *Server) notifications(ctx context.Context, status models.OutboxStatus) ([]NotificationView, int64, error) {
	switch status {
	case models.OutboxPending, models.OutboxSent, models.OutboxFailed:
	default:
		return nil, 0, apperr.Invalid("status", "status harus pending, sent atau failed", "status must be pending, sent or failed")
	}
	q := s.DB.WithContext(ctx).Model(&models.OutboxMessage{}).Where("status = ?", status)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	items := []NotificationView{}
	err := q.Select("id", "key", "transfer_id", "to", "subject", "status", "attempts", "last_error", "created_at", "sent_at").
		Order("id DESC").Limit(maxNotifications).Find(&items).Error
	return items, total, err
}
