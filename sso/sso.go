// Package sso signs people in to the web pages through an identity
// provider with OpenID Connect: the authorization code flow with PKCE
// (S256), a state and a nonce. What a sign-in needs on its way back (the
// nonce, the PKCE verifier, the page to go on to) is kept in the database
// under the SHA-256 of its state, for LoginTTL, and deleted when the
// browser comes back, so that a state is used once; the browser that
// started is given the state in a cookie, which must come back with it.
//
// The ID token's signature, issuer, audience and expiry are checked with
// go-oidc, its nonce here; the provider failing on the network is a
// moment's fault (unavailable), not a token refused. The person is matched
// to an existing account by a claim, their NIP or their e-mail; nobody
// gets an account by signing in. Roles come from the account, or from a
// claim, which must name one of models.AccountRoles. Of several enabled
// accounts of one person the roles claim picks the one with its role, or
// else the person chooses (Choose, FinishChoice).
package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/accounts"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// Match says which claim of the ID token finds a person's account.
type Match string

// The claims accounts are matched by.
const (
	// MatchNIP finds the employee's account with the NIP in the claim
	// Config.NIPClaim, or else the account whose username is that NIP.
	MatchNIP Match = "nip"
	// MatchEmail finds the accounts stored with the verified "email"
	// claim as their address, and the employee's account of the employee
	// whose record has it (accounts.WithEmail).
	MatchEmail Match = "email"
)

// ChoiceTTL is how long a verified sign-in that matched several accounts
// waits for the person to choose one.
const ChoiceTTL = 5 * time.Minute

// LoginTTL is how long a started sign-in waits for the browser to come
// back from the identity provider.
const LoginTTL = 10 * time.Minute

// MaxPending bounds the sign-ins started and not finished within
// LoginTTL, which anyone may start: beyond it a start is refused for a
// while (too many) instead of filling the database.
const MaxPending = 10000

// Limits on what comes back from the identity provider through the
// browser.
const (
	maxState = 64
	maxCode  = 2048
	// maxShown bounds a claim's value quoted on a page.
	maxShown = 64
)

// DefaultNIPClaim is the claim that holds the NIP when none is set.
const DefaultNIPClaim = "nip"

// Config is how Mutasi reaches its identity provider.
type Config struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer/.well-known/openid-configuration.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is Mutasi's /signin/sso/callback as the browser reaches
	// it, registered with the provider.
	RedirectURL string
	// Match is the claim accounts are matched by.
	Match Match
	// NIPClaim is the claim holding the NIP, for MatchNIP (empty:
	// DefaultNIPClaim).
	NIPClaim string
	// RolesClaim is the claim holding the person's role; empty: the role
	// is the account's.
	RolesClaim string
	// PasswordsOff turns off signing in with local passwords.
	PasswordsOff bool
	// HTTPClient talks to the provider (nil: one with a 10-second
	// timeout).
	HTTPClient *http.Client
}

// Check reports what is wrong with the configuration, naming the setting.
func (c Config) Check() error {
	for _, u := range []struct{ name, value string }{{"issuer", c.Issuer}, {"redirect URL", c.RedirectURL}} {
		if err := checkURL(u.value); err != nil {
			return fmt.Errorf("the %s %q: %w", u.name, u.value, err)
		}
	}
	if c.ClientID == "" || c.ClientSecret == "" {
		return errors.New("the client ID and the client secret are both needed")
	}
	if c.Match != MatchNIP && c.Match != MatchEmail {
		return fmt.Errorf("accounts are matched by %q or %q, not %q", MatchNIP, MatchEmail, c.Match)
	}
	return nil
}

// checkURL accepts an absolute https URL, or http to a loopback host (a
// provider run on this machine, for trying things out).
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return errors.New("want an absolute URL, such as https://sso.example.go.id/realms/pemda")
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && (host == "localhost" || ip != nil && ip.IsLoopback()):
		return nil
	}
	return errors.New("want https (plain http only to localhost)")
}

// Client signs people in through one identity provider. Its discovery
// document is read at the first sign-in, and again after a failure, so a
// provider that is down does not keep Mutasi from starting. Sign-ins that
// need it at once share one fetch, each waiting only as long as its own
// request; a failure is answered for RetryDiscovery without asking the
// provider again.
type Client struct {
	cfg    Config
	flight singleflight.Group
	// mu guards what the fetch found; it is never held across the
	// network.
	mu       sync.Mutex
	provider *provider
	failure  error
	failedAt time.Time
}

// RetryDiscovery is how long a failure to read the discovery document is
// answered from memory before the provider is asked again.
const RetryDiscovery = 5 * time.Second

// discoveryTimeout bounds a fetch of the discovery document, which no
// request's context ends since several may wait for it.
const discoveryTimeout = 10 * time.Second

// provider is what the discovery document tells: the endpoints, the
// key set (shared, as it caches the keys) and the signing algorithms.
type provider struct {
	*oidc.Provider
	keys oidc.KeySet
	algs []string
}

// New checks cfg and returns its client.
func New(cfg Config) (*Client, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.NIPClaim == "" {
		cfg.NIPClaim = DefaultNIPClaim
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{cfg: cfg}, nil
}

// PasswordsOff reports whether local passwords are turned off.
func (c *Client) PasswordsOff() bool { return c.cfg.PasswordsOff }

// refused wraps what a person is told with the cause, for the log.
func refused(e *apperr.Error, cause error) error {
	if cause == nil {
		return e
	}
	return fmt.Errorf("%w (%v)", e, cause)
}

var (
	errProvider = apperr.New(apperr.KindUnavailable, "", "penyedia identitas (SSO) tidak dapat dihubungi; coba lagi nanti",
		"the identity provider (SSO) cannot be reached; try again later")
	errState = apperr.New(apperr.KindGone, "state", "permintaan masuk SSO ini tidak dikenal, sudah dipakai, atau kedaluwarsa; silakan masuk lagi",
		"this SSO sign-in is unknown, already used or expired; please sign in again")
	errToken = apperr.New(apperr.KindUnauth, "", "tanda identitas dari penyedia identitas tidak sah (penerbit, audiens, masa berlaku, atau nonce); silakan masuk lagi",
		"the identity provider's token is not valid (issuer, audience, expiry or nonce); please sign in again")
)

func (c *Client) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, c.cfg.HTTPClient)
}

// discover returns the provider, reading its discovery document once it
// is read, or the failure of the last read within RetryDiscovery of now.
func (c *Client) discover(ctx context.Context, now time.Time) (*provider, error) {
	c.mu.Lock()
	p, failure, failedAt := c.provider, c.failure, c.failedAt
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	if failure != nil && now.Sub(failedAt) < RetryDiscovery {
		return nil, failure
	}
	fetched := c.flight.DoChan("discovery", func() (any, error) {
		// A caller that found no provider may get here after another's
		// fetch has ended and kept one: it takes that one.
		c.mu.Lock()
		p := c.provider
		c.mu.Unlock()
		if p != nil {
			return p, nil
		}
		return c.fetch(now)
	})
	select {
	case <-ctx.Done():
		return nil, refused(errProvider, ctx.Err())
	case r := <-fetched:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*provider), nil
	}
}

// fetch reads the discovery document and keeps what it found, or its
// failure at now.
func (c *Client) fetch(now time.Time) (*provider, error) {
	ctx, cancel := context.WithTimeout(c.ctx(context.Background()), discoveryTimeout)
	defer cancel()
	p, err := c.read(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.failure, c.failedAt = refused(errProvider, err), now
		return nil, c.failure
	}
	c.provider, c.failure = p, nil
	return p, nil
}

// read reads the discovery document.
func (c *Client) read(ctx context.Context) (*provider, error) {
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	var doc struct {
		JWKS string   `json:"jwks_uri"`
		Algs []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := p.Claims(&doc); err != nil {
		return nil, err
	}
	// The key set outlives the request: it fetches with the client alone.
	return &provider{Provider: p, keys: oidc.NewRemoteKeySet(c.ctx(context.Background()), doc.JWKS), algs: doc.Algs}, nil
}

// unreachable reports whether err is the provider not answering: a
// network error, or a server error at its token endpoint.
func unreachable(err error) bool {
	var ne net.Error
	var ue *url.Error
	var re *oauth2.RetrieveError
	return errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 500
}

// watchedKeys is a key set that keeps the network error of fetching the
// keys, which go-oidc's verifier reports as text only.
type watchedKeys struct {
	oidc.KeySet
	outage error
}

// VerifySignature verifies with the key set, noting a network error.
func (w *watchedKeys) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	payload, err := w.KeySet.VerifySignature(ctx, jwt)
	if err != nil && unreachable(err) {
		w.outage = err
	}
	return payload, err
}

func (c *Client) oauth(p *provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
}

// Start begins a sign-in that goes on to next (a local path, or empty)
// and returns its state, which the browser must keep, and the provider's
// URL to send the browser to.
func (c *Client) Start(ctx context.Context, gdb *gorm.DB, next string, now time.Time) (state, authURL string, err error) {
	p, err := c.discover(ctx, now)
	if err != nil {
		return "", "", err
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	db := gdb.WithContext(ctx)
	// Sign-ins never finished are swept on the way.
	if err := db.Where("expires_at < ?", now).Delete(&models.SSOLogin{}).Error; err != nil {
		return "", "", err
	}
	var pending int64
	if err := db.Model(&models.SSOLogin{}).Count(&pending).Error; err != nil {
		return "", "", err
	}
	if pending >= MaxPending {
		return "", "", apperr.New(apperr.KindTooMany, "", "terlalu banyak permintaan masuk SSO yang belum selesai; coba lagi beberapa menit lagi",
			"too many SSO sign-ins are under way; try again in a few minutes")
	}
	login := models.SSOLogin{ID: stateID(state), Nonce: nonce, Verifier: verifier, Next: next, ExpiresAt: now.Add(LoginTTL)}
	if err := db.Create(&login).Error; err != nil {
		return "", "", err
	}
	return state, c.oauth(p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// Callback is what the browser comes back from the provider with.
type Callback struct {
	// State is the state in the query; Kept is the one the browser was
	// given when it started.
	State, Kept string
	Code        string
	// Error is the provider's error code, when it did not sign the
	// person in.
	Error string
}

// Finish ends a sign-in: it uses up its state, exchanges the code, checks
// the ID token and returns the enabled account it belongs to and the page
// to go on to. An account whose role comes from a claim takes that role,
// which is audited.
func (c *Client) Finish(ctx context.Context, gdb *gorm.DB, cb Callback, now time.Time) (models.Account, string, error) {
	db := gdb.WithContext(ctx)
	login, err := take(db, cb.State, cb.Kept, false, now)
	if err != nil {
		return models.Account{}, "", err
	}
	if cb.Error != "" {
		return models.Account{}, "", refused(apperr.New(apperr.KindUnauth, "", "penyedia identitas tidak memasukkan Anda; silakan coba lagi",
			"the identity provider did not sign you in; please try again"), fmt.Errorf("provider error %.64q", cb.Error))
	}
	if cb.Code == "" || len(cb.Code) > maxCode {
		return models.Account{}, "", apperr.Invalid("code", fmt.Sprintf("kode dari penyedia identitas harus ada, paling panjang %d karakter", maxCode),
			fmt.Sprintf("the identity provider's code must be there, at most %d characters", maxCode))
	}
	p, err := c.discover(ctx, now)
	if err != nil {
		return models.Account{}, "", err
	}
	tok, err := c.oauth(p).Exchange(c.ctx(ctx), cb.Code, oauth2.VerifierOption(login.Verifier))
	if err != nil && unreachable(err) {
		return models.Account{}, "", refused(errProvider, err)
	}
	if err != nil {
		return models.Account{}, "", refused(apperr.New(apperr.KindUnauth, "code", "penyedia identitas menolak kode masuk; silakan masuk lagi",
			"the identity provider refused the sign-in code; please sign in again"), err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return models.Account{}, "", refused(errToken, errors.New("no id_token in the token response"))
	}
	keys := &watchedKeys{KeySet: p.keys}
	idt, err := oidc.NewVerifier(c.cfg.Issuer, keys, &oidc.Config{ClientID: c.cfg.ClientID, SupportedSigningAlgs: p.algs,
		Now: func() time.Time { return now }}).Verify(c.ctx(ctx), raw)
	if err != nil && keys.outage != nil {
		return models.Account{}, "", refused(errProvider, keys.outage)
	}
	if err != nil {
		return models.Account{}, "", refused(errToken, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(login.Nonce)) != 1 {
		return models.Account{}, "", refused(errToken, errors.New("the nonce differs"))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return models.Account{}, "", refused(errToken, err)
	}
	acc, err := c.match(db, claims)
	var choose *Choose
	if errors.As(err, &choose) {
		choose.Next = login.Next
		if kerr := choose.keep(db, now); kerr != nil {
			err = kerr
		}
	}
	if err != nil {
		return models.Account{}, "", err
	}
	if c.cfg.RolesClaim != "" {
		if acc, err = c.takeRole(ctx, db, acc, claims); err != nil {
			return models.Account{}, "", err
		}
	}
	return acc, login.Next, nil
}

// Choose is Finish's answer when the verified person has several enabled
// accounts and no roles claim picks one: the person chooses one of
// Accounts, whose choice, given with Token, FinishChoice takes. The
// browser must keep Token, as it kept the state, for ChoiceTTL.
type Choose struct {
	Token    string
	Accounts []models.Account
	// Next is the page to go on to.
	Next string
}

// Error says that a choice is needed.
func (e *Choose) Error() string {
	return fmt.Sprintf("%d accounts match: the person chooses", len(e.Accounts))
}

// keep stores the choice, bound to this verified sign-in, under a new
// token.
func (e *Choose) keep(db *gorm.DB, now time.Time) error {
	e.Token = rand.Text()
	names := make([]string, len(e.Accounts))
	for i, a := range e.Accounts {
		names[i] = a.Username
	}
	return db.Create(&models.SSOLogin{ID: stateID(e.Token), Next: e.Next, Choices: names, ExpiresAt: now.Add(ChoiceTTL)}).Error
}

// Choices are the accounts to choose from of the choice whose token the
// browser kept, in the order of their usernames, while it waits: it is
// read, not used up, so that the page listing them can be shown again.
func Choices(ctx context.Context, gdb *gorm.DB, kept string, now time.Time) ([]models.Account, error) {
	none := refused(errState, errors.New("no choice waits under this browser's token"))
	if kept == "" || len(kept) > maxState {
		return nil, none
	}
	db := gdb.WithContext(ctx)
	var login models.SSOLogin
	err := db.First(&login, "id = ?", stateID(kept)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, none
	}
	if err != nil {
		return nil, err
	}
	if len(login.Choices) == 0 || !now.Before(login.ExpiresAt) {
		return nil, none
	}
	var list []models.Account
	return list, db.Where("username IN ?", login.Choices).Order("username").Find(&list).Error
}

// FinishChoice ends a sign-in that matched several accounts with the one
// chosen, username: the token must be the one the browser kept, unused
// and not expired, and username one of its accounts, still enabled. It
// returns the account and the page to go on to.
func FinishChoice(ctx context.Context, gdb *gorm.DB, token, kept, username string, now time.Time) (models.Account, string, error) {
	db := gdb.WithContext(ctx)
	login, err := take(db, token, kept, true, now)
	if err != nil {
		return models.Account{}, "", err
	}
	if !slices.Contains(login.Choices, username) {
		return models.Account{}, "", apperr.Invalid("username", "akun ini bukan salah satu pilihan; silakan masuk lagi",
			"this account is not one of the choices; please sign in again")
	}
	var acc models.Account
	if err := db.First(&acc, "username = ?", username).Error; err != nil {
		return models.Account{}, "", err
	}
	if acc.DisabledAt != nil {
		return models.Account{}, "", apperr.Forbidden("akun "+acc.Username+" dinonaktifkan; hubungi admin BKPSDM",
			"the account "+acc.Username+" is disabled; ask BKPSDM's admin")
	}
	return acc, login.Next, nil
}

// take uses up the sign-in of the callback's state, which must be the
// one the browser kept and not have expired: a sign-in at the provider
// for a callback (no Choices), a choice for FinishChoice.
func take(db *gorm.DB, state, kept string, choice bool, now time.Time) (models.SSOLogin, error) {
	var login models.SSOLogin
	if state == "" || len(state) > maxState || subtle.ConstantTimeCompare([]byte(state), []byte(kept)) != 1 {
		return login, refused(errState, errors.New("the state is not the one this browser was given"))
	}
	id := stateID(state)
	err := db.First(&login, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return login, refused(errState, errors.New("no sign-in has this state"))
	}
	if err != nil {
		return login, err
	}
	// Of two requests with one state, only the one that deletes it goes on.
	res := db.Where("id = ?", id).Delete(&models.SSOLogin{})
	if res.Error != nil {
		return login, res.Error
	}
	if res.RowsAffected == 0 {
		return login, refused(errState, errors.New("the state was used meanwhile"))
	}
	if !now.Before(login.ExpiresAt) {
		return login, refused(errState, errors.New("the sign-in expired"))
	}
	if choice != (len(login.Choices) > 0) {
		return login, refused(errState, errors.New("a callback with a choice's token, or a choice with a state"))
	}
	return login, nil
}

func stateID(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

// shown is a claim's value as a page quotes it: cut short.
func shown(s string) string {
	if r := []rune(s); len(r) > maxShown {
		return string(r[:maxShown]) + "…"
	}
	return s
}

// match finds the account the claims identify.
func (c *Client) match(db *gorm.DB, claims map[string]any) (models.Account, error) {
	var list []models.Account
	var who string
	switch c.cfg.Match {
	case MatchNIP:
		v, _ := claims[c.cfg.NIPClaim].(string)
		if _, err := models.ParseNIP(v); err != nil {
			return models.Account{}, apperr.Forbidden(fmt.Sprintf("penyedia identitas tidak mengirim NIP yang sah dalam klaim %q", c.cfg.NIPClaim),
				fmt.Sprintf("the identity provider sent no valid NIP in the claim %q", c.cfg.NIPClaim))
		}
		if err := db.Where("nip = ? OR username = ?", v, v).Find(&list).Error; err != nil {
			return models.Account{}, err
		}
		who = "NIP " + v
	case MatchEmail:
		email, _ := claims["email"].(string)
		verified, _ := claims["email_verified"].(bool)
		if models.CheckEmail(email) != nil || !verified {
			return models.Account{}, apperr.Forbidden("penyedia identitas tidak mengirim alamat e-mail yang terverifikasi",
				"the identity provider sent no verified e-mail address")
		}
		if err := accounts.WithEmail(db, email).Order("username").Find(&list).Error; err != nil {
			return models.Account{}, err
		}
		who = "e-mail " + shown(email)
	}
	enabled := slices.DeleteFunc(slices.Clone(list), func(a models.Account) bool { return a.DisabledAt != nil })
	switch {
	case len(list) == 0:
		return models.Account{}, apperr.Forbidden(
			"Anda sudah masuk di penyedia identitas, tetapi tidak ada akun Mutasi untuk "+who+
				". Akun tidak dibuat otomatis: mintalah admin BKPSDM membuatkan akun Anda.",
			"You are signed in at the identity provider, but no Mutasi account belongs to "+who+
				". Accounts are not created by signing in: ask BKPSDM's admin to create yours.")
	case len(enabled) == 0:
		return models.Account{}, apperr.Forbidden("akun "+list[0].Username+" dinonaktifkan; hubungi admin BKPSDM",
			"the account "+list[0].Username+" is disabled; ask BKPSDM's admin")
	case len(enabled) == 1:
		return enabled[0], nil
	}
	return c.pick(enabled, claims, who)
}

// pick chooses among several enabled accounts of one person the one
// whose role the roles claim names; when not exactly one has that role,
// the sign-in is refused, naming the accounts. Without a roles claim the
// person chooses (*Choose).
func (c *Client) pick(list []models.Account, claims map[string]any, who string) (models.Account, error) {
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = fmt.Sprintf("%s (%s)", a.Username, a.Role)
	}
	matched := strings.Join(names, ", ")
	if c.cfg.RolesClaim == "" {
		return models.Account{}, &Choose{Accounts: list}
	}
	role, err := roleOf(claims[c.cfg.RolesClaim], c.cfg.RolesClaim)
	if err != nil {
		return models.Account{}, err
	}
	var found []models.Account
	for _, a := range list {
		if a.Role == role {
			found = append(found, a)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return models.Account{}, apperr.Conflict("", fmt.Sprintf("%d akun Mutasi cocok dengan %s: %s, dan %d di antaranya berperan %s dari penyedia identitas; "+
		"mintalah admin BKPSDM menyisakan satu akun untuk peran itu", len(list), who, matched, len(found), role),
		fmt.Sprintf("%d Mutasi accounts match %s: %s, and %d of them have the role %s from the identity provider; "+
			"ask BKPSDM's admin to keep one account for that role", len(list), who, matched, len(found), role))
}

// takeRole gives the account the role of the roles claim, which must name
// exactly one known role; a change is audited, by "sso".
func (c *Client) takeRole(ctx context.Context, db *gorm.DB, acc models.Account, claims map[string]any) (models.Account, error) {
	role, err := roleOf(claims[c.cfg.RolesClaim], c.cfg.RolesClaim)
	if err != nil || role == acc.Role {
		return acc, err
	}
	changed, err := (&accounts.Service{DB: db}).Change(ctx, Actor, acc.Username,
		accounts.ChangeRequest{Role: role, NIP: acc.NIP, Units: acc.Units})
	if e, ok := apperr.As(err); ok && e.Kind == apperr.KindInvalid {
		return acc, apperr.Forbidden(fmt.Sprintf("peran %s dari penyedia identitas tidak cocok dengan akun %s: %s", role, acc.Username, e.Message),
			fmt.Sprintf("the role %s from the identity provider does not fit the account %s: %s", role, acc.Username, e.MessageEN))
	}
	return changed, err
}

// Actor is who the audit trail names for a role an account took from the
// identity provider: no username can be "(sso)".
var Actor = models.Actor{ID: "(sso)", Role: models.RoleSystem}

// roleOf reads a roles claim: one string, or a list of one string, that
// is one of models.AccountRoles. Anything else is refused.
func roleOf(v any, claim string) (models.Role, error) {
	var values []string
	switch x := v.(type) {
	case string:
		values = []string{x}
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				values = nil
				break
			}
			values = append(values, s)
		}
	}
	if len(values) != 1 {
		return "", apperr.Forbidden(fmt.Sprintf("klaim peran %q dari penyedia identitas harus berisi tepat satu peran", claim),
			fmt.Sprintf("the identity provider's roles claim %q must hold exactly one role", claim))
	}
	role := models.Role(values[0])
	if !slices.Contains(models.AccountRoles, role) {
		return "", apperr.Forbidden(fmt.Sprintf("peran %q dari penyedia identitas tidak dikenal Mutasi", shown(values[0])),
			fmt.Sprintf("Mutasi does not know the role %q from the identity provider", shown(values[0])))
	}
	return role, nil
}
