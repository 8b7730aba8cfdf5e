package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/sso"
)

// Single sign-on (package sso): /signin/sso sends the browser to the
// identity provider, with the state in a short-lived cookie of its own;
// the provider sends it back to /signin/sso/callback, which signs the
// person in as a password would, or, when the person has several
// accounts and no roles claim picks one, sends the browser to
// /signin/sso/choice, which lists them to choose from, the choice's token
// in the same cookie, and takes the choice. Without SSO configured all
// are not found.

const ssoCookie = "mutasi_sso"

// maxNext bounds the page a sign-in goes on to.
const maxNext = 2048

var (
	errNoSSO = apperr.New(apperr.KindNotFound, "", "masuk dengan SSO tidak diaktifkan di Mutasi ini",
		"signing in with SSO is not turned on in this Mutasi")
	errPasswordsOff = apperr.New(apperr.KindForbidden, "password", "masuk dengan kata sandi dimatikan di Mutasi ini; masuklah dengan SSO",
		"signing in with a password is turned off in this Mutasi; sign in with SSO")
)

// passwordsOff reports whether local passwords are turned off.
func (s *Server) passwordsOff() bool { return s.SSO != nil && s.SSO.PasswordsOff() }

// ssoStart begins a sign-in at the identity provider, within the
// client's budget of starts (SSOStartLimiter).
func (s *Server) ssoStart(c *gin.Context, v *view) error {
	if s.SSO == nil {
		return errNoSSO
	}
	if ok, wait := s.SSOStartLimiter.Take(clientKey(c)); !ok {
		return tooManyGuesses(c, wait, "", "terlalu banyak permintaan masuk SSO dari alamat ini; coba lagi nanti",
			"too many SSO sign-ins started from this address; try again later")
	}
	next := c.Query("next")
	if !localPath(next) || len(next) > maxNext {
		next = ""
	}
	state, to, err := s.SSO.Start(c.Request.Context(), s.DB, next, time.Now())
	if err != nil {
		return err
	}
	setCookie(c, ssoCookie, state, int(sso.LoginTTL/time.Second))
	c.Redirect(http.StatusSeeOther, to)
	return nil
}

// ssoCallback finishes a sign-in when the provider sends the browser
// back. Whatever happens, the state is used up; a refusal is logged with
// its cause and shown on the error page.
func (s *Server) ssoCallback(c *gin.Context, v *view) error {
	if s.SSO == nil {
		return errNoSSO
	}
	kept := readCookie(c, ssoCookie)
	setCookie(c, ssoCookie, "", -1)
	acc, next, err := s.SSO.Finish(c.Request.Context(), s.DB, sso.Callback{State: c.Query("state"), Kept: kept, Code: c.Query("code"),
		Error: c.Query("error")}, time.Now())
	var choose *sso.Choose
	if errors.As(err, &choose) {
		setCookie(c, ssoCookie, choose.Token, int(sso.ChoiceTTL/time.Second))
		c.Redirect(http.StatusSeeOther, "/signin/sso/choice")
		return nil
	}
	if err != nil {
		if _, ok := apperr.As(err); ok {
			s.Log.Warn("SSO sign-in refused", "error", err)
		}
		return err
	}
	return s.openSession(c, acc, next, "sso")
}

// ssoChoicePage lists the accounts of the choice this browser holds, to
// choose one.
func (s *Server) ssoChoicePage(c *gin.Context, v *view) error {
	if s.SSO == nil {
		return errNoSSO
	}
	kept := readCookie(c, ssoCookie)
	list, err := sso.Choices(c.Request.Context(), s.DB, kept, time.Now())
	if err != nil {
		return err
	}
	return s.render(c, v, "sso_choose", "title.sso_choose", gin.H{"Accounts": list, "Token": kept})
}

// ssoChoice signs in with the account chosen among those a verified
// sign-in matched; like the callback, it uses the choice up whatever
// happens.
func (s *Server) ssoChoice(c *gin.Context, v *view) error {
	if s.SSO == nil {
		return errNoSSO
	}
	kept := readCookie(c, ssoCookie)
	setCookie(c, ssoCookie, "", -1)
	acc, next, err := sso.FinishChoice(c.Request.Context(), s.DB, c.PostForm("token"), kept, c.PostForm("username"), time.Now())
	if err != nil {
		return err
	}
	return s.openSession(c, acc, next, "sso")
}
