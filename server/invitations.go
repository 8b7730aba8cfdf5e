package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/accounts"
	"github.com/bkpsdm/mutasi/apperr"
)

// Invitations and forgotten passwords: the admin invites accounts (the
// API and the pages call package accounts), and anyone may ask for a
// password reset by e-mail and set a password from a mailed link.

// inviteRequest is a list of accounts to invite.
type inviteRequest struct {
	Accounts []accounts.CreateRequest `json:"accounts"`
}

// invite creates the accounts of a list that do not exist yet and mails
// each owner an invitation; existing usernames are reported and sent
// nothing.
func (s *Server) invite(c *gin.Context) error {
	var r inviteRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	out, err := s.accounts.Invite(c.Request.Context(), actor(c), r.Accounts)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// inviteEmployees gives every imported employee in service with an
// e-mail address and no account one, and mails them an invitation.
func (s *Server) inviteEmployees(c *gin.Context) error {
	out, err := s.accounts.InviteEmployees(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// inviteEmployeesForm is inviteEmployees from the accounts page.
func (s *Server) inviteEmployeesForm(c *gin.Context, v *view) error {
	if _, err := s.accounts.InviteEmployees(c.Request.Context(), v.Account.Actor()); err != nil {
		return err
	}
	return done(c, "/accounts", "employees_invited")
}

// forgotPage is the form that asks for a password reset by e-mail.
func (s *Server) forgotPage(c *gin.Context, v *view) error {
	return s.render(c, v, "forgot", "title.forgot", gin.H{"Sent": false})
}

// forgotForm mails a reset link to the address's accounts, if any, and
// answers the same whether or not there are: nobody learns which
// addresses have accounts. Each request counts against the client's and
// the address's budget, known or not; a malformed address is refused
// before it counts.
func (s *Server) forgotForm(c *gin.Context, v *view) error {
	email := strings.TrimSpace(c.PostForm("email"))
	if err := accounts.CheckResetEmail(email); err != nil {
		return s.formFailed(c, v, "forgot", err, s.forgotPage)
	}
	if ok, wait := s.ResetLimiter.Take(clientKey(c), "reset "+strings.ToLower(email)); !ok {
		return s.formFailed(c, v, "forgot", tooManyGuesses(c, wait, "email",
			"terlalu banyak permintaan; coba lagi nanti", "too many requests; try again later"), s.forgotPage)
	}
	if err := s.accounts.RequestReset(c.Request.Context(), email); err != nil {
		return s.formFailed(c, v, "forgot", err, s.forgotPage)
	}
	return s.render(c, v, "forgot", "title.forgot", gin.H{"Sent": true})
}

// linkPage is the form that sets a password from an invitation's or a
// reset's link; an unknown, used or expired link gets the error page,
// which says why.
func (s *Server) linkPage(c *gin.Context, v *view) error {
	_, acc, err := s.accounts.Link(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, v, "password", "title.password", gin.H{"Username": acc.Username, "Token": c.Param("token")})
}

// linkForm sets the password from a link and sends the owner to sign in.
func (s *Server) linkForm(c *gin.Context, v *view) error {
	password := c.PostForm("password")
	var err error
	if password != c.PostForm("password_confirm") {
		err = apperr.Invalid("password_confirm", "kedua kata sandi tidak sama", "the two passwords differ")
	} else {
		_, err = s.accounts.UseLink(c.Request.Context(), c.Param("token"), password)
	}
	if e, ok := apperr.As(err); ok && e.Field == "token" {
		return err // the link itself is refused: the error page says why
	}
	if err != nil {
		return s.formFailed(c, v, "password", err, s.linkPage)
	}
	return done(c, "/signin", "password_set")
}
