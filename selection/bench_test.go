package selection_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/bench/instances"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/selection"
)

// BenchmarkAssign solves the four instances of bench/instances (see its
// package documentation for their sizes and densities). The time per
// operation covers all of Assign: indexing the names, pruning and solving;
// the instance itself is generated once, outside the timer.
//
// Extra metrics:
//   - peak-heap-MB: the highest live heap (runtime/metrics
//     /memory/classes/heap/objects:bytes, sampled every millisecond) seen
//     during the timed operations, including the instance's own pairs, which
//     stay live;
//   - input-heap-MB: the live heap before the first operation, that is
//     mostly the instance;
//   - kept-pairs and searches: pairs left after pruning and shortest path
//     searches, from AssignStats.
func BenchmarkAssign(b *testing.B) {
	benchmarkAssign(b, selection.AssignOptions{})
}

// BenchmarkAssignPruned is BenchmarkAssign with the pruning on, to show
// what the pruning costs or saves.
func BenchmarkAssignPruned(b *testing.B) {
	benchmarkAssign(b, selection.AssignOptions{Prune: true})
}

func benchmarkAssign(b *testing.B, opt selection.AssignOptions) {
	for _, c := range instances.All() {
		b.Run(c.Name, func(b *testing.B) {
			pairs, seats := instances.Generate(c)
			runtime.GC()
			base := liveHeap()
			peak := startPeakSampler()
			var a selection.Assignment
			b.ResetTimer()
			for b.Loop() {
				var err error
				a, err = selection.AssignWith(pairs, seats, opt)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			top := peak()
			b.ReportMetric(float64(top)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(base)/(1<<20), "input-heap-MB")
			b.ReportMetric(float64(len(pairs)), "pairs")
			b.ReportMetric(float64(a.Stats.PairsKept), "kept-pairs")
			b.ReportMetric(float64(a.Stats.Searches), "searches")
			b.ReportMetric(float64(len(a.Pairs)), "assigned")
		})
	}
}

// liveHeap returns the bytes of live and not yet swept heap objects.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// startPeakSampler samples liveHeap every millisecond until the returned
// function is called, which returns the highest sample.
func startPeakSampler() func() uint64 {
	var (
		mu   sync.Mutex
		peak = liveHeap()
		stop = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				h := liveHeap()
				mu.Lock()
				peak = max(peak, h)
				mu.Unlock()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		wg.Wait()
		h := liveHeap()
		mu.Lock()
		defer mu.Unlock()
		return max(peak, h)
	}
}

// cityRound draws a round of city size for BenchmarkSelect: 300 positions
// with 5,500 seats held by 5,000 employees with random ranks, education,
// SKP, talent and competencies, about a tenth of them excluded by an
// employee-level rule and about a third past the maximum time in post; the posts
// with fewer holders than seats are needed.
func cityRound() selection.Input {
	r := rand.New(rand.NewPCG(21, 22))
	asOf := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	in := selection.Input{AsOf: asOf, Rules: models.DefaultSettings().Rules,
		Weights: models.DefaultSettings().Weights, TrainingGapThreshold: 2}
	kinds := []models.PositionKind{models.KindPelaksana, models.KindFungsional, models.KindPengawas, models.KindAdministrator}
	seats := 0
	for p := 0; p < 300; p++ {
		lo := models.Rank(5 + r.IntN(8))
		pos := selection.Position{ID: fmt.Sprintf("P%04d", p), UnitID: fmt.Sprintf("U%02d", r.IntN(40)),
			Kind: kinds[r.IntN(len(kinds))], Class: 5 + r.IntN(8), MinRank: lo, MaxRank: lo + 3,
			MinEducation: models.Education(1 + r.IntN(3)), Seats: 1}
		for k := 0; k < 3; k++ {
			pos.Competencies = append(pos.Competencies, selection.Competency{Name: fmt.Sprintf("K%d", r.IntN(10)), Level: 1 + r.IntN(5)})
		}
		in.Positions = append(in.Positions, pos)
		seats++
	}
	for ; seats < 5500; seats++ {
		in.Positions[r.IntN(300)].Seats++
	}
	for i := 0; i < 5000; i++ {
		c := selection.Candidate{NIP: fmt.Sprintf("%018d", i+1),
			BirthDate: time.Date(1966+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
			UnitID:    fmt.Sprintf("U%02d", r.IntN(40)), PositionID: fmt.Sprintf("P%04d", r.IntN(300)), PositionKind: kinds[r.IntN(len(kinds))],
			PositionClass: 5 + r.IntN(8), Rank: models.Rank(5 + r.IntN(12)), Status: models.StatusPNS,
			InPostSince: asOf.AddDate(0, -12-r.IntN(84), 0), Education: models.Education(1 + r.IntN(5)),
			SKP:         map[int]models.Predicate{2025: models.Predicate(3 + r.IntN(3)), 2024: models.Predicate(4 + r.IntN(2))},
			Performance: models.Level(1 + r.IntN(3)), Potential: models.Level(1 + r.IntN(3)), Competencies: map[string]int{}}
		for k := 0; k < 10; k++ {
			c.Competencies[fmt.Sprintf("K%d", k)] = r.IntN(6)
		}
		if r.IntN(20) == 0 {
			c.RelativeUnits = []string{fmt.Sprintf("U%02d", r.IntN(40))}
		}
		in.Candidates = append(in.Candidates, c)
	}
	holders := map[string]int{}
	for _, c := range in.Candidates {
		holders[c.PositionID]++
	}
	for i, p := range in.Positions {
		in.Positions[i].Needed = holders[p.ID] < p.Seats
	}
	return in
}

// BenchmarkSelect runs the whole engine (rules, scores, assignment) on a
// city-sized round.
func BenchmarkSelect(b *testing.B) {
	in := cityRound()
	var res selection.Result
	for b.Loop() {
		var err error
		if res, err = selection.Select(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Proposals)), "proposals")
	b.ReportMetric(float64(len(res.Exclusions)), "exclusions")
	b.ReportMetric(float64(res.MustMove), "must-move")
	b.ReportMetric(float64(res.MustMoved), "must-moved")
}

// BenchmarkReassign solves the reassignment instances of bench/instances
// with Reassign, and, for comparison, the plain assignment of the same
// pairs (Assign, every post's capacity as its seats). Metrics as in
// BenchmarkAssign, and the plan's figures.
func BenchmarkReassign(b *testing.B) {
	for _, c := range instances.AllReassign() {
		p := instances.GenerateReassign(c)
		b.Run(c.Name+"/reassign", func(b *testing.B) {
			runtime.GC()
			base := liveHeap()
			peak := startPeakSampler()
			var pl selection.Plan
			for b.Loop() {
				var err error
				if pl, err = selection.Reassign(p); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(base)/(1<<20), "input-heap-MB")
			b.ReportMetric(float64(p.Pairs.Len()), "pairs")
			b.ReportMetric(float64(len(pl.Moves)), "moves")
			b.ReportMetric(float64(pl.MustMoved), "must-moved")
			b.ReportMetric(float64(len(pl.Stuck)), "stuck")
			b.ReportMetric(float64(pl.Filled), "filled")
			b.ReportMetric(float64(pl.Stats.Searches), "searches")
		})
		b.Run(c.Name+"/assign", func(b *testing.B) {
			seats := make(map[string]int, len(p.Posts))
			for _, t := range p.Posts {
				seats[t.ID] = t.Capacity
			}
			runtime.GC()
			base := liveHeap()
			peak := startPeakSampler()
			var a selection.Assignment
			for b.Loop() {
				var err error
				if a, err = selection.AssignList(p.Pairs, seats, selection.AssignOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(base)/(1<<20), "input-heap-MB")
			b.ReportMetric(float64(len(a.Pairs)), "assigned")
		})
	}
}
