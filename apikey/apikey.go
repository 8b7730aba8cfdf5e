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
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
)

// ErrInvalid is returned for a token that is malformed, unknown or
// revoked.
var ErrInvalid = errors.New("invalid or revoked API token")

// Issue creates a token for actor, stores its hash and returns the token.
func Issue(gdb *gorm.DB, name string, actor models.Actor) (string, error) {
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
	key := models.APIKey{ID: hex.EncodeToString(id), Name: name, ActorID: actor.ID, Role: actor.Role, NIP: actor.NIP,
		Units: actor.Units, CreatedAt: time.Now()}
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
	err := gdb.Where("hash = ? AND revoked_at IS NULL", hash(token)).First(&key).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Actor{}, ErrInvalid
	}
	if err != nil {
		return models.Actor{}, err
	}
	return models.Actor{ID: key.ActorID, Role: key.Role, NIP: key.NIP, Units: key.Units}, nil
}

// Revoke revokes the token with the given ID (its public prefix).
func Revoke(gdb *gorm.DB, id string) error {
	res := gdb.Model(&models.APIKey{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", time.Now())
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrInvalid
	}
	return res.Error
}

func hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func validRole(r models.Role) bool {
	switch r {
	case models.RoleHR, models.RoleTPK, models.RolePPK, models.RoleEmployee, models.RoleSystem:
		return true
	}
	return false
}
