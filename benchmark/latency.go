package benchmark

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/server"
)

// latency serves the API on a loopback port and attacks three endpoints
// in turn at the configured rate: reading a transfer, listing transfers
// and posting a TPK decision (each on a transfer not decided before).
func (b *bench) latency(rounds []string) error {
	api := &server.Server{DB: b.gdb, Temporal: b.c, Payloads: b.payloads, LinkSecret: []byte(linkSecret),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(l)
	defer hs.Close()
	base := "http://" + l.Addr().String() + "/api/v1"
	hr, err := apikey.Issue(b.gdb, "bench hr", models.Actor{ID: "bench-hr", Role: models.RoleHR})
	if err != nil {
		return err
	}
	tpk, err := apikey.Issue(b.gdb, "bench tpk", models.Actor{ID: "bench-tpk", Role: models.RoleTPK})
	if err != nil {
		return err
	}
	var ids []string
	if err := b.gdb.Model(&models.Transfer{}).Where("round_id IN ? AND stage = ?", rounds, models.StageAwaitingTPK).
		Order("id").Pluck("id", &ids).Error; err != nil {
		return err
	}
	// Each decision needs a transfer of its own: with fewer than the run
	// asks for, every endpoint is attacked for as many whole seconds as
	// there are transfers to decide, and the bare decision alike.
	if total := b.cfg.Rate * int(b.cfg.Duration/time.Second); len(ids) < total {
		if len(ids) < b.cfg.Rate {
			return fmt.Errorf("%d transfers await the TPK, fewer than a second of decisions at %d/s", len(ids), b.cfg.Rate)
		}
		b.span = time.Duration(len(ids)/b.cfg.Rate) * time.Second
		b.logf("%d transfers await the TPK, not %d: each endpoint is attacked for %v", len(ids), total, b.span)
	}
	hrHeader := http.Header{"Authorization": {"Bearer " + hr}}
	tpkHeader := http.Header{"Authorization": {"Bearer " + tpk}, "Content-Type": {"application/json"}}
	var next atomic.Int64
	each := func(method string, header http.Header, url func(id string) string, body []byte) vegeta.Targeter {
		return func(t *vegeta.Target) error {
			id := ids[int(next.Add(1)-1)%len(ids)]
			*t = vegeta.Target{Method: method, URL: url(id), Header: header, Body: body}
			return nil
		}
	}
	cases := []struct {
		name   string
		target vegeta.Targeter
		p99    time.Duration
		fresh  bool // start over the transfers: decisions need undecided ones
	}{
		{"GET /transfers/{id}", each("GET", hrHeader, func(id string) string { return base + "/transfers/" + id }, nil), 25 * time.Millisecond, false},
		{"GET /transfers?round&stage&limit=50", each("GET", hrHeader, func(string) string {
			return base + "/transfers?round=" + rounds[len(rounds)-1] + "&stage=awaiting_tpk&limit=50"
		}, nil), 25 * time.Millisecond, false},
		{"POST /transfers/{id}/decisions", each("POST", tpkHeader, func(id string) string { return base + "/transfers/" + id + "/decisions" },
			[]byte(`{"approve": true, "reason": "sesuai analisis kebutuhan"}`)), 150 * time.Millisecond, true},
	}
	for _, c := range cases {
		stop := func() {}
		var cpu cpuUse
		if c.fresh {
			cpu = b.cpuNow()
			next.Store(0)
			b.times.start()
			if stop, err = b.profile(); err != nil {
				return err
			}
		}
		m := b.attack(c.name, c.target)
		var used []Row
		if c.fresh { // read before the profile is written
			used = cpuPerDecision("… CPU per decision", cpu, b.cpuNow(), succeeded(m))
		}
		stop()
		b.times.stop()
		met := m.Latencies.P99 < c.p99 && m.Success == 1
		b.add(fmt.Sprintf("%s at %d/s", c.name, b.cfg.Rate), describe(m), fmt.Sprintf("p99 < %v, no errors", c.p99), &met)
		b.report.Rows = append(b.report.Rows, used...)
	}
	for _, name := range b.times.names() {
		b.add("… "+name, b.times.describe(name), "", nil)
	}
	return b.bareDecisions()
}

// profile starts the CPU profile, when one is asked for; the function it
// returns ends it.
func (b *bench) profile() (func(), error) {
	if b.cfg.CPUProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(b.cfg.CPUProfile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// attack sends the targets' requests at the configured rate for the
// configured duration and returns their metrics.
func (b *bench) attack(name string, target vegeta.Targeter) vegeta.Metrics {
	attacker := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.KeepAlive(true))
	var m vegeta.Metrics
	for res := range attacker.Attack(target, vegeta.Rate{Freq: b.cfg.Rate, Per: time.Second}, b.duration(), name) {
		m.Add(res)
	}
	m.Close()
	if len(m.Errors) > 0 {
		b.logf("errors: %v", m.Errors)
	}
	return m
}

// succeeded is how many of the attack's requests succeeded: the work
// the CPU time of a decision is divided among.
func succeeded(m vegeta.Metrics) uint64 { return uint64(math.Round(m.Success * float64(m.Requests))) }

// describe is a latency row's value.
func describe(m vegeta.Metrics) string {
	return fmt.Sprintf("p50 %.1f ms, p99 %.1f ms, errors %.2f%% (%d requests)", ms(m.Latencies.P50), ms(m.Latencies.P99),
		100*(1-m.Success), m.Requests)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
