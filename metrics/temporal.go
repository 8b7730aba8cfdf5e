package metrics

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// Temporal returns the registry as a Temporal SDK metrics handler: set it as
// client.Options.MetricsHandler and the SDK's own metrics (requests,
// pollers, task slots, workflow and activity tasks, completions and
// latencies) are served with the rest.
//
// It is the SDK's OpenTelemetry handler (go.temporal.io/sdk/contrib/
// opentelemetry) on a meter whose readings the OpenTelemetry Prometheus
// exporter serves from this registry: a counter gets the suffix _total and
// a timer becomes a histogram in seconds with the suffix _seconds, so
// temporal_request is served as temporal_request_total and
// temporal_request_latency as temporal_request_latency_seconds. Tags become
// labels.
//
// Prometheus wants one set of label names per metric name, and the
// exporter does not reconcile two: a name used with two different sets of
// tags fails that metric's gathering (logged; the other metrics are still
// served). The SDK fills a missing tag with "none", so its own metrics
// keep one set; a metric of Mutasi's own, through
// workflow.GetMetricsHandler, must do the same. (The hand-written bridge
// this replaces served the union of the label names instead, sanitized
// names OpenTelemetry refuses, such as one starting with a digit, and
// served a name used as two kinds of metric twice; the SDK needs none of
// that.)
func (r *Registry) Temporal() client.MetricsHandler { return r.temporal }

// timerBuckets are the histogram buckets of Temporal timers, in seconds:
// from a millisecond (a request) through a minute (a long poll) to weeks (the
// end-to-end latency of a transfer workflow).
var timerBuckets = []float64{
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
	120, 300, 600, 1800, 3600, 6 * 3600, 86400, 7 * 86400, 28 * 86400,
}

// newTemporalHandler makes the SDK's metrics handler, its readings
// registered in reg.
func newTemporalHandler(reg prometheus.Registerer) client.MetricsHandler {
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		panic(err) // only a second registration of the same registry fails
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter),
		sdkmetric.WithView(sdkmetric.NewView(sdkmetric.Instrument{Kind: sdkmetric.InstrumentKindHistogram},
			sdkmetric.Stream{Aggregation: sdkmetric.AggregationExplicitBucketHistogram{Boundaries: timerBuckets}})))
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                provider.Meter("temporal-sdk-go"),
		UseMonotonicCounters: true,
		OnError:              func(err error) { slog.Error("metrics: a Temporal metric was refused", "error", err) },
	})
}
