package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/demo"
	"github.com/leadtime-app/leadtime/internal/redisconn"
	"github.com/leadtime-app/leadtime/metrics"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopifyapp"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// runServe runs the HTTP server until ctx ends, then drains it.
//
// The mode follows the flags and the environment, decided once by
// serveInputsFrom (README, "Configuration"):
//   - demo: no Shopify credentials, the embedded demo shop;
//   - config: no Shopify credentials, the shop of --config (LEADTIME_CONFIG);
//   - single shop: SHOPIFY_SHOP and SHOPIFY_ACCESS_TOKEN (a custom app);
//   - app: SHOPIFY_API_KEY and SHOPIFY_API_SECRET, shops install by OAuth.
//
// now is the service's one clock: every component that reads the time is
// given it, so that nothing below main reads the wall clock for itself.
func runServe(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	flags := newFlags("serve", stderr)
	configPath := flags.String("config", getenv("LEADTIME_CONFIG"), "settings document to serve instead of the demo shop")
	if err := flags.Parse(args); err != nil {
		return errReported
	}
	logger := newLogger(getenv("LOG_LEVEL"), stderr)
	redis.SetLogger(quietRedis{}) // go-redis would print every failed dial; the cache and store log what matters

	in, err := serveInputsFrom(*configPath, getenv)
	if err != nil {
		return err
	}
	in.now = now
	configShop, source, err := loadServedShop(in.configPath, logger)
	if err != nil {
		return err
	}
	limits, err := limitsFromEnv(getenv)
	if err != nil {
		return err
	}
	svc, err := newService(ctx, in, limits, logger, configShop)
	if err != nil {
		return err
	}
	defer svc.close()

	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if err := securityFromEnv(getenv, in.mode, &svc.cfg); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(listenHost(getenv, in.mode), port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	assets, err := fs.Sub(themeAssets, "extensions/leadtime-theme/assets")
	if err != nil {
		return fmt.Errorf("theme assets: %w", err)
	}
	svc.cfg.Logger, svc.cfg.Assets = logger, assets
	if svc.cfg.Demo {
		svc.cfg.Routes = demo.Routes(demo.Config{
			Shops: svc.cfg.Engine.Shops, Shop: svc.cfg.DefaultShop, Now: svc.cfg.Now, HeadlessPage: headlessPage,
		})
	}
	svc.cfg.Limits, svc.cfg.Metrics = limits, svc.metrics
	if getenv("FLY_APP_NAME") != "" {
		svc.cfg.TrustedPlatform = gin.PlatformFlyIO // the client's IP is in Fly-Client-IP
	}
	if in.mode.shopify() && in.configPath == "" {
		source = "settings from the store"
	}
	srv := server.New(svc.cfg)
	if svc.cfg.App != nil {
		go refreshCheckoutFunctions(ctx, svc.cfg.App, in.now, logger)
	}
	backend := "bbolt under DATA_DIR"
	if in.redisURL != "" {
		backend = "Redis"
	}
	logger.Info("serving", "addr", ln.Addr().String(), "mode", in.mode.String(), "shop", svc.cfg.DefaultShop, "settings", source, "store", backend)
	served := svc.cfg.DefaultShop
	if served == "" {
		served = "every installed shop" // app mode: shops install by OAuth
	}
	fmt.Fprintf(stdout, "Leadtime is serving %s (%s, %s) on http://localhost:%d/\n",
		served, in.mode, source, ln.Addr().(*net.TCPAddr).Port)
	return srv.Run(ctx, ln, 10*time.Second)
}

// service is the server's configuration and what must be closed with it.
type service struct {
	cfg     server.Config
	closers []func()
	metrics *metrics.Metrics      // counts the cache's events and the Admin API's calls too
	rdb     redis.UniversalClient // REDIS_URL's client, shared by the cache and the rate limits; nil without
}

func (s *service) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// newService wires the server for the mode in chose.
func newService(ctx context.Context, in serveInputs, limits *server.Limits, logger *slog.Logger, configShop *delivery.Shop) (*service, error) {
	svc := &service{metrics: metrics.New()}
	if in.now == nil {
		in.now = time.Now
	}
	if !in.mode.shopify() {
		// The demo serves its shop through the store, so that settings saved
		// in /admin take effect on / and /proxy at once; until something is
		// saved, the file (or the embedded demo shop) is served.
		shared, st, err := openBackends(ctx, in, logger, svc)
		if err != nil {
			return nil, err
		}
		registry := &shops.Registry{Store: st, Static: promise.StaticShops{configShop.Domain(): configShop}, Shared: shared, Log: logger, Now: in.now}
		svc.cfg = server.Config{
			Engine:         &promise.Engine{Shops: registry, Products: promise.Catalog{}},
			DefaultShop:    configShop.Domain(),
			Demo:           true,
			Now:            in.now,
			WallClock:      in.now,
			Shared:         shared,
			Settings:       registry,
			Ready:          func(ctx context.Context) error { return errors.Join(st.Ping(ctx), shared.Ping(ctx)) },
			RateLimitRedis: svc.rdb, RateLimitRedisTimeout: in.redisTimeout,
		}
		return svc, nil
	}
	if in.encryptionKey == nil {
		logger.Warn("LEADTIME_ENCRYPTION_KEY is not set: Admin API tokens are stored unencrypted")
	}
	shared, st, err := openBackends(ctx, in, logger, svc)
	if err != nil {
		return nil, err
	}
	app := &shopifyapp.App{
		APIKey: in.apiKey, APISecret: in.apiSecret, AppURL: in.appURL, Scopes: shopifyapp.Scopes,
		Options: shopify.Options{Endpoint: in.endpoint, Logger: logger},
		Store:   st, Shared: shared, Log: logger, Now: in.now,
	}
	svc.metrics.InstrumentShopify(&app.Options)
	static := promise.StaticShops{}
	if in.configPath != "" {
		static[configShop.Domain()] = configShop // counts as installed; its catalog serves until it has a token
	}
	app.Shops = &shops.Registry{Store: st, Static: static, Shared: shared, Restore: app.RestoreSettings, Log: logger, Now: in.now}
	app.Products = &catalog.Shopify{Cache: shared, Clients: app.Client, Log: logger, ShopperLoads: limits.ShopperLoads, Now: in.now}
	app.Engine = &promise.Engine{Shops: app.Shops, Products: app.Products}
	svc.cfg = server.Config{
		Engine: app.Engine,
		Shared: shared, App: app, APIKey: app.APIKey, APISecret: in.apiSecret,
		Now:            in.now,
		WallClock:      in.now,
		Ready:          func(ctx context.Context) error { return errors.Join(st.Ping(ctx), shared.Ping(ctx)) },
		RateLimitRedis: svc.rdb, RateLimitRedisTimeout: in.redisTimeout,
	}
	if err := app.Validate(); err != nil {
		return nil, err
	}
	if in.mode == modeSingleShop {
		svc.cfg.DefaultShop = in.shop
		// A custom app has its token already. Shopify being down at start
		// must not stop the service: the install is retried at next start.
		if err := app.Install(ctx, in.shop, in.token, nil); err != nil {
			logger.Error("installing the shop failed; serving what the store has", "shop", in.shop, "err", err)
		}
		if in.apiSecret == "" {
			logger.Warn("SHOPIFY_API_KEY and SHOPIFY_API_SECRET are not set: app-proxy signatures, webhooks and the checkout API are off")
		}
	}
	return svc, nil
}

// openDemoStore opens the demo's bbolt store under DATA_DIR (default
// ./data), where the settings page saves. When it cannot (another demo
// holds the file, or the directory is read-only), the demo still starts, on
// a throwaway store in a temporary directory, and says that settings saved
// in /admin will not outlive the process.
func openDemoStore(in serveInputs, logger *slog.Logger, svc *service) (*store.Bolt, error) {
	opts := store.Options{EncryptionKey: in.encryptionKey, Now: in.now}
	st, err := store.OpenBolt(filepath.Join(in.dataDir, store.BoltFileName), opts)
	if err == nil {
		svc.closers = append(svc.closers, func() { st.Close() })
		return st, nil
	}
	tmp, terr := os.MkdirTemp("", "leadtime-demo-")
	if terr != nil {
		return nil, fmt.Errorf("demo store: %w", errors.Join(err, terr))
	}
	st, terr = store.OpenBolt(filepath.Join(tmp, store.BoltFileName), opts)
	if terr != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("demo store: %w", errors.Join(err, terr))
	}
	logger.Warn("the demo cannot use its store under DATA_DIR; settings saved in /admin last until the server stops", "data_dir", in.dataDir, "err", err)
	svc.closers = append(svc.closers, func() { st.Close(); os.RemoveAll(tmp) })
	return st, nil
}

// openBackends opens the shared cache and the store, in every mode: Redis
// for both when REDIS_URL is set (and svc.rdb for the rate limits), else
// an in-process cache and bbolt under DATA_DIR.
func openBackends(ctx context.Context, in serveInputs, logger *slog.Logger, svc *service) (*cache.Cache, shops.Store, error) {
	opts := store.Options{EncryptionKey: in.encryptionKey, Now: in.now}
	redisURL := in.redisURL
	if redisURL == "" {
		var st shops.Store
		if in.mode.shopify() {
			b, err := store.OpenBolt(filepath.Join(in.dataDir, store.BoltFileName), opts)
			if err != nil {
				return nil, nil, err
			}
			svc.closers = append(svc.closers, func() { b.Close() })
			st = b
		} else {
			b, err := openDemoStore(in, logger, svc)
			if err != nil {
				return nil, nil, err
			}
			st = b
		}
		shared := cache.New(cache.Options{Logger: logger, OnEvent: svc.metrics.CacheEvent, Now: in.now})
		svc.closers = append(svc.closers, shared.Close)
		return shared, st, nil
	}
	// A Redis that hangs must not hold requests for go-redis's default 3 s.
	storeTimeout := cmp.Or(in.redisTimeout, time.Second)
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = storeTimeout, storeTimeout, storeTimeout
	opts.RedisCluster = in.redisCluster
	st, err := store.OpenRedis(ctx, redisURL, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	if on, known := st.Persistent(); !on {
		logger.Warn("Redis holds settings and tokens but does not persist them (AOF is off or unknown): a restart would lose what merchants entered; turn on appendonly", "known", known)
	}
	rdb, err := newRedisClient(redisURL, opts.RedisCluster, in.redisTimeout)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	svc.rdb = rdb
	shared := cache.New(cache.Options{Redis: rdb, Logger: logger, OnEvent: svc.metrics.CacheEvent, RedisTimeout: in.redisTimeout, Now: in.now})
	svc.closers = append(svc.closers, func() { st.Close() }, func() { rdb.Close() }, shared.Close)
	return shared, st, nil
}

// newRedisClient is REDIS_URL's client for the cache and the rate limits,
// in every mode, on one node or a cluster: short timeouts and one retry, so
// that a Redis that is down is a cache miss at once.
func newRedisClient(redisURL string, cluster bool, timeout time.Duration) (redis.UniversalClient, error) {
	t := cmp.Or(timeout, 200*time.Millisecond)
	return redisconn.Open(redisURL, redisconn.Options{Cluster: cluster, MaxRetries: 1, DialTimeout: t, ReadTimeout: t, WriteTimeout: t})
}

// limitsFromEnv reads the rate limits (README, "Configuration"), such as
// LEADTIME_RATE_STOREFRONT_IP=20/s,60; an unset variable keeps its default.
func limitsFromEnv(getenv func(string) string) (*server.Limits, error) {
	limits := server.DefaultLimits
	for _, l := range []struct {
		env  string
		rate *ratelimit.Rate
	}{
		{"LEADTIME_RATE_STOREFRONT_IP", &limits.StorefrontPerIP},
		{"LEADTIME_RATE_STOREFRONT_SHOP", &limits.StorefrontPerShop},
		{"LEADTIME_RATE_PROXY_SHOP", &limits.ProxyPerShop},
		{"LEADTIME_RATE_PROXY_IP", &limits.ProxyPerIP},
		{"LEADTIME_RATE_SHOPPER_LOADS", &limits.ShopperLoads},
	} {
		if v := getenv(l.env); v != "" {
			r, err := ratelimit.ParseRate(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", l.env, err)
			}
			*l.rate = r
		}
	}
	return &limits, nil
}

// quietRedis drops go-redis's own log lines.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}
