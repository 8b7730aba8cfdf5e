// Package ssotest runs a real OpenID Connect identity provider inside a
// test process (github.com/oauth2-proxy/mockoidc): discovery, keys, the
// authorization endpoint, which signs in the next queued person at once,
// and the token endpoint, which checks the client's secret and the PKCE
// verifier. Tests of package sso and of the pages sign in through it.
package ssotest

import (
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/bkpsdm/mutasi/sso"
)

// Provider is an identity provider listening on a loopback port.
type Provider struct {
	*mockoidc.MockOIDC
	keysDown, discoveryDown atomic.Bool
	discoveries             atomic.Int64
	mu                      sync.Mutex
	hold                    chan struct{}
	arrived                 chan struct{}
}

// KeysDown makes the keys endpoint, while down, close connections
// without an answer, as a provider failing on the network would.
func (p *Provider) KeysDown(down bool) { p.keysDown.Store(down) }

// DiscoveryDown does the same to the discovery document's endpoint.
func (p *Provider) DiscoveryDown(down bool) { p.discoveryDown.Store(down) }

// Discoveries is how many requests for the discovery document came.
func (p *Provider) Discoveries() int64 { return p.discoveries.Load() }

// HoldDiscovery makes requests for the discovery document wait, until
// release is called or their client gives up; arrived receives one value
// as each comes.
func (p *Provider) HoldDiscovery() (arrived <-chan struct{}, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hold, p.arrived = make(chan struct{}), make(chan struct{}, 100)
	hold := p.hold
	return p.arrived, sync.OnceFunc(func() { close(hold) })
}

// gate serves the endpoints as the test set them: down, held, counted.
func (p *Provider) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		down := false
		switch r.URL.Path {
		case mockoidc.JWKSEndpoint:
			down = p.keysDown.Load()
		case mockoidc.DiscoveryEndpoint:
			p.discoveries.Add(1)
			down = p.discoveryDown.Load()
			p.mu.Lock()
			hold, arrived := p.hold, p.arrived
			p.mu.Unlock()
			if hold != nil {
				arrived <- struct{}{}
				select {
				case <-hold:
				case <-r.Context().Done():
					return
				}
			}
		}
		if down {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Start runs a provider until the test ends. It takes only S256 PKCE
// challenges.
func Start(tb testing.TB) *Provider {
	tb.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		tb.Fatal(err)
	}
	m.CodeChallengeMethodsSupported = []string{"S256"}
	p := &Provider{MockOIDC: m}
	if err := m.AddMiddleware(p.gate); err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Shutdown() })
	return p
}

// Config is Mutasi's configuration for this provider, coming back to
// redirect, matching accounts by NIP.
func (p *Provider) Config(redirect string) sso.Config {
	return sso.Config{Issuer: p.Issuer(), ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: redirect,
		Match: sso.MatchNIP}
}

// Next makes person the one the provider signs in next.
func (p *Provider) Next(person Person) { p.QueueUser(person) }

// Person is someone the provider signs in, with the claims of their ID
// token.
type Person struct {
	Subject       string
	NIP           string
	Email         string
	EmailVerified bool
	// Roles is the "roles" claim as given (a string, a list, or nil for
	// none).
	Roles any
	// Audience, when set, replaces the token's audience (the client ID).
	Audience []string
}

// ID is the person's subject.
func (p Person) ID() string { return p.Subject }

// Userinfo is the person's subject alone: Mutasi reads the ID token.
func (p Person) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]string{"sub": p.Subject})
}

// claims are the ID token's claims.
type claims struct {
	*mockoidc.IDTokenClaims
	NIP           string `json:"nip,omitempty"`
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified,omitempty"`
	Roles         any    `json:"roles,omitempty"`
}

// Claims are the ID token's claims: the provider's, with the person's.
func (p Person) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if p.Audience != nil {
		base.Audience = p.Audience
	}
	return &claims{IDTokenClaims: base, NIP: p.NIP, Email: p.Email, EmailVerified: p.EmailVerified, Roles: p.Roles}, nil
}
