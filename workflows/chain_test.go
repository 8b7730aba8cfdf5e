package workflows_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/testworker"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

// capacityOf returns, per position, the most holders the round allows:
// max(seats, holders before the round).
func capacityOf(t *testing.T, gdb *gorm.DB) map[string]int {
	t.Helper()
	limit := holders(t, gdb)
	var positions []models.Position
	if err := gdb.Select("id", "seats").Find(&positions).Error; err != nil {
		t.Fatal(err)
	}
	for _, p := range positions {
		limit[p.ID] = max(limit[p.ID], p.Seats)
	}
	return limit
}

// holders counts the employees in each position now.
func holders(t *testing.T, gdb *gorm.DB) map[string]int {
	t.Helper()
	var rows []struct {
		PositionID string
		N          int
	}
	if err := gdb.Model(&models.Employee{}).Select("position_id, count(*) AS n").Where("status <> ?", models.StatusRetired).
		Group("position_id").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.PositionID] = r.N
	}
	return out
}

// TestChainsKeepCapacity runs whole rounds with vacancy chains in the test
// environment, with random approvals, rejections, objections that cancel
// and withdrawals, the HR officer withdrawing whatever gets blocked. After
// every collective TMT no position holds more than max(seats, holders
// before the round); at the end every transfer that took effect has the
// transfers it depends on effective too, none is left blocked, and each
// one's stage is final or effective.
func TestChainsKeepCapacity(t *testing.T) {
	testkit.Needs(t, "PostgreSQL")
	blocks := 0
	for seedN := uint64(1); seedN <= 8; seedN++ {
		t.Run(fmt.Sprint("seed=", seedN), func(t *testing.T) { blocks += chainsKeepCapacity(t, seedN) })
	}
	if blocks == 0 {
		t.Error("no transfer was ever blocked: the rounds do not test blocking")
	}
}

// chainsKeepCapacity runs one round and returns how many of its transfers
// were blocked.
func chainsKeepCapacity(t *testing.T, seedN uint64) int {
	gdb, _ := testkit.New(t)
	if err := seed.Load(gdb, seed.Generate(150, start, seedN)); err != nil {
		t.Fatal(err)
	}
	limit := capacityOf(t, gdb)
	r := rand.New(rand.NewPCG(seedN, 99))
	env := roundEnv(gdb)

	tmts := 0
	env.SetOnActivityCompletedListener(func(info *activity.Info, _ converter.EncodedValue, err error) {
		if info.ActivityType.Name != "MakeEffectiveTogether" || err != nil {
			return
		}
		tmts++
		for p, n := range holders(t, gdb) {
			if p != "" && n > limit[p] {
				t.Errorf("after TMT %d, %s holds %d, at most %d allowed", tmts, p, n, limit[p])
			}
		}
	})
	update := updater(env)
	send := func(workflowID, name string, arg any) { update(workflowID, name, arg, func(any, error) {}) }
	roundID := "R-CHAIN"
	var proposals []contract.Proposal
	chains := 0
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(workflows.QueryState)
		var st workflows.RoundState
		if err == nil {
			err = v.Get(&st)
		}
		if err != nil {
			t.Errorf("round state: %v", err)
			return
		}
		proposals = testworker.Proposals(t, gdb, roundID)
		for _, p := range proposals {
			chains += len(p.DependsOn)
		}
		send(contract.RoundWorkflowID(roundID), workflows.UpdateConfirm, workflows.Confirm{Actor: hr})
		for _, p := range proposals {
			id := contract.TransferWorkflowID(p.TransferID)
			me := models.Actor{ID: p.NIP, Role: models.RoleEmployee, NIP: p.NIP}
			decide := func(who models.Actor, yes float64) workflows.Decision {
				return workflows.Decision{Actor: who, Approve: r.Float64() < yes, Reason: "uji"}
			}
			tpkD, ppkD := decide(tpk, 0.85), decide(ppk, 0.9)
			env.RegisterDelayedCallback(func() { send(id, workflows.UpdateDecide, tpkD) }, h)
			env.RegisterDelayedCallback(func() { send(id, workflows.UpdateDecide, ppkD) }, 2*h)
			switch k := r.IntN(10); {
			case k < 6:
				env.RegisterDelayedCallback(func() { send(id, workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: me}) }, 3*h)
			case k < 7:
				env.RegisterDelayedCallback(func() {
					send(id, workflows.UpdateObject, workflows.Objection{Actor: me, Category: models.ObjectFamily, Text: "keluarga"})
				}, 3*h)
				env.RegisterDelayedCallback(func() {
					send(id, workflows.UpdateResolve, workflows.Resolution{Actor: hr, Resolution: models.ResolveCancel, Note: "uji"})
				}, 4*h)
			} // otherwise silent: deemed to acknowledge after the deadline
			if r.IntN(6) == 0 {
				at := time.Duration(1+r.IntN(8*24)) * h
				env.RegisterDelayedCallback(func() { send(id, workflows.UpdateWithdraw, workflows.Withdraw{Actor: hr, Reason: "uji"}) }, at)
			}
		}
		// The HR officer withdraws what is blocked, twice a day.
		for at := 4 * h; at < 30*24*h; at += 12 * h {
			env.RegisterDelayedCallback(func() {
				v, err := env.QueryWorkflow(workflows.QueryState)
				var st workflows.RoundState
				if err == nil && v.Get(&st) == nil {
					for _, b := range st.Blocked {
						send(contract.TransferWorkflowID(b), workflows.UpdateWithdraw, workflows.Withdraw{Actor: hr, Reason: "terblokir"})
					}
				}
			}, at)
		}
	}, h)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.RoundWorkflowID(roundID)})
	settings := models.DefaultSettings()
	if seedN%2 == 0 {
		// A lead time: withdrawals also come while the round waits for its
		// TMT.
		settings.EffectiveLead = models.Duration(10 * 24 * h)
	}
	env.ExecuteWorkflow(workflows.RoundWorkflow, workflows.RoundInput{RoundID: roundID, Name: "Uji rantai",
		Settings: settings, By: contract.ActorRef{ID: "hr1", Role: models.RoleHR}})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if chains == 0 {
		t.Fatal("the round has no vacancy chain to test")
	}
	if tmts == 0 {
		t.Fatal("no transfer took effect")
	}
	transfers, _ := checkRoundEnd(t, gdb, roundID, limit)
	count := map[models.Stage]int{}
	for _, tr := range transfers {
		count[tr.Stage]++
	}
	var blocks int64
	if err := gdb.Model(&models.AuditEntry{}).Where("round_id = ? AND action = ?", roundID, models.StageBlocked).
		Count(&blocks).Error; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d transfers, %d dependencies, %d blocked, %d TMTs, stages %v", len(transfers), chains, blocks, tmts, count)
	return int(blocks)
}

// TestMinisterApprovalPerOfficial: inside an election blackout, a round
// whose transfers include covered posts sets its TMT after the windows;
// once the HR officer records the minister's approval for each covered
// official, the round sets its TMT again, at once, and every transfer
// takes effect inside the window.
func TestMinisterApprovalPerOfficial(t *testing.T) {
	gdb, _ := testkit.New(t)
	if err := seed.Load(gdb, seed.Generate(150, start, 2)); err != nil {
		t.Fatal(err)
	}
	env := roundEnv(gdb)
	settings := models.DefaultSettings()
	settings.Elections = []models.Election{{CandidateDetermination: start.AddDate(0, 3, 0),
		Inauguration: start.AddDate(0, 9, 0), Label: "Pilkada"}}
	windowEnd := start.AddDate(0, 15, 0)
	roundID := "R-MENTERI"
	update := updater(env)
	send := func(workflowID, name string, arg any) {
		update(workflowID, name, arg, func(_ any, err error) {
			if err != nil {
				t.Errorf("%s %s: %v", workflowID, name, err)
			}
		})
	}
	covered := 0
	var tmtBefore time.Time
	env.RegisterDelayedCallback(func() {
		var st workflows.RoundState
		if v, err := env.QueryWorkflow(workflows.QueryState); err != nil || v.Get(&st) != nil {
			t.Errorf("round state: %v", err)
			return
		}
		send(contract.RoundWorkflowID(roundID), workflows.UpdateConfirm, workflows.Confirm{Actor: hr})
		for _, p := range testworker.Proposals(t, gdb, roundID) {
			id := contract.TransferWorkflowID(p.TransferID)
			env.RegisterDelayedCallback(func() { send(id, workflows.UpdateDecide, approve(tpk)) }, h)
			env.RegisterDelayedCallback(func() { send(id, workflows.UpdateDecide, approve(ppk)) }, 2*h)
			if p.Covered {
				covered++
				env.RegisterDelayedCallback(func() {
					send(id, workflows.UpdateMinisterApproval, workflows.MinisterApproval{Actor: hr, Reference: "100.2.2.6/1234/OTDA"})
				}, 45*24*h)
			}
		}
		// Everyone has acknowledged or been deemed to, and any training
		// deadline has passed: the TMT is set.
		env.RegisterDelayedCallback(func() {
			var st workflows.RoundState
			if v, err := env.QueryWorkflow(workflows.QueryState); err == nil && v.Get(&st) == nil && st.EffectiveDate != nil {
				tmtBefore = *st.EffectiveDate
			}
		}, 40*24*h)
	}, h)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.RoundWorkflowID(roundID)})
	env.ExecuteWorkflow(workflows.RoundWorkflow, workflows.RoundInput{RoundID: roundID, Name: "Uji menteri",
		Settings: settings, By: contract.ActorRef{ID: "hr1", Role: models.RoleHR}})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if covered == 0 {
		t.Fatal("no transfer touches a covered post")
	}
	if !tmtBefore.Equal(windowEnd) {
		t.Errorf("TMT before the approvals %v, want the end of the windows %v", tmtBefore, windowEnd)
	}
	var transfers []models.Transfer
	if err := gdb.Where("round_id = ?", roundID).Find(&transfers).Error; err != nil {
		t.Fatal(err)
	}
	approved := 0
	for _, tr := range transfers {
		if tr.MinisterApprovalRef != "" {
			approved++
		}
		if tr.EffectiveDate == nil || !tr.EffectiveDate.Before(start.AddDate(0, 2, 0)) {
			t.Errorf("%s took effect %v, want soon after the approvals", tr.ID, tr.EffectiveDate)
		}
	}
	if approved != covered {
		t.Errorf("%d approvals recorded, %d covered transfers", approved, covered)
	}
}

// TestReplanSeatsBlockedTransfers: the TPK rejects a transfer another one
// depends on; that one is blocked; the HR officer re-plans: the blocked
// transfer is seated again (someone else is moved out of its target, or a
// seat is free), the re-plan's proposals are confirmed and approved, and
// every transfer takes effect or ends, with the capacity rule kept.
func TestReplanSeatsBlockedTransfers(t *testing.T) {
	gdb, _ := testkit.New(t)
	if err := seed.Load(gdb, seed.Generate(150, start, 6)); err != nil {
		t.Fatal(err)
	}
	limit := capacityOf(t, gdb)
	env := roundEnv(gdb)
	roundID := "R-REPLAN"
	wid := contract.RoundWorkflowID(roundID)
	send := updater(env)
	ignore := func(any, error) {}
	approveAll := func(ps []contract.Proposal, skip string) {
		for _, p := range ps {
			id := contract.TransferWorkflowID(p.TransferID)
			tpkD := approve(tpk)
			if p.TransferID == skip {
				tpkD = workflows.Decision{Actor: tpk, Approve: false, Reason: "formasi ditunda"}
			}
			env.RegisterDelayedCallback(func() { send(id, workflows.UpdateDecide, tpkD, ignore) }, h)
			if p.TransferID != skip {
				env.RegisterDelayedCallback(func() { send(id, workflows.UpdateDecide, approve(ppk), ignore) }, 2*h)
			}
		}
	}
	var rejected string
	var replan *contract.Replan
	var replanErr error
	env.RegisterDelayedCallback(func() {
		var st workflows.RoundState
		if v, err := env.QueryWorkflow(workflows.QueryState); err != nil || v.Get(&st) != nil {
			t.Errorf("round state: %v", err)
			return
		}
		for _, p := range testworker.Proposals(t, gdb, roundID) {
			if len(p.DependsOn) > 0 && rejected == "" {
				rejected = p.DependsOn[0]
			}
		}
		send(wid, workflows.UpdateConfirm, workflows.Confirm{Actor: hr}, ignore)
		approveAll(testworker.Proposals(t, gdb, roundID), rejected)
		env.RegisterDelayedCallback(func() {
			send(wid, workflows.UpdateReplan, workflows.Replan{Actor: tpk}, func(_ any, err error) {
				if _, ok := workflows.AsRefusal(err); !ok {
					t.Errorf("a re-plan by the TPK: %v, want a refusal", err)
				}
			})
			send(wid, workflows.UpdateReplan, workflows.Replan{Actor: hr}, func(_ any, err error) {
				replanErr = err
				if err != nil {
					t.Errorf("re-plan: %v", err)
					return
				}
				var st workflows.RoundState
				if v, err := env.QueryWorkflow(workflows.QueryState); err != nil || v.Get(&st) != nil || st.Replan == nil || st.Replans != 1 {
					t.Errorf("round state after the re-plan: %+v, %v", st, err)
					return
				}
				replan = st.Replan
				send(wid, workflows.UpdateConfirm, workflows.Confirm{Actor: hr}, func(_ any, err error) {
					if err != nil {
						t.Errorf("confirming the re-plan: %v", err)
					}
				})
				// The new proposals, and the transfers seated again, which
				// may have been blocked before their approvals came.
				again := slices.Clone(st.Replan.Proposals)
				for id := range st.Replan.Rewired {
					again = append(again, contract.Proposal{TransferID: id})
				}
				approveAll(again, "")
			})
		}, 3*h)
	}, h)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: wid})
	env.ExecuteWorkflow(workflows.RoundWorkflow, workflows.RoundInput{RoundID: roundID, Name: "Uji rencana ulang",
		Settings: models.DefaultSettings(), By: contract.ActorRef{ID: "hr1", Role: models.RoleHR}})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if rejected == "" {
		t.Fatal("no transfer depends on another")
	}
	if replanErr != nil || replan == nil || replan.Plan != 2 || len(replan.Rewired) == 0 {
		t.Fatalf("re-plan %+v, %v: want plan 2 seating the blocked transfers again", replan, replanErr)
	}
	_, stage := checkRoundEnd(t, gdb, roundID, limit)
	for id := range replan.Rewired {
		if !stage[id].Effective() {
			t.Errorf("%s, seated again, is %s", id, stage[id])
		}
	}
	t.Logf("rejected %s; re-plan %d: %d proposals, rewired %v", rejected, replan.Plan, len(replan.Proposals), replan.Rewired)
}

// roundEnv is a test environment for rounds, with the real activities on
// gdb.
func roundEnv(gdb *gorm.DB) *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.SetTestTimeout(time.Minute)
	worker.Register(env, &activities.Activities{DB: gdb, BaseURL: "http://mutasi.test", LinkSecret: []byte("k")})
	return env
}

// updater returns a function that sends an update and calls done with its
// outcome (a refusal too). Each update gets its own ID: the environment
// takes a repeated ID for the same update.
func updater(env *testsuite.TestWorkflowEnvironment) func(workflowID, name string, arg any, done func(any, error)) {
	n := 0
	return func(workflowID, name string, arg any, done func(any, error)) {
		n++
		_ = env.UpdateWorkflowByID(workflowID, name, fmt.Sprint(name, n), &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { done(nil, err) }, OnComplete: done}, arg)
	}
}

// checkRoundEnd checks a round that has completed: every transfer has
// ended or taken effect, each that took effect did so with those whose
// seats it took, and no post holds more than limit. It returns the
// transfers and their stages by ID.
func checkRoundEnd(t *testing.T, gdb *gorm.DB, roundID string, limit map[string]int) ([]models.Transfer, map[string]models.Stage) {
	t.Helper()
	var transfers []models.Transfer
	if err := gdb.Where("round_id = ?", roundID).Find(&transfers).Error; err != nil {
		t.Fatal(err)
	}
	stage := map[string]models.Stage{}
	for _, tr := range transfers {
		stage[tr.ID] = tr.Stage
	}
	for _, tr := range transfers {
		if !tr.Stage.Final() && !tr.Stage.Effective() {
			t.Errorf("%s ends at %s", tr.ID, tr.Stage)
		}
		for _, d := range tr.DependsOn {
			if tr.Stage.Effective() && !stage[d].Effective() {
				t.Errorf("%s took effect, but %s, whose seat it took, is %s", tr.ID, d, stage[d])
			}
		}
	}
	for p, n := range holders(t, gdb) {
		if p != "" && n > limit[p] {
			t.Errorf("%s holds %d at the end, at most %d allowed", p, n, limit[p])
		}
	}
	return transfers, stage
}

// TestRecheckAtTMT: a sanction imposed after the approvals and in force on
// the TMT stops that transfer at recheck_failed, with the reason; the
// others take effect, those depending on it blocked and withdrawn.
func TestRecheckAtTMT(t *testing.T) {
	gdb, _ := testkit.New(t)
	if err := seed.Load(gdb, seed.Generate(150, start, 5)); err != nil {
		t.Fatal(err)
	}
	limit := capacityOf(t, gdb)
	env := roundEnv(gdb)
	send := updater(env)
	ignore := func(any, error) {}
	roundID := "R-RECHECK"
	var sanctioned string
	env.RegisterDelayedCallback(func() {
		var st workflows.RoundState
		if v, err := env.QueryWorkflow(workflows.QueryState); err != nil || v.Get(&st) != nil {
			t.Errorf("round state: %v", err)
			return
		}
		send(contract.RoundWorkflowID(roundID), workflows.UpdateConfirm, workflows.Confirm{Actor: hr}, ignore)
		for _, p := range testworker.Proposals(t, gdb, roundID) {
			id := contract.TransferWorkflowID(p.TransferID)
			env.RegisterDelayedCallback(func() { send(id, workflows.UpdateDecide, approve(tpk), ignore) }, h)
			env.RegisterDelayedCallback(func() { send(id, workflows.UpdateDecide, approve(ppk), ignore) }, 2*h)
		}
		sanctioned = testworker.Proposals(t, gdb, roundID)[0].TransferID
		nip := testworker.Proposals(t, gdb, roundID)[0].NIP
		env.RegisterDelayedCallback(func() {
			end := start.AddDate(0, 9, 0)
			s := models.Sanction{NIP: nip, Type: models.SanctionSedang, Start: start.AddDate(0, 0, 3), End: &end}
			if err := gdb.Create(&s).Error; err != nil {
				t.Error(err)
			}
		}, 3*h)
		for at := 4 * h; at < 60*24*h; at += 12 * h {
			env.RegisterDelayedCallback(func() {
				var st workflows.RoundState
				if v, err := env.QueryWorkflow(workflows.QueryState); err == nil && v.Get(&st) == nil {
					for _, b := range st.Blocked {
						send(contract.TransferWorkflowID(b), workflows.UpdateWithdraw, workflows.Withdraw{Actor: hr, Reason: "terblokir"}, ignore)
					}
				}
			}, at)
		}
	}, h)
	settings := models.DefaultSettings()
	settings.EffectiveLead = models.Duration(30 * 24 * h)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.RoundWorkflowID(roundID)})
	env.ExecuteWorkflow(workflows.RoundWorkflow, workflows.RoundInput{RoundID: roundID, Name: "Uji TMT",
		Settings: settings, By: contract.ActorRef{ID: "hr1", Role: models.RoleHR}})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	transfers, stage := checkRoundEnd(t, gdb, roundID, limit)
	if stage[sanctioned] != models.StageRecheckFailed {
		t.Fatalf("%s, sanctioned before its TMT, is %s", sanctioned, stage[sanctioned])
	}
	effective := 0
	for _, tr := range transfers {
		if tr.Stage.Effective() {
			effective++
		}
	}
	if effective == 0 {
		t.Error("no other transfer took effect")
	}
	var audit models.AuditEntry
	if err := gdb.First(&audit, "transfer_id = ? AND action = ?", sanctioned, models.StageRecheckFailed).Error; err != nil ||
		!strings.Contains(audit.Detail, "sanction") {
		t.Errorf("the re-check is not recorded with its reason: %+v, %v", audit, err)
	}
}
