package models

import "time"

// APIKey is a bearer token for the API, stored as the SHA-256 of the
// token: the token itself is shown once, when it is issued.
type APIKey struct {
	ID        string    `gorm:"primaryKey;size:16" json:"id"` // the token's public prefix
	Hash      string    `gorm:"size:64;not null;uniqueIndex" json:"-"`
	Name      string    `gorm:"not null" json:"name"`
	ActorID   string    `gorm:"not null" json:"actor_id"`
	Role      Role      `gorm:"size:16;not null" json:"role"`
	NIP       string    `gorm:"column:nip;size:18" json:"nip,omitempty"`
	Units     []string  `gorm:"serializer:json" json:"units,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is when the token stops working; nil for tokens issued
	// before tokens expired (re-issue them).
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}
