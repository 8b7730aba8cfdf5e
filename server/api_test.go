package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/transfers"
)

// csvOf writes rows as CSV.
func csvOf(rows [][]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.String()
}

// governmentCSV renders a generated government as the three import files.
func governmentCSV(d seed.Data) (units, positions, employees string) {
	u := [][]string{{"id", "name"}}
	for _, x := range d.Units {
		u = append(u, []string{x.ID, x.Name})
	}
	p := [][]string{{"id", "unit_id", "name", "kind", "class", "min_rank", "max_rank", "min_education", "seats", "extra_duty", "competencies",
		"functional_level", "jpt_tier"}}
	for _, x := range d.Positions {
		var comps []string
		for _, c := range x.Competencies {
			comps = append(comps, fmt.Sprintf("%s:%d", c.Name, c.Level))
		}
		p = append(p, []string{x.ID, x.UnitID, x.Name, string(x.Kind), strconv.Itoa(x.Class), x.MinRank.String(),
			x.MaxRank.String(), x.MinEducation.String(), strconv.Itoa(x.Seats), strconv.FormatBool(x.ExtraDuty), strings.Join(comps, ";"),
			string(x.FunctionalLevel), string(x.JPTTier)})
	}
	e := [][]string{{"nip", "name", "email", "lang", "status", "rank", "position_id", "in_post_since", "education",
		"performance", "potential", "legal_process", "sanctions", "skp", "competencies"}}
	for _, x := range d.Employees {
		var skp, comps, sanctions []string
		for _, s := range x.Sanctions {
			sanctions = append(sanctions, fmt.Sprintf("%s:%s..%s", s.Type, s.Start.Format("2006-01-02"), s.End.Format("2006-01-02")))
		}
		for _, s := range x.SKP {
			skp = append(skp, fmt.Sprintf("%d:%s", s.Year, s.Predicate))
		}
		for _, c := range x.Competencies {
			comps = append(comps, fmt.Sprintf("%s:%d", c.Name, c.Level))
		}
		e = append(e, []string{x.NIP, x.Name, x.Email, x.Lang, string(x.Status), x.Rank.String(), x.PositionID,
			x.InPostSince.Format("2006-01-02"), x.Education.String(), strconv.Itoa(int(x.Performance)),
			strconv.Itoa(int(x.Potential)), strconv.FormatBool(x.LegalProcess), strings.Join(sanctions, ";"), strings.Join(skp, ";"), strings.Join(comps, ";")})
	}
	return csvOf(u), csvOf(p), csvOf(e)
}

// fastSettings compress a round's weeks into seconds.
var fastSettings = map[string]any{
	"decision_reminder": "2s", "decision_escalation": "4s", "acknowledge_reminder": "30s", "acknowledge_deadline": "60s",
	"training_deadline": "4s", "survey_delay": "1s", "survey_reminder": "30s", "survey_window": "60s",
}

// completeAnswers answers every item of a survey form.
func completeAnswers(items []survey.Item) map[string]any {
	a := map[string]any{"comments": "pendampingan atasan sangat membantu"}
	for _, it := range items {
		switch it.Scale {
		case survey.NPS:
			a[it.Code] = 9
		case survey.Text:
		default:
			a[it.Code] = 4
		}
	}
	return a
}

// TestRoundThroughTheAPI walks a round as its users would: HR imports the
// data and starts the round, confirms the proposals, the TPK and PPK
// decide, the employee acknowledges and answers the survey, HR reads the
// evaluation.
func TestRoundThroughTheAPI(t *testing.T) {
	s := newStack(t, "", nil)
	units, positions, employees := governmentCSV(seed.Generate(40, time.Now(), 5))
	for _, f := range []struct{ kind, body string }{{"units", units}, {"positions", positions}, {"employees", employees}} {
		r := s.do("POST", "/api/v1/imports/"+f.kind, models.RoleHR, f.body, "text/csv")
		expect(t, r, http.StatusOK)
	}
	snapshot := func() string {
		var rows []models.Employee
		s.db.Order("nip").Find(&rows)
		return fmt.Sprintf("%+v", rows)
	}
	before := snapshot()
	expect(t, s.do("POST", "/api/v1/imports/employees", models.RoleHR, employees, "text/csv"), http.StatusOK)
	if snapshot() != before {
		t.Error("importing the same file twice changed the employees")
	}

	req := map[string]any{"id": "R2027_1", "name": "Mutasi Januari 2027", "settings": fastSettings}
	first := s.do("POST", "/api/v1/rounds", models.RoleHR, req)
	expect(t, first, http.StatusCreated)
	expect(t, s.do("POST", "/api/v1/rounds", models.RoleHR, req), http.StatusOK)
	// The same id with other values is refused, naming what differs.
	other := map[string]any{"id": "R2027_1", "name": "Mutasi Februari 2027",
		"settings": map[string]any{"decision_reminder": "5d", "survey_delay": fastSettings["survey_delay"]}}
	if r := s.do("POST", "/api/v1/rounds", models.RoleHR, other); r.status != http.StatusConflict {
		t.Errorf("an existing round id with other values: %d %s, want 409", r.status, r.body)
	} else {
		var fields []string
		for _, e := range r.problem(t).Errors {
			fields = append(fields, e.Field)
		}
		if !slices.Contains(fields, "name") || !slices.Contains(fields, "settings.decision_reminder") ||
			slices.Contains(fields, "settings.survey_delay") {
			t.Errorf("the 409 names %v, want name and settings.decision_reminder but not settings.survey_delay", fields)
		}
	}
	var round rounds.View
	testkit.Eventually(t, "the round to await confirmation", func() bool {
		s.do("GET", "/api/v1/rounds/R2027_1", models.RoleHR, nil).json(t, &round)
		return round.Status == models.RoundAwaitingConfirmation
	})
	var needs struct{ Items []rounds.Need }
	s.do("GET", "/api/v1/rounds/R2027_1/needs", models.RoleTPK, nil).json(t, &needs)
	var props struct {
		Proposals  []models.Transfer
		Exclusions []models.Exclusion
	}
	s.do("GET", "/api/v1/rounds/R2027_1/proposals", models.RoleHR, nil).json(t, &props)
	if len(needs.Items) == 0 || len(props.Proposals) < 2 {
		t.Fatalf("%d needs and %d proposals", len(needs.Items), len(props.Proposals))
	}
	// Remove a proposal no other depends on: removing it blocks nobody.
	depended := map[string]bool{}
	for _, p := range props.Proposals {
		for _, d := range p.DependsOn {
			depended[d] = true
		}
	}
	removed := ""
	for _, p := range props.Proposals {
		if !depended[p.ID] {
			removed = p.ID
		}
	}
	confirmation := map[string]any{"remove": []string{removed}}
	expect(t, s.do("POST", "/api/v1/rounds/R2027_1/confirmation", models.RoleHR, confirmation), http.StatusOK)
	round = rounds.View{}
	s.do("GET", "/api/v1/rounds/R2027_1", models.RoleHR, nil).json(t, &round)
	if round.Status != models.RoundInProgress || round.Awaiting != "" {
		t.Errorf("a confirmed round is %s awaiting %q, want in_progress awaiting nobody", round.Status, round.Awaiting)
	}
	// The same confirmation again gets the first answer; another is
	// refused and changes nothing.
	expect(t, s.do("POST", "/api/v1/rounds/R2027_1/confirmation", models.RoleHR, confirmation), http.StatusOK)
	keep := props.Proposals[0].ID
	if keep == removed {
		keep = props.Proposals[1].ID
	}
	if r := s.do("POST", "/api/v1/rounds/R2027_1/confirmation", models.RoleHR, map[string]any{"remove": []string{keep}}); r.status != http.StatusConflict {
		t.Errorf("a second, different confirmation: %d %s, want 409", r.status, r.body)
	}
	testkit.Eventually(t, "the round to be recorded in progress", func() bool {
		var r models.Round
		return s.db.First(&r, "id = ?", "R2027_1").Error == nil && r.Status == models.RoundInProgress
	})

	var list struct {
		Items []models.Transfer
		Total int
	}
	testkit.Eventually(t, "transfers awaiting the TPK", func() bool {
		s.do("GET", "/api/v1/transfers?round=R2027_1&stage=awaiting_tpk", models.RoleTPK, nil).json(t, &list)
		return list.Total == len(props.Proposals)-1
	})
	// Follow a transfer that takes a free seat: it can never be blocked.
	mine := list.Items[slices.IndexFunc(list.Items, func(t models.Transfer) bool { return len(t.DependsOn) == 0 })]
	tok, err := apikey.Issue(s.db, "employee", models.Actor{ID: mine.NIP, Role: models.RoleEmployee, NIP: mine.NIP})
	if err != nil {
		t.Fatal(err)
	}
	s.tokens[models.RoleEmployee] = tok
	// Reject the others. One whose vacated seat another was to take
	// blocks that one, which the HR officer then withdraws.
	withdrawn := 0
	for _, other := range list.Items {
		if other.ID == mine.ID {
			continue
		}
		// A transfer whose workflow the round has not started yet answers
		// 409 "still being started", to be sent again (transfers.Apply).
		var r response
		testkit.Eventually(t, "the rejection of "+other.ID+" to be taken in", func() bool {
			r = s.do("POST", "/api/v1/transfers/"+other.ID+"/decisions", models.RoleTPK, map[string]any{"approve": false, "reason": "formasi ditunda"})
			return r.status != http.StatusConflict || !strings.Contains(string(r.body), "still being started")
		})
		if r.status == http.StatusConflict {
			// Say why, should the blocked stage not come.
			t.Logf("the rejection of %s answered 409: %s", other.ID, r.body)
			testkit.Eventually(t, "the blocked stage of "+other.ID, func() bool {
				var v transfers.View
				s.do("GET", "/api/v1/transfers/"+other.ID, models.RoleHR, nil).json(t, &v)
				return v.Live != nil && v.Live.Stage == models.StageBlocked
			})
			w := s.do("POST", "/api/v1/transfers/"+other.ID+"/withdrawal", models.RoleHR, map[string]any{"reason": "kursi tidak kosong"})
			expect(t, w, http.StatusOK)
			withdrawn++
			continue
		}
		expect(t, r, http.StatusOK)
	}
	path := "/api/v1/transfers/" + mine.ID
	approve := map[string]any{"approve": true, "reason": "sesuai kebutuhan organisasi"}
	a1 := s.do("POST", path+"/decisions", models.RoleTPK, approve)
	expect(t, a1, http.StatusOK)
	// A different second decision is refused, saying the first; an
	// identical repeat gets the first answer.
	a2 := s.do("POST", path+"/decisions", models.RoleTPK, map[string]any{"approve": false, "reason": "berubah pikiran"})
	expect(t, a2, http.StatusConflict)
	if !strings.Contains(string(a2.body), "sudah memutuskan: setuju") {
		t.Errorf("a different second decision answered %s", a2.body)
	}
	a3 := s.do("POST", path+"/decisions", models.RoleTPK, approve)
	expect(t, a3, http.StatusOK)
	if string(a1.body) != string(a3.body) {
		t.Errorf("a repeated decision answered %s, the first %s", a3.body, a1.body)
	}
	expect(t, s.do("POST", path+"/decisions", models.RolePPK, approve), http.StatusOK)
	var view transfers.View
	testkit.Eventually(t, "socialization", func() bool {
		s.do("GET", path, models.RoleEmployee, nil).json(t, &view)
		return view.Live != nil && view.Live.Stage == models.StageSocialization
	})
	if view.Live.Awaiting != models.RoleEmployee || view.Live.Deadline == nil || len(view.Live.Decisions) != 2 {
		t.Errorf("live state %+v", view.Live)
	}
	expect(t, s.do("POST", path+"/acknowledgement", models.RoleEmployee, nil), http.StatusOK)

	var link models.OutboxMessage
	testkit.Eventually(t, "the survey invitation", func() bool {
		return s.db.Where("key = ?", "transfer-"+mine.ID+":survey").First(&link).Error == nil
	})
	i := strings.Index(link.Body, "/surveys/")
	token := strings.Fields(link.Body[i+len("/surveys/"):])[0]
	var form struct {
		Items             []survey.Item
		InstrumentVersion int    `json:"instrument_version"`
		Confidentiality   string `json:"confidentiality"`
		ConfidentialityEN string `json:"confidentiality_en"`
	}
	r := s.do("GET", "/api/v1/surveys/"+token, "", nil)
	expect(t, r, http.StatusOK)
	r.json(t, &form)
	var sent models.Survey
	s.db.First(&sent, "transfer_id = ?", mine.ID)
	in, _ := survey.Lookup(survey.CurrentVersion)
	if form.InstrumentVersion != survey.CurrentVersion || sent.InstrumentVersion != survey.CurrentVersion ||
		len(form.Items) != len(in.For(sent.Trained)) {
		t.Errorf("form of version %d has %d items (trained %v)", form.InstrumentVersion, len(form.Items), sent.Trained)
	}
	if !strings.Contains(form.Confidentiality, "5 responden") || !strings.Contains(form.ConfidentialityEN, "5 respondents") {
		t.Errorf("the form states no confidentiality: %q / %q", form.Confidentiality, form.ConfidentialityEN)
	}
	// The mover had no training: a version-2 survey does not ask
	// training_adequacy, refuses it, and takes the answers without it.
	if sent.Trained {
		t.Fatal("the mover was trained; this test needs one who was not")
	}
	for _, it := range form.Items {
		if it.Code == "training_adequacy" {
			t.Error("an untrained mover is asked training_adequacy")
		}
	}
	extra := completeAnswers(form.Items)
	extra["training_adequacy"] = 4
	tooMuch := s.do("POST", "/api/v1/surveys/"+token, "", map[string]any{"answers": extra})
	expect(t, tooMuch, http.StatusUnprocessableEntity)
	if p := tooMuch.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "answers.training_adequacy" {
		t.Errorf("training_adequacy from an untrained mover: %+v", p.Errors)
	}
	bad := s.do("POST", "/api/v1/surveys/"+token, "", map[string]any{"answers": map[string]any{"enps": 12}})
	expect(t, bad, http.StatusUnprocessableEntity)
	if p := bad.problem(t); len(p.Errors) < 10 {
		t.Errorf("incomplete answers gave %d field errors", len(p.Errors))
	}
	expect(t, s.do("POST", "/api/v1/surveys/"+token, "", map[string]any{"answers": completeAnswers(form.Items)}), http.StatusOK)
	// Stored with no link to the mover: no transfer, NIP or time.
	var stored []map[string]any
	s.db.Table("survey_answers").Find(&stored)
	if len(stored) != 1 || stored[0]["unit_id"] != mine.ToUnitID {
		t.Errorf("stored answers %v, want one into %s", stored, mine.ToUnitID)
	}
	for _, row := range stored {
		for col, v := range row {
			if _, isTime := v.(time.Time); isTime || strings.Contains(fmt.Sprint(v), mine.ID) || strings.Contains(fmt.Sprint(v), mine.NIP) {
				t.Errorf("survey_answers.%s = %v links the answer to its mover", col, v)
			}
		}
	}
	expect(t, s.do("POST", "/api/v1/surveys/"+token, "", map[string]any{"answers": completeAnswers(form.Items)}), http.StatusGone)
	expect(t, s.do("GET", "/api/v1/surveys/"+token, "", nil), http.StatusGone)

	var eval EvaluationView
	// The answered transfer ends when its survey window closes.
	testkit.EventuallyWithin(t, 90*time.Second, "the final evaluation", func() bool {
		r := s.do("GET", "/api/v1/rounds/R2027_1/evaluation", models.RoleHR, nil)
		r.json(t, &eval)
		return r.status == http.StatusOK && eval.Final
	})
	n := len(props.Proposals)
	if eval.Summary == nil || eval.Summary.Confirmed != n-1 || eval.Summary.ByStage[models.StageRejected] != n-2-withdrawn ||
		eval.Summary.ByStage[models.StageWithdrawn] != withdrawn ||
		eval.Summary.ByStage[models.StageCompleted] != 1 || eval.Summary.SurveysAnswered != 1 {
		t.Errorf("evaluation summary %+v for %d proposals", eval.Summary, n)
	}
	rep := eval.Report
	// One answer: counted, its figures suppressed (evaluation.MinGroup).
	if rep.Response.Answered != 1 || rep.Response.Sent != 1 || rep.ENPS != nil || !rep.Suppressed || rep.Live ||
		rep.Transfers != n-1 || len(rep.ByUnit) == 0 || !rep.ByUnit[0].Suppressed {
		t.Errorf("report %+v", rep)
	}
	csvResp := s.do("GET", "/api/v1/rounds/R2027_1/evaluation?format=csv", models.RoleTPK, nil)
	expect(t, csvResp, http.StatusOK)
	if !strings.Contains(string(csvResp.body), "summary,,answered,1") {
		t.Errorf("CSV:\n%s", csvResp.body)
	}
	xlsx := s.do("GET", "/api/v1/rounds/R2027_1/evaluation?format=xlsx&lang=en", models.RoleHR, nil)
	expect(t, xlsx, http.StatusOK)
	if !bytes.HasPrefix(xlsx.body, []byte("PK")) {
		t.Error("the workbook is not a zip file")
	}
	svg := s.do("GET", "/api/v1/rounds/R2027_1/evaluation/charts/items.svg", models.RoleHR, nil)
	expect(t, svg, http.StatusOK)
	if !bytes.HasPrefix(svg.body, []byte("<svg")) {
		t.Errorf("chart: %s", svg.body)
	}
	// The one transfer that took effect is the one flow between units.
	if len(rep.Flows) != 1 || rep.Flows[0].From != mine.FromUnitID || rep.Flows[0].To != mine.ToUnitID ||
		rep.Flows[0].Count != 1 || rep.Flows[0].ToName == "" {
		t.Errorf("flows %+v, want one from %s to %s", rep.Flows, mine.FromUnitID, mine.ToUnitID)
	}
	flows := s.do("GET", "/api/v1/rounds/R2027_1/evaluation/charts/flows.svg", models.RoleHR, nil)
	expect(t, flows, http.StatusOK)
	if bytes.Count(flows.body, []byte(`class="band"`)) != 1 {
		t.Errorf("flows chart: %s", flows.body)
	}
	from, to := time.Now().AddDate(0, 0, -1).Format("2006-01-02"), time.Now().AddDate(0, 0, 2).Format("2006-01-02")
	var period EvaluationView
	s.do("GET", "/api/v1/evaluations?from="+from+"&to="+to, models.RolePPK, nil).json(t, &period)
	if len(period.Report.Rounds) != 1 || period.Report.Response.Answered != 1 || !slices.Equal(period.Report.Flows, rep.Flows) {
		t.Errorf("period report %+v", period.Report)
	}
	if tr := period.Report.Trend; tr == nil || len(tr.ByRound) != 1 || tr.ByRound[0].Key != "R2027_1" || len(tr.ByQuarter) != 1 ||
		tr.ByQuarter[0].Motivated != nil {
		t.Errorf("period trend %+v", tr)
	}
	trendSVG := s.do("GET", "/api/v1/evaluations/charts/trend_response_rate.svg?from="+from+"&to="+to+"&lang=en", models.RoleHR, nil)
	expect(t, trendSVG, http.StatusOK)
	if !bytes.Contains(trendSVG.body, []byte("Survey response rate by quarter")) || bytes.Count(trendSVG.body, []byte(`class="point"`)) != 1 {
		t.Errorf("trend chart: %s", trendSVG.body)
	}
	expect(t, s.do("GET", "/api/v1/evaluations/charts/trend_nope.svg?from="+from+"&to="+to, models.RoleHR, nil), http.StatusNotFound)
	var e models.Employee
	s.db.First(&e, "nip = ?", mine.NIP)
	if e.PositionID != mine.ToPositionID {
		t.Errorf("the employee is in %s, want %s", e.PositionID, mine.ToPositionID)
	}
	var rounds struct{ Items []rounds.View }
	s.do("GET", "/api/v1/rounds", models.RolePPK, nil).json(t, &rounds)
	if len(rounds.Items) != 1 || rounds.Items[0].Counts[models.StageCompleted] != 1 {
		t.Errorf("round list %+v", rounds.Items)
	}
}
