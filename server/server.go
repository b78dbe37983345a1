// Package server is Leadtime's HTTP surface: the app proxy, health, and the
// demo storefront, on gin. All routes are registered in one function,
// routes; handlers are makers that return a gin.HandlerFunc.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/metrics"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/shopifyapp"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/redis/go-redis/v9"
)

// Config is what a Server needs. The zero value of each optional field
// means its default.
type Config struct {
	Engine *promise.Engine
	// DefaultShop answers requests that carry no shop parameter (demo and
	// single-shop mode).
	DefaultShop string
	// Cache holds encoded answers until they expire; nil means a new
	// in-process cache.
	Cache answercache.Cache
	// Shared is the two-tier cache (in process, and Redis when configured)
	// whose generations retire answers on every instance when a shop's
	// products or settings change; nil means an in-process one.
	Shared *cache.Cache
	// Now is the clock; nil means time.Now. Tests inject a fixed instant.
	Now func() time.Time
	// Logger receives request and error logs; nil discards them (main
	// always gives one).
	Logger *slog.Logger
	// Demo is demo mode: the settings page asks for no session token and
	// says it is the demo. Its pages come with Routes.
	Demo bool
	// Assets are served at /assets/: the theme extension's client files.
	Assets fs.FS
	// Routes adds the routes of another package: the demo's pages
	// (demo.Routes), in demo mode only.
	Routes func(r gin.IRouter)
	// Limits are the rate limits; the zero value means DefaultLimits.
	Limits *Limits
	// TrustedPlatform names the header that carries the client IP behind
	// a platform's proxy (gin.PlatformFlyIO on fly.io); "" trusts none.
	TrustedPlatform string
	// APIKey and APISecret are the app's credentials (SHOPIFY_API_KEY,
	// SHOPIFY_API_SECRET). /checkout/v1 verifies session tokens with them;
	// without a secret it serves only DefaultShop in demo mode, unauthenticated.
	APIKey, APISecret string
	// App connects the server to Shopify (OAuth, webhooks, app-proxy
	// signatures, the Admin API); nil in demo mode.
	App *shopifyapp.App
	// Settings is where the settings page (/admin) reads and saves the
	// shops' settings when there is no App: the demo's store. nil means
	// App.Shops.
	Settings *shops.Registry
	// WallClock checks signatures and tokens; nil means time.Now. It is
	// apart from Now because a test may quote at any instant yet sign
	// requests now.
	WallClock func() time.Time
	// Ready reports whether the service's dependencies (the store, Redis)
	// answer, for /readyz; nil means always ready.
	Ready func(ctx context.Context) error
	// Metrics are served at /metrics; nil means new ones. Pass them when
	// Shared and App.Options are to be counted too (their OnEvent, OnCost).
	Metrics *metrics.Metrics
	// RateLimitRedis, when set, shares the rate limits between instances;
	// nil keeps them per instance. Its client should have
	// ContextTimeoutEnabled, so that a hung Redis costs at most
	// RateLimitRedisTimeout.
	RateLimitRedis redis.UniversalClient
	// RateLimitRedisTimeout bounds each rate-limit call to Redis; 0 means
	// ratelimit.DefaultRedisTimeout (50 ms).
	RateLimitRedisTimeout time.Duration
	// FeedTokens keeps the Merchant Center feed tokens; nil means the
	// settings store, when it keeps them (store.Bolt and store.Redis do).
	FeedTokens FeedTokens
	// TrustedProxies are the peers whose TrustedPlatform header is
	// believed; nil means private and loopback addresses (README,
	// "Security"). X-Forwarded-For is believed from no one.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	// Without it /metrics answers 404 unless PublicMetrics.
	MetricsToken string
	// PublicMetrics serves /metrics to anyone when there is no
	// MetricsToken: the demo, which listens on loopback, and tests.
	PublicMetrics bool
}

// Server serves Leadtime's routes.
type Server struct {
	engine      *promise.Engine
	defaultShop string
	cache       answercache.Cache
	shared      *cache.Cache
	now         func() time.Time
	log         *slog.Logger
	demo        bool
	assets      fs.FS
	routes      func(r gin.IRouter) // Config.Routes
	limitIP     *ratelimit.Limiter
	limitShop   *ratelimit.Limiter
	limitProxy  *ratelimit.Limiter
	limitBuyer  *ratelimit.Limiter // per buyer IP on /proxy
	platform    string
	handler     http.Handler
	apiKey      string // SHOPIFY_API_KEY: the aud of session tokens
	apiSecret   string // SHOPIFY_API_SECRET: signs session tokens; "" in demo mode
	app         *shopifyapp.App
	settings    *shops.Registry // the settings page's store; nil means app.Shops
	wallClock   func() time.Time
	ready       func(ctx context.Context) error
	metrics     *metrics.Metrics
	feeds       feedCache  // the Merchant Center feeds, built in the background (handle_feed.go)
	feedTokens  FeedTokens // Config.FeedTokens
	// trustedProxies, metricsToken and publicMetrics: see Config.
	trustedProxies []netip.Prefix
	metricsToken   string
	publicMetrics  bool
}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	s := &Server{
		engine: cfg.Engine, defaultShop: cfg.DefaultShop, cache: cfg.Cache,
		now: cfg.Now, log: cfg.Logger, demo: cfg.Demo, assets: cfg.Assets,
		routes: cfg.Routes,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = discardLog
	}
	if s.metrics = cfg.Metrics; s.metrics == nil {
		s.metrics = metrics.New()
	}
	limits := DefaultLimits
	if cfg.Limits != nil {
		limits = *cfg.Limits
	}
	rl := ratelimit.NewShared(cfg.RateLimitRedis, ratelimit.SharedOptions{OnError: s.metrics.RateLimitFallback, Timeout: cfg.RateLimitRedisTimeout})
	s.limitIP, s.limitShop = ratelimit.New(limits.StorefrontPerIP, rl), ratelimit.New(limits.StorefrontPerShop, rl)
	s.limitProxy, s.platform = ratelimit.New(limits.ProxyPerShop, rl), cfg.TrustedPlatform
	s.limitBuyer = ratelimit.New(limits.ProxyPerIP, rl)
	s.apiKey, s.apiSecret = cfg.APIKey, cfg.APISecret
	s.app, s.wallClock, s.ready = cfg.App, cfg.WallClock, cfg.Ready
	s.settings = cfg.Settings
	s.feedTokens = cfg.FeedTokens
	s.trustedProxies, s.metricsToken, s.publicMetrics = cfg.TrustedProxies, cfg.MetricsToken, cfg.PublicMetrics
	if s.wallClock == nil {
		s.wallClock = time.Now
	}
	if s.shared = cfg.Shared; s.shared == nil {
		s.shared = cache.New(cache.Options{Logger: s.log, OnEvent: s.metrics.CacheEvent})
	}
	if s.cache == nil {
		s.cache = answercache.NewMemory(100_000)
	}
	s.cache = s.metrics.CountAnswers(s.cache)
	r := s.router()
	knowRoutes(s.metrics, r.Routes())
	s.handler = r
	return s
}

// Handler returns the HTTP handler of every route.
func (s *Server) Handler() http.Handler { return s.handler }

// routes registers every route of the service, in one place.
func (s *Server) router() *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// No redirects: behind Shopify's proxy a redirect's Location would point
	// at a page of the shop that does not exist. An unknown path is a 404.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	_ = r.SetTrustedProxies(nil) // X-Forwarded-For is trusted from no one; s.clientIP reads the platform's header
	r.ContextWithFallback = true
	r.Use(metricsMiddleware(s.metrics), s.recoverer(), s.logRequests(), securityHeaders(), limitQuery(), limitHeaders(), s.resolveClientIP())
	r.NoRoute(func(c *gin.Context) { WriteError(c, fmt.Errorf("%s: %w", c.Request.URL.Path, ErrNotFound)) })
	r.NoMethod(func(c *gin.Context) {
		WriteError(c, fmt.Errorf("%s %s: %w", c.Request.Method, c.Request.URL.Path, ErrMethodNotAllowed))
	})

	// Load balancers and uptime checks probe with HEAD as often as GET.
	for _, probe := range []func(string, ...gin.HandlerFunc) gin.IRoutes{r.GET, r.HEAD} {
		probe("/healthz", s.handleHealthz())
		probe("/readyz", s.handleReadyz())
	}
	r.GET("/metrics", s.metricsAuth(), metricsHandler(s.metrics))

	// Installing the app (OAuth) and Shopify's webhooks.
	r.GET("/auth", s.handleAuth())
	r.GET("/auth/callback", s.handleAuthCallback())
	r.POST("/webhooks", s.handleWebhook())

	proxy := r.Group("/proxy", s.verifyProxy(), s.rateLimit(s.limitBuyer, s.proxyBuyerKey), s.rateLimit(s.limitProxy, proxyShopKey), shopperTraffic())
	proxy.GET("", s.handleShippingPage())
	proxy.GET("/", s.handleShippingPage())
	proxy.GET("/product", s.handleProduct())
	proxy.GET("/cart", s.handleCartGet())
	proxy.POST("/cart", s.handleCartPost())

	// The storefront API answers exactly as the proxy does, for headless shops.
	storefront := r.Group("/storefront/v1",
		s.rateLimit(s.limitIP, storefrontIP), s.storefrontShop(), s.rateLimit(s.limitShop, storefrontShopKey), shopperTraffic())
	storefront.GET("/product", s.handleProduct())
	storefront.GET("/cart", s.handleCartGet())
	storefront.POST("/cart", s.handleCartPost())
	storefront.OPTIONS("/product", s.handleStorefrontPreflight())
	storefront.OPTIONS("/cart", s.handleStorefrontPreflight())

	// The checkout UI extension's API: a session token instead of the proxy's signature.
	checkout := r.Group("/checkout/v1", checkoutCORS(), s.rateLimit(s.limitIP, checkoutIP), shopperTraffic())
	checkout.POST("/cart", s.handleCheckoutCart())
	checkout.OPTIONS("/cart", handleCheckoutPreflight())

	// The settings page and its API: a session token whenever
	// SHOPIFY_API_SECRET is set; none in demo mode.
	r.GET("/admin", s.handleAdminPage())
	r.GET("/admin/static/:file", s.handleAdminAsset())
	admin := r.Group("/admin/api", s.adminAuth())
	admin.GET("/settings", s.handleAdminSettings())
	admin.PUT("/settings", s.handleAdminSave())
	admin.GET("/settings/history", s.handleAdminHistory())
	admin.POST("/settings/restore", s.handleAdminRestore())
	admin.POST("/preview", s.handleAdminPreview())
	admin.GET("/holidays", s.handleAdminHolidays())
	admin.GET("/checkout-function", s.handleAdminFunction())
	admin.POST("/import", s.handleAdminImport())
	admin.GET("/feed-token", s.handleAdminFeedToken())
	admin.POST("/feed-token", s.handleAdminFeedTokenRotate())

	// The Merchant Center supplemental feed: the token in the path is the secret.
	r.GET("/feeds/google/:token/:file", s.handleFeed())
	r.HEAD("/feeds/google/:token/:file", s.handleFeed())

	admin.GET("/health", s.handleAdminHealth())
	admin.POST("/health/backfill", s.handleAdminBackfill())
	admin.POST("/health/at-risk/tag", s.handleAdminTagAtRisk())

	if s.assets != nil {
		r.GET("/assets/:file", s.handleAsset())
	}
	r.GET("/snippets/:name", s.handleSnippet()) // the Liquid snippets merchants paste, as text
	if s.routes != nil {
		s.routes(r) // the demo's pages, in demo mode (package demo)
	}
	return r
}

// Run serves on ln until ctx is done, then stops accepting and drains
// in-flight requests for up to drain before returning.
func (s *Server) Run(ctx context.Context, ln net.Listener, drain time.Duration) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    MaxHeaderReadBytes, // limitHeaders refuses past MaxHeaderBytes, in JSON
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: draining in-flight requests", "grace", drain)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// handleReadyz handles "GET /readyz": the store and, when configured,
// Redis answer. The storefront keeps answering while they do not; this
// tells the operator.
func (s *Server) handleReadyz() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if s.ready != nil {
			if err := s.ready(ctx); err != nil {
				// The cause names addresses and dial errors: the log only.
				s.log.WarnContext(ctx, "not ready", "err", err)
				c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "error": promise.ErrorBody{Code: "not_ready", Message: "not ready"}})
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}

// handleHealthz handles "GET /healthz": the process is alive.
func (s *Server) handleHealthz() gin.HandlerFunc {
	body := []byte(`{"status":"ok"}` + "\n")
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	}
}
