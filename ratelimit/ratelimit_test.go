package ratelimit

import (
	"fmt"
	"sync"
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
		if ok, _ := l.Allow("10.0.0.1"); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
		l.Fail("10.0.0.1")
	}
	ok, wait := l.Allow("10.0.0.1")
	if ok || wait != 10*time.Second {
		t.Fatalf("after the burst: allowed %v, wait %v; want refused for 10s", ok, wait)
	}
	if ok, _ := l.Allow("10.0.0.2"); !ok {
		t.Error("another key is refused")
	}
	c.advance(4 * time.Second)
	if ok, wait := l.Allow("10.0.0.1"); ok || wait != 6*time.Second {
		t.Errorf("4s later: allowed %v, wait %v; want refused for 6s", ok, wait)
	}
	c.advance(6 * time.Second)
	if ok, _ := l.Allow("10.0.0.1"); !ok {
		t.Fatal("one period later: still refused")
	}
	l.Fail("10.0.0.1")
	if ok, _ := l.Allow("10.0.0.1"); ok {
		t.Error("a failure after the forgiven one is allowed again at once")
	}
	// Failing while refused does not push the wait out without bound.
	for range 100 {
		l.Fail("10.0.0.1")
	}
	if _, wait := l.Allow("10.0.0.1"); wait > 10*time.Second {
		t.Errorf("wait grew to %v", wait)
	}
	c.advance(time.Minute)
	if ok, _ := l.Allow("10.0.0.1"); !ok {
		t.Error("a minute later: still refused")
	}
	l.Fail("x")
	l.Fail("x")
	l.Fail("x")
	l.Reset("x")
	if ok, _ := l.Allow("x"); !ok {
		t.Error("refused after Reset")
	}
}

func TestMemoryIsBounded(t *testing.T) {
	c := &clock{t: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(5, time.Minute)
	l.now, l.maxKeys = c.now, 1000
	for i := range 10_000 {
		c.advance(time.Millisecond)
		l.Fail(fmt.Sprint(i))
	}
	if n := len(l.buckets); n > 1000 {
		t.Errorf("%d keys held, want at most 1000", n)
	}
	if ok, _ := l.Allow("9999"); !ok {
		t.Error("the newest key was dropped")
	}
}

func TestConcurrentUse(t *testing.T) {
	l := New(50, time.Hour)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if ok, _ := l.Allow("k"); ok {
					l.Fail("k")
				}
			}
		})
	}
	wg.Wait()
	if ok, _ := l.Allow("k"); ok {
		t.Error("800 failures later the key is still allowed")
	}
}
