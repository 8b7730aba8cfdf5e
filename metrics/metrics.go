// Package metrics is the Prometheus registry of a Mutasi process: the Go
// runtime and process metrics, the HTTP metrics of the API (Middleware), the
// Temporal SDK's own metrics (Temporal), and the /metrics endpoint that
// serves them all (Handler, Serve).
//
// Make one Registry per process with New, pass Temporal() as the
// MetricsHandler of the Temporal client, put Middleware() on the Gin engine,
// and serve Handler() at /metrics.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
)

// Path is where the metrics are served.
const Path = "/metrics"

// Registry holds every metric of one process. Its methods are safe for
// concurrent use.
type Registry struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	temporal client.MetricsHandler
}

// New makes a Registry with the Go runtime and process collectors, the HTTP
// request metrics and the collector of the Temporal SDK's metrics registered.
func New() *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mutasi_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status code.",
		}, httpLabels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mutasi_http_request_duration_seconds",
			Help:    "Time taken to answer HTTP requests, by method, route template and status code.",
			Buckets: prometheus.DefBuckets,
		}, httpLabels),
	}
	r.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		r.requests,
		r.duration,
	)
	r.temporal = newTemporalHandler(r.reg)
	return r
}

// Handler serves the registry in the Prometheus text (or OpenMetrics)
// exposition format. A collector that fails is logged and left out; the
// other metrics are still served.
func (r *Registry) Handler() http.Handler {
	return promhttp.InstrumentMetricHandler(r.reg, promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{
		ErrorLog:          slogPrinter{},
		ErrorHandling:     promhttp.ContinueOnError,
		EnableOpenMetrics: true,
	}))
}

// Serve serves Handler at Path on ln until ctx is done, then shuts the
// server down and returns nil. It is the /metrics endpoint of a process
// that has no HTTP server of its own, such as the worker.
func (r *Registry) Serve(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, r.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("metrics: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// slogPrinter sends promhttp's error log to the default slog logger.
type slogPrinter struct{}

func (slogPrinter) Println(v ...any) {
	slog.Error("metrics: gathering failed", "error", fmt.Sprint(v...))
}
