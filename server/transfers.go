package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

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
			return p, fail(http.StatusBadRequest, "limit", "limit harus 1 sampai 500", "limit must be 1 to 500")
		}
		p.limit = n
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, fail(http.StatusBadRequest, "offset", "offset harus 0 atau lebih", "offset must be 0 or more")
		}
		p.offset = n
	}
	return p, nil
}

var knownStages = map[models.Stage]bool{}

func init() {
	for _, s := range []models.Stage{models.StageProposed, models.StageRemoved, models.StageAwaitingTPK,
		models.StageAwaitingPPK, models.StageSocialization, models.StageObjectionReview, models.StageTraining,
		models.StageAwaitingEffective, models.StageEffective, models.StageSurveyOpen, models.StageRejected,
		models.StageCancelled, models.StageCompleted} {
		knownStages[s] = true
	}
}

// visible narrows a transfer query to what the actor may see: approvers
// their units, employees their own transfers.
func visible(q *gorm.DB, a models.Actor) *gorm.DB {
	switch {
	case a.Role == models.RoleEmployee:
		return q.Where("nip = ?", a.NIP)
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
	q := visible(s.DB.WithContext(c).Model(&models.Transfer{}), actor(c))
	if v := c.Query("round"); v != "" {
		q = q.Where("round_id = ?", v)
	}
	if v := c.Query("stage"); v != "" {
		if !knownStages[models.Stage(v)] {
			return fail(http.StatusBadRequest, "stage", "tahap "+v+" tidak dikenal", "unknown stage "+v)
		}
		q = q.Where("stage = ?", v)
	}
	if v := c.Query("unit"); v != "" {
		q = q.Where("to_unit_id = ?", v)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return err
	}
	var items []models.Transfer
	if err := q.Order("round_id, id").Limit(p.limit).Offset(p.offset).Find(&items).Error; err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "limit": p.limit, "offset": p.offset})
	return nil
}

// TransferView is a transfer with its live state from the workflow.
type TransferView struct {
	models.Transfer
	Live *workflows.TransferState `json:"live,omitempty"`
}

func (s *Server) getTransfer(c *gin.Context) error {
	var t models.Transfer
	err := visible(s.DB.WithContext(c), actor(c)).First(&t, "id = ?", c.Param("id")).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound("mutasi", c.Param("id"))
	}
	if err != nil {
		return err
	}
	v := TransferView{Transfer: t}
	if t.Stage != models.StageProposed && t.Stage != models.StageRemoved {
		var st workflows.TransferState
		if q, err := s.Temporal.QueryWorkflow(c, t.WorkflowID, "", workflows.QueryState); err == nil && q.Get(&st) == nil {
			v.Live = &st
			v.Stage = st.Stage
		}
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// update sends an update to a workflow and waits for its outcome. The
// update ID comes from the request, so a repeated request gets the first
// answer and changes nothing.
func (s *Server) update(c *gin.Context, workflowID, name, updateID string, arg, out any) error {
	h, err := s.Temporal.UpdateWorkflow(c, client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateName: name,
		UpdateID: updateID, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return err
	}
	return h.Get(c, out)
}

// transferUpdate checks the transfer exists, then sends one person's
// update to it, keyed by transfer, action and person.
func (s *Server) transferUpdate(c *gin.Context, name string, arg any) error {
	var t models.Transfer
	err := s.DB.WithContext(c).Select("id", "workflow_id", "stage").First(&t, "id = ?", c.Param("id")).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound("mutasi", c.Param("id"))
	}
	if err != nil {
		return err
	}
	if t.Stage == models.StageProposed || t.Stage == models.StageRemoved {
		return fail(http.StatusConflict, "", "mutasi ini belum atau tidak dikonfirmasi", "this transfer has not been confirmed")
	}
	sum := sha256.Sum256([]byte(t.ID + "\x00" + name + "\x00" + actor(c).ID))
	var receipt workflows.Receipt
	if err := s.update(c, t.WorkflowID, name, hex.EncodeToString(sum[:16]), arg, &receipt); err != nil {
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

func (s *Server) decide(c *gin.Context) error {
	var req DecisionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Approve == nil {
		return invalid("approve", "approve wajib diisi (true atau false)", "approve is required (true or false)")
	}
	return s.transferUpdate(c, workflows.UpdateDecide, workflows.Decision{Actor: actor(c), Approve: *req.Approve, Reason: req.Reason})
}

func (s *Server) acknowledge(c *gin.Context) error {
	if c.Request.ContentLength > 0 {
		var empty struct{}
		if err := bind(c, &empty); err != nil {
			return err
		}
	}
	return s.transferUpdate(c, workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: actor(c)})
}

// ObjectionRequest is an employee's objection.
type ObjectionRequest struct {
	Category models.ObjectionCategory `json:"category"`
	Text     string                   `json:"text"`
}

func (s *Server) object(c *gin.Context) error {
	var req ObjectionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.transferUpdate(c, workflows.UpdateObject, workflows.Objection{Actor: actor(c), Category: req.Category, Text: req.Text})
}

// ResolutionRequest is the HR officer's resolution of an objection.
type ResolutionRequest struct {
	Resolution models.Resolution `json:"resolution"`
	Note       string            `json:"note,omitempty"`
}

func (s *Server) resolve(c *gin.Context) error {
	var req ResolutionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.transferUpdate(c, workflows.UpdateResolve, workflows.Resolution{Actor: actor(c), Resolution: req.Resolution, Note: req.Note})
}

// TrainingRequest reports completed training.
type TrainingRequest struct {
	Note string `json:"note,omitempty"`
}

func (s *Server) completeTraining(c *gin.Context) error {
	var req TrainingRequest
	if c.Request.ContentLength > 0 {
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	return s.transferUpdate(c, workflows.UpdateCompleteTraining, workflows.TrainingCompletion{Actor: actor(c), Note: req.Note})
}
