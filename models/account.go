package models

import "time"

// Account is a person's sign-in for the web pages: a username, a password
// stored only as its argon2id hash, and the role the person acts in. An
// employee's account is tied to their NIP; an approver's may be limited to
// some units, as API tokens are.
type Account struct {
	Username     string     `gorm:"primaryKey;size:64" json:"username"`
	Name         string     `gorm:"not null" json:"name"`
	PasswordHash string     `gorm:"not null" json:"-"`
	Role         Role       `gorm:"size:16;not null" json:"role"`
	NIP          string     `gorm:"column:nip;size:18" json:"nip,omitempty"`
	Units        []string   `gorm:"serializer:json" json:"units,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
	// LastSignInAt is when the account last signed in (nil: never).
	LastSignInAt *time.Time `json:"last_sign_in_at,omitempty"`
}

// Actor is who the account acts as: the audit trail records the username.
func (a Account) Actor() Actor {
	return Actor{ID: a.Username, Role: a.Role, NIP: a.NIP, Units: a.Units}
}

// Session is a signed-in browser. Its ID is the SHA-256 of the opaque
// token in the session cookie, so the database holds no usable session.
type Session struct {
	ID        string    `gorm:"primaryKey;size:64" json:"id"`
	Username  string    `gorm:"size:64;not null;index" json:"username"`
	CreatedAt time.Time `gorm:"not null" json:"created_at"`
	ExpiresAt time.Time `gorm:"not null;index" json:"expires_at"`
}
