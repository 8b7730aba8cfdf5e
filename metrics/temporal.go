package metrics

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// Temporal returns the registry as a Temporal SDK metrics handler: set it as
// client.Options.MetricsHandler and the SDK's own metrics (requests,
// pollers, task slots, workflow and activity tasks, completions and
// latencies) are served with the rest.
//
// Names are sanitized to Prometheus names (any character other than a
// letter, digit, '_' or ':' becomes '_'). A counter gets the suffix _total
// and a timer becomes a histogram in seconds with the suffix _seconds, so
// temporal_request is served as temporal_request_total and
// temporal_request_latency as temporal_request_latency_seconds. Tags become
// labels; a tag with an empty value is no label, as in Prometheus.
//
// Prometheus wants one set of label names per metric name. The SDK itself
// fills missing tags with "none", but workflow code (through
// workflow.GetMetricsHandler) or another SDK version may use one name with
// different tags, so every series of a name is served with the union of
// the label names used with that name, the labels a series lacks set to ""
// (which Prometheus reads as absent). If a name is used as two kinds of metric (say a gauge and a
// counter both served as x_total), the later kind gets its kind as a
// suffix (x_total_gauge).
func (r *Registry) Temporal() client.MetricsHandler {
	return &temporalHandler{c: r.sdk, tags: map[string]string{}}
}

// timerBuckets are the histogram buckets of Temporal timers, in seconds:
// from a millisecond (a request) through a minute (a long poll) to weeks (the
// end-to-end latency of a transfer workflow).
var timerBuckets = []float64{
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
	120, 300, 600, 1800, 3600, 6 * 3600, 86400, 7 * 86400, 28 * 86400,
}

// temporalHandler implements client.MetricsHandler: the tags it was made
// with, and the label pairs and series key they give.
type temporalHandler struct {
	c      *sdkCollector
	tags   map[string]string
	labels []labelPair // sanitized, sorted by name, no empty values
	key    string      // identifies labels within a family
}

type labelPair struct{ name, value string }

// WithTags implements client.MetricsHandler: the new tags are added to the
// handler's, overriding those with the same key.
func (h *temporalHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	labels, key := labelsOf(merged)
	return &temporalHandler{c: h.c, tags: merged, labels: labels, key: key}
}

// Counter implements client.MetricsHandler.
func (h *temporalHandler) Counter(name string) client.MetricsCounter {
	return h.c.series(name, kindCounter, h)
}

// Gauge implements client.MetricsHandler.
func (h *temporalHandler) Gauge(name string) client.MetricsGauge {
	return h.c.series(name, kindGauge, h)
}

// Timer implements client.MetricsHandler.
func (h *temporalHandler) Timer(name string) client.MetricsTimer {
	return h.c.series(name, kindTimer, h)
}

// labelsOf turns tags into sorted, sanitized label pairs and their key. Tags
// with empty values are left out; of two tags whose names sanitize to the
// same label name, the one whose original name sorts last wins.
func labelsOf(tags map[string]string) ([]labelPair, string) {
	names := make([]string, 0, len(tags))
	for k := range tags {
		names = append(names, k)
	}
	sort.Strings(names)
	byName := make(map[string]string, len(tags))
	for _, k := range names {
		if v := tags[k]; v != "" {
			byName[labelName(k)] = strings.ToValidUTF8(v, "\uFFFD")
		}
	}
	labels := make([]labelPair, 0, len(byName))
	for n, v := range byName {
		labels = append(labels, labelPair{n, v})
	}
	sort.Slice(labels, func(i, j int) bool { return labels[i].name < labels[j].name })
	var b strings.Builder
	for _, l := range labels {
		// Length prefixes keep the key unambiguous whatever the values hold.
		b.WriteString(strconv.Itoa(len(l.name)))
		b.WriteByte(':')
		b.WriteString(l.name)
		b.WriteString(strconv.Itoa(len(l.value)))
		b.WriteByte(':')
		b.WriteString(l.value)
	}
	return labels, b.String()
}

// sanitize replaces every character that may not appear in a Prometheus
// metric or label name with '_', and prefixes a name that starts with a
// digit (or is empty) with '_'. Colons are allowed only when colon is true
// (metric names).
func sanitize(s string, colon bool) string {
	var b strings.Builder
	b.Grow(len(s) + 1)
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_', colon && r == ':':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// labelName sanitizes a tag name into a label name that is neither reserved
// for Prometheus (a leading "__") nor for histograms ("le").
func labelName(tag string) string {
	n := sanitize(tag, false)
	if strings.HasPrefix(n, "__") {
		n = "tag" + n[1:]
	}
	if n == "le" {
		n = "tag_le"
	}
	return n
}

// metricName is the name a metric of kind k named name is served under.
func metricName(name string, k kind) string {
	n := sanitize(name, true)
	switch k {
	case kindCounter:
		if !strings.HasSuffix(n, "_total") {
			n += "_total"
		}
	case kindTimer:
		if !strings.HasSuffix(n, "_seconds") {
			n += "_seconds"
		}
	}
	return n
}

type kind int

const (
	kindCounter kind = iota
	kindGauge
	kindTimer
)

func (k kind) String() string {
	switch k {
	case kindCounter:
		return "counter"
	case kindGauge:
		return "gauge"
	}
	return "timer"
}

// sdkCollector is a prometheus.Collector of the metrics the Temporal SDK
// makes through temporalHandler. It is unchecked (it describes nothing)
// since the names are known only when the SDK first uses them.
type sdkCollector struct {
	mu       sync.RWMutex
	families map[string]*family // by served name
}

// family is one served metric name and its series.
type family struct {
	name, help string
	kind       kind
	mu         sync.RWMutex
	series     map[string]*series // by temporalHandler.key
	labelNames map[string]struct{}
}

// series is one metric of a family: a counter, a gauge or a histogram.
type series struct {
	labels []labelPair
	count  atomic.Uint64 // counter value
	gauge  atomic.Uint64 // gauge value, as math.Float64bits
	hmu    sync.Mutex
	hist   []uint64 // per bucket, not cumulative; len(timerBuckets)+1
	hsum   float64
	hcount uint64
}

func newSDKCollector() *sdkCollector {
	return &sdkCollector{families: map[string]*family{}}
}

// series returns the series of name and kind with h's labels, making it
// when it is new.
func (c *sdkCollector) series(name string, k kind, h *temporalHandler) *series {
	f := c.family(name, k)
	f.mu.RLock()
	s := f.series[h.key]
	f.mu.RUnlock()
	if s != nil {
		return s
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if s = f.series[h.key]; s != nil {
		return s
	}
	s = &series{labels: h.labels}
	if k == kindTimer {
		s.hist = make([]uint64, len(timerBuckets)+1)
	}
	f.series[h.key] = s
	for _, l := range h.labels {
		f.labelNames[l.name] = struct{}{}
	}
	return s
}

// family returns the family that serves name as kind k, making it when it
// is new.
func (c *sdkCollector) family(name string, k kind) *family {
	served := metricName(name, k)
	c.mu.RLock()
	f := c.families[served]
	c.mu.RUnlock()
	if f != nil && f.kind == k {
		return f
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		f = c.families[served]
		if f == nil {
			break
		}
		if f.kind == k {
			return f
		}
		served += "_" + k.String()
	}
	f = &family{
		name:       served,
		help:       "Temporal SDK " + k.String() + " " + name + ".",
		kind:       k,
		series:     map[string]*series{},
		labelNames: map[string]struct{}{},
	}
	c.families[served] = f
	return f
}

// Inc implements client.MetricsCounter. Counters only go up: a negative
// delta is ignored.
func (s *series) Inc(delta int64) {
	if delta > 0 {
		s.count.Add(uint64(delta))
	}
}

// Update implements client.MetricsGauge.
func (s *series) Update(v float64) { s.gauge.Store(math.Float64bits(v)) }

// Record implements client.MetricsTimer; a negative duration counts as 0.
func (s *series) Record(d time.Duration) {
	v := max(d.Seconds(), 0)
	i := sort.SearchFloat64s(timerBuckets, v) // first bound >= v
	s.hmu.Lock()
	s.hist[i]++
	s.hsum += v
	s.hcount++
	s.hmu.Unlock()
}

// Describe implements prometheus.Collector; it sends nothing, which makes
// the collector unchecked.
func (c *sdkCollector) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (c *sdkCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.RLock()
	fams := make([]*family, 0, len(c.families))
	for _, f := range c.families {
		fams = append(fams, f)
	}
	c.mu.RUnlock()
	for _, f := range fams {
		f.collect(ch)
	}
}

func (f *family) collect(ch chan<- prometheus.Metric) {
	f.mu.RLock()
	names := make([]string, 0, len(f.labelNames))
	for n := range f.labelNames {
		names = append(names, n)
	}
	all := make([]*series, 0, len(f.series))
	for _, s := range f.series {
		all = append(all, s)
	}
	f.mu.RUnlock()
	sort.Strings(names)
	desc := prometheus.NewDesc(f.name, f.help, names, nil)
	values := make([]string, len(names))
	for _, s := range all {
		// Both lists are sorted: walk them together, "" where s lacks a label.
		j := 0
		for i, n := range names {
			values[i] = ""
			if j < len(s.labels) && s.labels[j].name == n {
				values[i] = s.labels[j].value
				j++
			}
		}
		switch f.kind {
		case kindCounter:
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, float64(s.count.Load()), values...)
		case kindGauge:
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, math.Float64frombits(s.gauge.Load()), values...)
		case kindTimer:
			ch <- s.histogram(desc, values)
		}
	}
}

// histogram snapshots a timer series as a constant histogram.
func (s *series) histogram(desc *prometheus.Desc, values []string) prometheus.Metric {
	buckets := make(map[float64]uint64, len(timerBuckets))
	s.hmu.Lock()
	var cum uint64
	for i, bound := range timerBuckets {
		cum += s.hist[i]
		buckets[bound] = cum
	}
	count, sum := s.hcount, s.hsum
	s.hmu.Unlock()
	return prometheus.MustNewConstHistogram(desc, count, sum, buckets, values...)
}
