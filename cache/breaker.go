package cache

import (
	"sync"
	"time"
)

// breaker is a circuit breaker over Redis: after threshold consecutive
// failures it is open, and calls skip Redis for cooldown; then one call at a
// time probes Redis until one succeeds. It is safe for concurrent use. Every
// allow that returns true must be followed by one success, failure or
// release.
type breaker struct {
	threshold int
	cooldown  time.Duration

	mu        sync.Mutex
	fails     int
	openUntil time.Time
	probing   bool
}

func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fails < b.threshold {
		return true
	}
	if b.probing || time.Now().Before(b.openUntil) {
		return false
	}
	b.probing = true
	return true
}

// success records a call that reached Redis, and reports whether it closed
// an open breaker.
func (b *breaker) success() (closed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	closed = b.fails >= b.threshold
	b.fails, b.probing = 0, false
	return closed
}

// failure records a failed call, and reports whether it opened the breaker.
func (b *breaker) failure() (opened bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	b.fails++
	if b.fails >= b.threshold {
		b.openUntil = time.Now().Add(b.cooldown)
	}
	return b.fails == b.threshold
}

// release ends a call that says nothing about Redis.
func (b *breaker) release() {
	b.mu.Lock()
	b.probing = false
	b.mu.Unlock()
}

// isOpen reports whether calls are being skipped (for tests and logs).
func (b *breaker) isOpen() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.fails >= b.threshold
}
