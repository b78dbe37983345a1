package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// TestMain silences go-redis's own logger: the outage tests make it print
// every failed dial, which the cache already reports (rate-limited).
func TestMain(m *testing.M) {
	redis.SetLogger(discardRedisLog{})
	os.Exit(m.Run())
}

type discardRedisLog struct{}

func (discardRedisLog) Printf(context.Context, string, ...any) {}

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// events counts Options.OnEvent calls by "tier/event".
type events struct {
	mu sync.Mutex
	m  map[string]int
}

func (e *events) on(tier, event string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[string]int{}
	}
	e.m[tier+"/"+event]++
}

func (e *events) get(key string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[key]
}

// loader is a load func whose result the test sets, counting its calls.
type loader struct {
	calls atomic.Int64
	mu    sync.Mutex
	val   []byte
	err   error
	delay time.Duration
}

func (l *loader) set(val string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.val, l.err = []byte(val), err
	if err != nil {
		l.val = nil
	}
}

func (l *loader) load(ctx context.Context) ([]byte, error) {
	l.calls.Add(1)
	l.mu.Lock()
	val, err, delay := l.val, l.err, l.delay
	l.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return val, err
}

var errProductNotFound = errors.New("shopify: product not found")

func isProductNotFound(err error) bool { return errors.Is(err, errProductNotFound) }

// quietLogger drops cache logs; tests that look at logs use their own.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// newTestCache returns a Cache closed at the end of the test. Unless opts
// says otherwise, Redis calls get 1 s rather than 100 ms: a Cache does not
// write to a Redis that took over half its budget to answer, and on a
// loaded machine a cold connection can; tests of timing set RedisTimeout.
func newTestCache(t testing.TB, opts Options) *Cache {
	t.Helper()
	if opts.RedisTimeout == 0 {
		opts.RedisTimeout = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = quietLogger
	}
	if opts.IsNotFound == nil {
		opts.IsNotFound = isProductNotFound
	}
	c := New(opts)
	t.Cleanup(c.Close)
	if c.rdb != nil {
		waitSubscribed(t, c)
	}
	return c
}

// waitSubscribed waits until c's subscription to invalidations is
// confirmed, after which its epoch stays put while Redis is up.
func waitSubscribed(t testing.TB, c *Cache) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.epoch.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no subscription to %s within 5 s", c.opts.Channel)
		}
		time.Sleep(time.Millisecond)
	}
}

// miniClient returns a client of a fresh miniredis.
func miniClient(t testing.TB) (*miniredis.Miniredis, *redis.Client) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return m, rdb
}

func TestKey(t *testing.T) {
	tests := []struct {
		shop, kind, id string
		want           string
	}{
		{"a.myshopify.com", "product", "123", "leadtime:{a.myshopify.com}:product:123"},
		{"b.myshopify.com", "answer", "123:SE:2025-11-28", "leadtime:{b.myshopify.com}:answer:123:SE:2025-11-28"},
	}
	for _, tc := range tests {
		if got := Key(tc.shop, tc.kind, tc.id); got != tc.want {
			t.Errorf("Key(%q, %q, %q) = %q, want %q", tc.shop, tc.kind, tc.id, got, tc.want)
		}
		if got := shopOf(Key(tc.shop, tc.kind, tc.id)); got != tc.shop {
			t.Errorf("shopOf(Key(%q, …)) = %q, want %q", tc.shop, got, tc.shop)
		}
	}
	for _, key := range []string{"plain", "leadtime:{}:x", "leadtime:{open"} {
		if got := shopOf(key); got != "" {
			t.Errorf("shopOf(%q) = %q, want \"\"", key, got)
		}
	}
}

// TestFetch walks one key through its life in an L1-only cache and in one
// with L2, with the events each step counts.
func TestFetch(t *testing.T) {
	type step struct {
		name      string
		advance   time.Duration
		val       string // what the load returns…
		err       error  // …or this
		want      string
		wantStale bool
		wantErr   error // matched with errors.Is
		wantCalls int64 // total loads so far
	}
	errShopifyDown := errors.New("shopify: 503")
	steps := []step{
		{name: "miss loads", val: "v1", want: "v1", wantCalls: 1},
		{name: "hit", val: "v2", want: "v1", wantCalls: 1},
		{name: "hit before ttl", advance: 9 * time.Minute, val: "v2", want: "v1", wantCalls: 1},
		{name: "reload after ttl", advance: 2 * time.Minute, val: "v2", want: "v2", wantCalls: 2},
		{name: "stale when load fails", advance: 11 * time.Minute, err: errShopifyDown, want: "v2", wantStale: true, wantCalls: 3},
		{name: "stale again: a failure caches nothing", err: errShopifyDown, want: "v2", wantStale: true, wantCalls: 4},
		{name: "error past the stale window", advance: 25 * time.Hour, err: errShopifyDown, wantErr: errShopifyDown, wantCalls: 5},
		{name: "not found is cached", err: errProductNotFound, wantErr: ErrNotFound, wantCalls: 6},
		{name: "negative hit", val: "v3", wantErr: errProductNotFound, wantCalls: 6},
		{name: "negative hit before NegativeTTL", advance: 29 * time.Second, val: "v3", wantErr: ErrNotFound, wantCalls: 6},
		{name: "reload after NegativeTTL", advance: 2 * time.Second, val: "v3", want: "v3", wantCalls: 7},
	}
	for _, withRedis := range []bool{false, true} {
		t.Run(fmt.Sprintf("redis=%v", withRedis), func(t *testing.T) {
			clk := newClock()
			opts := Options{Now: clk.Now}
			if withRedis {
				_, opts.Redis = miniClient(t)
			}
			c := newTestCache(t, opts)
			key := Key("a.myshopify.com", "product", "1")
			var l loader
			for _, s := range steps {
				clk.Add(s.advance)
				l.set(s.val, s.err)
				got, stale, err := c.Fetch(context.Background(), key, 10*time.Minute, l.load)
				if s.wantErr != nil {
					if !errors.Is(err, s.wantErr) {
						t.Errorf("%s: Fetch error = %v, want %v", s.name, err, s.wantErr)
					}
				} else if err != nil || string(got) != s.want || stale != s.wantStale {
					t.Errorf("%s: Fetch = %q, %v, %v; want %q, %v, nil", s.name, got, stale, err, s.want, s.wantStale)
				}
				if n := l.calls.Load(); n != s.wantCalls {
					t.Errorf("%s: %d loads, want %d", s.name, n, s.wantCalls)
				}
			}
		})
	}
}

func TestFetchEvents(t *testing.T) {
	clk := newClock()
	var ev events
	_, rdb := miniClient(t)
	a := newTestCache(t, Options{Now: clk.Now, Redis: rdb, OnEvent: ev.on})
	key := Key("a.myshopify.com", "product", "1")
	var l loader
	l.set("v1", nil)
	ctx := context.Background()
	a.Fetch(ctx, key, time.Minute, l.load) // l1 miss, l2 miss, load
	a.Fetch(ctx, key, time.Minute, l.load) // l1 hit
	clk.Add(2 * time.Minute)
	l.set("", errors.New("down"))
	a.Fetch(ctx, key, time.Minute, l.load) // l1 miss, l2 miss (old), stale from l1

	b := newTestCache(t, Options{Now: clk.Now, Redis: rdb, OnEvent: ev.on})
	b.Fetch(ctx, key, time.Minute, l.load) // l1 miss, l2 miss (old), stale from l2
	l.set("", errProductNotFound)
	other := Key("a.myshopify.com", "product", "2")
	b.Fetch(ctx, other, time.Minute, l.load) // l1 miss, l2 miss, not found
	a.Fetch(ctx, other, time.Minute, l.load) // l1 miss, l2 negative

	for key, want := range map[string]int{
		"l1/miss": 5, "l1/hit": 1, "l1/stale": 1, "l1/negative": 0,
		"l2/miss": 4, "l2/hit": 0, "l2/stale": 1, "l2/negative": 1, "l2/error": 0,
	} {
		if got := ev.get(key); got != want {
			t.Errorf("event %s counted %d times, want %d", key, got, want)
		}
	}
}

// TestFetchSingleflight: 500 concurrent misses of one key make one load.
func TestFetchSingleflight(t *testing.T) {
	c := newTestCache(t, Options{})
	l := loader{delay: 20 * time.Millisecond}
	l.set("v", nil)
	key := Key("a.myshopify.com", "product", "1")
	const n = 500
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			got, stale, err := c.Fetch(context.Background(), key, time.Minute, l.load)
			if err != nil || stale || string(got) != "v" {
				failed.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := l.calls.Load(); got != 1 {
		t.Errorf("%d concurrent Fetch made %d loads, want 1", n, got)
	}
	if got := failed.Load(); got != 0 {
		t.Errorf("%d Fetch calls failed", got)
	}
}

// TestFetchCallerGivesUp: a caller whose context ends stops waiting, while
// the shared load goes on for the others.
func TestFetchCallerGivesUp(t *testing.T) {
	c := newTestCache(t, Options{})
	l := loader{delay: 100 * time.Millisecond}
	l.set("v", nil)
	key := Key("a.myshopify.com", "product", "1")

	impatient, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	done := make(chan error)
	go func() {
		_, _, err := c.Fetch(impatient, key, time.Minute, l.load)
		done <- err
	}()
	time.Sleep(time.Millisecond) // the impatient caller leads the flight
	got, _, err := c.Fetch(context.Background(), key, time.Minute, l.load)
	if err != nil || string(got) != "v" {
		t.Errorf("patient Fetch = %q, %v; want \"v\", nil", got, err)
	}
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("impatient Fetch error = %v, want %v", err, context.DeadlineExceeded)
	}
	if n := l.calls.Load(); n != 1 {
		t.Errorf("%d loads, want 1", n)
	}
}

func TestFetchLoadTimeoutAndPanic(t *testing.T) {
	c := newTestCache(t, Options{LoadTimeout: 20 * time.Millisecond})
	ctx := context.Background()
	slow := loader{delay: time.Second}
	_, _, err := c.Fetch(ctx, "slow", time.Minute, slow.load)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Fetch with a hung load: error = %v, want %v", err, context.DeadlineExceeded)
	}
	_, _, err = c.Fetch(ctx, "panics", time.Minute, func(context.Context) ([]byte, error) { panic("boom") })
	if err == nil {
		t.Errorf("Fetch with a panicking load: error = nil, want one")
	}
}

// TestNegativeAcrossInstances: a "not found" cached in L2 by one instance
// spares the other's load too.
func TestNegativeAcrossInstances(t *testing.T) {
	_, rdb := miniClient(t)
	a := newTestCache(t, Options{Redis: rdb})
	b := newTestCache(t, Options{Redis: rdb})
	key := Key("a.myshopify.com", "product", "404")
	var l loader
	l.set("", fmt.Errorf("loading product 404: %w", errProductNotFound))
	ctx := context.Background()
	for i, c := range []*Cache{a, b, a, b} {
		_, _, err := c.Fetch(ctx, key, time.Minute, l.load)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Fetch %d: error = %v, want ErrNotFound", i, err)
		}
	}
	if n := l.calls.Load(); n != 1 {
		t.Errorf("%d loads, want 1", n)
	}
}

func TestGetSet(t *testing.T) {
	for _, withRedis := range []bool{false, true} {
		t.Run(fmt.Sprintf("redis=%v", withRedis), func(t *testing.T) {
			clk := newClock()
			opts := Options{Now: clk.Now}
			if withRedis {
				_, opts.Redis = miniClient(t)
			}
			c := newTestCache(t, opts)
			ctx := context.Background()
			key := Key("a.myshopify.com", "answer", "1:SE")
			tests := []struct {
				name    string
				advance time.Duration
				set     string
				ttl     time.Duration
				want    string
				wantOK  bool
			}{
				{name: "empty"},
				{name: "set", set: "a1", ttl: time.Hour, want: "a1", wantOK: true},
				{name: "before ttl", advance: 59 * time.Minute, want: "a1", wantOK: true},
				{name: "after ttl", advance: 2 * time.Minute},
				{name: "zero ttl keeps nothing", set: "a2", ttl: 0},
			}
			for _, tc := range tests {
				clk.Add(tc.advance)
				if tc.set != "" {
					c.Set(ctx, key, []byte(tc.set), tc.ttl)
				}
				got, ok := c.Get(ctx, key)
				if string(got) != tc.want || ok != tc.wantOK {
					t.Errorf("%s: Get = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.wantOK)
				}
			}
		})
	}
}

// TestGetSkipsNegative: a cached "not found" is no value for Get.
func TestGetSkipsNegative(t *testing.T) {
	c := newTestCache(t, Options{})
	var l loader
	l.set("", errProductNotFound)
	ctx := context.Background()
	c.Fetch(ctx, "k", time.Minute, l.load)
	if got, ok := c.Get(ctx, "k"); ok {
		t.Errorf("Get of a cached not-found = %q, true; want a miss", got)
	}
}

func TestGetFromL2(t *testing.T) {
	_, rdb := miniClient(t)
	a := newTestCache(t, Options{Redis: rdb})
	b := newTestCache(t, Options{Redis: rdb})
	ctx := context.Background()
	key := Key("a.myshopify.com", "answer", "1")
	a.Set(ctx, key, []byte("answer"), time.Minute)
	if got, ok := b.Get(ctx, key); !ok || string(got) != "answer" {
		t.Errorf("B.Get after A.Set = %q, %v; want \"answer\", true", got, ok)
	}
	if !b.l1.Contains(key) {
		t.Errorf("B.Get from L2 did not keep the value in B's L1")
	}
}

func TestInvalidateL1(t *testing.T) {
	c := newTestCache(t, Options{})
	ctx := context.Background()
	k1, k2 := Key("a.myshopify.com", "product", "1"), Key("a.myshopify.com", "product", "2")
	var l loader
	l.set("v1", nil)
	c.Fetch(ctx, k1, time.Minute, l.load)
	c.Fetch(ctx, k2, time.Minute, l.load)
	l.set("v2", nil)
	c.Invalidate(ctx, k1)
	for _, tc := range []struct{ key, want string }{{k1, "v2"}, {k2, "v1"}} {
		if got, _, _ := c.Fetch(ctx, tc.key, time.Minute, l.load); string(got) != tc.want {
			t.Errorf("Fetch(%s) after Invalidate(k1) = %q, want %q", tc.key, got, tc.want)
		}
	}
}

// TestInvalidateShop drops the shop's keys and no other shop's, with and
// without Redis; an entry of the old generation remains a stale fallback.
func TestInvalidateShop(t *testing.T) {
	for _, withRedis := range []bool{false, true} {
		t.Run(fmt.Sprintf("redis=%v", withRedis), func(t *testing.T) {
			opts := Options{}
			if withRedis {
				_, opts.Redis = miniClient(t)
			}
			c := newTestCache(t, opts)
			ctx := context.Background()
			keys := []string{
				Key("a.myshopify.com", "product", "1"),
				Key("a.myshopify.com", "answer", "1:SE"),
				Key("b.myshopify.com", "product", "1"),
			}
			var l loader
			l.set("old", nil)
			for _, k := range keys {
				c.Fetch(ctx, k, time.Hour, l.load)
			}
			c.InvalidateShop(ctx, "a.myshopify.com")
			l.set("new", nil)
			for i, want := range []string{"new", "new", "old"} {
				if got, _, _ := c.Fetch(ctx, keys[i], time.Hour, l.load); string(got) != want {
					t.Errorf("Fetch(%s) after InvalidateShop(a) = %q, want %q", keys[i], got, want)
				}
			}
			// A second bump; now the load fails: the old generation's value
			// is served, marked stale.
			c.InvalidateShop(ctx, "a.myshopify.com")
			l.set("", errors.New("shopify down"))
			got, stale, err := c.Fetch(ctx, keys[0], time.Hour, l.load)
			if string(got) != "new" || !stale || err != nil {
				t.Errorf("Fetch after InvalidateShop with a failing load = %q, %v, %v; want \"new\", true, nil", got, stale, err)
			}
		})
	}
}

func TestSetNXL1(t *testing.T) {
	clk := newClock()
	c := newTestCache(t, Options{Now: clk.Now})
	ctx := context.Background()
	key := Key("a.myshopify.com", "webhook", "w1")
	tests := []struct {
		name    string
		key     string
		advance time.Duration
		want    bool
	}{
		{"first", key, 0, true},
		{"duplicate", key, 0, false},
		{"duplicate within ttl", key, 23 * time.Hour, false},
		{"other key", Key("a.myshopify.com", "webhook", "w2"), 0, true},
		{"after ttl", key, 2 * time.Hour, true},
	}
	for _, tc := range tests {
		clk.Add(tc.advance)
		if got := c.SetNX(ctx, tc.key, 24*time.Hour); got != tc.want {
			t.Errorf("%s: SetNX = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestSetNXConcurrent: of many concurrent claims, exactly one wins, with
// and without Redis.
func TestSetNXConcurrent(t *testing.T) {
	for _, withRedis := range []bool{false, true} {
		t.Run(fmt.Sprintf("redis=%v", withRedis), func(t *testing.T) {
			opts := Options{}
			if withRedis {
				_, opts.Redis = miniClient(t)
			}
			a, b := newTestCache(t, opts), newTestCache(t, opts)
			var wins atomic.Int64
			var wg sync.WaitGroup
			for i := range 50 {
				c := a
				if withRedis && i%2 == 1 {
					c = b // instances share claims only through Redis
				}
				wg.Go(func() {
					if c.SetNX(context.Background(), "leadtime:{s}:webhook:1", time.Hour) {
						wins.Add(1)
					}
				})
			}
			wg.Wait()
			if got := wins.Load(); got != 1 {
				t.Errorf("%d claims won, want 1", got)
			}
		})
	}
}

func TestL2Encoding(t *testing.T) {
	nf := &notFoundError{key: "k", msg: "product 9 not found", err: errProductNotFound}
	tests := []entry{
		{val: []byte(`{"id":1}`), fresh: 10, stale: 20, gen: 1732780800000000},
		{val: []byte{}, fresh: -1, stale: 0},
		{err: nf, fresh: 5, stale: 5, gen: 3},
	}
	for _, e := range tests {
		got, err := decodeL2("k", string(encodeL2(&e)))
		if err != nil {
			t.Fatalf("decodeL2(encodeL2(%+v)): %v", e, err)
		}
		if !bytes.Equal(got.val, e.val) || got.fresh != e.fresh || got.stale != e.stale || got.gen != e.gen {
			t.Errorf("decodeL2(encodeL2(%+v)) = %+v", e, got)
		}
		if (e.err != nil) != (got.err != nil) || (got.err != nil && got.err.Error() != e.err.Error()) {
			t.Errorf("decodeL2(encodeL2(%+v)).err = %v, want %v", e, got.err, e.err)
		}
	}
	for _, raw := range []string{"", "short", "\x02v" + string(make([]byte, 24))} {
		if _, err := decodeL2("k", raw); err == nil {
			t.Errorf("decodeL2(%q) = nil error, want one", raw)
		}
	}
}

func TestBreaker(t *testing.T) {
	const cooldown = 30 * time.Millisecond
	b := breaker{threshold: 3, cooldown: cooldown}
	step := 0
	allow := func(want bool) {
		t.Helper()
		step++
		if got := b.allow(); got != want {
			t.Fatalf("step %d: allow = %v, want %v", step, got, want)
		}
	}
	allow(true)
	b.failure()
	allow(true)
	b.failure()
	allow(true)
	b.success() // a success resets the count
	for range 3 {
		allow(true)
		b.failure()
	}
	allow(false) // open: skipped
	time.Sleep(cooldown + 10*time.Millisecond)
	allow(true)  // after the cooldown, one probe…
	allow(false) // …while it runs, the others are skipped
	b.failure()  // the probe fails: open for another cooldown
	allow(false)
	time.Sleep(cooldown + 10*time.Millisecond)
	allow(true)
	b.release() // the probe's caller gave up: no verdict, the next call probes
	allow(true)
	if !b.isOpen() {
		t.Errorf("breaker closed before a probe succeeded")
	}
	if !b.success() {
		t.Errorf("a successful probe did not report closing the breaker")
	}
	allow(true)
	allow(true)
}

func TestLimitedLog(t *testing.T) {
	l := limitedLog{every: time.Hour}
	var passed int
	var suppressed int64
	for range 100 {
		if ok, _ := l.allow(); ok {
			passed++
		}
	}
	l.last.Store(1) // an hour has passed
	if ok, n := l.allow(); ok {
		passed++
		suppressed = n
	}
	if passed != 2 || suppressed != 99 {
		t.Errorf("limitedLog let %d through and reported %d suppressed; want 2 and 99", passed, suppressed)
	}
}

func TestNilRedisClient(t *testing.T) {
	var rdb *redis.Client // a typed nil, as `var rdb *redis.Client; if url != "" {…}` leaves it
	c := newTestCache(t, Options{Redis: rdb})
	if c.rdb != nil {
		t.Fatalf("a nil *redis.Client was taken for a Redis")
	}
	if err := c.Ping(context.Background()); err != nil {
		t.Errorf("Ping without Redis = %v, want nil", err)
	}
}

// batchLoader is a FetchMany load over a fake catalog, counting its calls
// and the keys it was asked for.
type batchLoader struct {
	mu      sync.Mutex
	catalog map[string]string // key → value; a key not here does not exist
	err     error
	calls   int
	asked   [][]string
	delay   time.Duration
}

func (l *batchLoader) load(ctx context.Context, keys []string) (map[string][]byte, error) {
	l.mu.Lock()
	l.calls++
	l.asked = append(l.asked, slices.Clone(keys))
	err, delay := l.err, l.delay
	out := make(map[string][]byte)
	for _, k := range keys {
		if v, ok := l.catalog[k]; ok {
			out[k] = []byte(v)
		}
	}
	l.mu.Unlock()
	time.Sleep(delay)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (l *batchLoader) stats() (calls int, lastAsked []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.asked) > 0 {
		lastAsked = l.asked[len(l.asked)-1]
	}
	return l.calls, lastAsked
}

func cartKeys(shop string, from, to int) []string {
	var ks []string
	for i := from; i < to; i++ {
		ks = append(ks, Key(shop, "product", fmt.Sprint(i)))
	}
	return ks
}

// TestFetchMany walks a cart through loads, hits, a product that does not
// exist and a failing load, with and without L2.
func TestFetchMany(t *testing.T) {
	for _, withRedis := range []bool{false, true} {
		t.Run(fmt.Sprintf("redis=%v", withRedis), func(t *testing.T) {
			clk := newClock()
			opts := Options{Now: clk.Now}
			if withRedis {
				_, opts.Redis = miniClient(t)
			}
			c := newTestCache(t, opts)
			ctx := context.Background()
			shop := "a.myshopify.com"
			l := &batchLoader{catalog: map[string]string{}}
			for _, k := range cartKeys(shop, 0, 80) {
				l.catalog[k] = "v:" + k
			}
			ghost := Key(shop, "product", "404")
			fail := errors.New("shopify: 503")

			tests := []struct {
				name      string
				advance   time.Duration
				keys      []string
				err       error // the load's
				wantCalls int
				wantAsked int // keys in the last load
				want      func(k string) Result
			}{
				{
					name: "50 uncached products: one load", keys: cartKeys(shop, 0, 50),
					wantCalls: 1, wantAsked: 50,
					want: func(k string) Result { return Result{Value: []byte("v:" + k)} },
				},
				{
					name: "the same cart: all hits", keys: cartKeys(shop, 0, 50),
					wantCalls: 1, wantAsked: 50,
					want: func(k string) Result { return Result{Value: []byte("v:" + k)} },
				},
				{
					name:      "a bigger cart with duplicates and a ghost: loads only what is missing",
					keys:      append(append(cartKeys(shop, 40, 60), cartKeys(shop, 40, 60)...), ghost),
					wantCalls: 2, wantAsked: 11,
					want: func(k string) Result {
						if k == ghost {
							return Result{Err: ErrNotFound}
						}
						return Result{Value: []byte("v:" + k)}
					},
				},
				{
					name: "the ghost is cached as not found", keys: []string{ghost, Key(shop, "product", "1")},
					wantCalls: 2, wantAsked: 11,
					want: func(k string) Result {
						if k == ghost {
							return Result{Err: ErrNotFound}
						}
						return Result{Value: []byte("v:" + k)}
					},
				},
				{
					name:    "Shopify down after the TTL: stale for the known, the error for the new",
					advance: time.Hour, keys: cartKeys(shop, 45, 65), err: fail,
					wantCalls: 3, wantAsked: 20,
					want: func(k string) Result {
						if slices.Contains(cartKeys(shop, 60, 65), k) { // never loaded
							return Result{Err: fail}
						}
						return Result{Value: []byte("v:" + k), Stale: true}
					},
				},
			}
			for _, tc := range tests {
				clk.Add(tc.advance)
				l.mu.Lock()
				l.err = tc.err
				l.mu.Unlock()
				got := c.FetchMany(ctx, tc.keys, 10*time.Minute, l.load)
				calls, asked := l.stats()
				if calls != tc.wantCalls || len(asked) != tc.wantAsked {
					t.Errorf("%s: %d loads, the last for %d keys; want %d, %d", tc.name, calls, len(asked), tc.wantCalls, tc.wantAsked)
				}
				for _, k := range tc.keys {
					r, ok := got[k]
					want := tc.want(k)
					switch {
					case !ok:
						t.Errorf("%s: no result for %s", tc.name, k)
					case want.Err != nil:
						if !errors.Is(r.Err, want.Err) {
							t.Errorf("%s: %s: error %v, want %v", tc.name, k, r.Err, want.Err)
						}
					case r.Err != nil || string(r.Value) != string(want.Value) || r.Stale != want.Stale:
						t.Errorf("%s: %s = %q, stale %v, %v; want %q, stale %v", tc.name, k, r.Value, r.Stale, r.Err, want.Value, want.Stale)
					}
				}
			}
		})
	}
}

// TestFetchManyConcurrent: concurrent requests for one cart share one
// load, and a product page's Fetch of a single missing key joins a cart's.
func TestFetchManyConcurrent(t *testing.T) {
	c := newTestCache(t, Options{})
	l := &batchLoader{catalog: map[string]string{}, delay: 30 * time.Millisecond}
	cart := cartKeys("a.myshopify.com", 0, 50)
	for _, k := range cart {
		l.catalog[k] = "v"
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 100 {
		wg.Go(func() {
			for _, r := range c.FetchMany(context.Background(), cart, time.Minute, l.load) {
				if r.Err != nil || string(r.Value) != "v" {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if calls, _ := l.stats(); calls != 1 || failed.Load() != 0 {
		t.Errorf("100 concurrent FetchMany of one cart: %d loads, %d failed results; want 1, 0", calls, failed.Load())
	}

	one := Key("a.myshopify.com", "product", "single")
	l.catalog[one] = "s"
	var single loader
	single.set("s", nil)
	for i := range 50 {
		wg.Go(func() {
			if i%2 == 0 {
				c.FetchMany(context.Background(), []string{one}, time.Minute, l.load)
			} else {
				c.Fetch(context.Background(), one, time.Minute, single.load)
			}
		})
	}
	wg.Wait()
	calls, _ := l.stats()
	if n := int64(calls-1) + single.calls.Load(); n != 1 {
		t.Errorf("50 concurrent Fetch and FetchMany of one key: %d loads, want 1", n)
	}
}

func TestFetchManyAcrossInstances(t *testing.T) {
	_, rdb := miniClient(t)
	a := newTestCache(t, Options{Redis: rdb})
	b := newTestCache(t, Options{Redis: rdb})
	cart := cartKeys("a.myshopify.com", 0, 50)
	l := &batchLoader{catalog: map[string]string{}}
	for _, k := range cart[:49] {
		l.catalog[k] = "v"
	}
	ctx := context.Background()
	a.FetchMany(ctx, cart, time.Minute, l.load)
	got := b.FetchMany(ctx, cart, time.Minute, l.load)
	if calls, _ := l.stats(); calls != 1 {
		t.Errorf("B's FetchMany after A's made %d loads in all, want 1 (B reads L2)", calls)
	}
	if r := got[cart[0]]; string(r.Value) != "v" {
		t.Errorf("B: %s = %q, %v; want \"v\"", cart[0], r.Value, r.Err)
	}
	if r := got[cart[49]]; !errors.Is(r.Err, ErrNotFound) {
		t.Errorf("B: %s error = %v, want ErrNotFound from A's tombstone", cart[49], r.Err)
	}
}

// TestInvalidateDuringLoad: a load that overlaps an invalidation of its key
// may have read the old data, so its result is served to its callers but
// neither kept fresh nor written to L2.
func TestInvalidateDuringLoad(t *testing.T) {
	m, rdb := miniClient(t)
	c := newTestCache(t, Options{Redis: rdb})
	ctx := context.Background()
	key := Key("a.myshopify.com", "product", "1")
	started, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int64
	load := func(context.Context) ([]byte, error) {
		if calls.Add(1) == 1 {
			close(started)
			<-release
			return []byte("read before the webhook"), nil
		}
		return []byte("read after the webhook"), nil
	}
	done := make(chan []byte)
	go func() {
		v, _, _ := c.Fetch(ctx, key, time.Hour, load)
		done <- v
	}()
	<-started
	c.Invalidate(ctx, key) // the product-update webhook
	close(release)
	if got := string(<-done); got != "read before the webhook" {
		t.Errorf("the overlapping Fetch = %q", got)
	}
	if m.Exists(key) {
		t.Errorf("the overlapping load was written to L2")
	}
	if got, _, _ := c.Fetch(ctx, key, time.Hour, load); string(got) != "read after the webhook" {
		t.Errorf("Fetch after the overlapping load = %q, want a reload", got)
	}
}
