// Package apperr gives Mutasi's application errors a kind (invalid, not
// found, forbidden, conflict...), the request field at fault, and their
// texts in Bahasa Indonesia and English. Code that finds a problem says
// what kind it is; only the server turns kinds into HTTP statuses, in one
// map. Workflows refuse updates with the same type, carried as the
// details of a Temporal application error whose type is the kind.
package apperr

import "errors"

// Kind says what sort of problem an error is.
type Kind string

// The kinds of error. Their values are also the types of the application
// errors with which workflows refuse updates.
const (
	KindInvalid     Kind = "Invalid"      // the request's content is wrong (a missing reason, an unknown category)
	KindMalformed   Kind = "Malformed"    // the request cannot be read (bad JSON, a bad query parameter)
	KindNotFound    Kind = "NotFound"     // what the request names does not exist, or is not the caller's to see
	KindForbidden   Kind = "Forbidden"    // the caller may not do this
	KindConflict    Kind = "Conflict"     // not now: the wrong stage, already decided, out of order
	KindGone        Kind = "Gone"         // it existed but has expired
	KindUnauth      Kind = "Unauthorized" // the caller is not signed in, or their credentials are wrong
	KindTooMany     Kind = "TooMany"      // too many attempts; try later
	KindTooLarge    Kind = "TooLarge"     // the request body is over its limit
	KindUnsupported Kind = "Unsupported"  // the request's media type is not accepted
	KindUnavailable Kind = "Unavailable"  // a service it needs cannot be reached for a moment; try again
	KindTimeout     Kind = "Timeout"      // it ran out of time
	KindAbandoned   Kind = "Abandoned"    // the caller went away before the answer
	KindInternal    Kind = "Internal"     // the code did not expect this: a bug or an unknown failure
)

// Kinds lists every kind.
var Kinds = []Kind{KindInvalid, KindMalformed, KindNotFound, KindForbidden, KindConflict, KindGone, KindUnauth,
	KindTooMany, KindTooLarge, KindUnsupported, KindUnavailable, KindTimeout, KindAbandoned, KindInternal}

// Error is an application error: its kind, the field at fault if any,
// and its message in Bahasa Indonesia (Message) and English (MessageEN).
// Errors lists field- or row-level problems, of which there are Count in
// all (an import lists only the first ones).
type Error struct {
	Kind      Kind         `json:"kind"`
	Field     string       `json:"field,omitempty"`
	Message   string       `json:"message"`
	MessageEN string       `json:"message_en"`
	Errors    []FieldError `json:"errors,omitempty"`
	Count     int          `json:"count,omitempty"`
}

// FieldError is one problem with one field, of one row for imports.
type FieldError struct {
	Row       int    `json:"row,omitempty"`
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

// Error returns the English message.
func (e *Error) Error() string { return e.MessageEN }

// New makes an error of kind k about field (or none), with its messages
// in Bahasa Indonesia (id) and English (en).
func New(k Kind, field, id, en string) *Error {
	return &Error{Kind: k, Field: field, Message: id, MessageEN: en}
}

// Invalid says the request's field is wrong.
func Invalid(field, id, en string) *Error { return New(KindInvalid, field, id, en) }

// Malformed says the request, or its field, cannot be read.
func Malformed(field, id, en string) *Error { return New(KindMalformed, field, id, en) }

// Conflict says the request cannot be done now.
func Conflict(field, id, en string) *Error { return New(KindConflict, field, id, en) }

// Forbidden says the caller may not do this.
func Forbidden(id, en string) *Error { return New(KindForbidden, "", id, en) }

// NotFound says the record what (in Bahasa Indonesia, e.g. "mutasi")
// with the given id does not exist.
func NotFound(what, id string) *Error {
	return New(KindNotFound, "", what+" "+id+" tidak ditemukan", what+" "+id+" not found")
}

// As returns the *Error in err's chain, if there is one.
func As(err error) (*Error, bool) {
	return errors.AsType[*Error](err)
}

// Is reports whether err is an application error of kind k.
func Is(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}
