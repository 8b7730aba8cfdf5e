package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/bkpsdm/mutasi/metrics"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/schedule"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

func init() {
	commands["worker"] = command{"run workflows and activities until interrupted", runWorker}
	commands["migrate"] = command{"create or update the database schema (safe to repeat)", runMigrate}
}

func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("worker", stderr)
	metricsAddr := metricsFlag(fs, ":9090")
	evaluation := evaluationFlags(fs, timeZoneFlag(fs))
	withTemporal := fs.String("commit-with-temporal", env("MUTASI_COMMIT_WITH_TEMPORAL", "false"),
		"true only when Temporal keeps its state on the same PostgreSQL server as --database-url: a decision's transaction then does not wait for its own flush to disk (README, Temporal on PostgreSQL) (MUTASI_COMMIT_WITH_TEMPORAL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	commitWithTemporal, err := strconv.ParseBool(*withTemporal)
	if err != nil {
		return fmt.Errorf("--commit-with-temporal %q: want true or false", *withTemporal)
	}
	ev, err := evaluation()
	if err != nil {
		return err
	}
	cd, err := c.needSecrets()
	if err != nil {
		return err
	}
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	acts, err := c.activities(gdb)
	if err != nil {
		return err
	}
	acts.CommitWithTemporal = commitWithTemporal
	metricsLn, err := listen("--metrics-addr", *metricsAddr)
	if err != nil {
		return err
	}
	defer closeOnReturn(metricsLn)
	reg := metrics.New()
	log := newLogger(c.logFormat, stderr)
	tc, err := c.dial(log, reg, cd)
	if err != nil {
		return err
	}
	defer tc.Close()
	if err := c.startRelay(ctx, gdb, log); err != nil {
		return err
	}
	if err := c.startSealer(ctx, gdb, log); err != nil {
		return err
	}
	serveMetrics(ctx, reg, metricsLn, log)
	keepSchedule(ctx, tc, ev, log)
	fmt.Fprintf(stdout, "worker polling task queue %q on %s\n", workflows.TaskQueue, c.temporal)
	return worker.Run(ctx, tc, acts)
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("migrate", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := c.createDB(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "schema up to date")
	return nil
}

// timeZoneFlag registers the government's time zone on fs (`mutasi
// worker`, `server` and `dev`).
func timeZoneFlag(fs *flag.FlagSet) *string {
	return fs.String("time-zone", env("MUTASI_TIME_ZONE", models.DefaultSettings().TimeZone),
		"the government's time zone (IANA name): the periodic evaluation goes at 07:00 there, and an evaluation's from and to are its dates (MUTASI_TIME_ZONE)")
}

// evaluationFlags registers the periodic evaluation's settings on fs
// (`mutasi worker` and `mutasi dev`), beside the time zone registered with
// timeZoneFlag; the function it returns reads them.
func evaluationFlags(fs *flag.FlagSet, zone *string) func() (schedule.Evaluation, error) {
	every := fs.String("evaluation-every", env("MUTASI_EVALUATION_EVERY", string(models.EveryQuarter)),
		"how often the evaluation of the period before is sent to the PPK and HR: quarter, month or off (MUTASI_EVALUATION_EVERY)")
	recipients := fs.String("evaluation-recipients", env("MUTASI_EVALUATION_RECIPIENTS", ""),
		"comma-separated addresses the periodic evaluation goes to; default the PPK and HR contacts of the period's rounds (MUTASI_EVALUATION_RECIPIENTS)")
	return func() (schedule.Evaluation, error) {
		e, err := schedule.ParseEvaluation(*every, *zone, *recipients)
		if err != nil {
			return e, fmt.Errorf("periodic evaluation (--evaluation-every, --evaluation-recipients, --time-zone): %w", err)
		}
		return e, nil
	}
}
