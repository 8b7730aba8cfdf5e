package workflows

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
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
	long := withLongActivityOptions(ctx)
	start := contract.RoundStart{RoundID: in.RoundID, Name: in.Name, Settings: in.Settings,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, By: in.By, At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(ctx, contract.StartRound, start).Get(ctx, nil); err != nil {
		return models.RoundSummary{}, err
	}
	asOf := contract.RoundAsOf{RoundID: in.RoundID, AsOf: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(long, contract.AnalyzeNeeds, asOf).Get(ctx, &r.st.Needs); err != nil {
		return models.RoundSummary{}, err
	}
	if err := r.setStatus(ctx, models.RoundSelection); err != nil {
		return models.RoundSummary{}, err
	}
	if err := workflow.ExecuteActivity(long, contract.SelectCandidates, asOf).Get(ctx, &r.proposals); err != nil {
		return models.RoundSummary{}, err
	}
	r.st.Proposed = len(r.proposals)
	if len(r.proposals) > 0 {
		if err := r.setStatus(ctx, models.RoundAwaitingConfirmation); err != nil {
			return models.RoundSummary{}, err
		}
		r.st.Awaiting = models.RoleHR
		if err := workflow.Await(ctx, func() bool { return r.confirmed }); err != nil {
			return models.RoundSummary{}, err
		}
		r.st.Awaiting = ""
		if workflow.GetVersion(ctx, roundInProgress, workflow.DefaultVersion, 1) == 1 {
			if err := r.setStatus(ctx, models.RoundInProgress); err != nil {
				return models.RoundSummary{}, err
			}
		}
		if err := r.runTransfers(ctx); err != nil {
			return models.RoundSummary{}, err
		}
	}
	if err := r.setStatus(ctx, models.RoundEvaluating); err != nil {
		return models.RoundSummary{}, err
	}
	asOf.AsOf = workflow.Now(ctx)
	var summary models.RoundSummary
	if err := workflow.ExecuteActivity(long, contract.EvaluateRound, asOf).Get(ctx, &summary); err != nil {
		return summary, err
	}
	r.st.Summary, r.st.Status = &summary, models.RoundCompleted
	if err := r.showStatus(ctx, models.RoundCompleted); err != nil {
		return summary, err
	}
	return summary, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// withLongActivityOptions sets the options of the round's long steps,
// needs analysis and selection over a province: retried like every
// activity, with a longer timeout. Selection's own failures (no plan
// fits) are non-retryable errors, so they fail at once.
func withLongActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 15 * time.Minute, RetryPolicy: retryPolicy()})
}

// roundInProgress names the change that records a confirmed round as in
// progress; runs confirmed before it say so only in their live state.
const roundInProgress = "round-in-progress"

// round is the state of one RoundWorkflow run: coord is its coordinator
// once its transfers run (collective.go), extra the children its re-plans
// started.
type round struct {
	in RoundInput
	st RoundState
	// proposals are the proposals of every plan.
	proposals []contract.Proposal
	confirmed bool
	coord     *coordinator
	extra     []workflow.ChildWorkflowFuture
}

// showStatus sets the round's status in its search attributes. (Rounds
// started before these existed wrote their status into MutasiStage; an
// upsert's content is not part of what a replay checks, so they replay,
// and their next status goes to the new attributes.)
func (r *round) showStatus(ctx workflow.Context, s models.RoundStatus) error {
	return workflow.UpsertTypedSearchAttributes(ctx, RoundKey.ValueSet(r.in.RoundID), RoundStatusKey.ValueSet(string(s)))
}

func (r *round) setStatus(ctx workflow.Context, s models.RoundStatus) error {
	r.st.Status = s
	workflow.GetLogger(ctx).Info("round status", "round", r.in.RoundID, "status", s)
	if err := r.showStatus(ctx, s); err != nil {
		return err
	}
	return workflow.ExecuteActivity(ctx, contract.SetRoundStatus, r.in.RoundID, s).Get(ctx, nil)
}

// TransferOptions are the options a round starts a transfer's child
// workflow with: its ID, its search attributes, and independence from the
// round, whose trouble must not stop transfers already under way.
func TransferOptions(in TransferInput) workflow.ChildWorkflowOptions {
	return workflow.ChildWorkflowOptions{
		WorkflowID:            contract.TransferWorkflowID(in.Proposal.TransferID),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(RoundKey.ValueSet(in.RoundID), UnitKey.ValueSet(in.Proposal.ToUnitID)),
	}
}

// DefaultTransferBatch is how many transfers a round starts as its own
// children at most. Temporal refuses a workflow more than 2,000 pending
// children (limit.numPendingChildExecutions.error), so a bigger round, as
// a province's may be, starts its transfers through TransferBatchWorkflow
// children of this many each.
const DefaultTransferBatch = 1000

// transferBatches names the change that made big rounds start their
// transfers through batches; runs begun before start them all directly.
const transferBatches = "transfer-batches"

// runTransfers starts the confirmed transfers, as children or, for a big
// round, through batches, coordinates them (collective.go) and waits for
// them all. A transfer that fails is listed; the round goes on.
func (r *round) runTransfers(ctx workflow.Context) error {
	var confirmed []contract.Proposal
	for _, p := range r.proposals {
		if !slices.Contains(r.st.Removed, p.TransferID) {
			confirmed = append(confirmed, p)
		}
	}
	size := r.in.TransferBatch
	if size <= 0 {
		size = DefaultTransferBatch
	}
	r.st.Running = len(confirmed)
	var c *coordinator
	var coordErr error
	if workflow.GetVersion(ctx, collectiveTMT, workflow.DefaultVersion, 1) == 1 {
		c = newCoordinator(ctx, r, confirmed)
		r.coord = c
		workflow.Go(ctx, func(ctx workflow.Context) { coordErr = c.run(ctx) })
	}
	failed := func(ids []string) {
		r.st.Failed = append(r.st.Failed, ids...)
		for _, id := range ids {
			if c != nil {
				c.failures.SendAsync(id)
			}
		}
	}
	batch := TransferBatch{RoundID: r.in.RoundID, Settings: r.in.Settings, Coordinated: c != nil}
	if c != nil {
		batch.Blocked = c.startBlocked(r.st.Removed)
	}
	if len(confirmed) <= size || workflow.GetVersion(ctx, transferBatches, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		batch.Proposals = confirmed
		err := startTransfers(ctx, batch, func(f []string) { r.st.Running--; r.st.Finished++; failed(f) })
		if err != nil {
			return err
		}
	} else {
		var futures []workflow.ChildWorkflowFuture
		var sizes []int
		for i, chunk := range slices.Collect(slices.Chunk(confirmed, size)) {
			cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
				WorkflowID: fmt.Sprintf("%s-batch-%d", contract.RoundWorkflowID(r.in.RoundID), i+1),
				// A batch starts once: a second run would find its
				// transfers started already.
				WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
				ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			})
			batch.Proposals = chunk
			futures = append(futures, workflow.ExecuteChildWorkflow(cctx, TransferBatchWorkflow, batch))
			sizes = append(sizes, len(chunk))
		}
		for i, f := range futures {
			var ids []string
			if err := f.Get(ctx, &ids); err != nil {
				return err
			}
			failed(ids)
			r.st.Running -= sizes[i]
			r.st.Finished += sizes[i]
		}
	}
	if c == nil {
		return nil
	}
	if err := workflow.Await(ctx, func() bool { return c.done || coordErr != nil }); err != nil {
		return err
	}
	if coordErr != nil {
		return coordErr
	}
	// The transfers re-plans started: each ends after its survey.
	for _, f := range r.extra {
		if err := f.Get(ctx, nil); err != nil && temporal.IsCanceledError(ctx.Err()) {
			return err
		}
		r.st.Running--
		r.st.Finished++
	}
	return nil
}

// TransferBatch is a batch of a round's confirmed transfers.
type TransferBatch struct {
	RoundID     string
	Settings    models.RoundSettings
	Proposals   []contract.Proposal
	Coordinated bool // see TransferInput.Coordinated
	// Blocked are the transfers that start blocked, by ID (see
	// TransferInput.Blocked).
	Blocked map[string]Coordination `json:",omitempty"`
}

// TransferBatchWorkflow starts a batch of a round's transfers as its
// children, waits for them, and returns the IDs of those that failed.
func TransferBatchWorkflow(ctx workflow.Context, in TransferBatch) ([]string, error) {
	var failed []string
	err := startTransfers(ctx, in, func(f []string) { failed = append(failed, f...) })
	return failed, err
}

// startTransfers starts one child TransferWorkflow per proposal of the
// batch and waits for them all, calling ended after each with its ID if
// it failed.
func startTransfers(ctx workflow.Context, b TransferBatch, ended func(failed []string)) error {
	futures := make([]workflow.ChildWorkflowFuture, len(b.Proposals))
	for i, p := range b.Proposals {
		in := TransferInput{RoundID: b.RoundID, Proposal: p, Settings: b.Settings, Coordinated: b.Coordinated}
		if blk, ok := b.Blocked[p.TransferID]; ok {
			in.Blocked = &blk
		}
		futures[i] = workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, TransferOptions(in)), TransferWorkflow, in)
	}
	for i, f := range futures {
		var failed []string
		if err := f.Get(ctx, nil); err != nil {
			if temporal.IsCanceledError(ctx.Err()) {
				return err
			}
			workflow.GetLogger(ctx).Error("transfer failed", "transfer", b.Proposals[i].TransferID, "error", err)
			failed = []string{b.Proposals[i].TransferID}
		}
		ended(failed)
	}
	return nil
}

// register installs the state query and the confirm and replan updates.
func (r *round) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (RoundState, error) { return r.st, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReplan, r.replan,
		workflow.UpdateHandlerOptions{Validator: r.checkReplan}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateConfirm, r.confirm,
		workflow.UpdateHandlerOptions{Validator: r.checkConfirm})
}

// confirm records the HR officer's confirmation of the proposals, or of a
// re-plan's.
func (r *round) confirm(ctx workflow.Context, c Confirm) (RoundState, error) {
	if err := r.checkConfirm(c); err != nil {
		return RoundState{}, err
	}
	if r.st.Replan != nil {
		return r.confirmReplan(ctx, c)
	}
	r.confirmed = true
	r.st.Removed = c.Remove
	in := contract.Confirmation{RoundID: r.in.RoundID, Remove: c.Remove, Note: c.Note,
		By: actorRef(c.Actor), At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(withActivityOptions(ctx), contract.ConfirmProposals, in).Get(ctx, nil); err != nil {
		return RoundState{}, err
	}
	// The answer, and the state queried from now on, say what the main
	// flow records next (RoundWorkflow).
	r.st.Status, r.st.Awaiting = models.RoundInProgress, ""
	return r.st, nil
}

func (r *round) checkConfirm(c Confirm) error {
	if c.Actor.Role != models.RoleHR {
		return refuse(apperr.KindForbidden, "actor", "hanya petugas BKPSDM yang dapat mengonfirmasi usulan",
			"only an HR officer can confirm the proposals")
	}
	proposals := r.proposals
	switch {
	case r.st.Replan != nil:
		proposals = r.st.Replan.Proposals
	case r.confirmed:
		return refuse(apperr.KindConflict, "", "usulan sudah dikonfirmasi", "the proposals have already been confirmed")
	case r.st.Status != models.RoundAwaitingConfirmation:
		return refuse(apperr.KindConflict, "", "putaran sedang pada tahap "+string(r.st.Status)+", belum menunggu konfirmasi",
			"the round is at "+string(r.st.Status)+" and does not await confirmation")
	}
	seen := map[string]bool{}
	for _, id := range c.Remove {
		known := slices.ContainsFunc(proposals, func(p contract.Proposal) bool { return p.TransferID == id })
		if !known || seen[id] {
			return refuse(apperr.KindInvalid, "remove", "usulan "+id+" tidak ada atau disebut dua kali",
				"proposal "+id+" does not exist or is listed twice")
		}
		seen[id] = true
	}
	carried := len(r.proposals) - len(r.st.Removed) - len(c.Remove)
	if r.st.Replan != nil {
		carried += len(r.st.Replan.Proposals)
	}
	if limit := cmp.Or(r.in.MaxTransfers, MaxRoundTransfers); carried > limit {
		return refuse(apperr.KindInvalid, "remove",
			fmt.Sprintf("satu putaran paling banyak membawa %d mutasi: hapus %d usulan lagi, atau bagi menjadi beberapa putaran", limit, carried-limit),
			fmt.Sprintf("a round carries at most %d transfers: remove %d more proposals, or split it into several rounds", limit, carried-limit))
	}
	return nil
}

// checkReplan lets the HR officer re-plan a round whose transfers are
// under way, one re-plan at a time.
func (r *round) checkReplan(p Replan) error {
	switch {
	case p.Actor.Role != models.RoleHR:
		return refuse(apperr.KindForbidden, "actor", "hanya petugas BKPSDM yang dapat merencanakan ulang putaran",
			"only an HR officer can re-plan the round")
	case r.coord == nil || r.coord.done:
		return refuse(apperr.KindConflict, "", "putaran tidak sedang menjalankan mutasi yang dapat direncanakan ulang",
			"the round has no transfers under way to re-plan")
	case r.st.Replan != nil:
		return refuse(apperr.KindConflict, "", "rencana ulang sebelumnya masih menunggu konfirmasi",
			"the previous re-plan still awaits confirmation")
	}
	return nil
}

// replan runs the re-plan and leaves its proposals for the HR officer to
// confirm (UpdateConfirm).
func (r *round) replan(ctx workflow.Context, p Replan) (RoundState, error) {
	if err := r.checkReplan(p); err != nil {
		return RoundState{}, err
	}
	long := withLongActivityOptions(ctx)
	var plan contract.Replan
	in := contract.RoundAsOf{RoundID: r.in.RoundID, AsOf: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(long, contract.ReplanRound, in).Get(ctx, &plan); err != nil {
		var app *temporal.ApplicationError
		if errors.As(err, &app) && app.Type() == contract.ErrNoRoom {
			return RoundState{}, refuse(apperr.KindConflict, "", "mutasi yang tertahan tidak semuanya dapat ditempatkan kembali; tarik sebagian dahulu",
				"the blocked transfers cannot all be seated again; withdraw some first")
		}
		return RoundState{}, err
	}
	r.st.Replan, r.st.Awaiting = &plan, models.RoleHR
	r.st.Replans++
	return r.st, nil
}

// confirmReplan confirms a re-plan: its proposals start, less those
// removed, and the blocked transfers it seated again go on.
func (r *round) confirmReplan(ctx workflow.Context, c Confirm) (RoundState, error) {
	plan := r.st.Replan
	r.st.Replan, r.st.Awaiting = nil, ""
	in := contract.Confirmation{RoundID: r.in.RoundID, Plan: plan.Plan, Remove: c.Remove, Note: c.Note,
		By: actorRef(c.Actor), At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(withActivityOptions(ctx), contract.ConfirmProposals, in).Get(ctx, nil); err != nil {
		return RoundState{}, err
	}
	r.proposals = append(r.proposals, plan.Proposals...)
	r.st.Proposed = len(r.proposals)
	r.st.Removed = append(r.st.Removed, c.Remove...)
	batch := TransferBatch{RoundID: r.in.RoundID, Settings: r.in.Settings, Coordinated: true}
	var err error
	if batch.Blocked, err = r.coord.addPlan(ctx, plan, c.Remove); err != nil {
		return RoundState{}, err
	}
	for _, p := range plan.Proposals {
		if slices.Contains(c.Remove, p.TransferID) {
			continue
		}
		tin := TransferInput{RoundID: r.in.RoundID, Proposal: p, Settings: r.in.Settings, Coordinated: true}
		if blk, ok := batch.Blocked[p.TransferID]; ok {
			tin.Blocked = &blk
		}
		f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, TransferOptions(tin)), TransferWorkflow, tin)
		r.extra = append(r.extra, f)
		r.st.Running++
	}
	return r.st, nil
}
