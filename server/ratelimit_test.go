package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/ratelimit"
	"github.com/bkpsdm/mutasi/testkit"
)

// guessServer is a server whose limiter allows the default burst of
// guesses and then forgives none within a test, so counts are exact.
func guessServer(t *testing.T, proxies ...netip.Prefix) (*Server, http.Handler) {
	gdb, _ := testkit.New(t)
	s := &Server{DB: gdb, LinkSecret: []byte("x"), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		TokenLimiter: ratelimit.New(tokenFailureBurst, time.Hour), TrustedProxies: proxies}
	return s, s.Handler()
}

// send serves one request from the peer addr, with header pairs.
func send(h http.Handler, req *http.Request, addr string, header ...string) *httptest.ResponseRecorder {
	req.RemoteAddr = addr
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// bearer asks for the transfers with a bearer token from the peer addr.
func bearer(h http.Handler, addr, token string, header ...string) *httptest.ResponseRecorder {
	return send(h, httptest.NewRequest("GET", "/api/v1/transfers", nil), addr, append(header, "Authorization", "Bearer "+token)...)
}

// TestTokenGuessingIsRateLimited sends wrong bearer tokens from one
// address until the limiter refuses it: wrong tokens then get 429, but a
// right token from that address still passes, a forged X-Forwarded-For
// does not help, other addresses are not affected, and wrong tokens sent
// at once are counted exactly.
func TestTokenGuessingIsRateLimited(t *testing.T) {
	s, h := guessServer(t)
	tok, err := apikey.Issue(s.DB, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		t.Fatal(err)
	}
	guesser, other := "203.0.113.7:40000", "198.51.100.9:40000"
	for i := range tokenFailureBurst {
		if r := bearer(h, guesser, fmt.Sprintf("mts_000000000000_guess%d", i)); r.Code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i+1, r.Code)
		}
	}
	r := bearer(h, guesser, "mts_000000000000_guess")
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") != "3600" {
		t.Fatalf("wrong token %d: %d, Retry-After %q; want 429 after 3600s: %s", tokenFailureBurst+1, r.Code,
			r.Header().Get("Retry-After"), r.Body)
	}
	if r := bearer(h, guesser, tok); r.Code != http.StatusOK {
		t.Errorf("a right token from the address that used up its budget: %d, want 200: %s", r.Code, r.Body)
	}
	if r := bearer(h, guesser, "mts_000000000000_guess", "X-Forwarded-For", "192.0.2.1", "X-Real-IP", "192.0.2.1"); r.Code != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For got around the limit: %d", r.Code)
	}
	if r := bearer(h, other, "mts_000000000000_guess"); r.Code != http.StatusUnauthorized {
		t.Errorf("a wrong token from another address: %d, want 401: %s", r.Code, r.Body)
	}
	// Right tokens and missing ones do not count against the address.
	for range 2 * tokenFailureBurst {
		if r := bearer(h, other, tok); r.Code != http.StatusOK {
			t.Fatalf("repeated right tokens: %d", r.Code)
		}
		if r := send(h, httptest.NewRequest("GET", "/api/v1/transfers", nil), other); r.Code != http.StatusUnauthorized {
			t.Fatalf("no token: %d", r.Code)
		}
	}
	if r := bearer(h, other, "mts_000000000000_guess"); r.Code != http.StatusUnauthorized {
		t.Errorf("right tokens and missing ones were counted as guesses: %d", r.Code)
	}

	// Wrong tokens sent at once from a third address: exactly the budget
	// is answered.
	codes := concurrently(300, func(int) int { return bearer(h, "192.0.2.50:40000", "mts_000000000000_guess").Code })
	if codes[http.StatusUnauthorized] != tokenFailureBurst || codes[http.StatusTooManyRequests] != 300-tokenFailureBurst {
		t.Errorf("300 wrong tokens at once: %v; want %d × 401 and the rest 429", codes, tokenFailureBurst)
	}
}

// concurrently runs n requests at once and counts their statuses.
func concurrently(n int, request func(i int) int) map[int]int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	codes := map[int]int{}
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			code := request(i)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return codes
}

// signInForm posts the sign-in form for username from the peer addr, with
// a valid CSRF token, and returns the status.
func signInForm(h http.Handler, addr, username, password string, header ...string) int {
	const seed = "anonymous-browser-secret"
	form := url.Values{csrfField: {csrfToken(seed)}, "username": {username}, "password": {password}}
	req := httptest.NewRequest("POST", "http://localhost/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: csrfCookie, Value: seed})
	return send(h, req, addr, header...).Code
}

// TestPasswordGuessesAtOnce sends 300 wrong passwords at once from one
// address: exactly the budget is checked and answered 401, the rest 429.
func TestPasswordGuessesAtOnce(t *testing.T) {
	s, h := guessServer(t)
	addAccount(t, s, "hr1", models.RoleHR, "")
	codes := concurrently(300, func(int) int { return signInForm(h, "203.0.113.7:40000", "hr1", "salah-salah-salah") })
	if codes[http.StatusUnauthorized] != tokenFailureBurst || codes[http.StatusTooManyRequests] != 300-tokenFailureBurst {
		t.Errorf("300 wrong passwords at once: %v; want %d × 401 and the rest 429", codes, tokenFailureBurst)
	}
}

// TestPasswordGuessesPerAccount spreads wrong passwords for one account
// over many addresses: the account's budget holds, however the name is
// typed, while other accounts and the addresses themselves are not
// affected; a right password gives its attempt back.
func TestPasswordGuessesPerAccount(t *testing.T) {
	s, h := guessServer(t)
	addAccount(t, s, "hr1", models.RoleHR, "")
	addAccount(t, s, "tpk1", models.RoleTPK, "")
	addr := func(i int) string { return fmt.Sprintf("198.51.100.%d:40000", i) }
	for i := range tokenFailureBurst {
		if code := signInForm(h, addr(i), "hr1", "salah-salah-salah"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i+1, code)
		}
	}
	if code := signInForm(h, addr(100), " HR1 ", "salah-salah-salah"); code != http.StatusTooManyRequests {
		t.Errorf("wrong password %d, from a new address: %d, want 429", tokenFailureBurst+1, code)
	}
	if code := signInForm(h, addr(0), "tpk1", "salah-salah-salah"); code != http.StatusUnauthorized {
		t.Errorf("a wrong password for another account: %d, want 401", code)
	}
	for range 2 * tokenFailureBurst {
		if code := signInForm(h, addr(0), "tpk1", testPassword); code != http.StatusSeeOther {
			t.Fatalf("the right password for another account: %d, want 303", code)
		}
	}
}

// TestTrustedProxyNamesTheClient puts a trusted proxy in front: the
// client it forwards is limited, not the proxy, while a forwarded header
// from any other peer, or one a client sent through the proxy, is ignored.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	_, h := guessServer(t, netip.MustParsePrefix("10.0.0.0/8"))
	proxy, direct := "10.0.0.5:50000", "198.51.100.9:40000"
	xff := func(client string) []string { return []string{"X-Forwarded-For", client} }
	for i := range tokenFailureBurst {
		if r := bearer(h, proxy, "mts_000000000000_guess", xff("203.0.113.7")...); r.Code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d through the proxy: %d, want 401", i+1, r.Code)
		}
	}
	if r := bearer(h, proxy, "mts_000000000000_guess", xff("203.0.113.7")...); r.Code != http.StatusTooManyRequests {
		t.Errorf("the guesser through the proxy: %d, want 429", r.Code)
	}
	if r := bearer(h, proxy, "mts_000000000000_guess", xff("192.0.2.1, 203.0.113.7")...); r.Code != http.StatusTooManyRequests {
		t.Errorf("the guesser naming another client in its own X-Forwarded-For: %d, want 429", r.Code)
	}
	if r := bearer(h, proxy, "mts_000000000000_guess", xff("203.0.113.8")...); r.Code != http.StatusUnauthorized {
		t.Errorf("another client through the same proxy: %d, want 401", r.Code)
	}
	for i := range tokenFailureBurst {
		if r := bearer(h, direct, "mts_000000000000_guess", xff(fmt.Sprintf("192.0.2.%d", i))...); r.Code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d from an untrusted peer: %d, want 401", i+1, r.Code)
		}
	}
	if r := bearer(h, direct, "mts_000000000000_guess", xff("192.0.2.99")...); r.Code != http.StatusTooManyRequests {
		t.Errorf("an untrusted peer's X-Forwarded-For was believed: %d, want 429", r.Code)
	}
}
