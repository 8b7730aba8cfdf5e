package workflows_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

// TestPeriodicEvaluation runs the periodic evaluation as its schedule
// starts it, 07:00 on the first day of a quarter in Banjarbaru: it
// reports on the quarter before, to the recipients set, or else to the
// PPK and HR contacts of the quarter's rounds, with the workbook
// attached; a second run of the same period records nothing more.
func TestPeriodicEvaluation(t *testing.T) {
	gdb, _ := testkit.New(t)
	if err := seed.Load(gdb, seed.Generate(40, start, 3)); err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{DB: gdb, BaseURL: "http://mutasi.test", LinkSecret: []byte("k")}
	wita, _ := time.LoadLocation("Asia/Makassar")
	settings := models.DefaultSettings()
	for id, at := range map[string]time.Time{"R-Q1": time.Date(2027, 2, 10, 9, 0, 0, 0, wita), "R-Q2": time.Date(2027, 4, 2, 9, 0, 0, 0, wita)} {
		if err := acts.StartRound(t.Context(), contract.RoundStart{RoundID: id, Name: id, Settings: settings,
			WorkflowID: contract.RoundWorkflowID(id), By: contract.System, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(in workflows.PeriodicEvaluation, due time.Time, scheduled bool) workflows.PeriodicEvaluationResult {
		t.Helper()
		var s testsuite.WorkflowTestSuite
		s.SetLogger(quietLogger())
		env := s.NewTestWorkflowEnvironment()
		if scheduled {
			// However late the run starts (a catch-up after an outage),
			// the time it was due decides the period.
			env.SetStartTime(due.AddDate(0, 3, 1))
			if err := env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
				temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime").ValueSet(due))); err != nil {
				t.Fatal(err)
			}
		} else {
			env.SetStartTime(due)
		}
		worker.Register(env, acts)
		env.ExecuteWorkflow(workflows.PeriodicEvaluationWorkflow, in)
		if err := env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		var res workflows.PeriodicEvaluationResult
		if err := env.GetWorkflowResult(&res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	due := time.Date(2027, 4, 1, 7, 0, 0, 0, wita)
	in := workflows.PeriodicEvaluation{Every: models.EveryQuarter, TimeZone: "Asia/Makassar"}
	res := run(in, due, true)
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, wita); !res.Report.From.Equal(want) || !res.Report.To.Equal(time.Date(2027, 4, 1, 0, 0, 0, 0, wita)) ||
		res.Report.Label != "2027-Q1" {
		t.Errorf("period %v to %v (%s), want the first quarter of 2027", res.Report.From, res.Report.To, res.Report.Label)
	}
	// The round of the first quarter names the PPK and the HR office.
	var sent []models.OutboxMessage
	gdb.Where("key LIKE ?", "evaluation:2027-Q1:%").Order("\"to\"").Find(&sent)
	want := []string{settings.Contacts.HR, settings.Contacts.PPK}
	if res.Messages != 2 || len(sent) != 2 || sent[0].To != min(want[0], want[1]) || sent[1].To != max(want[0], want[1]) {
		t.Fatalf("%d messages recorded, %+v; want one each to %v", res.Messages, sent, want)
	}
	m := sent[0]
	if m.Subject != "Laporan evaluasi mutasi ASN: Triwulan I 2027" || m.AttachmentName != "evaluasi-mutasi-2027-Q1.xlsx" ||
		!bytes.Contains([]byte(m.Body), []byte("Putaran: 1 (R-Q1)")) {
		t.Errorf("subject %q, attachment %q, body:\n%s", m.Subject, m.AttachmentName, m.Body)
	}
	book, err := excelize.OpenReader(bytes.NewReader(m.Attachment))
	if err != nil {
		t.Fatalf("the attachment is no workbook: %v", err)
	}
	if len(book.GetSheetList()) == 0 {
		t.Error("the workbook has no sheet")
	}
	// Again for the same quarter: nothing more.
	if again := run(in, due, false); again.Report.Label != "2027-Q1" {
		t.Errorf("started by hand on %v: %s", due, again.Report.Label)
	}
	var n int64
	gdb.Model(&models.OutboxMessage{}).Where("key LIKE ?", "evaluation:2027-Q1:%").Count(&n)
	if n != 2 {
		t.Errorf("%d messages after the second run, want 2", n)
	}
	// A quarter without rounds, and no recipients set: the default
	// settings' PPK and HR hear that there was none.
	res = run(in, time.Date(2027, 1, 1, 7, 0, 0, 0, wita), true)
	var empty []models.OutboxMessage
	gdb.Where("key LIKE ?", "evaluation:2026-Q4:%").Find(&empty)
	if res.Messages != 2 || len(empty) != 2 || empty[0].AttachmentName != "" {
		t.Errorf("the fourth quarter of 2026: %d messages, %+v", res.Messages, empty)
	}
	// Monthly, to the recipients set: March had no round.
	in = workflows.PeriodicEvaluation{Every: models.EveryMonth, TimeZone: "Asia/Makassar", Recipients: []string{"kepala@bkpsdm.local", "bukan alamat"}}
	res = run(in, due, true)
	var march models.OutboxMessage
	gdb.Where("key LIKE ?", "evaluation:2027-03:%").First(&march)
	if res.Messages != 1 || march.To != "kepala@bkpsdm.local" || march.AttachmentName != "" ||
		!bytes.Contains([]byte(march.Body), []byte("Tidak ada putaran mutasi")) || march.Subject != "Laporan evaluasi mutasi ASN: Maret 2027" {
		t.Errorf("March: %d messages, %+v", res.Messages, march)
	}
}
