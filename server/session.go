package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// The pages sign people in with local accounts (package account). A
// session is an opaque random token in an HttpOnly, SameSite=Lax cookie,
// Secure with the __Host- prefix except on plain HTTP to a loopback
// address (the dev stack); the database keeps only its SHA-256.
//
// Every form carries a CSRF token: the HMAC of a fixed label keyed by the
// browser's secret, which is the session token once signed in and, before
// that (the sign-in form, the survey form), a random value in its own
// cookie. A POST whose token does not match is refused, so another site
// cannot submit a form in a signed-in browser: it can neither read the
// cookie nor compute the token.

const (
	sessionCookie = "mutasi_session"
	csrfCookie    = "mutasi_csrf"
	sessionKey    = "session"
	csrfField     = "csrf_token"
)

// session is the signed-in account of a request and its token.
type session struct {
	account models.Account
	token   string
}

// secureRequest reports whether cookies must be Secure: always, except
// for plain HTTP to a loopback address, where browsers would drop them.
func secureRequest(c *gin.Context) bool {
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		return true
	}
	host := c.Request.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip == nil || !ip.IsLoopback()
}

// cookieName gives a cookie the __Host- prefix when it is Secure, which
// binds it to this host and path /.
func cookieName(c *gin.Context, name string) string {
	if secureRequest(c) {
		return "__Host-" + name
	}
	return name
}

func setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: cookieName(c, name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secureRequest(c), SameSite: http.SameSiteLaxMode})
}

func readCookie(c *gin.Context, name string) string {
	v, err := c.Cookie(cookieName(c, name))
	if err != nil {
		return ""
	}
	return v
}

// withSession puts the request's live session, if any, on the context.
func (s *Server) withSession(c *gin.Context) {
	if token := readCookie(c, sessionCookie); token != "" {
		acc, err := account.LookupSession(s.DB.WithContext(c.Request.Context()), token, time.Now())
		switch {
		case err == nil:
			c.Set(sessionKey, &session{account: acc, token: token})
		case errors.Is(err, account.ErrInvalid):
			setCookie(c, sessionCookie, "", -1)
		default:
			s.Log.Error("session lookup failed", "error", err)
		}
	}
	c.Next()
}

func currentSession(c *gin.Context) *session {
	v, _ := c.Get(sessionKey)
	sess, _ := v.(*session)
	return sess
}

// sessionActor returns the actor of a signed-in browser for the API's
// safe methods, so the pages can link to the API's downloads and charts.
// Writes through the API still need a bearer token: a cookie alone never
// changes anything there.
func (s *Server) sessionActor(c *gin.Context) (models.Actor, bool) {
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return models.Actor{}, false
	}
	token := readCookie(c, sessionCookie)
	if token == "" {
		return models.Actor{}, false
	}
	acc, err := account.LookupSession(s.DB.WithContext(c.Request.Context()), token, time.Now())
	if err != nil {
		return models.Actor{}, false
	}
	return acc.Actor(), true
}

// csrfSeed is the browser's secret the CSRF token is derived from: the
// session token, or the anonymous CSRF cookie, made when create is set.
func csrfSeed(c *gin.Context, create bool) string {
	if sess := currentSession(c); sess != nil {
		return sess.token
	}
	seed := readCookie(c, csrfCookie)
	if seed == "" && create {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return ""
		}
		seed = base64.RawURLEncoding.EncodeToString(b)
		setCookie(c, csrfCookie, seed, 0)
	}
	return seed
}

func csrfToken(seed string) string {
	m := hmac.New(sha256.New, []byte(seed))
	m.Write([]byte("mutasi-csrf-v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF reports whether a POST carries the browser's CSRF token.
func checkCSRF(c *gin.Context) bool {
	seed := csrfSeed(c, false)
	got := c.PostForm(csrfField)
	return seed != "" && got != "" && hmac.Equal([]byte(got), []byte(csrfToken(seed)))
}

// signIn checks the credentials, opens a session and sends the person on.
// Each attempt is reserved, before the password is checked, against the
// client's budget, which wrong bearer tokens share, and the account's,
// so that guesses sent at once or spread over many addresses are slowed
// alike; a right password gives its attempt back.
func (s *Server) signIn(c *gin.Context, v *view) error {
	if s.passwordsOff() {
		return errPasswordsOff
	}
	keys := []string{clientKey(c), accountKey(c.PostForm("username"))}
	if ok, wait := s.TokenLimiter.Take(keys...); !ok {
		return s.formFailed(c, v, "signin", tooManyGuesses(c, wait, "password",
			"terlalu banyak percobaan yang salah; coba lagi nanti", "too many wrong attempts; try again later"), s.signInPage)
	}
	acc, err := account.Authenticate(s.DB.WithContext(c.Request.Context()), c.PostForm("username"), c.PostForm("password"))
	if errors.Is(err, account.ErrInvalid) {
		err = apperr.New(apperr.KindUnauth, "password", "nama pengguna atau kata sandi salah", "wrong username or password")
	} else {
		s.TokenLimiter.Refund(keys...)
	}
	if err != nil {
		return s.formFailed(c, v, "signin", err, s.signInPage)
	}
	return s.openSession(c, acc, c.PostForm("next"), "password")
}

// openSession signs acc in on this browser, which it sends on to next (a
// local path) or else to the role's home; how says by what means, for the
// log.
func (s *Server) openSession(c *gin.Context, acc models.Account, next, how string) error {
	// A session this browser had ends: it no longer holds its cookie.
	if sess := currentSession(c); sess != nil {
		if err := account.EndSession(s.DB.WithContext(c.Request.Context()), sess.token); err != nil {
			return err
		}
	}
	token, err := account.StartSession(s.DB.WithContext(c.Request.Context()), acc, time.Now())
	if err != nil {
		return err
	}
	setCookie(c, sessionCookie, token, int(account.SessionTTL/time.Second))
	setCookie(c, csrfCookie, "", -1)
	s.Log.Info("signed in", "account", acc.Username, "role", acc.Role, "method", how)
	if !localPath(next) {
		next = homeOf(acc.Role)
	}
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

// signOut ends the session.
func (s *Server) signOut(c *gin.Context, v *view) error {
	if sess := currentSession(c); sess != nil {
		if err := account.EndSession(s.DB.WithContext(c.Request.Context()), sess.token); err != nil {
			return err
		}
	}
	setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/signin?msg=signed_out")
	return nil
}

func (s *Server) signInPage(c *gin.Context, v *view) error {
	if v.Account != nil && c.Request.Method == http.MethodGet {
		c.Redirect(http.StatusSeeOther, homeOf(v.Account.Role))
		return nil
	}
	next := c.Query("next")
	if c.Request.Method == http.MethodPost {
		next = c.PostForm("next")
	}
	if !localPath(next) {
		next = ""
	}
	return s.render(c, v, "signin", "title.signin", gin.H{"Next": next, "SSO": s.SSO != nil, "Passwords": !s.passwordsOff()})
}

// localPath reports whether p is a path on this site, safe to redirect
// to after sign-in.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') {
		return false
	}
	// Browsers drop tabs and line breaks from a URL, so "/\t/host" would
	// lead away: no control or space character at all.
	for _, r := range p {
		if r < 0x20 || r == 0x7f || unicode.IsSpace(r) {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

// homeOf is the first page of each role.
func homeOf(r models.Role) string {
	switch r {
	case models.RoleHR:
		return "/dashboard"
	case models.RoleTPK, models.RolePPK:
		return "/inbox"
	case models.RoleAdmin:
		return "/accounts"
	}
	return "/me"
}
