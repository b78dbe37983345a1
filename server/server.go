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
	"time"

	"github.com/gin-gonic/gin"
)

// Config is what a Server needs. The zero value of each optional field
// means its default.
type Config struct {
	Engine *Engine
	// DefaultShop answers requests that carry no shop parameter (demo and
	// single-shop mode).
	DefaultShop string
	// Cache holds encoded answers until they expire; nil means a new
	// in-process cache.
	Cache AnswerCache
	// Now is the clock; nil means time.Now. Tests inject a fixed instant.
	Now func() time.Time
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
	// Demo turns on the demo pages (/, /headless).
	Demo bool
	// Assets are served at /assets/: the theme extension's client files.
	Assets fs.FS
	// Limits are the rate limits; the zero value means DefaultLimits.
	Limits *Limits
	// TrustedPlatform names the header that carries the client IP behind
	// a platform's proxy (gin.PlatformFlyIO on fly.io); "" trusts none.
	TrustedPlatform string
}

// Server serves Leadtime's routes.
type Server struct {
	engine      *Engine
	defaultShop string
	cache       AnswerCache
	now         func() time.Time
	log         *slog.Logger
	demo        bool
	assets      fs.FS
	limitIP     *limiter
	limitShop   *limiter
	limitProxy  *limiter
	platform    string
	handler     http.Handler
	demoCarts   *demoCarts // the demo's fake of Shopify's AJAX cart API
}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	s := &Server{
		engine: cfg.Engine, defaultShop: cfg.DefaultShop, cache: cfg.Cache,
		now: cfg.Now, log: cfg.Logger, demo: cfg.Demo, assets: cfg.Assets,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	limits := DefaultLimits
	if cfg.Limits != nil {
		limits = *cfg.Limits
	}
	s.limitIP, s.limitShop = newLimiter(limits.StorefrontPerIP), newLimiter(limits.StorefrontPerShop)
	s.limitProxy, s.platform = newLimiter(limits.ProxyPerShop), cfg.TrustedPlatform
	if s.cache == nil {
		s.cache = NewMemoryCache(100_000)
	}
	s.handler = s.routes()
	return s
}

// Handler returns the HTTP handler of every route.
func (s *Server) Handler() http.Handler { return s.handler }

// routes registers every route of the service, in one place.
func (s *Server) routes() *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// No redirects: behind Shopify's proxy a redirect's Location would point
	// at a page of the shop that does not exist. An unknown path is a 404.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.TrustedPlatform = s.platform
	_ = r.SetTrustedProxies(nil) // X-Forwarded-For is trusted from no one
	r.ContextWithFallback = true
	r.Use(s.recoverer(), s.logRequests(), limitQuery())
	r.NoRoute(func(c *gin.Context) { writeError(c, fmt.Errorf("%s: %w", c.Request.URL.Path, ErrNotFound)) })
	r.NoMethod(func(c *gin.Context) {
		writeError(c, fmt.Errorf("%s %s: %w", c.Request.Method, c.Request.URL.Path, ErrMethodNotAllowed))
	})

	r.GET("/healthz", s.handleHealthz())

	proxy := r.Group("/proxy", s.rateLimit(s.limitProxy, proxyShopKey))
	proxy.GET("", s.handleShippingPage())
	proxy.GET("/", s.handleShippingPage())
	proxy.GET("/product", s.handleProduct())
	proxy.GET("/cart", s.handleCartGet())
	proxy.POST("/cart", s.handleCartPost())

	// The storefront API answers exactly as the proxy does, for headless shops.
	storefront := r.Group("/storefront/v1",
		s.rateLimit(s.limitIP, storefrontIP), s.storefrontShop(), s.rateLimit(s.limitShop, storefrontShopKey))
	storefront.GET("/product", s.handleProduct())
	storefront.GET("/cart", s.handleCartGet())
	storefront.POST("/cart", s.handleCartPost())
	storefront.OPTIONS("/product", s.handleStorefrontPreflight())
	storefront.OPTIONS("/cart", s.handleStorefrontPreflight())

	if s.assets != nil {
		r.GET("/assets/:file", s.handleAsset())
	}
	if s.demo {
		r.GET("/", s.handleDemoPage())
		r.GET("/demo/:file", s.handleDemoAsset())
		// A fake of Shopify's AJAX cart API, so the demo runs the theme's client.
		s.demoCarts = newDemoCarts(demoCartsMax, demoCartTTL)
		r.GET("/cart.js", s.handleDemoCartGet())
		r.POST("/cart/add.js", s.handleDemoCartAdd())
		r.POST("/cart/change.js", s.handleDemoCartChange())
		r.POST("/cart/update.js", s.handleDemoCartUpdate())
		r.POST("/cart/clear.js", s.handleDemoCartClear())
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
		MaxHeaderBytes:    32 << 10,
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

// handleHealthz handles "GET /healthz": the process is alive.
func (s *Server) handleHealthz() gin.HandlerFunc {
	body := []byte(`{"status":"ok"}` + "\n")
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	}
}
