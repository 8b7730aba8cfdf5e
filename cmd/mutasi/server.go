package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/metrics"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/server"
	"github.com/bkpsdm/mutasi/sso"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

func init() {
	commands["server"] = command{"serve the HTTP API until interrupted", runServer}
	commands["token"] = command{"issue an API token for a role (token list, token revoke ID: see and end them)", runToken}
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
	hf := addHTTPFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	hc, err := hf.parse()
	if err != nil {
		return err
	}
	cd, err := c.needSecrets()
	if err != nil {
		return err
	}
	log := newLogger(c.logFormat, stderr)
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	apiLn, metricsLn, err := listenBoth(*addr, *metricsAddr)
	if err != nil {
		return err
	}
	defer closeOnReturn(apiLn, metricsLn)
	reg := metrics.New()
	tc, err := c.dial(log, reg, cd)
	if err != nil {
		return err
	}
	defer tc.Close()
	serveMetrics(ctx, reg, metricsLn, log)
	return serveAPI(ctx, apiLn, hc, gdb, tc, cd.DataConverter(), c, log, reg)
}

// httpFlags are the flags of `mutasi server` and `mutasi dev` that say
// how the API treats its clients' connections, and how the pages sign
// people in.
type httpFlags struct {
	trustedProxies, readTimeout, writeTimeout, idleTimeout, maxConns, maxConnsPerClient *string
	// sso connects an identity provider.
	sso *ssoFlags
	// zone is the government's time zone (timeZoneFlag).
	zone *string
	// invitationTTL is how long an account invitation's link works.
	invitationTTL *string
}

// httpConfig is what httpFlags say, parsed.
type httpConfig struct {
	conns          server.Conns
	trustedProxies []netip.Prefix
	// sso is the pages' single sign-on, nil when none.
	sso *sso.Client
	// zone is the government's time zone.
	zone *time.Location
	// invitationTTL is how long an account invitation's link works.
	invitationTTL time.Duration
}

// addHTTPFlags registers the httpFlags on fs, their defaults those of
// server.DefaultConns.
func addHTTPFlags(fs *flag.FlagSet) *httpFlags {
	d := server.DefaultConns()
	return &httpFlags{
		trustedProxies: fs.String("trusted-proxies", env("MUTASI_TRUSTED_PROXIES", ""),
			"comma-separated addresses or CIDR networks of the reverse proxies whose X-Forwarded-For names the client; default none (MUTASI_TRUSTED_PROXIES)"),
		readTimeout: fs.String("http-read-timeout", env("MUTASI_HTTP_READ_TIMEOUT", d.ReadTimeout.String()),
			"time a client has to send a whole request (MUTASI_HTTP_READ_TIMEOUT)"),
		writeTimeout: fs.String("http-write-timeout", env("MUTASI_HTTP_WRITE_TIMEOUT", d.WriteTimeout.String()),
			"time to answer a request, from the end of its headers (MUTASI_HTTP_WRITE_TIMEOUT)"),
		idleTimeout: fs.String("http-idle-timeout", env("MUTASI_HTTP_IDLE_TIMEOUT", d.IdleTimeout.String()),
			"time a keep-alive connection may wait for its next request (MUTASI_HTTP_IDLE_TIMEOUT)"),
		maxConns: fs.String("http-max-conns", env("MUTASI_HTTP_MAX_CONNS", strconv.Itoa(d.MaxTotal)),
			"connections held at once by all clients; keep it below the open-file limit (MUTASI_HTTP_MAX_CONNS)"),
		maxConnsPerClient: fs.String("http-max-conns-per-client", env("MUTASI_HTTP_MAX_CONNS_PER_CLIENT", strconv.Itoa(d.MaxPerClient)),
			"connections held at once by one client address (an IPv6 /64); trusted proxies are not limited (MUTASI_HTTP_MAX_CONNS_PER_CLIENT)"),
		sso:  addSSOFlags(fs),
		zone: timeZoneFlag(fs),
		invitationTTL: fs.String("invitation-ttl", env("MUTASI_INVITATION_TTL", "7d"),
			"how long an account invitation's link works, e.g. 7d or 72h (MUTASI_INVITATION_TTL)"),
	}
}

// parse checks the flags' values: durations and counts must be positive.
func (f *httpFlags) parse() (httpConfig, error) {
	hc := httpConfig{conns: server.DefaultConns()}
	var err error
	if hc.zone, err = time.LoadLocation(*f.zone); err != nil || *f.zone == "" {
		return hc, fmt.Errorf("--time-zone %q: want an IANA name such as Asia/Makassar", *f.zone)
	}
	if hc.trustedProxies, err = server.ParseTrustedProxies(*f.trustedProxies); err != nil {
		return hc, fmt.Errorf("--trusted-proxies: %w", err)
	}
	for _, d := range []struct {
		flag  string
		value string
		to    *time.Duration
	}{{"http-read-timeout", *f.readTimeout, &hc.conns.ReadTimeout}, {"http-write-timeout", *f.writeTimeout, &hc.conns.WriteTimeout},
		{"http-idle-timeout", *f.idleTimeout, &hc.conns.IdleTimeout}} {
		if *d.to, err = time.ParseDuration(d.value); err != nil || *d.to <= 0 {
			return hc, fmt.Errorf("--%s %q: want a positive duration such as 30s or 2m", d.flag, d.value)
		}
	}
	ttl, err := models.ParseDuration(*f.invitationTTL)
	if err != nil || ttl.Std() <= 0 {
		return hc, fmt.Errorf("--invitation-ttl %q: want a positive duration such as 7d or 72h", *f.invitationTTL)
	}
	hc.invitationTTL = ttl.Std()
	for _, n := range []struct {
		flag  string
		value string
		to    *int
	}{{"http-max-conns", *f.maxConns, &hc.conns.MaxTotal}, {"http-max-conns-per-client", *f.maxConnsPerClient, &hc.conns.MaxPerClient}} {
		if *n.to, err = strconv.Atoi(n.value); err != nil || *n.to <= 0 {
			return hc, fmt.Errorf("--%s %q: want a positive number", n.flag, n.value)
		}
	}
	hc.sso, err = f.sso.parse()
	return hc, err
}

// serveAPI serves the API on tcp, counting its requests into reg, until
// ctx is done, then shuts down gracefully.
func serveAPI(ctx context.Context, tcp net.Listener, hc httpConfig, gdb *gorm.DB, tc client.Client, payloads converter.DataConverter,
	c *config, log *slog.Logger, reg *metrics.Registry) error {
	api := &server.Server{DB: gdb, Temporal: tc, Payloads: payloads, LinkSecret: []byte(c.linkSecret), Log: log,
		TrustedProxies: hc.trustedProxies, SSO: hc.sso, TimeZone: hc.zone, Middleware: []gin.HandlerFunc{reg.Middleware()},
		BaseURL: c.baseURL, InvitationTTL: hc.invitationTTL}
	srv, ln := api.HTTP(tcp, hc.conns)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("API listening", "addr", tcp.Addr().String())
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
	if len(args) > 0 && (args[0] == "list" || args[0] == "revoke") {
		return runTokens(args[0], args[1:], stdout, stderr)
	}
	fs, c := newFlags("token", stderr)
	expires := fs.String("expires", "90d", "how long the token works, e.g. 30d, 12w or 720h (at most 730d)")
	role := fs.String("role", "", "admin, hr_officer, tpk, ppk, employee or system")
	name := fs.String("name", "", "who the token is for, e.g. \"TPK Kota Banjarbaru\"")
	id := fs.String("actor", "", "the actor ID recorded in the audit trail (default: the token's ID)")
	nip := fs.String("nip", "", "the employee's NIP (role employee)")
	units := fs.String("units", "", "comma-separated unit IDs an approver may act on (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ttl, err := models.ParseDuration(*expires)
	if err != nil {
		return fmt.Errorf("--expires: %w", err)
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
	tok, err := apikey.IssueFor(gdb, *name, a, ttl.Std())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	fmt.Fprintln(os.Stderr, "keep it safe: only its hash is stored; it works until", time.Now().Add(ttl.Std()).Format(time.DateOnly))
	return nil
}

// runTokens lists the tokens (`token list`) or revokes one by its ID
// (`token revoke ID`), which then gets 401 at once.
func runTokens(sub string, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("token "+sub, stderr)
	limit := fs.Int("limit", 100, "how many of the newest tokens to list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if sub == "revoke" && fs.NArg() != 1 {
		return errors.New("usage: mutasi token revoke ID (the ID is the part after mts_ that token list shows)")
	}
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	if sub == "revoke" {
		// The audit trail records the shell as the system.
		if _, err := apikey.Revoke(gdb, fs.Arg(0), models.Actor{ID: "mutasi-cli", Role: models.RoleSystem}); err != nil {
			return fmt.Errorf("token %s: %w", fs.Arg(0), err)
		}
		fmt.Fprintln(stdout, "revoked", fs.Arg(0))
		return nil
	}
	keys, err := apikey.List(gdb, *limit)
	if err != nil {
		return err
	}
	day := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.DateOnly)
	}
	fmt.Fprintln(stdout, "ID\tROLE\tACTOR\tNAME\tCREATED\tEXPIRES\tREVOKED")
	for _, k := range keys {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, k.ActorID, k.Name, k.CreatedAt.Format(time.DateOnly),
			day(k.ExpiresAt), day(k.RevokedAt))
	}
	return nil
}
