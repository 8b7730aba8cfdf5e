package server

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"sync"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/workflows"
)

// TestSimultaneousDecisions has two TPK members decide on the same
// transfer at the same moment, through the API, for several transfers:
// one wins with 200, the other gets 409, and the transfer's history, its
// live state and the database each hold one decision, the winner's.
func TestSimultaneousDecisions(t *testing.T) {
	s := readyRound(t)
	startTwice(t, s)
	expect(t, s.do("POST", "/api/v1/rounds/E1/confirmation", models.RoleHR, map[string]any{}), http.StatusOK)
	var list struct{ Items []models.Transfer }
	testkit.Eventually(t, "transfers awaiting the TPK", func() bool {
		s.do("GET", "/api/v1/transfers?stage=awaiting_tpk", models.RoleHR, nil).json(t, &list)
		return len(list.Items) >= 4
	})
	started(t, s, list.Items[:4]...)
	actors := []models.Actor{{ID: "tpk-ani", Role: models.RoleTPK}, {ID: "tpk-budi", Role: models.RoleTPK}}
	tokens := make([]string, len(actors))
	for i, a := range actors {
		tok, err := apikey.Issue(s.db, a.ID, a)
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = tok
	}
	for n, tr := range list.Items[:4] {
		// Alternate who approves and who rejects, so the winner shows.
		bodies := []string{`{"approve": true, "reason": "sesuai kebutuhan"}`, `{"approve": false, "reason": "formasi ditunda"}`}
		if n%2 == 1 {
			bodies[0], bodies[1] = bodies[1], bodies[0]
		}
		statuses := make([]int, 2)
		replies := make([][]byte, 2)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				req, _ := http.NewRequest("POST", s.url+"/api/v1/transfers/"+tr.ID+"/decisions", bytes.NewBufferString(bodies[i]))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tokens[i])
				<-start
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				replies[i], _ = io.ReadAll(resp.Body)
				statuses[i] = resp.StatusCode
			})
		}
		close(start)
		wg.Wait()
		got := append([]int(nil), statuses...)
		sort.Ints(got)
		if got[0] != http.StatusOK || got[1] != http.StatusConflict {
			t.Fatalf("transfer %s: statuses %v (%s | %s), want one 200 and one 409", tr.ID, statuses, replies[0], replies[1])
		}
		winner := 0
		if statuses[1] == http.StatusOK {
			winner = 1
		}
		checkOneDecision(t, s, tr, actors[winner], bodies[winner])
	}
}

// checkOneDecision checks that the transfer's history, live state and
// database hold exactly one decision, by winner.
func checkOneDecision(t *testing.T, s *stack, tr models.Transfer, winner models.Actor, body string) {
	t.Helper()
	wid := tr.WorkflowID
	var accepted, rejected, recorded int
	events, err := testkit.History(t.Context(), s.c, wid)
	if err != nil {
		t.Fatal(err)
	}
	// The decision is recorded by RecordDecision or, in a batched run
	// (workflows.ChangeOneTransaction), by the one Apply between the
	// update's acceptance and its completion.
	open := false
	for _, e := range events {
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			accepted++
			open = true
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
			open = false
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED:
			rejected++
		}
		switch workflows.ActivityOf(e, testkit.DataConverter()) {
		case contract.RecordDecision:
			recorded++
		case contract.Apply:
			if open {
				recorded++
			}
		}
	}
	if accepted != 1 || rejected != 0 || recorded != 1 {
		t.Errorf("%s: history has %d accepted and %d rejected updates and %d decisions recorded, want 1, 0 and 1",
			wid, accepted, rejected, recorded)
	}
	var st workflows.TransferState
	v, err := s.c.QueryWorkflow(t.Context(), wid, "", workflows.QueryState)
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Decisions) != 1 || st.Decisions[0].Actor.ID != winner.ID {
		t.Errorf("%s: live state holds decisions %+v, want one by %s", wid, st.Decisions, winner.ID)
	}
	var rows []models.Decision
	s.db.Where("transfer_id = ?", tr.ID).Find(&rows)
	approve := bytes.Contains([]byte(body), []byte("true"))
	if len(rows) != 1 || rows[0].ActorID != winner.ID || rows[0].Approve != approve {
		t.Errorf("%s: database holds decisions %+v, want one by %s (approve %v)", tr.ID, rows, winner.ID, approve)
	}
}

// startTwice sends the same new round twice at the same moment: one
// request creates it (201), the other finds it (200).
func startTwice(t *testing.T, s *stack) {
	t.Helper()
	statuses := make([]int, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", s.url+"/api/v1/rounds", bytes.NewBufferString(`{"id": "E2", "name": "Serentak"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.tokens[models.RoleHR])
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	sort.Ints(statuses)
	if statuses[0] != http.StatusOK || statuses[1] != http.StatusCreated {
		t.Errorf("the same round started twice at once: %v, want one 200 and one 201", statuses)
	}
}
