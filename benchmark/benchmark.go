// Package benchmark measures Mutasi against Temporal itself, on one dev
// server in one run: the pipeline's throughput from a round's
// confirmation to every transfer awaiting the TPK, next to a bare
// workflow with the same number of no-op activities (the engine's limit
// on the machine); the API's latency at a fixed request rate; and the
// worker's memory with thousands of transfers open. `mutasi bench` runs
// it and prints the table.
package benchmark

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/codec"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/worker"
	"github.com/bkpsdm/mutasi/workflows"
)

// Config says what to measure and where.
type Config struct {
	// AdminDSN is a PostgreSQL database from which a fresh database is
	// created for the run and dropped after it.
	AdminDSN string
	// Sizes are the round sizes of the throughput measurement.
	Sizes []int
	// Rate is the API request rate, per second; Duration how long each
	// endpoint is attacked.
	Rate     int
	Duration time.Duration
	// MemoryTransfers is how many transfers are held open for the memory
	// measurement; 0 skips it. WorkerCommand runs a worker as its own
	// process for it (e.g. the mutasi binary and "worker").
	MemoryTransfers int
	WorkerCommand   []string
	// Load is how many busy processes run beside the measurements, each
	// spinning on a CPU, so that the figures show a loaded machine.
	Load int
	// CPUProfile, when set, is the file a CPU profile of the process
	// during the decisions is written to.
	CPUProfile string
	// TemporalAddress is the frontend of a running Temporal (e.g. the
	// cluster of scripts/cluster.sh) to measure on; empty starts a dev
	// server for the run.
	TemporalAddress string
	// CommitWithTemporal runs the worker with
	// activities.Activities.CommitWithTemporal: only on a cluster whose
	// state is on the run's PostgreSQL server.
	CommitWithTemporal bool
	// ServerMetrics, when set, is the host:port of the Temporal server's
	// Prometheus metrics, read around each side's slices of decisions to
	// split the server's time by side; the dev server the run starts
	// serves them on its port.
	ServerMetrics string
	// Log receives progress.
	Log io.Writer
}

// Row is one line of the report.
type Row struct {
	Measure string
	Value   string
	Target  string
	Met     string // "yes", "no" or "" when there is no target
}

// Report is what a run measured.
type Report struct {
	Machine string
	Started time.Time
	// Load is how many busy processes ran beside the measurements.
	Load int
	// CommitWithTemporal is Config's.
	CommitWithTemporal bool
	Rows               []Row
}

// Table renders the report as a Markdown table under the machine's
// description.
func (r Report) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s\nRun: %s\nLoad: %d busy processes\nCommit with Temporal: %v\n\n", r.Machine, r.Started.Format(time.RFC3339), r.Load,
		r.CommitWithTemporal)
	fmt.Fprintf(&b, "| measure | value | target | met |\n|---|---|---|---|\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", row.Measure, row.Value, row.Target, row.Met)
	}
	return b.String()
}

// bench is one run's environment.
type bench struct {
	cfg        Config
	ctx        context.Context
	c          client.Client
	hostPort   string
	gdb        *gorm.DB
	dsn        string
	report     *Report
	stopWorker func()
	// span is how long each endpoint is attacked when fewer transfers
	// await the TPK than Config.Duration needs; zero for the whole of it.
	span time.Duration
	// times says where the decisions' time goes.
	times breakdown
	// payloadKeys encrypt the run's payloads (MUTASI_PAYLOAD_KEYS), and
	// payloads is their data converter.
	payloadKeys string
	payloads    converter.DataConverter
	// temporalPID is the Temporal server's process, once found (cpuNow).
	temporalPID int
	// load is the busy processes' IDs.
	load []int
	// dir is the run's temporary directory, which holds the dev server's
	// state.
	dir string
}

// duration is how long each endpoint is attacked.
func (b *bench) duration() time.Duration {
	if b.span > 0 {
		return b.span
	}
	return b.cfg.Duration
}

func (b *bench) logf(format string, args ...any) {
	if b.cfg.Log != nil {
		fmt.Fprintf(b.cfg.Log, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}

func (b *bench) add(measure, value, target string, met *bool) {
	row := Row{Measure: measure, Value: value, Target: target}
	if met != nil {
		row.Met = map[bool]string{true: "yes", false: "no"}[*met]
	}
	b.report.Rows = append(b.report.Rows, row)
	b.logf("%s: %s (target %s)", measure, value, target)
}

// benchCache is the bench process's sticky workflow cache: room for every
// transfer and bare workflow it runs.
const benchCache = 20000

// Run runs every measurement and returns the report.
func Run(ctx context.Context, cfg Config) (Report, error) {
	rep := Report{Machine: Machine(), Started: time.Now(), Load: cfg.Load, CommitWithTemporal: cfg.CommitWithTemporal}
	if cfg.CommitWithTemporal && cfg.TemporalAddress == "" {
		return rep, fmt.Errorf("committing with Temporal needs a cluster on this PostgreSQL server: the dev server keeps its state elsewhere")
	}
	b := &bench{cfg: cfg, ctx: ctx, report: &rep}
	stopLoad, load, err := startLoad(cfg.Load)
	if err != nil {
		return rep, err
	}
	defer stopLoad()
	b.load = load
	dir, err := os.MkdirTemp("", "mutasi-bench-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(dir)
	b.dir = dir
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	// Payloads are encrypted, as in production.
	if b.payloadKeys, err = codec.NewKey("bench"); err != nil {
		return rep, err
	}
	cd, err := codec.Parse(b.payloadKeys)
	if err != nil {
		return rep, err
	}
	b.payloads = cd.DataConverter()
	if cfg.TemporalAddress != "" {
		b.logf("measuring on the Temporal server at %s", cfg.TemporalAddress)
		c, err := client.Dial(client.Options{HostPort: cfg.TemporalAddress, Logger: quiet, MetricsHandler: b.times.metrics(),
			DataConverter: cd.DataConverter(), ConnectionOptions: codec.Connection()})
		if err != nil {
			return rep, err
		}
		defer c.Close()
		b.c, b.hostPort = c, cfg.TemporalAddress
	} else {
		b.logf("starting the Temporal dev server (state on disk, as mutasi dev)")
		o := devtemporal.Options{DBFile: filepath.Join(dir, "temporal.db"), Logger: quiet,
			Metrics: b.times.metrics(), DataConverter: cd.DataConverter(), Connection: codec.Connection()}
		if cfg.ServerMetrics != "" {
			if _, o.MetricsPort, err = net.SplitHostPort(cfg.ServerMetrics); err != nil {
				return rep, fmt.Errorf("server metrics: %w", err)
			}
		}
		srv, err := devtemporal.Start(ctx, o)
		if err != nil {
			return rep, err
		}
		defer srv.Stop()
		b.c, b.hostPort = srv.Client(), srv.FrontendHostPort()
	}

	drop, err := b.freshDatabase()
	if err != nil {
		return rep, err
	}
	defer drop()
	largest := 0
	for _, n := range cfg.Sizes {
		largest = max(largest, n)
	}
	// Selection proposes about one employee in ten (95 of 1,000, 494 of
	// 4,500): twelve per transfer leave room.
	employees := max(1000, largest*12)
	b.logf("seeding a government of %d employees", employees)
	if err := seed.Load(b.gdb, seed.Generate(employees, time.Now(), 7)); err != nil {
		return rep, err
	}
	acts := &activities.Activities{DB: b.gdb, BaseURL: "http://mutasi.bench", LinkSecret: []byte(linkSecret),
		CommitWithTemporal: cfg.CommitWithTemporal}
	// The bench process also hosts the bare workflows, which would push
	// the transfers out of a cache capped as in production (worker.New):
	// it keeps them all. The memory row measures the production worker.
	sdkworker.SetStickyWorkflowCacheSize(benchCache)
	w := sdkworker.New(b.c, workflows.TaskQueue, worker.Options())
	worker.Register(w, acts)
	if err := w.Start(); err != nil {
		return rep, err
	}
	b.stopWorker = sync1(w.Stop)
	defer b.stopWorker()
	checkAudit, stopSealer, err := b.sealAudit()
	if err != nil {
		return rep, err
	}
	defer stopSealer()

	var rounds []string
	for _, n := range cfg.Sizes {
		id, err := b.throughput(n)
		if err != nil {
			return rep, err
		}
		rounds = append(rounds, id)
	}
	if cfg.Rate > 0 && len(rounds) > 0 {
		if err := b.latency(rounds); err != nil {
			return rep, err
		}
	}
	if cfg.MemoryTransfers > 0 {
		b.stopWorker()
		if err := b.memory(cfg.MemoryTransfers); err != nil {
			return rep, err
		}
	}
	checkAudit()
	return rep, nil
}

// sync1 makes f safe to call more than once.
func sync1(f func()) func() {
	done := false
	return func() {
		if !done {
			done = true
			f()
		}
	}
}

// linkSecret signs the benchmark's survey links.
const linkSecret = "bench-secret"

// benchPool is how many PostgreSQL connections the bench process keeps.
const benchPool = 40

// freshDatabase creates and migrates a database for the run; the function
// it returns drops it.
func (b *bench) freshDatabase() (func(), error) {
	admin, err := db.Open(b.cfg.AdminDSN)
	if err != nil {
		return nil, err
	}
	r := make([]byte, 5)
	rand.Read(r)
	name := "mutasi_bench_" + hex.EncodeToString(r)
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		return nil, fmt.Errorf("create the benchmark database: %w", err)
	}
	b.dsn = b.cfg.AdminDSN + " dbname=" + name
	if b.gdb, err = db.Open(b.dsn); err != nil {
		return nil, err
	}
	// The bench process serves the API, runs the worker and probes the
	// database at once: a larger pool than one process's, all of it kept,
	// so that a burst does not open and close connections.
	if sqlDB, err := b.gdb.DB(); err == nil {
		sqlDB.SetMaxOpenConns(benchPool)
		sqlDB.SetMaxIdleConns(benchPool)
	}
	if err := db.Migrate(b.gdb); err != nil {
		return nil, err
	}
	b.logf("database %s", name)
	return func() {
		if sqlDB, err := b.gdb.DB(); err == nil {
			sqlDB.Close()
		}
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	}, nil
}

// settings keep every timer of the benchmark's transfers far away, so
// they stay where the measurement left them.
func settings() models.RoundSettings {
	s := models.DefaultSettings()
	s.DecisionReminder, s.DecisionEscalation = models.Duration(30*24*time.Hour), models.Duration(60*24*time.Hour)
	return s
}

// Machine describes the machine the run is on.
func Machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf(", %.1f GB RAM", float64(kb)/1024/1024)
	}
	return fmt.Sprintf("%s, %d logical CPUs%s, %s/%s, %s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// pauseLoad stops the busy processes (SIGSTOP) until the function it
// returns lets them go on (SIGCONT).
func (b *bench) pauseLoad() func() {
	signal := func(sig syscall.Signal) {
		for _, pid := range b.load {
			syscall.Kill(pid, sig)
		}
	}
	signal(syscall.SIGSTOP)
	return func() { signal(syscall.SIGCONT) }
}

// startLoad starts n processes that each keep a CPU busy, and returns
// what stops them, and their process IDs.
func startLoad(n int) (stop func(), pids []int, err error) {
	var hogs []*exec.Cmd
	stop = func() {
		for _, h := range hogs {
			h.Process.Kill()
			h.Wait()
		}
	}
	for range n {
		h := exec.Command("sh", "-c", "while :; do :; done")
		if err := h.Start(); err != nil {
			stop()
			return nil, nil, fmt.Errorf("start a busy process: %w", err)
		}
		hogs, pids = append(hogs, h), append(pids, h.Process.Pid)
	}
	return stop, pids, nil
}
