package main

import (
	"context"
	"fmt"
	"io"

	"github.com/bkpsdm/mutasi/metrics"
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
	if err := fs.Parse(args); err != nil {
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
	metricsLn, err := listen("--metrics-addr", *metricsAddr)
	if err != nil {
		return err
	}
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
