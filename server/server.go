// Package server is Mutasi's HTTP API (Gin, under /api/v1): it starts
// rounds, sends people's decisions to the workflows as updates, and reads
// the database for lists and reports. It never writes workflow-owned
// state itself.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/accounts"
	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/decrees"
	"github.com/bkpsdm/mutasi/exports"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notices"
	"github.com/bkpsdm/mutasi/ratelimit"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/sso"
	"github.com/bkpsdm/mutasi/transfers"
)

// Server holds what the handlers need.
type Server struct {
	DB       *gorm.DB
	Temporal client.Client
	// LinkSecret checks survey links; it must match the worker's.
	LinkSecret []byte
	Log        *slog.Logger
	// Middleware runs before every route, e.g. metrics.
	Middleware []gin.HandlerFunc
	// TokenLimiter slows down guessing: wrong bearer tokens and passwords
	// per client, wrong passwords per account; nil takes
	// DefaultTokenLimiter.
	TokenLimiter *ratelimit.Limiter
	// TrustedProxies are the reverse proxies whose X-Forwarded-For (or
	// X-Real-IP) names the client; from any other peer, the peer is the
	// client. None by default.
	TrustedProxies []netip.Prefix
	// BaseURL is the service's public URL, under which invitation and
	// password-reset links point.
	BaseURL string
	// InvitationTTL is how long an account invitation's link works; zero
	// takes accounts.DefaultInvitationTTL.
	InvitationTTL time.Duration
	// ResetLimiter bounds the password-reset mails asked for, per client
	// and per address; nil takes DefaultResetLimiter.
	ResetLimiter *ratelimit.Limiter
	// SSOStartLimiter bounds the single sign-on starts per client, each
	// of which keeps a pending sign-in in the database, so that no client
	// can fill sso.MaxPending; nil takes DefaultSSOStartLimiter.
	SSOStartLimiter *ratelimit.Limiter
	// Payloads decodes what is read straight from Temporal's history: the
	// Temporal client's data converter (it decrypts); nil takes the SDK's
	// default.
	Payloads converter.DataConverter
	// SSO signs people in through an OpenID Connect identity provider;
	// nil: only local passwords.
	SSO *sso.Client
	// TimeZone is the government's: an evaluation's from and to are its
	// dates, as the periodic evaluation's are. Nil takes the default
	// settings' zone.
	TimeZone *time.Location

	// transfers and rounds are the application functions the API and
	// the pages share; Handler makes them.
	transfers *transfers.Service
	rounds    *rounds.Service
	exports   *exports.Service
	decrees   *decrees.Service
	notices   *notices.Service
	accounts  *accounts.Service
}

// maxBody bounds request bodies, but those of the routes that set their
// own limit with bodyLimit (imports: maxImportBody).
const maxBody = 32 << 20

// bodyLimitKey holds, on a request's context, the limit bodyLimit set.
const bodyLimitKey = "body-limit"

// bodyLimit sets the limit of a route's request bodies, instead of
// maxBody.
func bodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) { c.Set(bodyLimitKey, n) }
}

// limitBody bounds the request's body by its route's bodyLimit, or else
// by maxBody.
func limitBody(c *gin.Context) {
	limit := int64(maxBody)
	if n, ok := c.Get(bodyLimitKey); ok {
		limit = n.(int64)
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.TokenLimiter == nil {
		s.TokenLimiter = DefaultTokenLimiter()
	}
	s.transfers = &transfers.Service{DB: s.DB, Temporal: s.Temporal, Log: s.Log, LinkSecret: s.LinkSecret}
	if s.Payloads == nil {
		s.Payloads = converter.GetDefaultDataConverter()
	}
	s.rounds = &rounds.Service{DB: s.DB, Temporal: s.Temporal, Payloads: s.Payloads, Transfers: s.transfers}
	s.exports = &exports.Service{DB: s.DB, Rounds: s.rounds, Records: s.transfers}
	s.decrees = &decrees.Service{DB: s.DB}
	s.notices = &notices.Service{DB: s.DB}
	s.accounts = &accounts.Service{DB: s.DB, BaseURL: s.BaseURL, InvitationTTL: s.InvitationTTL}
	if s.ResetLimiter == nil {
		s.ResetLimiter = DefaultResetLimiter()
	}
	if s.SSOStartLimiter == nil {
		s.SSOStartLimiter = DefaultSSOStartLimiter()
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// The client address is the connection's peer unless that is a
	// trusted proxy.
	proxies := make([]string, len(s.TrustedProxies))
	for i, p := range s.TrustedProxies {
		proxies[i] = p.String()
	}
	if err := r.SetTrustedProxies(proxies); err != nil {
		panic(err)
	}
	r.Use(gin.Recovery(), s.logRequests)
	r.Use(s.Middleware...)
	r.NoRoute(func(c *gin.Context) {
		writeError(c, s.Log, apperr.New(apperr.KindNotFound, "", "alamat tidak dikenal", "no such endpoint"))
	})
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.handle(s.ready))

	s.mountPages(r)

	v1 := r.Group("/api/v1")
	v1.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", openAPISpec) })
	v1.GET("/surveys/:token", s.handle(s.getSurvey))
	v1.POST("/surveys/:token", s.handle(s.answerSurvey))

	readers := []models.Role{models.RoleHR, models.RoleTPK, models.RolePPK}
	api := v1.Group("", s.authenticate)
	api.POST("/imports/:kind", bodyLimit(maxImportBody), s.allow(s.importData, models.RoleHR, models.RoleSystem))
	api.GET("/imports/:kind/template", s.allow(s.importTemplate, models.RoleHR, models.RoleSystem))
	api.GET("/employees/:nip", s.allow(s.getEmployee, models.RoleHR, models.RoleEmployee))
	api.GET("/notifications", s.allow(s.listNotifications, models.RoleHR))
	api.GET("/notices", s.allow(s.listNotices, append(readers, models.RoleEmployee)...))
	api.POST("/notices/read", s.allow(s.readAllNotices, append(readers, models.RoleEmployee)...))
	api.POST("/notices/:id/read", s.allow(s.readNotice, append(readers, models.RoleEmployee)...))
	api.GET("/tokens", s.allow(s.listTokens, models.RoleHR, models.RoleAdmin))
	api.POST("/tokens/:id/revocation", s.allow(s.revokeToken, models.RoleHR, models.RoleAdmin))
	api.GET("/accounts", s.allow(s.listAccounts, models.RoleAdmin))
	api.POST("/accounts", s.allow(s.createAccount, models.RoleAdmin))
	api.GET("/accounts/:username", s.allow(s.getAccount, models.RoleAdmin))
	api.POST("/accounts/:username/disablement", s.allow(s.setAccountDisabled(true), models.RoleAdmin))
	api.POST("/accounts/:username/enablement", s.allow(s.setAccountDisabled(false), models.RoleAdmin))
	api.POST("/accounts/:username/password-reset", s.allow(s.resetAccountPassword, models.RoleAdmin))
	api.POST("/accounts/:username/role", s.allow(s.changeAccountRole, models.RoleAdmin))
	api.POST("/accounts/:username/session-revocation", s.allow(s.revokeAccountSessions, models.RoleAdmin))
	api.POST("/invitations", s.allow(s.invite, models.RoleAdmin))
	api.POST("/invitations/employees", s.allow(s.inviteEmployees, models.RoleAdmin))
	api.POST("/rounds", s.allow(s.startRound, models.RoleHR))
	api.GET("/rounds", s.allow(s.listRounds, readers...))
	api.GET("/rounds/:id", s.allow(s.getRound, readers...))
	api.GET("/rounds/:id/needs", s.allow(s.listNeeds, readers...))
	api.GET("/rounds/:id/proposals", s.allow(s.listProposals, readers...))
	api.GET("/rounds/:id/exclusions", s.allow(s.listExclusions, readers...))
	api.GET("/rounds/:id/siasn-changes", s.allow(s.siasnChanges, models.RoleHR))
	api.POST("/rounds/:id/confirmation", s.allow(s.confirm, models.RoleHR))
	api.POST("/rounds/:id/replan", s.allow(s.replan, models.RoleHR))
	api.GET("/rounds/:id/evaluation", s.allow(s.roundEvaluation, readers...))
	api.GET("/rounds/:id/evaluation/charts/:chart", s.allow(s.roundEvaluationChart, readers...))
	api.GET("/evaluations", s.allow(s.periodEvaluation, readers...))
	api.GET("/evaluations/charts/:chart", s.allow(s.periodEvaluationChart, readers...))
	api.GET("/decrees", s.allow(s.listDecrees, readers...))
	api.GET("/decrees/:id", s.allow(s.getDecree, readers...))
	api.GET("/decrees/:id/pdf", s.allow(s.decreePDF, readers...))
	api.POST("/decrees/:id/revocation", s.allow(s.revokeDecree, models.RoleHR))
	api.GET("/transfers", s.allow(s.listTransfers, append(readers, models.RoleEmployee)...))
	api.GET("/transfers/:id/petikan", s.allow(s.petikanPDF, append(readers, models.RoleEmployee)...))
	api.GET("/transfers/:id", s.allow(s.getTransfer, append(readers, models.RoleEmployee)...))
	api.POST("/transfers/:id/decisions", s.allow(action[transfers.DecisionRequest](s, false), models.RoleTPK, models.RolePPK))
	api.POST("/transfers/:id/acknowledgement", s.allow(action[transfers.AcknowledgeRequest](s, true), models.RoleEmployee))
	api.POST("/transfers/:id/objections", s.allow(action[transfers.ObjectionRequest](s, false), models.RoleEmployee))
	api.POST("/transfers/:id/objection-resolution", s.allow(action[transfers.ResolutionRequest](s, false), models.RoleHR))
	api.POST("/transfers/:id/withdrawal", s.allow(action[transfers.WithdrawRequest](s, false), models.RoleHR))
	api.POST("/transfers/:id/minister-approval", s.allow(action[transfers.MinisterApprovalRequest](s, false), models.RoleHR))
	api.POST("/transfers/:id/training-completion", s.allow(action[transfers.TrainingRequest](s, true), models.RoleHR, models.RoleSystem))
	return r
}

// handle adapts a handler that returns an error.
func (s *Server) handle(h func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		limitBody(c)
		err := checkRequest(c)
		if err == nil {
			err = h(c)
		}
		if err != nil {
			writeError(c, s.Log, err)
		}
	}
}

// allow runs h only for the given roles.
func (s *Server) allow(h func(*gin.Context) error, roles ...models.Role) gin.HandlerFunc {
	return s.handle(func(c *gin.Context) error {
		a := actor(c)
		for _, r := range roles {
			if a.Role == r {
				return h(c)
			}
		}
		return apperr.New(apperr.KindForbidden, "", "peran "+string(a.Role)+" tidak berwenang untuk tindakan ini",
			"the role "+string(a.Role)+" may not do this")
	})
}

const actorKey = "actor"

// authenticate reads the bearer token and puts its actor on the context.
func (s *Server) authenticate(c *gin.Context) {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok {
		if a, signedIn := s.sessionActor(c); signedIn { // a signed-in page reading, e.g. a download
			c.Set(actorKey, a)
			c.Next()
			return
		}
		c.Header("WWW-Authenticate", `Bearer realm="mutasi"`)
		writeError(c, s.Log, apperr.New(apperr.KindUnauth, "Authorization", "token Bearer diperlukan", "a Bearer token is required"))
		return
	}
	a, err := apikey.Lookup(s.DB.WithContext(c.Request.Context()), strings.TrimSpace(token))
	if errors.Is(err, apikey.ErrInvalid) {
		err = s.wrongToken(c)
	}
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.Set(actorKey, a)
	c.Next()
}

// wrongToken counts a wrong bearer token against the client's budget: a
// client that has used it up gets 429 instead of 401. A right token is
// never counted nor refused, so clients sharing an address with a
// guesser, e.g. behind a proxy not configured as trusted, keep working.
func (s *Server) wrongToken(c *gin.Context) error {
	if ok, wait := s.TokenLimiter.Take(clientKey(c)); !ok {
		return tooManyGuesses(c, wait, "Authorization",
			"terlalu banyak token yang salah; coba lagi nanti", "too many wrong tokens; try again later")
	}
	c.Header("WWW-Authenticate", `Bearer realm="mutasi", error="invalid_token"`)
	return apperr.New(apperr.KindUnauth, "Authorization", "token tidak sah atau dicabut", "invalid or revoked token")
}

func actor(c *gin.Context) models.Actor {
	a, _ := c.Get(actorKey)
	v, _ := a.(models.Actor)
	return v
}

// bind decodes a JSON body strictly into v: unknown fields and wrong types
// are refused naming the field.
func bind(c *gin.Context, v any) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxJSONBody+1))
	if err != nil || len(body) > maxJSONBody {
		return apperr.New(apperr.KindTooLarge, "", fmt.Sprintf("isi permintaan terlalu besar (paling banyak %d byte)", maxJSONBody),
			fmt.Sprintf("request body too large (at most %d bytes)", maxJSONBody))
	}
	if err := models.CheckText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return apperr.New(apperr.KindMalformed, typeErr.Field, "jenis nilai "+typeErr.Field+" salah",
				"wrong type for "+typeErr.Field+": want "+typeErr.Type.String())
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return apperr.New(apperr.KindMalformed, f, "kolom "+f+" tidak dikenal", "unknown field "+f)
		case errors.Is(err, io.EOF):
			return apperr.New(apperr.KindMalformed, "", "isi permintaan kosong", "empty request body")
		}
		return apperr.New(apperr.KindMalformed, "", "JSON tidak sah: "+err.Error(), "malformed JSON: "+err.Error())
	}
	if dec.More() {
		return apperr.New(apperr.KindMalformed, "", "JSON berisi lebih dari satu nilai", "more than one JSON value")
	}
	return nil
}

// ready checks the database and Temporal.
func (s *Server) ready(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	checks := gin.H{"database": "ok", "temporal": "ok"}
	status := http.StatusOK
	if sqlDB, err := s.DB.DB(); err != nil || sqlDB.PingContext(ctx) != nil {
		checks["database"], status = "unreachable", http.StatusServiceUnavailable
	}
	if _, err := s.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		checks["temporal"], status = "unreachable", http.StatusServiceUnavailable
	}
	c.JSON(status, checks)
	return nil
}

// logRequests logs every request with its route, status, duration and the
// round or transfer it concerns.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	attrs := []any{"method", c.Request.Method, "route", c.FullPath(), "status", c.Writer.Status(),
		"duration_ms", time.Since(start).Milliseconds()}
	if id := c.Param("id"); id != "" {
		key := "round"
		if strings.HasPrefix(c.FullPath(), "/api/v1/transfers") {
			key = "transfer"
		}
		attrs = append(attrs, key, id)
	}
	if a := actor(c); a.ID != "" {
		attrs = append(attrs, "actor", a.ID, "role", a.Role)
	}
	s.Log.Info("request", attrs...)
}

// checkRequest refuses a request whose path parameters, query values or
// form values are not text the database can store, as bind refuses such a
// JSON body. A page's POST form has been parsed by the CSRF check; the
// API's requests have none.
func checkRequest(c *gin.Context) error {
	for _, p := range c.Params {
		if err := models.CheckText([]byte(p.Value)); err != nil {
			return err
		}
	}
	for _, form := range []url.Values{c.Request.URL.Query(), c.Request.PostForm} {
		for _, values := range form {
			for _, v := range values {
				if err := models.CheckText([]byte(v)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
