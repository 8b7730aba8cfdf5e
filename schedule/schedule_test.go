package schedule_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/outbox"
	"github.com/bkpsdm/mutasi/schedule"
	"github.com/bkpsdm/mutasi/smtptest"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/testworker"
	"github.com/bkpsdm/mutasi/workflows"
)

func TestParseEvaluation(t *testing.T) {
	e, err := schedule.ParseEvaluation("Month", "Asia/Makassar", " ppk@pemda.local, ,bkpsdm@pemda.local")
	if err != nil || e.Every != models.EveryMonth || len(e.Recipients) != 2 || e.Recipients[0] != "ppk@pemda.local" {
		t.Fatalf("%+v, %v", e, err)
	}
	for _, bad := range [][3]string{{"weekly", "Asia/Makassar", ""}, {"quarter", "Mars/Olympus", ""}, {"quarter", "", ""},
		{"quarter", "Asia/Makassar", "ppk@pemda.local,bukan-alamat"}, {"quarter", "Asia/Makassar", strings.Repeat("a@b.id,", 21)}} {
		if _, err := schedule.ParseEvaluation(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestEnsureOnTheDevServer keeps the schedule on a real server: created
// once however often the workers start, updated when the settings
// change, run on demand as it would at the start of a period (the report
// reaches an SMTP server with its workbook), and deleted when off.
func TestEnsureOnTheDevServer(t *testing.T) {
	ctx := context.Background()
	c := testkit.Temporal(t, devtemporal.Options{}).Client()
	gdb, _ := testkit.New(t)
	testworker.Start(t, c, gdb, "schedule")
	mail := smtptest.Start(t)
	relayCtx, stopRelay := context.WithCancel(ctx)
	relay := &outbox.Relay{DB: gdb, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Mailer: notify.SMTP{Host: mail.Host, Port: mail.Port, From: "bkpsdm@mutasi.local", Security: notify.SecurityNone}}
	go relay.Run(relayCtx)
	t.Cleanup(stopRelay)

	quarterly, err := schedule.ParseEvaluation("quarter", "Asia/Makassar", "")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := schedule.Ensure(ctx, c, quarterly); err != nil {
			t.Fatal(err)
		}
	}
	if n := countSchedules(ctx, t, c); n != 1 {
		t.Fatalf("%d schedules after two starts, want 1", n)
	}
	args := describe(ctx, t, c, 3)
	if args.Every != models.EveryQuarter || args.TimeZone != "Asia/Makassar" || len(args.Recipients) != 0 {
		t.Errorf("quarterly schedule starts %+v", args)
	}

	// Monthly, to one address; a round last month gives it a workbook.
	monthly, err := schedule.ParseEvaluation("month", "Asia/Makassar", "kepala@bkpsdm.local")
	if err != nil {
		t.Fatal(err)
	}
	if err := schedule.Ensure(ctx, c, monthly); err != nil {
		t.Fatal(err)
	}
	if args := describe(ctx, t, c, 1); args.Every != models.EveryMonth || len(args.Recipients) != 1 {
		t.Errorf("monthly schedule starts %+v", args)
	}
	wita, _ := time.LoadLocation("Asia/Makassar")
	from, _ := models.EveryMonth.Previous(time.Now(), wita)
	acts := &activities.Activities{DB: gdb}
	if err := acts.StartRound(ctx, contract.RoundStart{RoundID: "R-LALU", Name: "Bulan lalu", Settings: models.DefaultSettings(),
		WorkflowID: contract.RoundWorkflowID("R-LALU"), By: contract.System, At: from.Add(36 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := c.ScheduleClient().GetHandle(ctx, schedule.EvaluationID).Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	if !mail.Wait(time.Minute, func(ms []smtptest.Mail) bool { return len(ms) > 0 }) {
		t.Fatal("no report arrived within a minute of the trigger")
	}
	got := mail.Messages()[0]
	if got.To[0] != "kepala@bkpsdm.local" || !strings.HasPrefix(got.Subject, "Laporan evaluasi mutasi ASN: ") ||
		len(got.Attachments) != 1 || !strings.HasSuffix(got.Attachments[0].Name, ".xlsx") || len(got.Attachments[0].Data) == 0 {
		t.Errorf("report: to %v, subject %q, %d attachments", got.To, got.Subject, len(got.Attachments))
	}

	off, err := schedule.ParseEvaluation("off", "Asia/Makassar", "")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := schedule.Ensure(ctx, c, off); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.ScheduleClient().GetHandle(ctx, schedule.EvaluationID).Describe(ctx)
	if _, missing := errors.AsType[*serviceerror.NotFound](err); !missing {
		t.Errorf("the schedule is still there when off: %v", err)
	}
}

// countSchedules counts the schedules the server lists (visibility is
// eventually consistent: it waits for the list to settle on one).
func countSchedules(ctx context.Context, t *testing.T, c client.Client) int {
	t.Helper()
	n := 0
	testkit.Eventually(t, "the schedule to be listed", func() bool {
		it, err := c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
		if err != nil {
			return false
		}
		n = 0
		for it.HasNext() {
			if s, err := it.Next(); err == nil && s.ID == schedule.EvaluationID {
				n++
			}
		}
		return n > 0
	})
	return n
}

// describe reads the schedule back: its months' step and the input its
// runs get.
func describe(ctx context.Context, t *testing.T, c client.Client, step int) workflows.PeriodicEvaluation {
	t.Helper()
	d, err := c.ScheduleClient().GetHandle(ctx, schedule.EvaluationID).Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cal := d.Schedule.Spec.Calendars
	if len(cal) != 1 || cal[0].Hour[0].Start != schedule.SendHour || cal[0].DayOfMonth[0].Start != 1 ||
		cal[0].Month[0].Step != step || d.Schedule.Spec.TimeZoneName != "Asia/Makassar" {
		t.Errorf("spec %+v", d.Schedule.Spec)
	}
	action, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok || len(action.Args) != 1 {
		t.Fatalf("action %+v", d.Schedule.Action)
	}
	var in workflows.PeriodicEvaluation
	if err := testkit.DataConverter().FromPayload(action.Args[0].(*commonpb.Payload), &in); err != nil {
		t.Fatal(err)
	}
	return in
}
