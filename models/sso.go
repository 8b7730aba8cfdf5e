package models

import "time"

// SSOLogin is a sign-in through the identity provider (OpenID Connect)
// that has started and not come back yet. Its ID is the SHA-256 of the
// state sent to the provider, so the database holds no usable state; it
// is deleted when the browser comes back, so that it is used once.
type SSOLogin struct {
	ID string `gorm:"primaryKey;size:64"`
	// Nonce is the value the ID token must carry.
	Nonce string `gorm:"size:64;not null"`
	// Verifier is the PKCE code verifier the code is exchanged with.
	Verifier string `gorm:"size:128;not null"`
	// Next is the local path to go to after signing in (empty: home).
	Next      string    `gorm:"size:2048;not null;default:''"`
	ExpiresAt time.Time `gorm:"not null;index"`
}
