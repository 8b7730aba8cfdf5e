// Package ratelimit slows down guessing: it counts failed attempts (a
// wrong bearer token, a wrong password) per key, such as the client's IP
// address or the account being signed into, and refuses further attempts
// from a key that failed too often until enough time has passed. An
// attempt is reserved before it is checked (Take) and given back if it
// succeeds (Refund), so guesses sent at once are counted as they arrive.
//
// Each key has a token bucket that holds up to Burst failures and drains
// at Rate per second: a person who mistypes a few times is never slowed,
// a guesser gets Burst tries and then one try every 1/Rate seconds. The
// buckets live in memory, one set per process.
package ratelimit

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Limiter counts failures per key. Its zero value is not usable: make one
// with New. It is safe for concurrent use.
type Limiter struct {
	burst float64
	rate  float64 // failures forgiven per second
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	// maxKeys bounds memory: past it, buckets that have drained are
	// dropped; if none has, the oldest are.
	maxKeys int
}

// bucket is one key's failures: level rises by one per failure and
// drains at the limiter's rate.
type bucket struct {
	level float64
	at    time.Time // when level was last brought up to date
}

// New makes a limiter that allows burst failures per key and forgives
// one failure every per; e.g. New(10, time.Minute) allows ten wrong
// tokens at once and then one a minute.
func New(burst int, per time.Duration) *Limiter {
	if burst < 1 {
		burst = 1
	}
	if per <= 0 {
		per = time.Second
	}
	return &Limiter{burst: float64(burst), rate: 1 / per.Seconds(), now: time.Now,
		buckets: map[string]*bucket{}, maxKeys: 100_000}
}

// drain brings b's level up to now.
func (l *Limiter) drain(b *bucket, now time.Time) {
	if d := now.Sub(b.at).Seconds(); d > 0 {
		b.level = math.Max(0, b.level-d*l.rate)
	}
	b.at = now
}

// Take reserves an attempt for every key at once: the attempt counts as
// a failure of each key before it is checked, so that attempts arriving
// together cannot all pass while the first are still being checked. When
// some key has no attempt left, Take reserves nothing and reports how
// long until that key has one. Call Refund with the same keys when the
// attempt succeeds.
func (l *Limiter) Take(keys ...string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var level float64
	for _, k := range keys {
		if b := l.buckets[k]; b != nil {
			l.drain(b, now)
			level = math.Max(level, b.level)
		}
	}
	if level+1 > l.burst {
		wait := time.Duration((level + 1 - l.burst) / l.rate * float64(time.Second)).Round(time.Millisecond)
		return false, (wait + time.Second - time.Millisecond).Truncate(time.Second)
	}
	if len(l.buckets)+len(keys) > l.maxKeys {
		l.sweep(now)
	}
	for _, k := range keys {
		b := l.buckets[k]
		if b == nil {
			b = &bucket{at: now}
			l.buckets[k] = b
		}
		b.level++
	}
	return true, 0
}

// Refund gives back an attempt that Take reserved for keys, e.g. when the
// password was right.
func (l *Limiter) Refund(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		if b := l.buckets[k]; b != nil {
			l.drain(b, now)
			b.level = math.Max(0, b.level-1)
		}
	}
}

// sweep drops drained buckets and, if the map is still full, the half
// that failed longest ago. l.mu is held.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if l.drain(b, now); b.level == 0 {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) < l.maxKeys {
		return
	}
	times := make([]time.Time, 0, len(l.buckets))
	for _, b := range l.buckets {
		times = append(times, b.at)
	}
	cutoff := median(times)
	for k, b := range l.buckets {
		if !b.at.After(cutoff) {
			delete(l.buckets, k)
		}
	}
}

// median returns the middle time.
func median(ts []time.Time) time.Time {
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts[len(ts)/2]
}
