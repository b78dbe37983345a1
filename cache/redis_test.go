package cache

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// These tests run against a real redis-server (internal/redistest); each
// instance gets its own client, as separate processes would.

func newClient(t testing.TB, srv *redistest.Server) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// newInstances returns n caches sharing srv, each with its own client.
func newInstances(t testing.TB, srv *redistest.Server, n int, opts Options) []*Cache {
	t.Helper()
	cs := make([]*Cache, n)
	for i := range cs {
		o := opts
		o.Redis = newClient(t, srv)
		cs[i] = newTestCache(t, o)
	}
	return cs
}

// waitFor polls cond every 100 µs for up to limit, and returns how long it
// took to become true, or -1.
func waitFor(limit time.Duration, cond func() bool) time.Duration {
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			return -1
		}
		time.Sleep(100 * time.Microsecond)
	}
	return time.Since(start)
}

// TestInvalidationReachesOtherInstance: an Invalidate on A drops B's L1
// entry within 100 ms.
func TestInvalidationReachesOtherInstance(t *testing.T) {
	srv := redistest.Start(t)
	cs := newInstances(t, srv, 2, Options{})
	a, b := cs[0], cs[1]
	ctx := context.Background()
	var l loader
	var lat []time.Duration
	stalls := startStallMeter(t)
	stalls.take()
	for i := range 20 {
		key := Key("a.myshopify.com", "product", fmt.Sprint(i))
		l.set("v1", nil)
		if got, _, err := b.Fetch(ctx, key, time.Hour, l.load); err != nil || string(got) != "v1" {
			t.Fatalf("B.Fetch(%s) = %q, %v", key, got, err)
		}
		start := time.Now()
		a.Invalidate(ctx, key)
		d := waitFor(time.Second, func() bool { return !b.l1.Contains(key) })
		if d < 0 {
			t.Fatalf("B still holds %s 1 s after A invalidated it", key)
		}
		lat = append(lat, time.Since(start))
		l.set("v2", nil)
		if got, _, _ := b.Fetch(ctx, key, time.Hour, l.load); string(got) != "v2" {
			t.Errorf("B.Fetch(%s) after the invalidation = %q, want \"v2\"", key, got)
		}
	}
	slices.Sort(lat)
	stall := stalls.take()
	t.Logf("invalidation A→B latency (Invalidate call to B's L1 drop, %d runs): median %v, max %v (process stalled %v)",
		len(lat), lat[len(lat)/2], lat[len(lat)-1], stall)
	if max := lat[len(lat)-1]; max > 100*time.Millisecond+stall {
		t.Errorf("invalidation took up to %v to reach B, want ≤ 100 ms (+ %v stalled)", max, stall)
	}
}

// TestInvalidateShopAcrossInstances: a shop's new generation reaches the
// other instance by pub/sub, and one started later by the generation key.
func TestInvalidateShopAcrossInstances(t *testing.T) {
	srv := redistest.Start(t)
	cs := newInstances(t, srv, 2, Options{})
	a, b := cs[0], cs[1]
	ctx := context.Background()
	shop := "a.myshopify.com"
	key, other := Key(shop, "product", "1"), Key("b.myshopify.com", "product", "1")
	var l loader
	l.set("old", nil)
	b.Fetch(ctx, key, time.Hour, l.load)
	b.Fetch(ctx, other, time.Hour, l.load)

	stalls := startStallMeter(t)
	stalls.take()
	start := time.Now()
	a.InvalidateShop(ctx, shop)
	d := waitFor(time.Second, func() bool { return b.gen(shop) == a.gen(shop) })
	if took, stall := time.Since(start), stalls.take(); d < 0 || took > 100*time.Millisecond+stall {
		t.Errorf("the new generation reached B after %v (waited %v), want ≤ 100 ms (+ %v stalled)", took, d, stall)
	}
	l.set("new", nil)
	for _, tc := range []struct{ key, want string }{{key, "new"}, {other, "old"}} {
		if got, _, _ := b.Fetch(ctx, tc.key, time.Hour, l.load); string(got) != tc.want {
			t.Errorf("B.Fetch(%s) after InvalidateShop = %q, want %q", tc.key, got, tc.want)
		}
	}

	// An instance that starts after a bump learns it from Redis with the
	// value: an entry written before the bump is not fresh for it.
	l.set("old", nil)
	b.Set(ctx, key, []byte("old"), time.Hour)
	a.InvalidateShop(ctx, shop)
	late := newInstances(t, srv, 1, Options{})[0]
	l.set("newer", nil)
	if got, _, _ := late.Fetch(ctx, key, time.Hour, l.load); string(got) != "newer" {
		t.Errorf("a new instance's Fetch after InvalidateShop = %q, want \"newer\"", got)
	}
}

// TestResubscribeRevalidatesL1: invalidations published while an instance
// was not subscribed are lost to it, so after subscribing again it checks
// its L1 entries against L2 before serving them fresh.
func TestResubscribeRevalidatesL1(t *testing.T) {
	srv := redistest.Start(t)
	c := newInstances(t, srv, 1, Options{})[0]
	raw := newClient(t, srv)
	ctx := context.Background()
	key := Key("a.myshopify.com", "product", "1")
	var l loader
	l.set("old", nil)
	c.Fetch(ctx, key, time.Hour, l.load)

	// An invalidation c does not hear of: its subscription drops, and the
	// key goes from L2 meanwhile.
	epoch := c.epoch.Load()
	if err := raw.ClientKillByFilter(ctx, "TYPE", "pubsub").Err(); err != nil {
		t.Fatalf("CLIENT KILL TYPE pubsub: %v", err)
	}
	raw.Del(ctx, key)
	if waitFor(5*time.Second, func() bool { return c.epoch.Load() != epoch }) < 0 {
		t.Fatalf("no new subscription within 5 s")
	}
	l.set("new", nil)
	if got, _, _ := c.Fetch(ctx, key, time.Hour, l.load); string(got) != "new" {
		t.Errorf("Fetch after resubscribing = %q, want \"new\" (L1 revalidated against L2)", got)
	}
	// A key still in L2 is revalidated from there, without a load.
	other := Key("a.myshopify.com", "product", "2")
	c.Fetch(ctx, other, time.Hour, l.load)
	calls := l.calls.Load()
	epoch = c.epoch.Load()
	raw.ClientKillByFilter(ctx, "TYPE", "pubsub")
	waitFor(5*time.Second, func() bool { return c.epoch.Load() != epoch })
	if got, _, _ := c.Fetch(ctx, other, time.Hour, l.load); string(got) != "new" || l.calls.Load() != calls {
		t.Errorf("Fetch of a key still in L2 after resubscribing = %q with %d more loads, want \"new\" with none", got, l.calls.Load()-calls)
	}
}

// TestSingleflightPerInstance: 500 concurrent Fetch of one uncached key on
// each of two instances sharing Redis make at most one load per instance.
func TestSingleflightPerInstance(t *testing.T) {
	srv := redistest.Start(t)
	cs := newInstances(t, srv, 2, Options{})
	key := Key("a.myshopify.com", "product", "hot")
	loaders := []*loader{{delay: 50 * time.Millisecond}, {delay: 50 * time.Millisecond}}
	for _, l := range loaders {
		l.set("v", nil)
	}
	const n = 500
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := make(chan struct{})
	for i, c := range cs {
		for range n {
			wg.Go(func() {
				<-start
				got, stale, err := c.Fetch(context.Background(), key, time.Minute, loaders[i].load)
				if err != nil || stale || string(got) != "v" {
					failed.Add(1)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	la, lb := loaders[0].calls.Load(), loaders[1].calls.Load()
	t.Logf("%d concurrent Fetch per instance: loads A=%d B=%d", n, la, lb)
	if la > 1 || lb > 1 || la+lb < 1 {
		t.Errorf("loads A=%d B=%d, want at most 1 per instance", la, lb)
	}
	if f := failed.Load(); f != 0 {
		t.Errorf("%d Fetch calls failed", f)
	}
	// A third instance finds the value in L2.
	third := newInstances(t, srv, 1, Options{})[0]
	var l loader
	if got, _, err := third.Fetch(context.Background(), key, time.Minute, l.load); err != nil || string(got) != "v" || l.calls.Load() != 0 {
		t.Errorf("third instance Fetch = %q, %v with %d loads; want \"v\" from L2", got, err, l.calls.Load())
	}
}

// TestCartRealRedis: a cart of 50 uncached products makes one load, and
// costs another instance none.
func TestCartRealRedis(t *testing.T) {
	srv := redistest.Start(t)
	cs := newInstances(t, srv, 2, Options{})
	cart := cartKeys("a.myshopify.com", 0, 50)
	l := &batchLoader{catalog: map[string]string{}}
	for _, k := range cart {
		l.catalog[k] = "v"
	}
	for i, c := range cs {
		for k, r := range c.FetchMany(context.Background(), cart, time.Minute, l.load) {
			if r.Err != nil || string(r.Value) != "v" {
				t.Errorf("instance %d: %s = %q, %v", i, k, r.Value, r.Err)
			}
		}
	}
	if calls, asked := l.stats(); calls != 1 || len(asked) != 50 {
		t.Errorf("a cart of 50 on two instances: %d loads (the last for %d keys), want 1 for 50", calls, len(asked))
	}
}

// TestStaleIfErrorRealRedis: after the TTL, a failing load is answered
// with the old value, stale, from L1 and (for a new instance) from L2.
func TestStaleIfErrorRealRedis(t *testing.T) {
	srv := redistest.Start(t)
	clk := newClock()
	cs := newInstances(t, srv, 2, Options{Now: clk.Now})
	ctx := context.Background()
	key := Key("a.myshopify.com", "product", "1")
	var l loader
	l.set("v1", nil)
	cs[0].Fetch(ctx, key, 10*time.Minute, l.load)
	clk.Add(time.Hour)
	l.set("", errors.New("shopify: 502"))
	for i, c := range cs {
		got, stale, err := c.Fetch(ctx, key, 10*time.Minute, l.load)
		if string(got) != "v1" || !stale || err != nil {
			t.Errorf("instance %d: Fetch with Shopify down = %q, %v, %v; want \"v1\", true, nil", i, got, stale, err)
		}
	}
}

// TestRedisKilledUnderLoad: Redis dies while Fetch runs in a loop: no call
// fails or slows beyond ~150 ms; after Restart the breaker closes, L2 is
// written again and invalidations flow again, without a new Cache.
func TestRedisKilledUnderLoad(t *testing.T) {
	srv := redistest.Start(t)
	var ev events
	cs := newInstances(t, srv, 2, Options{
		RedisTimeout: DefaultRedisTimeout,
		OnEvent:      ev.on,
		Logger:       slog.New(slog.NewTextHandler(tWriter{t}, nil)),
	})
	c, peer := cs[0], cs[1]
	raw := newClient(t, srv)
	ctx := context.Background()

	const keys = 200
	key := func(i int) string { return Key("a.myshopify.com", "product", fmt.Sprint(i)) }
	load := func(ctx context.Context) ([]byte, error) {
		time.Sleep(time.Millisecond) // a quick upstream
		return []byte(`{"id":1}`), nil
	}
	loadMany := func(ctx context.Context, keys []string) (map[string][]byte, error) {
		time.Sleep(time.Millisecond)
		m := make(map[string][]byte, len(keys))
		for _, k := range keys {
			m[k] = []byte(`{"id":1}`)
		}
		return m, nil
	}
	for i := range keys / 2 {
		c.Fetch(ctx, key(i), time.Hour, load)
	}

	var (
		calls, failures atomic.Int64
		mu              sync.Mutex
		slowest         time.Duration
		stop            = make(chan struct{})
		wg              sync.WaitGroup
	)
	for w := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Short TTLs, so that L2 and loads stay in play.
				start := time.Now()
				var err error
				if w == 0 { // a cart
					cart := []string{key(r.IntN(keys)), key(r.IntN(keys)), key(r.IntN(keys))}
					for _, res := range c.FetchMany(ctx, cart, 50*time.Millisecond, loadMany) {
						err = cmp.Or(err, res.Err)
					}
				} else {
					_, _, err = c.Fetch(ctx, key(r.IntN(keys)), 50*time.Millisecond, load)
				}
				d := time.Since(start)
				calls.Add(1)
				if err != nil {
					failures.Add(1)
				}
				mu.Lock()
				slowest = max(slowest, d)
				mu.Unlock()
				// Load, not saturation: on 2 cores (and under -race) eight
				// spinning workers would measure the scheduler instead.
				time.Sleep(100 * time.Microsecond)
			}
		})
	}
	stalls := startStallMeter(t)
	phase := func(name string, d time.Duration) {
		time.Sleep(d)
		mu.Lock()
		stall := stalls.take()
		t.Logf("%-16s %6d calls, %d failed, slowest %v (process stalled %v), breaker open: %v",
			name+":", calls.Load(), failures.Load(), slowest, stall, c.br.isOpen())
		if slowest > 150*time.Millisecond+stall {
			t.Errorf("%s: a Fetch took %v, want ≤ 150 ms (+ %v stalled)", name, slowest, stall)
		}
		slowest = 0
		mu.Unlock()
	}

	phase("redis up", 300*time.Millisecond)
	srv.Kill()
	phase("redis killed", 2*time.Second)
	if err := c.Ping(ctx); err == nil {
		t.Errorf("Ping with Redis killed = nil, want an error")
	}
	if !c.br.isOpen() {
		t.Errorf("breaker closed while Redis is dead")
	}
	errorsWhileDown := ev.get("l2/error")
	srv.Restart()
	// Recovery: the breaker closes and Fetch writes to L2 again.
	attempt := 0
	recovered := waitFor(5*time.Second, func() bool {
		// A new key each time: one loaded while Redis was unreachable
		// stays in L1 only.
		attempt++
		fresh := Key("a.myshopify.com", "product", fmt.Sprint("after-restart-", attempt))
		c.Fetch(ctx, fresh, time.Hour, load)
		return raw.Exists(ctx, fresh).Val() == 1
	})
	phase("redis restarted", 0)
	close(stop)
	wg.Wait()
	if recovered < 0 {
		t.Fatalf("L2 not written within 5 s of Restart; breaker open: %v", c.br.isOpen())
	}
	t.Logf("L2 in use again %v after Restart; %d l2 errors counted while down", recovered, errorsWhileDown)
	if f := failures.Load(); f != 0 {
		t.Errorf("%d of %d Fetch calls failed", f, calls.Load())
	}
	if err := c.Ping(ctx); err != nil {
		t.Errorf("Ping after Restart = %v, want nil", err)
	}
	// The subscription is back too: the peer's invalidation reaches c.
	// (Its own subscription may need a moment more than c's breaker.)
	waitFor(3*time.Second, func() bool { return peer.Ping(ctx) == nil })
	probe := Key("a.myshopify.com", "product", "probe")
	ok := waitFor(3*time.Second, func() bool {
		c.Fetch(ctx, probe, time.Hour, load)
		peer.Invalidate(ctx, probe)
		return waitFor(100*time.Millisecond, func() bool { return !c.l1.Contains(probe) }) >= 0
	})
	if ok < 0 {
		t.Errorf("invalidations do not reach the instance after Restart")
	}
}

// TestRedisHangs: a Redis that accepts connections and never answers costs
// at most RedisTimeout per call until the breaker opens, then nothing;
// whether or not the client bounds its I/O by context deadlines.
func TestRedisHangs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			cn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, cn) // read nothing, answer nothing
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, cn := range conns {
			cn.Close()
		}
	})
	for _, ctxTimeouts := range []bool{false, true} {
		t.Run(fmt.Sprintf("ContextTimeoutEnabled=%v", ctxTimeouts), func(t *testing.T) {
			rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), ContextTimeoutEnabled: ctxTimeouts})
			t.Cleanup(func() { rdb.Close() })
			// Not newTestCache: there is no subscription to wait for.
			c := New(Options{Redis: rdb, BreakerCooldown: time.Hour, Logger: quietLogger})
			t.Cleanup(c.Close)
			if c.ctxTimeouts != ctxTimeouts {
				t.Fatalf("ctxTimeouts = %v, want %v", c.ctxTimeouts, ctxTimeouts)
			}
			ctx := context.Background()
			load := func(context.Context) ([]byte, error) { return []byte("v"), nil }
			stalls := startStallMeter(t)
			stalls.take()
			var durs []time.Duration
			for i := range 6 {
				start := time.Now()
				got, _, err := c.Fetch(ctx, Key("s", "product", fmt.Sprint(i)), time.Minute, load)
				durs = append(durs, time.Since(start).Round(time.Microsecond))
				if err != nil || string(got) != "v" {
					t.Errorf("Fetch %d = %q, %v; want \"v\", nil", i, got, err)
				}
			}
			stall := stalls.take()
			t.Logf("Fetch durations with a hung Redis: %v (process stalled %v)", durs, stall)
			for i, d := range durs {
				limit := 150*time.Millisecond + stall // one L2 read, never also the write
				if i >= DefaultBreakerFailures {
					limit = 20*time.Millisecond + stall // breaker open: Redis skipped
				}
				if d > limit {
					t.Errorf("Fetch %d took %v, want ≤ %v", i, d, limit)
				}
			}
			start := time.Now()
			err := c.Ping(ctx)
			if took, stall := time.Since(start), stalls.take(); err == nil || took > 150*time.Millisecond+stall {
				t.Errorf("Ping of a hung Redis = %v after %v, want an error within ~100 ms (+ %v stalled)", err, took, stall)
			}
			start = time.Now()
			c.Close()
			if took, stall := time.Since(start), stalls.take(); took > closeWait+100*time.Millisecond+stall {
				t.Errorf("Close took %v with a hung Redis (+ %v stalled)", took, stall)
			}
		})
	}
}

// TestSetNXRealRedis: claims are shared through Redis, fall back to L1
// while it is dead, and a claim seen in L1 survives Redis restarting empty.
func TestSetNXRealRedis(t *testing.T) {
	srv := redistest.Start(t)
	cs := newInstances(t, srv, 2, Options{BreakerCooldown: 50 * time.Millisecond})
	a, b := cs[0], cs[1]
	ctx := context.Background()
	w1, w2 := Key("s", "webhook", "1"), Key("s", "webhook", "2")
	check := func(name string, c *Cache, key string, want bool) {
		t.Helper()
		if got := c.SetNX(ctx, key, 24*time.Hour); got != want {
			t.Errorf("%s: SetNX(%s) = %v, want %v", name, key, got, want)
		}
	}
	check("A first", a, w1, true)
	check("B duplicate, through Redis", b, w1, false)
	check("A duplicate", a, w1, false)

	srv.Kill()
	check("A while Redis is dead, from L1", a, w2, true)
	check("A duplicate while Redis is dead", a, w2, false)

	srv.Restart() // empty
	time.Sleep(100 * time.Millisecond)
	check("A duplicate after Redis lost it, from L1", a, w2, false)
	check("B after Restart", b, w2, true)
}

// tWriter writes to the test log.
type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s", p)
	return len(p), nil
}

// stallMeter measures how late an idle goroutine's 1 ms sleeps wake up. On
// a shared 2-core machine other processes (or this one's GC) can stall the
// test, and a latency bound may be exceeded by as much as the process was
// stalled meanwhile: the sum of the wake-ups more than 2 ms late. On a quiet
// machine that allowance is about zero.
type stallMeter struct {
	mu    sync.Mutex
	total time.Duration
}

func startStallMeter(t testing.TB) *stallMeter {
	m := &stallMeter{}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			start := time.Now()
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			if late := time.Since(start) - time.Millisecond; late > 2*time.Millisecond {
				m.mu.Lock()
				m.total += late
				m.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
	return m
}

// take returns the time stalled since the last take.
func (m *stallMeter) take() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.total
	m.total = 0
	return d
}
