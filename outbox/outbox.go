// Package outbox delivers the notifications the workflows record. The
// Notify activity only writes a message to the outbox table, in the
// workflow's own step; a Relay, run beside the worker, sends pending
// messages over SMTP in the order they were recorded and retries failed
// sends with a growing delay, until the mail server refuses a message for
// good or MaxAttempts sends have failed: then the message is failed, for HR
// to see. So a slow or absent mail server never holds
// up a decision, and a message is sent once unless a relay dies between
// the send and marking it sent.
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
)

// The relay's pacing.
const (
	// PollInterval is the pause between looks at the outbox when nothing
	// was due.
	PollInterval = time.Second
	// Lease is how long a claimed message belongs to the relay that
	// claimed it; if that relay dies, another sends it after the lease.
	Lease = 5 * time.Minute
	// SendTimeout bounds one send, well within the lease: a mail server
	// that stops answering fails the send, which is retried later, rather
	// than holding the relay.
	SendTimeout = time.Minute
	// FirstRetry is the delay after the first failed send; it doubles with
	// every failure up to MaxRetry.
	FirstRetry = 30 * time.Second
	// MaxRetry caps the delay between attempts.
	MaxRetry = time.Hour
	// MaxAttempts is how many failed sends make a message failed for good
	// (about four and a half hours of trying); a refusal the mail server
	// calls permanent fails it at once.
	MaxAttempts = 10
	// batch is how many due messages one pass claims at most.
	batch = 50
)

// Relay sends the outbox's pending e-mail through Mailer, and the
// messages of the webhook channel through Webhook; a channel without one
// is left in the outbox. Several relays may run on one database: each
// message is claimed by one of them.
type Relay struct {
	DB      *gorm.DB
	Mailer  notify.Mailer
	Webhook notify.Mailer
	Log     *slog.Logger
}

// sender is the channel's way out; nil when the relay has none, and
// leaves the channel's messages to another relay.
func (r *Relay) sender(c models.Channel) notify.Mailer {
	if c == models.ChannelWebhook {
		return r.Webhook
	}
	return r.Mailer
}

// channels lists the channels the relay sends.
func (r *Relay) channels() []models.Channel {
	var out []models.Channel
	for _, c := range []models.Channel{models.ChannelEmail, models.ChannelWebhook} {
		if r.sender(c) != nil {
			out = append(out, c)
		}
	}
	return out
}

// Run sends due messages until ctx is done.
func (r *Relay) Run(ctx context.Context) {
	for {
		n, err := r.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			r.Log.Error("outbox relay", "error", err)
		}
		if n == batch && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(PollInterval):
		}
	}
}

// SendDue makes one pass over the messages due now, oldest first: it
// claims each, sends it and marks it sent, or records the failure and
// when to try again. It reports how many messages it claimed.
func (r *Relay) SendDue(ctx context.Context) (int, error) {
	gdb := r.DB.WithContext(ctx)
	now := time.Now()
	var due []models.OutboxMessage
	if err := gdb.Where("status = ? AND channel IN ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)",
		models.OutboxPending, r.channels(), now).Order("id").Limit(batch).Find(&due).Error; err != nil {
		return 0, err
	}
	claimed := 0
	for _, m := range due {
		ok, err := r.claim(gdb, m.ID, time.Now())
		if err != nil {
			return claimed, err
		}
		if !ok {
			continue // another relay has it
		}
		claimed++
		if err := r.send(ctx, gdb, m); err != nil {
			return claimed, err
		}
	}
	return claimed, nil
}

// claim takes a due message for Lease; it reports false when another
// relay took it first.
func (r *Relay) claim(gdb *gorm.DB, id uint, now time.Time) (bool, error) {
	res := gdb.Model(&models.OutboxMessage{}).
		Where("id = ? AND status = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)", id, models.OutboxPending, now).
		Update("next_attempt_at", now.Add(Lease))
	return res.RowsAffected == 1, res.Error
}

// send delivers one claimed message and records the outcome.
func (r *Relay) send(ctx context.Context, gdb *gorm.DB, m models.OutboxMessage) error {
	sctx, cancel := context.WithTimeout(ctx, SendTimeout)
	err := r.sender(m.Channel).Send(sctx, notify.Message{ID: m.Key, To: m.To, Subject: m.Subject, Body: m.Body,
		AttachmentName: m.AttachmentName, Attachment: m.Attachment})
	cancel()
	if ctx.Err() != nil {
		return errors.Join(err, ctx.Err()) // stopping: the lease hands it on
	}
	now := time.Now()
	row := gdb.Model(&models.OutboxMessage{}).Where("id = ?", m.ID)
	if err == nil {
		return row.Updates(map[string]any{"status": models.OutboxSent, "sent_at": now, "next_attempt_at": nil}).Error
	}
	attempts := m.Attempts + 1
	if notify.Permanent(err) || attempts >= MaxAttempts {
		r.Log.Error("notification failed for good", "key", m.Key, "attempts", attempts, "error", err)
		return row.Updates(map[string]any{"status": models.OutboxFailed, "attempts": attempts, "last_error": err.Error(),
			"next_attempt_at": nil}).Error
	}
	r.Log.Warn("notification not sent", "key", m.Key, "attempt", attempts, "error", err)
	return row.Updates(map[string]any{"attempts": attempts, "last_error": err.Error(),
		"next_attempt_at": now.Add(RetryDelay(attempts))}).Error
}

// RetryDelay is how long the relay waits after the failures-th failed
// send of a message before it tries again.
func RetryDelay(failures int) time.Duration {
	d := FirstRetry
	for i := 1; i < failures && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// Notification is one outgoing notification as HR sees it: to whom,
// about what, and why it could not be delivered.
type Notification struct {
	ID         uint                `json:"id"`
	Key        string              `json:"key"`
	TransferID string              `json:"transfer_id,omitempty"`
	To         string              `json:"to"`
	Channel    models.Channel      `json:"channel"`
	Subject    string              `json:"subject"`
	Status     models.OutboxStatus `json:"status"`
	Attempts   int                 `json:"attempts"`
	LastError  string              `json:"last_error,omitempty"`
	CreatedAt  time.Time           `json:"created_at"`
	SentAt     *time.Time          `json:"sent_at,omitempty"`
}

// MaxListed bounds the notifications one answer or page lists.
const MaxListed = 100

// List lists the newest notifications in status, at most
// MaxListed of them, and how many there are in all. HR reads the
// failed ones here and on the dashboard: an employee who was never told
// cannot be deemed to have acknowledged.
func List(ctx context.Context, gdb *gorm.DB, status models.OutboxStatus) ([]Notification, int64, error) {
	switch status {
	case models.OutboxPending, models.OutboxSent, models.OutboxFailed:
	default:
		return nil, 0, apperr.Invalid("status", "status harus pending, sent atau failed", "status must be pending, sent or failed")
	}
	q := gdb.WithContext(ctx).Model(&models.OutboxMessage{}).Where("status = ?", status)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	items := []Notification{}
	err := q.Select("id", "key", "transfer_id", "to", "channel", "subject", "status", "attempts", "last_error", "created_at", "sent_at").
		Order("id DESC").Limit(MaxListed).Find(&items).Error
	return items, total, err
}
