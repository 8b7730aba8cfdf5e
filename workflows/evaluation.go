package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
)

// PeriodicEvaluation is the input of PeriodicEvaluationWorkflow, which
// its schedule gives (package schedule).
type PeriodicEvaluation struct {
	Every      models.ReportEvery
	TimeZone   string   // IANA name: the periods are the government's days
	Recipients []string // none: the PPK and HR contacts of the period's rounds
}

// PeriodicEvaluationResult is what a periodic evaluation sent.
type PeriodicEvaluationResult struct {
	Report   contract.PeriodReport
	Messages int
}

// scheduledTime is the search attribute a Temporal schedule sets on the
// runs it starts: the time the run was due.
var scheduledTime = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")

// PeriodicEvaluationWorkflow sends the evaluation of the last whole
// period before the time it was due (its start, when not started by a
// schedule) to the PPK and the HR office, through the outbox.
func PeriodicEvaluationWorkflow(ctx workflow.Context, in PeriodicEvaluation) (PeriodicEvaluationResult, error) {
	at := workflow.Now(ctx)
	if due, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledTime); ok {
		at = due
	}
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil {
		return PeriodicEvaluationResult{}, temporal.NewNonRetryableApplicationError("unknown time zone "+in.TimeZone, "TimeZone", err)
	}
	from, to := in.Every.Previous(at, loc)
	res := PeriodicEvaluationResult{Report: contract.PeriodReport{From: from, To: to, Label: in.Every.Label(from), Every: in.Every,
		Recipients: in.Recipients}}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 5 * time.Minute, RetryPolicy: retryPolicy()})
	err = workflow.ExecuteActivity(ctx, contract.SendPeriodReport, res.Report).Get(ctx, &res.Messages)
	return res, err
}
