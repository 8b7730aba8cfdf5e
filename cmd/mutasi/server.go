package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/metrics"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/server"
	"go.temporal.io/sdk/client"
)

func init() {
	commands["server"] = command{"serve the HTTP API until interrupted", runServer}
	commands["token"] = command{"issue an API token for a role", runToken}
}

// newLogger makes the process's logger: text for people, JSON for log
// collectors.
func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func runServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("server", stderr)
	addr := fs.String("http-addr", env("MUTASI_HTTP_ADDR", ":8080"), "address the API listens on (MUTASI_HTTP_ADDR)")
	metricsAddr := metricsFlag(fs, ":9091")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := c.needLinkSecret(); err != nil {
		return err
	}
	log := newLogger(c.logFormat, stderr)
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	reg := metrics.New()
	tc, err := c.dial(log, reg)
	if err != nil {
		return err
	}
	defer tc.Close()
	serveMetrics(ctx, reg, *metricsAddr, log)
	return serveAPI(ctx, *addr, gdb, tc, []byte(c.linkSecret), log, reg)
}

// serveAPI serves the API on addr, counting its requests into reg, until
// ctx is done, then shuts down gracefully.
func serveAPI(ctx context.Context, addr string, gdb *gorm.DB, tc client.Client, secret []byte, log *slog.Logger,
	reg *metrics.Registry) error {
	api := &server.Server{DB: gdb, Temporal: tc, LinkSecret: secret, Log: log,
		Middleware: []gin.HandlerFunc{reg.Middleware()}}
	srv := &http.Server{Addr: addr, Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("API listening", "addr", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("token", stderr)
	role := fs.String("role", "", "hr_officer, tpk, ppk, employee or system")
	name := fs.String("name", "", "who the token is for, e.g. \"TPK Kota Banjarbaru\"")
	id := fs.String("actor", "", "the actor ID recorded in the audit trail (default: the token's ID)")
	nip := fs.String("nip", "", "the employee's NIP (role employee)")
	units := fs.String("units", "", "comma-separated unit IDs an approver may act on (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	a := models.Actor{ID: *id, Role: models.Role(*role), NIP: *nip}
	if *nip != "" && a.ID == "" {
		a.ID = *nip
	}
	for _, u := range strings.Split(*units, ",") {
		if u = strings.TrimSpace(u); u != "" {
			a.Units = append(a.Units, u)
		}
	}
	tok, err := apikey.Issue(gdb, *name, a)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	fmt.Fprintln(os.Stderr, "keep it safe: only its hash is stored")
	return nil
}
