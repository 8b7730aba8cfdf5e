package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/ratelimit"
)

// Wrong bearer tokens a client address may send at once, and how often
// one is forgiven after that.
const (
	tokenFailureBurst = 20
	tokenFailureEvery = 30 * time.Second
)

// DefaultTokenLimiter allows a client address 20 wrong bearer tokens,
// then one every 30 seconds: a client with a stale token is hardly
// slowed, a guesser gets two tries a minute.
func DefaultTokenLimiter() *ratelimit.Limiter {
	return ratelimit.New(tokenFailureBurst, tokenFailureEvery)
}

// tokenAttemptAllowed refuses, with 429 and Retry-After, a request from
// an address that sent too many wrong tokens, before its token is
// checked, so a guess gets no answer. The address is the connection's
// peer, not a forwarded header a client could forge.
func (s *Server) tokenAttemptAllowed(c *gin.Context) error {
	ok, wait := s.TokenLimiter.Allow(c.RemoteIP())
	if ok {
		return nil
	}
	c.Header("Retry-After", strconv.Itoa(int(wait/time.Second)))
	return fail(http.StatusTooManyRequests, "Authorization",
		"terlalu banyak token yang salah; coba lagi nanti", "too many wrong tokens; try again later")
}
