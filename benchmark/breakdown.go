package benchmark

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
)

// breakdown records where the API's decisions spend their time, in the
// same run, from the Temporal SDK's own timers: the update each request
// makes, the wait of the workflow task that carries it, that task's
// execution, and the local activities (the database work) inside it. It
// records only while on.
type breakdown struct {
	mu    sync.Mutex
	on    bool
	parts map[string][]time.Duration
	// prefix starts the names of the parts recorded now (label).
	prefix string
}

// start clears what was recorded and starts recording.
func (k *breakdown) start() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.on, k.parts, k.prefix = true, map[string][]time.Duration{}, ""
}

// label starts the names of the parts recorded from now on with prefix:
// the decisions measured in turn keep their parts apart.
func (k *breakdown) label(prefix string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.prefix = prefix
}

// stop stops recording.
func (k *breakdown) stop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.on = false
}

func (k *breakdown) observe(part string, d time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.on {
		k.parts[k.prefix+part] = append(k.parts[k.prefix+part], d)
	}
}

// names lists the recorded parts, sorted.
func (k *breakdown) names() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Sorted(maps.Keys(k.parts))
}

// describe is one part's row value: its p50, p99 and count.
func (k *breakdown) describe(part string) string {
	k.mu.Lock()
	ds := slices.Clone(k.parts[part])
	k.mu.Unlock()
	if len(ds) == 0 {
		return "none"
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return fmt.Sprintf("p50 %.1f ms, p99 %.1f ms (%d)", ms(at(0.50)), ms(at(0.99)), len(ds))
}

// sdkTimers name the parts of a decision after the Temporal SDK's timers
// and their tags; the SDK's other timers are not recorded.
var sdkTimers = map[string]func(tags map[string]string) string{
	"temporal_long_request_latency": func(tags map[string]string) string {
		if tags["operation"] == "UpdateWorkflowExecution" {
			return "1. the Temporal update, from request to outcome"
		}
		return ""
	},
	"temporal_workflow_task_schedule_to_start_latency": func(tags map[string]string) string {
		return "2. its workflow task waiting for a worker (schedule to start, " + tags["workflow_type"] + ")"
	},
	"temporal_workflow_task_execution_latency": func(tags map[string]string) string {
		return "3. the workflow task's execution, local activities included (" + tags["workflow_type"] + ")"
	},
	"temporal_local_activity_execution_latency": func(tags map[string]string) string {
		return "4. local activity " + tags["activity_type"] + " (its database transaction)"
	},
	"temporal_request_latency": func(tags map[string]string) string {
		if tags["operation"] == "RespondWorkflowTaskCompleted" {
			return "5. the workflow task's completion sent to the server"
		}
		return ""
	},
}

// metrics is a Temporal SDK metrics handler that records sdkTimers.
func (k *breakdown) metrics() client.MetricsHandler { return sdkMetrics{k: k} }

type sdkMetrics struct {
	k    *breakdown
	tags map[string]string
}

func (m sdkMetrics) WithTags(tags map[string]string) client.MetricsHandler {
	all := maps.Clone(m.tags)
	if all == nil {
		all = map[string]string{}
	}
	maps.Copy(all, tags)
	return sdkMetrics{k: m.k, tags: all}
}

func (m sdkMetrics) Counter(name string) client.MetricsCounter {
	return client.MetricsNopHandler.Counter(name)
}

func (m sdkMetrics) Gauge(name string) client.MetricsGauge {
	return client.MetricsNopHandler.Gauge(name)
}

func (m sdkMetrics) Timer(name string) client.MetricsTimer {
	part := ""
	if f, ok := sdkTimers[name]; ok {
		part = f(m.tags)
	}
	if part == "" {
		return client.MetricsNopHandler.Timer(name)
	}
	return timerFunc(func(d time.Duration) { m.k.observe(part, d) })
}

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }
