package workflows

import (
	"maps"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
)

// collectiveTMT names the change that made rounds make their transfers
// effective together (coordinator); rounds begun before start transfers
// that take effect on their own.
const collectiveTMT = "collective-tmt"

// The round makes its transfers effective together, as one collective
// decree would: once every transfer still under way has cleared its steps
// (or is blocked), it sets the round's TMT (the lead time, moved past any
// election blackout window when a ready transfer's post is covered), and
// on that date re-checks the employees (activities.RecheckAtTMT) and makes
// the ready transfers effective in one transaction
// (activities.MakeEffectiveTogether). A transfer never takes effect
// without the transfers it depends on: when one ends without taking
// effect (rejected, cancelled, withdrawn, removed at confirmation, failed
// the re-check or failed), the transfers depending on it, directly or
// not, are blocked. Transfers that become ready after a TMT take effect on
// the next one. So at no moment does a post hold more than the plan
// allows: max(seats, holders before the round).

// The coordinator's view of one transfer.
type progress int

const (
	live      progress = iota // taking its steps
	ready                     // cleared every step before the TMT
	blocked                   // waits for the HR officer
	effective                 // took effect
	ended                     // ended without taking effect
)

// coordinator is the round's bookkeeping of its transfers.
type coordinator struct {
	round      *round
	ids        []string // transfer IDs, sorted
	at         map[string]progress
	dependsOn  map[string][]string
	dependents map[string][]string
	covered    map[string]bool
	failures   workflow.Channel // transfer IDs whose workflow failed, from runTransfers
	timer      workflow.Future  // the next TMT, once set
	moved      bool             // a blackout moved that TMT
	done       bool
}

// newCoordinator sets up the bookkeeping of the confirmed transfers.
func newCoordinator(ctx workflow.Context, r *round, confirmed []contract.Proposal) *coordinator {
	c := &coordinator{round: r, at: map[string]progress{}, dependsOn: map[string][]string{},
		dependents: map[string][]string{}, covered: map[string]bool{}, failures: workflow.NewChannel(ctx)}
	for _, p := range r.proposals {
		c.ids = append(c.ids, p.TransferID)
		c.at[p.TransferID] = ended // removed at confirmation, unless confirmed below
		c.dependsOn[p.TransferID] = p.DependsOn
		c.covered[p.TransferID] = p.Covered
		for _, d := range p.DependsOn {
			c.dependents[d] = append(c.dependents[d], p.TransferID)
		}
	}
	slices.Sort(c.ids)
	for _, p := range confirmed {
		c.at[p.TransferID] = live
	}
	return c
}

// startBlocked marks blocked the transfers under way that depend,
// directly or not, on one of roots (removed at confirmation), and returns
// the block each starts with by transfer ID: they start blocked rather
// than being told (a signal could reach a child before it starts).
func (c *coordinator) startBlocked(roots []string) map[string]Coordination {
	out := map[string]Coordination{}
	var walk func(id, how string)
	walk = func(id, how string) {
		for _, d := range c.dependents[id] {
			if c.at[d] != live {
				continue
			}
			c.at[d] = blocked
			c.round.st.Blocked = append(c.round.st.Blocked, d)
			out[d] = blockOf(id, how)
			walk(d, string(models.StageBlocked))
		}
	}
	for _, id := range roots {
		walk(id, string(models.StageRemoved))
	}
	return out
}

// blockOf is the block of a transfer whose dependency id ended as how.
func blockOf(id, how string) Coordination {
	return Coordination{Kind: CoordinateBlock,
		Reason:   "mutasi " + id + " yang mengosongkan kursinya tidak berlaku (" + how + ")",
		ReasonEN: "transfer " + id + ", which frees its seat, will not take effect (" + how + ")"}
}

// run coordinates until every transfer has taken effect or ended.
func (c *coordinator) run(ctx workflow.Context) error {
	events := workflow.GetSignalChannel(ctx, SignalTransferEvent)
	for c.open() {
		c.schedule(ctx)
		var evs []TransferEvent
		var failed []string
		due := false
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(events, func(ch workflow.ReceiveChannel, _ bool) {
			var ev TransferEvent
			ch.Receive(ctx, &ev)
			evs = append(evs, ev)
		})
		sel.AddReceive(c.failures, func(ch workflow.ReceiveChannel, _ bool) {
			var id string
			ch.Receive(ctx, &id)
			failed = append(failed, id)
		})
		if c.timer != nil {
			sel.AddFuture(c.timer, func(workflow.Future) { due = true })
		}
		sel.Select(ctx)
		for _, ev := range evs {
			if err := c.apply(ctx, ev); err != nil {
				return err
			}
		}
		for _, id := range failed {
			if err := c.end(ctx, id, "failed"); err != nil {
				return err
			}
		}
		if due {
			c.timer = nil
			if err := c.takeEffect(ctx); err != nil {
				return err
			}
		}
	}
	c.done = true
	return nil
}

// open reports whether a transfer is still to take effect or end.
func (c *coordinator) open() bool {
	for _, id := range c.ids {
		if p := c.at[id]; p == live || p == ready || p == blocked {
			return true
		}
	}
	return false
}

// apply takes a transfer's news.
func (c *coordinator) apply(ctx workflow.Context, ev TransferEvent) error {
	p, known := c.at[ev.TransferID]
	switch {
	case !known:
		workflow.GetLogger(ctx).Warn("event of an unknown transfer", "transfer", ev.TransferID)
	case ev.Kind == EventReady && p == live:
		c.at[ev.TransferID] = ready
	case ev.Kind == EventEnded && p != effective:
		return c.end(ctx, ev.TransferID, string(ev.Stage))
	case ev.Kind == EventApproved:
		c.covered[ev.TransferID] = false
		if c.moved {
			c.timer = nil // set the TMT again: the blackout may no longer hold it
		}
	}
	return nil
}

// end marks a transfer ended without taking effect and blocks the
// transfers that depend on it.
func (c *coordinator) end(ctx workflow.Context, id, how string) error {
	if c.at[id] == effective || c.at[id] == ended {
		return nil
	}
	c.at[id] = ended
	c.round.st.Blocked = slices.DeleteFunc(c.round.st.Blocked, func(b string) bool { return b == id })
	return c.blockDependents(ctx, id, how)
}

// blockDependents blocks every transfer that depends on id, directly or
// not, and is still to take effect.
func (c *coordinator) blockDependents(ctx workflow.Context, id, how string) error {
	for _, d := range c.dependents[id] {
		if p := c.at[d]; p != live && p != ready {
			continue
		}
		if err := c.block(ctx, d, id, how); err != nil {
			return err
		}
	}
	return nil
}

// block blocks transfer id, whose dependency dep ended as how, and the
// transfers that depend on it.
func (c *coordinator) block(ctx workflow.Context, id, dep, how string) error {
	c.at[id] = blocked
	c.round.st.Blocked = append(c.round.st.Blocked, id)
	// A transfer that misses the signal still never takes effect: the
	// round holds it blocked, and it waits at awaiting_effective.
	if err := c.signal(ctx, id, blockOf(dep, how)); err != nil {
		workflow.GetLogger(ctx).Error("block not delivered", "transfer", id, "error", err)
	}
	return c.blockDependents(ctx, id, string(models.StageBlocked))
}

// signal sends a transfer an instruction and waits until it is
// delivered.
func (c *coordinator) signal(ctx workflow.Context, id string, msg Coordination) error {
	return c.send(ctx, id, msg).Get(ctx, nil)
}

// send sends a transfer an instruction; the future is ready once it is
// delivered.
func (c *coordinator) send(ctx workflow.Context, id string, msg Coordination) workflow.Future {
	return workflow.SignalExternalWorkflow(ctx, contract.TransferWorkflowID(id), "", SignalCoordinate, msg)
}

// schedule sets the next TMT once no transfer is still taking its steps
// and some are ready.
func (c *coordinator) schedule(ctx workflow.Context) {
	if c.timer != nil {
		return
	}
	some, covered := false, false
	for _, id := range c.ids {
		switch c.at[id] {
		case live:
			return
		case ready:
			some, covered = true, covered || c.covered[id]
		}
	}
	if !some {
		return
	}
	now := workflow.Now(ctx)
	date, moved := EffectiveDate(now, c.round.in.Settings, covered)
	c.round.st.EffectiveDate, c.moved = &date, moved
	if moved {
		workflow.GetLogger(ctx).Info("round TMT moved past an election blackout", "round", c.round.in.RoundID, "tmt", date)
	}
	c.timer = workflow.NewTimer(ctx, max(date.Sub(now), time.Millisecond))
}

// takeEffect re-checks the ready transfers' employees on the TMT, stops
// those who fail, and makes the rest effective together.
func (c *coordinator) takeEffect(ctx workflow.Context) error {
	date := *c.round.st.EffectiveDate
	var batch []string
	for _, id := range c.ids {
		if c.at[id] == ready {
			batch = append(batch, id)
		}
	}
	if len(batch) == 0 {
		return nil
	}
	long := withActivityOptions(ctx)
	var failures []contract.RecheckFailure
	in := contract.RecheckInput{TransferIDs: batch, EffectiveDate: date}
	if err := workflow.ExecuteActivity(long, contract.RecheckAtTMT, in).Get(ctx, &failures); err != nil {
		return err
	}
	for _, f := range failures {
		if c.at[f.TransferID] != ready {
			continue
		}
		c.at[f.TransferID] = ended
		msg := Coordination{Kind: CoordinateRecheck, Reason: f.Message, ReasonEN: f.MessageEN}
		if err := c.signal(ctx, f.TransferID, msg); err != nil {
			return err
		}
		if err := c.blockDependents(ctx, f.TransferID, string(models.StageRecheckFailed)); err != nil {
			return err
		}
	}
	// What is still ready takes effect, unless it depends on a transfer
	// that neither has taken effect nor does now: that one is blocked
	// (ending a transfer blocks its dependents already; this keeps the
	// rule whatever the order of the news).
	var ids []string
	for changed := true; changed; {
		changed, ids = false, ids[:0]
		for _, id := range batch {
			if c.at[id] != ready {
				continue
			}
			if d := slices.IndexFunc(c.dependsOn[id], func(d string) bool { return c.at[d] != effective && c.at[d] != ready }); d >= 0 {
				if err := c.block(ctx, id, c.dependsOn[id][d], "not effective"); err != nil {
					return err
				}
				changed = true
				continue
			}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var numbers map[string]string
	effect := contract.CollectiveEffect{RoundID: c.round.in.RoundID, TransferIDs: ids, EffectiveDate: date, At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(long, contract.MakeEffectiveTogether, effect).Get(ctx, &numbers); err != nil {
		return err
	}
	inGroups := workflow.GetVersion(ctx, effectsInGroups, workflow.DefaultVersion, 1) == 1
	var sent []workflow.Future
	for _, id := range ids {
		number, ok := numbers[id]
		if !ok {
			continue // withdrawn meanwhile: its news is on the way
		}
		c.at[id] = effective
		c.round.st.Effective++
		f := c.send(ctx, id, Coordination{Kind: CoordinateEffect, EffectiveDate: date, DecreeNumber: number})
		if sent = append(sent, f); !inGroups || len(sent) == signalGroup {
			if err := waitAll(ctx, sent); err != nil {
				return err
			}
			sent = sent[:0]
		}
	}
	return waitAll(ctx, sent)
}

// effectsInGroups names the change that sends a TMT's effect signals a
// group at a time instead of one after the other. Sent alone, each waited
// for a workflow task of its own to learn it was delivered: a round trip
// to the server each, and up to three history events more per transfer
// (the production-shape round of 3,000 went from 15,737 events to about
// 14,500).
const effectsInGroups = "effects-in-groups"

// signalGroup is how many signals the round has in flight at once. A
// workflow task that leaves more than limit.numPendingSignals.error
// (2,000 by default) pending fails.
const signalGroup = 500

// waitAll waits for every future in turn and returns the first error.
func waitAll(ctx workflow.Context, fs []workflow.Future) error {
	var first error
	for _, f := range fs {
		if err := f.Get(ctx, nil); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// addPlan takes a confirmed re-plan: its proposals (less those removed)
// join as transfers under way, and the blocked transfers it seated again
// go on with their new dependencies. It returns the blocks the new
// transfers start with (those that depend on a removed one).
func (c *coordinator) addPlan(ctx workflow.Context, plan *contract.Replan, removed []string) (map[string]Coordination, error) {
	for _, p := range plan.Proposals {
		c.ids = append(c.ids, p.TransferID)
		c.at[p.TransferID] = live
		if slices.Contains(removed, p.TransferID) {
			c.at[p.TransferID] = ended
		}
		c.covered[p.TransferID] = p.Covered
		c.dependsOn[p.TransferID] = p.DependsOn
		for _, d := range p.DependsOn {
			c.dependents[d] = append(c.dependents[d], p.TransferID)
		}
	}
	slices.Sort(c.ids)
	for _, id := range slices.Sorted(maps.Keys(plan.Rewired)) {
		deps := plan.Rewired[id]
		if c.at[id] != blocked {
			continue
		}
		c.at[id] = live
		c.dependsOn[id] = deps
		for _, d := range deps {
			c.dependents[d] = append(c.dependents[d], id)
		}
		c.round.st.Blocked = slices.DeleteFunc(c.round.st.Blocked, func(b string) bool { return b == id })
		if err := c.signal(ctx, id, Coordination{Kind: CoordinateUnblock, DependsOn: deps}); err != nil {
			return nil, err
		}
	}
	return c.startBlocked(removed), nil
}
