// Package apikey issues and checks the API's bearer tokens. A token is
// "mts_<id>_<secret>"; only its SHA-256 is stored, so a stolen database
// holds no usable token.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/models"
)

// ErrInvalid is returned for a token that is malformed, unknown, expired
// or revoked.
var ErrInvalid = errors.New("invalid, expired or revoked API token")

const day = 24 * time.Hour

// DefaultTTL is how long a token works unless its issuer says otherwise.
const DefaultTTL = 90 * day

// MaxTTL is the longest life a token may be given.
const MaxTTL = 730 * day

// Issue creates a token for actor that works for DefaultTTL, stores its
// hash and returns the token.
func Issue(gdb *gorm.DB, name string, actor models.Actor) (string, error) {
	return IssueFor(gdb, name, actor, DefaultTTL)
}

// IssueFor is Issue with the token's life: more than zero, at most
// MaxTTL.
func IssueFor(gdb *gorm.DB, name string, actor models.Actor, ttl time.Duration) (string, error) {
	if ttl <= 0 || ttl > MaxTTL {
		return "", fmt.Errorf("a token's life must be more than 0 and at most %d days, not %.1f days", MaxTTL/day, float64(ttl)/float64(day))
	}
	if !validRole(actor.Role) {
		return "", fmt.Errorf("unknown role %q", actor.Role)
	}
	if actor.Role == models.RoleEmployee {
		if _, err := models.ParseNIP(actor.NIP); err != nil {
			return "", fmt.Errorf("an employee token needs the employee's NIP: %w", err)
		}
	}
	id, secret := make([]byte, 6), make([]byte, 24)
	if _, err := rand.Read(id); err != nil {
		return "", err
	}
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	now := time.Now()
	expires := now.Add(ttl)
	key := models.APIKey{ID: hex.EncodeToString(id), Name: name, ActorID: actor.ID, Role: actor.Role, NIP: actor.NIP,
		Units: actor.Units, CreatedAt: now, ExpiresAt: &expires}
	token := "mts_" + key.ID + "_" + base64.RawURLEncoding.EncodeToString(secret)
	key.Hash = hash(token)
	if key.ActorID == "" {
		key.ActorID = key.ID
	}
	if err := gdb.Create(&key).Error; err != nil {
		return "", err
	}
	return token, nil
}

// Lookup returns the actor a token stands for.
func Lookup(gdb *gorm.DB, token string) (models.Actor, error) {
	if !strings.HasPrefix(token, "mts_") {
		return models.Actor{}, ErrInvalid
	}
	var key models.APIKey
	err := gdb.Where("hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", hash(token), time.Now()).
		First(&key).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Actor{}, ErrInvalid
	}
	if err != nil {
		return models.Actor{}, err
	}
	return models.Actor{ID: key.ActorID, Role: key.Role, NIP: key.NIP, Units: key.Units}, nil
}

// List returns the newest limit tokens, revoked and expired ones too;
// their hashes never leave the database (models.APIKey hides them).
func List(gdb *gorm.DB, limit int) ([]models.APIKey, error) {
	var keys []models.APIKey
	return keys, gdb.Order("created_at DESC, id").Limit(limit).Find(&keys).Error
}

// Revoke revokes the token with the given ID (its public prefix) and
// returns it as revoked; ErrInvalid when there is no such token not yet
// revoked. The audit trail records by as having revoked it.
func Revoke(gdb *gorm.DB, id string, by models.Actor) (models.APIKey, error) {
	var key models.APIKey
	err := gdb.Transaction(func(tx *gorm.DB) error {
		now := time.Now()
		res := tx.Model(&models.APIKey{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrInvalid
		}
		if err := tx.First(&key, "id = ?", id).Error; err != nil {
			return err
		}
		_, err := auditchain.Append(tx, &models.AuditEntry{Key: fmt.Sprintf("token:%s:revoked", id), ActorID: by.ID,
			Role: by.Role, Action: models.ActionTokenRevoked, At: now,
			Detail: fmt.Sprintf("token %s (%s, actor %s, role %s)", key.ID, key.Name, key.ActorID, key.Role)})
		return err
	})
	return key, err
}

// RevokeAccount revokes, in gdb (the transaction that disables the
// account), the live tokens that act as acc: those whose actor is its
// username, and for an employee's account those of the employee's NIP. It
// returns how many it revoked.
func RevokeAccount(gdb *gorm.DB, acc models.Account) (int64, error) {
	q := gdb.Model(&models.APIKey{}).Where("revoked_at IS NULL")
	if acc.Role == models.RoleEmployee && acc.NIP != "" {
		q = q.Where("(actor_id = ? OR (role = ? AND nip = ?))", acc.Username, models.RoleEmployee, acc.NIP)
	} else {
		q = q.Where("actor_id = ?", acc.Username)
	}
	res := q.Update("revoked_at", time.Now())
	return res.RowsAffected, res.Error
}

func hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// validRole reports whether a token may carry the role: a person's, or
// the system's.
func validRole(r models.Role) bool {
	return r == models.RoleSystem || slices.Contains(models.AccountRoles, r)
}
