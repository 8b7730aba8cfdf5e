// Package contract is what Mutasi's workflows, their activities and the
// API agree on: workflow IDs, the actor the audit trail records, the
// names of the activities, and the inputs and results that cross between
// them. It holds no behaviour with side effects, so a workflow can depend
// on it without pulling in a database or mail package; only the worker
// knows the activities' implementations.
package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"

	"github.com/bkpsdm/mutasi/models"
)

// TransferID is the business key of a transfer: round, NIP and target
// position. A key longer than models.MaxTransferID characters keeps its
// beginning and ends with a hash of the whole key, so that it fits its
// columns and stays the same for the same transfer.
func TransferID(roundID, nip, positionID string) string {
	id := roundID + "-" + nip + "-" + positionID
	if utf8.RuneCountInString(id) <= models.MaxTransferID {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	suffix := "-" + hex.EncodeToString(sum[:8])
	return string([]rune(id)[:models.MaxTransferID-len(suffix)]) + suffix
}

// TransferWorkflowID is the workflow ID of a transfer.
func TransferWorkflowID(transferID string) string { return "transfer-" + transferID }

// RoundWorkflowID is the workflow ID of a round.
func RoundWorkflowID(roundID string) string { return "round-" + roundID }

// ActorRef is who did something, as the audit trail records it.
type ActorRef struct {
	ID   string      `json:"id"`
	Role models.Role `json:"role"`
}

// System is the actor for what timers and workflows do on their own.
var System = ActorRef{ID: "system", Role: models.RoleSystem}

// ErrNotFound is the type of the non-retryable error an activity returns
// when a record it needs does not exist.
const ErrNotFound = "NotFound"

// ErrInvalidStep is the type of the non-retryable error Apply returns for
// a step that names nothing to apply.
const ErrInvalidStep = "InvalidStep"

// ErrSelection is the type of the non-retryable error selection returns
// when the round's data cannot be planned (an inconsistency retrying
// cannot fix).
const ErrSelection = "Selection"

// ErrNoRoom is the type of the non-retryable error Replan returns when
// the blocked transfers cannot all be seated again.
const ErrNoRoom = "NoRoom"

// SurveyPath is where a survey link points, under the service's base
// URL, followed by the link's signed token: the survey page, which works
// without signing in.
const SurveyPath = "/surveys/"

// DecreeVerifyPath is where the QR code on a decree's pages points, under
// the service's base URL, before the decree's token: its public
// verification page.
const DecreeVerifyPath = "/verifikasi/"
