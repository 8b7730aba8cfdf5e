package activities_test

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

var (
	ctx   = context.Background()
	asOf  = time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	hr    = contract.ActorRef{ID: "hr1", Role: models.RoleHR}
	tpk   = contract.ActorRef{ID: "tpk1", Role: models.RoleTPK}
	round = "R1"
)

// twice runs step two times and fails the test if either run fails.
func twice(t *testing.T, name string, step func() error) {
	t.Helper()
	for i := 0; i < 2; i++ {
		if err := step(); err != nil {
			t.Fatalf("%s, run %d: %v", name, i+1, err)
		}
	}
}

// rows counts the rows of a table.
func rows(t *testing.T, gdb *gorm.DB, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := gdb.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// eachBackend runs test once on each kind of database, as a subtest.
func eachBackend(t *testing.T, test func(t *testing.T, b testkit.Backend)) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) { test(t, b) })
	}
}

// started returns activities on a fresh database of b's kind holding a
// government of 60 employees and a round that has run its analysis and
// selection twice.
func started(t *testing.T, b testkit.Backend) (*activities.Activities, *gorm.DB, []contract.Proposal) {
	gdb, _ := b.New(t)
	if err := seed.Load(gdb, seed.Generate(60, asOf, 7)); err != nil {
		t.Fatal(err)
	}
	a := &activities.Activities{DB: gdb, BaseURL: "http://mutasi.test/", LinkSecret: []byte("k")}
	in := contract.RoundAsOf{RoundID: round, AsOf: asOf}
	twice(t, "StartRound", func() error {
		return a.StartRound(ctx, contract.RoundStart{RoundID: round, Name: "Mutasi 2027", Settings: models.DefaultSettings(),
			WorkflowID: contract.RoundWorkflowID(round), By: hr, At: asOf})
	})
	var first, second contract.NeedsResult
	var err error
	if first, err = a.AnalyzeNeeds(ctx, in); err != nil {
		t.Fatal(err)
	}
	if second, err = a.AnalyzeNeeds(ctx, in); err != nil {
		t.Fatal(err)
	}
	if first != second || first.Needs == 0 || int64(first.Needs) != rows(t, gdb, &models.Need{}, "round_id = ?", round) {
		t.Fatalf("needs: first %+v, second %+v, table %d", first, second, rows(t, gdb, &models.Need{}, "true"))
	}
	p1, err := a.SelectCandidates(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := a.SelectCandidates(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(p1) == 0 || len(p1) != len(p2) || int64(len(p1)) != rows(t, gdb, &models.Transfer{}, "round_id = ?", round) {
		t.Fatalf("proposals: %d then %d, table %d", len(p1), len(p2), rows(t, gdb, &models.Transfer{}, "true"))
	}
	for i := range p1 {
		if !reflect.DeepEqual(p1[i], p2[i]) {
			t.Fatalf("proposal %d differs between runs: %+v vs %+v", i, p1[i], p2[i])
		}
	}
	return a, gdb, p1
}

func TestRoundActivitiesWriteOnce(t *testing.T) { eachBackend(t, testRoundActivitiesWriteOnce) }

func testRoundActivitiesWriteOnce(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	if n := rows(t, gdb, &models.Round{}, "true"); n != 1 {
		t.Errorf("%d rounds, want 1", n)
	}
	remove := []string{proposals[0].TransferID}
	twice(t, "ConfirmProposals", func() error {
		return a.ConfirmProposals(ctx, contract.Confirmation{RoundID: round, Remove: remove, By: hr, At: asOf})
	})
	if n := rows(t, gdb, &models.Transfer{}, "stage = ?", models.StageRemoved); n != 1 {
		t.Errorf("%d removed, want 1", n)
	}
	if n := rows(t, gdb, &models.Transfer{}, "stage = ?", models.StageAwaitingTPK); n != int64(len(proposals)-1) {
		t.Errorf("%d awaiting the TPK, want %d", n, len(proposals)-1)
	}
	var s1, s2 models.RoundSummary
	var err error
	in := contract.RoundAsOf{RoundID: round, AsOf: asOf.Add(time.Hour)}
	if s1, err = a.EvaluateRound(ctx, in); err != nil {
		t.Fatal(err)
	}
	if s2, err = a.EvaluateRound(ctx, in); err != nil {
		t.Fatal(err)
	}
	if s1.Proposed != len(proposals) || s1.Confirmed != len(proposals)-1 || s2.Confirmed != s1.Confirmed {
		t.Errorf("summaries %+v and %+v for %d proposals", s1, s2, len(proposals))
	}
	var r models.Round
	gdb.First(&r, "id = ?", round)
	if r.Status != models.RoundCompleted || r.Summary == nil || r.Summary.ByStage[models.StageRemoved] != 1 {
		t.Errorf("round after evaluation: %+v", r)
	}
	// start, needs, selection, confirm, evaluated: once each.
	if n := rows(t, gdb, &models.AuditEntry{}, "round_id = ?", round); n != 5 {
		t.Errorf("%d audit entries, want 5", n)
	}
}

func TestTransferActivitiesWriteOnce(t *testing.T) { eachBackend(t, testTransferActivitiesWriteOnce) }

func testTransferActivitiesWriteOnce(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	id := proposals[0].TransferID
	at := asOf.Add(time.Hour)
	twice(t, "RecordDecision", func() error {
		return a.RecordDecision(ctx, contract.DecisionInput{TransferID: id, Step: models.RoleTPK, Approve: true,
			Reason: "ok", By: tpk, At: at})
	})
	twice(t, "RecordAcknowledgement", func() error {
		return a.RecordAcknowledgement(ctx, contract.Acknowledgement{TransferID: id, By: hr, At: at})
	})
	twice(t, "RecordObjection", func() error {
		return a.RecordObjection(ctx, contract.ObjectionInput{TransferID: id, NIP: proposals[0].NIP,
			Category: models.ObjectWorkload, Text: "beban kerja", By: hr, At: at})
	})
	twice(t, "RecordResolution", func() error {
		return a.RecordResolution(ctx, contract.ResolutionInput{TransferID: id, Resolution: models.ResolveTraining, By: hr, At: at})
	})
	twice(t, "AssignTraining", func() error {
		return a.AssignTraining(ctx, contract.TrainingInput{TransferID: id, Reason: "objection", At: at, Deadline: at.AddDate(0, 1, 0)})
	})
	twice(t, "FinishTraining", func() error {
		return a.FinishTraining(ctx, contract.TrainingResult{TransferID: id, Completed: true, By: hr, At: at})
	})
	for _, c := range []struct {
		model any
		want  int64
	}{{&models.Decision{}, 1}, {&models.Objection{}, 1}, {&models.TrainingAssignment{}, 1}} {
		if n := rows(t, gdb, c.model, "transfer_id = ?", id); n != c.want {
			t.Errorf("%T: %d rows, want %d", c.model, n, c.want)
		}
	}
	var o models.Objection
	gdb.First(&o, "transfer_id = ?", id)
	if o.Resolution != models.ResolveTraining {
		t.Errorf("resolution %q", o.Resolution)
	}

	// the employee's current spell, from the demo data, which the decree closes
	var before models.Employee
	gdb.First(&before, "nip = ?", proposals[0].NIP)
	var open models.PositionHistory
	if err := gdb.First(&open, `nip = ? AND "end" IS NULL`, before.NIP).Error; err != nil {
		t.Fatalf("no open spell for %s: %v", before.NIP, err)
	}
	if open.PositionID != before.PositionID || !open.Start.Equal(before.InPostSince) {
		t.Errorf("the open spell is %s from %v, want %s from %v", open.PositionID, open.Start, before.PositionID, before.InPostSince)
	}
	var d1, d2 models.Decree
	var err error
	eff := contract.EffectiveInput{TransferID: id, EffectiveDate: at, At: at}
	if d1, err = a.MakeEffective(ctx, eff); err != nil {
		t.Fatal(err)
	}
	if d2, err = a.MakeEffective(ctx, eff); err != nil {
		t.Fatal(err)
	}
	if d1.Number != "800/0001/BKPSDM/2027" || d2.Number != d1.Number {
		t.Errorf("decrees %q then %q", d1.Number, d2.Number)
	}
	next, err := a.MakeEffective(ctx, contract.EffectiveInput{TransferID: proposals[1].TransferID, EffectiveDate: at, At: at})
	if err != nil || next.Number != "800/0002/BKPSDM/2027" {
		t.Errorf("the next transfer's decree: %q, %v", next.Number, err)
	}
	if n := rows(t, gdb, &models.PositionHistory{}, "transfer_id = ?", id); n != 1 {
		t.Errorf("%d history spells for the transfer, want 1", n)
	}
	gdb.First(&open, "id = ?", open.ID)
	if open.End == nil || !open.End.Equal(at) {
		t.Errorf("the previous spell ends %v, want %v", open.End, at)
	}
	var spells []models.PositionHistory
	gdb.Where("nip = ?", before.NIP).Order("start").Find(&spells)
	if len(spells) != 2 || spells[1].PositionID != proposals[0].ToPositionID || spells[1].End != nil {
		t.Errorf("history after the move: %+v, want the old spell closed and the new one open", spells)
	}
	var e models.Employee
	gdb.First(&e, "nip = ?", proposals[0].NIP)
	if e.PositionID != proposals[0].ToPositionID {
		t.Errorf("employee still in %s", e.PositionID)
	}

	exp := at.AddDate(0, 0, 14)
	var l1, l2 string
	if l1, err = a.OpenSurvey(ctx, contract.SurveyInput{TransferID: id, At: at, Expires: exp}); err != nil {
		t.Fatal(err)
	}
	if l2, err = a.OpenSurvey(ctx, contract.SurveyInput{TransferID: id, At: at, Expires: exp}); err != nil {
		t.Fatal(err)
	}
	tok, ok := strings.CutPrefix(l1, "http://mutasi.test/surveys/")
	if l1 != l2 || !ok {
		t.Fatalf("links %q and %q", l1, l2)
	}
	if got, err := links.Verify([]byte("k"), tok, at); err != nil || got != id {
		t.Errorf("the link names %q (%v), want %q", got, err, id)
	}
	twice(t, "RecordSurveyResponse", func() error {
		return a.RecordSurveyResponse(ctx, contract.SurveyAnswer{TransferID: id, Answers: map[string]any{"q1": 4}, At: at})
	})
	twice(t, "CloseSurvey", func() error { return a.CloseSurvey(ctx, id, at) })
	var sv models.Survey
	gdb.First(&sv, "transfer_id = ?", id)
	if sv.Status != models.SurveyAnswered || !sv.Trained {
		t.Errorf("survey %s, trained %v: want answered by a trained mover", sv.Status, sv.Trained)
	}
	if n := rows(t, gdb, &models.SurveyAnswer{}, "round_id = ?", round); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
	// decision, acknowledgement, objection, resolution, training, training
	// end, effective, survey open, close: once each; the answer's line
	// names no transfer.
	if n := rows(t, gdb, &models.AuditEntry{}, "transfer_id = ?", id); n != 9 {
		t.Errorf("%d audit entries, want 9", n)
	}
	if n := rows(t, gdb, &models.AuditEntry{}, "action = ?", models.ActionSurveyAnswered); n != 1 {
		t.Errorf("%d audit lines of an answered survey, want 1", n)
	}
}

func TestMakeEffectiveConcurrently(t *testing.T) { eachBackend(t, testMakeEffectiveConcurrently) }

// testMakeEffectiveConcurrently makes every proposal effective at once,
// twice, as a busy worker would: each gets one decree, the numbers run
// 1..n without a gap or a duplicate, and the second run changes nothing.
func testMakeEffectiveConcurrently(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	at := asOf.Add(time.Hour)
	numbers := make([][]string, 2)
	for run := range numbers {
		numbers[run] = make([]string, len(proposals))
		errs := make([]error, len(proposals))
		var wg sync.WaitGroup
		for i, p := range proposals {
			wg.Go(func() {
				d, err := a.MakeEffective(ctx, contract.EffectiveInput{TransferID: p.TransferID, EffectiveDate: at, At: at})
				numbers[run][i], errs[i] = d.Number, err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("run %d, MakeEffective %s: %v", run+1, proposals[i].TransferID, err)
			}
		}
	}
	for i := range proposals {
		if numbers[1][i] != numbers[0][i] {
			t.Errorf("%s: decree %q, then %q", proposals[i].TransferID, numbers[0][i], numbers[1][i])
		}
	}
	got := append([]string(nil), numbers[0]...)
	sort.Strings(got)
	for i, n := range got {
		if want := models.DefaultSettings().DecreeNumber(2027, i+1); n != want {
			t.Fatalf("decree numbers %v, want 1 to %d", got, len(got))
		}
	}
	if n := rows(t, gdb, &models.Decree{}, "true"); n != int64(len(proposals)) {
		t.Errorf("%d decrees for %d transfers", n, len(proposals))
	}
	if n := rows(t, gdb, &models.AuditEntry{}, "action = ?", "transfer_effective"); n != int64(len(proposals)) {
		t.Errorf("%d transfer_effective audit entries for %d transfers", n, len(proposals))
	}
}

func TestNotifyRecordsOnce(t *testing.T) { eachBackend(t, testNotifyRecordsOnce) }

func testNotifyRecordsOnce(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	in := contract.NotifyInput{Key: "k1", Kind: contract.NoticeDecisionRequested, TransferID: proposals[0].TransferID,
		To: models.RoleTPK, Step: "TPK", Deadline: asOf.AddDate(0, 0, 7)}
	twice(t, "Notify", func() error { return a.Notify(ctx, in) })
	var got []models.OutboxMessage
	if err := gdb.Find(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d outbox rows, want 1", len(got))
	}
	m := got[0]
	if m.Status != models.OutboxPending || m.To != "tpk@mutasi.local" || !strings.HasPrefix(m.Subject, "Mohon keputusan TPK: mutasi ") {
		t.Errorf("recorded %+v", m)
	}
	var e models.Employee
	var to models.Position
	var unit models.Unit
	if gdb.First(&e, "nip = ?", proposals[0].NIP).Error != nil || gdb.First(&to, "id = ?", proposals[0].ToPositionID).Error != nil ||
		gdb.First(&unit, "id = ?", proposals[0].ToUnitID).Error != nil {
		t.Fatal("the proposal's employee, post or unit is missing")
	}
	for _, want := range []string{"Batas waktu: 11 Januari 2027", e.Name, e.NIP, to.Name, unit.Name} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	bad := contract.NotifyInput{Key: "k2", Kind: contract.NoticeSocialization, TransferID: "nope", To: models.RoleEmployee}
	if err := a.Notify(ctx, bad); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("notify about an unknown transfer: %v", err)
	}
}

// TestNotifyChannels: an employee's notice goes by the office's channel
// unless they prefer another, once per channel; the first channel's
// message holds the notice's key, and the notice counts as delivered as
// soon as either copy is, failed only when both are. Approvers are told
// by e-mail whatever the setting.
func TestNotifyChannels(t *testing.T) { eachBackend(t, testNotifyChannels) }

func testNotifyChannels(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	a.Channel, a.Relayed, a.HookRelayed = models.ChannelBoth, true, true
	p := proposals[0]
	notice := func(key string, to models.Role) contract.NotifyInput {
		return contract.NotifyInput{Key: key, Kind: contract.NoticeSocialization, TransferID: p.TransferID, To: to,
			Deadline: asOf.AddDate(0, 0, 7)}
	}
	channels := func(prefix string) map[string]models.OutboxMessage {
		var ms []models.OutboxMessage
		if err := gdb.Where("key LIKE ?", prefix+"%").Find(&ms).Error; err != nil {
			t.Fatal(err)
		}
		out := map[string]models.OutboxMessage{}
		for _, m := range ms {
			out[m.Key] = m
		}
		return out
	}
	// No phone yet: the webhook copy fails at once, for HR to see.
	twice(t, "Notify", func() error { return a.Notify(ctx, notice("n1", models.RoleEmployee)) })
	got := channels("n1")
	if len(got) != 2 || got["n1"].Channel != models.ChannelEmail || got["n1:webhook"].Channel != models.ChannelWebhook ||
		got["n1:webhook"].Status != models.OutboxFailed {
		t.Fatalf("both channels without a phone: %+v", got)
	}
	if d, err := a.NoticeDelivery(ctx, "n1"); err != nil || d.Status != models.OutboxPending {
		t.Errorf("delivery with the e-mail pending: %+v, %v", d, err)
	}
	// With a phone, and a preference for the webhook alone.
	if err := gdb.Model(&models.Employee{}).Where("nip = ?", p.NIP).
		Updates(map[string]any{"phone": "+6281234567890", "notify": models.ChannelWebhook}).Error; err != nil {
		t.Fatal(err)
	}
	twice(t, "Notify", func() error { return a.Notify(ctx, notice("n2", models.RoleEmployee)) })
	got = channels("n2")
	if m := got["n2"]; len(got) != 1 || m.Channel != models.ChannelWebhook || m.To != "+6281234567890" || m.Status != models.OutboxPending {
		t.Fatalf("the webhook alone: %+v", got)
	}
	sent := asOf.Add(time.Hour)
	gdb.Model(&models.OutboxMessage{}).Where("key = ?", "n2").Updates(map[string]any{"status": models.OutboxSent, "sent_at": sent})
	if d, err := a.NoticeDelivery(ctx, "n2"); err != nil || d.Status != models.OutboxSent || !d.At.Equal(sent) {
		t.Errorf("delivery of the webhook alone: %+v, %v", d, err)
	}
	// Both copies: delivered by the webhook's while the e-mail fails.
	gdb.Model(&models.Employee{}).Where("nip = ?", p.NIP).Update("notify", models.ChannelBoth)
	twice(t, "Notify", func() error { return a.Notify(ctx, notice("n3", models.RoleEmployee)) })
	gdb.Model(&models.OutboxMessage{}).Where("key = ?", "n3").Update("status", models.OutboxFailed)
	if d, _ := a.NoticeDelivery(ctx, "n3"); d.Status != models.OutboxPending {
		t.Errorf("one copy failed, one pending: %+v", d)
	}
	gdb.Model(&models.OutboxMessage{}).Where("key = ?", "n3:webhook").Updates(map[string]any{"status": models.OutboxSent, "sent_at": sent})
	if d, _ := a.NoticeDelivery(ctx, "n3"); d.Status != models.OutboxSent {
		t.Errorf("one copy failed, one sent: %+v", d)
	}
	gdb.Model(&models.OutboxMessage{}).Where("key = ?", "n3:webhook").Update("status", models.OutboxFailed)
	if d, _ := a.NoticeDelivery(ctx, "n3"); d.Status != models.OutboxFailed {
		t.Errorf("both copies failed: %+v", d)
	}
	// Without a mail server, a recorded e-mail counts as delivered.
	a.Relayed = false
	gdb.Model(&models.OutboxMessage{}).Where("key LIKE ?", "n3%").Updates(map[string]any{"status": models.OutboxPending, "sent_at": nil})
	if d, _ := a.NoticeDelivery(ctx, "n3"); d.Status != models.OutboxSent {
		t.Errorf("an e-mail with no mail server to relay it: %+v", d)
	}
	a.Relayed = true
	// The TPK is told by e-mail only.
	twice(t, "Notify", func() error { return a.Notify(ctx, notice("n4", models.RoleTPK)) })
	if got = channels("n4"); len(got) != 1 || got["n4"].Channel != models.ChannelEmail {
		t.Errorf("the TPK's notice: %+v", got)
	}
}

func TestApplyWritesOnceInOneTransaction(t *testing.T) {
	eachBackend(t, testApplyWritesOnceInOneTransaction)
}

func testApplyWritesOnceInOneTransaction(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	id := proposals[0].TransferID
	at := asOf.Add(time.Hour)
	steps := []contract.Step{
		{Decision: &contract.DecisionInput{TransferID: id, Step: models.RoleTPK, Approve: true, Reason: "ok", By: tpk, At: at}},
		{Stage: &contract.StageChange{TransferID: id, Stage: models.StageAwaitingPPK}},
		{Notice: &contract.NotifyInput{Key: "k1", Kind: contract.NoticeDecisionRequested, TransferID: id, To: models.RolePPK,
			Step: "PPK", Deadline: at.AddDate(0, 0, 7)}},
		{Live: &contract.LiveState{TransferID: id, State: []byte(`{"stage":"awaiting_ppk","awaiting":"ppk"}`)}},
	}
	twice(t, "Apply", func() error { return a.Apply(ctx, steps) })
	var tr models.Transfer
	gdb.First(&tr, "id = ?", id)
	if n, m := rows(t, gdb, &models.Decision{}, "transfer_id = ?", id), rows(t, gdb, &models.OutboxMessage{}, "key = ?", "k1"); n != 1 || m != 1 || tr.Stage != models.StageAwaitingPPK {
		t.Errorf("%d decisions, %d notices, stage %s; want 1, 1, %s", n, m, tr.Stage, models.StageAwaitingPPK)
	}
	if tr.Live != `{"stage":"awaiting_ppk","awaiting":"ppk"}` {
		t.Errorf("state recorded for reads: %q", tr.Live)
	}
	// The state alone leaves the time the transfer entered its stage.
	live := []contract.Step{{Live: &contract.LiveState{TransferID: id, State: []byte(`{"stage":"awaiting_ppk"}`)}}}
	twice(t, "Apply", func() error { return a.Apply(ctx, live) })
	var after models.Transfer
	gdb.First(&after, "id = ?", id)
	if after.Live != `{"stage":"awaiting_ppk"}` || !after.UpdatedAt.Equal(tr.UpdatedAt) {
		t.Errorf("state %q, entered its stage at %v (was %v)", after.Live, after.UpdatedAt, tr.UpdatedAt)
	}
	lost := []contract.Step{{Live: &contract.LiveState{TransferID: "nope", State: []byte(`{}`)}}}
	if err := a.Apply(ctx, lost); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("the state of an unknown transfer: %v", err)
	}
	// The notice says why the destination needs someone: its most urgent
	// need, found with the transfer.
	var need models.Need
	gdb.Where("round_id = ? AND position_id = ?", round, tr.ToPositionID).Order("priority").First(&need)
	var msg models.OutboxMessage
	gdb.First(&msg, "key = ?", "k1")
	if want := notify.NeedReasonText("id", need.Reason); need.Reason == "" || !strings.Contains(msg.Body, want) {
		t.Errorf("the PPK's notice does not give the need (%q, want %q):\n%s", need.Reason, want, msg.Body)
	}
	// A step that fails undoes the batch's others: one transaction.
	other := proposals[1].TransferID
	failing := []contract.Step{
		{Decision: &contract.DecisionInput{TransferID: other, Step: models.RoleTPK, Approve: true, Reason: "ok", By: tpk, At: at}},
		{Notice: &contract.NotifyInput{Key: "k2", Kind: contract.NoticeSocialization, TransferID: "nope", To: models.RoleEmployee}},
	}
	if err := a.Apply(ctx, failing); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("a batch with a notice about an unknown transfer: %v", err)
	}
	if err := a.Apply(ctx, []contract.Step{{}}); err == nil || !strings.Contains(err.Error(), "names nothing") {
		t.Errorf("an empty step: %v", err)
	}
	if n := rows(t, gdb, &models.Decision{}, "transfer_id = ?", other); n != 0 {
		t.Errorf("%d decisions recorded by a batch that failed, want 0", n)
	}
}

func TestApplyWritesStageAndStateInOneUpdate(t *testing.T) {
	eachBackend(t, testApplyWritesStageAndStateInOneUpdate)
}

// testApplyWritesStageAndStateInOneUpdate: a batch's state goes into the
// UPDATE of its transfer's last change of stage before it; a state with
// no change of stage of its transfer before it has an UPDATE of its own.
func testApplyWritesStageAndStateInOneUpdate(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	one, two := proposals[0].TransferID, proposals[1].TransferID
	var updates []string
	if err := gdb.Callback().Update().After("gorm:update").Register("test:updates", func(tx *gorm.DB) {
		updates = append(updates, tx.Statement.SQL.String())
	}); err != nil {
		t.Fatal(err)
	}
	var before models.Transfer
	gdb.First(&before, "id = ?", one)
	state := func(id, stage string) *contract.LiveState {
		return &contract.LiveState{TransferID: id, State: []byte(`{"transfer_id":"` + id + `","stage":"` + stage + `"}`)}
	}
	steps := []contract.Step{
		{Stage: &contract.StageChange{TransferID: one, Stage: models.StageAwaitingTPK}},
		{Live: state(two, "awaiting_tpk")}, // its transfer's stage is not in the batch
		{Stage: &contract.StageChange{TransferID: one, Stage: models.StageAwaitingPPK}},
		{Decision: &contract.DecisionInput{TransferID: one, Step: models.RoleTPK, Approve: true, By: tpk, At: asOf.Add(time.Hour)}},
		{Live: state(one, "awaiting_ppk")},
		{Stage: &contract.StageChange{TransferID: two, Stage: models.StageAwaitingTPK}}, // after its state
	}
	if err := a.Apply(ctx, steps); err != nil {
		t.Fatal(err)
	}
	if len(updates) != 4 {
		t.Errorf("%d UPDATEs, want 4 (two stages of one, the second with its state; two's state; two's stage):\n%s",
			len(updates), strings.Join(updates, "\n"))
	}
	var got1, got2 models.Transfer
	gdb.First(&got1, "id = ?", one)
	gdb.First(&got2, "id = ?", two)
	if got1.Stage != models.StageAwaitingPPK || got1.Live != string(state(one, "awaiting_ppk").State) || got1.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("one: stage %s, state %q, entered its stage at %v (was %v)", got1.Stage, got1.Live, got1.UpdatedAt, before.UpdatedAt)
	}
	if got2.Stage != models.StageAwaitingTPK || got2.Live != string(state(two, "awaiting_tpk").State) {
		t.Errorf("two: stage %s, state %q", got2.Stage, got2.Live)
	}
	// A transfer that is not there: nothing written, and said so.
	lost := []contract.Step{{Stage: &contract.StageChange{TransferID: "nope", Stage: models.StageAwaitingPPK}}, {Live: state("nope", "x")}}
	if err := a.Apply(ctx, lost); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("the stage and state of an unknown transfer: %v", err)
	}
}

// With CommitWithTemporal, Apply's transaction on PostgreSQL does not wait
// for its own log flush; without it, it does (a trigger in the
// transaction records the setting it ran with).
func TestApplyCommitsWithTemporal(t *testing.T) {
	for _, b := range testkit.Backends() {
		if b.Name != "postgres" {
			continue
		}
		a, gdb, proposals := started(t, b)
		for _, err := range []error{
			gdb.Exec("CREATE TABLE commit_settings (transfer_id text, setting text)").Error,
			gdb.Exec(`CREATE FUNCTION record_commit_setting() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN INSERT INTO commit_settings VALUES (NEW.transfer_id, current_setting('synchronous_commit')); RETURN NEW; END $$`).Error,
			gdb.Exec("CREATE TRIGGER record_commit_setting AFTER INSERT ON decisions FOR EACH ROW EXECUTE FUNCTION record_commit_setting()").Error,
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i, with := range []bool{false, true} {
			a.CommitWithTemporal = with
			id := proposals[i].TransferID
			step := contract.Step{Decision: &contract.DecisionInput{TransferID: id, Step: models.RoleTPK, Approve: true, By: tpk, At: asOf}}
			if err := a.Apply(ctx, []contract.Step{step}); err != nil {
				t.Fatal(err)
			}
			var got string
			gdb.Raw("SELECT setting FROM commit_settings WHERE transfer_id = ?", id).Scan(&got)
			if want := map[bool]string{false: "on", true: "off"}[with]; got != want {
				t.Errorf("CommitWithTemporal %v: synchronous_commit %q in Apply, want %q", with, got, want)
			}
		}
		var outside string
		gdb.Raw("SHOW synchronous_commit").Scan(&outside)
		if outside != "on" {
			t.Errorf("synchronous_commit %q after Apply, want the session's own (on)", outside)
		}
	}
}
