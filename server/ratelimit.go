package server

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/ratelimit"
)

// Wrong guesses (bearer tokens and passwords) a client, or an account
// being signed into, may make at once, and how often one is forgiven
// after that.
const (
	tokenFailureBurst = 20
	tokenFailureEvery = 30 * time.Second
)

// DefaultTokenLimiter allows a client 20 wrong bearer tokens or
// passwords, and an account 20 wrong passwords, then one every 30
// seconds: a client with a stale token is hardly slowed, a guesser gets
// two tries a minute.
func DefaultTokenLimiter() *ratelimit.Limiter {
	return ratelimit.New(tokenFailureBurst, tokenFailureEvery)
}

// Password-reset mails a client, or an address, may ask for at once, and
// how often one more is allowed after that.
const (
	resetBurst = 5
	resetEvery = 10 * time.Minute
)

// DefaultResetLimiter allows a client, and an address, 5 password-reset
// requests at once and then one every 10 minutes, whether or not the
// address has an account: nobody can flood a mailbox, nor learn from
// being refused which addresses are known.
func DefaultResetLimiter() *ratelimit.Limiter {
	return ratelimit.New(resetBurst, resetEvery)
}

// Single sign-on starts a client may make at once, and how often one
// more is allowed after that.
const (
	ssoStartBurst = 30
	ssoStartEvery = 6 * time.Second
)

// DefaultSSOStartLimiter allows a client 30 single sign-on starts at once
// and then ten a minute: within sso.LoginTTL one client keeps at most 130
// sign-ins pending, far from sso.MaxPending, while an office behind one
// address can still sign its people in at the start of the day.
func DefaultSSOStartLimiter() *ratelimit.Limiter {
	return ratelimit.New(ssoStartBurst, ssoStartEvery)
}

// clientKey is the limiter's key of the request's client: the address
// Gin's ClientIP gives, which is the connection's peer or, from a trusted
// proxy, the address the proxy forwards, never a header a client could
// forge.
func clientKey(c *gin.Context) string {
	a, err := netip.ParseAddr(c.ClientIP())
	if err != nil {
		return "client ?"
	}
	return "client " + clientOf(a)
}

// accountKey is the limiter's key of the account a sign-in names.
func accountKey(username string) string {
	return "account " + account.Username(username)
}

// tooManyGuesses refuses, with 429 and Retry-After, an attempt the
// limiter refused.
func tooManyGuesses(c *gin.Context, wait time.Duration, field, detail, detailEN string) error {
	c.Header("Retry-After", strconv.Itoa(int(wait/time.Second)))
	return apperr.New(apperr.KindTooMany, field, detail, detailEN)
}
