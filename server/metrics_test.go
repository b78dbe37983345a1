package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/metrics"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/server"
)

// metricsServer is a demo-shop server with its own metrics and limits
// (nil: none).
func metricsServer(t testing.TB, m *metrics.Metrics, limits *server.Limits) http.Handler {
	t.Helper()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	if limits == nil {
		limits = &server.Limits{}
	}
	return server.New(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(),
		Now:         func() time.Time { return saturdayMorning },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits:      limits,
		Metrics:     m, PublicMetrics: true,
	}).Handler()
}

func serve(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

func scrape(t testing.TB, h http.Handler) []byte {
	t.Helper()
	w := serve(h, http.MethodGet, "/metrics")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("GET /metrics: Content-Type %q, want Prometheus's text format", ct)
	}
	return w.Body.Bytes()
}

// TestMetricsRequests: requests are counted and timed by route pattern and
// status class, never by raw path; unknown paths share one series.
func TestMetricsRequests(t *testing.T) {
	t.Parallel()
	h := metricsServer(t, nil, nil)
	for range 2 {
		if w := serve(h, http.MethodGet, "/proxy/product?handle=wool-sweater&country=SE"); w.Code != http.StatusOK {
			t.Fatalf("GET /proxy/product = %d: %s", w.Code, w.Body)
		}
	}
	serve(h, http.MethodGet, "/proxy/product?handle=no-such-product")
	serve(h, http.MethodGet, "/nope/12345")
	serve(h, http.MethodDelete, "/healthz")
	serve(h, http.MethodGet, "/healthz")
	body := scrape(t, h)

	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"leadtime_http_requests_total", []string{"method=GET", "route=/proxy/product", "code=2xx"}, 2},
		{"leadtime_http_requests_total", []string{"method=GET", "route=/proxy/product", "code=4xx"}, 1},
		{"leadtime_http_request_duration_seconds_count", []string{"method=GET", "route=/proxy/product", "code=2xx"}, 2},
		{"leadtime_http_requests_total", []string{"method=GET", "route=/healthz", "code=2xx"}, 1},
		{"leadtime_http_requests_total", []string{"method=GET", "route=/healthz", "code=5xx"}, 0},
		{"leadtime_http_requests_total", []string{"method=other", "route=unmatched", "code=4xx"}, 2}, // the 404 and the 405
		{"leadtime_answer_cache_total", []string{"result=miss"}, 2},                                  // the first answer, the unknown product
		{"leadtime_answer_cache_total", []string{"result=hit"}, 1},
	} {
		if got := metricValue(t, body, tc.name, tc.labels...); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if strings.Contains(string(body), "12345") || strings.Contains(string(body), "wool-sweater") {
		t.Error("/metrics mentions a raw path or query: label values must come from route patterns only")
	}
	// Made up front: a route that was never asked for has its series.
	if !strings.Contains(string(body), `leadtime_http_requests_total{code="2xx",method="POST",route="/storefront/v1/cart"} 0`) {
		t.Error("the series of POST /storefront/v1/cart is not made up front")
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "leadtime_cache_events_total", "leadtime_shopify_requests_total", "leadtime_rate_limited_total"} {
		if !strings.Contains(string(body), "\n"+name) {
			t.Errorf("/metrics has no %s", name)
		}
	}
}

// TestMetricsRegistryPerServer: each server has its own registry, so that
// one process runs many (the global one would panic on the second).
func TestMetricsRegistryPerServer(t *testing.T) {
	t.Parallel()
	a, b := metricsServer(t, nil, nil), metricsServer(t, nil, nil)
	serve(a, http.MethodGet, "/healthz")
	if got := metricValue(t, scrape(t, b), "leadtime_http_requests_total", "route=/healthz", "code=2xx"); got != 0 {
		t.Errorf("server B counted %v requests to /healthz that A received", got)
	}
}

// TestMetricsRateLimited counts 429s by limit.
func TestMetricsRateLimited(t *testing.T) {
	t.Parallel()
	h := metricsServer(t, nil, &server.Limits{StorefrontPerIP: ratelimit.Rate{PerSecond: 0.001, Burst: 1}})
	target := "/storefront/v1/product?shop=" + demoDomain + "&handle=wool-sweater"
	if w := serve(h, http.MethodGet, target); w.Code != http.StatusOK {
		t.Fatalf("first request = %d: %s", w.Code, w.Body)
	}
	if w := serve(h, http.MethodGet, target); w.Code != http.StatusTooManyRequests {
		t.Fatalf("second request = %d, want 429", w.Code)
	}
	body := scrape(t, h)
	if got := metricValue(t, body, "leadtime_rate_limited_total", "limit=storefront_ip"); got != 1 {
		t.Errorf("rate-limited storefront_ip = %v, want 1", got)
	}
	if got := metricValue(t, body, "leadtime_http_requests_total", "route=/storefront/v1/product", "code=4xx"); got != 1 {
		t.Errorf("4xx on /storefront/v1/product = %v, want 1", got)
	}
}

// BenchmarkCachedProductRoute is the hot path of DESIGN §8, metrics
// included: a cached /proxy/product, against /healthz on the same server.
// Run: go test -run '^$' -bench Route -benchmem ./server/
func BenchmarkCachedProductRoute(b *testing.B) {
	for _, bc := range []struct{ name, target string }{
		{"healthz", "/healthz"},
		{"product", "/proxy/product?handle=wool-sweater&shop=" + demoDomain},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := metricsServer(b, nil, nil)
			req := httptest.NewRequest(http.MethodGet, bc.target, nil)
			if w := serve(h, http.MethodGet, bc.target); w.Code != http.StatusOK {
				b.Fatalf("GET %s = %d", bc.target, w.Code)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					h.ServeHTTP(w, req)
				}
			})
		})
	}
}

// BenchmarkMetricsMiddleware is what counting and timing a request adds
// to a bare gin route.
func BenchmarkMetricsMiddleware(b *testing.B) {
	for _, withMetrics := range []bool{false, true} {
		b.Run(map[bool]string{false: "bare", true: "metrics"}[withMetrics], func(b *testing.B) {
			m := metrics.New()
			h := server.MetricsTestEngine(m, withMetrics)
			req := httptest.NewRequest(http.MethodGet, "/p/1", nil)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: http.Header{}}
				for pb.Next() {
					h.ServeHTTP(w, req)
				}
			})
		})
	}
}

// discardWriter is an http.ResponseWriter that keeps nothing, so that a
// benchmark measures the handler, not a recorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}
