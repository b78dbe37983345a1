// Package ratelimit is token buckets by key, kept per instance and, with
// Redis, shared by every instance: the limits of the public routes and the
// shops' budgets of Admin API loads.
package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/leadtime-app/leadtime/cache"
)

// Rate is a token-bucket limit: PerSecond tokens refill each second, up to
// Burst. The zero Rate means no limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

// ParseRate reads a rate as the environment gives it (README,
// "Configuration"): "20/s,60" is 20 requests a second in bursts of up to
// 60; "600/m" is 600 a minute; without a burst, the burst is one second's
// worth (at least 1). "off" or "0" is no limit.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return Rate{}, nil
	}
	bad := fmt.Errorf("rate %q: want N/s or N/m, optionally followed by ,BURST (e.g. 20/s,60), or off", s)
	spec, burst, hasBurst := strings.Cut(s, ",")
	n, unit, ok := strings.Cut(spec, "/")
	if !ok {
		return Rate{}, bad
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) { // NaN is not > 0
		return Rate{}, bad
	}
	switch strings.TrimSpace(unit) {
	case "s":
	case "m":
		v /= 60
	default:
		return Rate{}, bad
	}
	r := Rate{PerSecond: v, Burst: max(1, int(math.Ceil(v)))}
	if hasBurst {
		b, err := strconv.Atoi(strings.TrimSpace(burst))
		if err != nil || b < 1 {
			return Rate{}, bad
		}
		r.Burst = b
	}
	return r, nil
}

// Limiter is a set of token buckets by key. It is safe for concurrent use;
// buckets are sharded to keep lock contention low, and full buckets are
// dropped now and then so memory stays bounded.
//
// With Redis (shared), the buckets are shared by every instance: a Lua
// script keeps them in Redis, keyed "leadtime:{shop}:rl:…". The local
// bucket still comes first: a key that has used up the whole rate on this
// instance alone is refused without asking Redis. Tokens are borrowed from
// Redis a few at a time (a lease), so that a busy key asks Redis about once
// per lease rather than once per request. When Redis fails, the local bucket
// decides alone: Redis never fails a request.
type Limiter struct {
	rate   Rate
	seed   maphash.Seed
	shards [32]limiterShard
	shared *Shared // nil: this instance's buckets only
	lease  int     // tokens borrowed from Redis at a time
}

type limiterShard struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
	// Tokens borrowed from the shared bucket and not yet spent, usable
	// until leaseEnd; borrowing is the borrow in flight, if any.
	lease     int
	leaseEnd  time.Time
	borrowing *borrow
	// Redis refused a borrow: until deniedUntil (when the shared bucket
	// has a token again) requests are refused here without asking it, so
	// an exhausted key costs one Redis call per refill, not one per request.
	deniedUntil time.Time
}

// borrow is one call to Redis for a key's tokens, awaited by the requests
// that need them meanwhile.
type borrow struct {
	done    chan struct{}
	granted int
	wait    time.Duration // until the shared bucket has a token, when none was granted
	err     error
}

// maxBucketsPerShard bounds memory under a flood of distinct clients.
const maxBucketsPerShard = 4096

// Lease bounds. Borrowed tokens unspent at leaseFor are lost, so a lease
// is small: a hundredth of a second's worth of tokens. Across N instances
// at most N leases a second go to waste, about N % of the rate.
const (
	leaseFor      = time.Second
	leaseFraction = 0.01
)

// New returns a limiter of r, shared between instances through shared
// (nil: this instance's buckets only), or nil for the zero Rate: no limit.
// A nil *Limiter allows everything.
func New(r Rate, shared *Shared) *Limiter {
	if r.PerSecond <= 0 {
		return nil
	}
	if r.Burst < 1 {
		r.Burst = int(math.Ceil(r.PerSecond))
	}
	l := &Limiter{rate: r, seed: maphash.MakeSeed(), shared: shared}
	l.lease = min(r.Burst, max(1, int(r.PerSecond*leaseFraction)))
	for i := range l.shards {
		l.shards[i].buckets = map[string]*bucket{}
	}
	return l
}

// Allow takes a token for key at now, or says how long until one is there.
func (l *Limiter) Allow(ctx context.Context, key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	sh := &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
	sh.mu.Lock()
	b, ok := sh.buckets[key]
	if !ok {
		if len(sh.buckets) >= maxBucketsPerShard {
			sh.sweep(now, l.rate)
		}
		b = &bucket{tokens: float64(l.rate.Burst), last: now}
		sh.buckets[key] = b
	}
	b.tokens = min(float64(l.rate.Burst), b.tokens+now.Sub(b.last).Seconds()*l.rate.PerSecond)
	b.last = now
	if b.tokens < 1 {
		wait := l.untilOne(1 - b.tokens)
		sh.mu.Unlock()
		return false, wait
	}
	b.tokens--
	if l.shared == nil || !l.shared.usable(now) {
		sh.mu.Unlock()
		return true, 0
	}
	return l.allowShared(ctx, sh, b, key, now)
}

// allowShared takes a token of the shared bucket: from the lease, else
// from Redis. It is called with sh locked and unlocks it.
func (l *Limiter) allowShared(ctx context.Context, sh *limiterShard, b *bucket, key string, now time.Time) (bool, time.Duration) {
	for {
		if b.lease > 0 && now.Before(b.leaseEnd) {
			b.lease--
			sh.mu.Unlock()
			return true, 0
		}
		if now.Before(b.deniedUntil) {
			b.tokens++ // refused: give back the local token
			sh.mu.Unlock()
			return false, b.deniedUntil.Sub(now)
		}
		if br := b.borrowing; br != nil {
			// Another request is asking Redis for this key: share its answer.
			sh.mu.Unlock()
			select {
			case <-br.done:
			case <-ctx.Done():
				return true, 0 // the client is gone; what we answer does not matter
			}
			switch {
			case br.err != nil:
				return true, 0 // the local bucket has allowed it
			case br.granted == 0:
				return false, br.wait
			}
			sh.mu.Lock()
			continue // others may have spent the lease: borrow again
		}
		rkey, ok := redisLimitKey(key)
		if !ok {
			sh.mu.Unlock()
			return true, 0 // not a key Redis can hold: the local bucket decides
		}
		br := &borrow{done: make(chan struct{})}
		b.borrowing = br
		sh.mu.Unlock()
		br.granted, br.wait, br.err = l.shared.take(ctx, rkey, l.rate, l.lease, now)
		sh.mu.Lock()
		b.borrowing = nil
		if br.err == nil {
			b.lease, b.leaseEnd = br.granted, now.Add(leaseFor)
			if br.granted == 0 {
				b.deniedUntil = now.Add(br.wait)
			}
		}
		close(br.done)
		switch {
		case br.err != nil:
			sh.mu.Unlock()
			return true, 0
		case b.lease > 0:
			b.lease--
			sh.mu.Unlock()
			return true, 0
		}
		b.tokens++ // refused: give back the local token
		sh.mu.Unlock()
		return false, br.wait
	}
}

// untilOne is how long the bucket takes to refill missing tokens.
func (l *Limiter) untilOne(missing float64) time.Duration {
	return time.Duration(missing / l.rate.PerSecond * float64(time.Second))
}

// sweep drops buckets that have refilled: forgetting them changes nothing.
func (sh *limiterShard) sweep(now time.Time, r Rate) {
	for k, b := range sh.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*r.PerSecond >= float64(r.Burst) {
			delete(sh.buckets, k)
		}
	}
	if len(sh.buckets) >= maxBucketsPerShard { // all busy: start over rather than grow
		clear(sh.buckets)
	}
}

// Shared keeps token buckets in Redis for every limiter of a server.
type Shared struct {
	rdb     redis.UniversalClient
	timeout time.Duration
	// skipUntil (Unix ns) is set after a Redis failure: until then the
	// local buckets decide alone, so that an outage costs one timeout a
	// second, not one per request.
	skipUntil atomic.Int64
	onError   func() // counts decisions taken without Redis
}

// Redis timing for rate limits: each call's default limit, and how long
// Redis is left alone after it failed.
const (
	DefaultRedisTimeout   = 50 * time.Millisecond
	rateLimitRedisBackoff = time.Second
)

// SharedOptions configure NewShared.
type SharedOptions struct {
	// OnError counts each decision taken without Redis; nil counts none.
	OnError func()
	// Timeout bounds each Redis call; past it this instance's buckets
	// decide. 0 means DefaultRedisTimeout: a rate limit must not make the
	// request wait on a slow Redis. Tests on a loaded machine give more,
	// so that what is shared does not depend on the machine's speed.
	Timeout time.Duration
}

// NewShared returns the Redis buckets of every limiter of a server, or nil
// without Redis.
func NewShared(rdb redis.UniversalClient, opts SharedOptions) *Shared {
	if rdb == nil {
		return nil
	}
	if v := reflect.ValueOf(rdb); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil // a nil *redis.Client in the interface
	}
	if opts.OnError == nil {
		opts.OnError = func() {}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultRedisTimeout
	}
	return &Shared{rdb: rdb, timeout: opts.Timeout, onError: opts.OnError}
}

func (s *Shared) usable(now time.Time) bool {
	if now.UnixNano() >= s.skipUntil.Load() {
		return true
	}
	s.onError()
	return false
}

// takeScript refills the bucket KEYS[1] (a hash: tokens, and the time of
// the last refill in ms, by Redis's clock so that instances' clocks do not
// matter) at ARGV[1] tokens a second up to ARGV[2], and takes up to ARGV[3]
// tokens. It returns the tokens taken and, when none, the ms until one is
// there. An idle bucket expires once it would be full again.
var takeScript = redis.NewScript(`
local rate, burst, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]), tonumber(b[2])
if not tokens or not at then
  tokens, at = burst, now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local got = math.min(want, math.floor(tokens))
tokens = tokens - got
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
if got > 0 then
  return {got, 0}
end
return {0, math.ceil((1 - tokens) / rate * 1000)}
`)

// take borrows up to want tokens of the shared bucket rkey. Its context is
// the request's, without its cancellation (waiting requests share the
// answer) and bounded by its timeout.
func (s *Shared) take(ctx context.Context, rkey string, r Rate, want int, now time.Time) (granted int, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	defer cancel()
	res, err := takeScript.Run(ctx, s.rdb, []string{rkey},
		strconv.FormatFloat(r.PerSecond, 'g', -1, 64), r.Burst, want).Int64Slice()
	if err == nil && len(res) != 2 {
		err = fmt.Errorf("rate limit script answered %v", res)
	}
	if err != nil {
		s.skipUntil.Store(now.Add(rateLimitRedisBackoff).UnixNano())
		s.onError()
		return 0, 0, err
	}
	return int(res[0]), time.Duration(res[1]) * time.Millisecond, nil
}

// redisLimitKey turns a limiter key, "NAME|SUBJECT" (see storefrontIP and
// the others), into its Redis key, "leadtime:{SUBJECT}:rl:NAME": the shop
// (or the client's IP) is the hash tag, as in every key of the shop.
func redisLimitKey(key string) (string, bool) {
	name, subject, ok := strings.Cut(key, "|")
	if !ok || subject == "" || len(subject) > 255 || strings.ContainsAny(subject, "{}\n") {
		return "", false
	}
	return cache.Key(subject, "rl", name), true
}
