// Package links signs and checks the one-time survey links that Mutasi
// sends to employees: a token names the transfer and its expiry, and an
// HMAC-SHA256 signature proves that Mutasi issued it. Single use is
// enforced by the survey's status, not by the token.
package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Errors a token can fail with.
var (
	ErrMalformed = errors.New("malformed survey token")
	ErrSignature = errors.New("survey token signature does not match")
	ErrExpired   = errors.New("survey token has expired")
)

// Sign returns the token for a transfer's survey that expires at expires.
// The same inputs give the same token, so a retried activity sends the
// same link.
func Sign(secret []byte, transferID string, expires time.Time) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(transferID)) + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + sign(secret, payload)
}

// Verify checks a token at now and returns the transfer it names.
func Verify(secret []byte, token string, now time.Time) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", ErrMalformed
	}
	payload := parts[0] + "." + parts[1]
	if !hmac.Equal([]byte(sign(secret, payload)), []byte(parts[2])) {
		return "", ErrSignature
	}
	id, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", ErrMalformed
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", ErrMalformed
	}
	if !now.Before(time.Unix(exp, 0)) {
		return "", ErrExpired
	}
	return string(id), nil
}

func sign(secret []byte, payload string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
