package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
)

// listTokens lists the newest API tokens (limit, as for transfers): who
// and what each is for, when it expires or was revoked; never the token.
func (s *Server) listTokens(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	keys, err := apikey.List(s.DB.WithContext(c), p.Limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": keys})
	return nil
}

// revokeToken revokes a token by its ID: its next request gets 401.
func (s *Server) revokeToken(c *gin.Context) error {
	key, err := apikey.Revoke(s.DB.WithContext(c), c.Param("id"))
	if errors.Is(err, apikey.ErrInvalid) {
		return apperr.NotFound("token", c.Param("id"))
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, key)
	return nil
}
