package server

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
)

// The principals of the authorization matrices: the six roles, the
// employee being the one transferred in "own", approvers scoped to the
// target unit of "own" or to a unit no transfer goes to, and nobody.
const (
	pNone     = "none"
	pHR       = string(models.RoleHR)
	pTPK      = string(models.RoleTPK)
	pPPK      = string(models.RolePPK)
	pEmployee = string(models.RoleEmployee)
	pSystem   = string(models.RoleSystem)
	pAdmin    = string(models.RoleAdmin)
	pTPKUnit  = "tpk_unit"  // TPK scoped to own's target unit
	pPPKOther = "ppk_other" // PPK scoped to a unit nobody moves to
	// pUntold, on the pages, is the employee of "other", which still
	// awaits the TPK: they have not been told of their transfer yet.
	pUntold = "employee_untold"
)

var (
	principals     = []string{pNone, pHR, pTPK, pPPK, pEmployee, pSystem, pAdmin, pTPKUnit, pPPKOther}
	pagePrincipals = append(slices.Clip(principals), pUntold)
)

// allowedAny marks a cell whose status depends on data outside the
// matrix's control (the evaluation of a round still running): anything
// but 401, 403 and a 5xx.
const allowedAny = -1

// every spells a row of a matrix: every principal (of the pages, who
// include the API's) gets status but the listed ones, which get the
// status given.
func every(status int, cells ...any) map[string]int {
	m := map[string]int{}
	for _, p := range pagePrincipals {
		m[p] = status
	}
	for i := 0; i < len(cells); i += 2 {
		m[cells[i].(string)] = cells[i+1].(int)
	}
	return m
}

// statuses spells a row of a matrix for a request that needs a role: the
// listed principals get the status given, every other principal 403
// (and nobody 401).
func statuses(cells ...any) map[string]int {
	return every(http.StatusForbidden, append([]any{pNone, http.StatusUnauthorized}, cells...)...)
}

// pageGET spells a row of the page matrix for a GET that needs a role, like
// statuses, but nobody is sent to sign in (303).
func pageGET(cells ...any) map[string]int {
	return statuses(append([]any{pNone, http.StatusSeeOther}, cells...)...)
}

// matrixRow is a request of a matrix and the status each principal gets
// for it, about own's transfer and about other's.
type matrixRow struct {
	method, path string         // {id} is own's or other's transfer ID
	body         any            // {id} also in a form's values
	own, other   map[string]int // other nil: the request names no transfer
}

// checkMatrix sends every row's request as every principal of who, with
// send, and fails the test for every status that differs from the table.
// A row naming a transfer goes to other's first, so that the last row's
// request about own runs last of all. Some row must request every route
// of the handler whose path covers accepts.
func checkMatrix(t *testing.T, q *quiet, who []string, rows []matrixRow, covers func(path string) bool,
	send func(p, method, path string, body any) response) {
	t.Helper()
	for _, route := range uncovered(rows, covers) {
		t.Errorf("no row of the matrix requests %s", route)
	}
	for _, row := range rows {
		targets := []struct {
			name string
			id   string
			want map[string]int
		}{{" (own)", q.own.ID, row.own}, {" (other)", q.other.ID, row.other}}
		if row.other == nil {
			targets = targets[:1]
			targets[0].name = ""
		}
		for i := len(targets) - 1; i >= 0; i-- {
			target := targets[i]
			path := strings.ReplaceAll(row.path, "{id}", target.id)
			for _, p := range who {
				r := send(p, row.method, path, withID(row.body, target.id))
				want := target.want[p]
				ok := r.status == want
				if want == allowedAny {
					ok = r.status != 401 && r.status != 403 && r.status < 500
				}
				if !ok {
					t.Errorf("%s %s%s as %s: %d, want %d: %.160s", row.method, row.path, target.name, p, r.status, want, r.body)
				}
			}
		}
	}
}

// withID fills in {id} in the values of a form body.
func withID(body any, id string) any {
	form, ok := body.(url.Values)
	if !ok {
		return body
	}
	out := url.Values{}
	for k, vs := range form {
		for _, v := range vs {
			out.Add(k, strings.ReplaceAll(v, "{id}", id))
		}
	}
	return out
}

// uncovered lists the routes of the handler whose path covers accepts
// and that no row requests.
func uncovered(rows []matrixRow, covers func(path string) bool) []string {
	var out []string
	for _, route := range (&Server{}).Handler().(*gin.Engine).Routes() {
		if !covers(route.Path) {
			continue
		}
		segs := strings.Split(route.Path, "/")
		for i, seg := range segs {
			switch {
			case strings.HasPrefix(seg, ":"):
				segs[i] = "[^/]+"
			case strings.HasPrefix(seg, "*"):
				segs[i] = ".+"
			default:
				segs[i] = regexp.QuoteMeta(seg)
			}
		}
		re := regexp.MustCompile("^" + strings.Join(segs, "/") + "$")
		if !slices.ContainsFunc(rows, func(r matrixRow) bool { return r.method == route.Method && re.MatchString(r.path) }) {
			out = append(out, route.Method+" "+route.Path)
		}
	}
	return out
}

// apiRoute reports whether a path is the API's (or a health check), not
// a page's.
func apiRoute(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz"
}

// surveyToken opens a survey on own's transfer, as its workflow would once
// the transfer took effect, and returns the token of its link: the link
// alone, not a role, lets one answer it.
func (q *quiet) surveyToken(t *testing.T) string {
	t.Helper()
	now := time.Now()
	sv := models.Survey{TransferID: q.own.ID, RoundID: q.own.RoundID, NIP: q.own.NIP, Status: models.SurveyOpen,
		InstrumentVersion: survey.CurrentVersion, SentAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := q.db.Create(&sv).Error; err != nil {
		t.Fatal(err)
	}
	return links.Sign([]byte(linkSecret), sv.TransferID, sv.ExpiresAt)
}

// tpkNotice is the ID of the TPK's in-app notice about the transfer tr,
// which its workflow recorded when it asked for the TPK's decision.
func (q *quiet) tpkNotice(t *testing.T, tr models.Transfer) string {
	t.Helper()
	var n models.Notice
	if err := q.db.Where("transfer_id = ? AND role = ?", tr.ID, models.RoleTPK).First(&n).Error; err != nil {
		t.Fatalf("the TPK's notice about %s: %v", tr.ID, err)
	}
	return strconv.FormatUint(uint64(n.ID), 10)
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
	survey := "/api/v1/surveys/" + q.surveyToken(t)
	var unit models.Unit
	s.db.First(&unit, "id = ?", q.own.ToUnitID)
	readers := []any{pHR, 200, pTPK, 200, pPPK, 200, pTPKUnit, 200, pPPKOther, 200}
	evaluation := []any{pHR, allowedAny, pTPK, allowedAny, pPPK, allowedAny, pTPKUnit, allowedAny, pPPKOther, allowedAny}
	reason := map[string]any{"approve": true, "reason": ""}
	rows := []matrixRow{
		{"GET", "/healthz", nil, every(200), nil},
		{"GET", "/readyz", nil, every(200), nil},
		{"GET", "/api/v1/openapi.json", nil, every(200), nil},
		// The survey link is the credential: a role changes nothing.
		{"GET", survey, nil, every(200), nil},
		{"POST", survey, map[string]any{"answers": map[string]any{}}, every(422), nil},
		{"POST", "/api/v1/imports/units", "id,name\n" + unit.ID + "," + csvField(unit.Name) + "\n",
			statuses(pHR, 200, pSystem, 200), nil},
		{"GET", "/api/v1/imports/units/template", nil, statuses(pHR, 200, pSystem, 200), nil},
		// An employee reads their own record; anyone else's is not found.
		{"GET", "/api/v1/employees/" + q.own.NIP, nil, statuses(pHR, 200, pEmployee, 200), nil},
		{"GET", "/api/v1/employees/" + q.other.NIP, nil, statuses(pHR, 200, pEmployee, 404), nil},
		{"GET", "/api/v1/employees/199001012015011999", nil, statuses(pHR, 404, pEmployee, 404), nil},
		{"GET", "/api/v1/notifications", nil, statuses(pHR, 200), nil},
		// The bell: everyone but the system has notices. The TPK's notice about
		// own is the TPK's and own's unit's TPK's; about other, the unscoped
		// TPK's alone; to anyone else it is not found.
		{"GET", "/api/v1/notices", nil, statuses(append(readers, pEmployee, 200)...), nil},
		{"POST", "/api/v1/notices/" + q.tpkNotice(t, q.own) + "/read", nil,
			statuses(pHR, 404, pTPK, 200, pPPK, 404, pTPKUnit, 200, pPPKOther, 404, pEmployee, 404), nil},
		{"POST", "/api/v1/notices/" + q.tpkNotice(t, q.other) + "/read", nil,
			statuses(pHR, 404, pTPK, 200, pPPK, 404, pTPKUnit, 404, pPPKOther, 404, pEmployee, 404), nil},
		{"POST", "/api/v1/notices/read", nil, statuses(append(readers, pEmployee, 200)...), nil},
		{"GET", "/api/v1/tokens", nil, statuses(pHR, 200, pAdmin, 200), nil},
		{"POST", "/api/v1/tokens/nope/revocation", nil, statuses(pHR, 404, pAdmin, 404), nil},
		// Only the admin manages accounts; an empty new account is refused
		// for its username, and nobody's account is not found.
		{"GET", "/api/v1/accounts", nil, statuses(pAdmin, 200), nil},
		{"POST", "/api/v1/accounts", map[string]any{}, statuses(pAdmin, 422), nil},
		{"GET", "/api/v1/accounts/nobody", nil, statuses(pAdmin, 404), nil},
		{"POST", "/api/v1/accounts/nobody/disablement", nil, statuses(pAdmin, 404), nil},
		{"POST", "/api/v1/accounts/nobody/enablement", nil, statuses(pAdmin, 404), nil},
		{"POST", "/api/v1/accounts/nobody/password-reset", map[string]any{}, statuses(pAdmin, 404), nil},
		{"POST", "/api/v1/accounts/nobody/role", map[string]any{"role": "tpk"}, statuses(pAdmin, 404), nil},
		{"POST", "/api/v1/accounts/nobody/session-revocation", map[string]any{}, statuses(pAdmin, 404), nil},
		// Only the admin invites: an empty list is refused; the imported
		// employees are invited (those with an address and no account).
		{"POST", "/api/v1/invitations", map[string]any{}, statuses(pAdmin, 422), nil},
		{"POST", "/api/v1/invitations/employees", nil, statuses(pAdmin, 200), nil},
		{"POST", "/api/v1/rounds", map[string]any{}, statuses(pHR, 422), nil},
		{"GET", "/api/v1/rounds", nil, statuses(readers...), nil},
		{"GET", "/api/v1/rounds/Q1", nil, statuses(readers...), nil},
		{"GET", "/api/v1/rounds/Q1/needs", nil, statuses(readers...), nil},
		{"GET", "/api/v1/rounds/Q1/proposals", nil, statuses(readers...), nil},
		{"GET", "/api/v1/rounds/Q1/exclusions", nil, statuses(readers...), nil},
		{"GET", "/api/v1/rounds/Q1/siasn-changes", nil, statuses(pHR, 200), nil},
		// A repeated confirmation gets the first answer.
		{"POST", "/api/v1/rounds/Q1/confirmation", map[string]any{}, statuses(pHR, 200), nil},
		// A re-plan of a round that does not exist.
		{"POST", "/api/v1/rounds/Q9/replan", nil, statuses(pHR, 404), nil},
		{"GET", "/api/v1/rounds/Q1/evaluation", nil, statuses(evaluation...), nil},
		{"GET", "/api/v1/rounds/Q1/evaluation/charts/stages.svg", nil, statuses(evaluation...), nil},
		{"GET", "/api/v1/evaluations", nil, statuses(evaluation...), nil},
		{"GET", "/api/v1/evaluations/charts/trend_more_motivated.svg", nil, statuses(evaluation...), nil},
		{"GET", "/api/v1/transfers", nil, statuses(append(readers, pEmployee, 200)...), nil},
		// No transfer has taken effect: no decree, no petikan.
		{"GET", "/api/v1/decrees", nil, statuses(pHR, 400, pTPK, 400, pPPK, 400, pTPKUnit, 400, pPPKOther, 400), nil},
		{"GET", "/api/v1/decrees/nope", nil, statuses(pHR, 404, pTPK, 404, pPPK, 404, pTPKUnit, 404, pPPKOther, 404), nil},
		// An approver limited to some units may not read a whole lampiran.
		{"GET", "/api/v1/decrees/nope/pdf", nil, statuses(pHR, 404, pTPK, 404, pPPK, 404), nil},
		{"POST", "/api/v1/decrees/nope/revocation", map[string]any{"reason": "x"}, statuses(pHR, 404), nil},
		{"GET", "/api/v1/transfers/{id}/petikan", nil,
			statuses(pHR, 404, pTPK, 404, pPPK, 404, pTPKUnit, 404, pPPKOther, 404, pEmployee, 404),
			statuses(pHR, 404, pTPK, 404, pPPK, 404, pTPKUnit, 404, pPPKOther, 404, pEmployee, 404)},
		{"GET", "/api/v1/transfers/{id}", nil,
			statuses(append(readers, pEmployee, 200, pPPKOther, 404)...),
			statuses(append(readers, pEmployee, 404, pTPKUnit, 404, pPPKOther, 404)...)},
		// A decision without a reason: refused for its stage, its scope or its
		// reason; the TPK and PPK who decided own are told they have (a
		// different second decision). A transfer the caller may not see is
		// not found, as for GET.
		{"POST", "/api/v1/transfers/{id}/decisions", reason,
			statuses(pTPK, 409, pPPK, 409, pTPKUnit, 409, pPPKOther, 404),
			statuses(pTPK, 422, pPPK, 409, pTPKUnit, 404, pPPKOther, 404)},
		// An objection in an unknown category: refused for it, or for the person.
		{"POST", "/api/v1/transfers/{id}/objections", map[string]any{"category": "bosan", "text": "x"},
			statuses(pEmployee, 422), statuses(pEmployee, 404)},
		{"POST", "/api/v1/transfers/{id}/objection-resolution", map[string]any{"resolution": "proceed"},
			statuses(pHR, 409), statuses(pHR, 409)},
		{"POST", "/api/v1/transfers/{id}/training-completion", nil,
			statuses(pHR, 409, pSystem, 409), statuses(pHR, 409, pSystem, 409)},
		// A withdrawal without a reason: refused for it.
		{"POST", "/api/v1/transfers/{id}/withdrawal", map[string]any{"reason": ""},
			statuses(pHR, 422), statuses(pHR, 422)},
		{"POST", "/api/v1/transfers/{id}/minister-approval", map[string]any{"reference": ""},
			statuses(pHR, 422), statuses(pHR, 422)},
		// Last: the one request that succeeds.
		{"POST", "/api/v1/transfers/{id}/acknowledgement", nil,
			statuses(pEmployee, 200), statuses(pEmployee, 404)},
	}
	checkMatrix(t, q, principals, rows, apiRoute, func(p, method, path string, body any) response {
		ct := "application/json"
		if _, ok := body.(string); ok {
			ct = "text/csv"
		}
		role := models.Role(p)
		if p == pNone {
			role = ""
		}
		return s.do(method, path, role, body, ct)
	})
	// Scope also narrows lists: the employee sees their own transfer, an
	// approver of another unit none.
	var mine, none struct{ Total int }
	s.do("GET", "/api/v1/transfers", models.RoleEmployee, nil).json(t, &mine)
	s.do("GET", "/api/v1/transfers", models.Role(pPPKOther), nil).json(t, &none)
	if mine.Total != 1 || none.Total != 0 {
		t.Errorf("the employee lists %d transfers (want 1), an approver of another unit %d (want 0)", mine.Total, none.Total)
	}
}

// pageSession is a browser signed in to the pages, which does not follow
// redirects, and the CSRF token of its forms.
type pageSession struct {
	*pageClient
	csrf string
}

// pageSessions opens a browser for every principal of the pages on q's
// stack, signed in through the sign-in form but nobody's, with an account
// each: the API's principals' and pUntold's. The system's, which
// account.Create refuses, is written to the database directly, to check
// that the pages refuse a role they do not know.
func pageSessions(t *testing.T, q *quiet) map[string]*pageSession {
	t.Helper()
	srv := &Server{DB: q.db}
	addAccount(t, srv, "bkpsdm", models.RoleHR, "")
	addAccount(t, srv, "tpk", models.RoleTPK, "")
	addAccount(t, srv, "ppk", models.RolePPK, "")
	addAccount(t, srv, "pegawai", models.RoleEmployee, q.own.NIP)
	addAccount(t, srv, "tpk-unit", models.RoleTPK, "", q.own.ToUnitID)
	addAccount(t, srv, "ppk-other", models.RolePPK, "", "U999")
	addAccount(t, srv, "pegawai-lain", models.RoleEmployee, q.other.NIP)
	addAccount(t, srv, "root", models.RoleAdmin, "")
	hash, err := account.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.db.Create(&models.Account{Username: "lms", Name: "LMS", PasswordHash: hash, Role: models.RoleSystem,
		CreatedAt: time.Now()}).Error; err != nil {
		t.Fatal(err)
	}
	usernames := map[string]string{pHR: "bkpsdm", pTPK: "tpk", pPPK: "ppk", pEmployee: "pegawai", pSystem: "lms",
		pAdmin: "root", pTPKUnit: "tpk-unit", pPPKOther: "ppk-other", pUntold: "pegawai-lain"}
	out := map[string]*pageSession{}
	for _, p := range pagePrincipals {
		c := newPageClient(t, q.url)
		_, body := c.get("/signin")
		if p != pNone {
			_, body = c.signIn(usernames[p], testPassword)
		}
		c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		out[p] = &pageSession{pageClient: c, csrf: c.csrf(body)}
	}
	return out
}

var (
	mainElement = regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
	htmlTag     = regexp.MustCompile(`<[^>]*>`)
)

// pageText is what a failure shows of a page: where it redirects, or the
// text of its main element.
func pageText(r response) []byte {
	if loc := r.header.Get("Location"); loc != "" {
		return []byte("redirect to " + loc)
	}
	main := mainElement.FindSubmatch(r.body)
	if main == nil {
		return r.body
	}
	return []byte(strings.Join(strings.Fields(string(htmlTag.ReplaceAll(main[1], []byte(" ")))), " "))
}

// TestPageAuthorizationMatrix compares the status of every page and form,
// for every principal of the API matrix signed in through the sign-in
// form, and the employee not yet told of their transfer, with the table
// below, on a round like the API matrix's. Every form carries its
// browser's CSRF token, so the role is what is checked; the forms that
// the role may send are shaped so that the workflow refuses them, and a
// refused form shows again on its page with the refusal's status. The
// one form that succeeds (the employee's acknowledgement) runs last, but
// for signing out.
func TestPageAuthorizationMatrix(t *testing.T) {
	q := quietRound(t)
	sessions := pageSessions(t, q)
	survey := contract.SurveyPath + q.surveyToken(t)
	readers := []any{pHR, 200, pTPK, 200, pPPK, 200, pTPKUnit, 200, pPPKOther, 200}
	approvers := []any{pTPK, 200, pPPK, 200, pTPKUnit, 200, pPPKOther, 200}
	signedIn := []any{pHR, 303, pTPK, 303, pPPK, 303, pEmployee, 303, pAdmin, 303, pTPKUnit, 303, pPPKOther, 303, pUntold, 303}
	rows := []matrixRow{
		{"GET", "/static/style.css", nil, every(200), nil},
		{"HEAD", "/static/style.css", nil, every(200), nil},
		// Home sends each role to its first page; the pages know no system.
		{"GET", "/", nil, pageGET(signedIn...), nil},
		{"GET", "/signin", nil, every(303, pNone, 200), nil},
		{"POST", "/signin", url.Values{"username": {"nobody"}, "password": {"not a password"}}, every(401), nil},
		// Single sign-on is not set up here: not found for anyone
		// (TestSSOAuthorization checks the pages with it set up).
		{"GET", "/signin/sso", nil, every(404), nil},
		{"GET", "/signin/sso/callback", nil, every(404), nil},
		{"GET", "/signin/sso/choice", nil, every(404), nil},
		{"POST", "/signin/sso/choice", nil, every(404), nil},
		{"GET", "/dashboard", nil, pageGET(pHR, 200), nil},
		{"GET", "/rounds/new", nil, pageGET(pHR, 200), nil},
		{"POST", "/rounds", nil, statuses(pHR, 422), nil},
		{"GET", "/rounds/Q1", nil, pageGET(readers...), nil},
		// A second confirmation, from another person than the first, is
		// refused: the round is confirmed.
		{"POST", "/rounds/Q1/confirmation", nil, statuses(pHR, 409), nil},
		{"POST", "/rounds/Q9/replan", nil, statuses(pHR, 404), nil},
		{"GET", "/rounds/Q1/evaluation", nil, pageGET(readers...), nil},
		{"GET", "/evaluations", nil, pageGET(readers...), nil},
		{"GET", "/queues", nil, pageGET(pHR, 200), nil},
		{"GET", "/tokens", nil, pageGET(pHR, 200, pAdmin, 200), nil},
		{"POST", "/tokens/nope/revocation", nil, statuses(pHR, 404, pAdmin, 404), nil},
		{"GET", "/accounts", nil, pageGET(pAdmin, 200), nil},
		{"GET", "/accounts?q=x&limit=0", nil, pageGET(pAdmin, 400), nil},
		{"POST", "/accounts", nil, statuses(pAdmin, 422), nil},
		{"GET", "/accounts/root", nil, pageGET(pAdmin, 200), nil},
		{"GET", "/accounts/nobody", nil, pageGET(pAdmin, 404), nil},
		{"POST", "/accounts/nobody/disablement", nil, statuses(pAdmin, 404), nil},
		{"POST", "/accounts/nobody/enablement", nil, statuses(pAdmin, 404), nil},
		{"POST", "/accounts/nobody/password-reset", nil, statuses(pAdmin, 404), nil},
		{"POST", "/accounts/nobody/role", url.Values{"role": {"tpk"}}, statuses(pAdmin, 404), nil},
		{"POST", "/accounts/nobody/session-revocation", nil, statuses(pAdmin, 404), nil},
		{"POST", "/invitations/employees", nil, statuses(pAdmin, 303), nil},
		// A forgotten password and a set-password link are for anyone: a
		// malformed address is refused, an unknown link is not found.
		{"GET", "/password-reset", nil, every(200), nil},
		{"POST", "/password-reset", url.Values{"email": {"not an address"}}, every(422), nil},
		{"GET", "/password/nope", nil, every(404), nil},
		{"POST", "/password/nope", url.Values{"password": {"sandi-baru-panjang"}, "password_confirm": {"sandi-baru-panjang"}},
			every(404), nil},
		{"GET", "/imports", nil, pageGET(pHR, 200), nil},
		{"POST", "/imports", url.Values{"kind": {"units"}}, statuses(pHR, 422), nil},
		{"GET", "/inbox", nil, pageGET(approvers...), nil},
		{"GET", "/decisions", nil, pageGET(approvers...), nil},
		{"GET", "/me", nil, pageGET(pEmployee, 200, pUntold, 200), nil},
		// The bell, as in the API's matrix: a notice not addressed to the
		// caller is not found.
		{"GET", "/notices", nil, pageGET(append(readers, pEmployee, 200, pUntold, 200)...), nil},
		{"POST", "/notices/" + q.tpkNotice(t, q.own) + "/read", nil,
			statuses(pHR, 404, pTPK, 303, pPPK, 404, pTPKUnit, 303, pPPKOther, 404, pEmployee, 404, pUntold, 404), nil},
		{"POST", "/notices/" + q.tpkNotice(t, q.other) + "/read", nil,
			statuses(pHR, 404, pTPK, 303, pPPK, 404, pTPKUnit, 404, pPPKOther, 404, pEmployee, 404, pUntold, 404), nil},
		{"POST", "/notices/read", nil, statuses(pHR, 303, pTPK, 303, pPPK, 303, pEmployee, 303, pTPKUnit, 303, pPPKOther, 303, pUntold, 303), nil},
		{"GET", "/me/training", nil, pageGET(pEmployee, 200, pUntold, 200), nil},
		// A decree's verification page is public: no decree, not found for
		// anyone.
		{"GET", "/verifikasi/nope", nil, every(404), nil},
		{"POST", "/rounds/Q1/decrees/nope/revocation", url.Values{"reason": {"x"}}, statuses(pHR, 404), nil},
		// The survey link is the credential: a session changes nothing.
		{"GET", survey, nil, every(200), nil},
		{"POST", survey, nil, every(422), nil},
		// Someone else's transfer, or one not told yet, is not found.
		{"GET", "/transfers/{id}", nil,
			pageGET(pHR, 200, pTPK, 200, pPPK, 200, pEmployee, 200, pTPKUnit, 200, pPPKOther, 404, pUntold, 404),
			pageGET(pHR, 200, pTPK, 200, pPPK, 200, pEmployee, 404, pTPKUnit, 404, pPPKOther, 404, pUntold, 404)},
		// Decisions without a reason: refused for their stage, their scope or
		// their reason. A refusal by the workflow shows on the page the form
		// came from, which a principal who may not see the transfer cannot see.
		{"POST", "/inbox/decisions", url.Values{"ids": {"{id}"}, "approve": {"true"}, "reason": {""}},
			statuses(pTPK, 409, pPPK, 409, pTPKUnit, 409, pPPKOther, 404),
			statuses(pTPK, 422, pPPK, 409, pTPKUnit, 404, pPPKOther, 404)},
		{"POST", "/transfers/{id}/decision", url.Values{"approve": {"true"}, "reason": {""}},
			statuses(pTPK, 409, pPPK, 409, pTPKUnit, 409, pPPKOther, 404),
			statuses(pTPK, 422, pPPK, 409, pTPKUnit, 404, pPPKOther, 404)},
		// An objection in an unknown category: refused for it, or for the person.
		{"POST", "/transfers/{id}/objection", url.Values{"category": {"bosan"}, "text": {"x"}},
			statuses(pEmployee, 422, pUntold, 404), statuses(pEmployee, 404, pUntold, 404)},
		{"POST", "/transfers/{id}/resolution", url.Values{"resolution": {"proceed"}},
			statuses(pHR, 409), statuses(pHR, 409)},
		{"POST", "/transfers/{id}/training-completion", nil, statuses(pHR, 409), statuses(pHR, 409)},
		// A withdrawal without a reason: refused for it.
		{"POST", "/transfers/{id}/withdrawal", url.Values{"reason": {""}}, statuses(pHR, 422), statuses(pHR, 422)},
		{"POST", "/transfers/{id}/minister-approval", url.Values{"reference": {""}}, statuses(pHR, 422), statuses(pHR, 422)},
		// The one form that succeeds, and signing out, last of all.
		{"POST", "/transfers/{id}/acknowledgement", nil,
			statuses(pEmployee, 303, pUntold, 404), statuses(pEmployee, 404, pUntold, 404)},
		{"POST", "/signout", nil, statuses(signedIn...), nil},
	}
	checkMatrix(t, q, pagePrincipals, rows, func(path string) bool { return !apiRoute(path) },
		func(p, method, path string, body any) response {
			var form url.Values
			if method == http.MethodPost {
				form = url.Values{}
				if f, ok := body.(url.Values); ok {
					maps.Copy(form, f)
				}
				form.Set(csrfField, sessions[p].csrf)
			}
			r := sessions[p].do(method, path, form)
			if loc := r.header.Get("Location"); p == pNone && r.status == http.StatusSeeOther && !strings.HasPrefix(loc, "/signin?next=") {
				t.Errorf("%s %s sent nobody to %s, not to sign in", method, path, loc)
			}
			r.body = pageText(r)
			return r
		})
}
