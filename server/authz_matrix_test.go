package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
)

// The principals of the authorization matrix: the five roles, the
// employee being the one transferred in "own", approvers scoped to the
// target unit of "own" or to a unit no transfer goes to, and nobody.
const (
	pNone     = "none"
	pHR       = string(models.RoleHR)
	pTPK      = string(models.RoleTPK)
	pPPK      = string(models.RolePPK)
	pEmployee = string(models.RoleEmployee)
	pSystem   = string(models.RoleSystem)
	pTPKUnit  = "tpk_unit"  // TPK scoped to own's target unit
	pPPKOther = "ppk_other" // PPK scoped to a unit nobody moves to
)

var principals = []string{pNone, pHR, pTPK, pPPK, pEmployee, pSystem, pTPKUnit, pPPKOther}

// allowedAny marks a cell whose status depends on data outside the
// matrix's control (the evaluation of a round still running): anything
// but 401, 403 and a 5xx.
const allowedAny = -1

// statuses spells a row of the matrix: the listed principals get the
// status given, every other principal 403 (and nobody 401).
func statuses(cells ...any) map[string]int {
	m := map[string]int{pNone: http.StatusUnauthorized}
	for _, p := range principals[1:] {
		m[p] = http.StatusForbidden
	}
	for i := 0; i < len(cells); i += 2 {
		m[cells[i].(string)] = cells[i+1].(int)
	}
	return m
}

// TestAuthorizationMatrixByScope compares the status of every API
// endpoint, for every role and scope, and for a transfer of the caller's
// own (own) and of someone else (other), with the table below. "own" has
// both decisions and awaits its employee; "other", into another unit,
// awaits the TPK. Requests that the role may make are shaped so that the
// workflow refuses them for their stage or content, and the table holds
// that answer; the one request that succeeds (the employee's
// acknowledgement) runs last.
func TestAuthorizationMatrixByScope(t *testing.T) {
	q := quietRound(t)
	s := q.stack
	for _, a := range []struct {
		key   string
		actor models.Actor
	}{
		{pTPKUnit, models.Actor{ID: "tpk-unit", Role: models.RoleTPK, Units: []string{q.own.ToUnitID}}},
		{pPPKOther, models.Actor{ID: "ppk-other", Role: models.RolePPK, Units: []string{"U999"}}},
	} {
		tok, err := apikey.Issue(s.db, a.key, a.actor)
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[models.Role(a.key)] = tok
	}
	var unit models.Unit
	s.db.First(&unit, "id = ?", q.own.ToUnitID)
	readers := []any{pHR, 200, pTPK, 200, pPPK, 200, pTPKUnit, 200, pPPKOther, 200}
	evaluation := []any{pHR, allowedAny, pTPK, allowedAny, pPPK, allowedAny, pTPKUnit, allowedAny, pPPKOther, allowedAny}
	reason := map[string]any{"approve": true, "reason": ""}
	rows := []struct {
		method, path string // {id} is own's or other's transfer ID
		body         any
		own, other   map[string]int // other nil: the endpoint names no transfer
	}{
		{"POST", "/api/v1/imports/units", "id,name\n" + unit.ID + "," + csvField(unit.Name) + "\n",
			statuses(pHR, 200, pSystem, 200), nil},
		{"POST", "/api/v1/rounds", map[string]any{}, statuses(pHR, 422), nil},
		{"GET", "/api/v1/rounds", nil, statuses(readers...), nil},
		{"GET", "/api/v1/rounds/Q1", nil, statuses(readers...), nil},
		{"GET", "/api/v1/rounds/Q1/needs", nil, statuses(readers...), nil},
		{"GET", "/api/v1/rounds/Q1/proposals", nil, statuses(readers...), nil},
		// A repeated confirmation gets the first answer.
		{"POST", "/api/v1/rounds/Q1/confirmation", map[string]any{}, statuses(pHR, 200), nil},
		{"GET", "/api/v1/rounds/Q1/evaluation", nil, statuses(evaluation...), nil},
		{"GET", "/api/v1/evaluations", nil, statuses(evaluation...), nil},
		{"GET", "/api/v1/transfers", nil, statuses(append(readers, pEmployee, 200)...), nil},
		{"GET", "/api/v1/transfers/{id}", nil,
			statuses(append(readers, pEmployee, 200, pPPKOther, 404)...),
			statuses(append(readers, pEmployee, 404, pTPKUnit, 404, pPPKOther, 404)...)},
		// A decision without a reason: refused for its stage, its scope or its
		// reason; the TPK and PPK who decided own get their first answer again.
		{"POST", "/api/v1/transfers/{id}/decisions", reason,
			statuses(pTPK, 200, pPPK, 200, pTPKUnit, 409),
			statuses(pTPK, 422, pPPK, 409)},
		// An objection in an unknown category: refused for it, or for the person.
		{"POST", "/api/v1/transfers/{id}/objections", map[string]any{"category": "bosan", "text": "x"},
			statuses(pEmployee, 422), statuses()},
		{"POST", "/api/v1/transfers/{id}/objection-resolution", map[string]any{"resolution": "proceed"},
			statuses(pHR, 409), statuses(pHR, 409)},
		{"POST", "/api/v1/transfers/{id}/training-completion", nil,
			statuses(pHR, 409, pSystem, 409), statuses(pHR, 409, pSystem, 409)},
		// Last: the one request that succeeds.
		{"POST", "/api/v1/transfers/{id}/acknowledgement", nil,
			statuses(pEmployee, 200), statuses()},
	}
	var failures []string
	for _, row := range rows {
		targets := []struct {
			name string
			id   string
			want map[string]int
		}{{"own", q.own.ID, row.own}, {"other", q.other.ID, row.other}}
		if row.other == nil {
			targets = targets[:1]
		}
		// Other first, so the acknowledgement of own comes last of all.
		for i := len(targets) - 1; i >= 0; i-- {
			target := targets[i]
			path := strings.ReplaceAll(row.path, "{id}", target.id)
			for _, p := range principals {
				var body any = row.body
				ct := "application/json"
				if str, ok := row.body.(string); ok {
					body, ct = str, "text/csv"
				}
				role := models.Role(p)
				if p == pNone {
					role = ""
				}
				r := s.do(row.method, path, role, body, ct)
				want := target.want[p]
				ok := r.status == want
				if want == allowedAny {
					ok = r.status != 401 && r.status != 403 && r.status < 500
				}
				if !ok {
					failures = append(failures, fmt.Sprintf("%s %s (%s) as %s: %d, want %d: %.160s",
						row.method, row.path, target.name, p, r.status, want, r.body))
				}
			}
		}
	}
	for _, f := range failures {
		t.Error(f)
	}
	// Scope also narrows lists: the employee sees their own transfer, an
	// approver of another unit none.
	var mine, none struct{ Total int }
	s.do("GET", "/api/v1/transfers", models.RoleEmployee, nil).json(t, &mine)
	s.do("GET", "/api/v1/transfers", models.Role(pPPKOther), nil).json(t, &none)
	if mine.Total != 1 || none.Total != 0 {
		t.Errorf("the employee lists %d transfers (want 1), an approver of another unit %d (want 0)", mine.Total, none.Total)
	}
}
