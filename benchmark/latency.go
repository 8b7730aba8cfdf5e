package benchmark

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
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
	}{
		{"GET /transfers/{id}", each("GET", hrHeader, func(id string) string { return base + "/transfers/" + id }, nil)},
		{"GET /transfers?round&stage&limit=50", each("GET", hrHeader, func(string) string {
			return base + "/transfers?round=" + rounds[len(rounds)-1] + "&stage=awaiting_tpk&limit=50"
		}, nil)},
	}
	// With a load, the reads are measured first with the busy processes
	// paused, then with them running: the loaded figure's target is a
	// multiple of the quiet one of the same run.
	for _, c := range cases {
		var quiet vegeta.Metrics
		if len(b.load) > 0 {
			resume := b.pauseLoad()
			b.attack(vegeta.NewAttacker(vegeta.Timeout(requestTimeout)), c.name, c.target, b.duration(), &quiet)
			resume()
			b.close(c.name, &quiet)
			met := quiet.Latencies.P99 < readP99 && quiet.Success == 1
			b.add(fmt.Sprintf("%s at %d/s, the busy processes paused", c.name, b.cfg.Rate), describe(quiet),
				fmt.Sprintf("p99 < %v, no errors", readP99), &met)
		}
		var m vegeta.Metrics
		b.attack(vegeta.NewAttacker(vegeta.Timeout(requestTimeout)), c.name, c.target, b.duration(), &m)
		b.close(c.name, &m)
		target, met := fmt.Sprintf("p99 < %v, no errors", readP99), m.Latencies.P99 < readP99 && m.Success == 1
		if len(b.load) > 0 {
			target = fmt.Sprintf("p99 <= %.0f × paused p99, no errors", loadedRead)
			met = ms(m.Latencies.P99) <= loadedRead*ms(quiet.Latencies.P99) && m.Success == 1
		}
		b.add(fmt.Sprintf("%s at %d/s", c.name, b.cfg.Rate), describe(m), target, &met)
	}
	next.Store(0)
	return b.decisions(each("POST", tpkHeader, func(id string) string { return base + "/transfers/" + id + "/decisions" },
		[]byte(`{"approve": true, "reason": "sesuai analisis kebutuhan"}`)))
}

// readP99 is the reads' latency target, on a quiet machine; loadedRead
// is how many times that figure they may take with the busy processes
// running.
const (
	readP99    = 25 * time.Millisecond
	loadedRead = 4.0
)

// decisionRatio is the target for a decision's p99 against the bare
// workflow's in the same run.
const decisionRatio = 2.0

// slice is how long one side of the decisions is attacked before the
// other's turn.
const slice = time.Second

// side is one of the two decisions measured in alternation.
type side struct {
	// label starts its rows' names; name is its attack's.
	label, name string
	target      vegeta.Targeter
	// client keeps the side's connections from one slice to the next (an
	// attacker ends with its attack).
	client *http.Client
	m      vegeta.Metrics
	// latencies are its requests', for ratioInterval.
	latencies []time.Duration
	cpu       cpuSpent
	// goRuntime is the bench process's runtime over the side's slices.
	goRuntime goCounts
	// server is the Temporal server's time over the side's slices
	// (Config.ServerMetrics).
	server serverSpent
}

// decisions measures the API's TPK decisions (target) and BareDecider's
// in alternation, a slice of each in turn, the first of each pair
// changing sides: both meet the machine as it is over the same seconds.
// On a shared machine the load changes from one second to the next, and
// two attacks one after the other would compare two different machines.
// Each side sends the configured rate during its slices, and as many
// requests in all as one attack of the configured duration.
func (b *bench) decisions(target vegeta.Targeter) error {
	n := b.cfg.Rate * int(b.duration()/time.Second)
	bare, stopBare, err := b.bareDecisions(n)
	if err != nil {
		return err
	}
	defer stopBare()
	newSide := func(label, name string, target vegeta.Targeter) *side {
		return &side{label: label, name: name, target: target, cpu: cpuSpent{}, server: serverSpent{time: serverTime{}},
			client: &http.Client{Timeout: requestTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 1000}}}
	}
	api := newSide("", "POST /transfers/{id}/decisions", target)
	engine := newSide("bare: ", "bare decision", bare)
	stopProfile, err := b.profile()
	if err != nil {
		return err
	}
	b.times.start()
	stopProbes, err := b.probes()
	if err != nil {
		return err
	}
	for i := range max(1, int(b.duration()/slice)) {
		for _, s := range [2][2]*side{{api, engine}, {engine, api}}[i%2] {
			b.times.label(s.label)
			serverBefore := b.serverTime()
			before, goBefore := b.cpuNow(), readGo()
			s.latencies = append(s.latencies, b.attack(vegeta.NewAttacker(vegeta.Client(s.client)), s.name, s.target, slice, &s.m)...)
			s.cpu.add(before, b.cpuNow())
			s.goRuntime.add(goBefore, readGo())
			s.server.add(serverBefore, b.serverTime())
		}
	}
	stopProbes()
	b.times.stop()
	stopProfile()
	b.close(api.name, &api.m)
	b.close(engine.name, &engine.m)
	b.add(fmt.Sprintf("%s at %d/s", api.name, b.cfg.Rate), describe(api.m), "no errors", ptr(api.m.Success == 1))
	b.add(fmt.Sprintf("bare workflow: the same decision with no-op steps at %d/s (the engine's share), in alternation with the API's", b.cfg.Rate),
		describe(engine.m), "no errors", ptr(engine.m.Success == 1))
	ratio := ms(api.m.Latencies.P99) / ms(engine.m.Latencies.P99)
	lo, hi := ratioInterval(api.latencies, engine.latencies, rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0)))
	b.add("decision p99 / bare decision p99", fmt.Sprintf("%.2f (bootstrap 90%% interval %.2f-%.2f)", ratio, lo, hi),
		fmt.Sprintf("<= %.0f", decisionRatio), ptr(ratio <= decisionRatio))
	for _, s := range []*side{api, engine} {
		b.report.Rows = append(b.report.Rows, s.cpu.rows("… "+s.label+"CPU per decision", succeeded(s.m))...)
		b.report.Rows = append(b.report.Rows, s.goRuntime.row("… "+s.label+"the bench process's Go runtime in the side's seconds", succeeded(s.m)))
	}
	if !api.server.lost && !engine.server.lost {
		b.report.Rows = append(b.report.Rows, serverTimeRows(api.server.time, engine.server.time, succeeded(api.m), succeeded(engine.m))...)
	}
	for _, name := range b.times.names() {
		b.add("… "+name, b.times.describe(name), "", nil)
	}
	return nil
}

// probeEvery is how often each probe beside the decisions acts.
const probeEvery = 20 * time.Millisecond

// probes starts what runs beside the decisions, apart from them, and
// records in the breakdown, under the side being measured, what the
// machine gives any writer in those seconds: a one-row insert committed
// in the run's database, which waits for PostgreSQL to flush its
// write-ahead log to disk, shared with every other writer of the
// cluster; and a page written and flushed to a file of the run's
// directory, which is the disk alone, with no PostgreSQL in the way. The
// function it returns stops them.
func (b *bench) probes() (func(), error) {
	if err := b.gdb.Exec("CREATE TABLE IF NOT EXISTS bench_commit_probes (id bigserial PRIMARY KEY, at timestamptz NOT NULL)").Error; err != nil {
		return nil, err
	}
	// O_DSYNC makes each write return once its data is on the disk, as
	// PostgreSQL's write-ahead log is flushed (wal_sync_method).
	f, err := os.OpenFile(filepath.Join(b.dir, "flush-probe"), os.O_WRONLY|os.O_CREATE|syscall.O_DSYNC, 0o600)
	if err != nil {
		return nil, err
	}
	page := make([]byte, 8<<10)
	stopCommits := b.probe(commitProbe, func() error {
		return b.gdb.Exec("INSERT INTO bench_commit_probes (at) VALUES (now())").Error
	})
	stopFlushes := b.probe(flushProbe, func() error {
		_, err := f.WriteAt(page, 0)
		return err
	})
	return func() {
		stopCommits()
		stopFlushes()
		f.Close()
	}, nil
}

// probe calls act every probeEvery and records how long each call took
// in the breakdown as part, until the function it returns is called.
func (b *bench) probe(part string, act func() error) func() {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(probeEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			t0 := time.Now()
			if err := act(); err != nil {
				b.logf("%s: %v", part, err)
				continue
			}
			b.times.observe(part, time.Since(t0))
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// commitProbe and flushProbe name the probes in the breakdown.
var (
	commitProbe = fmt.Sprintf("0. beside it: a one-row insert committed in Mutasi's database (its write-ahead log flushed), every %v", probeEvery)
	flushProbe  = fmt.Sprintf("0. beside it: 8 KiB written to a file of the bench's directory and flushed to its disk, every %v", probeEvery)
)

func ptr[T any](v T) *T { return &v }

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

// requestTimeout is how long a request of the attacks may take.
const requestTimeout = 30 * time.Second

// attack sends the target's requests at the configured rate for d, adds
// their results to m and returns their latencies.
func (b *bench) attack(a *vegeta.Attacker, name string, target vegeta.Targeter, d time.Duration, m *vegeta.Metrics) []time.Duration {
	var latencies []time.Duration
	for res := range a.Attack(target, vegeta.Rate{Freq: b.cfg.Rate, Per: time.Second}, d, name) {
		m.Add(res)
		latencies = append(latencies, res.Latency)
	}
	return latencies
}

// close computes an attack's metrics from its results, and logs its
// errors.
func (b *bench) close(name string, m *vegeta.Metrics) {
	m.Close()
	if len(m.Errors) > 0 {
		b.logf("%s errors: %v", name, m.Errors)
	}
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
