// Package metrics holds the service's Prometheus registry and metrics: HTTP
// requests by route, the product-facts and answer caches, the Admin API's
// requests and cost, and the rate limits. It knows nothing of HTTP
// routers: package server feeds it the routes and each request's outcome.
package metrics

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/shopify"
)

// Metrics are the service's Prometheus metrics, served at GET /metrics
// (DESIGN §4). They live in a registry of their own, not the global
// default, so that one process (a test) can run many servers.
//
// Every label value comes from a fixed set — the routes as registered,
// status classes, cache tiers — never from a request, so the number of
// series stays bounded whatever clients send. The children of every label
// set are made up front: counting a request is a map lookup and a few
// atomic adds, with no allocation.
//
// The zero value is not usable; create Metrics with New. Its
// methods are safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// routes maps each registered route to its children; it is replaced,
	// never changed, when routes are added (copy on write).
	routes    atomic.Pointer[map[routeKey]*routeMetrics]
	routesMu  sync.Mutex
	unmatched *routeMetrics

	cacheEvents [2][len(cacheEventNames)]prometheus.Counter // tier × event
	answerHits  prometheus.Counter
	answerMiss  prometheus.Counter

	shopifyRequests map[string]*[len(upstreamOutcomes)]prometheus.Counter // by api
	costRequested   prometheus.Counter
	costActual      prometheus.Counter

	limited        map[string]prometheus.Counter // by the prefix of a rate-limit key
	limitFallbacks prometheus.Counter
}

// routeKey names a registered route: its method and gin's FullPath (the
// pattern, never the raw path).
type routeKey struct{ method, path string }

// routeMetrics are the children of one route, by status class (1xx … 5xx).
type routeMetrics struct {
	count   [5]prometheus.Counter
	latency [5]prometheus.Observer
}

var (
	statusClasses   = [5]string{"1xx", "2xx", "3xx", "4xx", "5xx"}
	cacheEventNames = [...]string{cache.EventHit, cache.EventMiss, cache.EventStale, cache.EventError, cache.EventNegative}
	// upstreamOutcomes are the status classes of Admin API answers, and
	// "error" for requests that got none (refused, reset, timed out).
	upstreamOutcomes = [...]string{"2xx", "3xx", "4xx", "5xx", "error"}
	// rateLimitNames label the limits by the prefix of their keys
	// (package server's storefrontIP, storefrontShopKey, proxyShopKey and
	// checkoutIP).
	rateLimitNames = map[string]string{"ip": "storefront_ip", "shop": "storefront_shop", "proxy": "proxy_shop", "checkout": "checkout_ip"}
)

// latencyBuckets span a cached answer (tens of µs) to an Admin API call
// that is retried (seconds); Prometheus's defaults start at 5 ms.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// New returns the metrics of one server, with Go runtime and process
// metrics (RSS among them) in the same registry.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{reg: reg}

	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadtime_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern and status class.",
	}, []string{"method", "route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "leadtime_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by method, route pattern and status class.",
		Buckets: latencyBuckets,
	}, []string{"method", "route", "code"})
	m.unmatched = m.newRoute("other", "unmatched")
	empty := map[routeKey]*routeMetrics{}
	m.routes.Store(&empty)

	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadtime_cache_events_total",
		Help: "Product-facts cache lookups by tier (l1: in process, l2: Redis) and outcome: hit, miss, stale (served after a failed reload), error (Redis failed or skipped), negative (a cached not-found).",
	}, []string{"tier", "event"})
	for t, tier := range []string{cache.TierL1, cache.TierL2} {
		for e, ev := range cacheEventNames {
			m.cacheEvents[t][e] = events.WithLabelValues(tier, ev)
		}
	}
	answers := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadtime_answer_cache_total",
		Help: "Lookups in the in-process cache of encoded answers, by result.",
	}, []string{"result"})
	m.answerHits, m.answerMiss = answers.WithLabelValues("hit"), answers.WithLabelValues("miss")

	upstream := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadtime_shopify_requests_total",
		Help: "Requests sent to Shopify (api: graphql for the Admin API, oauth for token grants), by status class, or error when no answer came.",
	}, []string{"api", "code"})
	m.shopifyRequests = map[string]*[len(upstreamOutcomes)]prometheus.Counter{}
	for _, api := range []string{"graphql", "oauth"} {
		var cs [len(upstreamOutcomes)]prometheus.Counter
		for i, o := range upstreamOutcomes {
			cs[i] = upstream.WithLabelValues(api, o)
		}
		m.shopifyRequests[api] = &cs
	}
	cost := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadtime_shopify_query_cost_total",
		Help: "GraphQL cost points of Admin API queries: requested (estimated before running) and actual (charged).",
	}, []string{"kind"})
	m.costRequested, m.costActual = cost.WithLabelValues("requested"), cost.WithLabelValues("actual")

	limited := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadtime_rate_limited_total",
		Help: "Requests refused with 429, by limit.",
	}, []string{"limit"})
	m.limited = map[string]prometheus.Counter{}
	for prefix, name := range rateLimitNames {
		m.limited[prefix] = limited.WithLabelValues(name)
	}
	m.limitFallbacks = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "leadtime_rate_limit_redis_errors_total",
		Help: "Rate-limit decisions taken by this instance alone because Redis failed or was being skipped.",
	})

	reg.MustRegister(m.requests, m.latency, events, answers, upstream, cost, limited, m.limitFallbacks)
	return m
}

func (m *Metrics) newRoute(method, path string) *routeMetrics {
	rm := &routeMetrics{}
	for i, class := range statusClasses {
		rm.count[i] = m.requests.WithLabelValues(method, path, class)
		rm.latency[i] = m.latency.WithLabelValues(method, path, class)
	}
	return rm
}

// Route is a registered route: its method and its pattern (never a raw
// path).
type Route struct{ Method, Path string }

// KnowRoutes makes the children of routes, so that requests find them.
func (m *Metrics) KnowRoutes(routes []Route) {
	m.routesMu.Lock()
	defer m.routesMu.Unlock()
	old := *m.routes.Load()
	next := make(map[routeKey]*routeMetrics, len(old)+len(routes))
	for k, v := range old {
		next[k] = v
	}
	for _, r := range routes {
		k := routeKey{r.Method, r.Path}
		if next[k] == nil {
			next[k] = m.newRoute(r.Method, r.Path)
		}
	}
	m.routes.Store(&next)
}

// ObserveRequest counts and times one answered request by its route
// pattern (as given to KnowRoutes; any other, "" included, counts as
// unmatched) and status.
func (m *Metrics) ObserveRequest(method, route string, status int, took time.Duration) {
	rm := (*m.routes.Load())[routeKey{method, route}]
	if rm == nil {
		rm = m.unmatched // 404s, 405s: one series, whatever the path
	}
	class := min(max(status/100, 1), 5) - 1
	rm.count[class].Inc()
	rm.latency[class].Observe(took.Seconds())
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// CacheEvent counts one event of the product-facts cache; it is
// cache.Options.OnEvent.
func (m *Metrics) CacheEvent(tier, event string) {
	t := 0
	if tier == cache.TierL2 {
		t = 1
	}
	for i, e := range cacheEventNames {
		if e == event {
			m.cacheEvents[t][i].Inc()
			return
		}
	}
}

// InstrumentShopify makes the clients built with o count their requests
// and the GraphQL cost they spend. Call it before the options are used.
func (m *Metrics) InstrumentShopify(o *shopify.Options) {
	next := o.OnCost
	o.OnCost = func(requested, actual, available float64) {
		m.costRequested.Add(requested)
		m.costActual.Add(actual)
		if next != nil {
			next(requested, actual, available)
		}
	}
	hc := http.Client{Timeout: 30 * time.Second} // package shopify's default
	if o.HTTPClient != nil {
		hc = *o.HTTPClient
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &countingTransport{base: base, m: m}
	o.HTTPClient = &hc
}

// countingTransport counts requests to Shopify by API and outcome.
type countingTransport struct {
	base http.RoundTripper
	m    *Metrics
}

// RoundTrip sends req with the base transport and counts its outcome.
func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	api := "oauth"
	if strings.HasSuffix(req.URL.Path, "/graphql.json") {
		api = "graphql"
	}
	outcome := len(upstreamOutcomes) - 1 // error
	if err == nil {
		outcome = min(max(resp.StatusCode/100, 2), 5) - 2
	}
	t.m.shopifyRequests[api][outcome].Inc()
	return resp, err
}

// RateLimited counts a request refused by the limit whose key is key.
func (m *Metrics) RateLimited(key string) {
	prefix, _, _ := strings.Cut(key, "|")
	if c := m.limited[prefix]; c != nil {
		c.Inc()
	}
}

// RateLimitFallback counts a rate-limit decision taken without Redis.
func (m *Metrics) RateLimitFallback() { m.limitFallbacks.Inc() }

// CountAnswers wraps an answer cache so that its lookups are counted.
func (m *Metrics) CountAnswers(ac answercache.Cache) answercache.Cache {
	return &countedAnswers{Cache: ac, hit: m.answerHits, miss: m.answerMiss}
}

type countedAnswers struct {
	answercache.Cache
	hit, miss prometheus.Counter
}

// Get looks key up and counts a hit or a miss.
func (c *countedAnswers) Get(key string, now time.Time) (*answercache.Answer, bool) {
	a, ok := c.Cache.Get(key, now)
	if ok {
		c.hit.Inc()
	} else {
		c.miss.Inc()
	}
	return a, ok
}
