// Package transfers is what people do with transfers, for the API and
// the pages alike: list and read the ones an actor may see, act on one
// (decide, acknowledge, object, resolve, withdraw...) and answer its
// survey through its workflow, whose validators judge every door the
// same.
package transfers

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

// Service reads transfers from the database and acts on them through
// Temporal.
type Service struct {
	DB       *gorm.DB
	Temporal client.Client
	Log      *slog.Logger
	// LinkSecret checks survey links; it must match the worker's.
	LinkSecret []byte
	// UpdatePatience is how long Update keeps sending an update the
	// workflow cannot take yet (zero: DefaultUpdatePatience).
	UpdatePatience time.Duration
}

// Page is a page of a list: at most Limit items after the first Offset.
type Page struct{ Limit, Offset int }

// toldStages are the stages in which an employee has been told of their
// transfer: proposals and decisions in progress are not shown to them.
var toldStages = []models.Stage{models.StageSocialization, models.StageObjectionReview, models.StageTraining,
	models.StageAwaitingEffective, models.StageEffective, models.StageSurveyOpen, models.StageCompleted,
	models.StageCancelled, models.StageRecheckFailed}

// Visible narrows a transfer query to what the actor may see: approvers
// their units, employees their own transfers once told of them.
func Visible(q *gorm.DB, a models.Actor) *gorm.DB {
	switch {
	case a.Role == models.RoleEmployee:
		return q.Where("nip = ? AND stage IN ?", a.NIP, toldStages)
	case len(a.Units) > 0:
		return q.Where("to_unit_id IN ?", a.Units)
	}
	return q
}

// Filter narrows a list of transfers; empty fields match all.
type Filter struct {
	Round string
	Stage models.Stage
	Unit  string
}

// List lists a page of the transfers the actor may see.
func (s *Service) List(ctx context.Context, a models.Actor, f Filter, p Page) ([]models.Transfer, int64, error) {
	q, err := s.Matching(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var items []models.Transfer
	err = q.Order("round_id, id").Limit(p.Limit).Offset(p.Offset).Find(&items).Error
	return items, total, err
}

// Matching is the query of the transfers the actor may see that match f.
func (s *Service) Matching(ctx context.Context, a models.Actor, f Filter) (*gorm.DB, error) {
	q := Visible(s.DB.WithContext(ctx).Model(&models.Transfer{}), a)
	if f.Round != "" {
		q = q.Where("round_id = ?", f.Round)
	}
	if f.Stage != "" {
		if !slices.Contains(models.Stages, f.Stage) {
			return nil, apperr.New(apperr.KindMalformed, "stage", "tahap "+string(f.Stage)+" tidak dikenal", "unknown stage "+string(f.Stage))
		}
		q = q.Where("stage = ?", f.Stage)
	}
	if f.Unit != "" {
		q = q.Where("to_unit_id = ?", f.Unit)
	}
	return q, nil
}

// View is a transfer with its live state from the workflow.
type View struct {
	models.Transfer
	Live *workflows.TransferState `json:"live,omitempty"`
}

// Get reads a transfer the actor may see and, once it has
// started, its live state from the workflow.
func (s *Service) Get(ctx context.Context, a models.Actor, id string) (View, error) {
	var t models.Transfer
	err := Visible(s.DB.WithContext(ctx), a).First(&t, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return View{}, apperr.NotFound("mutasi", id)
	}
	if err != nil {
		return View{}, err
	}
	v := View{Transfer: t, Live: s.Live(ctx, t)}
	if v.Live != nil {
		v.Stage = v.Live.Stage
	}
	return v, nil
}

// Live is a started transfer's live state: as its workflow last recorded
// it in the database (workflows.LiveInDB), or, for a run begun before it
// recorded its state, as the workflow answers; nil when it has not
// started or cannot be asked.
func (s *Service) Live(ctx context.Context, t models.Transfer) *workflows.TransferState {
	if !t.Stage.Confirmed() {
		return nil
	}
	var st workflows.TransferState
	if t.Live != "" {
		if err := json.Unmarshal([]byte(t.Live), &st); err != nil {
			return nil
		}
		return &st
	}
	q, err := s.Temporal.QueryWorkflow(ctx, t.WorkflowID, "", workflows.QueryState)
	if err != nil || q.Get(&st) != nil {
		return nil
	}
	return &st
}
