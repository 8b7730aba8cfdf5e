package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/codec"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/decree"
	"github.com/bkpsdm/mutasi/metrics"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/outbox"
	"github.com/bkpsdm/mutasi/schedule"
)

// config is what the long-running commands share; every value has a flag
// and an environment variable, the flag winning.
type config struct {
	databaseURL string
	temporal    string
	namespace   string
	smtpAddr    string
	smtpFrom    string
	smtpUser    string
	smtpPass    string
	smtpSec     string
	webhookURL  string
	webhookKey  string
	channel     string
	baseURL     string
	linkSecret  string
	decreeLogo  string
	logFormat   string
	dir         string
	// auditKey signs the audit trail's checkpoints (base64 seed), which
	// are appended to auditCheckpoints.
	auditKey         string
	auditCheckpoints string
	// payloadKeys encrypt what goes to Temporal (package codec).
	payloadKeys string
	// temporalTLS is the connection to Temporal's TLS (temporalTLS.config).
	temporalTLS temporalTLS
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// defaultDatabaseURL stands for the dev stack's embedded SQLite database,
// mutasi.db in the state folder (--dir); production sets
// MUTASI_DATABASE_URL (or DATABASE_URL) to PostgreSQL.
const defaultDatabaseURL = "sqlite:<dir>/mutasi.db"

// defaultDir is the dev stack's state folder.
const defaultDir = ".mutasi"

// newFlags makes a subcommand's flag set with the shared config's flags
// registered on it.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *config) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	c.flags(fs)
	return fs, c
}

// flags registers the config's flags on fs.
func (c *config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.databaseURL, "database-url", env("MUTASI_DATABASE_URL", env("DATABASE_URL", defaultDatabaseURL)),
		"PostgreSQL DSN, or sqlite:<file> (MUTASI_DATABASE_URL or DATABASE_URL)")
	fs.StringVar(&c.temporal, "temporal", env("MUTASI_TEMPORAL_ADDRESS", "127.0.0.1:7233"), "Temporal frontend host:port (MUTASI_TEMPORAL_ADDRESS)")
	c.temporalTLS.flags(fs)
	fs.StringVar(&c.namespace, "namespace", env("MUTASI_TEMPORAL_NAMESPACE", "default"), "Temporal namespace (MUTASI_TEMPORAL_NAMESPACE)")
	fs.StringVar(&c.smtpAddr, "smtp", env("MUTASI_SMTP_ADDR", ""), "SMTP server host:port; empty keeps mail in the outbox table (MUTASI_SMTP_ADDR)")
	fs.StringVar(&c.smtpFrom, "smtp-from", env("MUTASI_SMTP_FROM", "bkpsdm@mutasi.local"), "sender address (MUTASI_SMTP_FROM)")
	fs.StringVar(&c.smtpUser, "smtp-user", env("MUTASI_SMTP_USER", ""), "SMTP username (MUTASI_SMTP_USER)")
	fs.StringVar(&c.smtpPass, "smtp-password", env("MUTASI_SMTP_PASSWORD", ""), "SMTP password (MUTASI_SMTP_PASSWORD)")
	fs.StringVar(&c.smtpSec, "smtp-security", env("MUTASI_SMTP_SECURITY", notify.SecurityStartTLS),
		"SMTP connection: starttls (port 587), tls (implicit, port 465) or none (a relay on this host) (MUTASI_SMTP_SECURITY)")
	fs.StringVar(&c.webhookURL, "webhook-url", env("MUTASI_WEBHOOK_URL", ""),
		"messaging gateway (e.g. a WhatsApp gateway) notices to employees' phones are posted to, signed (MUTASI_WEBHOOK_URL)")
	fs.StringVar(&c.webhookKey, "webhook-secret", env("MUTASI_WEBHOOK_SECRET", ""),
		"secret of the webhook's HMAC-SHA256 signature, at least 16 characters (MUTASI_WEBHOOK_SECRET)")
	fs.StringVar(&c.channel, "notify-channel", env("MUTASI_NOTIFY_CHANNEL", string(models.ChannelEmail)),
		"how employees without a preference of their own are told: email, webhook or both (MUTASI_NOTIFY_CHANNEL)")
	fs.StringVar(&c.baseURL, "base-url", env("MUTASI_BASE_URL", "http://localhost:8080"), "public URL of the service, for survey links and the decrees' QR codes (MUTASI_BASE_URL)")
	fs.StringVar(&c.linkSecret, "link-secret", env("MUTASI_LINK_SECRET", ""), "secret that signs survey links (MUTASI_LINK_SECRET)")
	fs.StringVar(&c.decreeLogo, "decree-logo", env("MUTASI_DECREE_LOGO", ""), "PNG file of the government's logo, on the decrees' letterhead (MUTASI_DECREE_LOGO)")
	fs.StringVar(&c.logFormat, "log-format", env("MUTASI_LOG_FORMAT", "text"), "text or json (MUTASI_LOG_FORMAT)")
	fs.StringVar(&c.dir, "dir", env("MUTASI_DIR", defaultDir), "the dev stack's state folder, which holds the default SQLite database (MUTASI_DIR)")
	fs.StringVar(&c.payloadKeys, "payload-keys", env("MUTASI_PAYLOAD_KEYS", ""),
		"keys that encrypt what goes to Temporal, id:base64key,... the first encrypting, from `mutasi payload-key` (MUTASI_PAYLOAD_KEYS)")
	fs.StringVar(&c.auditKey, "audit-signing-key", env("MUTASI_AUDIT_SIGNING_KEY", ""),
		"key that signs the audit trail's checkpoints, from `mutasi audit-key`; keep it out of the database (MUTASI_AUDIT_SIGNING_KEY)")
	fs.StringVar(&c.auditCheckpoints, "audit-checkpoints", env("MUTASI_AUDIT_CHECKPOINTS", ""),
		"file the signed audit checkpoints are appended to, outside the database; they are logged too (MUTASI_AUDIT_CHECKPOINTS)")
}

// dbURL is the database the command uses: the one configured, or the dev
// stack's SQLite file in the state folder.
func (c *config) dbURL() string {
	if c.databaseURL == defaultDatabaseURL {
		return "sqlite:" + filepath.Join(c.dir, "mutasi.db")
	}
	return c.databaseURL
}

// openDB opens and migrates an existing database. A SQLite file that is
// not there is an error rather than a new empty database, so a command run
// from the wrong folder says so instead of working on nothing.
func (c *config) openDB() (*gorm.DB, error) {
	if file, ok := strings.CutPrefix(c.dbURL(), "sqlite:"); ok {
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: run this from the folder where `mutasi dev` runs, pass --dir to its state folder, or set MUTASI_DATABASE_URL", file)
		}
	}
	return c.createDB()
}

// createDB opens and migrates the database, creating a SQLite file that
// is not there yet.
func (c *config) createDB() (*gorm.DB, error) {
	gdb, err := db.Open(c.dbURL())
	if err != nil {
		return nil, err
	}
	return gdb, db.Migrate(gdb)
}

// metricsFlag registers --metrics-addr: where the process serves its
// Prometheus metrics, apart from the API's public port.
func metricsFlag(fs *flag.FlagSet, def string) *string {
	// An empty MUTASI_METRICS_ADDR serves none, as an empty flag does (env
	// takes an empty variable for one not set).
	if v, set := os.LookupEnv("MUTASI_METRICS_ADDR"); set {
		def = v
	}
	return fs.String("metrics-addr", def,
		"where /metrics is served, never on the API's port; empty serves none (MUTASI_METRICS_ADDR)")
}

// listen listens on addr for what flag sets, so that a taken port stops
// the command as it starts and says which flag to change; an empty addr
// listens on nothing (nil).
func listen(flag, addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, addr, err)
	}
	return ln, nil
}

// listenBoth listens on the API's address and on the metrics' (none when
// empty) before the command starts anything else.
func listenBoth(apiAddr, metricsAddr string) (api, metrics net.Listener, err error) {
	if apiAddr == "" {
		return nil, nil, fmt.Errorf("--http-addr is empty: give host:port, e.g. :8080 (port 0: any free port)")
	}
	if api, err = listen("--http-addr", apiAddr); err != nil {
		return nil, nil, err
	}
	if metrics, err = listen("--metrics-addr", metricsAddr); err != nil {
		api.Close()
		return nil, nil, err
	}
	return api, metrics, nil
}

// closeOnReturn closes the listeners not nil; deferred where a command
// listens, it lets go of them when the command ends early (serving
// closes them too, which a second close does not mind).
func closeOnReturn(lns ...net.Listener) {
	for _, ln := range lns {
		if ln != nil {
			ln.Close()
		}
	}
}

// keepSchedule sets the periodic evaluation's schedule up, in the
// background, trying again every minute until it succeeds or ctx ends: a
// failure (Temporal busy, or the worker not allowed to manage schedules)
// is logged and holds up no transfer.
func keepSchedule(ctx context.Context, c client.Client, e schedule.Evaluation, log *slog.Logger) {
	go func() {
		for {
			err := schedule.Ensure(ctx, c, e)
			if err == nil || ctx.Err() != nil {
				return
			}
			log.Error("periodic evaluation schedule not set up; trying again in a minute", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Minute):
			}
		}
	}()
}

// serveMetrics serves reg's /metrics on ln (none when nil) in the
// background until ctx is done; a failure is logged and leaves the rest
// running.
func serveMetrics(ctx context.Context, reg *metrics.Registry, ln net.Listener, log *slog.Logger) {
	if ln == nil {
		return
	}
	go func() {
		if err := reg.Serve(ctx, ln); err != nil {
			log.Error("metrics not served", "addr", ln.Addr().String(), "error", err)
		}
	}()
}

// dial connects to Temporal, over TLS when the temporal-tls flags ask
// for it, logging through log, counting the SDK's metrics into reg, and
// encrypting every payload with cd.
func (c *config) dial(log *slog.Logger, reg *metrics.Registry, cd *codec.Codec) (client.Client, error) {
	conn := codec.Connection()
	var err error
	if conn.TLS, err = c.temporalTLS.config(); err != nil {
		return nil, err
	}
	return client.Dial(client.Options{HostPort: c.temporal, Namespace: c.namespace,
		Logger: tlog.NewStructuredLogger(log), MetricsHandler: reg.Temporal(), DataConverter: cd.DataConverter(),
		ConnectionOptions: conn})
}

// codec is the payload codec of the configured keys, which are required:
// nothing goes to Temporal in plain text.
func (c *config) codec() (*codec.Codec, error) {
	if c.payloadKeys == "" {
		return nil, fmt.Errorf("set MUTASI_PAYLOAD_KEYS (or --payload-keys): they encrypt what goes to Temporal; `mutasi payload-key` makes one")
	}
	cd, err := codec.Parse(c.payloadKeys)
	if err != nil {
		return nil, fmt.Errorf("--payload-keys: %w", err)
	}
	return cd, nil
}

// needSecrets refuses to go on without the secret that signs and checks
// survey links, or without the keys that encrypt what goes to Temporal:
// there is no fallback written in the code. It returns the keys' codec.
func (c *config) needSecrets() (*codec.Codec, error) {
	if err := c.needLinkSecret(); err != nil {
		return nil, err
	}
	// The TLS files of the connection to Temporal (a client key among
	// them) are checked here too, before anything starts.
	if _, err := c.temporalTLS.config(); err != nil {
		return nil, err
	}
	return c.codec()
}

// needLinkSecret refuses to go on without the secret that signs and
// checks survey links.
func (c *config) needLinkSecret() error {
	if c.linkSecret == "" {
		return fmt.Errorf("set MUTASI_LINK_SECRET (or --link-secret): it signs and checks survey links")
	}
	return nil
}

// activities builds the activities on gdb.
func (c *config) activities(gdb *gorm.DB) (*activities.Activities, error) {
	if err := c.needLinkSecret(); err != nil {
		return nil, err
	}
	var logo []byte
	if c.decreeLogo != "" {
		b, err := os.ReadFile(c.decreeLogo)
		if err == nil {
			err = decree.CheckLogo(b)
		}
		if err != nil {
			return nil, fmt.Errorf("--decree-logo %s: %w", c.decreeLogo, err)
		}
		logo = b
	}
	channel, err := models.ParseChannel(c.channel)
	if err != nil {
		return nil, fmt.Errorf("--notify-channel %q: %w", c.channel, err)
	}
	if channel.Sends(models.ChannelWebhook) && c.webhookURL == "" {
		return nil, fmt.Errorf("--notify-channel %s needs --webhook-url", channel)
	}
	return &activities.Activities{DB: gdb, BaseURL: c.baseURL, LinkSecret: []byte(c.linkSecret),
		Relayed: c.smtpAddr != "", HookRelayed: c.webhookURL != "", Channel: channel, DecreeLogo: logo}, nil
}

// webhook is the messaging gateway's sender; nil when none is set.
func (c *config) webhook() (notify.Mailer, error) {
	if c.webhookURL == "" {
		return nil, nil
	}
	u, err := url.Parse(c.webhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("--webhook-url %q: want an http or https URL", c.webhookURL)
	}
	if len(c.webhookKey) < 16 {
		return nil, errors.New("--webhook-secret: at least 16 characters, so that signatures cannot be guessed")
	}
	return notify.Webhook{URL: c.webhookURL, Secret: []byte(c.webhookKey)}, nil
}

// startSealer seals the audit trail's new lines until ctx is done,
// signing checkpoints of its head when a key is set.
func (c *config) startSealer(ctx context.Context, gdb *gorm.DB, log *slog.Logger) error {
	s := &auditchain.Sealer{DB: gdb, Checkpoints: c.auditCheckpoints, Log: log}
	if c.auditKey == "" {
		log.Warn("audit checkpoints are off: set MUTASI_AUDIT_SIGNING_KEY (mutasi audit-key makes one) so that a rewritten audit trail shows")
	} else {
		key, err := auditchain.ParseKey(c.auditKey)
		if err != nil {
			return fmt.Errorf("--audit-signing-key: %w", err)
		}
		s.Key = key
	}
	go s.Run(ctx)
	return nil
}

// startRelay sends the outbox's messages over the configured SMTP server
// and webhook until ctx is done. Without --smtp the e-mail stays in the
// outbox, where `mutasi outbox` shows it; so do webhook messages without
// --webhook-url.
func (c *config) startRelay(ctx context.Context, gdb *gorm.DB, log *slog.Logger) error {
	hook, err := c.webhook()
	if err != nil {
		return err
	}
	r := &outbox.Relay{DB: gdb, Log: log, Webhook: hook}
	if c.smtpAddr == "" {
		if hook != nil {
			go r.Run(ctx)
		}
		return nil
	}
	host, port, err := net.SplitHostPort(c.smtpAddr)
	if err != nil {
		return fmt.Errorf("--smtp %q: %w", c.smtpAddr, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return fmt.Errorf("--smtp %q: bad port", c.smtpAddr)
	}
	if !slices.Contains(notify.Securities, c.smtpSec) {
		return fmt.Errorf("--smtp-security %q: want one of %v", c.smtpSec, notify.Securities)
	}
	r.Mailer = notify.SMTP{Host: host, Port: p, From: c.smtpFrom, Username: c.smtpUser, Password: c.smtpPass, Security: c.smtpSec}
	go r.Run(ctx)
	return nil
}
