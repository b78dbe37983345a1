package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/leadtime-app/leadtime/internal/redisconn"
	"github.com/leadtime-app/leadtime/internal/redistest"
	"github.com/leadtime-app/leadtime/metrics"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/server"
)

// limitedInstance is a demo-shop server whose client IP comes from the
// Fly-Client-IP header (as on fly.io), with limits shared through rdb
// (nil: per instance).
func limitedInstance(t *testing.T, limits server.Limits, rdb redis.UniversalClient) (http.Handler, *metrics.Metrics) {
	t.Helper()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	return server.New(server.Config{
		Engine:          &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop:     shop.Domain(),
		Now:             func() time.Time { return saturdayMorning },
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits:          &limits,
		TrustedPlatform: gin.PlatformFlyIO,
		TrustedProxies:  []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, // httptest.NewRequest's peer: fly's proxy here
		Metrics:         m, PublicMetrics: true,
		RateLimitRedis: rdb, RateLimitRedisTimeout: 10 * time.Second,
		WallClock: func() time.Time { return saturdayMorning }, // the limiter's clock: frozen, so no refill or backoff ends mid-test
	}).Handler(), m
}

// fromIP sends a storefront request from a client IP and returns the
// status, failing the test on anything but 200 or 429.
func fromIP(t *testing.T, h http.Handler, ip string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/storefront/v1/product?shop="+demoDomain+"&handle=wool-sweater", nil)
	req.Header.Set("Fly-Client-IP", ip)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	switch w.Code {
	case http.StatusOK:
	case http.StatusTooManyRequests:
		if s, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("429 with Retry-After %q, want a whole number of seconds ≥ 1", w.Header().Get("Retry-After"))
		}
	default:
		t.Fatalf("request from %s = %d, want 200 or 429: %s", ip, w.Code, w.Body)
	}
	return w.Code
}

func redisClient(t *testing.T, rs *redistest.Server) *redis.Client {
	t.Helper()
	ro, err := redis.ParseURL(rs.URL())
	if err != nil {
		t.Fatal(err)
	}
	ro.ContextTimeoutEnabled, ro.MaxRetries = true, 1
	// Generous: on a loaded machine a short timeout would let the local
	// buckets decide and the shared counts would depend on its speed.
	ro.DialTimeout, ro.ReadTimeout, ro.WriteTimeout = 10*time.Second, 10*time.Second, 10*time.Second
	rdb := redis.NewClient(ro)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// TestRateLimitSharedThroughRedis: two instances sharing a Redis share
// their buckets (per IP and per shop), kept under leadtime:{…}:rl:…; with
// Redis gone, each instance's own buckets decide and no request fails.
func TestRateLimitSharedThroughRedis(t *testing.T) {
	rs := redistest.Start(t)
	rdb := redisClient(t, rs)
	slow := ratelimit.Rate{PerSecond: 0.01, Burst: 4} // no refill within the test
	a, _ := limitedInstance(t, server.Limits{StorefrontPerIP: slow}, rdb)
	b, _ := limitedInstance(t, server.Limits{StorefrontPerIP: slow}, rdb)

	ok := 0
	for i := range 8 {
		if fromIP(t, []http.Handler{a, b}[i%2], "203.0.113.7") == http.StatusOK {
			ok++
		}
	}
	if ok != 4 {
		t.Errorf("8 requests from one IP spread over two instances: %d allowed, want the shared burst of 4", ok)
	}
	if n, err := rdb.Exists(context.Background(), "leadtime:{203.0.113.7}:rl:ip").Result(); err != nil || n != 1 {
		t.Errorf("the bucket leadtime:{203.0.113.7}:rl:ip is not in Redis (%d, %v)", n, err)
	}

	// Per shop, whatever the client.
	perShop := server.Limits{StorefrontPerShop: ratelimit.Rate{PerSecond: 0.01, Burst: 3}}
	c, _ := limitedInstance(t, perShop, rdb)
	d, _ := limitedInstance(t, perShop, rdb)
	ok = 0
	for i := range 6 {
		if fromIP(t, []http.Handler{c, d}[i%2], "198.51.100."+strconv.Itoa(i)) == http.StatusOK {
			ok++
		}
	}
	if ok != 3 {
		t.Errorf("6 requests for one shop spread over two instances: %d allowed, want the shared burst of 3", ok)
	}
	if n, _ := rdb.Exists(context.Background(), "leadtime:{"+demoDomain+"}:rl:shop").Result(); n != 1 {
		t.Errorf("the bucket leadtime:{%s}:rl:shop is not in Redis", demoDomain)
	}

	// Redis killed: a's own bucket decides; nothing fails, and Redis is
	// asked once, not per request: after a failure it is left alone for a
	// second of the instance's clock, which is frozen here.
	rs.Kill()
	ok = 0
	var calls atomic.Int64
	rdb.AddHook(countingHook{&calls})
	for range 6 {
		if fromIP(t, a, "192.0.2.99") == http.StatusOK {
			ok++
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("6 requests with Redis down asked Redis %d times, want once (then a second's backoff)", n)
	}
	if ok != 4 {
		t.Errorf("with Redis down, 6 requests from a new IP on one instance: %d allowed, want its own burst of 4", ok)
	}
	if got := metricValue(t, scrape(t, a), "leadtime_rate_limit_redis_errors_total"); got < 1 {
		t.Errorf("leadtime_rate_limit_redis_errors_total = %v with Redis down, want ≥ 1", got)
	}
}

// TestRateLimitPerInstanceWithoutRedis: without Redis each instance has
// its own buckets.
func TestRateLimitPerInstanceWithoutRedis(t *testing.T) {
	t.Parallel()
	slow := server.Limits{StorefrontPerIP: ratelimit.Rate{PerSecond: 0.01, Burst: 2}}
	a, _ := limitedInstance(t, slow, nil)
	b, _ := limitedInstance(t, slow, nil)
	ok := 0
	for i := range 6 {
		if fromIP(t, []http.Handler{a, b}[i%2], "203.0.113.8") == http.StatusOK {
			ok++
		}
	}
	if ok != 4 {
		t.Errorf("6 requests over two instances without Redis: %d allowed, want 2 each", ok)
	}
}

// TestRateLimitSharedRedisCluster: on a real 3-master Redis Cluster, two
// instances (each with its own cluster client) share the buckets of IPs
// and a shop whose keys live in different slots; the bucket script touches
// one key, so no call fails (the Redis error counter stays at 0).
func TestRateLimitSharedRedisCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	client := func() redis.UniversalClient {
		d := 10 * time.Second // generous: the counts must not depend on the machine's load
		rdb, err := redisconn.Open(cl.URL(), redisconn.Options{MaxRetries: 1, DialTimeout: d, ReadTimeout: d, WriteTimeout: d})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rdb.Close() })
		return rdb
	}
	limits := server.Limits{StorefrontPerIP: ratelimit.Rate{PerSecond: 0.01, Burst: 4}} // no refill within the test
	a, _ := limitedInstance(t, limits, client())
	b, _ := limitedInstance(t, limits, client())
	ips := []string{"203.0.113.1", "203.0.113.2", "198.51.100.3", "192.0.2.4", "192.0.2.5"}
	for _, ip := range ips {
		ok := 0
		for i := range 8 {
			if fromIP(t, []http.Handler{a, b}[i%2], ip) == http.StatusOK {
				ok++
			}
		}
		if ok != 4 {
			t.Errorf("8 requests from %s spread over two instances: %d allowed, want the shared burst of 4", ip, ok)
		}
	}
	// Per shop, whatever the client.
	perShop := server.Limits{StorefrontPerShop: ratelimit.Rate{PerSecond: 0.01, Burst: 3}}
	c, _ := limitedInstance(t, perShop, client())
	d, _ := limitedInstance(t, perShop, client())
	ok := 0
	for i := range 6 {
		if fromIP(t, []http.Handler{c, d}[i%2], "100.64.0."+strconv.Itoa(i)) == http.StatusOK {
			ok++
		}
	}
	if ok != 3 {
		t.Errorf("6 requests for one shop spread over two instances: %d allowed, want the shared burst of 3", ok)
	}
	rdb := client()
	for _, k := range []string{"leadtime:{203.0.113.1}:rl:ip", "leadtime:{" + demoDomain + "}:rl:shop"} {
		if n, err := rdb.Exists(context.Background(), k).Result(); err != nil || n != 1 {
			t.Errorf("the bucket %s is not in the cluster (%d, %v)", k, n, err)
		}
	}
	for _, h := range []http.Handler{a, b, c, d} {
		if got := metricValue(t, scrape(t, h), "leadtime_rate_limit_redis_errors_total"); got != 0 {
			t.Errorf("leadtime_rate_limit_redis_errors_total = %v on a healthy cluster, want 0", got)
		}
	}
}

// countingHook counts the commands (and pipelines) sent through a client.
type countingHook struct{ n *atomic.Int64 }

func (h countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}
