package main

import (
	"flag"
	"io"
	"strings"
	"testing"
)

// TestSSOFlags checks the single sign-on settings of `mutasi server` and
// `mutasi dev`: none by default; the environment sets them, a flag wins;
// turning passwords off without a provider, a bad match or a bad URL is
// refused naming the flag.
func TestSSOFlags(t *testing.T) {
	parse := func(args ...string) (httpConfig, error) {
		fs := flag.NewFlagSet("server", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		hf := addHTTPFlags(fs)
		if err := fs.Parse(args); err != nil {
			return httpConfig{}, err
		}
		return hf.parse()
	}
	if hc, err := parse(); err != nil || hc.sso != nil {
		t.Fatalf("defaults: %+v, %v", hc.sso, err)
	}
	if _, err := parse("--local-passwords", "false"); err == nil || !strings.Contains(err.Error(), "--oidc-issuer") {
		t.Errorf("passwords off without a provider: %v", err)
	}
	t.Setenv("MUTASI_OIDC_ISSUER", "https://sso.example.go.id/realms/pemda")
	t.Setenv("MUTASI_OIDC_CLIENT_ID", "mutasi")
	t.Setenv("MUTASI_OIDC_CLIENT_SECRET", "rahasia")
	t.Setenv("MUTASI_OIDC_REDIRECT_URL", "https://mutasi.example.go.id/signin/sso/callback")
	t.Setenv("MUTASI_LOCAL_PASSWORDS", "false")
	hc, err := parse()
	if err != nil || hc.sso == nil || !hc.sso.PasswordsOff() {
		t.Fatalf("from the environment: %+v, %v", hc.sso, err)
	}
	if hc, err := parse("--local-passwords", "true"); err != nil || hc.sso.PasswordsOff() {
		t.Errorf("the flag over the environment: %v", err)
	}
	for _, bad := range [][]string{{"--oidc-match", "username"}, {"--oidc-redirect-url", "http://mutasi.example.go.id/cb"},
		{"--local-passwords", "maybe"}} {
		if _, err := parse(bad...); err == nil || !strings.Contains(err.Error(), strings.Split(bad[0], "-")[2]) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}
