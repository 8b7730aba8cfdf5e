package transfers

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

// Update sends an update to a workflow and waits for its outcome. The
// update ID comes from the request, so a repeated request gets the first
// answer and changes nothing.
//
// While the workflow's workflow task is failing, the server does not
// take updates: it answers WorkflowNotReady (FAILED_PRECONDITION) at once
// when the task has failed or timed out twice in a row (attempt 3 and
// on; temporalio/temporal service/history/api/updateworkflow/api.go,
// failUpdateWorkflowTaskAttemptCount), and aborts with it the updates a
// failed task carried (service/history/workflow/update/abort_reason.go).
// Temporal documents this as the sender's to handle: the server retries a
// failing workflow task without end, and an update it has not accepted
// meanwhile is answered FAILED_PRECONDITION
// (docs.temporal.io/develop/go/message-passing, "Problems when sending an
// Update"); neither the server nor the SDK sends it again (the SDK's
// retry interceptor retries Unavailable, not FailedPrecondition). So the
// same update, with the same ID, is sent again until a task completes or
// the service's UpdatePatience runs out; then the caller is told to try
// again later (apperr.KindUnavailable), not that the server failed. A task that timed out (its worker killed, or
// the server restarted while it ran) is handed out again only after the
// workflow task timeout (10 s), and from the fourth attempt on that
// timeout grows by 5 s, 10 s, ...: the patience outlasts three of them.
//
// The production-shape test saw tasks fail for two reasons: a signal that
// reached a workflow while it completed (UnhandledCommand, retried by
// design: docs.temporal.io/references/events, WorkflowTaskFailed), and a
// server bug, a worker that lost its cached workflow fetching a history
// without the update's speculative task ("premature end of stream",
// temporalio/temporal#7741, fixed in server v1.31.0 by #9325 and #9389;
// the cluster runs v1.32.1, the dev server of Temporal CLI v1.5.1 is
// v1.29.1 and still has it). It saw timeouts too, after the Temporal
// server restarted under it.
func (s *Service) Update(ctx context.Context, workflowID, name, updateID string, arg, out any) error {
	patience := cmp.Or(s.UpdatePatience, DefaultUpdatePatience)
	giveUp := time.Now().Add(patience)
	wait := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateName: name,
			UpdateID: updateID, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, out)
		}
		if _, dropped := errors.AsType[*serviceerror.WorkflowNotReady](err); !dropped {
			return err
		}
		if time.Now().Add(wait).After(giveUp) {
			s.Log.Error("update not taken: the workflow task kept failing", "workflow", workflowID, "update", name,
				"attempts", attempt, "patience", patience, "task", s.lastTaskFailure(ctx, workflowID))
			return errNotReady
		}
		if attempt == 1 {
			s.Log.Warn("update not taken: the workflow task is failing; sending it again", "workflow", workflowID, "update", name,
				"task", s.lastTaskFailure(ctx, workflowID))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, maxUpdateWait)
	}
}

// DefaultUpdatePatience is how long Update keeps sending an update that
// the server does not take because the workflow task is failing: longer
// than three workflow task timeouts (10, 10 and 15 s), shorter than the
// HTTP server's write timeout (90 s).
const DefaultUpdatePatience = 45 * time.Second

// maxUpdateWait bounds the wait between two sends of an update (from
// 200 ms, doubling).
const maxUpdateWait = 5 * time.Second

// errNotReady answers an update the workflow could not take within the
// patience: nothing was decided, and the same request may be sent again.
var errNotReady = apperr.New(apperr.KindUnavailable, "", "sistem sedang memulihkan proses ini; coba lagi sebentar lagi",
	"the system is recovering this process; try again in a moment")

// lastTaskFailure says how the workflow's last failed or timed-out
// workflow task ended, from its history, to tell in the log why an update
// was dropped; "" when history shows none.
func (s *Service) lastTaskFailure(ctx context.Context, workflowID string) string {
	last := ""
	it := s.Temporal.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return last
		}
		if a := e.GetWorkflowTaskFailedEventAttributes(); a != nil {
			last = fmt.Sprintf("event %d failed: %s: %s", e.GetEventId(), a.GetCause(), a.GetFailure().GetMessage())
		}
		if a := e.GetWorkflowTaskTimedOutEventAttributes(); a != nil {
			last = fmt.Sprintf("event %d timed out (%s)", e.GetEventId(), a.GetTimeoutType())
		}
	}
	return last
}

// RequestUpdateID names an update after the request that sends it: key
// (what it is about, which action, whose) and its content. An identical
// repeat gets the same ID, so the first answer and no second effect; a
// different request gets another ID and is judged by the workflow, which
// refuses a second, different decision.
func RequestUpdateID(key string, arg any) (string, error) {
	content, err := json.Marshal(arg)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(key + "\x00" + string(content)))
	return hex.EncodeToString(sum[:16]), nil
}

// send checks the transfer exists for the actor (404 when it
// is not theirs to see, as for GET), then sends one person's update to
// it, keyed by transfer, action and person.
func (s *Service) send(ctx context.Context, a models.Actor, transferID, name string, arg any) (workflows.Receipt, error) {
	var receipt workflows.Receipt
	var t models.Transfer
	err := Visible(s.DB.WithContext(ctx), a).Select("id", "workflow_id", "stage").First(&t, "id = ?", transferID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return receipt, apperr.NotFound("mutasi", transferID)
	}
	if err != nil {
		return receipt, err
	}
	if !t.Stage.Confirmed() {
		return receipt, apperr.New(apperr.KindConflict, "", "mutasi ini belum atau tidak dikonfirmasi", "this transfer has not been confirmed")
	}
	id, err := RequestUpdateID(t.ID+"\x00"+name+"\x00"+a.ID, arg)
	if err != nil {
		return receipt, err
	}
	err = s.Update(ctx, t.WorkflowID, name, id, arg, &receipt)
	if _, missing := errors.AsType[*serviceerror.NotFound](err); missing && t.Stage == models.StageAwaitingTPK {
		// Confirmed, but the round has not started its workflow yet: a
		// round of thousands starts them over a minute or two. (Otherwise
		// the workflow has ended, which the server's error map says.)
		return receipt, apperr.Conflict("", "mutasi ini sedang dimulai; coba lagi dalam beberapa detik",
			"this transfer is still being started; try again in a few seconds")
	}
	return receipt, err
}

// Action is one person's request about a transfer: a decision,
// an acknowledgement, an objection, a resolution or a training report.
type Action interface {
	// update checks what only the request can tell and names the
	// workflow update to send, with its argument, for the actor.
	update(a models.Actor) (name string, arg any, err error)
}

// Act carries out a person's request on a transfer. The API and the pages
// both act through it, so the workflow's validators judge both alike.
func (s *Service) Act(ctx context.Context, a models.Actor, transferID string, req Action) (workflows.Receipt, error) {
	name, arg, err := req.update(a)
	if err != nil {
		return workflows.Receipt{}, err
	}
	return s.send(ctx, a, transferID, name, arg)
}

// DecisionRequest is a TPK or PPK decision.
type DecisionRequest struct {
	Approve *bool  `json:"approve"`
	Reason  string `json:"reason"`
}

func (r DecisionRequest) update(a models.Actor) (string, any, error) {
	if err := models.TooLong("reason", r.Reason, models.MaxText); err != nil {
		return "", nil, err
	}
	if r.Approve == nil {
		return "", nil, apperr.Invalid("approve", "approve wajib diisi (true atau false)", "approve is required (true or false)")
	}
	return workflows.UpdateDecide, workflows.Decision{Actor: a, Approve: *r.Approve, Reason: r.Reason}, nil
}

// AcknowledgeRequest is the employee's acknowledgement; it carries
// nothing.
type AcknowledgeRequest struct{}

func (AcknowledgeRequest) update(a models.Actor) (string, any, error) {
	return workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: a}, nil
}

// ObjectionRequest is an employee's objection.
type ObjectionRequest struct {
	Category models.ObjectionCategory `json:"category"`
	Text     string                   `json:"text"`
}

func (r ObjectionRequest) update(a models.Actor) (string, any, error) {
	if err := models.TooLong("text", r.Text, models.MaxText); err != nil {
		return "", nil, err
	}
	return workflows.UpdateObject, workflows.Objection{Actor: a, Category: r.Category, Text: r.Text}, nil
}

// ResolutionRequest is the HR officer's resolution of an objection.
type ResolutionRequest struct {
	Resolution models.Resolution `json:"resolution"`
	Note       string            `json:"note,omitempty"`
}

func (r ResolutionRequest) update(a models.Actor) (string, any, error) {
	if err := models.TooLong("note", r.Note, models.MaxText); err != nil {
		return "", nil, err
	}
	return workflows.UpdateResolve, workflows.Resolution{Actor: a, Resolution: r.Resolution, Note: r.Note}, nil
}

// WithdrawRequest is the HR officer's withdrawal of a transfer before it
// takes effect.
type WithdrawRequest struct {
	Reason string `json:"reason"`
}

func (r WithdrawRequest) update(a models.Actor) (string, any, error) {
	if err := models.TooLong("reason", r.Reason, models.MaxText); err != nil {
		return "", nil, err
	}
	return workflows.UpdateWithdraw, workflows.Withdraw{Actor: a, Reason: r.Reason}, nil
}

// MinisterApprovalRequest records the minister's written approval for one
// official's transfer, by the letter's reference.
type MinisterApprovalRequest struct {
	Reference string `json:"reference"`
}

func (r MinisterApprovalRequest) update(a models.Actor) (string, any, error) {
	if err := models.TooLong("reference", r.Reference, workflows.MaxReference); err != nil {
		return "", nil, err
	}
	return workflows.UpdateMinisterApproval, workflows.MinisterApproval{Actor: a, Reference: r.Reference}, nil
}

// TrainingRequest reports completed training.
type TrainingRequest struct {
	Note string `json:"note,omitempty"`
}

func (r TrainingRequest) update(a models.Actor) (string, any, error) {
	if err := models.TooLong("note", r.Note, models.MaxText); err != nil {
		return "", nil, err
	}
	return workflows.UpdateCompleteTraining, workflows.TrainingCompletion{Actor: a, Note: r.Note}, nil
}
