package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/decrees"
	"github.com/bkpsdm/mutasi/evaluation"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/importer"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/outbox"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/transfers"
)

// The HR officer's pages: the dashboard, starting and confirming rounds,
// a transfer's timeline, the queues, the evaluation and imports.

// roundRow is a round with its transfers per stage.
type roundRow struct {
	models.Round
	Counts []stageCount
}

func (s *Server) dashboardPage(c *gin.Context, v *view) error {
	rounds, err := s.rounds.Open(c.Request.Context())
	if err != nil {
		return err
	}
	rows := make([]roundRow, len(rounds))
	totals := map[models.Stage]int{}
	if len(rounds) > 0 {
		ids := make([]string, len(rounds))
		for i, r := range rounds {
			ids[i] = r.ID
		}
		counts, err := s.rounds.StageCounts(c.Request.Context(), ids...)
		if err != nil {
			return err
		}
		for i, r := range rounds {
			rows[i] = roundRow{Round: r, Counts: ordered(counts[r.ID])}
			for st, n := range counts[r.ID] {
				totals[st] += n
			}
		}
	}
	overdue, err := s.transfers.Overdue(c.Request.Context(), rounds, time.Now())
	if err != nil {
		return err
	}
	failed, failedTotal, err := outbox.List(c.Request.Context(), s.DB, models.OutboxFailed)
	if err != nil {
		return err
	}
	return s.render(c, v, "dashboard", "title.dashboard", gin.H{"Rounds": rows, "Totals": ordered(totals), "Overdue": overdue,
		"Failed": failed, "FailedTotal": failedTotal})
}

// roundFormFields are the settings the new-round form shows, by their
// JSON path under settings; the rest keep their defaults.
var roundFormFields = []string{"decision_reminder", "decision_escalation", "acknowledge_reminder", "acknowledge_deadline",
	"training_deadline", "effective_lead", "survey_delay", "survey_reminder", "survey_window", "training_gap_threshold",
	"rules.min_years_in_post", "rules.max_years_in_post", "weights.skp", "weights.talent", "weights.competence",
	"weights.tenure", "weights.career", "contacts.hr", "contacts.tpk", "contacts.ppk"}

// settingInput is one setting on the new-round form.
type settingInput struct {
	Name    string // the form field: settings.<path>
	Key     string // the JSON path, also the text key's suffix
	Default string
}

// defaultSettings returns the default settings as JSON values by path.
func defaultSettings() map[string]any {
	b, _ := json.Marshal(models.DefaultSettings())
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// lookupPath reads a dotted path out of nested JSON objects.
func lookupPath(m map[string]any, p string) (any, bool) {
	parts := strings.Split(p, ".")
	for _, k := range parts[:len(parts)-1] {
		sub, ok := m[k].(map[string]any)
		if !ok {
			return nil, false
		}
		m = sub
	}
	v, ok := m[parts[len(parts)-1]]
	return v, ok
}

// setPath writes a dotted path into nested JSON objects.
func setPath(m map[string]any, p string, v any) {
	parts := strings.Split(p, ".")
	for _, k := range parts[:len(parts)-1] {
		m = m[k].(map[string]any)
	}
	m[parts[len(parts)-1]] = v
}

func (s *Server) newRoundPage(c *gin.Context, v *view) error {
	defaults := defaultSettings()
	inputs := make([]settingInput, len(roundFormFields))
	for i, f := range roundFormFields {
		d, _ := lookupPath(defaults, f)
		inputs[i] = settingInput{Name: "settings." + f, Key: f, Default: str(d)}
	}
	return s.render(c, v, "round_new", "title.round_new", gin.H{"Settings": inputs, "MaxID": models.MaxRoundID})
}

func str(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s, _ := v.(string)
	return s
}

// startRoundForm reads the new-round form into the API's request and
// starts the round as the API does; settings the form does not show keep
// their defaults.
func (s *Server) startRoundForm(c *gin.Context, v *view) error {
	settings := defaultSettings()
	bad := apperr.Invalid("", "periksa kembali isian yang ditandai", "check the marked fields")
	for _, f := range roundFormFields {
		raw := strings.TrimSpace(c.PostForm("settings." + f))
		if raw == "" {
			continue
		}
		d, _ := lookupPath(settings, f)
		switch d.(type) {
		case float64:
			n, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", "."), 64)
			if err != nil {
				bad.Errors = append(bad.Errors, apperr.FieldError{Field: "settings." + f, Message: "harus berupa angka", MessageEN: "must be a number"})
				continue
			}
			setPath(settings, f, n)
		default:
			if _, err := models.ParseDuration(str(d)); err == nil {
				if _, err := models.ParseDuration(raw); err != nil {
					bad.Errors = append(bad.Errors, apperr.FieldError{Field: "settings." + f,
						Message: "durasi tidak sah: tulis mis. 12w, 7d, 36h atau 90s", MessageEN: "invalid duration: write e.g. 12w, 7d, 36h or 90s"})
					continue
				}
			}
			setPath(settings, f, raw)
		}
	}
	if len(bad.Errors) > 0 {
		return s.formFailed(c, v, "round", bad, s.newRoundPage)
	}
	raw, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	req := rounds.Request{ID: strings.TrimSpace(c.PostForm("id")), Name: strings.TrimSpace(c.PostForm("name")), Settings: raw}
	if _, _, err := s.rounds.Begin(c.Request.Context(), v.Account.Actor(), req); err != nil {
		return s.formFailed(c, v, "round", err, s.newRoundPage)
	}
	return done(c, "/rounds/"+req.ID, "round_started")
}

// exclusionsPage is how many exclusions the round page shows at once.
const exclusionsPage = 100

func (s *Server) roundPage(c *gin.Context, v *view) error {
	id := c.Param("id")
	round, err := s.rounds.Get(c.Request.Context(), id)
	if err != nil {
		return err
	}
	needs, err := s.rounds.Needs(c.Request.Context(), id)
	if err != nil {
		return err
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	props, err := s.rounds.Proposals(c.Request.Context(), v.Account.Actor(), id, transfers.Page{Limit: exclusionsPage, Offset: offset})
	if err != nil {
		return err
	}
	proposals, err := s.transfers.Describe(c.Request.Context(), props.Proposals)
	if err != nil {
		return err
	}
	nips := map[string]bool{}
	for _, x := range props.Exclusions {
		nips[x.NIP] = true
	}
	names, err := s.transfers.Names(c.Request.Context(), slices.Collect(maps.Keys(nips)))
	if err != nil {
		return err
	}
	decrees, err := s.decrees.List(c.Request.Context(), id)
	if err != nil {
		return err
	}
	next := 0
	if int64(offset+exclusionsPage) < props.ExclusionsTotal {
		next = offset + exclusionsPage
	}
	return s.render(c, v, "round", "title.round", gin.H{"Round": round, "Needs": needs, "Proposals": proposals,
		"Exclusions": props.Exclusions, "ExclusionsTotal": props.ExclusionsTotal, "Names": names, "Offset": offset,
		"Next": next, "Prev": max(offset-exclusionsPage, 0), "Decrees": decrees,
		"CanConfirm": (round.Status == models.RoundAwaitingConfirmation || round.ReplanPending) && v.Is(string(models.RoleHR)),
		"CanReplan": round.Status == models.RoundInProgress && !round.ReplanPending && round.Counts[models.StageBlocked] > 0 &&
			v.Is(string(models.RoleHR))})
}

// replanForm re-plans a round; its proposals then await confirmation on
// the round's page.
func (s *Server) replanForm(c *gin.Context, v *view) error {
	id := c.Param("id")
	if _, err := s.rounds.Replan(c.Request.Context(), v.Account.Actor(), id); err != nil {
		return s.formFailed(c, v, "replan", err, s.roundPage)
	}
	return done(c, "/rounds/"+id, "replanned")
}

// revokeForm revokes a decree of the round, with the reason given.
func (s *Server) revokeForm(c *gin.Context, v *view) error {
	id, dec := c.Param("id"), c.Param("decree")
	req := decrees.RevokeRequest{Reason: c.PostForm("reason")}
	if _, err := s.decrees.Revoke(c.Request.Context(), v.Account.Actor(), dec, req, time.Now()); err != nil {
		return s.formFailed(c, v, "revoke-"+dec, err, s.roundPage)
	}
	return done(c, "/rounds/"+id, "decree_revoked")
}

// verifyPage is a decree's public verification page, which its QR codes
// open: what the decree's first page shows, its hash and whether it
// stands. It needs no sign-in and shows no one's personal data.
func (s *Server) verifyPage(c *gin.Context, v *view) error {
	ver, err := s.decrees.Verify(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, v, "verify", "title.verify", gin.H{"V": ver})
}

// confirmForm confirms a round, less the proposals ticked for removal.
func (s *Server) confirmForm(c *gin.Context, v *view) error {
	id := c.Param("id")
	req := rounds.ConfirmRequest{Remove: c.PostFormArray("remove"), Note: strings.TrimSpace(c.PostForm("note"))}
	if _, err := s.rounds.Confirm(c.Request.Context(), v.Account.Actor(), id, req); err != nil {
		return s.formFailed(c, v, "confirm", err, s.roundPage)
	}
	return done(c, "/rounds/"+id, "confirmed")
}

// transferPage shows a transfer to whoever may see it (visible).
func (s *Server) transferPage(c *gin.Context, v *view) error {
	d, err := s.transfers.Detail(c.Request.Context(), v.Account.Actor(), c.Param("id"))
	if err != nil {
		return err
	}
	return s.render(c, v, "transfer", "title.transfer", gin.H{"T": d.Row, "Timeline": d.Timeline, "Objection": d.Objection,
		"Training": d.Training, "Back": "transfer",
		"Withdrawable": d.Stage.Pending() && d.Stage != models.StageProposed})
}

func (s *Server) queuesPage(c *gin.Context, v *view) error {
	objections, training, err := s.transfers.Queues(c.Request.Context())
	if err != nil {
		return err
	}
	return s.render(c, v, "queues", "title.queues", gin.H{"Objections": objections, "Training": training,
		"Back": "queues"})
}

// backTo is the page a transfer's form returns to: the queues, the inbox,
// the employee's page or the transfer's own page.
func (s *Server) backTo(c *gin.Context) (string, pageHandler) {
	switch c.PostForm("back") {
	case "queues":
		return "/queues", s.queuesPage
	case "inbox":
		return "/inbox", s.inboxPage
	case "me":
		return "/me", s.myTransferPage
	}
	return "/transfers/" + c.Param("id"), s.transferPage
}

// resolutionForm resolves an objection.
func (s *Server) resolutionForm(c *gin.Context, v *view) error {
	req := transfers.ResolutionRequest{Resolution: models.Resolution(c.PostForm("resolution")), Note: strings.TrimSpace(c.PostForm("note"))}
	return s.transferForm(c, v, "resolve", req, "resolved")
}

// withdrawalForm withdraws a transfer.
func (s *Server) withdrawalForm(c *gin.Context, v *view) error {
	return s.transferForm(c, v, "withdraw", transfers.WithdrawRequest{Reason: strings.TrimSpace(c.PostForm("reason"))}, "withdrawn")
}

// ministerApprovalForm records the minister's approval for a transfer.
func (s *Server) ministerApprovalForm(c *gin.Context, v *view) error {
	req := transfers.MinisterApprovalRequest{Reference: strings.TrimSpace(c.PostForm("reference"))}
	return s.transferForm(c, v, "minister", req, "minister_approved")
}

// trainingForm reports a transfer's training completed.
func (s *Server) trainingForm(c *gin.Context, v *view) error {
	return s.transferForm(c, v, "training", transfers.TrainingRequest{Note: strings.TrimSpace(c.PostForm("note"))}, "training_completed")
}

// transferForm carries out a form's action on the transfer in the path
// and returns to the page it came from; a refusal shows on that page
// next to the form, whose ID is the form's name and the transfer's ID.
func (s *Server) transferForm(c *gin.Context, v *view, form string, req transfers.Action, msg string) error {
	back, reload := s.backTo(c)
	if _, err := s.transfers.Act(c.Request.Context(), v.Account.Actor(), c.Param("id"), req); err != nil {
		return s.formFailed(c, v, form+"-"+c.Param("id"), err, reload)
	}
	return done(c, back, msg)
}

func (s *Server) evaluationPage(c *gin.Context, v *view) error {
	r, err := s.rounds.Find(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	var byStage []stageCount
	var report *evaluation.Report
	var outcomes []evaluation.OutcomeLine
	if r.Summary != nil {
		byStage = ordered(r.Summary.ByStage)
		ev, err := s.evaluate(c, r)
		if err != nil {
			return err
		}
		report, outcomes = &ev.Report, ev.Report.OutcomeLines(v.Lang)
	}
	return s.render(c, v, "evaluation", "title.evaluation", gin.H{"Round": r, "Summary": r.Summary, "ByStage": byStage,
		"Report": report, "Outcomes": outcomes, "API": "/api/v1/rounds/" + r.ID + "/evaluation", "Charts": evaluation.Charts})
}

// periodChart is a chart drawn into the period page.
type periodChart struct {
	Name string
	SVG  template.HTML
}

// trendSeries is one table of the period page's trend.
type trendSeries struct {
	ID, Title, Key string
	Points         []evaluation.TrendPoint
}

// periodPage shows the evaluation of the rounds created in a period,
// with its trend: this year's unless ?from and ?to say otherwise. A bad
// or empty period is said on the page, above the form.
func (s *Server) periodPage(c *gin.Context, v *view) error {
	year := time.Now().In(s.zone()).Year()
	from, to := c.DefaultQuery("from", fmt.Sprintf("%d-01-01", year)), c.DefaultQuery("to", fmt.Sprintf("%d-01-01", year+1))
	data := gin.H{"From": from, "To": to, "Columns": evaluation.TrendColumns}
	ev, err := s.periodReport(c, from, to)
	if ae, ok := errors.AsType[*apperr.Error](err); ok && (ae.Kind == apperr.KindMalformed || ae.Kind == apperr.KindNotFound) {
		data["Error"] = i18n.Pick(v.Lang, ae.Message, ae.MessageEN)
		return s.render(c, v, "period", "title.period", data)
	}
	if err != nil {
		return err
	}
	// The charts are drawn into the page from the report just computed,
	// rather than each fetched apart, which would compute it again.
	var charts []periodChart
	for _, name := range append(slices.Clone(evaluation.TrendCharts), "flows") {
		svg, err := ev.Report.Chart(name, v.Lang)
		if err != nil {
			return err
		}
		charts = append(charts, periodChart{Name: name, SVG: template.HTML(svg)}) // our own SVG, its texts escaped
	}
	data["Report"], data["Outcomes"], data["Charts"] = &ev.Report, ev.Report.OutcomeLines(v.Lang), charts
	data["Series"] = []trendSeries{
		{ID: "quarter", Title: "eval.trend_by_quarter", Key: "eval.quarter", Points: ev.Report.Trend.ByQuarter},
		{ID: "round", Title: "eval.trend_by_round", Key: "eval.round", Points: ev.Report.Trend.ByRound},
	}
	return s.render(c, v, "period", "title.period", data)
}

func (s *Server) importPage(c *gin.Context, v *view) error {
	return s.render(c, v, "imports", "title.imports", gin.H{"Kinds": importer.Kinds})
}

// importForm loads an uploaded CSV, Excel or JSON file as the API's import
// does.
func (s *Server) importForm(c *gin.Context, v *view) error {
	kind := c.PostForm("kind")
	fh, err := c.FormFile("file")
	if err != nil {
		return s.formFailed(c, v, "import", apperr.Invalid("file", "pilih berkas CSV, Excel (.xlsx) atau JSON", "choose a CSV, Excel (.xlsx) or JSON file"), s.importPage)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	ct := "text/csv"
	switch strings.ToLower(path.Ext(fh.Filename)) {
	case ".json":
		ct = "application/json"
	case ".xlsx":
		ct = importer.ContentTypeXLSX
	}
	res, err := importer.Load(c.Request.Context(), s.DB, kind, ct, f)
	if err != nil {
		return s.formFailed(c, v, "import", err, s.importPage)
	}
	return s.render(c, v, "imports", "title.imports", gin.H{"Kinds": importer.Kinds, "Result": res})
}
