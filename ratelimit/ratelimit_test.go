package ratelimit

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

// TestRateLimitSharedConcurrent: two instances' limiters hammering one key
// at once admit the shared burst, give or take the tokens left in leases,
// and ask Redis about once per lease. The instances' clock is frozen and the
// rate refills one token a second, so what is admitted and how often Redis
// is asked depend on counts, not on how fast this machine runs (Redis
// refills by its own clock: a second of it adds one token).
func TestRateLimitSharedConcurrent(t *testing.T) {
	rs := redistest.Start(t)
	ro, _ := redis.ParseURL(rs.URL())
	ro.ContextTimeoutEnabled = true
	rdb := redis.NewClient(ro)
	defer rdb.Close()
	if err := takeScript.Load(context.Background(), rdb).Err(); err != nil {
		t.Fatal(err) // so that no EVALSHA misses and is sent again as EVAL
	}
	var calls atomic.Int64
	rdb.AddHook(countingHook{&calls})

	r := Rate{PerSecond: 1, Burst: 500}
	a, b := New(r, NewShared(rdb, SharedOptions{Timeout: 10 * time.Second})), New(r, NewShared(rdb, SharedOptions{Timeout: 10 * time.Second}))
	a.lease, b.lease = 10, 10
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) // frozen: leases and refusals never expire
	var allowed atomic.Int64
	var wg sync.WaitGroup
	ctx := context.Background()
	start := time.Now()
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := []*Limiter{a, b}[g%2]
			for range 40 {
				if ok, _ := l.Allow(ctx, "shop|s.myshopify.com", now); ok {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	redisRefill := int64(time.Since(start).Seconds()) + 1
	got, n := allowed.Load(), calls.Load()
	t.Logf("2 560 attempts: %d allowed, %d Redis calls", got, n)
	if max := int64(r.Burst) + redisRefill; got > max {
		t.Errorf("%d allowed, want at most the burst plus what Redis refilled, %d", got, max)
	}
	if min := int64(r.Burst - 2*a.lease); got < min {
		t.Errorf("%d allowed, want at least the burst less two leases, %d", got, min)
	}
	// One call per full lease, one partial lease and one refusal per
	// instance, and one more per token Redis refilled meanwhile.
	if max := got/int64(a.lease) + 4 + redisRefill; n > max {
		t.Errorf("%d Redis calls for %d admitted requests, want at most %d: leases or refusals are not shared", n, got, max)
	}
}

// TestRateLimitSharedRefusalRemembered: once Redis has refused a key, the
// instance refuses it without asking again until the shared bucket has a
// token, and gives the local token back.
func TestRateLimitSharedRefusalRemembered(t *testing.T) {
	rs := redistest.Start(t)
	ro, _ := redis.ParseURL(rs.URL())
	rdb := redis.NewClient(ro)
	defer rdb.Close()
	if err := takeScript.Load(context.Background(), rdb).Err(); err != nil {
		t.Fatal(err) // so that no EVALSHA misses and is sent again as EVAL
	}
	var calls atomic.Int64
	rdb.AddHook(countingHook{&calls})

	r := Rate{PerSecond: 0.5, Burst: 2} // a token every 2 s
	a, b := New(r, NewShared(rdb, SharedOptions{Timeout: 10 * time.Second})), New(r, NewShared(rdb, SharedOptions{Timeout: 10 * time.Second}))
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	const key = "shop|s.myshopify.com"
	for i, l := range []*Limiter{a, a} { // a spends the shared burst
		if ok, _ := l.Allow(ctx, key, now); !ok {
			t.Fatalf("attempt %d on a refused, want allowed", i+1)
		}
	}
	before := calls.Load()
	if ok, wait := b.Allow(ctx, key, now); ok || wait <= 0 {
		t.Fatalf("b.allow after the shared burst = %v, %v; want refused with a wait", ok, wait)
	}
	if got := calls.Load() - before; got != 1 {
		t.Errorf("first refusal cost %d Redis calls, want 1", got)
	}
	before = calls.Load()
	for range 5 {
		if ok, _ := b.Allow(ctx, key, now.Add(time.Second)); ok {
			t.Errorf("b.allow 1 s later allowed, want refused (the shared bucket refills in 2 s)")
		}
	}
	if got := calls.Load() - before; got != 0 {
		t.Errorf("refusals within the wait cost %d Redis calls, want 0", got)
	}
	sh := &b.shards[0]
	for i := range b.shards {
		if _, ok := b.shards[i].buckets[key]; ok {
			sh = &b.shards[i]
		}
	}
	if got := sh.buckets[key].tokens; got != float64(r.Burst) {
		t.Errorf("b's local tokens after refusals = %v, want %d (refused requests give theirs back)", got, r.Burst)
	}
}

// countingHook counts the scripts run in Redis (not the connections'
// handshakes).
type countingHook struct{ n *atomic.Int64 }

func (h countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); n == "evalsha" || n == "eval" {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (h countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func TestParseRate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Rate
		bad  bool
	}{
		{in: "20/s,60", want: Rate{PerSecond: 20, Burst: 60}},
		{in: " 2000/s , 4000 ", want: Rate{PerSecond: 2000, Burst: 4000}},
		{in: "5/s", want: Rate{PerSecond: 5, Burst: 5}},
		{in: "0.5/s", want: Rate{PerSecond: 0.5, Burst: 1}},
		{in: "600/m", want: Rate{PerSecond: 10, Burst: 10}},
		{in: "30/m,5", want: Rate{PerSecond: 0.5, Burst: 5}},
		{in: "off"},
		{in: "0"},
		{in: "20", bad: true},
		{in: "20/h", bad: true},
		{in: "-1/s", bad: true},
		{in: "0/s", bad: true},
		{in: "NaN/s", bad: true},
		{in: "Inf/s", bad: true},
		{in: "20/s,0", bad: true},
		{in: "20/s,x", bad: true},
		{in: "", bad: true},
	} {
		got, err := ParseRate(tc.in)
		switch {
		case tc.bad && err == nil:
			t.Errorf("ParseRate(%q) = %+v, want an error", tc.in, got)
		case !tc.bad && err != nil:
			t.Errorf("ParseRate(%q): %v", tc.in, err)
		case !tc.bad && got != tc.want:
			t.Errorf("ParseRate(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
