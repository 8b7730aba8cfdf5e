package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

type page struct{ limit, offset int }

// pageParams reads limit (1-500, default 50) and offset (0 or more).
func pageParams(c *gin.Context) (page, error) {
	p := page{limit: 50}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return p, apperr.New(apperr.KindMalformed, "limit", "limit harus 1 sampai 500", "limit must be 1 to 500")
		}
		p.limit = n
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, apperr.New(apperr.KindMalformed, "offset", "offset harus 0 atau lebih", "offset must be 0 or more")
		}
		p.offset = n
	}
	return p, nil
}

var knownStages = map[models.Stage]bool{}

func init() {
	for _, s := range models.Stages {
		knownStages[s] = true
	}
}

// toldStages are the stages in which an employee has been told of their
// transfer: proposals and decisions in progress are not shown to them.
var toldStages = []models.Stage{models.StageSocialization, models.StageObjectionReview, models.StageTraining,
	models.StageAwaitingEffective, models.StageEffective, models.StageSurveyOpen, models.StageCompleted,
	models.StageCancelled, models.StageRecheckFailed}

// visible narrows a transfer query to what the actor may see: approvers
// their units, employees their own transfers once told of them.
func visible(q *gorm.DB, a models.Actor) *gorm.DB {
	switch {
	case a.Role == models.RoleEmployee:
		return q.Where("nip = ? AND stage IN ?", a.NIP, toldStages)
	case len(a.Units) > 0:
		return q.Where("to_unit_id IN ?", a.Units)
	}
	return q
}

func (s *Server) listTransfers(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := TransferFilter{Round: c.Query("round"), Stage: models.Stage(c.Query("stage")), Unit: c.Query("unit")}
	items, total, err := s.transfers(c, actor(c), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "limit": p.limit, "offset": p.offset})
	return nil
}

// TransferFilter narrows a list of transfers; empty fields match all.
type TransferFilter struct {
	Round string
	Stage models.Stage
	Unit  string
}

// transfers lists a page of the transfers the actor may see.
func (s *Server) transfers(ctx context.Context, a models.Actor, f TransferFilter, p page) ([]models.Transfer, int64, error) {
	q := visible(s.DB.WithContext(ctx).Model(&models.Transfer{}), a)
	if f.Round != "" {
		q = q.Where("round_id = ?", f.Round)
	}
	if f.Stage != "" {
		if !knownStages[f.Stage] {
			return nil, 0, apperr.New(apperr.KindMalformed, "stage", "tahap "+string(f.Stage)+" tidak dikenal", "unknown stage "+string(f.Stage))
		}
		q = q.Where("stage = ?", f.Stage)
	}
	if f.Unit != "" {
		q = q.Where("to_unit_id = ?", f.Unit)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var items []models.Transfer
	err := q.Order("round_id, id").Limit(p.limit).Offset(p.offset).Find(&items).Error
	return items, total, err
}

// TransferView is a transfer with its live state from the workflow.
type TransferView struct {
	models.Transfer
	Live *workflows.TransferState `json:"live,omitempty"`
}

func (s *Server) getTransfer(c *gin.Context) error {
	v, err := s.transferView(c, actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// transferView reads a transfer the actor may see and, once it has
// started, its live state from the workflow.
func (s *Server) transferView(ctx context.Context, a models.Actor, id string) (TransferView, error) {
	var t models.Transfer
	err := visible(s.DB.WithContext(ctx), a).First(&t, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return TransferView{}, apperr.NotFound("mutasi", id)
	}
	if err != nil {
		return TransferView{}, err
	}
	v := TransferView{Transfer: t}
	if t.Stage != models.StageProposed && t.Stage != models.StageRemoved {
		var st workflows.TransferState
		if q, err := s.Temporal.QueryWorkflow(ctx, t.WorkflowID, "", workflows.QueryState); err == nil && q.Get(&st) == nil {
			v.Live = &st
			v.Stage = st.Stage
		}
	}
	return v, nil
}

// update sends an update to a workflow and waits for its outcome. The
// update ID comes from the request, so a repeated request gets the first
// answer and changes nothing.
//
// When the workflow task that carried the update failed (the server
// answers WorkflowNotReady), the update was dropped, not refused: the same
// update, with the same ID, is sent again a few times, as the server
// retries the task.
func (s *Server) update(ctx context.Context, workflowID, name, updateID string, arg, out any) error {
	wait := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateName: name,
			UpdateID: updateID, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, out)
		}
		if _, dropped := errors.AsType[*serviceerror.WorkflowNotReady](err); !dropped || attempt == updateAttempts {
			return err
		}
		s.Log.Warn("update dropped by a failed workflow task; sending it again", "workflow", workflowID, "update", name,
			"attempt", attempt)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// requestUpdateID names an update after the request that sends it: key
// (what it is about, which action, whose) and its content. An identical
// repeat gets the same ID, so the first answer and no second effect; a
// different request gets another ID and is judged by the workflow, which
// refuses a second, different decision.
func requestUpdateID(key string, arg any) (string, error) {
	content, err := json.Marshal(arg)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(key + "\x00" + string(content)))
	return hex.EncodeToString(sum[:16]), nil
}

// updateAttempts is how many times an update dropped by a failed workflow
// task is sent.
const updateAttempts = 4

// sendTransferUpdate checks the transfer exists for the actor (404 when it
// is not theirs to see, as for GET), then sends one person's update to
// it, keyed by transfer, action and person.
func (s *Server) sendTransferUpdate(ctx context.Context, a models.Actor, transferID, name string, arg any) (workflows.Receipt, error) {
	var receipt workflows.Receipt
	var t models.Transfer
	err := visible(s.DB.WithContext(ctx), a).Select("id", "workflow_id", "stage").First(&t, "id = ?", transferID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return receipt, apperr.NotFound("mutasi", transferID)
	}
	if err != nil {
		return receipt, err
	}
	if t.Stage == models.StageProposed || t.Stage == models.StageRemoved {
		return receipt, apperr.New(apperr.KindConflict, "", "mutasi ini belum atau tidak dikonfirmasi", "this transfer has not been confirmed")
	}
	id, err := requestUpdateID(t.ID+"\x00"+name+"\x00"+a.ID, arg)
	if err != nil {
		return receipt, err
	}
	err = s.update(ctx, t.WorkflowID, name, id, arg, &receipt)
	if workflowMissing(err) {
		if t.Stage == models.StageAwaitingTPK {
			// Confirmed, but the round has not started its workflow yet: a
			// round of thousands starts them over a minute or two.
			return receipt, apperr.New(apperr.KindConflict, "", "mutasi ini sedang dimulai; coba lagi dalam beberapa detik",
				"this transfer is still being started; try again in a few seconds")
		}
		// Temporal answers NotFound for a workflow that has completed.
		return receipt, errEnded
	}
	return receipt, err
}

// transferAction is one person's request about a transfer: a decision,
// an acknowledgement, an objection, a resolution or a training report.
type transferAction interface {
	// update checks what only the request can tell and names the
	// workflow update to send, with its argument, for the actor.
	update(a models.Actor) (name string, arg any, err error)
}

// act carries out a person's request on a transfer. The API and the pages
// both act through it, so the workflow's validators judge both alike.
func (s *Server) act(ctx context.Context, a models.Actor, transferID string, req transferAction) (workflows.Receipt, error) {
	name, arg, err := req.update(a)
	if err != nil {
		return workflows.Receipt{}, err
	}
	return s.sendTransferUpdate(ctx, a, transferID, name, arg)
}

// transferUpdate answers an API request with the receipt of an action.
func (s *Server) transferUpdate(c *gin.Context, req transferAction) error {
	receipt, err := s.act(c, actor(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, receipt)
	return nil
}

// DecisionRequest is a TPK or PPK decision.
type DecisionRequest struct {
	Approve *bool  `json:"approve"`
	Reason  string `json:"reason"`
}

func (r DecisionRequest) update(a models.Actor) (string, any, error) {
	if err := tooLong("reason", r.Reason, maxText); err != nil {
		return "", nil, err
	}
	if r.Approve == nil {
		return "", nil, apperr.Invalid("approve", "approve wajib diisi (true atau false)", "approve is required (true or false)")
	}
	return workflows.UpdateDecide, workflows.Decision{Actor: a, Approve: *r.Approve, Reason: r.Reason}, nil
}

func (s *Server) decide(c *gin.Context) error {
	var req DecisionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.transferUpdate(c, req)
}

// AcknowledgeRequest is the employee's acknowledgement; it carries
// nothing.
type AcknowledgeRequest struct{}

func (AcknowledgeRequest) update(a models.Actor) (string, any, error) {
	return workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: a}, nil
}

func (s *Server) acknowledge(c *gin.Context) error {
	var req AcknowledgeRequest
	if c.Request.ContentLength > 0 {
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	return s.transferUpdate(c, req)
}

// ObjectionRequest is an employee's objection.
type ObjectionRequest struct {
	Category models.ObjectionCategory `json:"category"`
	Text     string                   `json:"text"`
}

func (r ObjectionRequest) update(a models.Actor) (string, any, error) {
	if err := tooLong("text", r.Text, maxText); err != nil {
		return "", nil, err
	}
	return workflows.UpdateObject, workflows.Objection{Actor: a, Category: r.Category, Text: r.Text}, nil
}

func (s *Server) object(c *gin.Context) error {
	var req ObjectionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.transferUpdate(c, req)
}

// ResolutionRequest is the HR officer's resolution of an objection.
type ResolutionRequest struct {
	Resolution models.Resolution `json:"resolution"`
	Note       string            `json:"note,omitempty"`
}

func (r ResolutionRequest) update(a models.Actor) (string, any, error) {
	if err := tooLong("note", r.Note, maxText); err != nil {
		return "", nil, err
	}
	return workflows.UpdateResolve, workflows.Resolution{Actor: a, Resolution: r.Resolution, Note: r.Note}, nil
}

func (s *Server) resolve(c *gin.Context) error {
	var req ResolutionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.transferUpdate(c, req)
}

// WithdrawRequest is the HR officer's withdrawal of a transfer before it
// takes effect.
type WithdrawRequest struct {
	Reason string `json:"reason"`
}

func (r WithdrawRequest) update(a models.Actor) (string, any, error) {
	if err := tooLong("reason", r.Reason, maxText); err != nil {
		return "", nil, err
	}
	return workflows.UpdateWithdraw, workflows.Withdraw{Actor: a, Reason: r.Reason}, nil
}

func (s *Server) withdraw(c *gin.Context) error {
	var req WithdrawRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.transferUpdate(c, req)
}

// MinisterApprovalRequest records the minister's written approval for one
// official's transfer, by the letter's reference.
type MinisterApprovalRequest struct {
	Reference string `json:"reference"`
}

func (r MinisterApprovalRequest) update(a models.Actor) (string, any, error) {
	if err := tooLong("reference", r.Reference, workflows.MaxReference); err != nil {
		return "", nil, err
	}
	return workflows.UpdateMinisterApproval, workflows.MinisterApproval{Actor: a, Reference: r.Reference}, nil
}

func (s *Server) approveByMinister(c *gin.Context) error {
	var req MinisterApprovalRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.transferUpdate(c, req)
}

// TrainingRequest reports completed training.
type TrainingRequest struct {
	Note string `json:"note,omitempty"`
}

func (r TrainingRequest) update(a models.Actor) (string, any, error) {
	if err := tooLong("note", r.Note, maxText); err != nil {
		return "", nil, err
	}
	return workflows.UpdateCompleteTraining, workflows.TrainingCompletion{Actor: a, Note: r.Note}, nil
}

func (s *Server) completeTraining(c *gin.Context) error {
	var req TrainingRequest
	if c.Request.ContentLength > 0 {
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	return s.transferUpdate(c, req)
}
