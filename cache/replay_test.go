package cache

import (
	"context"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/redistest"
)

// TestInvalidateShopWhileRedisDown: an InvalidateShop that could not reach
// Redis is replayed once Redis is back: the other instance drops its copy,
// and the instance that took it accepts what the other one writes.
func TestInvalidateShopWhileRedisDown(t *testing.T) {
	// With AOF, Redis keeps B's value (and no generation) across the
	// restart: only the replay can tell B that it is old.
	srv := redistest.Start(t, redistest.AOF())
	cs := newInstances(t, srv, 2, Options{RedisTimeout: 100 * time.Millisecond})
	a, b := cs[0], cs[1]
	ctx := context.Background()
	shop := "a.myshopify.com"
	key := Key(shop, "product", "1")
	var la, lb loader
	lb.set("old", nil)
	if got, _, err := b.Fetch(ctx, key, time.Hour, lb.load); err != nil || string(got) != "old" {
		t.Fatalf("B.Fetch = %q, %v", got, err)
	}
	time.Sleep(50 * time.Millisecond) // for the AOF write

	srv.Kill()
	a.InvalidateShop(ctx, shop)
	if a.pend.empty() {
		t.Fatalf("InvalidateShop with Redis down left nothing to replay")
	}
	srv.Restart()

	// B hears of the new generation from the channel, or from Redis when
	// it revalidates its L1 after subscribing again.
	lb.set("new", nil)
	calls := lb.calls.Load()
	if !eventually(2*time.Second, func() bool {
		got, _, _ := b.Fetch(ctx, key, time.Hour, lb.load)
		return string(got) == "new"
	}) {
		t.Fatalf("B still serves its old copy 2 s after Redis restarted (B's generation %d, A's %d)", b.Generation(shop), a.Generation(shop))
	}
	if n := lb.calls.Load() - calls; n != 1 {
		t.Errorf("B loaded %d times after the replay, want 1", n)
	}
	if !eventually(2*time.Second, a.pend.empty) {
		t.Errorf("A still has invalidations pending 2 s after Redis restarted")
	}
	// B wrote "new" under the new generation: A takes it from Redis.
	la.set("from A", nil)
	if got, _, err := a.Fetch(ctx, key, time.Hour, la.load); err != nil || string(got) != "new" || la.calls.Load() != 0 {
		t.Errorf("A.Fetch of B's value = %q, %v with %d loads, want \"new\" with none", got, err, la.calls.Load())
	}
}

// TestInvalidateWhileRedisDown: keys invalidated while Redis is down are
// deleted from Redis and published once it is back.
func TestInvalidateWhileRedisDown(t *testing.T) {
	srv := redistest.Start(t, redistest.AOF())
	cs := newInstances(t, srv, 2, Options{RedisTimeout: 100 * time.Millisecond})
	a, b := cs[0], cs[1]
	ctx := context.Background()
	key := Key("a.myshopify.com", "product", "1")
	var l loader
	l.set("old", nil)
	b.Fetch(ctx, key, time.Hour, l.load)
	time.Sleep(50 * time.Millisecond) // for the AOF write

	srv.Kill()
	a.Invalidate(ctx, key)
	srv.Restart()
	raw := newClient(t, srv)
	if d := waitFor(2*time.Second, func() bool { return raw.Exists(ctx, key).Val() == 0 && a.pend.empty() }); d < 0 {
		t.Fatalf("%s still in Redis 2 s after it restarted", key)
	}
	l.set("new", nil)
	if !eventually(2*time.Second, func() bool {
		got, _, _ := b.Fetch(ctx, key, time.Hour, l.load)
		return string(got) == "new"
	}) {
		t.Errorf("B still serves its old copy 2 s after Redis restarted")
	}
}

// eventually polls cond every 10 ms for up to limit.
func eventually(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// TestPendingKeysBounded: beyond maxPendingKeys, keys fall back to their
// shop's generation.
func TestPendingKeysBounded(t *testing.T) {
	srv := redistest.Start(t)
	c := newInstances(t, srv, 1, Options{RedisTimeout: 100 * time.Millisecond})[0]
	srv.Kill()
	keys := make([]string, maxPendingKeys+2)
	for i := range keys {
		shop := "a.myshopify.com"
		if i == len(keys)-1 {
			shop = "b.myshopify.com"
		}
		keys[i] = Key(shop, "product", string(rune('a'+i%26))+time.Duration(i).String())
	}
	gb := c.Generation("b.myshopify.com")
	c.pendKeys(context.Background(), keys)
	c.pend.mu.Lock()
	nk := len(c.pend.keys)
	_, okB := c.pend.shops["b.myshopify.com"]
	c.pend.mu.Unlock()
	if nk != maxPendingKeys || !okB || c.Generation("b.myshopify.com") <= gb {
		t.Errorf("pending keys = %d, shop b pending %v, generation raised %v; want %d, true, true",
			nk, okB, c.Generation("b.myshopify.com") > gb, maxPendingKeys)
	}
}
