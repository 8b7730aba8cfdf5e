package models

import "time"

// Account is a person's sign-in for the web pages: a username, a password
// stored only as its argon2id hash, and the role the person acts in. An
// employee's account is tied to their NIP; an approver's may be limited to
// some units, as API tokens are.
type Account struct {
	Username     string `gorm:"primaryKey;size:64" json:"username"`
	Name         string `gorm:"not null" json:"name"`
	PasswordHash string `gorm:"not null" json:"-"`
	Role         Role   `gorm:"size:16;not null" json:"role"`
	NIP          string `gorm:"column:nip;size:18" json:"nip,omitempty"`
	// Email is where the account's invitation and password-reset links
	// go (an employee's also from the employee's record).
	Email string `gorm:"size:254;not null;default:''" json:"email,omitempty"`
	// EmailKey is EmailKey(Email), which accounts are found by.
	EmailKey   string     `gorm:"size:254;not null;default:'';index" json:"-"`
	Units      []string   `gorm:"serializer:json" json:"units,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
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

// The purposes of an account link.
const (
	// LinkInvitation sets the first password of an invited account.
	LinkInvitation = "invitation"
	// LinkPasswordReset replaces a forgotten password.
	LinkPasswordReset = "password_reset"
)

// AccountLink is a one-time, expiring link mailed to an account's owner to
// set its password: an invitation or a password reset. Its ID is the
// SHA-256 of the token in the link, so the database holds no usable link.
type AccountLink struct {
	ID        string     `gorm:"primaryKey;size:64" json:"-"`
	Username  string     `gorm:"size:64;not null;index" json:"username"`
	Purpose   string     `gorm:"size:16;not null" json:"purpose"`
	CreatedAt time.Time  `gorm:"not null" json:"created_at"`
	ExpiresAt time.Time  `gorm:"not null" json:"expires_at"`
	UsedAt    *time.Time `json:"used_at,omitempty"`
}
