package cache

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Invalidations that did not reach Redis (Redis down, slow, or the breaker
// open) are remembered and replayed once Redis answers again: otherwise the
// other instances would never hear of them, and this instance would ignore
// what they write for a shop whose generation only it knows.
const (
	// maxPendingKeys bounds the keys remembered; beyond it a key's whole
	// shop is invalidated instead.
	maxPendingKeys = 10_000
	// replayEvery is how often the pending invalidations are retried while
	// any remain (besides when the subscription is confirmed again or the
	// breaker closes).
	replayEvery = time.Second
	// replayBatch is the most keys deleted and published in one round trip.
	replayBatch = 500
)

// pendingInvals are the shops and keys whose invalidation is owed to Redis.
type pendingInvals struct {
	mu    sync.Mutex
	shops map[string]struct{}
	keys  map[string]struct{}
	kick  chan struct{} // buffered 1: wakes the replay loop
}

func (p *pendingInvals) empty() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.shops) == 0 && len(p.keys) == 0
}

// take empties the pending set and returns what it held.
func (p *pendingInvals) take() (shops, keys []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for s := range p.shops {
		shops = append(shops, s)
	}
	for k := range p.keys {
		keys = append(keys, k)
	}
	clear(p.shops)
	clear(p.keys)
	return shops, keys
}

// kickReplay wakes the replay loop, if there is anything to replay.
func (c *Cache) kickReplay() {
	if c.rdb == nil || c.pend.empty() {
		return
	}
	select {
	case c.pend.kick <- struct{}{}:
	default:
	}
}

// pendShop remembers that shop's generation did not reach Redis.
func (c *Cache) pendShop(shop string) {
	c.pend.mu.Lock()
	if c.pend.shops == nil {
		c.pend.shops = make(map[string]struct{})
	}
	c.pend.shops[shop] = struct{}{}
	c.pend.mu.Unlock()
}

// pendKeys remembers keys whose deletion did not reach Redis. Beyond
// maxPendingKeys, a key's shop moves to a new generation instead (a key
// without a shop is then given up, and logged).
func (c *Cache) pendKeys(ctx context.Context, keys []string) {
	var overflow []string
	c.pend.mu.Lock()
	if c.pend.keys == nil {
		c.pend.keys = make(map[string]struct{})
	}
	if c.pend.shops == nil {
		c.pend.shops = make(map[string]struct{})
	}
	for _, k := range keys {
		if _, ok := c.pend.keys[k]; ok {
			continue
		}
		if len(c.pend.keys) < maxPendingKeys {
			c.pend.keys[k] = struct{}{}
			continue
		}
		overflow = append(overflow, k)
	}
	c.pend.mu.Unlock()
	lost := 0
	for _, k := range overflow {
		shop := shopOf(k)
		if shop == "" {
			lost++
			continue
		}
		// As InvalidateShop does, with Redis left to the replay.
		c.raiseGen(shop, max(time.Now().UnixMicro(), c.gen(shop)+1))
		c.pendShop(shop)
	}
	if lost > 0 {
		c.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "cache: too many invalidations pending for Redis, some keys given up",
			slog.Int("keys", lost), slog.String("key", overflow[0]))
	}
}

// replayLoop replays the pending invalidations when kicked, and every
// replayEvery while any remain, until ctx ends.
func (c *Cache) replayLoop(ctx context.Context) {
	defer c.wg.Done()
	t := time.NewTicker(replayEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.pend.kick:
		case <-t.C:
			if c.pend.empty() {
				continue
			}
		}
		c.replay(ctx)
	}
}

// replay sends the pending invalidations to Redis: each shop's generation
// through setGenScript (the higher of Redis's and ours wins, and is
// published), each key deleted and published. What fails stays pending.
func (c *Cache) replay(ctx context.Context) {
	shops, keys := c.pend.take()
	if len(shops) == 0 && len(keys) == 0 {
		return
	}
	for i, shop := range shops {
		if err := c.setGen(ctx, shop, c.gen(shop)); err != nil {
			for _, s := range shops[i:] {
				c.pendShop(s)
			}
			c.pendKeys(ctx, keys)
			return
		}
	}
	for len(keys) > 0 {
		n := min(len(keys), replayBatch)
		if err := c.delKeys(ctx, keys[:n]); err != nil {
			c.pendKeys(ctx, keys)
			return
		}
		keys = keys[n:]
	}
	c.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "cache: invalidations that missed Redis were replayed",
		slog.Int("shops", len(shops)))
}

// setGen raises shop's generation in Redis to g unless it is higher there,
// publishes the generation in force and adopts it.
func (c *Cache) setGen(ctx context.Context, shop string, g int64) error {
	var cur string
	err := c.redisCall(ctx, "invalidate shop", genKey(shop), func(ctx context.Context) error {
		var err error
		cur, err = setGenScript.Run(ctx, c.rdb, []string{genKey(shop)},
			strconv.FormatInt(g, 10), c.opts.Channel, shop).Text()
		return err
	})
	if err == nil {
		if n, err := strconv.ParseInt(cur, 10, 64); err == nil {
			c.raiseGen(shop, n)
		}
	}
	return err
}

// delKeys deletes keys from Redis and publishes them, in one round trip.
func (c *Cache) delKeys(ctx context.Context, keys []string) error {
	msg := msgDel + "\n" + strings.Join(keys, "\n")
	return c.redisCall(ctx, "invalidate", keys[0], func(ctx context.Context) error {
		// One DEL per key: in Redis Cluster the keys may be in other slots.
		_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Del(ctx, k)
			}
			p.Publish(ctx, c.opts.Channel, msg)
			return nil
		})
		return err
	})
}
