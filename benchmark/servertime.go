package benchmark

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// serverOps are the Temporal server's operations a decision passes
// through whose time the report splits by side: the update (which waits
// for the worker's task), the task's hand-over to matching and to the
// worker, its completion, and the writes of the workflow's state. Each is
// a Prometheus histogram family with its service and operation.
var serverOps = []serverOp{
	{"service_latency", "history", "UpdateWorkflowExecution"},
	{"service_latency", "matching", "AddWorkflowTask"},
	{"service_latency", "history", "RecordWorkflowTaskStarted"},
	{"service_latency", "history", "RespondWorkflowTaskCompleted"},
	{"persistence_latency", "history", "UpdateWorkflowExecution"},
}

// serverOp names one histogram of the Temporal server's metrics.
type serverOp struct{ family, service, operation string }

func (o serverOp) String() string {
	if o.family == "persistence_latency" {
		return o.service + "'s store, " + o.operation
	}
	return o.service + " " + o.operation
}

// serverTime is the time the server has spent so far in each of
// serverOps (the histograms' sums, over all their other labels).
type serverTime map[serverOp]time.Duration

// parseServerTime reads serverOps' sums from a Prometheus text
// exposition (the format of `temporal server start-dev --metrics-port`
// and of the cluster's prometheus listener).
func parseServerTime(r io.Reader) (serverTime, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	t := serverTime{}
	for _, op := range serverOps {
		for _, m := range families[op.family].GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["service_name"] == op.service && labels["operation"] == op.operation {
				t[op] += time.Duration(m.GetHistogram().GetSampleSum() * float64(time.Second))
			}
		}
	}
	return t, nil
}

// readServerTime scrapes the Prometheus endpoint at addr (host:port).
func readServerTime(ctx context.Context, addr string) (serverTime, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s/metrics answered %s", addr, resp.Status)
	}
	return parseServerTime(resp.Body)
}

// serverSpent is the server's time over some stretches, unless lost: a
// stretch was not read.
type serverSpent struct {
	time serverTime
	lost bool
}

// add adds the time spent between two readings; a missing one (nil)
// loses the sum.
func (s *serverSpent) add(before, after serverTime) {
	if before == nil || after == nil {
		s.lost = true
		return
	}
	for op, d := range after {
		s.time[op] += d - before[op]
	}
}

// serverTimeRows are the report's rows of the server's time per
// decision, each side's total divided by its decisions.
func serverTimeRows(api, bare serverTime, nAPI, nBare uint64) []Row {
	var rows []Row
	for _, op := range serverOps {
		rows = append(rows, Row{Measure: "… the Temporal server's time per decision (mean), " + op.String(),
			Value: fmt.Sprintf("%.1f ms; bare %.1f ms", ms(api[op])/float64(max(nAPI, 1)), ms(bare[op])/float64(max(nBare, 1)))})
	}
	return rows
}

// serverTime reads the server's time so far from Config.ServerMetrics;
// nil when it is not set, or when the reading fails (logged).
func (b *bench) serverTime() serverTime {
	if b.cfg.ServerMetrics == "" {
		return nil
	}
	t, err := readServerTime(b.ctx, b.cfg.ServerMetrics)
	if err != nil {
		b.logf("the Temporal server's metrics not read: %v", err)
		return nil
	}
	return t
}
