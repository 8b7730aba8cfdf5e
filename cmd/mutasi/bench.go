package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/benchmark"
)

func init() {
	commands["bench"] = command{"measure throughput against a bare workflow, API latency and worker memory", runBench}
}

// runBench runs the benchmark on a Temporal dev server it starts (or the
// running one --cluster names) and a fresh PostgreSQL database, prints the
// table and writes it to a file.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("bench", stderr)
	admin := fs.String("admin-database-url", env("MUTASI_BENCH_DATABASE_URL", "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"),
		"PostgreSQL database the benchmark creates its own database from (MUTASI_BENCH_DATABASE_URL)")
	sizes := fs.String("sizes", "200,1000", "round sizes of the throughput measurement")
	rate := fs.Int("rate", 50, "API requests per second; 0 skips the latency measurement")
	duration := fs.Duration("duration", 10*time.Second, "how long each endpoint is attacked")
	open := fs.Int("open-transfers", 10000, "transfers held open for the memory measurement; 0 skips it")
	out := fs.String("out", "bench-results.md", "file the table is written to")
	load := fs.Int("load", 0, "busy processes kept running beside the measurements, each spinning on a CPU")
	profile := fs.String("cpu-profile", "", "file to write a CPU profile of the bench process during the decisions to (go tool pprof reads it)")
	cluster := fs.String("cluster", "", "measure on the Temporal frontend at host:port (scripts/cluster.sh) instead of a dev server it starts")
	withTemporal := fs.Bool("commit-with-temporal", false,
		"run the worker with --commit-with-temporal: only with --cluster on the PostgreSQL server of --admin-database-url")
	serverMetrics := fs.String("server-metrics", "",
		"host:port of the Temporal server's Prometheus metrics, to split its time per decision by side (the dev server the bench starts serves them there; scripts/cluster.sh's at 127.0.0.1:7300)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := benchmark.Config{AdminDSN: *admin, Rate: *rate, Duration: *duration, MemoryTransfers: *open, Log: stderr,
		TemporalAddress: *cluster, Load: *load, CPUProfile: *profile, CommitWithTemporal: *withTemporal,
		ServerMetrics: *serverMetrics}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--sizes: %q is not a round size", s)
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	if *open > 0 {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		cfg.WorkerCommand = []string{self, "worker"}
	}
	rep, err := benchmark.Run(ctx, cfg)
	table := rep.Table()
	fmt.Fprint(stdout, table)
	if werr := os.WriteFile(*out, []byte(table), 0o644); werr != nil && err == nil {
		err = werr
	}
	return err
}
