package workflows_test

import (
	"fmt"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/testworker"
	"github.com/bkpsdm/mutasi/workflows"
)

// TestRoundFromAnalysisToEvaluation runs a whole round in the test
// environment: the HR officer's refused and accepted confirmations, every
// child transfer approved and acknowledged, half the surveys answered. It
// runs twice: with the transfers as the round's children, and, as a
// province's round over the batch size would, through batches of three.
func TestRoundFromAnalysisToEvaluation(t *testing.T) {
	for _, batch := range []int{0, 3} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) { roundFromAnalysisToEvaluation(t, batch) })
	}
}

// seededRoundEnv is roundEnv on a fresh database holding a generated
// government of 40 units.
func seededRoundEnv(t *testing.T) (*gorm.DB, *testsuite.TestWorkflowEnvironment) {
	gdb, _ := testkit.New(t)
	if err := seed.Load(gdb, seed.Generate(40, start, 3)); err != nil {
		t.Fatal(err)
	}
	return gdb, roundEnv(gdb)
}

func roundFromAnalysisToEvaluation(t *testing.T, batch int) {
	gdb, env := seededRoundEnv(t)

	outcomes := map[string]error{}
	send := func(workflowID, label, name string, arg any) {
		outcomes[label] = nil
		err := env.UpdateWorkflowByID(workflowID, name, label, &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { outcomes[label] = err },
			OnComplete: func(_ any, err error) { outcomes[label] = err },
		}, arg)
		if err != nil {
			outcomes[label] = err
		}
	}
	var proposals []contract.Proposal
	roundID := "R-2027-1"
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(workflows.QueryState)
		var st workflows.RoundState
		if err == nil {
			err = v.Get(&st)
		}
		if err != nil || st.Status != models.RoundAwaitingConfirmation {
			t.Errorf("round state before confirmation: %+v, %v", st, err)
			return
		}
		free, needed := testkit.Independent(testworker.Proposals(t, gdb, roundID))
		proposals = append(free, needed...) // the first, removed, blocks nobody
		wid := contract.RoundWorkflowID(roundID)
		send(wid, "confirm-by-tpk", workflows.UpdateConfirm, workflows.Confirm{Actor: tpk})
		send(wid, "confirm-unknown", workflows.UpdateConfirm, workflows.Confirm{Actor: hr, Remove: []string{"nope"}})
		send(wid, "confirm", workflows.UpdateConfirm, workflows.Confirm{Actor: hr, Remove: []string{proposals[0].TransferID}})
		send(wid, "confirm-again", workflows.UpdateConfirm, workflows.Confirm{Actor: hr})
		for i, p := range proposals[1:] {
			id := contract.TransferWorkflowID(p.TransferID)
			me := models.Actor{ID: p.NIP, Role: models.RoleEmployee, NIP: p.NIP}
			env.RegisterDelayedCallback(func() { send(id, id+"tpk", workflows.UpdateDecide, approve(tpk)) }, h)
			env.RegisterDelayedCallback(func() { send(id, id+"ppk", workflows.UpdateDecide, approve(ppk)) }, 2*h)
			env.RegisterDelayedCallback(func() { send(id, id+"ack", workflows.UpdateAcknowledge, workflows.Acknowledge{Actor: me}) }, 3*h)
			if i%2 == 0 {
				env.RegisterDelayedCallback(func() {
					send(id, id+"survey", workflows.UpdateAnswerSurvey, workflows.SurveyAnswers{Actor: me,
						Answers: map[string]any{"motivation": 5}})
				}, 3*h+12*7*24*h+24*h)
			}
		}
	}, h)

	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.RoundWorkflowID(roundID)})
	batches := 0
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		if info.WorkflowType.Name == "TransferBatchWorkflow" {
			batches++
		}
	})
	env.ExecuteWorkflow(workflows.RoundWorkflow, workflows.RoundInput{RoundID: roundID, Name: "Mutasi Januari 2027",
		Settings: models.DefaultSettings(), By: contract.ActorRef{ID: "hr1", Role: models.RoleHR}, TransferBatch: batch})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var summary models.RoundSummary
	if err := env.GetWorkflowResult(&summary); err != nil {
		t.Fatal(err)
	}
	if len(proposals) < 5 {
		t.Fatalf("only %d proposals", len(proposals))
	}
	if want := map[bool]int{true: (len(proposals) - 1 + 2) / 3}[batch == 3]; batches != want {
		t.Errorf("%d transfer batches for %d confirmed transfers, want %d", batches, len(proposals)-1, want)
	}
	for _, label := range []string{"confirm-by-tpk", "confirm-unknown", "confirm-again"} {
		if _, ok := workflows.AsRefusal(outcomes[label]); !ok {
			t.Errorf("%s: %v, want a refusal", label, outcomes[label])
		}
	}
	for label, err := range outcomes {
		if len(label) > 10 && err != nil && label[:8] == "transfer" {
			t.Errorf("%s: %v", label, err)
		}
	}
	n := len(proposals)
	answered := (n - 1 + 1) / 2
	if summary.Proposed != n || summary.Confirmed != n-1 || summary.ByStage[models.StageCompleted] != n-1 ||
		summary.ByStage[models.StageRemoved] != 1 || summary.SurveysSent != n-1 || summary.SurveysAnswered != answered {
		t.Errorf("summary %+v for %d proposals (%d answered surveys expected)", summary, n, answered)
	}
	var r models.Round
	gdb.First(&r, "id = ?", roundID)
	if r.Status != models.RoundCompleted || r.Summary == nil || r.Summary.Confirmed != n-1 {
		t.Errorf("round row %+v", r)
	}
}

// TestRoundCarriesAtMostItsLimit confirms a round over its limit of
// transfers: refused, naming the removals, until enough proposals are
// removed.
func TestRoundCarriesAtMostItsLimit(t *testing.T) {
	gdb, env := seededRoundEnv(t)
	const limit = 2
	roundID := "R-2027-2"
	outcomes := map[string]error{}
	var proposals int
	env.RegisterDelayedCallback(func() {
		all := testworker.Proposals(t, gdb, roundID)
		proposals = len(all)
		var extra []string
		for _, p := range all[limit:] {
			extra = append(extra, p.TransferID)
		}
		for _, c := range []struct {
			label  string
			remove []string
		}{{"all", nil}, {"one over", extra[1:]}, {"at the limit", extra}} {
			err := env.UpdateWorkflowByID(contract.RoundWorkflowID(roundID), workflows.UpdateConfirm, c.label, &testsuite.TestUpdateCallback{
				OnAccept:   func() {},
				OnReject:   func(err error) { outcomes[c.label] = err },
				OnComplete: func(_ any, err error) { outcomes[c.label] = err },
			}, workflows.Confirm{Actor: hr, Remove: c.remove})
			if err != nil {
				outcomes[c.label] = err
			}
		}
	}, h)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*h)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.RoundWorkflowID(roundID)})
	env.ExecuteWorkflow(workflows.RoundWorkflow, workflows.RoundInput{RoundID: roundID, Name: "Mutasi Februari 2027",
		Settings: models.DefaultSettings(), By: contract.ActorRef{ID: "hr1", Role: models.RoleHR}, MaxTransfers: limit})
	if proposals <= limit+1 {
		t.Fatalf("only %d proposals", proposals)
	}
	for _, label := range []string{"all", "one over"} {
		if r, ok := workflows.AsRefusal(outcomes[label]); !ok || r.Field != "remove" {
			t.Errorf("confirming %s: %v, want a refusal naming remove", label, outcomes[label])
		}
	}
	if err := outcomes["at the limit"]; err != nil {
		t.Errorf("confirming %d of %d: %v", limit, proposals, err)
	}
}
