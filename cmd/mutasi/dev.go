package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	tlog "go.temporal.io/sdk/log"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/metrics"
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
	fs, c := newFlags("dev", stderr)
	dir := fs.String("dir", ".mutasi", "folder for the dev stack's state")
	employees := fs.Int("employees", 2000, "size of the demo government loaded into an empty database")
	uiPort := fs.String("ui-port", "8233", "port of the Temporal Web UI")
	addr := fs.String("http-addr", env("MUTASI_HTTP_ADDR", "127.0.0.1:8080"), "address the API listens on")
	hf := addHTTPFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	hc, err := hf.parse()
	if err != nil {
		return err
	}
	if c.linkSecret == "" {
		c.linkSecret = devSecret
	}
	if c.databaseURL == defaultDatabaseURL {
		c.databaseURL = "sqlite:" + filepath.Join(*dir, "mutasi.db")
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
	if _, err := devtemporal.EnsureCLI(ctx, stdout); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "starting the Temporal dev server...")
	log := newLogger(c.logFormat, logFile(*dir))
	reg := metrics.New()
	srv, err := devtemporal.Start(ctx, devtemporal.Options{DBFile: filepath.Join(*dir, "temporal.db"),
		HostPort: c.temporal, UIPort: *uiPort, Output: logFile(*dir), Logger: tlog.NewStructuredLogger(log),
		Metrics: reg.Temporal()})
	if err != nil {
		return err
	}
	defer srv.Stop()
	acts, err := c.activities(gdb)
	if err != nil {
		return err
	}
	token, err := adminToken(gdb, *dir)
	if err != nil {
		return err
	}
	password, err := adminAccount(gdb, *dir)
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if err := c.startRelay(ctx, gdb, log); err != nil {
		return err
	}
	errc := make(chan error, 2)
	go func() { errc <- worker.Run(ctx, srv.Client(), acts) }()
	go func() { errc <- serveAPI(ctx, *addr, hc, gdb, srv.Client(), []byte(c.linkSecret), log, reg) }()
	fmt.Fprintf(stdout, devBanner, *addr, *addr, token, *addr, adminUsername, password, c.temporal, *uiPort, workflows.TaskQueue, *dir)
	err = <-errc
	stop()
	if err2 := <-errc; err == nil {
		err = err2
	}
	return err
}

// adminToken issues the first HR officer token of a new dev stack and
// keeps it in dir, so later runs print it again.
func adminToken(gdb *gorm.DB, dir string) (string, error) {
	file := filepath.Join(dir, "admin-token")
	if b, err := os.ReadFile(file); err == nil {
		if _, err := apikey.Lookup(gdb, strings.TrimSpace(string(b))); err == nil {
			return strings.TrimSpace(string(b)), nil
		}
	}
	tok, err := apikey.Issue(gdb, "dev admin", models.Actor{ID: "admin", Role: models.RoleHR})
	if err != nil {
		return "", err
	}
	return tok, os.WriteFile(file, []byte(tok+"\n"), 0o600)
}

const devBanner = `
Mutasi dev stack is up (Ctrl-C stops it).
  API:        http://%s/api/v1   (OpenAPI: http://%s/api/v1/openapi.json)
  Token:      %s   (HR officer; also in .mutasi/admin-token)
  Pages:      http://%s/   sign in as %s / %s   (HR officer; also in .mutasi/admin-password)
  Temporal:   %s   Web UI: http://localhost:%s
  Worker:     task queue %q
  Mail:       kept in the outbox_messages table (set --smtp to send)
  Logs:       %s/

Walk through a round with curl: see README.md.
`

// logFile is where the Temporal dev server's own logs go.
func logFile(dir string) io.Writer {
	f, err := os.OpenFile(filepath.Join(dir, "mutasi.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
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
