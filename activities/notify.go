package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
)

// NotifyInput asks for one notification about a transfer.
type NotifyInput struct {
	// Key makes the message recorded and sent once: the workflow ID and
	// the step, e.g. "transfer-X:tpk:reminder".
	Key        string
	Kind       notify.Kind
	TransferID string
	// To is who receives it: the employee, the TPK, the PPK or the HR
	// office (hr_officer), at the addresses of the round's settings.
	To       models.Role
	Step     string // "TPK", "PPK" or "HR" in decision notices
	Reason   string // a decision's reason or an objection's text; the need when empty
	Deadline time.Time
	Link     string
}

// Notify renders a notification in the recipient's language, records it
// in the outbox and sends it when a mailer is set. A message already sent
// under the same key is not sent again.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) error {
	gdb := a.DB.WithContext(ctx)
	var msg models.OutboxMessage
	err := gdb.First(&msg, "key = ?", in.Key).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		m, err := a.render(gdb, in)
		if err != nil {
			return err
		}
		msg = models.OutboxMessage{Key: in.Key, TransferID: in.TransferID, To: m.To, Subject: m.Subject,
			Body: m.Body, Status: models.OutboxPending}
		if err := insertOnce(gdb, &msg); err != nil {
			return err
		}
		if err := gdb.First(&msg, "key = ?", in.Key).Error; err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if msg.Status == models.OutboxSent || msg.Status == models.OutboxKept {
		return nil
	}
	if a.Mailer == nil {
		return gdb.Model(&msg).Update("status", models.OutboxKept).Error
	}
	if err := a.Mailer.Send(ctx, notify.Message{To: msg.To, Subject: msg.Subject, Body: msg.Body}); err != nil {
		return err
	}
	now := time.Now()
	return gdb.Model(&msg).Updates(map[string]any{"status": models.OutboxSent, "sent_at": now}).Error
}

// render fills the notification with what the database knows of the
// transfer and picks the recipient's address and language.
func (a *Activities) render(gdb *gorm.DB, in NotifyInput) (notify.Message, error) {
	var t models.Transfer
	if err := gdb.First(&t, "id = ?", in.TransferID).Error; err != nil {
		return notify.Message{}, notFound(err, "transfer "+in.TransferID)
	}
	var round models.Round
	if err := gdb.First(&round, "id = ?", t.RoundID).Error; err != nil {
		return notify.Message{}, notFound(err, "round "+t.RoundID)
	}
	var e models.Employee
	if err := gdb.First(&e, "nip = ?", t.NIP).Error; err != nil {
		return notify.Message{}, notFound(err, "employee "+t.NIP)
	}
	names := map[string]string{}
	var positions []models.Position
	if err := gdb.Select("id", "name").Where("id IN ?", []string{t.FromPositionID, t.ToPositionID}).Find(&positions).Error; err != nil {
		return notify.Message{}, err
	}
	for _, p := range positions {
		names[p.ID] = p.Name
	}
	var unit models.Unit
	if err := gdb.Select("id", "name").First(&unit, "id = ?", t.ToUnitID).Error; err != nil {
		return notify.Message{}, notFound(err, "unit "+t.ToUnitID)
	}
	to, lang := "", "id"
	switch in.To {
	case models.RoleEmployee:
		to, lang = e.Email, e.Lang
	case models.RoleTPK:
		to = round.Settings.Contacts.TPK
	case models.RolePPK:
		to = round.Settings.Contacts.PPK
	default:
		to = round.Settings.Contacts.HR
	}
	if to == "" {
		return notify.Message{}, fmt.Errorf("no address for the %s of transfer %s", in.To, t.ID)
	}
	reason := in.Reason
	if reason == "" {
		var need models.Need
		if err := gdb.Where("round_id = ? AND position_id = ?", t.RoundID, t.ToPositionID).Order("priority").
			First(&need).Error; err == nil {
			reason = notify.NeedReasonText(lang, need.Reason)
		}
	}
	d := notify.Data{Name: e.Name, NIP: e.NIP, FromPosition: names[t.FromPositionID], ToPosition: names[t.ToPositionID],
		ToUnit: unit.Name, Reason: reason, Step: in.Step, Deadline: in.Deadline, Link: in.Link, TransferID: t.ID,
		Training: t.TrainingProposed, DecreeNumber: t.DecreeNumber}
	if t.EffectiveDate != nil {
		d.Effective = *t.EffectiveDate
	}
	return notify.Render(in.Kind, lang, to, d)
}
