package server

import (
	"fmt"
	"unicode/utf8"

	"github.com/bkpsdm/mutasi/apperr"
)

// The limits of what people type, checked at the door before anything is
// written or sent to Temporal: a text Temporal carries in a workflow's
// history must stay far below its payload limits.
const (
	// maxText bounds a free text: a decision's reason, an objection, a
	// note, a withdrawal's reason.
	maxText = 4000
	// maxJSONBody bounds a JSON request body (a confirmation naming the
	// thousands of proposals a province removes fits easily); imports
	// have their own limit.
	maxJSONBody = 1 << 20
)

// tooLong refuses a text over max characters, naming its field.
func tooLong(field, value string, max int) error {
	if utf8.RuneCountInString(value) <= max {
		return nil
	}
	return apperr.Invalid(field, fmt.Sprintf("%s paling banyak %d karakter", field, max),
		fmt.Sprintf("%s takes at most %d characters", field, max))
}
