package server

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/api/serviceerror"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/workflows"
)

// Problem is an RFC 9457 problem detail. Detail is in Bahasa Indonesia and
// DetailEN in English; Field names the request field at fault, and Errors
// lists row- or field-level problems. ErrorCount counts every problem of
// an import, of which Errors lists the first importer.MaxRowErrors.
type Problem struct {
	Type       string              `json:"type"`
	Title      string              `json:"title"`
	Status     int                 `json:"status"`
	Detail     string              `json:"detail"`
	DetailEN   string              `json:"detail_en"`
	Field      string              `json:"field,omitempty"`
	Errors     []apperr.FieldError `json:"errors,omitempty"`
	ErrorCount int                 `json:"error_count,omitempty"`
	// kind is the error's kind, for pages that show it again.
	kind apperr.Kind
}

// errEnded answers an action on a process that has completed, whichever
// way Temporal says so.
var errEnded = apperr.Conflict("", "proses ini sudah selesai dan tidak menerima tindakan lagi",
	"this process has ended and accepts no more actions")

// errUnavailable answers a request when the database or Temporal cannot
// be reached for a moment.
var errUnavailable = apperr.New(apperr.KindUnavailable, "", "layanan sedang tidak tersedia; coba lagi sebentar lagi",
	"the service is unavailable for a moment; try again shortly")

// errTimeout answers a request that ran out of time.
var errTimeout = apperr.New(apperr.KindTimeout, "", "waktu tunggu habis", "timed out")

// errAbandoned is what a request came to whose client went away before
// the answer: its context was canceled, and whatever it waited for
// stopped. Nobody reads the answer; the log says what happened.
var errAbandoned = apperr.New(apperr.KindAbandoned, "", "permintaan dibatalkan oleh pengirimnya", "the request was abandoned by its client")

// statusClientClosed is the status logged for an abandoned request (no
// standard one exists; 499 is nginx's "client closed request").
const statusClientClosed = 499

// errInternal answers what the code did not expect.
var errInternal = apperr.New(apperr.KindInternal, "", "terjadi kesalahan pada server", "internal server error")

// statusOf is the one map from error kinds to HTTP statuses.
var statusOf = map[apperr.Kind]int{
	apperr.KindInvalid:     http.StatusUnprocessableEntity,
	apperr.KindMalformed:   http.StatusBadRequest,
	apperr.KindNotFound:    http.StatusNotFound,
	apperr.KindForbidden:   http.StatusForbidden,
	apperr.KindConflict:    http.StatusConflict,
	apperr.KindGone:        http.StatusGone,
	apperr.KindUnauth:      http.StatusUnauthorized,
	apperr.KindTooMany:     http.StatusTooManyRequests,
	apperr.KindTooLarge:    http.StatusRequestEntityTooLarge,
	apperr.KindUnsupported: http.StatusUnsupportedMediaType,
	apperr.KindUnavailable: http.StatusServiceUnavailable,
	apperr.KindTimeout:     http.StatusGatewayTimeout,
	apperr.KindAbandoned:   statusClientClosed,
	apperr.KindInternal:    http.StatusInternalServerError,
}

// classify says what kind of error err is: an application error as it
// is, a workflow's refusal, or one of Temporal's and the database's
// errors; anything else is internal.
func classify(err error) *apperr.Error {
	if e, ok := apperr.As(err); ok {
		return e
	}
	if r, ok := workflows.AsRefusal(err); ok {
		return r
	}
	var notFoundErr *serviceerror.NotFound
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	var closed *serviceerror.FailedPrecondition
	switch {
	case errors.As(err, &notFoundErr), errors.As(err, &started), errors.As(err, &closed):
		// Every workflow the API acts on is found in the database first, so
		// Temporal not finding it means it has ended (and its history
		// been removed).
		return errEnded
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, new(*serviceerror.DeadlineExceeded)):
		return errTimeout
	case unavailable(err):
		return errUnavailable
	}
	return errInternal
}

// writeError writes err as problem+json.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	p := problemOf(c, log, err)
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(p.Status, p)
}

// problemOf is the one place where errors become HTTP statuses and
// messages, for the API and the pages alike; unexpected errors are logged.
func problemOf(c *gin.Context, log *slog.Logger, err error) Problem {
	e := classify(err)
	if (e.Kind == apperr.KindInternal || e.Kind == apperr.KindUnavailable) && errors.Is(c.Request.Context().Err(), context.Canceled) {
		// The client went away: the error is the cancellation reaching
		// the database or Temporal, not a fault of either or of the code.
		e = errAbandoned
		log.Info("request abandoned by its client", "method", c.Request.Method, "path", c.FullPath(), "error", err)
	}
	switch e.Kind {
	case apperr.KindUnavailable:
		c.Header("Retry-After", retryAfterUnavailable)
		log.Warn("dependency unavailable", "method", c.Request.Method, "path", c.FullPath(), "error", err)
	case apperr.KindInternal:
		log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "error", err)
	}
	status := statusOf[e.Kind]
	return Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: e.Message,
		DetailEN: e.MessageEN, Field: e.Field, Errors: e.Errors, ErrorCount: e.Count, kind: e.Kind}
}

// serverFault reports whether the problem is the server's, not the
// request's: the page shows the error page rather than the form again.
func (p Problem) serverFault() bool { return p.Status >= http.StatusInternalServerError }

// retryAfterUnavailable is how many seconds a client is told to wait
// when the database or Temporal cannot be reached.
const retryAfterUnavailable = "5"

// unavailable reports whether err says the database or Temporal cannot be
// reached or is shutting down, a moment's fault rather than the
// request's or the code's: PostgreSQL's connection exceptions (class 08),
// its shutdown and too-many-connections codes, a refused or broken
// connection, Temporal's Unavailable, and a call Temporal canceled (its
// frontend cancels the calls in it when it stops).
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", "53300":
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	var temporalDown *serviceerror.Unavailable
	var temporalCanceled *serviceerror.Canceled
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.As(err, &temporalDown) || errors.As(err, &temporalCanceled) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err)
}
