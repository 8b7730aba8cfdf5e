package server

import (
	"net/http"
	"slices"
	"testing"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestAuthorizationMatrix sends every endpoint a request as every role: a
// role the endpoint does not allow gets 403 and changes nothing; an allowed
// role is never refused for its role.
func TestAuthorizationMatrix(t *testing.T) {
	s := readyRound(t)
	expect(t, s.do("POST", "/api/v1/rounds/E1/confirmation", models.RoleHR, map[string]any{}), http.StatusOK)
	var list struct{ Items []models.Transfer }
	testkit.Eventually(t, "transfers", func() bool {
		s.do("GET", "/api/v1/transfers?stage=awaiting_tpk", models.RoleHR, nil).json(t, &list)
		return len(list.Items) > 1
	})
	tr, other := list.Items[0], list.Items[1]
	tok, err := apikey.Issue(s.db, "employee", models.Actor{ID: tr.NIP, Role: models.RoleEmployee, NIP: tr.NIP})
	if err != nil {
		t.Fatal(err)
	}
	s.tokens[models.RoleEmployee] = tok
	p := "/api/v1/transfers/" + tr.ID
	hr, tpk, ppk, emp, sys := models.RoleHR, models.RoleTPK, models.RolePPK, models.RoleEmployee, models.RoleSystem
	readers := []models.Role{hr, tpk, ppk}
	endpoints := []struct {
		method, path string
		body         any
		allowed      []models.Role
	}{
		{"POST", "/api/v1/imports/units", "id,name\nU001,Dinas Pendidikan\n", []models.Role{hr, sys}},
		{"POST", "/api/v1/rounds", map[string]any{}, []models.Role{hr}},
		{"GET", "/api/v1/rounds", nil, readers},
		{"GET", "/api/v1/rounds/E1", nil, readers},
		{"GET", "/api/v1/rounds/E1/needs", nil, readers},
		{"GET", "/api/v1/rounds/E1/proposals", nil, readers},
		{"POST", "/api/v1/rounds/E1/confirmation", map[string]any{}, []models.Role{hr}},
		{"POST", "/api/v1/rounds/E9/replan", nil, []models.Role{hr}},
		{"GET", "/api/v1/rounds/E1/evaluation", nil, readers},
		{"GET", "/api/v1/transfers", nil, append(readers, emp)},
		{"GET", p, nil, append(readers, emp)},
		{"POST", p + "/acknowledgement", nil, []models.Role{emp}},
		{"POST", p + "/objections", map[string]any{"category": "health", "text": "x"}, []models.Role{emp}},
		{"POST", p + "/objection-resolution", map[string]any{"resolution": "proceed"}, []models.Role{hr}},
		{"POST", p + "/training-completion", nil, []models.Role{hr, sys}},
		{"POST", p + "/withdrawal", map[string]any{"reason": ""}, []models.Role{hr}},
		{"POST", p + "/minister-approval", map[string]any{"reference": ""}, []models.Role{hr}},
		{"POST", p + "/decisions", map[string]any{"approve": true, "reason": "ok"}, []models.Role{tpk, ppk}},
	}
	for _, e := range endpoints {
		for _, role := range []models.Role{hr, tpk, ppk, emp, sys} {
			var body any = e.body
			ct := "application/json"
			if str, ok := e.body.(string); ok {
				body, ct = str, "text/csv"
			}
			r := s.do(e.method, e.path, role, body, ct)
			allowed := slices.Contains(e.allowed, role)
			switch {
			case allowed && (r.status == http.StatusForbidden || r.status == http.StatusUnauthorized):
				t.Errorf("%s %s as %s: %d, want it allowed: %s", e.method, e.path, role, r.status, r.body)
			case !allowed && r.status != http.StatusForbidden:
				t.Errorf("%s %s as %s: %d, want 403: %s", e.method, e.path, role, r.status, r.body)
			}
		}
	}
	// Employees see and act on their own transfer only; approvers on their
	// units. Another's transfer is not found, for reading and for acting.
	if r := s.do("GET", "/api/v1/transfers/"+other.ID, emp, nil); r.status != http.StatusNotFound {
		t.Errorf("an employee read someone else's transfer: %d", r.status)
	}
	r := s.do("POST", "/api/v1/transfers/"+other.ID+"/acknowledgement", emp, nil)
	if r.status != http.StatusNotFound {
		t.Errorf("an employee acted on someone else's transfer: %d %s", r.status, r.body)
	}
	scoped, err := apikey.Issue(s.db, "tpk other units", models.Actor{ID: "tpk2", Role: tpk, Units: []string{"U999"}})
	if err != nil {
		t.Fatal(err)
	}
	s.tokens["scoped"] = scoped
	if r := s.do("POST", "/api/v1/transfers/"+other.ID+"/decisions", "scoped", map[string]any{"approve": true, "reason": "x"}); r.status != http.StatusNotFound {
		t.Errorf("an approver acted outside their units: %d %s", r.status, r.body)
	}
	var mine struct{ Items []models.Transfer }
	s.do("GET", "/api/v1/transfers", emp, nil).json(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].NIP != tr.NIP {
		t.Errorf("an employee's list holds %d transfers", len(mine.Items))
	}
	var scopedList struct{ Total int }
	s.do("GET", "/api/v1/transfers", "scoped", nil).json(t, &scopedList)
	if scopedList.Total != 0 {
		t.Errorf("a scoped approver sees %d transfers outside their units", scopedList.Total)
	}
	// A round's proposals: a scoped approver sees those to their units and
	// none of the exclusions, which name employees and their rules.
	var props struct {
		Proposals       []models.Transfer
		Exclusions      []models.Exclusion
		ExclusionsTotal int64 `json:"exclusions_total"`
	}
	s.do("GET", "/api/v1/rounds/E1/proposals", hr, nil).json(t, &props)
	if len(props.Proposals) == 0 || props.ExclusionsTotal == 0 {
		t.Fatalf("HR sees %d proposals and %d exclusions", len(props.Proposals), props.ExclusionsTotal)
	}
	props.Proposals, props.Exclusions, props.ExclusionsTotal = nil, nil, 0
	s.do("GET", "/api/v1/rounds/E1/proposals", "scoped", nil).json(t, &props)
	if len(props.Proposals) != 0 || len(props.Exclusions) != 0 || props.ExclusionsTotal != 0 {
		t.Errorf("a scoped approver sees %d proposals and %d exclusions outside their units",
			len(props.Proposals), props.ExclusionsTotal)
	}
	// An employee is not shown a transfer before they are told of it.
	untold, err := apikey.Issue(s.db, "untold", models.Actor{ID: other.NIP, Role: emp, NIP: other.NIP})
	if err != nil {
		t.Fatal(err)
	}
	s.tokens["untold"] = untold
	if r := s.do("GET", "/api/v1/transfers/"+other.ID, "untold", nil); r.status != http.StatusNotFound {
		t.Errorf("an employee read their transfer awaiting the TPK: %d", r.status)
	}
	var theirs struct{ Total int }
	s.do("GET", "/api/v1/transfers", "untold", nil).json(t, &theirs)
	if theirs.Total != 0 {
		t.Errorf("an employee lists %d transfers they have not been told of", theirs.Total)
	}
}
