package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/accounts"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// The admin's account management: the API's handlers and the pages'
// call the same functions of package accounts.

// accountQuery reads a list's search text and page from the query.
func accountQuery(c *gin.Context, limit int) (accounts.Query, error) {
	q := accounts.Query{Search: c.Query("q"), Limit: limit}
	for _, f := range []struct {
		name string
		to   *int
	}{{"limit", &q.Limit}, {"offset", &q.Offset}} {
		if v := c.Query(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return q, apperr.Malformed(f.name, f.name+" harus bilangan bulat", f.name+" must be an integer")
			}
			*f.to = n
		}
	}
	return q, q.Check()
}

// accountsShown is how many accounts a page of the list holds.
const accountsShown = 50

// listAccounts lists a page of the accounts a search selects.
func (s *Server) listAccounts(c *gin.Context) error {
	q, err := accountQuery(c, accountsShown)
	if err != nil {
		return err
	}
	items, total, err := s.accounts.List(c.Request.Context(), q)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total})
	return nil
}

// getAccount reads an account with its sessions.
func (s *Server) getAccount(c *gin.Context) error {
	d, err := s.accounts.Get(c.Request.Context(), c.Param("username"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, d)
	return nil
}

// createAccount creates an account; a generated password is in the
// answer this once.
func (s *Server) createAccount(c *gin.Context) error {
	var r accounts.CreateRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	out, err := s.accounts.Create(c.Request.Context(), actor(c), r)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store") // it may hold a password
	c.JSON(http.StatusCreated, out)
	return nil
}

// setAccountDisabled disables (disabled) or enables an account.
func (s *Server) setAccountDisabled(disabled bool) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		acc, err := s.accounts.SetDisabled(c.Request.Context(), actor(c), c.Param("username"), disabled)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, acc)
		return nil
	}
}

// passwordReset is the body of a password reset: the new password, or
// none to have one generated.
type passwordReset struct {
	Password string `json:"password"`
}

// resetAccountPassword sets an account's password, given or generated.
func (s *Server) resetAccountPassword(c *gin.Context) error {
	var r passwordReset
	if err := bind(c, &r); err != nil {
		return err
	}
	pw, err := s.accounts.ResetPassword(c.Request.Context(), actor(c), c.Param("username"), r.Password)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, passwordReset{Password: pw})
	return nil
}

// changeAccountRole sets an account's role, NIP and units.
func (s *Server) changeAccountRole(c *gin.Context) error {
	var r accounts.ChangeRequest
	if err := bind(c, &r); err != nil {
		return err
	}
	acc, err := s.accounts.Change(c.Request.Context(), actor(c), c.Param("username"), r)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, acc)
	return nil
}

// sessionRevocation is the body of a session revocation: one session's
// ID, or none for all of them.
type sessionRevocation struct {
	ID string `json:"id"`
}

// revokeAccountSessions ends one or all of an account's sessions.
func (s *Server) revokeAccountSessions(c *gin.Context) error {
	var r sessionRevocation
	if err := bind(c, &r); err != nil {
		return err
	}
	n, err := s.accounts.RevokeSessions(c.Request.Context(), actor(c), c.Param("username"), r.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"ended": n})
	return nil
}

// accountsPage lists and searches the accounts, with the form that
// creates one.
func (s *Server) accountsPage(c *gin.Context, v *view) error {
	q, err := accountQuery(c, accountsShown)
	if err != nil {
		return err
	}
	items, total, err := s.accounts.List(c.Request.Context(), q)
	if err != nil {
		return err
	}
	next := ""
	if q.Offset+len(items) < int(total) {
		next = "/accounts?q=" + url.QueryEscape(q.Search) + "&offset=" + strconv.Itoa(q.Offset+len(items))
	}
	return s.render(c, v, "accounts", "title.accounts", gin.H{"Items": items, "Total": total, "Search": q.Search,
		"Next": next, "Roles": models.AccountRoles})
}

// accountPage shows an account, its sessions and the forms that change
// it.
func (s *Server) accountPage(c *gin.Context, v *view) error {
	return s.showAccount(c, v, c.Param("username"), "")
}

// showAccount renders the account page of username, with password, if
// any, shown once.
func (s *Server) showAccount(c *gin.Context, v *view, username, password string) error {
	d, err := s.accounts.Get(c.Request.Context(), username)
	if err != nil {
		return err
	}
	return s.render(c, v, "account", "title.account", gin.H{"A": d, "Password": password, "Roles": models.AccountRoles})
}

// formUnits reads the comma-separated units of a form.
func formUnits(c *gin.Context) []string {
	var out []string
	for _, u := range strings.Split(c.PostForm("units"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// createAccountForm creates an account from the list page's form and
// shows it, with its generated password if any; with an e-mail address
// and no password, its owner is invited instead.
func (s *Server) createAccountForm(c *gin.Context, v *view) error {
	r := accounts.CreateRequest{Username: c.PostForm("username"), Name: c.PostForm("name"), Role: models.Role(c.PostForm("role")),
		NIP: strings.TrimSpace(c.PostForm("nip")), Units: formUnits(c), Email: c.PostForm("email"), Password: c.PostForm("password")}
	out, err := s.accounts.Create(c.Request.Context(), v.Account.Actor(), r)
	if err != nil {
		return s.formFailed(c, v, "create", err, s.accountsPage)
	}
	v.Flash = v.T("flash.account_created")
	if out.Invited {
		v.Flash = v.T("flash.account_invited")
	}
	return s.showAccount(c, v, out.Account.Username, out.Password)
}

// accountForm wraps a form of the account page: f acts on the account and
// returns the message to show, or a password to show once.
func (s *Server) accountForm(form string, f func(c *gin.Context, by models.Actor, username string) (msg, password string, err error)) pageHandler {
	return func(c *gin.Context, v *view) error {
		username := c.Param("username")
		msg, pw, err := f(c, v.Account.Actor(), username)
		if err != nil {
			return s.formFailed(c, v, form, err, s.accountPage)
		}
		if pw != "" {
			v.Flash = v.T("flash." + msg)
			return s.showAccount(c, v, username, pw)
		}
		return done(c, "/accounts/"+username, msg)
	}
}

// disableForm disables (disabled) or enables an account.
func (s *Server) disableForm(disabled bool) func(*gin.Context, models.Actor, string) (string, string, error) {
	msg := "account_enabled"
	if disabled {
		msg = "account_disabled"
	}
	return func(c *gin.Context, by models.Actor, username string) (string, string, error) {
		_, err := s.accounts.SetDisabled(c.Request.Context(), by, username, disabled)
		return msg, "", err
	}
}

// passwordForm resets an account's password from its page.
func (s *Server) passwordForm(c *gin.Context, by models.Actor, username string) (string, string, error) {
	pw, err := s.accounts.ResetPassword(c.Request.Context(), by, username, c.PostForm("password"))
	return "password_reset", pw, err
}

// roleForm changes an account's role and scope from its page.
func (s *Server) roleForm(c *gin.Context, by models.Actor, username string) (string, string, error) {
	r := accounts.ChangeRequest{Role: models.Role(c.PostForm("role")), NIP: strings.TrimSpace(c.PostForm("nip")), Units: formUnits(c)}
	_, err := s.accounts.Change(c.Request.Context(), by, username, r)
	return "account_changed", "", err
}

// sessionsForm ends one or all of an account's sessions from its page.
func (s *Server) sessionsForm(c *gin.Context, by models.Actor, username string) (string, string, error) {
	_, err := s.accounts.RevokeSessions(c.Request.Context(), by, username, c.PostForm("id"))
	return "sessions_revoked", "", err
}
