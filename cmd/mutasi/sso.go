package main

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/bkpsdm/mutasi/sso"
)

// ssoFlags are the flags of `mutasi server` and `mutasi dev` that connect
// the pages to an OpenID Connect identity provider (package sso).
type ssoFlags struct {
	issuer, clientID, clientSecret, redirectURL, match, nipClaim, rolesClaim, localPasswords *string
}

// addSSOFlags registers the ssoFlags on fs.
func addSSOFlags(fs *flag.FlagSet) *ssoFlags {
	return &ssoFlags{
		issuer: fs.String("oidc-issuer", env("MUTASI_OIDC_ISSUER", ""),
			"issuer URL of the OpenID Connect identity provider; empty: no single sign-on (MUTASI_OIDC_ISSUER)"),
		clientID: fs.String("oidc-client-id", env("MUTASI_OIDC_CLIENT_ID", ""), "Mutasi's client ID at the identity provider (MUTASI_OIDC_CLIENT_ID)"),
		clientSecret: fs.String("oidc-client-secret", env("MUTASI_OIDC_CLIENT_SECRET", ""),
			"Mutasi's client secret at the identity provider (MUTASI_OIDC_CLIENT_SECRET)"),
		redirectURL: fs.String("oidc-redirect-url", env("MUTASI_OIDC_REDIRECT_URL", ""),
			"Mutasi's /signin/sso/callback as browsers reach it, registered at the provider (MUTASI_OIDC_REDIRECT_URL)"),
		match: fs.String("oidc-match", env("MUTASI_OIDC_MATCH", string(sso.MatchNIP)),
			"claim that finds a person's account: nip or email (MUTASI_OIDC_MATCH)"),
		nipClaim: fs.String("oidc-nip-claim", env("MUTASI_OIDC_NIP_CLAIM", sso.DefaultNIPClaim),
			"claim holding the NIP, when matching by nip (MUTASI_OIDC_NIP_CLAIM)"),
		rolesClaim: fs.String("oidc-roles-claim", env("MUTASI_OIDC_ROLES_CLAIM", ""),
			"claim holding the person's role; empty: the role is the account's (MUTASI_OIDC_ROLES_CLAIM)"),
		localPasswords: fs.String("local-passwords", env("MUTASI_LOCAL_PASSWORDS", "true"),
			"whether the pages take local passwords; false needs single sign-on (MUTASI_LOCAL_PASSWORDS)"),
	}
}

// parse checks the flags and returns the sign-on client, nil when no
// issuer is set.
func (f *ssoFlags) parse() (*sso.Client, error) {
	passwords, err := strconv.ParseBool(*f.localPasswords)
	if err != nil {
		return nil, fmt.Errorf("--local-passwords %q: want true or false", *f.localPasswords)
	}
	if *f.issuer == "" {
		if !passwords {
			return nil, fmt.Errorf("--local-passwords false needs single sign-on (--oidc-issuer): nobody could sign in")
		}
		return nil, nil
	}
	c, err := sso.New(sso.Config{Issuer: *f.issuer, ClientID: *f.clientID, ClientSecret: *f.clientSecret, RedirectURL: *f.redirectURL,
		Match: sso.Match(*f.match), NIPClaim: *f.nipClaim, RolesClaim: *f.rolesClaim, PasswordsOff: !passwords})
	if err != nil {
		return nil, fmt.Errorf("--oidc-*: %w", err)
	}
	return c, nil
}
