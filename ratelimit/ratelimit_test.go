package ratelimit

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a manual clock for the limiter.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestBurstThenOnePerPeriod(t *testing.T) {
	c := &clock{t: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(3, 10*time.Second)
	l.now = c.now
	for i := range 3 {
		if ok, _ := l.Take("10.0.0.1"); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Take("10.0.0.1")
	if ok || wait != 10*time.Second {
		t.Fatalf("after the burst: allowed %v, wait %v; want refused for 10s", ok, wait)
	}
	if ok, _ := l.Take("10.0.0.2"); !ok {
		t.Error("another key is refused")
	}
	c.advance(4 * time.Second)
	if ok, wait := l.Take("10.0.0.1"); ok || wait != 6*time.Second {
		t.Errorf("4s later: allowed %v, wait %v; want refused for 6s", ok, wait)
	}
	c.advance(6 * time.Second)
	if ok, _ := l.Take("10.0.0.1"); !ok {
		t.Fatal("one period later: still refused")
	}
	if ok, _ := l.Take("10.0.0.1"); ok {
		t.Error("an attempt after the forgiven one is allowed at once")
	}
	// Attempts while refused do not push the wait out without bound.
	for range 100 {
		l.Take("10.0.0.1")
	}
	if _, wait := l.Take("10.0.0.1"); wait > 10*time.Second {
		t.Errorf("wait grew to %v", wait)
	}
	c.advance(time.Minute)
	if ok, _ := l.Take("10.0.0.1"); !ok {
		t.Error("a minute later: still refused")
	}
}

// TestTakeAndRefund checks that several keys are taken together or not
// at all, and that a refunded attempt is not counted.
func TestTakeAndRefund(t *testing.T) {
	c := &clock{t: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(2, time.Hour)
	l.now = c.now
	for range 10 {
		if ok, _ := l.Take("client", "account"); !ok {
			t.Fatal("a refunded attempt was counted")
		}
		l.Refund("client", "account")
	}
	l.Take("client", "account")
	l.Take("client", "other account")
	if ok, wait := l.Take("client", "third account"); ok || wait != time.Hour {
		t.Fatalf("the client's third attempt: allowed %v, wait %v; want refused for an hour", ok, wait)
	}
	if ok, _ := l.Take("another client", "account"); !ok {
		t.Fatal("the account's second attempt was refused")
	}
	if ok, _ := l.Take("third client", "account"); ok {
		t.Fatal("the account's third attempt, from another client, was allowed")
	}
	// The refused attempts took nothing from the other key.
	if ok, _ := l.Take("third client"); !ok {
		t.Error("a refused attempt was counted against its other key")
	}
	l.Refund("never taken")
	if ok, _ := l.Take("never taken"); !ok {
		t.Error("refunding a key with no attempts made it fail")
	}
}

func TestMemoryIsBounded(t *testing.T) {
	c := &clock{t: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(5, time.Minute)
	l.now, l.maxKeys = c.now, 1000
	for i := range 10_000 {
		c.advance(time.Millisecond)
		l.Take(fmt.Sprint(i))
	}
	if n := len(l.buckets); n > 1000 {
		t.Errorf("%d keys held, want at most 1000", n)
	}
	if _, ok := l.buckets["9999"]; !ok {
		t.Error("the newest key was dropped")
	}
}

// TestConcurrentUse takes attempts from many goroutines at once: exactly
// the burst is allowed.
func TestConcurrentUse(t *testing.T) {
	l := New(50, time.Hour)
	var wg sync.WaitGroup
	var allowed atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if ok, _ := l.Take("k"); ok {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 50 {
		t.Errorf("%d of 800 attempts allowed, want 50", n)
	}
}
