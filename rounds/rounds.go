// Package rounds is what the HR office does with transfer rounds, for the
// API and the pages alike: start one, read it with its needs and
// proposals, confirm its proposals, and re-plan it, through the round's
// workflow.
package rounds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/decree"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/transfers"
	"github.com/bkpsdm/mutasi/workflows"
)

// Service reads rounds from the database and drives their workflows
// through Temporal.
type Service struct {
	DB       *gorm.DB
	Temporal client.Client
	// Payloads decodes what is read from the round's history: the Temporal
	// client's data converter.
	Payloads  converter.DataConverter
	Transfers *transfers.Service
}

var roundIDPattern = regexp.MustCompile(fmt.Sprintf(`^[A-Za-z0-9][A-Za-z0-9_]{0,%d}$`, models.MaxRoundID-1))

// Request starts a round; Settings override the defaults field by
// field.
type Request struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Settings json.RawMessage `json:"settings,omitempty"`
}

// View is a round as the API shows it.
type View struct {
	ID         string                `json:"id"`
	Name       string                `json:"name"`
	Status     models.RoundStatus    `json:"status"`
	WorkflowID string                `json:"workflow_id"`
	CreatedBy  string                `json:"created_by,omitempty"`
	CreatedAt  *time.Time            `json:"created_at,omitempty"`
	Settings   *models.RoundSettings `json:"settings,omitempty"`
	Counts     map[models.Stage]int  `json:"counts"`
	Awaiting   models.Role           `json:"awaiting,omitempty"`
	// ReplanPending: a re-plan awaits the HR office's confirmation.
	ReplanPending bool                  `json:"replan_pending,omitempty"`
	Needs         *contract.NeedsResult `json:"needs,omitempty"`
	Summary       *models.RoundSummary  `json:"summary,omitempty"`
}

// Begin checks a round request and starts its workflow unless it
// runs already; created reports whether it was started now. The API and
// the pages start rounds through it.
func (s *Service) Begin(ctx context.Context, a models.Actor, req Request) (view View, created bool, err error) {
	if !roundIDPattern.MatchString(req.ID) {
		return view, false, apperr.Invalid("id", fmt.Sprintf("id putaran wajib: huruf, angka atau _, paling banyak %d", models.MaxRoundID),
			fmt.Sprintf("a round id is required: letters, digits or _, at most %d", models.MaxRoundID))
	}
	if models.Blank(req.Name) {
		return view, false, apperr.Invalid("name", "nama putaran wajib diisi", "a round name is required")
	}
	if err := models.TooLong("name", req.Name, models.MaxName); err != nil {
		return view, false, err
	}
	settings := models.DefaultSettings()
	if len(req.Settings) > 0 {
		dec := json.NewDecoder(bytes.NewReader(req.Settings))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&settings); err != nil {
			return view, false, apperr.Invalid("settings", "pengaturan tidak sah: "+err.Error(), "invalid settings: "+err.Error())
		}
	}
	if p := settings.Check(); p != nil {
		return view, false, apperr.Invalid("settings."+p.Field, p.Message, p.MessageEN)
	}
	if err := decree.CheckSettings(settings.Decree); err != nil {
		return view, false, err
	}
	wid := contract.RoundWorkflowID(req.ID)
	// Whoever starts the workflow created the round; a request that finds
	// it started (or completed) already is a repeat, or a conflict when
	// its values differ.
	in := workflows.RoundInput{RoundID: req.ID, Name: req.Name, Settings: settings,
		By: contract.ActorRef{ID: a.ID, Role: a.Role}}
	_, err = s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE}, workflows.RoundWorkflow, in)
	var exists *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case err == nil:
		created = true
	case errors.As(err, &exists):
		if err := s.same(ctx, wid, req.Name, settings); err != nil {
			return view, false, err
		}
	default:
		return view, false, err
	}
	view, err = s.Get(ctx, req.ID)
	if err != nil {
		return view, false, err
	}
	if view.Name == "" { // the workflow has not recorded the round yet
		view.Name, view.Settings = req.Name, &settings
	}
	return view, created, nil
}

// same refuses a request for a round that exists with other values:
// 409 naming every field that differs, rather than an answer that drops
// the new values silently. The values are those the round's workflow was
// started with.
func (s *Service) same(ctx context.Context, wid, name string, settings models.RoundSettings) error {
	iter := s.Temporal.GetWorkflowHistory(ctx, wid, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	first, err := iter.Next()
	if err != nil {
		return err
	}
	var in workflows.RoundInput
	started := first.GetWorkflowExecutionStartedEventAttributes()
	if started == nil {
		return fmt.Errorf("round workflow %s: first event is %s", wid, first.GetEventType())
	}
	if err := s.Payloads.FromPayloads(started.GetInput(), &in); err != nil {
		return err
	}
	var differ []apperr.FieldError
	if in.Name != name {
		differ = append(differ, apperr.FieldError{Field: "name", Message: "berbeda dari putaran yang ada: " + in.Name,
			MessageEN: "differs from the existing round's: " + in.Name})
	}
	had, err := settingsMap(in.Settings)
	if err != nil {
		return err
	}
	asked, err := settingsMap(settings)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(asked)) {
		if !reflect.DeepEqual(had[k], asked[k]) {
			differ = append(differ, apperr.FieldError{Field: "settings." + k, Message: fmt.Sprintf("berbeda dari putaran yang ada: %v", had[k]),
				MessageEN: fmt.Sprintf("differs from the existing round's: %v", had[k])})
		}
	}
	if len(differ) == 0 {
		return nil
	}
	fields := make([]string, len(differ))
	for i, d := range differ {
		fields[i] = d.Field
	}
	list := strings.Join(fields, ", ")
	e := apperr.Conflict(fields[0], "putaran dengan id ini sudah ada dengan isian lain ("+list+"); pakai id baru untuk putaran baru",
		"a round with this id exists with other values ("+list+"); use a new id for a new round")
	e.Errors = differ
	return e
}

// settingsMap is settings as JSON fields, for comparison field by field.
func settingsMap(settings models.RoundSettings) (map[string]any, error) {
	m := map[string]any{}
	b, err := json.Marshal(settings)
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	return m, err
}

// Get reads a round from the database and, while its workflow
// runs, its live state.
func (s *Service) Get(ctx context.Context, id string) (View, error) {
	v := View{ID: id, WorkflowID: contract.RoundWorkflowID(id), Counts: map[models.Stage]int{}}
	var r models.Round
	err := s.DB.WithContext(ctx).First(&r, "id = ?", id).Error
	found := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return v, err
	}
	if found {
		v.Name, v.Status, v.CreatedBy, v.CreatedAt, v.Settings, v.Summary = r.Name, r.Status, r.CreatedBy, &r.CreatedAt, &r.Settings, r.Summary
		counts, err := s.StageCounts(ctx, id)
		if err != nil {
			return v, err
		}
		if counts[id] != nil {
			v.Counts = counts[id]
		}
	}
	if v.Status != models.RoundCompleted {
		var st workflows.RoundState
		if q, err := s.Temporal.QueryWorkflow(ctx, v.WorkflowID, "", workflows.QueryState); err == nil && q.Get(&st) == nil {
			found = true
			v.Status, v.Awaiting, v.Needs, v.ReplanPending = st.Status, st.Awaiting, &st.Needs, st.Replan != nil
		}
	}
	if !found {
		return v, apperr.NotFound("putaran", id)
	}
	return v, nil
}

// StageCounts counts transfers per stage, per round (all rounds when ids
// is empty).
func (s *Service) StageCounts(ctx context.Context, ids ...string) (map[string]map[models.Stage]int, error) {
	var rows []struct {
		RoundID string
		Stage   models.Stage
		N       int
	}
	q := s.DB.WithContext(ctx).Model(&models.Transfer{}).Select("round_id, stage, count(*) AS n").Group("round_id, stage")
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

// Find fails with 404 unless the round is recorded.
func (s *Service) Find(ctx context.Context, id string) (models.Round, error) {
	var r models.Round
	err := s.DB.WithContext(ctx).First(&r, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, apperr.NotFound("putaran", id)
	}
	return r, err
}

// Need is a need with its position's names.
type Need struct {
	models.Need
	PositionName string `json:"position_name"`
	UnitID       string `json:"unit_id"`
}

// Needs lists a round's needs, most urgent first.
func (s *Service) Needs(ctx context.Context, roundID string) ([]Need, error) {
	if _, err := s.Find(ctx, roundID); err != nil {
		return nil, err
	}
	var needs []Need
	err := s.DB.WithContext(ctx).Table("needs").
		Select("needs.*, positions.name AS position_name, positions.unit_id AS unit_id").
		Joins("JOIN positions ON positions.id = needs.position_id").
		Where("needs.round_id = ?", roundID).Order("needs.priority, needs.position_id, needs.id").Scan(&needs).Error
	return needs, err
}

// Proposals are a round's proposals and a page of its exclusions.
type Proposals struct {
	Proposals       []models.Transfer
	Exclusions      []models.Exclusion
	ExclusionsTotal int64
}

// Proposals reads the round's proposals the actor may see, each with
// its score breakdown, and a page of the employees it excluded, each with
// its rule (those who must move but cannot be placed first). An approver
// limited to some units sees the proposals to them and no exclusions:
// those are the HR office's and the whole committee's.
func (s *Service) Proposals(ctx context.Context, a models.Actor, roundID string, pg transfers.Page) (Proposals, error) {
	var out Proposals
	if _, err := s.Find(ctx, roundID); err != nil {
		return out, err
	}
	gdb := s.DB.WithContext(ctx)
	if err := transfers.Visible(gdb, a).Where("round_id = ?", roundID).Order("to_position_id, nip").Find(&out.Proposals).Error; err != nil {
		return out, err
	}
	var err error
	out.Exclusions, out.ExclusionsTotal, err = s.exclusions(ctx, a, roundID, pg)
	return out, err
}

// Exclusions reads a page of the employees the round excluded, each with
// its rule, those who must move but cannot be placed first, and how many
// there are. An approver limited to some units sees none.
func (s *Service) Exclusions(ctx context.Context, a models.Actor, roundID string, pg transfers.Page) ([]models.Exclusion, int64, error) {
	if _, err := s.Find(ctx, roundID); err != nil {
		return nil, 0, err
	}
	return s.exclusions(ctx, a, roundID, pg)
}

func (s *Service) exclusions(ctx context.Context, a models.Actor, roundID string, pg transfers.Page) ([]models.Exclusion, int64, error) {
	out := []models.Exclusion{}
	if len(a.Units) > 0 {
		return out, 0, nil
	}
	var total int64
	q := s.DB.WithContext(ctx).Model(&models.Exclusion{}).Where("round_id = ?", roundID)
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	err := q.Order("must_move DESC, nip").Limit(pg.Limit).Offset(pg.Offset).Find(&out).Error
	return out, total, err
}

// ConfirmRequest is the HR officer's confirmation.
type ConfirmRequest struct {
	Remove []string `json:"remove,omitempty"`
	Note   string   `json:"note,omitempty"`
}

// Confirm sends the HR officer's confirmation to the round's
// workflow, which checks it.
func (s *Service) Confirm(ctx context.Context, a models.Actor, roundID string, req ConfirmRequest) (workflows.RoundState, error) {
	var st workflows.RoundState
	if err := models.TooLong("note", req.Note, models.MaxText); err != nil {
		return st, err
	}
	for _, id := range req.Remove {
		if err := models.TooLong("remove", id, models.MaxTransferID); err != nil {
			return st, err
		}
	}
	if _, err := s.Find(ctx, roundID); err != nil {
		return st, err
	}
	live, err := s.state(ctx, roundID)
	if err != nil {
		return st, err
	}
	// One confirmation per plan: its identical repeat gets the first
	// answer, another is refused by the workflow (409).
	in := workflows.Confirm{Actor: a, Remove: req.Remove, Note: req.Note}
	confirmKey, _ := updateKeys(live)
	id, err := transfers.RequestUpdateID(roundID+"\x00"+confirmKey, in)
	if err != nil {
		return st, err
	}
	err = s.Transfers.Update(ctx, contract.RoundWorkflowID(roundID), workflows.UpdateConfirm, id, in, &st)
	return st, err
}

// state queries the round's workflow for its live state.
func (s *Service) state(ctx context.Context, roundID string) (workflows.RoundState, error) {
	var st workflows.RoundState
	q, err := s.Temporal.QueryWorkflow(ctx, contract.RoundWorkflowID(roundID), "", workflows.QueryState)
	if err == nil {
		err = q.Get(&st)
	}
	return st, err
}

// updateKeys name the round's next confirmation and re-plan by the plan
// they are about, as the workflow counts its re-plans: the confirmation
// of the first plan or of the latest re-plan, and a new re-plan or, while
// one awaits confirmation, that one. A repeated request gets the same key,
// so the first answer and no second effect, even for a re-plan that
// proposed no one new.
func updateKeys(st workflows.RoundState) (confirm, replan string) {
	next := st.Replans + 1
	if st.Replan != nil {
		next = st.Replans
	}
	return fmt.Sprintf("confirm-%d", st.Replans), fmt.Sprintf("replan-%d", next)
}

// Replan asks the round's workflow for a re-plan of the seats its
// blocked and ended transfers leave open; its proposals then await the
// HR officer's confirmation. A repeat of the same re-plan gets its answer.
func (s *Service) Replan(ctx context.Context, a models.Actor, roundID string) (workflows.RoundState, error) {
	var st workflows.RoundState
	if _, err := s.Find(ctx, roundID); err != nil {
		return st, err
	}
	live, err := s.state(ctx, roundID)
	if err != nil {
		return st, err
	}
	_, replanKey := updateKeys(live)
	in := workflows.Replan{Actor: a}
	err = s.Transfers.Update(ctx, contract.RoundWorkflowID(roundID), workflows.UpdateReplan, replanKey, in, &st)
	return st, err
}

// List lists every round, newest first, with its transfers counted per
// stage.
func (s *Service) List(ctx context.Context) ([]View, error) {
	var rounds []models.Round
	if err := s.DB.WithContext(ctx).Order("created_at DESC, id").Find(&rounds).Error; err != nil {
		return nil, err
	}
	counts, err := s.StageCounts(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]View, len(rounds))
	for i, r := range rounds {
		items[i] = View{ID: r.ID, Name: r.Name, Status: r.Status, WorkflowID: r.WorkflowID, CreatedBy: r.CreatedBy,
			CreatedAt: &r.CreatedAt, Counts: counts[r.ID], Summary: r.Summary}
		if items[i].Counts == nil {
			items[i].Counts = map[models.Stage]int{}
		}
	}
	return items, nil
}

// Open lists the rounds not yet completed, newest first.
func (s *Service) Open(ctx context.Context) ([]models.Round, error) {
	var rounds []models.Round
	err := s.DB.WithContext(ctx).Where("status <> ?", models.RoundCompleted).Order("created_at DESC, id").Find(&rounds).Error
	return rounds, err
}
