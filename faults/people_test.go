package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/workflows"
)

// people are how the HR officer and the approvers act in a fault round.
// Each call either succeeds, or returns errNotYet (the workflow is not
// there yet: try again), refused (a mistake of the test: stop), or any
// other error (a fault in progress: try again).
type people interface {
	// start starts the round.
	start(ctx context.Context, id, name string, settings models.RoundSettings) error
	// confirm confirms the round's plan without the removed transfers.
	confirm(ctx context.Context, id string, remove []string) error
	// decide sends the TPK's or PPK's decision (by d.Actor's role).
	decide(ctx context.Context, transferID string, d workflows.Decision) error
}

// refused is an answer that trying again cannot change.
type refused struct{ err error }

func (r refused) Error() string { return r.err.Error() }

// onTemporal acts straight on Temporal, as the API would, with update IDs
// that make a repeat a no-op.
type onTemporal struct{ c client.Client }

func (p onTemporal) start(ctx context.Context, id, name string, settings models.RoundSettings) error {
	_, err := p.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: contract.RoundWorkflowID(id), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING},
		workflows.RoundWorkflow, workflows.RoundInput{RoundID: id, Name: name, Settings: settings,
			By: contract.ActorRef{ID: testkit.HR.ID, Role: testkit.HR.Role}})
	return err
}

func (p onTemporal) confirm(ctx context.Context, id string, remove []string) error {
	wid := contract.RoundWorkflowID(id)
	return p.update(ctx, wid, workflows.UpdateConfirm, wid+":confirm", workflows.Confirm{Actor: testkit.HR, Remove: remove})
}

func (p onTemporal) decide(ctx context.Context, transferID string, d workflows.Decision) error {
	wid := contract.TransferWorkflowID(transferID)
	return p.update(ctx, wid, workflows.UpdateDecide, wid+":"+string(d.Actor.Role), d)
}

// update sends one update and waits for its outcome. A refusal for
// conflict (the transfer is not at that stage yet) is errNotYet.
func (p onTemporal) update(ctx context.Context, wid, name, id string, arg any) error {
	h, err := p.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: wid, UpdateName: name, UpdateID: id,
		Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if ref, ok := workflows.AsRefusal(err); ok {
		if ref.Kind != apperr.KindConflict {
			return refused{fmt.Errorf("refused %+v", ref)}
		}
		return errNotYet
	}
	return err
}

// throughAPI acts through the API servers at bases, as people's browsers
// and scripts do: each call goes to the next server, so a call that
// failed on one is repeated on the other. It counts the answers by
// status, and the calls in flight to each server.
type throughAPI struct {
	bases    []string
	hr       string
	approver map[models.Role]string
	next     atomic.Int64
	inFlight []atomic.Int64
	mu       sync.Mutex
	statuses map[int]int
}

// newThroughAPI issues the HR officer's and the approvers' API tokens in
// gdb and returns people acting through the API servers at bases.
func newThroughAPI(gdb *gorm.DB, bases ...string) (*throughAPI, error) {
	p := &throughAPI{bases: bases, approver: map[models.Role]string{}, inFlight: make([]atomic.Int64, len(bases)),
		statuses: map[int]int{}}
	var err error
	if p.hr, err = apikey.Issue(gdb, "BKPSDM (uji gangguan)", testkit.HR); err != nil {
		return nil, err
	}
	for _, a := range []models.Actor{testkit.TPK, testkit.PPK} {
		if p.approver[a.Role], err = apikey.Issue(gdb, string(a.Role)+" (uji gangguan)", a); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *throughAPI) start(ctx context.Context, id, name string, settings models.RoundSettings) error {
	return p.call(ctx, p.hr, "/rounds", map[string]any{"id": id, "name": name, "settings": settings})
}

func (p *throughAPI) confirm(ctx context.Context, id string, remove []string) error {
	return p.call(ctx, p.hr, "/rounds/"+id+"/confirmation", map[string]any{"remove": remove})
}

func (p *throughAPI) decide(ctx context.Context, transferID string, d workflows.Decision) error {
	return p.call(ctx, p.approver[d.Actor.Role], "/transfers/"+transferID+"/decisions",
		map[string]any{"approve": d.Approve, "reason": d.Reason})
}

// call POSTs body to path on the next server. 409 (not at that stage, or
// not started yet) is errNotYet; 503, 504 (Temporal did not answer in
// time, as while it restarts) and a broken connection are faults in
// progress, and the same call is safe to repeat: the API keys its update
// by transfer, action, person and content; any other answer but success
// is refused.
func (p *throughAPI) call(ctx context.Context, token, path string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return refused{err}
	}
	i := int(p.next.Add(1)) % len(p.bases)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.bases[i]+"/api/v1"+path, bytes.NewReader(b))
	if err != nil {
		return refused{err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	p.inFlight[i].Add(1)
	resp, err := http.DefaultClient.Do(req)
	p.inFlight[i].Add(-1)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	p.mu.Lock()
	p.statuses[resp.StatusCode]++
	p.mu.Unlock()
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusConflict:
		return errNotYet
	case resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusGatewayTimeout:
		return fmt.Errorf("%d: %s", resp.StatusCode, answer)
	default:
		return refused{fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, answer)}
	}
}

// answers is how many answers of each status the servers gave.
func (p *throughAPI) answers() map[int]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[int]int{}
	for k, v := range p.statuses {
		out[k] = v
	}
	return out
}
