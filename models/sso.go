package models

import "time"

// SSOLogin is a sign-in through the identity provider (OpenID Connect)
// that has started and not come back yet. Its ID is the SHA-256 of the
// state sent to the provider, so the database holds no usable state; it
// is deleted when the browser comes back, so that it is used once. A
// verified sign-in that matched several accounts waits here too, under
// its own token, for the person to choose one (Choices).
type SSOLogin struct {
	ID string `gorm:"primaryKey;size:64"`
	// Nonce is the value the ID token must carry.
	Nonce string `gorm:"size:64;not null"`
	// Verifier is the PKCE code verifier the code is exchanged with.
	Verifier string `gorm:"size:128;not null"`
	// Next is the local path to go to after signing in (empty: home).
	Next string `gorm:"size:2048;not null;default:''"`
	// Choices are the usernames of the accounts a verified sign-in may
	// go on with (none: a sign-in still at the provider).
	Choices   []string  `gorm:"serializer:json"`
	ExpiresAt time.Time `gorm:"not null;index"`
}
