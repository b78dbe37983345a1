package server

import (
	"hash/maphash"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Rate is a token-bucket limit: PerSecond tokens refill each second, up to
// Burst. The zero Rate means no limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Limits are the rate limits of the public routes. They are generous by
// default: they stop a runaway client, not a busy storefront.
type Limits struct {
	StorefrontPerIP   Rate // per client IP on /storefront/v1
	StorefrontPerShop Rate // per shop on /storefront/v1
	ProxyPerShop      Rate // per shop on /proxy; Shopify's proxy sits in front, so off by default
}

// DefaultLimits are the limits when none are configured.
var DefaultLimits = Limits{
	StorefrontPerIP:   Rate{PerSecond: 20, Burst: 60},
	StorefrontPerShop: Rate{PerSecond: 2000, Burst: 4000},
}

// limiter is a set of token buckets by key, in process. It is safe for
// concurrent use; buckets are sharded to keep lock contention low, and full
// buckets are dropped now and then so memory stays bounded.
type limiter struct {
	rate   Rate
	seed   maphash.Seed
	shards [32]limiterShard
}

type limiterShard struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBucketsPerShard bounds memory under a flood of distinct clients.
const maxBucketsPerShard = 4096

func newLimiter(r Rate) *limiter {
	if r.PerSecond <= 0 {
		return nil
	}
	if r.Burst < 1 {
		r.Burst = int(math.Ceil(r.PerSecond))
	}
	l := &limiter{rate: r, seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = map[string]*bucket{}
	}
	return l
}

// allow takes a token for key at now, or says how long until one is there.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	sh := &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b, ok := sh.buckets[key]
	if !ok {
		if len(sh.buckets) >= maxBucketsPerShard {
			sh.sweep(now, l.rate)
		}
		b = &bucket{tokens: float64(l.rate.Burst), last: now}
		sh.buckets[key] = b
	}
	b.tokens = min(float64(l.rate.Burst), b.tokens+now.Sub(b.last).Seconds()*l.rate.PerSecond)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate.PerSecond * float64(time.Second))
	return false, wait
}

// sweep drops buckets that have refilled: forgetting them changes nothing.
func (sh *limiterShard) sweep(now time.Time, r Rate) {
	for k, b := range sh.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*r.PerSecond >= float64(r.Burst) {
			delete(sh.buckets, k)
		}
	}
	if len(sh.buckets) >= maxBucketsPerShard { // all busy: start over rather than grow
		clear(sh.buckets)
	}
}

// rateLimit answers 429 with Retry-After and a JSON error when the key's
// bucket is empty. keyOf returns "" for requests it does not limit.
func (s *Server) rateLimit(l *limiter, keyOf func(c *gin.Context) string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if l == nil {
			c.Next()
			return
		}
		key := keyOf(c)
		if key == "" {
			c.Next()
			return
		}
		ok, wait := l.allow(key, time.Now())
		if !ok {
			secs := max(1, int(math.Ceil(wait.Seconds())))
			c.Header("Retry-After", strconv.Itoa(secs))
			writeError(c, &fieldError{code: "rate_limited", msg: "too many requests; retry after " + strconv.Itoa(secs) + " s", kind: ErrRateLimited})
			return
		}
		c.Next()
	}
}
