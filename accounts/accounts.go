// Package accounts is the admin's management of sign-in accounts, which
// the API and the pages share: list and search, create, disable and
// enable, reset a password, change a role and its scope, and list and
// revoke an account's sessions. Every change writes an audit line with
// the admin as its actor, and never a password nor its hash.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/models"
)

// The input limits.
const (
	// MaxSearch bounds a search's text.
	MaxSearch = 100
	// MaxLimit bounds a page of a list.
	MaxLimit = 200
	// MaxUnits bounds the units of an approver's scope.
	MaxUnits = 100
)

// Service manages the accounts in DB.
type Service struct {
	DB *gorm.DB
	// BaseURL is the service's public URL, under which invitation and
	// password-reset links point.
	BaseURL string
	// InvitationTTL is how long an invitation's link works; zero takes
	// DefaultInvitationTTL.
	InvitationTTL time.Duration
}

// Query selects a page of the accounts: those whose username, name or
// NIP contains Search (none: all), in username order.
type Query struct {
	Search string
	Limit  int
	Offset int
}

// Check reports what is wrong with q, naming the field.
func (q Query) Check() error {
	switch {
	case len([]rune(q.Search)) > MaxSearch:
		return apperr.Invalid("q", fmt.Sprintf("teks pencarian paling banyak %d karakter", MaxSearch),
			fmt.Sprintf("the search text has at most %d characters", MaxSearch))
	case q.Limit < 1 || q.Limit > MaxLimit:
		return apperr.Malformed("limit", fmt.Sprintf("limit harus 1 sampai %d", MaxLimit), fmt.Sprintf("limit must be 1 to %d", MaxLimit))
	case q.Offset < 0:
		return apperr.Malformed("offset", "offset harus 0 atau lebih", "offset must be 0 or more")
	}
	return nil
}

// List returns a page of the accounts q selects and how many it selects
// in all.
func (s *Service) List(ctx context.Context, q Query) ([]models.Account, int64, error) {
	if err := q.Check(); err != nil {
		return nil, 0, err
	}
	db := s.DB.WithContext(ctx).Model(&models.Account{})
	if text := strings.TrimSpace(q.Search); text != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(text)) + "%"
		db = db.Where(`username LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\' OR nip LIKE ? ESCAPE '\'`, like, like, like)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []models.Account{}
	err := db.Order("username").Limit(q.Limit).Offset(q.Offset).Find(&out).Error
	return out, total, err
}

// Detail is an account with its live sessions.
type Detail struct {
	models.Account
	Sessions []models.Session `json:"sessions"`
}

// Get returns an account and its live sessions.
func (s *Service) Get(ctx context.Context, username string) (Detail, error) {
	acc, err := find(s.DB.WithContext(ctx), username)
	if err != nil {
		return Detail{}, err
	}
	sessions, err := account.Sessions(s.DB.WithContext(ctx), acc.Username, time.Now())
	if sessions == nil {
		sessions = []models.Session{}
	}
	return Detail{Account: acc, Sessions: sessions}, err
}

// CreateRequest describes a new account. With an Email and no Password
// its owner is invited to set one (Invite); with neither, one is
// generated, which Create returns once.
type CreateRequest struct {
	Username string      `json:"username"`
	Name     string      `json:"name"`
	Role     models.Role `json:"role"`
	NIP      string      `json:"nip"`
	Units    []string    `json:"units"`
	Email    string      `json:"email"`
	Password string      `json:"password"`
}

// Created is a new account and, when it was generated, its password,
// shown this once; Invited when its owner was mailed an invitation
// instead.
type Created struct {
	Account  models.Account `json:"account"`
	Password string         `json:"password,omitempty"`
	Invited  bool           `json:"invited,omitempty"`
}

// check checks r's name and units, which account.Params does not.
func (r CreateRequest) check() error {
	if err := checkName(r.Name); err != nil {
		return err
	}
	return checkUnits(r.Units)
}

// params is r as a new account's.
func (r CreateRequest) params() account.Params {
	return account.Params{Username: account.Username(r.Username), Name: r.Name, Password: r.Password, Role: r.Role,
		NIP: r.NIP, Units: r.Units, Email: strings.TrimSpace(r.Email)}
}

// Create stores a new account.
func (s *Service) Create(ctx context.Context, by models.Actor, r CreateRequest) (Created, error) {
	if err := r.check(); err != nil {
		return Created{}, err
	}
	if r.Password == "" && strings.TrimSpace(r.Email) != "" {
		acc, err := s.invite(ctx, by, r.params())
		if errors.Is(err, account.ErrExists) {
			err = apperr.Conflict("username", "nama pengguna sudah dipakai", "the username is taken")
		}
		return Created{Account: acc, Invited: err == nil}, err
	}
	out := Created{}
	if r.Password == "" {
		r.Password = account.NewPassword()
		out.Password = r.Password
	}
	p := r.params()
	if err := p.Check(); err != nil {
		return Created{}, err
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		acc, err := account.Create(tx, p)
		if errors.Is(err, account.ErrExists) {
			return apperr.Conflict("username", "nama pengguna sudah dipakai", "the username is taken")
		}
		if err != nil {
			return err
		}
		out.Account = acc
		return audit(tx, by, acc.Username, models.ActionAccountCreated, describe(acc))
	})
	return out, err
}

// SetDisabled disables or enables an account. Disabling ends its sessions
// and revokes its API tokens (apikey.RevokeAccount) at once; enabling
// gives back neither.
func (s *Service) SetDisabled(ctx context.Context, by models.Actor, username string, disabled bool) (models.Account, error) {
	if disabled && account.Username(username) == by.ID {
		return models.Account{}, apperr.Conflict("username", "Anda tidak dapat menonaktifkan akun Anda sendiri",
			"you cannot disable your own account")
	}
	return s.change(ctx, by, username, func(tx *gorm.DB, acc *models.Account) (string, string, error) {
		if !disabled {
			acc.DisabledAt = nil
			return models.ActionAccountEnabled, "", tx.Model(acc).Update("disabled_at", nil).Error
		}
		now := time.Now()
		acc.DisabledAt = &now
		if err := tx.Model(acc).Update("disabled_at", now).Error; err != nil {
			return "", "", err
		}
		n, err := account.EndSessions(tx, acc.Username)
		if err != nil {
			return "", "", err
		}
		tokens, err := apikey.RevokeAccount(tx, *acc)
		return models.ActionAccountDisabled, fmt.Sprintf("%d sessions ended, %d API tokens revoked", n, tokens), err
	})
}

// ResetPassword sets an account's password: password, or when it is empty
// a generated one, which it returns this once. The account's sessions
// end.
func (s *Service) ResetPassword(ctx context.Context, by models.Actor, username, password string) (string, error) {
	generated := ""
	if password == "" {
		password = account.NewPassword()
		generated = password
	}
	if err := account.CheckNewPassword(password); err != nil {
		return "", err
	}
	_, err := s.change(ctx, by, username, func(tx *gorm.DB, acc *models.Account) (string, string, error) {
		if err := account.SetPassword(tx, acc.Username, password); err != nil {
			return "", "", err
		}
		links, err := endLinks(tx, acc.Username, time.Now())
		if err != nil {
			return "", "", err
		}
		n, err := account.EndSessions(tx, acc.Username)
		return models.ActionAccountPasswordReset, fmt.Sprintf("%d sessions ended, %d pending links cancelled", n, links), err
	})
	return generated, err
}

// ChangeRequest is an account's new role, NIP (employees) and units
// (approvers' scope).
type ChangeRequest struct {
	Role  models.Role `json:"role"`
	NIP   string      `json:"nip"`
	Units []string    `json:"units"`
}

// Change sets an account's role and its scope.
func (s *Service) Change(ctx context.Context, by models.Actor, username string, r ChangeRequest) (models.Account, error) {
	if err := checkUnits(r.Units); err != nil {
		return models.Account{}, err
	}
	if err := account.CheckRole(r.Role, r.NIP, r.Units); err != nil {
		return models.Account{}, err
	}
	if account.Username(username) == by.ID && r.Role != models.RoleAdmin {
		return models.Account{}, apperr.Conflict("role", "Anda tidak dapat mencabut peran admin Anda sendiri",
			"you cannot take the admin role from your own account")
	}
	return s.change(ctx, by, username, func(tx *gorm.DB, acc *models.Account) (string, string, error) {
		acc.Role, acc.NIP, acc.Units = r.Role, r.NIP, r.Units
		err := tx.Model(acc).Select("role", "nip", "units").Updates(acc).Error
		return models.ActionAccountChanged, describe(*acc), err
	})
}

// RevokeSessions ends an account's sessions: the one with ID id, or all
// of them when id is empty. It returns how many it ended.
func (s *Service) RevokeSessions(ctx context.Context, by models.Actor, username, id string) (int64, error) {
	var n int64
	_, err := s.change(ctx, by, username, func(tx *gorm.DB, acc *models.Account) (string, string, error) {
		var err error
		if id == "" {
			n, err = account.EndSessions(tx, acc.Username)
		} else if n, err = account.EndSessions(tx, acc.Username, id); err == nil && n == 0 {
			err = apperr.NotFound("sesi", id)
		}
		return models.ActionAccountSessionsRevoked, fmt.Sprintf("%d sessions ended", n), err
	})
	return n, err
}

// change runs f on the account, locked, in a transaction, and writes the
// audit line of the action and detail f returns.
func (s *Service) change(ctx context.Context, by models.Actor, username string,
	f func(tx *gorm.DB, acc *models.Account) (action, detail string, err error)) (models.Account, error) {
	var acc models.Account
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if acc, err = find(tx.Clauses(clause.Locking{Strength: "UPDATE"}), username); err != nil {
			return err
		}
		action, detail, err := f(tx, &acc)
		if err != nil {
			return err
		}
		return audit(tx, by, acc.Username, action, detail)
	})
	return acc, err
}

func find(db *gorm.DB, username string) (models.Account, error) {
	var acc models.Account
	username = account.Username(username)
	err := db.First(&acc, "username = ?", username).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return acc, apperr.NotFound("akun", username)
	}
	return acc, err
}

// audit writes the line of an action on an account.
func audit(tx *gorm.DB, by models.Actor, username, action, detail string) error {
	at := time.Now()
	line := username
	if detail != "" {
		line += ": " + detail
	}
	_, err := auditchain.Append(tx, &models.AuditEntry{Key: fmt.Sprintf("account:%s:%s:%d", username, action, at.UnixNano()),
		ActorID: by.ID, Role: by.Role, Action: action, Detail: line, At: at})
	return err
}

// describe is an account's role and scope as an audit line tells it.
func describe(acc models.Account) string {
	d := "role " + string(acc.Role)
	if acc.NIP != "" {
		d += ", NIP " + acc.NIP
	}
	if len(acc.Units) > 0 {
		d += ", units " + strings.Join(acc.Units, ",")
	}
	return d
}

func checkName(name string) error {
	if len([]rune(name)) > models.MaxName {
		return apperr.Invalid("name", fmt.Sprintf("nama paling banyak %d karakter", models.MaxName),
			fmt.Sprintf("the name has at most %d characters", models.MaxName))
	}
	return nil
}

func checkUnits(units []string) error {
	if len(units) > MaxUnits {
		return apperr.Invalid("units", fmt.Sprintf("paling banyak %d unit", MaxUnits), fmt.Sprintf("at most %d units", MaxUnits))
	}
	for _, u := range units {
		if u == "" || len(u) > models.MaxUnitID {
			return apperr.Invalid("units", fmt.Sprintf("ID unit harus 1 sampai %d karakter", models.MaxUnitID),
				fmt.Sprintf("a unit ID has 1 to %d characters", models.MaxUnitID))
		}
	}
	return nil
}
