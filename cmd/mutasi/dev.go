package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

func init() {
	commands["dev"] = command{"run the whole system locally: Temporal dev server, database, demo data, worker", runDev}
}

// devSecret signs survey links in the dev stack when no secret is set.
const devSecret = "mutasi-dev-only-secret"

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.flags(fs)
	dir := fs.String("dir", ".mutasi", "folder for the dev stack's state")
	employees := fs.Int("employees", 500, "size of the demo government loaded into an empty database")
	uiPort := fs.String("ui-port", "8233", "port of the Temporal Web UI")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.linkSecret == "" {
		c.linkSecret = devSecret
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	if err := ensureDatabase(c.databaseURL); err != nil {
		return err
	}
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	var n int64
	if err := gdb.Model(&models.Employee{}).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		if err := seed.Load(gdb, seed.Generate(*employees, time.Now(), 1)); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		fmt.Fprintf(stdout, "loaded a demo government of %d employees\n", *employees)
	}
	fmt.Fprintln(stdout, "starting the Temporal dev server...")
	srv, err := devtemporal.Start(ctx, devtemporal.Options{DBFile: filepath.Join(*dir, "temporal.db"),
		HostPort: c.temporal, UIPort: *uiPort, Output: logFile(*dir)})
	if err != nil {
		return err
	}
	defer srv.Stop()
	acts, err := c.activities(gdb)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, devBanner, c.temporal, *uiPort, workflows.TaskQueue, c.temporal)
	return worker.Run(ctx, srv.Client(), acts)
}

const devBanner = `
Mutasi dev stack is up (Ctrl-C stops it).
  Temporal:        %s   Web UI: http://localhost:%s
  Worker:          task queue %q
  Mail:            kept in the outbox_messages table (set --smtp to send)

Start a round with time compressed to seconds:
  temporal workflow start --address %s --task-queue mutasi --type RoundWorkflow \
    --workflow-id round-demo --input '{"RoundID":"demo","Name":"Demo","By":{"id":"hr1","role":"hr_officer"},
    "Settings":{"decision_reminder":"30s","decision_escalation":"60s","acknowledge_reminder":"30s",
    "acknowledge_deadline":"60s","training_deadline":"60s","survey_delay":"60s","survey_reminder":"30s",
    "survey_window":"60s","training_gap_threshold":2,"rules":{"min_years_in_post":2,"max_years_in_post":5,
    "retirement_buffer_months":12,"retirement_age_jpt":60,"retirement_age_fungsional":58,
    "retirement_age_other":58,"min_predicate":4,"predicate_years":2},
    "weights":{"skp":0.3,"talent":0.2,"competence":0.3,"tenure":0.1,"career":0.1},
    "contacts":{"hr":"bkpsdm@mutasi.local","tpk":"tpk@mutasi.local","ppk":"ppk@mutasi.local"}}}'
Then see README.md for confirming it and deciding on transfers.
`

// logFile is where the Temporal dev server's own logs go.
func logFile(dir string) io.Writer {
	f, err := os.OpenFile(filepath.Join(dir, "temporal.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return io.Discard
	}
	return f
}

// ensureDatabase creates the database named in dsn when it does not exist.
func ensureDatabase(dsn string) error {
	gdb, err := db.Open(dsn)
	if err == nil {
		sqlDB, _ := gdb.DB()
		err = sqlDB.Ping()
		sqlDB.Close()
	}
	var pgErr *pgconn.PgError
	if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return err
	}
	cfg, perr := pgconn.ParseConfig(dsn)
	if perr != nil {
		return perr
	}
	admin := dsn + " dbname=postgres"
	if u, uerr := url.Parse(dsn); uerr == nil && strings.Contains(dsn, "://") {
		u.Path = "/postgres"
		admin = u.String()
	}
	adb, err := db.Open(admin)
	if err != nil {
		return err
	}
	defer func() {
		if s, err := adb.DB(); err == nil {
			s.Close()
		}
	}()
	return adb.Exec(`CREATE DATABASE "` + strings.ReplaceAll(cfg.Database, `"`, `""`) + `"`).Error
}
