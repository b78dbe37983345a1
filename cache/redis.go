package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// errBreakerOpen is what a Redis call returns while the breaker skips Redis.
var errBreakerOpen = errors.New("redis circuit breaker open")

// genKey is the Redis key of a shop's generation, in the shop's slot.
func genKey(shop string) string { return "leadtime:{" + shop + "}:gen" }

// l2Status is the outcome of an L2 lookup.
type l2Status int

const (
	l2Missing l2Status = iota // no such key
	l2Fresh                   // a fresh value or "not found"
	l2Old                     // past its TTL or of an older generation: a fallback at most
)

// l2Lookup reads keys from Redis in one round trip, each with its shop's
// generation (a key and its generation share the shop's hash slot). It
// returns nil statuses when Redis failed or was skipped.
func (c *Cache) l2Lookup(ctx context.Context, keys []string) ([]entry, []l2Status) {
	cmds := make([]*redis.SliceCmd, len(keys))
	err := c.redisCall(ctx, "get", keys[0], func(ctx context.Context) error {
		_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range keys {
				if shop := shopOf(k); shop != "" {
					cmds[i] = p.MGet(ctx, k, genKey(shop))
				} else {
					cmds[i] = p.MGet(ctx, k)
				}
			}
			return nil
		})
		return err
	})
	if err != nil {
		c.event(TierL2, EventError)
		return nil, nil
	}
	entries := make([]entry, len(keys))
	st := make([]l2Status, len(keys))
	now := c.now().UnixNano()
	for i, k := range keys {
		vals := cmds[i].Val()
		var redisGen int64
		if len(vals) > 1 {
			if s, ok := vals[1].(string); ok {
				redisGen, _ = strconv.ParseInt(s, 10, 64)
			}
		}
		cur := c.raiseGen(shopOf(k), redisGen)
		raw, found := vals[0].(string)
		if !found {
			c.event(TierL2, EventMiss)
			continue
		}
		e, err := decodeL2(k, raw)
		if err != nil {
			c.logRedisTrouble(ctx, "get", k, err)
			c.event(TierL2, EventMiss)
			continue
		}
		entries[i] = e
		if now < e.fresh && e.gen >= cur {
			st[i] = l2Fresh
			if e.err != nil {
				c.event(TierL2, EventNegative)
			} else {
				c.event(TierL2, EventHit)
			}
			continue
		}
		st[i] = l2Old
		c.event(TierL2, EventMiss)
	}
	return entries, st
}

// l2Item is one L2 write: an encoded entry and how long Redis keeps it.
type l2Item struct {
	key string
	val []byte
	ttl time.Duration
}

// l2Set writes items in one round trip.
func (c *Cache) l2Set(ctx context.Context, items []l2Item) {
	c.redisCall(ctx, "set", items[0].key, func(ctx context.Context) error {
		_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, it := range items {
				if it.ttl > 0 {
					p.Set(ctx, it.key, it.val, it.ttl)
				}
			}
			return nil
		})
		return err
	})
}

// redisCall runs f with a context bounded by RedisTimeout, through the
// circuit breaker. Failures are logged here, so callers only decide what a
// failure means (always: a miss). redis.Nil passes through as is.
func (c *Cache) redisCall(ctx context.Context, op, key string, f func(ctx context.Context) error) error {
	if !c.br.allow() {
		return errBreakerOpen
	}
	err := c.bounded(ctx, f)
	var reply redis.Error
	switch {
	case err == nil || errors.As(err, &reply):
		// Redis answered (redis.Nil, or an error reply such as OOM): it is up.
		if c.br.success() {
			c.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "cache: redis is back, circuit breaker closed")
			c.kickReplay()
		}
		if err != nil && !errors.Is(err, redis.Nil) {
			c.logRedisTrouble(ctx, op, key, err)
		}
	case ctx.Err() != nil:
		// The caller gave up: that says nothing about Redis.
		c.br.release()
	default:
		if c.br.failure() {
			c.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "cache: redis failing, circuit breaker open: skipping redis",
				slog.Int("failures", c.br.threshold), slog.Duration("cooldown", c.br.cooldown), slog.Any("error", err))
		} else {
			c.logRedisTrouble(ctx, op, key, err)
		}
	}
	return err
}

// bounded runs f with a context that ends after RedisTimeout, and returns
// by then even if f does not. go-redis ignores context deadlines on its
// sockets unless the client has ContextTimeoutEnabled (its ReadTimeout, 5 s
// by default, applies instead), so for such a client f runs in a goroutine
// that is abandoned at the deadline: it must not write anything that the
// caller reads after an error.
func (c *Cache) bounded(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.RedisTimeout)
	defer cancel()
	if c.ctxTimeouts {
		return f(ctx)
	}
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// honoursContextDeadlines reports whether rdb bounds its socket I/O by
// context deadlines (go-redis's ContextTimeoutEnabled).
func honoursContextDeadlines(rdb redis.UniversalClient) bool {
	switch r := rdb.(type) {
	case *redis.Client:
		return r.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return r.Options().ContextTimeoutEnabled
	}
	return false
}

func (c *Cache) logRedisTrouble(ctx context.Context, op, key string, err error) {
	if ok, n := c.logs.redis.allow(); ok {
		c.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "cache: redis "+op+" failed, treated as a miss",
			slog.String("key", key), slog.Any("error", err), slog.Int64("suppressed", n))
	}
}

// Ping checks Redis directly, past the circuit breaker, for a readiness
// probe: it reports Redis down even while the breaker skips it. A success
// closes the breaker. Without Redis it returns nil.
func (c *Cache) Ping(ctx context.Context) error {
	if c.rdb == nil {
		return nil
	}
	err := c.bounded(ctx, func(ctx context.Context) error { return c.rdb.Ping(ctx).Err() })
	if err != nil {
		return fmt.Errorf("cache: redis ping: %w", err)
	}
	if c.br.success() {
		c.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "cache: redis is back, circuit breaker closed")
	}
	return nil
}
