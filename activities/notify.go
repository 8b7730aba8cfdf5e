package activities

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
)

// Notify renders a notification in the recipient's language and records
// it in the outbox, once per key, and in the application for the bell;
// the outbox relay sends it. It only writes to the database, so the
// transfer runs it as a local activity.
func (a *Activities) Notify(ctx context.Context, in contract.NotifyInput) error {
	return a.Apply(ctx, []contract.Step{{Notice: &in}})
}

// noticeWrites reads what the notification tells (from gdb) and renders
// it, then adds its writes to w: the outbox message, once, on each
// channel it goes by (channels), the first under the notification's key,
// whose delivery the workflow waits for, a second under the key and
// ":webhook"; and, under the same key, the notice shown in the
// application (inApp).
func (a *Activities) noticeWrites(gdb *gorm.DB, w *db.Writes, in contract.NotifyInput) error {
	t, d, lang, err := load(gdb, a.BaseURL, in)
	if err != nil {
		return err
	}
	m, err := notify.Render(in.Kind, lang, recipient(t, in.To), d)
	if err != nil {
		return err
	}
	key := in.Key
	for _, c := range a.channels(in.To, t.Notify) {
		msg := &models.OutboxMessage{Key: key, TransferID: in.TransferID, To: m.To, Channel: c, Subject: m.Subject,
			Body: m.Body, Status: models.OutboxPending}
		check := models.CheckEmail
		if c == models.ChannelWebhook {
			msg.To, check = t.Phone, checkPhone
		}
		if err := check(msg.To); err != nil {
			// Nobody can be sent this: it is failed from the start, for HR
			// to see, rather than retried for ever.
			msg.Status, msg.LastError = models.OutboxFailed, fmt.Sprintf("no valid %s for the %s: %q", c, in.To, msg.To)
		}
		if err := w.Add(insertOnce(w.Build(), msg), ""); err != nil {
			return err
		}
		key = in.Key + ":" + string(models.ChannelWebhook)
	}
	n, err := inApp(a.BaseURL, in, t, d, lang, m)
	if err != nil {
		return err
	}
	return w.Add(insertOnce(w.Build(), n), "")
}

// inApp is the notice shown in the application for a notification: to
// the employee's NIP, or to the role and the unit of the transfer, with
// the page to go to. Its text is the mail's, but a link in it (a survey's
// is a one-time secret) becomes the page's.
func inApp(base string, in contract.NotifyInput, t notice, d notify.Data, lang string, mail notify.Message) (*models.Notice, error) {
	n := &models.Notice{Key: in.Key, TransferID: t.ID, Role: in.To, Kind: string(in.Kind), Link: pageOf(in.To, t.ID)}
	switch in.To {
	case models.RoleEmployee:
		n.NIP = t.NIP
	case models.RoleTPK, models.RolePPK:
		n.UnitID = t.ToUnitID
	default:
		n.Role = models.RoleHR
	}
	if d.Link == "" {
		// Nothing to replace: the mail's text is the notice's.
		n.Subject, n.Body = mail.Subject, mail.Body
		return n, nil
	}
	d.Link = strings.TrimSuffix(base, "/") + n.Link
	m, err := notify.Render(in.Kind, lang, "", d)
	n.Subject, n.Body = m.Subject, m.Body
	return n, err
}

// pageOf is the page a notice to the role about the transfer id leads to:
// the employee's own page, the approvers' inbox, HR's page of the
// transfer.
func pageOf(to models.Role, id string) string {
	switch to {
	case models.RoleEmployee:
		return "/me"
	case models.RoleTPK, models.RolePPK:
		return "/inbox"
	}
	return "/transfers/" + id
}

// channels are the channels a notification to the role to goes by, in
// order: an employee's as they prefer (pref), else as the office's
// setting (Activities.Channel) says; anyone else's by e-mail.
func (a *Activities) channels(to models.Role, pref models.Channel) []models.Channel {
	c := models.ChannelEmail
	if to == models.RoleEmployee {
		c = cmp.Or(pref, a.Channel, models.ChannelEmail)
	}
	var out []models.Channel
	for _, one := range []models.Channel{models.ChannelEmail, models.ChannelWebhook} {
		if c.Sends(one) {
			out = append(out, one)
		}
	}
	return out
}

// checkPhone accepts a phone number in the E.164 form ParsePhone gives.
func checkPhone(s string) error {
	if p, err := models.ParsePhone(s); err != nil || p == "" || p != s {
		return models.ErrPhone
	}
	return nil
}

// notice is what a notification tells of its transfer, read in one query.
type notice struct {
	ID               string
	RoundID          string
	NIP              string `gorm:"column:nip"`
	ToPositionID     string
	ToUnitID         string
	TrainingProposed bool
	DecreeNumber     string
	EffectiveDate    *time.Time
	Name             string
	Email            string
	Phone            string
	Notify           models.Channel
	Lang             string
	FromPosition     string
	ToPosition       string
	ToUnit           string
	NeedReason       models.NeedReason    // the most urgent need of the destination, if any
	Settings         models.RoundSettings `gorm:"serializer:json"`
}

const noticeQuery = `SELECT t.id, t.round_id, t.nip, t.to_position_id, t.to_unit_id, t.training_proposed, t.decree_number,
	t.effective_date, e.name, e.email, e.phone, e.notify, e.lang, fp.name AS from_position, tp.name AS to_position,
	u.name AS to_unit, r.settings, (SELECT n.reason FROM needs n WHERE n.round_id = t.round_id
	AND n.position_id = t.to_position_id ORDER BY n.priority LIMIT 1) AS need_reason
FROM transfers t
JOIN employees e ON e.nip = t.nip
JOIN rounds r ON r.id = t.round_id
JOIN units u ON u.id = t.to_unit_id
LEFT JOIN positions fp ON fp.id = t.from_position_id
LEFT JOIN positions tp ON tp.id = t.to_position_id
WHERE t.id = ?`

// recipient is the address the notification to the role goes to: the
// employee's e-mail, or the contact the round's settings give the role.
func recipient(t notice, to models.Role) string {
	switch to {
	case models.RoleEmployee:
		return t.Email
	case models.RoleTPK:
		return t.Settings.Contacts.TPK
	case models.RolePPK:
		return t.Settings.Contacts.PPK
	}
	return t.Settings.Contacts.HR
}

// employeePageNotices are the notices to an employee that link their
// transfer's page, reached through sign-in: the link says nothing of the
// transfer.
var employeePageNotices = []contract.NoticeKind{contract.NoticeSocialization, contract.NoticeAcknowledgeReminder,
	contract.NoticeTransferEffective}

// load reads what the database knows of the notification's transfer and
// fills the data its texts are rendered from, in the recipient's language
// (lang). The notices of employeePageNotices link the employee's page
// (under base), where they answer and the petikan downloads.
func load(gdb *gorm.DB, base string, in contract.NotifyInput) (t notice, d notify.Data, lang string, err error) {
	// Scanned into one struct, not a slice: GORM makes a slice room for
	// twenty rows of this wide struct, a fifth of Apply's memory.
	res := gdb.Raw(noticeQuery, in.TransferID).Scan(&t)
	if res.Error != nil {
		return t, d, "", res.Error
	}
	if res.RowsAffected == 0 {
		return t, d, "", notFound(gorm.ErrRecordNotFound, "transfer "+in.TransferID)
	}
	lang = "id"
	if in.To == models.RoleEmployee {
		lang = t.Lang
	}
	reason := in.Reason
	if reason == "" && t.NeedReason != "" {
		reason = notify.NeedReasonText(lang, t.NeedReason)
	}
	d = notify.Data{Name: t.Name, NIP: t.NIP, FromPosition: t.FromPosition, ToPosition: t.ToPosition,
		ToUnit: t.ToUnit, Reason: reason, Step: in.Step, Deadline: in.Deadline, Link: in.Link, TransferID: t.ID,
		Training: t.TrainingProposed, DecreeNumber: t.DecreeNumber}
	if t.EffectiveDate != nil {
		d.Effective = *t.EffectiveDate
	}
	if d.Link == "" && in.To == models.RoleEmployee && slices.Contains(employeePageNotices, in.Kind) {
		d.Link = strings.TrimSuffix(base, "/") + pageOf(models.RoleEmployee, t.ID)
	}
	// Dates read as the government's: the TMT is a local date.
	if loc, err := t.Settings.Location(); err == nil && loc != nil {
		d.Deadline, d.Effective = d.Deadline.In(loc), d.Effective.In(loc)
	}
	return t, d, lang, nil
}

// NoticeDelivery tells whether the notification recorded under key has
// been delivered, and when. Without a relay a recorded message counts as
// delivered as it was recorded (At is zero).
//
// A notification sent on both channels is delivered when either copy is
// (the first), and failed when both are.
func (a *Activities) NoticeDelivery(ctx context.Context, key string) (contract.Delivery, error) {
	var ms []models.OutboxMessage
	err := a.DB.WithContext(ctx).Select("channel", "status", "sent_at").Where("key IN ?", []string{key, key + ":" + string(models.ChannelWebhook)}).
		Order("sent_at").Find(&ms).Error
	if err == nil && len(ms) == 0 {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return contract.Delivery{}, notFound(err, "notification "+key)
	}
	failed := 0
	for _, m := range ms {
		switch {
		case m.Status == models.OutboxSent && m.SentAt != nil:
			return contract.Delivery{Status: models.OutboxSent, At: *m.SentAt}, nil
		case m.Status == models.OutboxPending && !a.relayed(m.Channel):
			return contract.Delivery{Status: models.OutboxSent}, nil
		case m.Status == models.OutboxFailed:
			failed++
		}
	}
	if failed == len(ms) {
		return contract.Delivery{Status: models.OutboxFailed}, nil
	}
	return contract.Delivery{Status: models.OutboxPending}, nil
}

// relayed says whether a relay sends the channel's messages.
func (a *Activities) relayed(c models.Channel) bool {
	if c == models.ChannelWebhook {
		return a.HookRelayed
	}
	return a.Relayed
}
