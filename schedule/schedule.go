// Package schedule keeps Mutasi's Temporal schedules as its settings say:
// the periodic evaluation, sent to the PPK and the HR office every
// quarter or month. Every worker calls Ensure as it starts; whichever
// comes first creates the schedule, the others bring it up to date, and
// a setting of "off" deletes it.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/workflows"
)

// EvaluationID is the ID of the periodic evaluation's schedule, and of
// the runs it starts (with their due time appended).
const EvaluationID = "mutasi-periodic-evaluation"

// SendHour is the local hour, on the first day of a period, at which the
// report of the period before is sent.
const SendHour = 7

// CatchupWindow is how late a report still goes out after the schedule
// could not start it on time (the server was down).
const CatchupWindow = 7 * 24 * time.Hour

// MaxRecipients bounds the recipients of the report.
const MaxRecipients = 20

// Evaluation is the periodic evaluation's settings.
type Evaluation struct {
	Every      models.ReportEvery
	TimeZone   string   // IANA name of the government's time zone
	Recipients []string // none: the PPK and HR contacts of the period's rounds
}

// ParseEvaluation reads the settings: every as models.ParseReportEvery,
// a time zone name, and comma-separated e-mail addresses.
func ParseEvaluation(every, timeZone, recipients string) (Evaluation, error) {
	e, err := models.ParseReportEvery(every)
	if err != nil {
		return Evaluation{}, err
	}
	if _, err := time.LoadLocation(timeZone); err != nil || timeZone == "" {
		return Evaluation{}, fmt.Errorf("unknown time zone %q: want an IANA name such as Asia/Makassar", timeZone)
	}
	ev := Evaluation{Every: e, TimeZone: timeZone}
	for _, r := range strings.Split(recipients, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if err := models.CheckEmail(r); err != nil {
			return Evaluation{}, fmt.Errorf("recipient %q: %w", r, err)
		}
		ev.Recipients = append(ev.Recipients, r)
	}
	if len(ev.Recipients) > MaxRecipients {
		return Evaluation{}, fmt.Errorf("%d recipients, at most %d", len(ev.Recipients), MaxRecipients)
	}
	return ev, nil
}

// spec fires at SendHour on the first day of each period, local time.
func (e Evaluation) spec() client.ScheduleSpec {
	return client.ScheduleSpec{TimeZoneName: e.TimeZone, Calendars: []client.ScheduleCalendarSpec{{
		Second:     []client.ScheduleRange{{Start: 0}},
		Minute:     []client.ScheduleRange{{Start: 0}},
		Hour:       []client.ScheduleRange{{Start: SendHour}},
		DayOfMonth: []client.ScheduleRange{{Start: 1}},
		Month:      []client.ScheduleRange{{Start: 1, End: 12, Step: e.Every.Months()}},
		Comment:    "the report of the period before, on the first day of each " + string(e.Every),
	}}}
}

// action starts the periodic evaluation with the settings.
func (e Evaluation) action() *client.ScheduleWorkflowAction {
	return &client.ScheduleWorkflowAction{ID: EvaluationID, Workflow: workflows.PeriodicEvaluationWorkflow,
		TaskQueue: workflows.TaskQueue, WorkflowExecutionTimeout: CatchupWindow,
		Args: []any{workflows.PeriodicEvaluation{Every: e.Every, TimeZone: e.TimeZone, Recipients: e.Recipients}}}
}

// policy skips a run while the last one still runs, and catches up
// within CatchupWindow.
func policy() *client.SchedulePolicies {
	return &client.SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: CatchupWindow}
}

// Ensure creates the periodic evaluation's schedule, or updates the one
// there to e, or deletes it when e.Every is models.EveryOff. Called
// again with the same settings, it changes nothing that matters.
func Ensure(ctx context.Context, c client.Client, e Evaluation) error {
	sc := c.ScheduleClient()
	h := sc.GetHandle(ctx, EvaluationID)
	if e.Every == models.EveryOff {
		err := h.Delete(ctx)
		if _, missing := errors.AsType[*serviceerror.NotFound](err); missing {
			return nil
		}
		return err
	}
	p := policy()
	_, err := sc.Create(ctx, client.ScheduleOptions{ID: EvaluationID, Spec: e.spec(), Action: e.action(),
		Overlap: p.Overlap, CatchupWindow: p.CatchupWindow, Note: "Mutasi: periodic evaluation to the PPK and the HR office"})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	return h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		s := in.Description.Schedule
		spec := e.spec()
		s.Spec, s.Action, s.Policy = &spec, e.action(), policy()
		return &client.ScheduleUpdate{Schedule: &s}, nil
	}})
}
