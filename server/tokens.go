package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// listTokens lists the newest API tokens (limit, as for transfers): who
// and what each is for, when it expires or was revoked; never the token.
func (s *Server) listTokens(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	keys, err := apikey.List(s.DB.WithContext(c.Request.Context()), p.Limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": keys})
	return nil
}

// revokeToken revokes a token by its ID: its next request gets 401.
func (s *Server) revokeToken(c *gin.Context) error {
	key, err := apikey.Revoke(s.DB.WithContext(c.Request.Context()), c.Param("id"), actor(c))
	if errors.Is(err, apikey.ErrInvalid) {
		return apperr.NotFound("token", c.Param("id"))
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, key)
	return nil
}

// tokensPage lists the newest API tokens for the HR office, each active
// one with a button that revokes it.
func (s *Server) tokensPage(c *gin.Context, v *view) error {
	keys, err := apikey.List(s.DB.WithContext(c.Request.Context()), tokensShown)
	if err != nil {
		return err
	}
	now := time.Now()
	expired := func(k models.APIKey) bool { return k.ExpiresAt != nil && !k.ExpiresAt.After(now) }
	return s.render(c, v, "tokens", "title.tokens", gin.H{"Items": keys, "Expired": expired})
}

// tokensShown is how many of the newest tokens the page lists.
const tokensShown = 200

// revokeTokenForm revokes a token from the tokens page.
func (s *Server) revokeTokenForm(c *gin.Context, v *view) error {
	if _, err := apikey.Revoke(s.DB.WithContext(c.Request.Context()), c.Param("id"), v.Account.Actor()); err != nil {
		if errors.Is(err, apikey.ErrInvalid) {
			err = apperr.NotFound("token", c.Param("id"))
		}
		return err
	}
	return done(c, "/tokens", "token_revoked")
}
