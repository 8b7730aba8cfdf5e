package testkit

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.temporal.io/sdk/client"

	"github.com/bkpsdm/mutasi/codec"
	"github.com/bkpsdm/mutasi/db"
)

// ClusterServer is the production shape of Temporal started for a test
// (Cluster): the official server on PostgreSQL, in databases of the
// test's own.
type ClusterServer struct {
	tb       testing.TB
	root     string
	env      []string
	hostPort string
	client   client.Client
	// stop ends the running server process and waits for it.
	stop func()
}

// Client is a client of the server; it reconnects on its own after a
// Restart.
func (s *ClusterServer) Client() client.Client { return s.client }

// HostPort is the server's frontend address, for processes the test
// starts.
func (s *ClusterServer) HostPort() string { return s.hostPort }

// Cluster starts the production shape of Temporal for the test with
// scripts/cluster.sh (the official server on PostgreSQL), on free ports
// and in databases of the test's own; the server stops and its databases
// are dropped when the test ends. The first run on a machine builds the
// server (minutes). A port found free can be taken by another process
// before the server binds it: a start that fails is tried once more on
// other ports, and the first failure's errors are logged.
func Cluster(tb testing.TB) *ClusterServer {
	tb.Helper()
	Needs(tb, "PostgreSQL and the Temporal server build")
	root, err := moduleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	s, err := startCluster(tb, root)
	if err != nil {
		tb.Logf("scripts/cluster.sh failed to start, trying other ports: %v", err)
		s, err = startCluster(tb, root)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// startCluster makes one attempt at Cluster's work.
func startCluster(tb testing.TB, root string) (*ClusterServer, error) {
	b := make([]byte, 4)
	rand.Read(b)
	suffix := hex.EncodeToString(b)
	s := &ClusterServer{tb: tb, root: root, env: []string{"TEMPORAL_DB=temporal_" + suffix, "TEMPORAL_VISIBILITY_DB=temporal_visibility_" + suffix}}
	for _, name := range []string{"FRONTEND", "FRONTEND_HTTP", "HISTORY", "MATCHING", "WORKER", "FRONTEND_MEMBERSHIP",
		"HISTORY_MEMBERSHIP", "MATCHING_MEMBERSHIP", "WORKER_MEMBERSHIP", "METRICS"} {
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		if name == "FRONTEND" {
			s.hostPort = "127.0.0.1:" + strconv.Itoa(port)
		}
		s.env = append(s.env, fmt.Sprintf("TEMPORAL_%s_PORT=%d", name, port))
	}
	tb.Cleanup(func() {
		s.Stop()
		if admin, err := db.Open(AdminDSN()); err == nil {
			for _, name := range s.Databases() {
				admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			}
			closeDB(admin)
		}
	})
	if err := s.Start(); err != nil {
		return nil, err
	}
	c, err := client.Dial(client.Options{HostPort: s.hostPort, Logger: Logger(), DataConverter: DataConverter(),
		ConnectionOptions: codec.Connection()})
	if err != nil {
		return nil, err
	}
	tb.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return nil, err
	}
	s.client = c
	return s, nil
}

// Databases are the names of the server's two databases: its own and
// its visibility store.
func (s *ClusterServer) Databases() []string {
	return []string{strings.TrimPrefix(s.env[0], "TEMPORAL_DB="), strings.TrimPrefix(s.env[1], "TEMPORAL_VISIBILITY_DB=")}
}

// FailedWorkflowTasks counts, by cause, the workflow tasks the server
// failed when their completion came in (BAD_SEARCH_ATTRIBUTES,
// UNHANDLED_COMMAND, ...), from its failed_workflow_tasks metric since it
// last started. Such a failure drops the updates the task carried
// (WorkflowNotReady); with the SDK's own and timed-out tasks it is a bug
// until proven otherwise.
func (s *ClusterServer) FailedWorkflowTasks() (map[string]float64, error) {
	port := ""
	for _, kv := range s.env {
		if v, ok := strings.CutPrefix(kv, "TEMPORAL_METRICS_PORT="); ok {
			port = v
		}
	}
	resp, err := http.Get("http://127.0.0.1:" + port + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, err
	}
	counts := map[string]float64{}
	for _, m := range families["failed_workflow_tasks"].GetMetric() {
		cause := "unknown"
		for _, l := range m.GetLabel() {
			if l.GetName() == "failure" {
				cause = l.GetValue()
			}
		}
		counts[cause] += m.GetCounter().GetValue()
	}
	return counts, nil
}

// Stop stops the server (SIGTERM) and waits for it to exit.
func (s *ClusterServer) Stop() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// Restart stops the server and starts it again on the same ports and
// databases, as an operator's restart or an upgrade would. A start that
// fails is logged and tried once more: a busy machine can be slow to free
// a port.
func (s *ClusterServer) Restart() error {
	s.Stop()
	err := s.Start()
	if err != nil {
		s.tb.Logf("scripts/cluster.sh failed to start again, trying once more: %v", err)
		s.Stop()
		time.Sleep(2 * time.Second)
		err = s.Start()
	}
	return err
}

// Start runs scripts/cluster.sh and waits until it says the server is
// up: after a Stop, on the same ports and databases.
func (s *ClusterServer) Start() error {
	cmd := exec.Command(filepath.Join(s.root, "scripts", "cluster.sh"))
	cmd.Dir = s.root
	cmd.Env = append(os.Environ(), s.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	log := &strings.Builder{}
	var logMu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		return log.Write(p)
	})
	if err := cmd.Start(); err != nil {
		return err
	}
	s.stop = func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	}
	up := make(chan bool, 1)
	go func() {
		lines := bufio.NewScanner(out)
		lines.Buffer(make([]byte, 64<<10), 1<<20)
		for lines.Scan() {
			if strings.Contains(lines.Text(), "is up at") {
				up <- true
			} else {
				logMu.Lock()
				log.WriteString(lines.Text() + "\n")
				logMu.Unlock()
			}
		}
		up <- false
	}()
	select {
	case ok := <-up:
		if ok {
			return nil
		}
		logMu.Lock()
		defer logMu.Unlock()
		return fmt.Errorf("scripts/cluster.sh exited:\n%s", diagnose(log.String()))
	case <-time.After(15 * time.Minute):
		logMu.Lock()
		defer logMu.Unlock()
		return fmt.Errorf("scripts/cluster.sh did not come up:\n%s", diagnose(log.String()))
	}
}

// diagnose is what a failed start logged: the script's and the CLI's own
// lines and the server's fatal ones, where the cause is (else its first
// errors), then the end.
func diagnose(log string) string {
	var causes, errs []string
	for line := range strings.SplitSeq(log, "\n") {
		var entry struct{ Level, Msg, Error string }
		switch {
		case strings.TrimSpace(line) == "":
		case json.Unmarshal([]byte(line), &entry) != nil || entry.Level == "fatal":
			causes = append(causes, tail(line, 600))
		case entry.Level == "error" && len(errs) < 3:
			errs = append(errs, entry.Msg+": "+tail(entry.Error, 600))
		}
	}
	if len(causes) == 0 {
		causes = errs
	}
	return strings.Join(causes[:min(len(causes), 10)], "\n") + "\n...\n" + tail(log, 1500)
}

// moduleRoot is the folder of the module's go.mod, above the test's.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// FreePort finds a free loopback port between 20000 and 32000, below
// Linux's ephemeral range (32768 and up). Temporal keeps its membership
// ports in a smallint column; and a server restarted on the same port
// must find it still free, which a port in the ephemeral range is not
// sure to be: any outgoing connection meanwhile, even a client's retry
// to that very port, may take it as its source port.
func FreePort() (int, error) {
	for range 100 {
		port := 20000 + mathrand.IntN(12000)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free port between 20000 and 32000")
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// writerFunc is a function as an io.Writer.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
