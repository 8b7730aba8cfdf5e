package faults

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/testkit"
)

// roundTimeout bounds one fault round.
const roundTimeout = 8 * time.Minute

// startTemporal starts a dev server with its state in memory.
func startTemporal(t *testing.T) client.Client {
	t.Helper()
	return testkit.Temporal(t, devtemporal.Options{Logger: quietLogger()}).Client()
}

// runRound runs a round of transfers transfers with fault injected once a
// third of the decisions are in, and checks the outcome.
func runRound(t *testing.T, c client.Client, gdb *gorm.DB, id string, fault func(t *testing.T, start time.Time)) {
	ctx, cancel := context.WithTimeout(context.Background(), roundTimeout)
	defer cancel()
	start := time.Now()
	r := startRound(ctx, t, c, gdb, id)
	logf(t, start, "round %s confirmed: %d transfers, %d removed", id, len(r.proposals), len(r.removed))
	injected := r.at(ctx, r.totalUpdates()/3, func() { fault(t, start) })
	r.drive(ctx, 24)
	logf(t, start, "all %d decisions accepted (%d calls repeated)", r.updates.Load(), r.retries.Load())
	<-injected
	summary := r.wait(ctx)
	logf(t, start, "round completed: %+v", summary.ByStage)
	r.check(ctx, gdb, summary)
	logf(t, start, "checked")
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

// workerProcess is `mutasi worker` running as its own OS process.
type workerProcess struct {
	cmd *exec.Cmd
	out *bytes.Buffer
}

// startWorkerProcess starts `mutasi worker` against the Temporal server
// and the database.
func startWorkerProcess(t *testing.T, hostPort, dsn string) *workerProcess {
	t.Helper()
	bin, err := mutasiBinary()
	if err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "worker", "--temporal", hostPort, "--database-url", dsn,
		"--metrics-addr", fmt.Sprintf("127.0.0.1:%d", port), "--base-url", "http://mutasi.test")
	cmd.Env = append(os.Environ(), "MUTASI_LINK_SECRET="+linkSecret, "MUTASI_SMTP_ADDR=", "MUTASI_PAYLOAD_KEYS="+testkit.PayloadKeys)
	w := &workerProcess{cmd: cmd, out: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = w.out, w.out
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
		if t.Failed() {
			t.Logf("worker output:\n%s", tail(w.out.String(), 4000))
		}
	})
	return w
}

// kill kills the worker with SIGKILL: no graceful stop, activities cut
// off in the middle of their transactions.
func (w *workerProcess) kill(t *testing.T) {
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := w.cmd.Wait()
	if ws, ok := w.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("worker ended with %v, want killed by SIGKILL", err)
	}
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
	seedGovernment(t, gdb)
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
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	opts := devtemporal.Options{DBFile: filepath.Join(t.TempDir(), "temporal.db"),
		HostPort: fmt.Sprintf("127.0.0.1:%d", port), Logger: quietLogger(), DataConverter: testkit.DataConverter()}
	srv, err := devtemporal.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start the Temporal dev server: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	c := dial(t, opts.HostPort)
	gdb, _ := testkit.New(t)
	seedGovernment(t, gdb)
	testkit.Worker(t, c, gdb, linkSecret)
	runRound(t, c, gdb, "RESTART", func(t *testing.T, start time.Time) {
		if err := srv.Stop(); err != nil {
			logf(t, start, "dev server stopped: %v", err)
		}
		logf(t, start, "Temporal dev server stopped")
		time.Sleep(5 * time.Second)
		srv, err = devtemporal.Start(context.Background(), opts)
		if err != nil {
			t.Errorf("restart the Temporal dev server: %v", err)
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
	seedGovernment(t, gdb)
	wdb, err := db.Open(pg.DSN("mutasi"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(wdb) })
	c := startTemporal(t)
	testkit.Worker(t, c, wdb, linkSecret)
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
