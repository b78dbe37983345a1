package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// value reads a counter.
func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var out dto.Metric
	if err := c.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.GetCounter().GetValue()
}

// eventIndex is the index of event in cacheEventNames.
func eventIndex(event string) int {
	for i, e := range cacheEventNames {
		if e == event {
			return i
		}
	}
	return -1
}

// TestCacheEvents: Metrics.CacheEvent, as cache.Options.OnEvent, counts the
// cache's events by tier.
func TestCacheEvents(t *testing.T) {
	t.Parallel()
	m := New()
	c := cache.New(cache.Options{OnEvent: m.CacheEvent, Logger: slog.New(slog.DiscardHandler)})
	defer c.Close()
	ctx := context.Background()
	load := func(context.Context) ([]byte, error) { return []byte("v"), nil }
	key := cache.Key("metrics-shop.myshopify.com", "product", "1")
	for range 3 {
		if _, _, err := c.Fetch(ctx, key, time.Minute, load); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		event string
		want  float64
	}{{cache.EventMiss, 1}, {cache.EventHit, 2}} {
		if got := value(t, m.cacheEvents[0][eventIndex(tc.event)]); got != tc.want {
			t.Errorf("L1 %s = %v, want %v", tc.event, got, tc.want)
		}
	}
}

// TestInstrumentShopify: InstrumentShopify counts Admin API requests by
// outcome and the GraphQL cost they spend.
func TestInstrumentShopify(t *testing.T) {
	t.Parallel()
	fake := shopifytest.NewServer()
	defer fake.Close()
	shop := "metrics-shop.myshopify.com"
	fake.AddShop(shop, "shpat_metrics", shopifytest.Shop{})
	fake.AddProduct(shop, shopifytest.Product{ID: 1, Handle: "one", Variants: []shopifytest.Variant{{ID: 11}}})
	m := New()
	opts := shopify.Options{Endpoint: fake.URL, Retry: shopify.RetryPolicy{MaxAttempts: 1}}
	m.InstrumentShopify(&opts)
	client, err := shopify.NewClient(shop, "shpat_metrics", opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Product(ctx, 1); err != nil {
		t.Fatal(err)
	}
	fake.FailNext(1, http.StatusServiceUnavailable)
	if _, err := client.Product(ctx, 1); err == nil {
		t.Fatal("Product succeeded through an injected 503")
	}
	graphql := m.shopifyRequests["graphql"]
	if got := value(t, graphql[0]); got != 1 {
		t.Errorf("Admin API 2xx = %v, want 1", got)
	}
	if got := value(t, graphql[3]); got != 1 {
		t.Errorf("Admin API 5xx = %v, want 1", got)
	}
	actual, requested := value(t, m.costActual), value(t, m.costRequested)
	if actual <= 0 {
		t.Errorf("actual query cost = %v, want > 0", actual)
	}
	if requested < actual {
		t.Errorf("requested cost %v < actual %v", requested, actual)
	}
}

// TestObserveRequest: requests count by their known route and status
// class; an unknown route counts as unmatched.
func TestObserveRequest(t *testing.T) {
	t.Parallel()
	m := New()
	m.KnowRoutes([]Route{{Method: http.MethodGet, Path: "/p/:id"}})
	m.ObserveRequest(http.MethodGet, "/p/:id", http.StatusOK, time.Millisecond)
	m.ObserveRequest(http.MethodGet, "", http.StatusNotFound, time.Millisecond)
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{
		`leadtime_http_requests_total{code="2xx",method="GET",route="/p/:id"} 1`,
		`leadtime_http_requests_total{code="4xx",method="other",route="unmatched"} 1`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("GET /metrics lacks %s", want)
		}
	}
}

// TestRateLimited counts refusals by the prefix of the limit's key.
func TestRateLimited(t *testing.T) {
	t.Parallel()
	m := New()
	m.RateLimited("ip|192.0.2.1")
	m.RateLimited("unknown|x") // no such limit: not counted, no panic
	if got := value(t, m.limited["ip"]); got != 1 {
		t.Errorf("storefront_ip = %v, want 1", got)
	}
}
