// Package cache keeps encoded values (Shopify product facts, computed
// answers) in two tiers, as DESIGN.md §6 describes: an in-process LRU (L1)
// over an optional Redis shared by every instance (L2).
//
// It adds what a storefront under load needs from a cache:
//   - one load per key and instance for concurrent misses (singleflight),
//     and one load for all the missing keys of a batch (FetchMany: a cart);
//   - stale-if-error: a value outlives its TTL by Options.StaleFor, so a
//     failed reload is answered with the last value, marked stale;
//   - negative caching of "not found" for Options.NegativeTTL;
//   - invalidation published on a Redis channel, so that every instance
//     drops its L1 copy, and a per-shop generation that drops a whole shop;
//   - Redis as an accelerator only: every call has a short timeout and goes
//     through a circuit breaker, and a Redis error is a miss. Cache trouble
//     is logged (rate-limited), never returned.
package cache

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"
)

// Defaults for the zero fields of Options.
const (
	DefaultSize            = 100_000
	DefaultStaleFor        = 24 * time.Hour
	DefaultNegativeTTL     = 30 * time.Second
	DefaultLoadTimeout     = 10 * time.Second
	DefaultRedisTimeout    = 100 * time.Millisecond
	DefaultBreakerFailures = 3
	DefaultBreakerCooldown = time.Second
	DefaultChannel         = "leadtime:invalidate"
	DefaultLogEvery        = 10 * time.Second
)

// Tiers and events passed to Options.OnEvent.
const (
	TierL1 = "l1"
	TierL2 = "l2"

	EventHit      = "hit"      // a fresh value was found
	EventMiss     = "miss"     // no fresh value: the next tier (or the load) is asked
	EventStale    = "stale"    // a reload failed and a stale value from this tier was served
	EventError    = "error"    // Redis failed, timed out or was skipped by the open breaker
	EventNegative = "negative" // a cached "not found" was served
)

// ErrNotFound is matched (errors.Is) by the error Fetch (or FetchMany)
// returns when the load reported "not found" (Options.IsNotFound, or a key
// left out of FetchMany's load result), and by the error served from the
// negative cache afterwards. When this instance saw the load's error, the
// error also wraps it.
var ErrNotFound = errors.New("not found")

// Options configure a Cache. The zero value is usable: an L1-only cache
// with the defaults above. New copies them; changing them later has no
// effect.
type Options struct {
	// Redis is the shared second tier; nil keeps the cache in process only.
	// The Cache does not close it. Every call returns within RedisTimeout
	// whatever the client's options; a client with ContextTimeoutEnabled
	// also ends the abandoned I/O at that deadline and spares a goroutine
	// per call, so prefer it.
	Redis redis.UniversalClient

	// Size is the most entries L1 holds (default DefaultSize).
	Size int
	// L1MaxAge is how long L1 keeps any entry, fresh or stale, whatever its
	// TTL (golang-lru's expirable LRU has a single TTL). Default: StaleFor +
	// 1 h. An entry whose TTL is longer leaves L1 early and comes back from L2.
	L1MaxAge time.Duration

	// StaleFor is how long past its TTL a fetched value is kept, to be served
	// stale when its reload fails (default DefaultStaleFor).
	StaleFor time.Duration
	// NegativeTTL is how long a "not found" is cached (default DefaultNegativeTTL).
	NegativeTTL time.Duration
	// IsNotFound reports whether a load error means the thing does not exist,
	// which is then cached for NegativeTTL. Nil caches no error.
	IsNotFound func(error) bool
	// LoadTimeout bounds a load. The load is shared by every caller waiting
	// on the key, so it does not stop when the first caller gives up; each
	// caller still stops waiting at its own deadline (default DefaultLoadTimeout).
	LoadTimeout time.Duration

	// RedisTimeout bounds each Redis call (default DefaultRedisTimeout).
	RedisTimeout time.Duration
	// BreakerFailures consecutive Redis failures open the circuit breaker:
	// Redis is then skipped for BreakerCooldown, after which one call probes
	// it (defaults DefaultBreakerFailures, DefaultBreakerCooldown).
	BreakerFailures int
	BreakerCooldown time.Duration

	// Channel is the Redis pub/sub channel of invalidations (default
	// DefaultChannel). Instances that share a Redis must share the channel.
	Channel string

	// Logger receives cache trouble (nil discards it). Each kind of
	// trouble is logged at most once per LogEvery (default DefaultLogEvery),
	// with the number of occurrences left out.
	Logger   *slog.Logger
	LogEvery time.Duration

	// OnEvent, when set, is called for each cache event, e.g. to count it in
	// Prometheus. tier is TierL1 or TierL2, event one of the Event constants.
	// L1 events count keys asked for; L2 events count keys looked up in
	// Redis (once per singleflight, not per waiting caller), and EventError
	// counts lookups that failed or that the open breaker skipped. It must
	// be fast and safe for concurrent use.
	OnEvent func(tier, event string)

	// Now is the clock of TTLs (default time.Now).
	Now func() time.Time
}

// Cache is a two-tier cache of byte values. Create it once at start-up
// with New (its L1 runs a goroutine for as long as the process lives) and
// Close it at shutdown. All its methods are safe for concurrent use.
//
// Values passed to Set and returned by a load are kept as they are, and the
// slices returned by Fetch and Get are shared by every caller: nobody may
// modify them.
type Cache struct {
	opts Options
	rdb  redis.UniversalClient // nil: L1 only
	// ctxTimeouts is set when rdb bounds its I/O by context deadlines, so
	// that a Redis call need not run in a goroutine of its own (bounded).
	ctxTimeouts bool
	l1          *expirable.LRU[string, entry]
	now         func() time.Time

	flights singleflight.Group
	br      breaker

	// gens maps a shop to *atomic.Int64, the newest generation seen for it
	// (InvalidateShop). An entry written under an older one is not fresh.
	gens sync.Map
	// epoch moves on every (re)subscription to the invalidation channel:
	// invalidations may have been missed before it, so L1 entries written
	// earlier are revalidated against L2 before they are served fresh again.
	epoch atomic.Uint32
	// invals counts invalidations per shard of keys, so that a fill that
	// overlapped an invalidation of its key does not keep what it read as
	// fresh.
	invals [invalShards]atomic.Uint32
	seed   maphash.Seed

	// pend holds the invalidations that did not reach Redis, to replay.
	pend pendingInvals

	// setNXMu makes the L1 check-and-set of SetNX atomic.
	setNXMu sync.Mutex

	logs struct{ redis, load, sub, panic limitedLog }

	stop      context.CancelFunc
	wg        sync.WaitGroup
	subMu     sync.Mutex
	sub       *redis.PubSub // the live subscription, closed by Close to end a blocked receive
	closed    bool
	closeOnce sync.Once
}

const invalShards = 256

// New returns a Cache. With Options.Redis it subscribes to the
// invalidation channel in the background; Redis being down at start-up is
// not an error: the cache works from L1 and retries.
func New(opts Options) *Cache {
	setDefault(&opts.Size, DefaultSize)
	setDefault(&opts.StaleFor, DefaultStaleFor)
	setDefault(&opts.L1MaxAge, opts.StaleFor+time.Hour)
	setDefault(&opts.NegativeTTL, DefaultNegativeTTL)
	setDefault(&opts.LoadTimeout, DefaultLoadTimeout)
	setDefault(&opts.RedisTimeout, DefaultRedisTimeout)
	setDefault(&opts.BreakerFailures, DefaultBreakerFailures)
	setDefault(&opts.BreakerCooldown, DefaultBreakerCooldown)
	setDefault(&opts.LogEvery, DefaultLogEvery)
	opts.Channel = cmp.Or(opts.Channel, DefaultChannel)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if isNil(opts.Redis) {
		opts.Redis = nil
	}
	c := &Cache{
		opts: opts,
		rdb:  opts.Redis,
		l1:   expirable.NewLRU[string, entry](opts.Size, nil, opts.L1MaxAge),
		now:  opts.Now,
		br:   breaker{threshold: opts.BreakerFailures, cooldown: opts.BreakerCooldown},
		seed: maphash.MakeSeed(),
	}
	if c.rdb != nil {
		c.ctxTimeouts = honoursContextDeadlines(c.rdb)
	}
	for _, l := range []*limitedLog{&c.logs.redis, &c.logs.load, &c.logs.sub, &c.logs.panic} {
		l.every = opts.LogEvery
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.stop = cancel
	c.pend.kick = make(chan struct{}, 1)
	if c.rdb != nil {
		c.wg.Add(2)
		go c.subscribe(ctx)
		go c.replayLoop(ctx)
	}
	return c
}

// setDefault replaces a zero or negative option with its default.
func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// isNil reports whether a client is nil, including a nil *redis.Client
// inside a non-nil interface.
func isNil(rdb redis.UniversalClient) bool {
	if rdb == nil {
		return true
	}
	v := reflect.ValueOf(rdb)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// closeWait bounds how long Close waits for the subscription to end.
const closeWait = time.Second

// Close stops the subscription to invalidations and empties L1, within
// about a second even when Redis hangs. It does not close the Redis client.
// The cache must not be used after Close.
func (c *Cache) Close() {
	c.closeOnce.Do(func() {
		c.stop()
		c.subMu.Lock()
		c.closed = true
		if c.sub != nil {
			c.sub.Close() // unblocks a pending receive
		}
		c.subMu.Unlock()
		// A subscription stuck on a hung Redis ends at the client's read
		// timeout, which Close does not wait for.
		done := make(chan struct{})
		go func() { c.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(closeWait):
		}
		c.l1.Purge()
	})
}

// Key returns the cache key of one thing of a shop:
// "leadtime:{shop}:kind:id". The shop is a Redis Cluster hash tag, so all
// keys of a shop (and its generation) live in one slot. shop must not
// contain '{' or '}'.
func Key(shop, kind, id string) string {
	return "leadtime:{" + shop + "}:" + kind + ":" + id
}

// shopOf returns the hash tag of key, the shop of a key made by Key, or "".
func shopOf(key string) string {
	i := strings.IndexByte(key, '{')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(key[i+1:], '}')
	if j <= 0 {
		return ""
	}
	return key[i+1 : i+1+j]
}

// Fetch returns the value of key: from L1, else from L2, else from load,
// whose result it then keeps in both tiers for ttl (plus Options.StaleFor
// as a fallback; a ttl ≤ 0 keeps it as a fallback only). Concurrent misses
// of one key share one load per instance.
//
// When load fails and a stale value is known, Fetch returns it with
// stale=true and a nil error (the failure is logged). When load fails with
// a "not found" (Options.IsNotFound), that is cached for
// Options.NegativeTTL and returned as an error matching ErrNotFound. Other
// errors come from load (wrapped), or from ctx when the caller stops
// waiting. Redis trouble is never returned.
func (c *Cache) Fetch(ctx context.Context, key string, ttl time.Duration, load func(ctx context.Context) ([]byte, error)) (value []byte, stale bool, err error) {
	now := c.now().UnixNano()
	e, inL1 := c.l1.Get(key)
	if inL1 && c.fresh(key, &e, now) {
		if e.err != nil {
			c.event(TierL1, EventNegative)
			return nil, false, e.err
		}
		c.event(TierL1, EventHit)
		return e.val, false, nil
	}
	c.event(TierL1, EventMiss)

	one := func(ctx context.Context, _ []string) (map[string][]byte, error) {
		v, err := load(ctx)
		if err != nil {
			return nil, err
		}
		return map[string][]byte{key: v}, nil
	}
	res, err := c.wait(ctx, key, []string{key}, ttl, one)
	if err != nil {
		if inL1 && e.usableStale(now) {
			c.event(TierL1, EventStale)
			return e.val, true, nil
		}
		return nil, false, err
	}
	o := res[key]
	if o.staleTier != "" {
		c.event(o.staleTier, EventStale)
	}
	return o.val, o.staleTier != "", o.err
}

// Result is one key's answer from FetchMany: what Fetch would return for it.
type Result struct {
	Value []byte
	Stale bool
	Err   error
}

// FetchMany is Fetch for several keys at once, with one load for all the
// keys that neither tier holds fresh, e.g. the products of a cart in one
// Admin API call. load receives those keys and returns the values it found:
// a key it leaves out does not exist, and is cached as "not found" (its
// Result.Err matches ErrNotFound). When load fails, each key gets its stale
// value if one is known, else the error; the other keys are unaffected.
//
// The result has an entry for every key. Concurrent calls for the same set
// of missing keys share one load, and a single missing key shares Fetch's
// singleflight.
func (c *Cache) FetchMany(ctx context.Context, keys []string, ttl time.Duration, load func(ctx context.Context, keys []string) (map[string][]byte, error)) map[string]Result {
	out := make(map[string]Result, len(keys))
	now := c.now().UnixNano()
	var missing []string
	var fallback map[string][]byte // L1's stale values, if the caller stops waiting
	for _, k := range keys {
		if _, done := out[k]; done {
			continue
		}
		e, ok := c.l1.Get(k)
		if ok && c.fresh(k, &e, now) {
			if e.err != nil {
				c.event(TierL1, EventNegative)
			} else {
				c.event(TierL1, EventHit)
			}
			out[k] = Result{Value: e.val, Err: e.err}
			continue
		}
		c.event(TierL1, EventMiss)
		out[k] = Result{} // to skip duplicates; set below
		missing = append(missing, k)
		if ok && e.usableStale(now) {
			if fallback == nil {
				fallback = make(map[string][]byte)
			}
			fallback[k] = e.val
		}
	}
	if len(missing) == 0 {
		return out
	}
	slices.Sort(missing)
	flight := missing[0]
	if len(missing) > 1 {
		flight = "\x00" + strings.Join(missing, "\x00")
	}
	res, err := c.wait(ctx, flight, missing, ttl, load)
	for _, k := range missing {
		if err != nil {
			if v, ok := fallback[k]; ok {
				c.event(TierL1, EventStale)
				out[k] = Result{Value: v, Stale: true}
			} else {
				out[k] = Result{Err: err}
			}
			continue
		}
		o := res[k]
		if o.staleTier != "" {
			c.event(o.staleTier, EventStale)
		}
		out[k] = Result{Value: o.val, Stale: o.staleTier != "", Err: o.err}
	}
	return out
}

// loadFunc loads the values of keys; a key left out does not exist.
type loadFunc = func(ctx context.Context, keys []string) (map[string][]byte, error)

// outcome is one key's result of a fill, shared by every caller waiting on
// the fill.
type outcome struct {
	val       []byte
	err       error
	staleTier string // the tier of a stale value served after a failed load; "" when fresh
}

// wait joins (or leads) the singleflight named flight that fills keys, and
// waits for it, or for ctx to end. The load is shared: it does not stop
// when the leader's request does, only at LoadTimeout.
func (c *Cache) wait(ctx context.Context, flight string, keys []string, ttl time.Duration, load loadFunc) (map[string]outcome, error) {
	ch := c.flights.DoChan(flight, func() (any, error) {
		return c.fill(context.WithoutCancel(ctx), keys, ttl, load), nil
	})
	select {
	case r := <-ch:
		return r.Val.(map[string]outcome), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pending is a key that a fill has not found fresh in L1, with what it
// knows of it so far.
type pending struct {
	key          string
	snap         snapshot
	fallback     []byte
	fallbackTier string
	fallbackAt   int64 // fresh-until of the fallback: the newer one wins
}

func (p *pending) consider(e *entry, tier string, now int64) {
	if e.usableStale(now) && (p.fallbackTier == "" || e.fresh > p.fallbackAt) {
		p.fallback, p.fallbackTier, p.fallbackAt = e.val, tier, e.fresh
	}
}

// fill is the body of a singleflight: for each key, L1 again, then L2 in
// one round trip, then one load for what is still missing.
func (c *Cache) fill(ctx context.Context, keys []string, ttl time.Duration, load loadFunc) map[string]outcome {
	res := make(map[string]outcome, len(keys))
	todo, redisOK := c.lookup(ctx, keys, res)
	if len(todo) > 0 {
		c.loadMissing(ctx, todo, ttl, load, res, redisOK)
	}
	return res
}

// lookup puts in res the keys that L1 or L2 hold fresh, and returns the
// others, with their stale values if any. redisOK reports whether Redis
// answered within half of RedisTimeout (or there is none): writing to a
// Redis that failed or struggled would cost a second timeout, so that a
// miss spends at most 1.5 × RedisTimeout on Redis.
func (c *Cache) lookup(ctx context.Context, keys []string, res map[string]outcome) (todo []pending, redisOK bool) {
	now := c.now().UnixNano()
	todo = make([]pending, 0, len(keys))
	for _, k := range keys {
		// A flight that ended just before this one may have filled L1.
		e, ok := c.l1.Get(k)
		if ok && c.fresh(k, &e, now) {
			res[k] = outcome{val: e.val, err: e.err}
			continue
		}
		// Taken before the L2 read: an invalidation during it counts.
		p := pending{key: k, snap: c.snapshot(k)}
		if ok {
			p.consider(&e, TierL1, now)
		}
		todo = append(todo, p)
	}
	if c.rdb == nil || len(todo) == 0 {
		return todo, true
	}
	start := time.Now()
	entries, st := c.l2Lookup(ctx, keysOf(todo))
	if st == nil {
		return todo, false
	}
	redisOK = time.Since(start) < c.opts.RedisTimeout/2
	n := 0
	for i, p := range todo {
		switch st[i] {
		case l2Fresh:
			c.keepFromL2(p.key, entries[i], p.snap)
			res[p.key] = outcome{val: entries[i].val, err: entries[i].err}
			continue
		case l2Old:
			p.consider(&entries[i], TierL2, now)
		}
		todo[n] = p
		n++
	}
	return todo[:n], redisOK
}

// loadMissing loads the keys of todo in one call and puts the outcome of
// each in res: its value, kept in both tiers; "not found", kept for
// NegativeTTL; after a failed load, its stale value or the error.
func (c *Cache) loadMissing(ctx context.Context, todo []pending, ttl time.Duration, load loadFunc, res map[string]outcome, redisOK bool) {
	need := keysOf(todo)
	lctx, cancel := context.WithTimeout(ctx, c.opts.LoadTimeout)
	vals, err := c.callLoad(lctx, need, load)
	cancel()
	notFound := err != nil && c.opts.IsNotFound != nil && c.opts.IsNotFound(err)
	var writes []l2Item
	stale := 0
	for _, p := range todo {
		p.snap.gen = c.gen(shopOf(p.key)) // as the L2 read may have raised it
		v, found := vals[p.key]
		switch {
		case err == nil && found:
			res[p.key] = outcome{val: v}
			writes = c.keep(p.key, entry{val: v}, ttl, c.opts.StaleFor, p.snap, writes)
		case err == nil || notFound:
			nf := &notFoundError{key: p.key, msg: "not found"}
			if notFound {
				nf.msg, nf.err = err.Error(), err
			}
			res[p.key] = outcome{err: nf}
			writes = c.keep(p.key, entry{err: nf}, c.opts.NegativeTTL, 0, p.snap, writes)
		case p.fallbackTier != "":
			res[p.key] = outcome{val: p.fallback, staleTier: p.fallbackTier}
			stale++
		default:
			res[p.key] = outcome{err: fmt.Errorf("cache: load %s: %w", p.key, err)}
		}
	}
	if stale > 0 {
		if ok, n := c.logs.load.allow(); ok {
			c.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "cache: load failed, serving stale values",
				slog.String("key", need[0]), slog.Int("keys", len(need)), slog.Int("stale", stale),
				slog.Any("error", err), slog.Int64("suppressed", n))
		}
	}
	if redisOK && len(writes) > 0 {
		c.l2Set(ctx, writes)
	}
}

func keysOf(ps []pending) []string {
	ks := make([]string, len(ps))
	for i, p := range ps {
		ks[i] = p.key
	}
	return ks
}

// callLoad runs load and turns a panic into an error: the load runs for
// several callers, and a panic in a singleflight would end the process.
func (c *Cache) callLoad(ctx context.Context, keys []string, load loadFunc) (vals map[string][]byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("load panicked: %v", r)
			if ok, n := c.logs.panic.allow(); ok {
				c.opts.Logger.LogAttrs(ctx, slog.LevelError, "cache: load panicked",
					slog.String("key", keys[0]), slog.Any("panic", r),
					slog.String("stack", string(debug.Stack())), slog.Int64("suppressed", n))
			}
		}
	}()
	return load(ctx, keys)
}

// Get returns the fresh value of key from L1 or L2, for callers that load
// and Set values themselves. It never returns stale values or cached "not
// found"s.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool) {
	now := c.now().UnixNano()
	if e, ok := c.l1.Get(key); ok && c.fresh(key, &e, now) && e.err == nil {
		c.event(TierL1, EventHit)
		return e.val, true
	}
	c.event(TierL1, EventMiss)
	if c.rdb == nil {
		return nil, false
	}
	snap := c.snapshot(key)
	es, st := c.l2Lookup(ctx, []string{key})
	if st == nil || st[0] != l2Fresh || es[0].err != nil {
		return nil, false
	}
	c.keepFromL2(key, es[0], snap)
	return es[0].val, true
}

// Set keeps value under key in both tiers for ttl, e.g. a computed answer
// until its expires_at. It keeps no stale copy past ttl. A ttl ≤ 0 does
// nothing.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) {
	if ttl <= 0 {
		return
	}
	if w := c.keep(key, entry{val: value}, ttl, 0, c.snapshot(key), nil); len(w) > 0 {
		c.l2Set(ctx, w)
	}
}

// snapshot is what a fill saw before reading: if any of it has moved when
// the fill stores its result, the result may predate an invalidation.
type snapshot struct {
	inval uint32
	epoch uint32
	gen   int64
}

func (c *Cache) snapshot(key string) snapshot {
	return snapshot{
		inval: c.invals[c.shard(key)].Load(),
		epoch: c.epoch.Load(),
		gen:   c.gen(shopOf(key)),
	}
}

func (c *Cache) shard(key string) int {
	return int(maphash.String(c.seed, key) % invalShards)
}

// superseded reports whether key may have been invalidated since snap was
// taken. (A newer generation or epoch needs no check here: fresh compares
// them on every read.)
func (c *Cache) superseded(key string, snap snapshot) bool {
	return c.invals[c.shard(key)].Load() != snap.inval
}

// keep puts e under key in L1 for ttl, plus staleFor as a fallback, and
// appends its L2 write to writes (when there is a Redis). A value that may
// predate an invalidation that came while it was read is kept in L1 as
// stale only, and not written to L2.
func (c *Cache) keep(key string, e entry, ttl, staleFor time.Duration, snap snapshot, writes []l2Item) []l2Item {
	now := c.now()
	e.fresh = now.Add(ttl).UnixNano()
	e.stale = now.Add(ttl + staleFor).UnixNano()
	e.gen, e.epoch = snap.gen, snap.epoch
	if c.superseded(key, snap) {
		e.fresh = 0
		c.l1.Add(key, e)
		return writes
	}
	c.l1.Add(key, e)
	if c.rdb == nil {
		return writes
	}
	return append(writes, l2Item{key: key, val: encodeL2(&e), ttl: ttl + staleFor})
}

// keepFromL2 copies an entry read from L2 into L1.
func (c *Cache) keepFromL2(key string, e entry, snap snapshot) {
	e.epoch = snap.epoch
	if c.superseded(key, snap) {
		e.fresh = 0
	}
	c.l1.Add(key, e)
}

// fresh reports whether an L1 entry may be served as fresh at now: before
// its TTL, written since the last (re)subscription, and under the shop's
// current generation.
func (c *Cache) fresh(key string, e *entry, now int64) bool {
	return now < e.fresh && e.epoch == c.epoch.Load() && e.gen >= c.gen(shopOf(key))
}

// gen returns the newest generation of shop this instance knows.
func (c *Cache) gen(shop string) int64 {
	if shop == "" {
		return 0
	}
	if g, ok := c.gens.Load(shop); ok {
		return g.(*atomic.Int64).Load()
	}
	return 0
}

// raiseGen makes g the generation of shop unless a newer one is known, and
// returns the generation in force.
func (c *Cache) raiseGen(shop string, g int64) int64 {
	if shop == "" || g <= 0 {
		return c.gen(shop)
	}
	v, _ := c.gens.LoadOrStore(shop, new(atomic.Int64))
	cur := v.(*atomic.Int64)
	for {
		old := cur.Load()
		if old >= g {
			return old
		}
		if cur.CompareAndSwap(old, g) {
			return g
		}
	}
}

func (c *Cache) event(tier, event string) {
	if c.opts.OnEvent != nil {
		c.opts.OnEvent(tier, event)
	}
}

// notFoundError is a cached "not found". err is the load's error when
// this instance saw it, nil when the tombstone came from L2.
type notFoundError struct {
	key string
	msg string
	err error
}

func (e *notFoundError) Error() string        { return "cache: " + e.key + ": " + e.msg }
func (e *notFoundError) Unwrap() error        { return e.err }
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }
