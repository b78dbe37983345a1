package server

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/leadtime-app/leadtime/internal/redistest"
)

func TestRedisLimitKey(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"ip|203.0.113.7", "leadtime:{203.0.113.7}:rl:ip", true},
		{"ip|2001:db8::1", "leadtime:{2001:db8::1}:rl:ip", true},
		{"shop|a.myshopify.com", "leadtime:{a.myshopify.com}:rl:shop", true},
		{"proxy|", "", false},
		{"proxy|{x}", "", false},
		{"nobar", "", false},
	} {
		got, ok := redisLimitKey(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("redisLimitKey(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestSharedLimiterConcurrent: two instances' limiters hammering one key
// at once admit the shared burst (plus what refills meanwhile), give or
// take the tokens left in leases, and ask Redis about once per lease.
func TestRateLimitSharedConcurrent(t *testing.T) {
	rs := redistest.Start(t)
	ro, _ := redis.ParseURL(rs.URL())
	ro.ContextTimeoutEnabled = true
	rdb := redis.NewClient(ro)
	defer rdb.Close()
	var calls atomic.Int64
	rdb.AddHook(countingHook{&calls})

	r := Rate{PerSecond: 1000, Burst: 500} // leases of 10
	a, b := newLimiter(r, newSharedLimits(rdb, func() {})), newLimiter(r, newSharedLimits(rdb, func() {}))
	var allowed atomic.Int64
	var wg sync.WaitGroup
	ctx := context.Background()
	start := time.Now()
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := []*limiter{a, b}[g%2]
			for range 40 {
				if ok, _ := l.allow(ctx, "shop|s.myshopify.com", time.Now()); ok {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	refill := int64(elapsed.Seconds()*r.PerSecond) + 1
	got := allowed.Load()
	t.Logf("2 560 attempts in %v: %d allowed, %d Redis calls", elapsed, got, calls.Load())
	if max := int64(r.Burst) + refill; got > max {
		t.Errorf("%d allowed, want at most the burst plus the refill, %d", got, max)
	}
	if min := int64(r.Burst - 2*a.lease); got < min {
		t.Errorf("%d allowed, want at least the burst less two leases, %d", got, min)
	}
	if n := calls.Load(); n > got/int64(a.lease)+64 {
		t.Errorf("%d Redis calls for %d admitted requests: leases are not shared", n, got)
	}
}

// countingHook counts the commands sent to Redis.
type countingHook struct{ n *atomic.Int64 }

func (h countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}
func (h countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
