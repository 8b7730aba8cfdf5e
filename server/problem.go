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

	"github.com/bkpsdm/mutasi/workflows"
)

// Problem is an RFC 9457 problem detail. Detail is in Bahasa Indonesia and
// DetailEN in English; Field names the request field at fault, and Errors
// lists row- or field-level problems. ErrorCount counts every problem of
// an import, of which Errors lists the first maxRowErrors.
type Problem struct {
	Type       string       `json:"type"`
	Title      string       `json:"title"`
	Status     int          `json:"status"`
	Detail     string       `json:"detail"`
	DetailEN   string       `json:"detail_en"`
	Field      string       `json:"field,omitempty"`
	Errors     []FieldError `json:"errors,omitempty"`
	ErrorCount int          `json:"error_count,omitempty"`
}

// FieldError is one problem with one field, of one row for imports.
type FieldError struct {
	Row       int    `json:"row,omitempty"`
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

// apiError is an error that already knows its HTTP status and messages.
type apiError struct {
	status int
	field  string
	id, en string
	errors []FieldError
	count  int // every error, of which errors lists the first
}

func (e *apiError) Error() string { return e.en }

func fail(status int, field, id, en string) error {
	return &apiError{status: status, field: field, id: id, en: en}
}

func invalid(field, id, en string) error { return fail(http.StatusUnprocessableEntity, field, id, en) }

func notFound(what, id string) error {
	return fail(http.StatusNotFound, "", what+" "+id+" tidak ditemukan", what+" "+id+" not found")
}

// errEnded answers an action on a process that has completed, whichever
// way Temporal says so.
var errEnded = &apiError{status: http.StatusConflict,
	id: "proses ini sudah selesai dan tidak menerima tindakan lagi", en: "this process has ended and accepts no more actions"}

// refusalStatus maps a workflow's refusal to its HTTP status.
var refusalStatus = map[string]int{
	workflows.Forbidden: http.StatusForbidden,
	workflows.Conflict:  http.StatusConflict,
	workflows.Invalid:   http.StatusUnprocessableEntity,
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
	p := Problem{Status: http.StatusInternalServerError,
		Detail: "terjadi kesalahan pada server", DetailEN: "internal server error"}
	var api *apiError
	var notFoundErr *serviceerror.NotFound
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch r, isRefusal := workflows.AsRefusal(err); {
	case errors.As(err, &api):
		p.Status, p.Field, p.Detail, p.DetailEN, p.Errors, p.ErrorCount = api.status, api.field, api.id, api.en, api.errors, api.count
	case isRefusal:
		p.Status, p.Field, p.Detail, p.DetailEN = refusalStatus[r.Kind], r.Field, r.Message, r.MessageEN
	case errors.As(err, &notFoundErr):
		p.Status, p.Detail, p.DetailEN = http.StatusNotFound, "proses tidak ditemukan", "workflow not found"
	case errors.As(err, &started), isClosed(err):
		p.Status, p.Detail, p.DetailEN = errEnded.status, errEnded.id, errEnded.en
	case errors.Is(err, context.DeadlineExceeded):
		p.Status, p.Detail, p.DetailEN = http.StatusGatewayTimeout, "waktu tunggu habis", "timed out"
	case unavailable(err):
		p.Status, p.Detail, p.DetailEN = http.StatusServiceUnavailable,
			"layanan sedang tidak tersedia; coba lagi sebentar lagi", "the service is unavailable for a moment; try again shortly"
		c.Header("Retry-After", retryAfterUnavailable)
		log.Warn("dependency unavailable", "method", c.Request.Method, "path", c.FullPath(), "error", err)
	default:
		log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "error", err)
	}
	p.Title = http.StatusText(p.Status)
	p.Type = "about:blank"
	return p
}

// retryAfterUnavailable is how many seconds a client is told to wait
// when the database or Temporal cannot be reached.
const retryAfterUnavailable = "5"

// unavailable reports whether err says the database or Temporal cannot be
// reached or is shutting down, a moment's fault rather than the
// request's or the code's: PostgreSQL's connection exceptions (class 08),
// its shutdown and too-many-connections codes, a refused or broken
// connection, and Temporal's Unavailable.
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
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.As(err, &temporalDown) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err)
}

// isClosed reports whether err says the workflow has already completed.
func isClosed(err error) bool {
	var fp *serviceerror.FailedPrecondition
	return errors.As(err, &fp)
}
