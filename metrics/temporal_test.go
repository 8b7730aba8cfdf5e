package metrics_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/metrics"
	"github.com/bkpsdm/mutasi/testkit"
)

// The SDK's metrics are served under Prometheus names: counters summed per
// series with _total, gauges at their last value, timers as histograms in
// seconds with the buckets of timerBuckets. As the SDK does, every use of
// a name carries the same tags.
func TestTemporalHandlerServesCountersGaugesTimers(t *testing.T) {
	reg := metrics.New()
	h := reg.Temporal()
	ns := h.WithTags(map[string]string{"namespace": "default", "task_queue": "none"})
	q := h.WithTags(map[string]string{"namespace": "other", "task_queue": "mutasi"})

	ns.Counter("temporal_request").Inc(2)
	ns.Counter("temporal_request").Inc(3) // same series again
	q.Counter("temporal_request").Inc(4)
	ns.Gauge("temporal_num_pollers").Update(2)
	ns.Gauge("temporal_num_pollers").Update(5)
	q.Gauge("temporal_num_pollers").Update(1.5)
	ns.Timer("temporal_request_latency").Record(20 * time.Millisecond)
	ns.Timer("temporal_request_latency").Record(3 * time.Second)
	ns.Timer("temporal_request_latency").Record(2 * 7 * 24 * time.Hour) // a transfer's end-to-end latency

	srv := httptest.NewServer(reg.Handler())
	defer srv.Close()
	fams := scrape(t, srv.URL)
	checkConsistentLabels(t, fams)

	value := func(name string, labels map[string]string, want float64) {
		t.Helper()
		m := find(fams, name, labels)
		if m == nil {
			t.Errorf("no %s%v", name, labels)
			return
		}
		if got := m.GetCounter().GetValue() + m.GetGauge().GetValue(); got != want {
			t.Errorf("%s%v = %v, want %v", name, labels, got, want)
		}
	}
	value("temporal_request_total", map[string]string{"namespace": "default", "task_queue": "none"}, 5)
	value("temporal_request_total", map[string]string{"namespace": "other", "task_queue": "mutasi"}, 4)
	if n := len(fams["temporal_request_total"].Metric); n != 2 {
		t.Errorf("temporal_request_total has %d series, want 2", n)
	}
	value("temporal_num_pollers", map[string]string{"namespace": "default", "task_queue": "none"}, 5)
	value("temporal_num_pollers", map[string]string{"namespace": "other", "task_queue": "mutasi"}, 1.5)

	m := find(fams, "temporal_request_latency_seconds", map[string]string{"namespace": "default", "task_queue": "none"})
	if m == nil {
		t.Fatalf("no temporal_request_latency_seconds; families %v", names(fams))
	}
	hist := m.GetHistogram()
	if want := 3.02 + 14*86400; hist.GetSampleCount() != 3 || hist.GetSampleSum() != want {
		t.Errorf("latency count %d sum %v, want 3 and %v", hist.GetSampleCount(), hist.GetSampleSum(), want)
	}
	if n := len(hist.Bucket); n < 20 {
		t.Errorf("latency has %d buckets, want the buckets from a millisecond to weeks", n)
	}
	for _, b := range hist.Bucket {
		var want uint64
		switch {
		case b.GetUpperBound() >= 14*86400:
			want = 3
		case b.GetUpperBound() >= 3:
			want = 2
		case b.GetUpperBound() >= 0.02:
			want = 1
		}
		if b.GetCumulativeCount() != want {
			t.Errorf("bucket le=%v holds %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
		}
	}
}

func TestTemporalHandlerConcurrentUse(t *testing.T) {
	reg := metrics.New()
	h := reg.Temporal()
	srv := httptest.NewServer(reg.Handler())
	defer srv.Close()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tagged := h.WithTags(map[string]string{"worker": string(rune('a' + i%2))})
			for range 1000 {
				tagged.Counter("temporal_poller_start").Inc(1)
				tagged.Timer("temporal_workflow_task_execution_latency").Record(time.Millisecond)
				tagged.Gauge("temporal_worker_task_slots_available").Update(1)
			}
		}()
	}
	scrape(t, srv.URL) // while they write
	wg.Wait()
	fams := scrape(t, srv.URL)
	for _, w := range []string{"a", "b"} {
		m := find(fams, "temporal_poller_start_total", map[string]string{"worker": w})
		if m == nil || m.GetCounter().GetValue() != 4000 {
			t.Errorf("temporal_poller_start_total{worker=%q} = %v, want 4000", w, m)
		}
	}
}

// quiet is the SDK's logger in these tests.
var quiet = log.NewStructuredLogger(slog.New(slog.DiscardHandler))

// The workflows and activity below are what the SDK tests run to make
// metrics of their own.

// greet runs greeting as an activity.
func greet(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var s string
	err := workflow.ExecuteActivity(ctx, greeting, name).Get(ctx, &s)
	return s, err
}

// greetLocally runs greeting as a local activity and counts greetings with
// the workflow's metrics handler.
func greetLocally(ctx workflow.Context, name string) (string, error) {
	workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"language": "id"}).Counter("mutasi_greetings").Inc(1)
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var s string
	err := workflow.ExecuteLocalActivity(ctx, greeting, name).Get(ctx, &s)
	return s, err
}

func greeting(ctx context.Context, name string) (string, error) {
	activity.GetLogger(ctx).Debug("greeting", "name", name)
	return "Selamat pagi, " + name, nil
}

// The test suite emits the metrics of local activities and those a workflow
// makes through workflow.GetMetricsHandler; worker, request and workflow
// completion metrics come only from a real worker (next test).
func TestTemporalTestSuiteMetrics(t *testing.T) {
	reg := metrics.New()
	var s testsuite.WorkflowTestSuite
	s.SetMetricsHandler(reg.Temporal())
	s.SetLogger(quiet)
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(greetLocally)
	env.RegisterActivity(greeting)
	env.ExecuteWorkflow(greetLocally, "Budi")
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow: completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}

	srv := httptest.NewServer(reg.Handler())
	defer srv.Close()
	fams := scrape(t, srv.URL)
	checkConsistentLabels(t, fams)
	for _, c := range []struct {
		name   string
		labels map[string]string
	}{
		{"mutasi_greetings_total", map[string]string{"language": "id"}},
		{"temporal_local_activity_total", map[string]string{"workflow_type": "greetLocally", "activity_type": "greeting"}},
	} {
		if got := sum(fams, c.name, c.labels); got != 1 {
			t.Errorf("%s%v = %v, want 1; families %v", c.name, c.labels, got, names(fams))
		}
	}
	if fams["temporal_local_activity_execution_latency_seconds"] == nil {
		t.Errorf("no temporal_local_activity_execution_latency_seconds; families %v", names(fams))
	}
}

func TestTemporalDevServerMetrics(t *testing.T) {
	testkit.Needs(t, "the Temporal CLI")
	cli, err := devtemporal.FindCLI()
	if err != nil {
		t.Fatal(err) // scripts/test.sh installs it
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	reg := metrics.New()
	dev, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  cli,
		LogLevel:      "error",
		Stdout:        io.Discard,
		ClientOptions: &client.Options{MetricsHandler: reg.Temporal(), Logger: quiet},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Stop()
	c := dev.Client()

	w := sdkworker.New(c, "metrics-test", sdkworker.Options{})
	w.RegisterWorkflow(greet)
	w.RegisterActivity(greeting)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for _, id := range []string{"greet-1", "greet-2"} {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: "metrics-test"}, greet, "Siti")
		if err != nil {
			t.Fatal(err)
		}
		var s string
		if err := run.Get(ctx, &s); err != nil || s != "Selamat pagi, Siti" {
			t.Fatalf("workflow %s: %q, %v", id, s, err)
		}
	}

	srv := httptest.NewServer(reg.Handler())
	defer srv.Close()
	// The worker counts a completion after it has told the server, so the
	// client may see the result a moment before the counter moves.
	greets := map[string]string{"namespace": "default", "task_queue": "metrics-test", "workflow_type": "greet"}
	done := func(fams map[string]*dto.MetricFamily) bool {
		return sum(fams, "temporal_workflow_completed_total", greets) >= 2 &&
			sum(fams, "temporal_workflow_endtoend_latency_seconds", greets) >= 2
	}
	fams := scrape(t, srv.URL)
	pollCtx, stopPoll := context.WithTimeout(ctx, 10*time.Second)
	defer stopPoll()
	// Past the deadline, the checks below say which counter lags.
	_ = testkit.Poll(pollCtx, 50*time.Millisecond, "the workflow counters", func() bool {
		fams = scrape(t, srv.URL)
		return done(fams)
	})
	checkConsistentLabels(t, fams)
	if got := sum(fams, "temporal_workflow_completed_total", greets); got != 2 {
		t.Errorf("temporal_workflow_completed_total%v = %v, want 2", greets, got)
	}
	starts := map[string]string{"namespace": "default", "operation": "StartWorkflowExecution"}
	if got := sum(fams, "temporal_request_total", starts); got != 2 {
		t.Errorf("temporal_request_total%v = %v, want 2", starts, got)
	}
	workers := map[string]string{"task_queue": "metrics-test", "worker_type": "WorkflowWorker"}
	if got := sum(fams, "temporal_worker_start_total", workers); got != 1 {
		t.Errorf("temporal_worker_start_total%v = %v, want 1", workers, got)
	}
	acts := map[string]string{"activity_type": "greeting", "workflow_type": "greet"}
	if got := sum(fams, "temporal_activity_execution_latency_seconds", acts); got != 2 {
		t.Errorf("temporal_activity_execution_latency_seconds%v count = %v, want 2", acts, got)
	}
	for _, name := range []string{
		"temporal_request_latency_seconds",
		"temporal_long_request_total",
		"temporal_worker_start_total",
		"temporal_poller_start_total",
		"temporal_num_pollers",
		"temporal_worker_task_slots_available",
		"temporal_workflow_task_execution_latency_seconds",
		"temporal_workflow_endtoend_latency_seconds",
		"temporal_activity_execution_latency_seconds",
		"temporal_activity_succeed_endtoend_latency_seconds",
	} {
		if fams[name] == nil {
			t.Errorf("no %s; families %v", name, names(fams))
		}
	}
}
