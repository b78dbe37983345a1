package main

// README "Running several instances", as tests: two `leadtime serve`
// processes' wiring (run(), the environment) sharing one redis-server.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/redistest"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// The shop and credentials of these tests.
const (
	redisShop      = "redis-knits.myshopify.com"
	redisToken     = "shpat_redis_token"
	redisAPIKey    = "redis-api-key"
	redisAPISecret = "shpss_redis_secret"
)

// redisFake is a fake Shopify whose shop's product 1001 says max days.
func redisFake(t *testing.T) *shopifytest.Server {
	t.Helper()
	fake := shopifytest.NewServer()
	t.Cleanup(fake.Close)
	fake.SetApp(redisAPIKey, redisAPISecret)
	fake.AddShop(redisShop, redisToken, shopifytest.Shop{Timezone: "Europe/Stockholm", Country: "SE", ProcessingTime: "P2D"})
	setMaxDays(fake, 8)
	return fake
}

func setMaxDays(fake *shopifytest.Server, max int) {
	fake.UpdateProduct(redisShop, shopifytest.Product{ID: 1001, Handle: "wool-sweater", Title: "Wool sweater",
		Metafields: map[string]string{"leadtime.processing_min_days": "5", "leadtime.processing_max_days": strconv.Itoa(max)},
		Variants:   []shopifytest.Variant{{ID: 2001, Title: "M"}}})
}

// maxDays GETs a product answer and returns its status and max_days.
func maxDays(t *testing.T, target string) (int, int, string) {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var a struct {
		Processing struct {
			MaxDays int `json:"max_days"`
		} `json:"processing"`
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatalf("GET %s: %v\n%s", target, err, body)
		}
	}
	return resp.StatusCode, a.Processing.MaxDays, string(body)
}

func TestLimitsFromEnv(t *testing.T) {
	t.Parallel()
	got, err := limitsFromEnv(envOf(map[string]string{"LEADTIME_RATE_STOREFRONT_IP": "5/s,10", "LEADTIME_RATE_PROXY_SHOP": "600/m", "LEADTIME_RATE_SHOPPER_LOADS": "3/s,30", "LEADTIME_RATE_PROXY_IP": "off"}))
	if err != nil {
		t.Fatal(err)
	}
	want := server.Limits{
		StorefrontPerIP:   ratelimit.Rate{PerSecond: 5, Burst: 10},
		StorefrontPerShop: server.DefaultLimits.StorefrontPerShop,
		ProxyPerShop:      ratelimit.Rate{PerSecond: 10, Burst: 10},
		ShopperLoads:      ratelimit.Rate{PerSecond: 3, Burst: 30},
	}
	if *got != want {
		t.Errorf("limitsFromEnv = %+v, want %+v", *got, want)
	}
	if got, _ := limitsFromEnv(envOf(nil)); *got != server.DefaultLimits {
		t.Errorf("limitsFromEnv with nothing set = %+v, want the defaults", *got)
	}
	if _, err := limitsFromEnv(envOf(map[string]string{"LEADTIME_RATE_STOREFRONT_SHOP": "lots"})); err == nil || !strings.Contains(err.Error(), "LEADTIME_RATE_STOREFRONT_SHOP") {
		t.Errorf("limitsFromEnv with a bad rate: %v, want an error naming the variable", err)
	}
}

// TestServeTwoInstancesOneRedis runs two single-shop servers with one
// REDIS_URL: a product one loads is read from Redis by the other, a
// webhook on one reaches the other, rate limits are shared, /metrics
// counts all of it, and while Redis is down /readyz says 503 as the
// storefront keeps answering.
func TestServeTwoInstancesOneRedis(t *testing.T) {
	fake := redisFake(t)
	rs := redistest.Start(t, redistest.AOF())
	env := map[string]string{
		"PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "error", "REDIS_URL": rs.URL(),
		// Generous: on a loaded machine a Redis call past the default bound
		// would make B ask Shopify, or an instance's own bucket decide.
		"REDIS_TIMEOUT": "10s",
		"SHOPIFY_SHOP":  redisShop, "SHOPIFY_ACCESS_TOKEN": redisToken,
		"SHOPIFY_API_KEY": redisAPIKey, "SHOPIFY_API_SECRET": redisAPISecret,
		"LEADTIME_SHOPIFY_ENDPOINT":   fake.URL,
		"LEADTIME_RATE_STOREFRONT_IP": "0.01/s,4",
		"METRICS_TOKEN":               redisMetricsToken,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, _, doneA := startServe(t, ctx, nil, env)
	b, _, doneB := startServe(t, ctx, nil, env)
	defer func() {
		cancel()
		<-doneA
		<-doneB
	}()
	product := func(base string) string {
		return base + "proxy/product?" + shopifytest.ProxyQuery(redisShop, redisAPISecret, url.Values{"product_id": {"1001"}}, time.Now())
	}

	// A loads the product from Shopify; B reads it from Redis.
	if status, days, body := maxDays(t, product(a)); status != http.StatusOK || days != 8 {
		t.Fatalf("A: %d %s, want 200 with 8 days", status, body)
	}
	// Product loads only: each instance's checkout-function refresh runs in
	// the background at start and reads the catalog whenever it gets to it.
	productLoads := func() int {
		return fake.OperationCalls("LeadtimeProduct", "LeadtimeProductLean", "LeadtimeProductByHandle", "LeadtimeProductByHandleLean",
			"LeadtimeVariantProducts", "LeadtimeVariantProductsLean", "LeadtimeProductVariants")
	}
	calls := productLoads()
	if status, days, body := maxDays(t, product(b)); status != http.StatusOK || days != 8 {
		t.Fatalf("B: %d %s, want 200 with 8 days", status, body)
	}
	if got := productLoads() - calls; got != 0 {
		t.Errorf("B made %d Admin API calls for the product A had loaded, want 0: it reads Redis", got)
	}

	// A products/update webhook on A reaches B.
	setMaxDays(fake, 12)
	redisWebhook(t, a, "products/update", []byte(`{"id":1001,"handle":"wool-sweater","variants":[{"id":2001}]}`))
	start := time.Now()
	for {
		_, days, _ := maxDays(t, product(b))
		if days == 12 {
			break
		}
		if time.Since(start) > 30*time.Second { // a deadline for a hang, not a speed test
			t.Fatalf("B still answers %d days 30 s after the webhook on A", days)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("a webhook on A reached B in %v", time.Since(start))

	// LEADTIME_RATE_STOREFRONT_IP=0.01/s,4 is one bucket for both.
	ok := 0
	for i := range 8 {
		resp, err := http.Get([]string{a, b}[i%2] + "storefront/v1/product?shop=" + redisShop + "&product_id=1001")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			ok++
		} else if resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("storefront request = %d, want 200 or 429", resp.StatusCode)
		}
	}
	if ok != 4 {
		t.Errorf("8 storefront requests over two instances: %d allowed, want the shared burst of 4", ok)
	}

	metrics := redisGetMetrics(t, a+"metrics")
	for _, want := range []string{
		`leadtime_shopify_requests_total{api="graphql",code="2xx"}`,
		`leadtime_cache_events_total{event="miss",tier="l2"}`,
		`leadtime_http_requests_total{code="2xx",method="POST",route="/webhooks"} 1`,
		`leadtime_rate_limited_total{limit="storefront_ip"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("A's /metrics has no %s", want)
		}
	}
	if strings.Contains(metrics, `leadtime_shopify_requests_total{api="graphql",code="2xx"} 0`) {
		t.Error("A's /metrics counts no Admin API call")
	}

	// Redis down: not ready, still serving.
	rs.Kill()
	for _, base := range []string{a, b} {
		if code := redisStatus(t, base+"readyz"); code != http.StatusServiceUnavailable {
			t.Errorf("%sreadyz = %d with Redis down, want 503", base, code)
		}
		if code, _, body := maxDays(t, product(base)); code != http.StatusOK {
			t.Errorf("%sproxy/product = %d with Redis down, want 200: %s", base, code, body)
		}
	}
	rs.Restart()
	for _, base := range []string{a, b} {
		deadline := time.Now().Add(5 * time.Second)
		for redisStatus(t, base+"readyz") != http.StatusOK {
			if time.Now().After(deadline) {
				t.Fatalf("%sreadyz is not 200 5 s after Redis came back", base)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func redisWebhook(t *testing.T, base, topic string, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"webhooks", bytes.NewReader(body))
	req.Header.Set("X-Shopify-Hmac-Sha256", shopify.SignWebhook(body, redisAPISecret))
	req.Header.Set("X-Shopify-Topic", topic)
	req.Header.Set("X-Shopify-Shop-Domain", redisShop)
	req.Header.Set("X-Shopify-Webhook-Id", "serve-redis-"+strconv.FormatInt(time.Now().UnixNano(), 10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("webhook %s = %d: %s", topic, resp.StatusCode, b)
	}
}

func redisGet(t *testing.T, target string) string {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", target, resp.StatusCode, b)
	}
	return string(b)
}

func redisStatus(t *testing.T, target string) int {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(fmt.Errorf("GET %s: %w", target, err))
	}
	resp.Body.Close()
	return resp.StatusCode
}

// redisMetricsToken is the METRICS_TOKEN of TestServeTwoInstancesOneRedis.
const redisMetricsToken = "metrics-token-for-the-redis-test"

// redisGetMetrics scrapes /metrics with the bearer token.
func redisGetMetrics(t *testing.T, target string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+redisMetricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", target, resp.StatusCode, b)
	}
	return string(b)
}
