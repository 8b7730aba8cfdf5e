package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/bkpsdm/mutasi/apperr"
)

// refuse builds the application error an update validator returns: its
// type is the kind (forbidden, conflict or invalid), and an apperr.Error
// travels as its details, by value: with a pointer, itself an error, in
// the details, the SDK's test environment stopped answering the updates
// that followed such a refusal (TestReplanSeatsBlockedTransfers hung).
func refuse(kind apperr.Kind, field, id, en string) error {
	return temporal.NewNonRetryableApplicationError(en, string(kind), nil, *apperr.New(kind, field, id, en))
}

// AsRefusal extracts the refusal from an error returned by an update, if
// it is one.
func AsRefusal(err error) (*apperr.Error, bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		return nil, false
	}
	var r apperr.Error
	if appErr.HasDetails() && appErr.Details(&r) == nil && r.Kind != "" {
		return &r, true
	}
	switch k := apperr.Kind(appErr.Type()); k {
	case apperr.KindForbidden, apperr.KindConflict, apperr.KindInvalid:
		return apperr.New(k, "", appErr.Message(), appErr.Message()), true
	}
	return nil, false
}
