package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

var roundIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]{0,31}$`)

// RoundRequest starts a round; Settings override the defaults field by
// field.
type RoundRequest struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Settings json.RawMessage `json:"settings,omitempty"`
}

// RoundView is a round as the API shows it.
type RoundView struct {
	ID         string                  `json:"id"`
	Name       string                  `json:"name"`
	Status     models.RoundStatus      `json:"status"`
	WorkflowID string                  `json:"workflow_id"`
	CreatedBy  string                  `json:"created_by,omitempty"`
	CreatedAt  *time.Time              `json:"created_at,omitempty"`
	Settings   *models.RoundSettings   `json:"settings,omitempty"`
	Counts     map[models.Stage]int    `json:"counts"`
	Awaiting   models.Role             `json:"awaiting,omitempty"`
	Needs      *activities.NeedsResult `json:"needs,omitempty"`
	Summary    *models.RoundSummary    `json:"summary,omitempty"`
}

func (s *Server) startRound(c *gin.Context) error {
	var req RoundRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if !roundIDPattern.MatchString(req.ID) {
		return invalid("id", "id putaran wajib: huruf, angka atau _, paling banyak 32", "a round id is required: letters, digits or _, at most 32")
	}
	if strings.TrimSpace(req.Name) == "" {
		return invalid("name", "nama putaran wajib diisi", "a round name is required")
	}
	settings := models.DefaultSettings()
	if len(req.Settings) > 0 {
		dec := json.NewDecoder(bytes.NewReader(req.Settings))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&settings); err != nil {
			return invalid("settings", "pengaturan tidak sah: "+err.Error(), "invalid settings: "+err.Error())
		}
	}
	if p := settings.Check(); p != nil {
		return invalid("settings."+p.Field, p.Message, p.MessageEN)
	}
	wid := activities.RoundWorkflowID(req.ID)
	status := http.StatusCreated
	_, err := s.Temporal.DescribeWorkflowExecution(c, wid, "")
	var nf *serviceerror.NotFound
	switch {
	case err == nil:
		status = http.StatusOK
	case errors.As(err, &nf):
		a := actor(c)
		in := workflows.RoundInput{RoundID: req.ID, Name: req.Name, Settings: settings,
			By: activities.ActorRef{ID: a.ID, Role: a.Role}}
		_, err = s.Temporal.ExecuteWorkflow(c, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE}, workflows.RoundWorkflow, in)
		if err != nil {
			return err
		}
	default:
		return err
	}
	view, err := s.roundView(c, req.ID)
	if err != nil {
		return err
	}
	if view.Name == "" { // the workflow has not recorded the round yet
		view.Name, view.Settings = req.Name, &settings
	}
	c.Header("Location", "/api/v1/rounds/"+req.ID)
	c.JSON(status, view)
	return nil
}

// roundView reads a round from the database and, while its workflow
// runs, its live state.
func (s *Server) roundView(c *gin.Context, id string) (RoundView, error) {
	v := RoundView{ID: id, WorkflowID: activities.RoundWorkflowID(id), Counts: map[models.Stage]int{}}
	var r models.Round
	err := s.DB.WithContext(c).First(&r, "id = ?", id).Error
	found := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return v, err
	}
	if found {
		v.Name, v.Status, v.CreatedBy, v.CreatedAt, v.Settings, v.Summary = r.Name, r.Status, r.CreatedBy, &r.CreatedAt, &r.Settings, r.Summary
		counts, err := s.stageCounts(c, id)
		if err != nil {
			return v, err
		}
		if counts[id] != nil {
			v.Counts = counts[id]
		}
	}
	if v.Status != models.RoundCompleted {
		var st workflows.RoundState
		if q, err := s.Temporal.QueryWorkflow(c, v.WorkflowID, "", workflows.QueryState); err == nil && q.Get(&st) == nil {
			found = true
			v.Status, v.Awaiting, v.Needs = st.Status, st.Awaiting, &st.Needs
		}
	}
	if !found {
		return v, notFound("putaran", id)
	}
	return v, nil
}

// stageCounts counts transfers per stage, per round (all rounds when ids
// is empty).
func (s *Server) stageCounts(c *gin.Context, ids ...string) (map[string]map[models.Stage]int, error) {
	var rows []struct {
		RoundID string
		Stage   models.Stage
		N       int
	}
	q := s.DB.WithContext(c).Model(&models.Transfer{}).Select("round_id, stage, count(*) AS n").Group("round_id, stage")
	if len(ids) > 0 {
		q = q.Where("round_id IN ?", ids)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]map[models.Stage]int{}
	for _, r := range rows {
		if out[r.RoundID] == nil {
			out[r.RoundID] = map[models.Stage]int{}
		}
		out[r.RoundID][r.Stage] = r.N
	}
	return out, nil
}

func (s *Server) listRounds(c *gin.Context) error {
	var rounds []models.Round
	if err := s.DB.WithContext(c).Order("created_at DESC, id").Find(&rounds).Error; err != nil {
		return err
	}
	counts, err := s.stageCounts(c)
	if err != nil {
		return err
	}
	items := make([]RoundView, len(rounds))
	for i, r := range rounds {
		items[i] = RoundView{ID: r.ID, Name: r.Name, Status: r.Status, WorkflowID: r.WorkflowID, CreatedBy: r.CreatedBy,
			CreatedAt: &r.CreatedAt, Counts: counts[r.ID], Summary: r.Summary}
		if items[i].Counts == nil {
			items[i].Counts = map[models.Stage]int{}
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

func (s *Server) getRound(c *gin.Context) error {
	v, err := s.roundView(c, c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// requireRound fails with 404 unless the round is recorded.
func (s *Server) requireRound(c *gin.Context) (models.Round, error) {
	var r models.Round
	err := s.DB.WithContext(c).First(&r, "id = ?", c.Param("id")).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, notFound("putaran", c.Param("id"))
	}
	return r, err
}

// NeedView is a need with its position's names.
type NeedView struct {
	models.Need
	PositionName string `json:"position_name"`
	UnitID       string `json:"unit_id"`
}

func (s *Server) listNeeds(c *gin.Context) error {
	if _, err := s.requireRound(c); err != nil {
		return err
	}
	var needs []NeedView
	err := s.DB.WithContext(c).Table("needs").
		Select("needs.*, positions.name AS position_name, positions.unit_id AS unit_id").
		Joins("JOIN positions ON positions.id = needs.position_id").
		Where("needs.round_id = ?", c.Param("id")).Order("needs.priority, needs.position_id, needs.id").Scan(&needs).Error
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": needs})
	return nil
}

func (s *Server) listProposals(c *gin.Context) error {
	if _, err := s.requireRound(c); err != nil {
		return err
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	gdb := s.DB.WithContext(c)
	var proposals []models.Transfer
	if err := gdb.Where("round_id = ?", c.Param("id")).Order("to_position_id, nip").Find(&proposals).Error; err != nil {
		return err
	}
	var exclusions []models.Exclusion
	var total int64
	q := gdb.Model(&models.Exclusion{}).Where("round_id = ?", c.Param("id"))
	if err := q.Count(&total).Error; err != nil {
		return err
	}
	if err := q.Order("nip").Limit(page.limit).Offset(page.offset).Find(&exclusions).Error; err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"proposals": proposals, "exclusions": exclusions, "exclusions_total": total,
		"limit": page.limit, "offset": page.offset})
	return nil
}

// ConfirmRequest is the HR officer's confirmation.
type ConfirmRequest struct {
	Remove []string `json:"remove,omitempty"`
	Note   string   `json:"note,omitempty"`
}

func (s *Server) confirm(c *gin.Context) error {
	var req ConfirmRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if _, err := s.requireRound(c); err != nil {
		return err
	}
	in := workflows.Confirm{Actor: actor(c), Remove: req.Remove, Note: req.Note}
	var st workflows.RoundState
	if err := s.update(c, activities.RoundWorkflowID(c.Param("id")), workflows.UpdateConfirm, "confirm", in, &st); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"round_id": st.RoundID, "status": models.RoundInProgress,
		"confirmed": len(st.Proposals) - len(st.Removed), "removed": st.Removed})
	return nil
}

func (s *Server) evaluation(c *gin.Context) error {
	r, err := s.requireRound(c)
	if err != nil {
		return err
	}
	if r.Summary == nil {
		return fail(http.StatusConflict, "", "putaran belum selesai dievaluasi", "the round has not been evaluated yet")
	}
	c.JSON(http.StatusOK, gin.H{"round_id": r.ID, "summary": r.Summary, "completed_at": r.CompletedAt})
	return nil
}
