package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
)

// Invitations and password resets send the account's owner a one-time,
// expiring link to set a password, by e-mail through the outbox (whose
// relay retries, and which records each message once under its key). The
// link carries 256 random bits; the database keeps only their SHA-256.

// The links' lives and the limits of the invitations.
const (
	// DefaultInvitationTTL is how long an invitation's link works unless
	// Service.InvitationTTL says otherwise.
	DefaultInvitationTTL = 7 * 24 * time.Hour
	// ResetTTL is how long a password reset's link works; the mail says
	// "within an hour".
	ResetTTL = time.Hour
	// ResetEvery is how often one account is mailed a reset link at most:
	// a request within it of the last, unused link sends nothing more.
	ResetEvery = 5 * time.Minute
	// MaxInvitations bounds the accounts one request invites.
	MaxInvitations = 500
	// maxToken bounds a link's token read from a request.
	maxToken = 100
)

// LinkPath is the page a link's token is appended to.
const LinkPath = "/password/"

// InviteReport is what an invitation of a list did: the usernames invited
// and those that had an account already, which were sent nothing.
type InviteReport struct {
	Invited  []string `json:"invited"`
	Existing []string `json:"existing"`
}

// Invite creates the accounts of rs that do not exist yet, without a
// password, and mails each owner an invitation's link to set one. Every
// request is checked before anything is written, and each needs an
// e-mail address; an existing username is left as it is and sent
// nothing, so a second run of the same list invites nobody twice.
func (s *Service) Invite(ctx context.Context, by models.Actor, rs []CreateRequest) (InviteReport, error) {
	out := InviteReport{Invited: []string{}, Existing: []string{}}
	if len(rs) == 0 || len(rs) > MaxInvitations {
		return out, apperr.Invalid("accounts", fmt.Sprintf("daftar harus berisi 1 sampai %d akun", MaxInvitations),
			fmt.Sprintf("the list holds 1 to %d accounts", MaxInvitations))
	}
	for i, r := range rs {
		err := r.check()
		if err == nil && strings.TrimSpace(r.Email) == "" {
			err = apperr.Invalid("email", "undangan memerlukan alamat surel", "an invitation needs an e-mail address")
		}
		if err == nil {
			err = r.params().CheckInvited()
		}
		if e, ok := apperr.As(err); ok {
			return out, apperr.New(e.Kind, fmt.Sprintf("accounts[%d].%s", i, e.Field), e.Message, e.MessageEN)
		} else if err != nil {
			return out, err
		}
	}
	for _, r := range rs {
		acc, err := s.invite(ctx, by, r.params())
		switch {
		case errors.Is(err, account.ErrExists):
			out.Existing = append(out.Existing, account.Username(r.Username))
		case err != nil:
			return out, err
		default:
			out.Invited = append(out.Invited, acc.Username)
		}
	}
	return out, nil
}

// EmployeeReport is what an invitation of the imported employees did:
// how many were invited, how many had an account already, how many have
// no valid e-mail address, and how many records cannot make an account
// (a NIP the account rules refuse); the last two get none.
type EmployeeReport struct {
	Invited  int `json:"invited"`
	Existing int `json:"existing"`
	NoEmail  int `json:"no_email"`
	Refused  int `json:"refused"`
}

// InviteEmployees gives every imported employee still in service (not
// retired) an account, whose username is their NIP, and mails them an
// invitation's link, unless they have an account already (by NIP or
// username): a second run invites nobody twice. Employees without a valid
// e-mail address, or whose record the account rules refuse, are counted
// and left out.
func (s *Service) InviteEmployees(ctx context.Context, by models.Actor) (EmployeeReport, error) {
	var out EmployeeReport
	var rows []struct {
		NIP      string `gorm:"column:nip"`
		Name     string
		Email    string
		Existing bool
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT e.nip, e.name, e.email, EXISTS (SELECT 1 FROM accounts a
		WHERE a.nip = e.nip OR a.username = e.nip) AS existing
		FROM employees e WHERE e.status <> ? ORDER BY e.nip`, models.StatusRetired).Scan(&rows).Error
	if err != nil {
		return out, err
	}
	for _, e := range rows {
		switch {
		case e.Existing:
			out.Existing++
			continue
		case models.CheckEmail(e.Email) != nil:
			out.NoEmail++
			continue
		}
		_, err := s.invite(ctx, by, account.Params{Username: e.NIP, Name: e.Name, Role: models.RoleEmployee, NIP: e.NIP,
			Email: e.Email})
		switch {
		case errors.Is(err, account.ErrExists):
			out.Existing++
		case apperr.Is(err, apperr.KindInvalid):
			out.Refused++
		case err != nil:
			return out, fmt.Errorf("invite employee %s: %w", e.NIP, err)
		default:
			out.Invited++
		}
	}
	return out, nil
}

// invite creates an account without a password and mails its owner the
// invitation, in one transaction; account.ErrExists when the username is
// taken.
func (s *Service) invite(ctx context.Context, by models.Actor, p account.Params) (models.Account, error) {
	var acc models.Account
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if acc, err = account.CreateInvited(tx, p); err != nil {
			return err
		}
		if err := s.mailLink(tx, acc, models.LinkInvitation, acc.Email); err != nil {
			return err
		}
		return audit(tx, by, acc.Username, models.ActionAccountInvited, describe(acc)+", mailed to "+acc.Email)
	})
	return acc, err
}

// RequestReset mails a password reset's link to every enabled account
// whose e-mail address is email (an employee's also by the employee's
// record), unless one was mailed within ResetEvery and not yet used. An
// address of no account sends nothing and answers the same, so the
// answer tells nobody which addresses have accounts.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	if err := CheckResetEmail(email); err != nil {
		return err
	}
	email = strings.TrimSpace(email)
	var accs []models.Account
	err := WithEmail(s.DB.WithContext(ctx), email).Where("disabled_at IS NULL").
		Order("username").Limit(10).Find(&accs).Error
	if err != nil {
		return err
	}
	for _, acc := range accs {
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var recent int64
			if err := tx.Model(&models.AccountLink{}).Where("username = ? AND purpose = ? AND used_at IS NULL AND created_at > ?",
				acc.Username, models.LinkPasswordReset, time.Now().Add(-ResetEvery)).Count(&recent).Error; err != nil || recent > 0 {
				return err
			}
			return s.mailLink(tx, acc, models.LinkPasswordReset, email)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// WithEmail narrows db to the accounts of the e-mail address email, in
// any case: those stored with it (compared on their EmailKey) and the
// employees' accounts whose employee record has it.
func WithEmail(db *gorm.DB, email string) *gorm.DB {
	key := models.EmailKey(email)
	return db.Where("(email_key = ? OR (role = ? AND nip IN (SELECT nip FROM employees WHERE LOWER(email) = ?)))",
		key, models.RoleEmployee, key)
}

// CheckResetEmail reports what is wrong with the address a password
// reset is asked for, naming the field email.
func CheckResetEmail(email string) error {
	if models.CheckEmail(strings.TrimSpace(email)) != nil {
		return apperr.Invalid("email", "alamat surel tidak sah", "the e-mail address is not valid")
	}
	return nil
}

// mailLink stores a new link of the purpose for acc and records, in the
// outbox, the mail that carries it to the address to, in Bahasa
// Indonesia with English below.
func (s *Service) mailLink(tx *gorm.DB, acc models.Account, purpose, to string) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := time.Now()
	link := models.AccountLink{ID: linkID(token), Username: acc.Username, Purpose: purpose, CreatedAt: now,
		ExpiresAt: now.Add(s.ttl(purpose))}
	if err := tx.Create(&link).Error; err != nil {
		return err
	}
	kind := contract.NoticeAccountInvitation
	if purpose == models.LinkPasswordReset {
		kind = contract.NoticePasswordReset
	}
	d := notify.Data{Name: acc.Name, Username: acc.Username, Deadline: link.ExpiresAt,
		Link: strings.TrimSuffix(s.BaseURL, "/") + LinkPath + token}
	id, err := notify.Render(kind, "id", to, d)
	if err != nil {
		return err
	}
	en, err := notify.Render(kind, "en", to, d)
	if err != nil {
		return err
	}
	return tx.Create(&models.OutboxMessage{Key: fmt.Sprintf("account:%s:%s:%s", purpose, acc.Username, link.ID[:16]),
		To: to, Channel: models.ChannelEmail, Subject: id.Subject + " / " + en.Subject,
		Body: id.Body + "\n\n---\n\n" + en.Body, Status: models.OutboxPending}).Error
}

// ttl is how long a link of the purpose works.
func (s *Service) ttl(purpose string) time.Duration {
	if purpose == models.LinkPasswordReset {
		return ResetTTL
	}
	if s.InvitationTTL > 0 {
		return s.InvitationTTL
	}
	return DefaultInvitationTTL
}

// Link returns the link a token names and its account, if the link can
// still be used: unknown, used and expired links, and those of a
// disabled account, are refused with a reason a person can act on.
func (s *Service) Link(ctx context.Context, token string) (models.AccountLink, models.Account, error) {
	return usable(s.DB.WithContext(ctx), token, time.Now())
}

// UseLink sets the password of the account a link names, once: the link
// and the account's other unused links are used up, and the account's
// sessions end. The audit trail records the owner as having set it.
func (s *Service) UseLink(ctx context.Context, token, password string) (models.Account, error) {
	if err := account.CheckNewPassword(password); err != nil {
		return models.Account{}, err
	}
	var acc models.Account
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := time.Now()
		link, a, err := usable(tx.Clauses(clause.Locking{Strength: "UPDATE"}), token, now)
		if err != nil {
			return err
		}
		acc = a
		res := tx.Model(&models.AccountLink{}).Where("id = ? AND used_at IS NULL", link.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errUsed
		}
		if _, err := endLinks(tx, acc.Username, now); err != nil {
			return err
		}
		if err := account.SetPassword(tx, acc.Username, password); err != nil {
			return err
		}
		n, err := account.EndSessions(tx, acc.Username)
		if err != nil {
			return err
		}
		return audit(tx, acc.Actor(), acc.Username, models.ActionAccountPasswordSet,
			fmt.Sprintf("from the %s link, %d sessions ended", link.Purpose, n))
	})
	return acc, err
}

// endLinks uses up an account's pending links, and says how many there
// were: once its password is set, by a link or by the admin, no older link
// may set it again.
func endLinks(tx *gorm.DB, username string, now time.Time) (int64, error) {
	res := tx.Model(&models.AccountLink{}).Where("username = ? AND used_at IS NULL", username).Update("used_at", now)
	return res.RowsAffected, res.Error
}

// The refusals of a link.
var (
	errUnknown = apperr.New(apperr.KindNotFound, "token",
		"tautan tidak dikenal: pastikan tautan disalin utuh dari surel, atau minta tautan baru",
		"unknown link: check that it was copied whole from the e-mail, or ask for a new one")
	errUsed = apperr.New(apperr.KindGone, "token",
		"tautan ini sudah dipakai dan tidak berlaku lagi; masuk dengan kata sandi Anda, atau minta tautan baru di halaman lupa kata sandi",
		"this link has been used and works no more; sign in with your password, or ask for a new link on the forgotten-password page")
	errExpired = apperr.New(apperr.KindGone, "token",
		"tautan ini sudah kedaluwarsa; minta tautan baru di halaman lupa kata sandi atau kepada admin",
		"this link has expired; ask for a new one on the forgotten-password page or from the admin")
	errDisabled = apperr.New(apperr.KindGone, "token", "akun tautan ini nonaktif; hubungi admin",
		"the account of this link is disabled; ask the admin")
)

// usable finds the link of token and its account at now, refusing it as
// Link says.
func usable(db *gorm.DB, token string, now time.Time) (models.AccountLink, models.Account, error) {
	var link models.AccountLink
	var acc models.Account
	if token == "" || len(token) > maxToken {
		return link, acc, errUnknown
	}
	db = db.Session(&gorm.Session{}) // two queries on one chain
	err := db.First(&link, "id = ?", linkID(token)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return link, acc, errUnknown
	}
	if err != nil {
		return link, acc, err
	}
	switch {
	case link.UsedAt != nil:
		return link, acc, errUsed
	case !now.Before(link.ExpiresAt):
		return link, acc, errExpired
	}
	if acc, err = find(db, link.Username); apperr.Is(err, apperr.KindNotFound) {
		return link, acc, errUnknown
	} else if err != nil {
		return link, acc, err
	}
	if acc.DisabledAt != nil {
		return link, acc, errDisabled
	}
	return link, acc, nil
}

// linkID is the stored ID of a link's token: its SHA-256.
func linkID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
