package cache

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/redisconn"
	"github.com/leadtime-app/leadtime/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// clusterClient is a client of cluster c with the options serve.go gives
// the cache's client.
func clusterClient(t testing.TB, c *redistest.Cluster) redis.UniversalClient {
	t.Helper()
	d := 200 * time.Millisecond
	rdb, err := redisconn.Open(c.URL(), redisconn.Options{MaxRetries: 1, DialTimeout: d, ReadTimeout: d, WriteTimeout: d})
	if err != nil {
		t.Fatalf("redisconn.Open(%s): %v", c.URL(), err)
	}
	if _, ok := rdb.(*redis.ClusterClient); !ok {
		t.Fatalf("redisconn.Open(%s) = %T, want a cluster client", c.URL(), rdb)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// clusterShops are shops whose hash tags spread over the cluster's slots.
func clusterShops(n int) []string {
	shops := make([]string, n)
	for i := range shops {
		shops[i] = fmt.Sprintf("s%d.myshopify.com", i)
	}
	return shops
}

// TestRedisClusterOperations: every operation of the cache on a real
// 3-master Redis Cluster, across two instances and keys of shops in many
// slots, with no Redis error (a CROSSSLOT reply would count as one).
func TestRedisClusterOperations(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	var ev events
	a := newTestCache(t, Options{Redis: clusterClient(t, cl), OnEvent: ev.on})
	b := newTestCache(t, Options{Redis: clusterClient(t, cl), OnEvent: ev.on})
	ctx := context.Background()
	shops := clusterShops(10)
	var keys []string
	for _, s := range shops {
		keys = append(keys, Key(s, "product", "1"))
	}
	failLoad := func(context.Context) ([]byte, error) { return nil, fmt.Errorf("no upstream") }

	// Fetch on A writes L2 (key and generation in the shop's slot); B
	// reads it from L2 without loading.
	for _, k := range keys {
		if _, _, err := a.Fetch(ctx, k, time.Hour, func(context.Context) ([]byte, error) { return []byte("v1"), nil }); err != nil {
			t.Fatalf("A.Fetch(%s): %v", k, err)
		}
		if got, _, err := b.Fetch(ctx, k, time.Hour, failLoad); err != nil || string(got) != "v1" {
			t.Errorf("B.Fetch(%s) = %q, %v; want \"v1\" from L2", k, got, err)
		}
	}
	// FetchMany pipelines keys of every slot in one call.
	many := make([]string, len(shops))
	for i, s := range shops {
		many[i] = Key(s, "product", "2")
	}
	loadMany := func(_ context.Context, ks []string) (map[string][]byte, error) {
		m := map[string][]byte{}
		for _, k := range ks {
			m[k] = []byte("m")
		}
		return m, nil
	}
	a.FetchMany(ctx, many, time.Hour, loadMany)
	for k, res := range b.FetchMany(ctx, many, time.Hour, func(context.Context, []string) (map[string][]byte, error) {
		return nil, fmt.Errorf("no upstream")
	}) {
		if res.Err != nil || string(res.Value) != "m" {
			t.Errorf("B.FetchMany[%s] = %q, %v; want \"m\" from L2", k, res.Value, res.Err)
		}
	}
	// Set and Get, SetRemote and GetRemote, SetNX across instances.
	a.Set(ctx, Key(shops[3], "x", "1"), []byte("set"), time.Hour)
	if got, ok := b.Get(ctx, Key(shops[3], "x", "1")); !ok || string(got) != "set" {
		t.Errorf("B.Get after A.Set = %q, %v; want \"set\"", got, ok)
	}
	a.SetRemote(ctx, "leadtime:index:1", []byte("idx"), time.Hour)
	if got, ok := b.GetRemote(ctx, "leadtime:index:1"); !ok || string(got) != "idx" {
		t.Errorf("B.GetRemote after A.SetRemote = %q, %v; want \"idx\"", got, ok)
	}
	claim := Key(shops[4], "webhook", "w1")
	if first := a.SetNX(ctx, claim, time.Hour); !first {
		t.Errorf("A.SetNX first claim = false, want true")
	}
	if first := b.SetNX(ctx, claim, time.Hour); first {
		t.Errorf("B.SetNX of A's claim = true, want false")
	}

	// Invalidate of keys in many slots: one pipeline of DELs and a
	// PUBLISH, which reaches B (subscribed to some node) from any node.
	a.Invalidate(ctx, keys...)
	for _, k := range keys {
		if waitFor(5*time.Second, func() bool { return !b.l1.Contains(k) }) < 0 {
			t.Errorf("B still holds %s in L1 after A.Invalidate", k)
		}
	}
	// InvalidateShop: the generation script, then its publication.
	for _, s := range shops {
		a.InvalidateShop(ctx, s)
		if waitFor(5*time.Second, func() bool { return b.Generation(s) == a.Generation(s) }) < 0 {
			t.Errorf("B's generation of %s = %d, want A's %d", s, b.Generation(s), a.Generation(s))
		}
	}
	k := Key(shops[0], "product", "2")
	if got, _, _ := b.Fetch(ctx, k, time.Hour, func(context.Context) ([]byte, error) { return []byte("v2"), nil }); string(got) != "v2" {
		t.Errorf("B.Fetch(%s) after InvalidateShop = %q, want \"v2\"", k, got)
	}
	if n := ev.get(TierL2 + "/" + EventError); n != 0 {
		t.Errorf("%d Redis errors on a healthy cluster, want 0", n)
	}
}

// TestRedisClusterMasterKilledUnderLoad: storefront-like reads through the
// cache (single products and carts of shops in every slot) while one of
// three masters is killed: not one answer fails; the cache degrades to its
// local tier for the dead master's slots. The phases are counted in calls,
// not timed.
func TestRedisClusterMasterKilledUnderLoad(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	var ev events
	c := newTestCache(t, Options{Redis: clusterClient(t, cl), OnEvent: ev.on, RedisTimeout: DefaultRedisTimeout})
	newTestCache(t, Options{Redis: clusterClient(t, cl)}) // a peer publishing nothing, subscribed too
	ctx := context.Background()
	shops := clusterShops(12)
	key := func(r *rand.Rand) string {
		return Key(shops[r.IntN(len(shops))], "product", fmt.Sprint(r.IntN(50)))
	}
	load := func(context.Context) ([]byte, error) { return []byte(`{"id":1}`), nil }
	loadMany := func(_ context.Context, ks []string) (map[string][]byte, error) {
		m := make(map[string][]byte, len(ks))
		for _, k := range ks {
			m[k] = []byte(`{"id":1}`)
		}
		return m, nil
	}

	var calls, failures atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 6 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 2))
			for {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				if w == 0 { // a cart over several shops' slots
					for _, res := range c.FetchMany(ctx, []string{key(r), key(r), key(r)}, 50*time.Millisecond, loadMany) {
						err = cmp.Or(err, res.Err)
					}
				} else {
					_, _, err = c.Fetch(ctx, key(r), 50*time.Millisecond, load)
				}
				calls.Add(1)
				if err != nil {
					failures.Add(1)
				}
				time.Sleep(100 * time.Microsecond) // load, not saturation
			}
		})
	}
	// waitCalls waits until n more answers were served.
	waitCalls := func(n int64) {
		target := calls.Load() + n
		for calls.Load() < target {
			time.Sleep(time.Millisecond)
		}
	}
	waitCalls(500)
	up, upErrors := calls.Load(), ev.get(TierL2+"/"+EventError)
	cl.Nodes[1].Kill()
	// Enough answers that Redis failures were seen and the breaker acted.
	for ev.get(TierL2+"/"+EventError) == upErrors {
		waitCalls(100)
	}
	waitCalls(3000)
	close(stop)
	wg.Wait()
	down := calls.Load() - up
	t.Logf("cluster up: %d answers; one master killed: %d answers, %d failed; %d L2 errors counted",
		up, down, failures.Load(), ev.get(TierL2+"/"+EventError))
	if f := failures.Load(); f != 0 {
		t.Errorf("%d of %d answers failed, want 0", f, calls.Load())
	}
}
