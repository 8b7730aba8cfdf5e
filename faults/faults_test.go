package faults

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/testworker"
)

// roundTimeout bounds one fault round.
const roundTimeout = 8 * time.Minute

// startTemporal starts a dev server with its state in memory.
func startTemporal(t *testing.T) client.Client {
	t.Helper()
	return testkit.Temporal(t, devtemporal.Options{Logger: quietLogger()}).Client()
}

// runRound runs a round of transfers transfers, acting straight on
// Temporal, with fault injected once a third of the decisions are in, and
// checks the outcome.
func runRound(t *testing.T, c client.Client, gdb *gorm.DB, id string, fault func(t *testing.T, start time.Time)) {
	ctx, cancel := context.WithTimeout(context.Background(), roundTimeout)
	defer cancel()
	start := time.Now()
	r, summary := runFaultyRound(ctx, t, c, gdb, id, transfers, onTemporal{c}, start, fault)
	r.check(ctx, gdb, summary)
	logf(t, start, "checked")
}

// runFaultyRound starts and confirms a round of n transfers, decides
// them with people, and injects the faults in turn, spread evenly over
// the decisions; it returns once the round has completed, with the
// round's summary.
func runFaultyRound(ctx context.Context, t *testing.T, c client.Client, gdb *gorm.DB, id string, n int, people people,
	start time.Time, faults ...func(t *testing.T, start time.Time)) (*round, models.RoundSummary) {
	r := startRound(ctx, t, c, gdb, id, n, people)
	logf(t, start, "round %s confirmed: %d transfers, %d removed", id, len(r.proposals), len(r.removed))
	injected := r.at(ctx, func(i int) int64 { return r.totalUpdates() * int64(i+1) / int64(len(faults)+1) }, len(faults),
		func(i int) { faults[i](t, start) })
	r.drive(ctx, 24)
	logf(t, start, "all %d decisions accepted (%d calls repeated)", r.updates.Load(), r.retries.Load())
	<-injected
	summary := r.wait(ctx)
	logf(t, start, "round completed: %+v", summary.ByStage)
	return r, summary
}

// binDir holds the mutasi binary the tests build; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// mutasiBinary builds the mutasi command once per test run.
var mutasiBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "mutasi-faults-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "mutasi")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/mutasi").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/mutasi: %v\n%s", err, out)
	}
	return bin, nil
})

// runMutasi runs a mutasi command to its end and returns its output.
func runMutasi(args ...string) (string, error) {
	bin, err := mutasiBinary()
	if err != nil {
		return "", err
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// process is a mutasi command running as its own OS process.
type process struct {
	cmd *exec.Cmd
	out *testkit.Output
}

// startProcess starts the mutasi command args with the fault tests'
// secrets and env added to its environment; it is stopped (SIGTERM) when
// the test ends, and its output logged if the test failed.
func startProcess(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	bin, err := mutasiBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "MUTASI_LINK_SECRET="+linkSecret, "MUTASI_SMTP_ADDR=",
		"MUTASI_PAYLOAD_KEYS="+testkit.PayloadKeys, "MUTASI_BASE_URL=http://mutasi.test"), env...)
	p := &process{cmd: cmd, out: &testkit.Output{}}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(40 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		}
		// The worker's own account of a failed workflow task, which the
		// server records only as its cause.
		if lines := grepLines(p.out.String(), 10, "Failed to process workflow task", "Workflow panic"); lines != "" {
			t.Logf("mutasi %s's failed workflow tasks:\n%s", args[0], lines)
		}
		if t.Failed() {
			t.Logf("mutasi %s output:\n%s", args[0], tail(p.out.String(), 4000))
		}
	})
	return p
}

// startWorkerProcess starts `mutasi worker` against the Temporal server
// and the database, with env added to its environment.
func startWorkerProcess(t *testing.T, hostPort, dsn string, env ...string) *process {
	t.Helper()
	return startProcess(t, env, "worker", "--temporal", hostPort, "--database-url", dsn,
		"--metrics-addr", fmt.Sprintf("127.0.0.1:%d", mustFreePort(t)))
}

// stop stops the process gracefully (SIGTERM) and waits for it.
func (p *process) stop(t *testing.T) {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("mutasi %s stopped with %v", p.cmd.Args[1], err)
	}
}

// kill kills the process with SIGKILL: no graceful stop, activities and
// requests cut off in the middle of their transactions.
func (p *process) kill(t *testing.T) {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := p.cmd.Wait()
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("mutasi %s ended with %v, want killed by SIGKILL", p.cmd.Args[1], err)
	}
}

// grepLines is the first n lines of s that hold any of subs.
func grepLines(s string, n int, subs ...string) string {
	var out []string
	for line := range strings.Lines(s) {
		if len(out) < n && slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(line, sub) }) {
			out = append(out, strings.TrimRight(line, "\n"))
		}
	}
	return strings.Join(out, "\n")
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// TestWorkerKilledMidRound kills the worker process with SIGKILL while a
// round of 200 transfers is under way, starts a new one, and checks that
// nothing was lost or doubled.
func TestWorkerKilledMidRound(t *testing.T) {
	srv := testkit.Temporal(t, devtemporal.Options{Logger: quietLogger()})
	gdb, dsn := testkit.New(t)
	seedGovernment(t, gdb, transfers)
	w := startWorkerProcess(t, srv.FrontendHostPort(), dsn)
	runRound(t, srv.Client(), gdb, "KILL", func(t *testing.T, start time.Time) {
		w.kill(t)
		logf(t, start, "worker killed with SIGKILL")
		time.Sleep(2 * time.Second)
		w = startWorkerProcess(t, srv.FrontendHostPort(), dsn)
		logf(t, start, "worker restarted")
	})
}

// TestTemporalRestartedMidRound stops the Temporal dev server, which
// keeps its state in a file, while a round of 200 transfers is under way,
// starts it again on the same file and port, and checks that nothing was
// lost or doubled. The worker and the test's client reconnect on their
// own.
func TestTemporalRestartedMidRound(t *testing.T) {
	testkit.Needs(t, "the Temporal CLI")
	out := &testkit.Output{}
	opts := devtemporal.Options{DBFile: filepath.Join(t.TempDir(), "temporal.db"), Output: out,
		HostPort: fmt.Sprintf("127.0.0.1:%d", mustFreePort(t)), Logger: quietLogger(), DataConverter: testkit.DataConverter()}
	srv, err := devtemporal.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start the Temporal dev server: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	c := dial(t, opts.HostPort)
	gdb, _ := testkit.New(t)
	seedGovernment(t, gdb, transfers)
	testworker.Start(t, c, gdb, linkSecret)
	runRound(t, c, gdb, "RESTART", func(t *testing.T, start time.Time) {
		if err := srv.Stop(); err != nil {
			logf(t, start, "dev server stopped: %v", err)
		}
		logf(t, start, "Temporal dev server stopped")
		time.Sleep(5 * time.Second)
		srv, err = devtemporal.Start(context.Background(), opts)
		if err != nil {
			t.Errorf("restart the Temporal dev server: %v\nits output:\n%s", err, tail(out.String(), 3000))
			return
		}
		logf(t, start, "Temporal dev server restarted")
	})
}

// TestPostgresDownMidRound stops a private PostgreSQL cluster for twenty
// seconds while a round of 200 transfers is under way. Activities fail
// and retry; the round completes with nothing lost or doubled.
func TestPostgresDownMidRound(t *testing.T) {
	ctx := context.Background()
	pg, err := StartPGCluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("PostgreSQL log:\n%s", tail(pg.Log(), 3000))
		}
		pg.Remove()
	})
	admin, err := db.Open(pg.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Exec("CREATE DATABASE mutasi").Error; err != nil {
		t.Fatal(err)
	}
	closeDB(admin)
	gdb, err := db.Open(pg.DSN("mutasi"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(gdb) })
	if err := db.Migrate(gdb); err != nil {
		t.Fatal(err)
	}
	seedGovernment(t, gdb, transfers)
	wdb, err := db.Open(pg.DSN("mutasi"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(wdb) })
	c := startTemporal(t)
	testworker.Start(t, c, wdb, linkSecret)
	runRound(t, c, gdb, "PGDOWN", func(t *testing.T, start time.Time) {
		if err := pg.Stop(ctx); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
			return
		}
		logf(t, start, "PostgreSQL stopped")
		time.Sleep(20 * time.Second)
		if err := pg.Start(ctx); err != nil {
			t.Errorf("start PostgreSQL: %v", err)
			return
		}
		logf(t, start, "PostgreSQL started again after 20s")
	})
}

func closeDB(gdb *gorm.DB) {
	if sqlDB, err := gdb.DB(); err == nil {
		sqlDB.Close()
	}
}
