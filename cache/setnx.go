package cache

import (
	"context"
	"time"
)

// SetNX claims key for ttl and reports whether this call was the first to
// claim it, e.g. to process each webhook once: SetNX(ctx,
// Key(shop, "webhook", webhookID), 24*time.Hour).
//
// With Redis the claim is a SET NX shared by every instance. Without Redis,
// or while it is down, it falls back to L1, which only sees this instance's
// claims (and forgets them when L1 evicts them or after Options.L1MaxAge).
// Keys claimed here must not be used with Fetch, Get or Set.
func (c *Cache) SetNX(ctx context.Context, key string, ttl time.Duration) (first bool) {
	now := c.now()
	// A claim seen here stands even if Redis has lost it (e.g. restarted empty).
	if e, ok := c.l1.Get(key); ok && now.UnixNano() < e.fresh {
		return false
	}
	if c.rdb != nil {
		var claimed bool
		err := c.redisCall(ctx, "setnx", key, func(ctx context.Context) error {
			var err error
			claimed, err = c.rdb.SetNX(ctx, key, "1", ttl).Result()
			return err
		})
		if err == nil {
			if claimed {
				c.l1.Add(key, entry{fresh: now.Add(ttl).UnixNano()})
			}
			return claimed
		}
	}
	c.setNXMu.Lock()
	defer c.setNXMu.Unlock()
	if e, ok := c.l1.Get(key); ok && now.UnixNano() < e.fresh {
		return false
	}
	c.l1.Add(key, entry{fresh: now.Add(ttl).UnixNano()})
	return true
}
