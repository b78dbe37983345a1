package cache

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Messages on the invalidation channel are lines: "del" then the keys, or
// "gen", the shop and its new generation.
const (
	msgDel = "del"
	msgGen = "gen"
)

// Invalidate drops keys from L1 and L2, and publishes them so that every
// instance drops them from its L1 too (within milliseconds). Keys must not
// contain a newline. Redis trouble is logged: the local L1 is dropped
// regardless, and the deletion and message are replayed once Redis answers
// again (the keys of at most maxPendingKeys; beyond that, their shops move
// to a new generation).
func (c *Cache) Invalidate(ctx context.Context, keys ...string) {
	if len(keys) == 0 {
		return
	}
	c.dropL1(keys...)
	if c.rdb == nil {
		return
	}
	err := c.delKeys(ctx, keys)
	if err != nil {
		// Replayed once Redis answers again.
		c.pendKeys(ctx, keys)
	}
	c.logSkipped(ctx, "invalidate", keys[0], err)
}

// logSkipped logs an invalidation that the open breaker kept from Redis
// (redisCall logs the failures it sees itself); it is replayed later.
func (c *Cache) logSkipped(ctx context.Context, op, key string, err error) {
	if errors.Is(err, errBreakerOpen) {
		c.logRedisTrouble(ctx, op, key, err)
	}
}

// dropL1 removes keys from L1, and marks their shards so that a fill in
// progress does not keep what it read as fresh.
func (c *Cache) dropL1(keys ...string) {
	for _, k := range keys {
		c.invals[c.shard(k)].Add(1)
		c.l1.Remove(k)
	}
}

// setGenScript raises a shop's generation to ARGV[1] unless it is already
// higher (generations are Unix µs, exact in Lua's doubles), publishes the
// generation in force and returns it.
var setGenScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if (not cur) or tonumber(ARGV[1]) > tonumber(cur) then
  redis.call('SET', KEYS[1], ARGV[1])
  cur = ARGV[1]
end
redis.call('PUBLISH', ARGV[2], 'gen\n' .. ARGV[3] .. '\n' .. cur)
return cur
`)

// InvalidateShop drops every key of shop (every key made by Key(shop, …)),
// on every instance, e.g. when its settings change. It moves the shop to a
// new generation, kept in L1 and in Redis and published: entries of an
// older generation are no longer served fresh (Fetch may still fall back to
// one, marked stale, when its reload fails). When Redis cannot be reached,
// the new generation is kept in L1 and sent to Redis once it answers again.
func (c *Cache) InvalidateShop(ctx context.Context, shop string) {
	if shop == "" {
		return
	}
	// A generation is a time, so that one taken after a Redis restart that
	// lost the old one is still newer.
	g := c.raiseGen(shop, max(time.Now().UnixMicro(), c.gen(shop)+1))
	if c.rdb == nil {
		return
	}
	err := c.setGen(ctx, shop, g)
	if err != nil {
		// Replayed once Redis answers again: until then the other
		// instances do not know the new generation, and what they write
		// for the shop is too old for this one.
		c.pendShop(shop)
	}
	c.logSkipped(ctx, "invalidate shop", genKey(shop), err)
}

// apply acts on one message of the invalidation channel.
func (c *Cache) apply(payload string) {
	kind, rest, _ := strings.Cut(payload, "\n")
	switch kind {
	case msgDel:
		c.dropL1(strings.Split(rest, "\n")...)
	case msgGen:
		shop, g, _ := strings.Cut(rest, "\n")
		if n, err := strconv.ParseInt(g, 10, 64); err == nil {
			c.raiseGen(shop, n)
		}
	}
}

// Subscription timing: how long a quiet subscription waits before it pings
// Redis (a dead peer that sent no RST is found within twice this), and the
// bounds of the wait before subscribing again.
const (
	subHealthEvery = 15 * time.Second
	subMinBackoff  = 50 * time.Millisecond
	subMaxBackoff  = time.Second
)

// subscribe keeps a subscription to the invalidation channel until ctx
// ends, subscribing again after any failure.
//
// On a Redis Cluster this stays classic pub/sub (SUBSCRIBE to one node,
// PUBLISH broadcast by the cluster bus to every node), not sharded
// SSUBSCRIBE: every instance serves every shop, so per-shop shard channels
// would mean one subscription per shop (an open-ended set no instance
// knows) on the node of that shop's slot, and go-redis pins a sharded
// subscription to the slot of its first channel. Invalidations are rare
// (settings saves, webhooks), so the broadcast costs little. When the
// subscribed node dies, the loop below subscribes again, to another node
// once the client sees it gone, and the epoch bump revalidates L1.
func (c *Cache) subscribe(ctx context.Context) {
	defer c.wg.Done()
	backoff := subMinBackoff
	for {
		ps := c.rdb.Subscribe(ctx, c.opts.Channel)
		c.subMu.Lock()
		if c.closed {
			c.subMu.Unlock()
			ps.Close()
			return
		}
		c.sub = ps
		c.subMu.Unlock()

		if c.receive(ctx, ps) {
			backoff = subMinBackoff
		}

		c.subMu.Lock()
		c.sub = nil
		c.subMu.Unlock()
		ps.Close()
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, subMaxBackoff)
	}
}

// receive handles the messages of one subscription until it fails, and
// reports whether it was ever confirmed.
func (c *Cache) receive(ctx context.Context, ps *redis.PubSub) (confirmed bool) {
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, subHealthEvery)
		if err != nil {
			if ctx.Err() != nil {
				return confirmed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && !pinged {
				pinged = true
				if err := ps.Ping(ctx); err == nil {
					continue
				}
			}
			if ok, n := c.logs.sub.allow(); ok {
				c.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "cache: invalidation subscription failed, subscribing again",
					slog.String("channel", c.opts.Channel), slog.Any("error", err), slog.Int64("suppressed", n))
			}
			return confirmed
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				// Invalidations published before this moment may have been
				// missed: L1 entries from before it must be checked again.
				c.epoch.Add(1)
				confirmed = true
				// Redis is back: send it what it missed.
				c.kickReplay()
			}
		case *redis.Message:
			c.apply(m.Payload)
		}
	}
}

// Generation returns the newest generation of shop this instance knows: it
// rises with every InvalidateShop, on any instance. Callers that keep state
// derived from a shop's data (computed answers, say) put it in their keys,
// so that one InvalidateShop retires all of it everywhere.
func (c *Cache) Generation(shop string) int64 { return c.gen(shop) }

// SetRemote keeps value under key in Redis only, for ttl: for small indexes
// every instance needs but none should hold in its L1 (which would crowd
// out the values the L1 is for). Without Redis, or while it is down, it
// does nothing; callers keep their own copy for that.
func (c *Cache) SetRemote(ctx context.Context, key string, value []byte, ttl time.Duration) {
	if c.rdb == nil || ttl <= 0 {
		return
	}
	c.l2Set(ctx, []l2Item{{key: key, val: value, ttl: ttl}})
}

// GetRemote reads a value SetRemote kept. It misses without Redis.
func (c *Cache) GetRemote(ctx context.Context, key string) ([]byte, bool) {
	if c.rdb == nil {
		return nil, false
	}
	var val []byte
	err := c.redisCall(ctx, "get", key, func(ctx context.Context) error {
		var err error
		val, err = c.rdb.Get(ctx, key).Bytes()
		return err
	})
	return val, err == nil
}
