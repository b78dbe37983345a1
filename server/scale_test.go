package server_test

// Scale-out tests (issue 5, DESIGN §6 and §8): several instances of the
// server, wired as serve.go wires app mode, share one real redis-server
// (internal/redistest) and talk to the fake Admin API (shopifytest). Each
// test is bounded in time; the whole file runs in well under a minute.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/redistest"
	"github.com/leadtime-app/leadtime/metrics"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
	"github.com/leadtime-app/leadtime/shopifyapp"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// The app's credentials and the shops' token in scale tests.
const (
	scaleAPIKey = "scale-api-key"
	scaleSecret = "scale-api-secret"
	scaleToken  = "shpat_scale_token"
	// leanDomain is a shop whose rules do not match on collections, so
	// that its products load with the lean query (90 cart lines a call).
	leanDomain = "lean-shop.myshopify.com"
)

// scaleEnv is what the instances of a test share: the fake Admin API, a
// real redis-server with AOF (as production runs it: the store lives
// there), and the shops installed in that store.
type scaleEnv struct {
	fake  *shopifytest.Server
	redis *redistest.Server
}

// newScaleEnv starts the fake and Redis, and installs the demo shop:
// its catalog in the fake, its token and settings (without the catalog)
// in the store.
func newScaleEnv(t testing.TB) *scaleEnv {
	t.Helper()
	env := &scaleEnv{fake: shopifytest.NewServer(), redis: redistest.Start(t, redistest.AOF())}
	t.Cleanup(env.fake.Close)
	env.install(t, demoSettings(t))
	return env
}

// demoSettings are examples/demo-shop.yaml, parsed.
func demoSettings(t testing.TB) *delivery.Settings {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := delivery.ParseSettings(data)
	if err != nil {
		t.Fatalf("parsing the demo shop: %v", err)
	}
	return st
}

// install puts a shop's catalog in the fake and its token and settings
// (as JSON, without the catalog) in the store, as an install would.
func (e *scaleEnv) install(t testing.TB, settings *delivery.Settings) {
	t.Helper()
	domain := settings.Shop
	e.fake.AddShop(domain, scaleToken, shopifytest.Shop{Name: domain, Timezone: settings.Timezone, Country: settings.Country, Locale: settings.Locale})
	for _, p := range settings.Catalog {
		e.fake.AddProduct(domain, shopifytest.ProductFrom(p))
	}
	doc := *settings
	doc.Catalog = nil
	b, err := json.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.OpenRedis(ctx, e.redis.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SetToken(ctx, domain, scaleToken, shopifyapp.Scopes); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSettings(ctx, domain, b, ""); err != nil {
		t.Fatal(err)
	}
}

// scaleInstance is one running server, reached over loopback HTTP.
type scaleInstance struct {
	name     string
	url      string
	handler  http.Handler // the same server without HTTP, for benchmarks
	shared   *cache.Cache
	rdb      *redis.Client
	products *catalog.Shopify
	client   *http.Client
}

// instanceOptions vary an instance from serve.go's app mode.
type instanceOptions struct {
	limits   *server.Limits   // nil: no rate limits
	cacheNow func() time.Time // the cache's clock; nil: time.Now
	now      func() time.Time // the server's clock (quotes, answer expiry); nil: time.Now
	answers  answercache.Cache
	retry    shopify.RetryPolicy
	platform string                  // TrustedPlatform
	onCost   func(requested float64) // sees every Admin API answer's requested cost
	// serveTimeouts gives Redis calls serve's own short bounds (the outage
	// benchmark measures them); otherwise they are generous, so that what
	// a test counts does not depend on how busy the machine is.
	serveTimeouts bool
}

// start runs an instance wired as serve.go wires app mode with REDIS_URL:
// the Redis store, a go-redis client with short timeouts for the cache and
// the rate limits, the two-tier cache, the Admin API (the fake) behind it.
func (e *scaleEnv) start(t testing.TB, name string, o instanceOptions) *scaleInstance {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	clientTimeout, cacheTimeout, limitTimeout := 10*time.Second, 10*time.Second, 10*time.Second
	if o.serveTimeouts {
		clientTimeout, cacheTimeout, limitTimeout = 200*time.Millisecond, cache.DefaultRedisTimeout, ratelimit.DefaultRedisTimeout
	}
	st, err := store.OpenRedis(ctx, e.redis.URL(), store.Options{DialTimeout: clientTimeout, ReadTimeout: clientTimeout, WriteTimeout: clientTimeout})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := redis.ParseURL(e.redis.URL())
	if err != nil {
		t.Fatal(err)
	}
	ro.ContextTimeoutEnabled, ro.MaxRetries, ro.DialerRetries = true, 1, 1
	ro.DialTimeout, ro.ReadTimeout, ro.WriteTimeout = clientTimeout, clientTimeout, clientTimeout
	rdb := redis.NewClient(ro)
	counts := metrics.New()
	shared := cache.New(cache.Options{Redis: rdb, Logger: logger, OnEvent: counts.CacheEvent, Now: o.cacheNow, RedisTimeout: cacheTimeout})
	app := &shopifyapp.App{
		APIKey: scaleAPIKey, APISecret: scaleSecret, Scopes: shopifyapp.Scopes,
		Options: shopify.Options{Endpoint: e.fake.URL, Logger: logger, Retry: o.retry},
		Store:   st, Shared: shared, Log: logger,
	}
	if o.onCost != nil {
		app.Options.OnCost = func(requested, _, _ float64) { o.onCost(requested) }
	}
	counts.InstrumentShopify(&app.Options)
	app.Shops = &shops.Registry{Store: st, Shared: shared, Restore: app.RestoreSettings, Log: logger}
	// No shopper budget: these measure the cache and the Admin API alone.
	app.Products = &catalog.Shopify{Cache: shared, Clients: app.Client, Log: logger}
	app.Engine = &promise.Engine{Shops: app.Shops, Products: app.Products}
	limits := o.limits
	if limits == nil {
		limits = &server.Limits{}
	}
	srv := server.New(server.Config{
		Engine: app.Engine,
		Shared: shared, App: app, APIKey: scaleAPIKey, APISecret: scaleSecret,
		Ready:   func(ctx context.Context) error { return joinErrs(st.Ping(ctx), shared.Ping(ctx)) },
		Metrics: counts, RateLimitRedis: rdb, RateLimitRedisTimeout: limitTimeout, Limits: limits, TrustedPlatform: o.platform, PublicMetrics: true,
		Logger: logger, Now: o.now, Cache: o.answers,
	})
	hs := httptest.NewServer(srv.Handler())
	in := &scaleInstance{
		name: name, url: hs.URL, handler: srv.Handler(), shared: shared, rdb: rdb, products: app.Products,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}},
	}
	t.Cleanup(func() {
		hs.Close()
		in.client.CloseIdleConnections()
		shared.Close()
		rdb.Close()
		st.Close()
	})
	return in
}

func joinErrs(errs ...error) error {
	var msgs []string
	for _, err := range errs {
		if err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if msgs == nil {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

// proxyQuery is a query signed now, as Shopify's app proxy sends it.
func proxyQuery(shop string, params url.Values) string {
	return shopifytest.ProxyQuery(shop, scaleSecret, params, time.Now())
}

// scaleAnswer is the part of a product or cart answer these tests read.
type scaleAnswer struct {
	ProductID  int64 `json:"product_id"`
	Processing struct {
		Min    int    `json:"min_days"`
		Max    int    `json:"max_days"`
		Source string `json:"source"`
	} `json:"processing"`
	Stale bool `json:"stale"`
	Lines []struct {
		VariantID int64 `json:"variant_id"`
		Error     any   `json:"error"`
	} `json:"lines"`
}

// get sends a GET and returns the status and body; a transport error is
// status 0.
func (in *scaleInstance) get(path string) (int, []byte) {
	resp, err := in.client.Get(in.url + path)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// answer GETs path and decodes the answer, failing the test unless it is
// a 200.
func (in *scaleInstance) answer(t testing.TB, path string) scaleAnswer {
	t.Helper()
	code, body := in.get(path)
	if code != http.StatusOK {
		t.Fatalf("%s: GET %s = %d, want 200: %s", in.name, path, code, body)
	}
	var a scaleAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("%s: GET %s: %v: %s", in.name, path, err, body)
	}
	return a
}

var webhookSeq atomic.Int64

// webhook posts a signed webhook of topic for shop, with a new webhook id.
func (in *scaleInstance) webhook(t testing.TB, topic, shop string, body []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, in.url+"/webhooks", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Hmac-Sha256", shopify.SignWebhook(body, scaleSecret))
	req.Header.Set("X-Shopify-Topic", topic)
	req.Header.Set("X-Shopify-Shop-Domain", shop)
	req.Header.Set("X-Shopify-Webhook-Id", fmt.Sprintf("scale-%d-%d", time.Now().UnixNano(), webhookSeq.Add(1)))
	resp, err := in.client.Do(req)
	if err != nil {
		t.Fatalf("%s: webhook %s: %v", in.name, topic, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: webhook %s = %d, want 200: %s", in.name, topic, resp.StatusCode, b)
	}
}

// metric scrapes /metrics and returns the value of the series name with
// the given labels ("k=v" pairs), or 0 when it is absent.
func (in *scaleInstance) metric(t testing.TB, name string, labels ...string) float64 {
	t.Helper()
	code, body := in.get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("%s: GET /metrics = %d", in.name, code)
	}
	return metricValue(t, body, name, labels...)
}

func metricValue(t testing.TB, body []byte, name string, labels ...string) float64 {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
next:
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		for _, l := range labels {
			k, v, _ := strings.Cut(l, "=")
			if !strings.Contains(line, k+`="`+v+`"`) {
				continue next
			}
		}
		f, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		return f
	}
	return 0
}

// catalogProduct returns product id of a settings catalog, as the fake
// serves it.
func catalogProduct(t testing.TB, settings *delivery.Settings, id int64) shopifytest.Product {
	t.Helper()
	for _, p := range settings.Catalog {
		if p.ID == id {
			return shopifytest.ProductFrom(p)
		}
	}
	t.Fatalf("no product %d in the catalog", id)
	return shopifytest.Product{}
}

// setProcessing changes a fake product's processing time, as an edit in
// Shopify admin would, and returns the products/update webhook Shopify
// then sends.
func setProcessing(fake *shopifytest.Server, shop string, p shopifytest.Product, minDays, maxDays int) []byte {
	p.Metafields = map[string]string{
		"leadtime.processing_min_days": strconv.Itoa(minDays),
		"leadtime.processing_max_days": strconv.Itoa(maxDays),
	}
	fake.UpdateProduct(shop, p)
	type variant struct {
		ID int64 `json:"id"`
	}
	vs := make([]variant, len(p.Variants))
	for i, v := range p.Variants {
		vs[i] = variant{v.ID}
	}
	b, _ := json.Marshal(map[string]any{"id": p.ID, "handle": p.Handle, "variants": vs})
	return b
}

// awaitChange polls in with path until the answer's max processing days
// are want, and returns how long that took; it fails after 2 s.
func awaitChange(t testing.TB, in *scaleInstance, path string, want int) (time.Duration, int) {
	t.Helper()
	start := time.Now()
	for polls := 1; ; polls++ {
		a := in.answer(t, path)
		if a.Processing.Max == want {
			return time.Since(start), polls
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("%s: after 2 s, %s still answers max_days %d, want %d", in.name, path, a.Processing.Max, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// maxInvalidation is DESIGN §6's bound: an invalidation on one instance
// reaches the others' L1 within 100 ms.
const maxInvalidation = 100 * time.Millisecond

// TestScaleInvalidationAcrossInstances: a products/update webhook on A
// drops the product on B, whose next answer reflects the change within
// 100 ms; a settings save (InvalidateShop) on A does the same.
func TestScaleInvalidationAcrossInstances(t *testing.T) {
	env := newScaleEnv(t)
	demo := demoSettings(t)
	a, b := env.start(t, "A", instanceOptions{}), env.start(t, "B", instanceOptions{})
	shop := demo.Shop
	path := "/storefront/v1/product?shop=" + shop + "&product_id=1001&country=SE"

	if got := b.answer(t, path).Processing.Max; got != 8 {
		t.Fatalf("B: max_days = %d before any change, want 8 (the product metafield)", got)
	}
	b.answer(t, path) // an answer-cache hit now
	a.answer(t, path)

	sweater := catalogProduct(t, demo, 1001)
	var worst time.Duration
	for round, want := range []int{12, 9, 15} {
		update := setProcessing(env.fake, shop, sweater, 4, want)
		if got := b.answer(t, path).Processing.Max; got == want {
			t.Fatalf("round %d: B answered the change before any webhook: its cache did not hold the product", round)
		}
		a.webhook(t, "products/update", shop, update)
		took, polls := awaitChange(t, b, path, want)
		t.Logf("round %d: products/update on A reached B's answer in %v (%d polls)", round, took, polls)
		worst = max(worst, took)
	}
	if worst > maxInvalidation {
		t.Errorf("products/update on A reached B in %v at worst, want ≤ %v", worst, maxInvalidation)
	}

	// A settings save retires every answer and product of the shop: on A
	// it is InvalidateShop, which B hears through Redis.
	setProcessing(env.fake, shop, sweater, 4, 11)
	start := time.Now()
	a.shared.InvalidateShop(context.Background(), shop)
	a.webhook(t, "shop/update", shop, shopUpdateBody(shop)) // retires the answers, as a save does
	took, _ := awaitChange(t, b, path, 11)
	t.Logf("InvalidateShop on A reached B's answer in %v (total since the call: %v)", took, time.Since(start))
	if took > maxInvalidation {
		t.Errorf("InvalidateShop on A reached B in %v, want ≤ %v", took, maxInvalidation)
	}
}

// loadResult counts the outcomes of a load loop.
type loadResult struct {
	total, failed atomic.Int64
	mu            sync.Mutex
	firstFailures []string
}

func (r *loadResult) fail(msg string) {
	r.failed.Add(1)
	r.mu.Lock()
	if len(r.firstFailures) < 5 {
		r.firstFailures = append(r.firstFailures, msg)
	}
	r.mu.Unlock()
}

// runLoad sends GETs of paths round-robin to instances from workers
// goroutines until stop is closed; a response other than 200 is a
// failure.
func runLoad(instances []*scaleInstance, paths []func() string, workers int, stop <-chan struct{}, res *loadResult) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				in := instances[i%len(instances)]
				path := paths[(i/len(instances))%len(paths)]()
				code, body := in.get(path)
				res.total.Add(1)
				if code != http.StatusOK {
					res.fail(fmt.Sprintf("%s GET %s = %d: %.200s", in.name, path, code, body))
				}
			}
		}()
	}
	return &wg
}

// storefrontPaths are the product routes of the demo catalog for a few
// destinations, through the app proxy (signed) and the storefront API.
func storefrontPaths(shop string) []func() string {
	var paths []func() string
	for id := 1001; id <= 1009; id++ {
		for _, country := range []string{"SE", "DE", "US"} {
			params := url.Values{"product_id": {strconv.Itoa(id)}, "country": {country}}
			paths = append(paths,
				func() string { return "/proxy/product?" + proxyQuery(shop, params) },
				func() string { return "/storefront/v1/product?shop=" + shop + "&" + params.Encode() },
			)
		}
	}
	return paths
}

// subscribers returns how many clients listen for invalidations.
func subscribers(t testing.TB, rs *redistest.Server) int64 {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	defer rdb.Close()
	n, err := rdb.PubSubNumSub(context.Background(), cache.DefaultChannel).Result()
	if err != nil {
		return 0
	}
	return n[cache.DefaultChannel]
}

// TestScaleRedisKilledUnderLoad kills Redis for a few seconds under a
// concurrent load on two instances: every storefront response is a 200,
// /readyz says 503 meanwhile, and once Redis is back the instances use it
// again without a restart: B reads what A loaded from L2, and
// invalidations reach it again.
func TestScaleRedisKilledUnderLoad(t *testing.T) {
	env := newScaleEnv(t)
	demo := demoSettings(t)
	shop := demo.Shop
	// Generous limits, shared through Redis: the limiter is on the path too.
	limits := &server.Limits{StorefrontPerIP: ratelimit.Rate{PerSecond: 100_000, Burst: 200_000}, StorefrontPerShop: ratelimit.Rate{PerSecond: 100_000, Burst: 200_000}}
	a := env.start(t, "A", instanceOptions{limits: limits})
	b := env.start(t, "B", instanceOptions{limits: limits})
	instances := []*scaleInstance{a, b}
	paths := storefrontPaths(shop)
	for _, in := range instances {
		for _, p := range paths {
			in.answer(t, p())
		}
		if code, body := in.get("/readyz"); code != http.StatusOK {
			t.Fatalf("%s: /readyz = %d with Redis up: %s", in.name, code, body)
		}
	}

	res := &loadResult{}
	stop := make(chan struct{})
	wg := runLoad(instances, paths, 8, stop, res)
	// Churn: shop/update retires the shop's answers, so that the load
	// also quotes again from the product facts; collections/update, sent
	// once Redis is down, retires the facts too, so that they are loaded
	// again without L2. (Not more often: the fake throttles as Shopify
	// does, and a whole catalog reloaded every second would be throttled.)
	churnStop := make(chan struct{})
	var churn sync.WaitGroup
	churn.Add(1)
	go func() {
		defer churn.Done()
		for i := 0; ; i++ {
			select {
			case <-churnStop:
				return
			case <-time.After(250 * time.Millisecond):
			}
			instances[i%2].webhook(t, "shop/update", shop, shopUpdateBody(shop))
		}
	}()
	retireFacts := func() { a.webhook(t, "collections/update", shop, []byte(`{"id":1}`)) }
	phase := func(name string, d time.Duration) {
		before, failedBefore := res.total.Load(), res.failed.Load()
		time.Sleep(d)
		t.Logf("%-12s %6d requests, %d failed", name, res.total.Load()-before, res.failed.Load()-failedBefore)
	}

	phase("Redis up", time.Second)
	env.redis.Kill()
	killed := time.Now()
	retireFacts()
	phase("Redis down", 1500*time.Millisecond)
	if os.Getenv("SCALE_DEBUG") != "" {
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
	}
	if got := a.metric(t, "leadtime_cache_events_total", "tier=l2", "event=error"); got == 0 {
		t.Errorf("A: no L2 errors counted while Redis is down")
	}
	for _, in := range instances {
		if code, _ := in.get("/readyz"); code != http.StatusServiceUnavailable {
			t.Errorf("%s: /readyz = %d while Redis is down, want 503", in.name, code)
		}
		if code, _ := in.get("/healthz"); code != http.StatusOK {
			t.Errorf("%s: /healthz = %d while Redis is down, want 200", in.name, code)
		}
	}
	phase("Redis down", 1500*time.Millisecond)
	env.redis.Restart()
	t.Logf("Redis was down for %v", time.Since(killed).Round(time.Millisecond))
	// Back without a restart of the instances: ready again, subscribed again.
	deadline := time.Now().Add(5 * time.Second)
	for _, in := range instances {
		for {
			code, _ := in.get("/readyz")
			if code == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: /readyz = %d 5 s after Redis came back", in.name, code)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for subscribers(t, env.redis) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the instances did not subscribe to invalidations again within 5 s of Redis coming back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("ready and subscribed again %v after Redis came back", time.Since(deadline.Add(-5*time.Second)).Round(time.Millisecond))
	phase("Redis back", time.Second)
	close(churnStop)
	churn.Wait()
	close(stop)
	wg.Wait()

	t.Logf("%d storefront requests in all, %d failed", res.total.Load(), res.failed.Load())
	if n := res.failed.Load(); n > 0 {
		t.Errorf("%d of %d storefront responses failed while Redis was killed, want 0; first: %q", n, res.total.Load(), res.firstFailures)
	}

	// B's L2 is used again: a product A loads is a Redis hit on B, with no
	// call to Shopify.
	newProduct := catalogProduct(t, demo, 1001)
	newProduct.ID, newProduct.Handle = 1100, "new-sweater"
	for i := range newProduct.Variants {
		newProduct.Variants[i].ID = 2100 + int64(i)
		newProduct.Variants[i].InventoryItemID = 0
	}
	env.fake.AddProduct(shop, newProduct)
	path := "/storefront/v1/product?shop=" + shop + "&product_id=1100&country=SE"
	a.answer(t, path)
	calls := env.fake.Calls()
	hits := b.metric(t, "leadtime_cache_events_total", "tier=l2", "event=hit")
	b.answer(t, path)
	if got := env.fake.Calls() - calls; got != 0 {
		t.Errorf("B made %d Admin API calls for a product A had loaded after Redis came back, want 0 (an L2 hit)", got)
	}
	if got := b.metric(t, "leadtime_cache_events_total", "tier=l2", "event=hit"); got <= hits {
		t.Errorf("B's L2 hits stayed at %v: B does not use Redis again", got)
	}
	// And invalidations reach B again.
	b.answer(t, path)
	a.webhook(t, "products/update", shop, setProcessing(env.fake, shop, newProduct, 2, 13))
	took, _ := awaitChange(t, b, path, 13)
	t.Logf("after the outage, products/update on A reached B's answer in %v", took)
	if took > maxInvalidation {
		t.Errorf("after the outage, an invalidation took %v to reach B, want ≤ %v", took, maxInvalidation)
	}
}

// aheadClock is the real clock plus an offset that a test moves forward.
type aheadClock struct{ offset atomic.Int64 }

func (c *aheadClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *aheadClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// TestScaleShopifyDown: with Shopify down, products seen before answer
// 200 with "stale": true from the facts last loaded, and a product never
// seen gets the shop's default, also stale. Not one request fails.
func TestScaleShopifyDown(t *testing.T) {
	env := newScaleEnv(t)
	demo := demoSettings(t)
	shop := demo.Shop
	clock := &aheadClock{}
	a := env.start(t, "A", instanceOptions{cacheNow: clock.Now})
	path := func(id int) string {
		return "/proxy/product?" + proxyQuery(shop, url.Values{"product_id": {strconv.Itoa(id)}, "country": {"SE"}})
	}
	before := map[int]scaleAnswer{}
	for id := 1001; id <= 1008; id++ {
		before[id] = a.answer(t, path(id))
		if before[id].Stale {
			t.Fatalf("product %d: stale before any outage", id)
		}
	}

	env.fake.SetDown(true)
	// The facts are past their 10-minute TTL (still within stale-if-error),
	// and the answers are retired (shop/update): every answer is quoted
	// again, from facts that cannot be reloaded.
	clock.Advance(catalog.ProductFactsTTL + time.Minute)
	a.webhook(t, "shop/update", shop, shopUpdateBody(shop))
	calls := env.fake.Calls()

	var wg sync.WaitGroup
	var total, failed, notStale atomic.Int64
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				id := 1001 + (w+i)%8
				code, body := a.get(path(id))
				total.Add(1)
				var ans scaleAnswer
				if code != http.StatusOK || json.Unmarshal(body, &ans) != nil {
					failed.Add(1)
					t.Errorf("product %d with Shopify down: %d %s", id, code, body)
					continue
				}
				if !ans.Stale {
					notStale.Add(1)
				}
				if ans.Processing != before[id].Processing {
					t.Errorf("product %d with Shopify down: processing %+v, want the last known %+v", id, ans.Processing, before[id].Processing)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("Shopify down: %d requests for products seen before, %d failed, %d not marked stale; %d Admin API calls tried", total.Load(), failed.Load(), notStale.Load(), env.fake.Calls()-calls)
	if notStale.Load() > 0 {
		t.Errorf("%d answers from stale facts were not marked \"stale\": true", notStale.Load())
	}

	// 1009 was never asked for: the shop default (1–3 days), stale. Its
	// tags would say 0–1 days, but nothing of it is known.
	got := a.answer(t, path(1009))
	if !got.Stale || got.Processing.Min != 1 || got.Processing.Max != 3 || got.Processing.Source != string(delivery.SourceDefault) {
		t.Errorf("never-seen product with Shopify down: stale %v, processing %+v; want stale, the shop default 1–3 days", got.Stale, got.Processing)
	}
	env.fake.SetDown(false)
}

// TestScaleConcurrentMissesOneCall: 500 concurrent requests for one
// uncached product make one Admin API call per instance.
func TestScaleConcurrentMissesOneCall(t *testing.T) {
	env := newScaleEnv(t)
	shop := demoSettings(t).Shop
	a, b := env.start(t, "A", instanceOptions{}), env.start(t, "B", instanceOptions{})

	burst := func(instances []*scaleInstance, id int) (calls int, failed int64) {
		path := "/storefront/v1/product?shop=" + shop + "&product_id=" + strconv.Itoa(id) + "&country=SE"
		before := env.fake.Calls()
		start := make(chan struct{})
		var wg sync.WaitGroup
		var bad atomic.Int64
		for i := range 500 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if code, body := instances[i%len(instances)].get(path); code != http.StatusOK {
					bad.Add(1)
					t.Errorf("GET %s = %d: %s", path, code, body)
				}
			}()
		}
		close(start)
		wg.Wait()
		return env.fake.Calls() - before, bad.Load()
	}
	if calls, _ := burst([]*scaleInstance{a}, 1001); calls != 1 {
		t.Errorf("500 concurrent requests for one uncached product on one instance made %d Admin API calls, want 1", calls)
	} else {
		t.Logf("one instance: 500 concurrent requests, %d Admin API call", calls)
	}
	if calls, _ := burst([]*scaleInstance{a, b}, 1002); calls < 1 || calls > 2 {
		t.Errorf("500 concurrent requests for one uncached product on two instances made %d Admin API calls, want 1 or 2", calls)
	} else {
		t.Logf("two instances: 500 concurrent requests, %d Admin API call(s)", calls)
	}
}

// TestScaleCartOneCall: a cart of 50 uncached products costs one Admin
// API call, for a shop whose rules do not match on collections (the lean
// query holds 90 lines).
func TestScaleCartOneCall(t *testing.T) {
	env := newScaleEnv(t)
	lean := demoSettings(t)
	lean.Shop = leanDomain
	var rules []delivery.Rule
	for _, r := range lean.Rules {
		if len(r.Match.Collections) == 0 {
			rules = append(rules, r)
		}
	}
	lean.Rules = rules
	lean.Catalog = nil
	var items []string
	for i := range 50 {
		p := delivery.Product{ID: 5000 + int64(i), Handle: "cart-item-" + strconv.Itoa(i), Tags: []string{"handmade"}, Collections: []string{"kitchen"},
			Variants: []delivery.Variant{{ID: 6000 + int64(i), Title: "Default"}}}
		lean.Catalog = append(lean.Catalog, p)
		items = append(items, strconv.FormatInt(p.Variants[0].ID, 10)+":1")
	}
	env.install(t, lean)
	a := env.start(t, "A", instanceOptions{})

	path := "/storefront/v1/cart?shop=" + leanDomain + "&country=SE&items=" + url.QueryEscape(strings.Join(items, ","))
	before := env.fake.Calls()
	ans := a.answer(t, path)
	calls := env.fake.Calls() - before
	t.Logf("a cart of %d uncached products: %d Admin API call(s)", len(items), calls)
	if calls != 1 {
		t.Errorf("a cart of 50 uncached products made %d Admin API calls, want 1", calls)
	}
	if len(ans.Lines) != 50 {
		t.Fatalf("the cart answer has %d lines, want 50", len(ans.Lines))
	}
	for _, l := range ans.Lines {
		if l.Error != nil {
			t.Errorf("line of variant %d: error %v", l.VariantID, l.Error)
		}
	}
	// Asked again, the cart costs nothing.
	a.answer(t, path+"&locale=sv")
	if got := env.fake.Calls() - before; got != 1 {
		t.Errorf("the same cart again made %d more Admin API calls, want 0", got-1)
	}
}

// shopUpdateBody is a shop/update payload: the Shop resource, which names
// the shop in myshopify_domain (the server checks it against the header).
func shopUpdateBody(shop string) []byte {
	return []byte(`{"id":1,"myshopify_domain":"` + shop + `"}`)
}
