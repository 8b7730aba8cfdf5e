package workflows

import (
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/models"
)

// RoundWorkflow carries a transfer round: needs analysis, selection, the
// HR officer's confirmation, one child TransferWorkflow per confirmed
// proposal, and the evaluation once every transfer has ended.
func RoundWorkflow(ctx workflow.Context, in RoundInput) (models.RoundSummary, error) {
	r := &round{in: in, st: RoundState{RoundID: in.RoundID, Status: models.RoundAnalysis}}
	if err := r.register(ctx); err != nil {
		return models.RoundSummary{}, err
	}
	ctx = withActivityOptions(ctx)
	long := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Minute, // selection over a province
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 5 * time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrNotFound, "Selection"}},
	})
	start := activities.RoundStart{RoundID: in.RoundID, Name: in.Name, Settings: in.Settings,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, By: in.By, At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(ctx, a.StartRound, start).Get(ctx, nil); err != nil {
		return models.RoundSummary{}, err
	}
	asOf := activities.RoundInput{RoundID: in.RoundID, AsOf: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(long, a.AnalyzeNeeds, asOf).Get(ctx, &r.st.Needs); err != nil {
		return models.RoundSummary{}, err
	}
	if err := r.setStatus(ctx, models.RoundSelection); err != nil {
		return models.RoundSummary{}, err
	}
	if err := workflow.ExecuteActivity(long, a.SelectCandidates, asOf).Get(ctx, &r.st.Proposals); err != nil {
		return models.RoundSummary{}, err
	}
	if len(r.st.Proposals) > 0 {
		if err := r.setStatus(ctx, models.RoundAwaitingConfirmation); err != nil {
			return models.RoundSummary{}, err
		}
		r.st.Awaiting = models.RoleHR
		if err := workflow.Await(ctx, func() bool { return r.confirmed }); err != nil {
			return models.RoundSummary{}, err
		}
		r.st.Awaiting = ""
		if err := r.runTransfers(ctx); err != nil {
			return models.RoundSummary{}, err
		}
	}
	if err := r.setStatus(ctx, models.RoundEvaluating); err != nil {
		return models.RoundSummary{}, err
	}
	asOf.AsOf = workflow.Now(ctx)
	var summary models.RoundSummary
	if err := workflow.ExecuteActivity(long, a.EvaluateRound, asOf).Get(ctx, &summary); err != nil {
		return summary, err
	}
	r.st.Summary, r.st.Status = &summary, models.RoundCompleted
	if err := workflow.UpsertTypedSearchAttributes(ctx, StageKey.ValueSet(string(models.RoundCompleted))); err != nil {
		return summary, err
	}
	return summary, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// round is the state of one RoundWorkflow run.
type round struct {
	in        RoundInput
	st        RoundState
	confirmed bool
}

func (r *round) setStatus(ctx workflow.Context, s models.RoundStatus) error {
	r.st.Status = s
	workflow.GetLogger(ctx).Info("round status", "round", r.in.RoundID, "status", s)
	if err := workflow.UpsertTypedSearchAttributes(ctx, StageKey.ValueSet(string(s))); err != nil {
		return err
	}
	return workflow.ExecuteActivity(ctx, a.SetRoundStatus, r.in.RoundID, s).Get(ctx, nil)
}

// runTransfers starts one child workflow per confirmed proposal and waits
// for them all. A transfer that fails is listed; the round goes on.
func (r *round) runTransfers(ctx workflow.Context) error {
	var futures []workflow.ChildWorkflowFuture
	var ids []string
	for _, p := range r.st.Proposals {
		if slices.Contains(r.st.Removed, p.TransferID) {
			continue
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            activities.TransferWorkflowID(p.TransferID),
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			// A round's trouble must not stop transfers already under way.
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
			TypedSearchAttributes: temporal.NewSearchAttributes(StageKey.ValueSet(string(models.StageAwaitingTPK)),
				RoundKey.ValueSet(r.in.RoundID), UnitKey.ValueSet(p.ToUnitID)),
		})
		in := TransferInput{RoundID: r.in.RoundID, Proposal: p, Settings: r.in.Settings, LocalSteps: true}
		futures = append(futures, workflow.ExecuteChildWorkflow(cctx, TransferWorkflow, in))
		ids = append(ids, p.TransferID)
	}
	r.st.Running = len(futures)
	for i, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			if temporal.IsCanceledError(ctx.Err()) {
				return err
			}
			workflow.GetLogger(ctx).Error("transfer failed", "transfer", ids[i], "error", err)
			r.st.Failed = append(r.st.Failed, ids[i])
		}
		r.st.Running--
		r.st.Finished++
	}
	return nil
}

// register installs the state query and the confirm update.
func (r *round) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (RoundState, error) { return r.st, nil }); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateConfirm,
		func(ctx workflow.Context, c Confirm) (RoundState, error) {
			if err := r.checkConfirm(c); err != nil {
				return RoundState{}, err
			}
			r.confirmed = true
			r.st.Removed = c.Remove
			in := activities.Confirmation{RoundID: r.in.RoundID, Remove: c.Remove, Note: c.Note,
				By: actorRef(c.Actor), At: workflow.Now(ctx)}
			if err := workflow.ExecuteActivity(withActivityOptions(ctx), a.ConfirmProposals, in).Get(ctx, nil); err != nil {
				return RoundState{}, err
			}
			return r.st, nil
		}, workflow.UpdateHandlerOptions{Validator: r.checkConfirm})
}

func (r *round) checkConfirm(c Confirm) error {
	if c.Actor.Role != models.RoleHR {
		return refuse(Forbidden, "actor", "hanya petugas BKPSDM yang dapat mengonfirmasi usulan",
			"only an HR officer can confirm the proposals")
	}
	if r.confirmed {
		return refuse(Conflict, "", "usulan sudah dikonfirmasi", "the proposals have already been confirmed")
	}
	if r.st.Status != models.RoundAwaitingConfirmation {
		return refuse(Conflict, "", "putaran sedang pada tahap "+string(r.st.Status)+", belum menunggu konfirmasi",
			"the round is at "+string(r.st.Status)+" and does not await confirmation")
	}
	seen := map[string]bool{}
	for _, id := range c.Remove {
		known := slices.ContainsFunc(r.st.Proposals, func(p activities.Proposal) bool { return p.TransferID == id })
		if !known || seen[id] {
			return refuse(Invalid, "remove", "usulan "+id+" tidak ada atau disebut dua kali",
				"proposal "+id+" does not exist or is listed twice")
		}
		seen[id] = true
	}
	return nil
}
