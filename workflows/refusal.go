package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"
)

// The kinds of refusal an update validator gives; the API maps them to
// HTTP statuses.
const (
	// Forbidden: the actor may not do this (wrong role, out of scope, not
	// their transfer).
	Forbidden = "Forbidden"
	// Conflict: not now (wrong stage, already decided, out of order).
	Conflict = "Conflict"
	// Invalid: the request itself is wrong (a missing reason, an unknown
	// category).
	Invalid = "Invalid"
)

// Refusal explains why an update was refused, in Bahasa Indonesia and in
// English; Field names the request field at fault, if any.
type Refusal struct {
	Kind      string `json:"kind"`
	Field     string `json:"field,omitempty"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

// Error returns the English message.
func (r Refusal) Error() string { return r.MessageEN }

// refuse builds the application error a validator returns; the Refusal
// travels as its details.
func refuse(kind, field, id, en string) error {
	return temporal.NewNonRetryableApplicationError(en, kind, nil, Refusal{Kind: kind, Field: field, Message: id, MessageEN: en})
}

// AsRefusal extracts the Refusal from an error returned by an update, if
// it is one.
func AsRefusal(err error) (Refusal, bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		return Refusal{}, false
	}
	var r Refusal
	if appErr.HasDetails() && appErr.Details(&r) == nil && r.Kind != "" {
		return r, true
	}
	switch appErr.Type() {
	case Forbidden, Conflict, Invalid:
		return Refusal{Kind: appErr.Type(), Message: appErr.Message(), MessageEN: appErr.Message()}, true
	}
	return Refusal{}, false
}
