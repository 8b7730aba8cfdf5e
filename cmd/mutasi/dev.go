package main

import (
	"context"
	"crypto/rand"
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
	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/codec"
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

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("dev", stderr)
	employees := fs.Int("employees", 2000, "size of the demo government loaded into an empty database")
	uiPort := fs.String("ui-port", "8233", "port of the Temporal Web UI")
	addr := fs.String("http-addr", env("MUTASI_HTTP_ADDR", "127.0.0.1:8080"), "address the API listens on")
	metricsAddr := metricsFlag(fs, "127.0.0.1:9090") // the API's and the worker's
	hf := addHTTPFlags(fs)
	evaluation := evaluationFlags(fs, hf.zone)
	if err := fs.Parse(args); err != nil {
		return err
	}
	hc, err := hf.parse()
	if err != nil {
		return err
	}
	ev, err := evaluation()
	if err != nil {
		return err
	}
	apiLn, metricsLn, err := listenBoth(*addr, *metricsAddr)
	if err != nil {
		return err
	}
	defer closeOnReturn(apiLn, metricsLn)
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	if c.linkSecret == "" {
		secret, err := devSecret(c.dir)
		if err != nil {
			return err
		}
		c.linkSecret = secret
	}
	if err := c.devKeys(); err != nil {
		return err
	}
	if err := ensureDatabase(c.dbURL()); err != nil {
		return err
	}
	gdb, err := c.createDB()
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
	log := newLogger(c.logFormat, logFile(c.dir))
	reg := metrics.New()
	cd, err := c.codec()
	if err != nil {
		return err
	}
	srv, err := devtemporal.Start(ctx, devtemporal.Options{DBFile: filepath.Join(c.dir, "temporal.db"),
		HostPort: c.temporal, UIPort: *uiPort, Output: logFile(c.dir), Logger: tlog.NewStructuredLogger(log),
		Metrics: reg.Temporal(), DataConverter: cd.DataConverter(), Connection: codec.Connection()})
	if err != nil {
		return err
	}
	defer srv.Stop()
	acts, err := c.activities(gdb)
	if err != nil {
		return err
	}
	token, err := adminToken(gdb, c.dir)
	if err != nil {
		return err
	}
	password, err := devAccount(gdb, c.dir, adminUsername, "Admin BKPSDM", models.RoleHR)
	if err != nil {
		return err
	}
	superPassword, err := devAccount(gdb, c.dir, superadminUsername, "Superadmin", models.RoleAdmin)
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if err := c.startRelay(ctx, gdb, log); err != nil {
		return err
	}
	if err := c.startSealer(ctx, gdb, log); err != nil {
		return err
	}
	serveMetrics(ctx, reg, metricsLn, log)
	keepSchedule(ctx, srv.Client(), ev, log)
	errc := make(chan error, 2)
	go func() { errc <- worker.Run(ctx, srv.Client(), acts) }()
	go func() {
		errc <- serveAPI(ctx, apiLn, hc, gdb, srv.Client(), cd.DataConverter(), c, log, reg)
	}()
	metricsURL := "none (--metrics-addr is empty)"
	if metricsLn != nil {
		metricsURL = "http://" + metricsLn.Addr().String() + metrics.Path
	}
	fmt.Fprintf(stdout, devBanner, apiLn.Addr().String(), token, filepath.Join(c.dir, "admin-token"), adminUsername, password,
		filepath.Join(c.dir, "admin-password"), c.temporal, *uiPort, workflows.TaskQueue, metricsURL, c.dir,
		superadminUsername, superPassword, filepath.Join(c.dir, superadminUsername+"-password"))
	err = <-errc
	stop()
	if err2 := <-errc; err == nil {
		err = err2
	}
	return err
}

// devSecret returns the dev stack's survey-link secret, kept in dir: made
// at random on the first run, so no two dev stacks share one and nobody
// can forge a link from the source code.
func devSecret(dir string) (string, error) {
	return devKept(dir, "link-secret", func(v string) bool { return len(v) >= 32 },
		func() (string, error) { return rand.Text() + rand.Text(), nil })
}

// devKept returns the secret kept in file in the dev stack's folder dir
// when ok accepts it, or else makes one with fresh and keeps it there,
// readable by its owner only.
func devKept(dir, file string, ok func(string) bool, fresh func() (string, error)) (string, error) {
	path := filepath.Join(dir, file)
	if b, err := os.ReadFile(path); err == nil && ok(strings.TrimSpace(string(b))) {
		return strings.TrimSpace(string(b)), nil
	}
	v, err := fresh()
	if err != nil {
		return "", err
	}
	return v, os.WriteFile(path, []byte(v+"\n"), 0o600)
}

// devKeys gives the dev stack the keys it needs and has not been given,
// each kept in its state folder: the payload key, and the audit
// checkpoints' signing key and file.
func (c *config) devKeys() error {
	var err error
	if c.payloadKeys == "" {
		c.payloadKeys, err = devKept(c.dir, "payload-keys", func(v string) bool { _, err := codec.Parse(v); return err == nil },
			func() (string, error) { return codec.NewKey("dev1") })
		if err != nil {
			return err
		}
	}
	if c.auditCheckpoints == "" {
		c.auditCheckpoints = filepath.Join(c.dir, devAuditCheckpoints)
	}
	if c.auditKey == "" {
		c.auditKey, err = devKept(c.dir, devAuditKeyFile, func(v string) bool { _, err := auditchain.ParseKey(v); return err == nil },
			func() (string, error) { secret, _, err := auditchain.NewKey(); return secret, err })
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

// devBanner tells what runs where; its arguments are, in order: the API
// address, the token and its file, the sign-in name, password and its
// file, Temporal's address and UI port, the task queue, the metrics URL,
// the state folder, and the accounts admin's sign-in name, password and
// its file.
const devBanner = `
Mutasi dev stack is up (Ctrl-C stops it).
  API:        http://%[1]s/api/v1   (OpenAPI: http://%[1]s/api/v1/openapi.json)
  Token:      %[2]s   (HR officer; also in %[3]s)
  Pages:      http://%[1]s/   sign in as %[4]s / %[5]s   (HR officer; also in %[6]s)
              or as %[12]s / %[13]s   (admin: accounts and tokens; also in %[14]s)
  Temporal:   %[7]s   Web UI: http://localhost:%[8]s
  Worker:     task queue %[9]q
  Metrics:    %[10]s
  Mail:       kept in the outbox_messages table: mutasi outbox --dir %[11]s (set --smtp to send)
  State:      %[11]s/ (database, logs, secrets; other commands take --dir %[11]s)

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
