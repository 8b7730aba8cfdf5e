package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/dbtest"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/ratelimit"
)

// TestTokenGuessingIsRateLimited sends wrong bearer tokens from one
// address until the limiter refuses it: then even a right token from that
// address gets 429 (a guess gets no answer), a forged X-Forwarded-For does
// not help, and other addresses are not affected.
func TestTokenGuessingIsRateLimited(t *testing.T) {
	gdb, _ := dbtest.NewSQLite(t)
	tok, err := apikey.Issue(gdb, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{DB: gdb, LinkSecret: []byte("x"), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		TokenLimiter: ratelimit.New(3, time.Hour)}
	h := s.Handler()
	get := func(addr, token string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/transfers", nil)
		req.RemoteAddr = addr
		req.Header.Set("Authorization", "Bearer "+token)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	guesser, other := "203.0.113.7:40000", "198.51.100.9:40000"
	for i := range 3 {
		if r := get(guesser, "mts_000000000000_guess"+string(rune('a'+i))); r.Code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i+1, r.Code)
		}
	}
	r := get(guesser, "mts_000000000000_guessd")
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") != "3600" {
		t.Fatalf("fourth wrong token: %d, Retry-After %q; want 429 after 3600s: %s", r.Code, r.Header().Get("Retry-After"), r.Body)
	}
	if r := get(guesser, tok); r.Code != http.StatusTooManyRequests {
		t.Errorf("a right token from the blocked address: %d, want 429", r.Code)
	}
	if r := get(guesser, tok, "X-Forwarded-For", "192.0.2.1", "X-Real-IP", "192.0.2.1"); r.Code != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For got around the limit: %d", r.Code)
	}
	if r := get(other, tok); r.Code != http.StatusOK {
		t.Errorf("another address with a right token: %d, want 200: %s", r.Code, r.Body)
	}
	// A right token does not count against the address.
	for range 10 {
		if r := get(other, tok); r.Code != http.StatusOK {
			t.Fatalf("repeated right tokens: %d", r.Code)
		}
	}
	// Without a token the request is refused but not counted as a guess.
	req := httptest.NewRequest("GET", "/api/v1/transfers", nil)
	req.RemoteAddr = other
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("no token: %d", rec.Code)
	}
	if ok, _ := s.TokenLimiter.Allow("198.51.100.9"); !ok {
		t.Error("right tokens and missing ones were counted as guesses")
	}
}
