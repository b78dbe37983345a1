package main

import (
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
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/redisconn"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/store"
)

// runServe runs the HTTP server until ctx ends, then drains it.
//
// The mode follows the environment (README, "Configuration"):
//   - demo: no Shopify credentials; the embedded demo shop or --config;
//   - single shop: SHOPIFY_SHOP and SHOPIFY_ACCESS_TOKEN (a custom app);
//   - app: SHOPIFY_API_KEY and SHOPIFY_API_SECRET, shops install by OAuth.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("serve", stderr)
	configPath := flags.String("config", getenv("LEADTIME_CONFIG"), "settings document to serve instead of the demo shop")
	if err := flags.Parse(args); err != nil {
		return errReported
	}
	logger := newLogger(getenv("LOG_LEVEL"), stderr)
	redis.SetLogger(quietRedis{}) // go-redis would print every failed dial; the cache and store log what matters

	configShop, source, err := loadServedShop(*configPath)
	if err != nil {
		return err
	}
	limits, err := limitsFromEnv(getenv)
	if err != nil {
		return err
	}
	svc, err := newService(ctx, getenv, logger, configShop)
	if err != nil {
		return err
	}
	defer svc.close()

	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if err := securityFromEnv(getenv, svc.mode, &svc.cfg); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(listenHost(getenv, svc.mode), port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	assets, err := fs.Sub(themeAssets, "extensions/leadtime-theme/assets")
	if err != nil {
		return fmt.Errorf("theme assets: %w", err)
	}
	svc.cfg.Logger, svc.cfg.Assets, svc.cfg.HeadlessPage = logger, assets, headlessPage
	svc.cfg.Limits, svc.cfg.Metrics = limits, svc.metrics
	if getenv("FLY_APP_NAME") != "" {
		svc.cfg.TrustedPlatform = gin.PlatformFlyIO // the client's IP is in Fly-Client-IP
	}
	if svc.mode != "demo" && *configPath == "" {
		source = "settings from the store"
	}
	srv := server.New(svc.cfg)
	if svc.cfg.App != nil {
		go refreshCheckoutFunctions(ctx, svc.cfg.App, time.Now, logger)
	}
	logger.Info("serving", "addr", ln.Addr().String(), "mode", svc.mode, "shop", svc.cfg.DefaultShop, "settings", source)
	served := svc.cfg.DefaultShop
	if served == "" {
		served = "every installed shop" // app mode: shops install by OAuth
	}
	fmt.Fprintf(stdout, "Leadtime is serving %s (%s, %s) on http://localhost:%d/\n",
		served, svc.mode, source, ln.Addr().(*net.TCPAddr).Port)
	return srv.Run(ctx, ln, 10*time.Second)
}

// service is the server's configuration and what must be closed with it.
type service struct {
	cfg     server.Config
	mode    string
	closers []func()
	metrics *server.Metrics       // counts the cache's events and the Admin API's calls too
	rdb     redis.UniversalClient // REDIS_URL's client, shared by the cache and the rate limits; nil without
}

func (s *service) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// newService wires the server for the mode the environment asks for.
func newService(ctx context.Context, getenv func(string) string, logger *slog.Logger, configShop *delivery.Shop) (*service, error) {
	svc := &service{metrics: server.NewMetrics()}
	secret, token, single := getenv("SHOPIFY_API_SECRET"), getenv("SHOPIFY_ACCESS_TOKEN"), getenv("SHOPIFY_SHOP")
	if secret == "" && token == "" {
		// The demo serves its shop through the store, so that settings saved
		// in /admin take effect on / and /proxy at once; until something is
		// saved, the file (or the embedded demo shop) is served.
		svc.mode = "demo"
		st, err := openDemoStore(getenv, logger, svc)
		if err != nil {
			return nil, err
		}
		shared := cache.New(cache.Options{Logger: logger, OnEvent: svc.metrics.CacheEvent})
		svc.closers = append(svc.closers, shared.Close)
		shops := &server.StoreShops{Store: st, Static: server.StaticShops{configShop.Domain(): configShop}, Shared: shared, Log: logger}
		svc.cfg = server.Config{
			Engine:      &server.Engine{Shops: shops, Products: server.Catalog{}},
			DefaultShop: configShop.Domain(),
			Demo:        true,
			Shared:      shared,
			Settings:    shops,
			Ready:       st.Ping,
		}
		return svc, nil
	}
	if token != "" && !shopify.ValidShop(single) {
		return nil, fmt.Errorf("SHOPIFY_ACCESS_TOKEN needs SHOPIFY_SHOP, a shop domain like example.myshopify.com (got %q)", single)
	}

	shared, st, err := openBackends(ctx, getenv, logger, svc)
	if err != nil {
		return nil, err
	}
	app := &server.ShopifyApp{
		APIKey: getenv("SHOPIFY_API_KEY"), APISecret: secret, AppURL: getenv("APP_URL"), Scopes: server.Scopes,
		Options: shopify.Options{Endpoint: getenv("LEADTIME_SHOPIFY_ENDPOINT"), Logger: logger},
		Store:   st, Log: logger,
	}
	svc.metrics.InstrumentShopify(&app.Options)
	static := server.StaticShops{}
	if getenv("LEADTIME_CONFIG") != "" {
		static[configShop.Domain()] = configShop // counts as installed; its catalog serves until it has a token
	}
	app.Shops = &server.StoreShops{Store: st, Static: static, Shared: shared, Restore: app.RestoreSettings, Log: logger}
	app.Products = &server.ShopifyProducts{Cache: shared, Clients: app.Client, Log: logger}
	svc.cfg = server.Config{
		Engine: &server.Engine{Shops: app.Shops, Products: app.Products},
		Shared: shared, App: app, APIKey: app.APIKey, APISecret: secret,
		Ready:          func(ctx context.Context) error { return errors.Join(st.Ping(ctx), shared.Ping(ctx)) },
		RateLimitRedis: svc.rdb,
	}
	svc.mode = "app"
	if token != "" {
		svc.mode, svc.cfg.DefaultShop = "single shop", single
		// A custom app has its token already. Shopify being down at start
		// must not stop the service: the install is retried at next start.
		if err := app.Install(ctx, single, token, nil); err != nil {
			logger.Error("installing the shop failed; serving what the store has", "shop", single, "err", err)
		}
	}
	if app.APIKey == "" || secret == "" {
		logger.Warn("SHOPIFY_API_KEY or SHOPIFY_API_SECRET is not set: app-proxy signatures, webhooks, OAuth and the checkout API are off")
	}
	return svc, nil
}

// openDemoStore opens the demo's bbolt store under DATA_DIR (default
// ./data), where the settings page saves. When it cannot (another demo
// holds the file, or the directory is read-only), the demo still starts, on
// a throwaway store in a temporary directory, and says that settings saved
// in /admin will not outlive the process.
func openDemoStore(getenv func(string) string, logger *slog.Logger, svc *service) (*store.Bolt, error) {
	dir := getenv("DATA_DIR")
	if dir == "" {
		dir = "data"
	}
	st, err := store.OpenBolt(filepath.Join(dir, store.BoltFileName), store.Options{})
	if err == nil {
		svc.closers = append(svc.closers, func() { st.Close() })
		return st, nil
	}
	tmp, terr := os.MkdirTemp("", "leadtime-demo-")
	if terr != nil {
		return nil, fmt.Errorf("demo store: %w", errors.Join(err, terr))
	}
	st, terr = store.OpenBolt(filepath.Join(tmp, store.BoltFileName), store.Options{})
	if terr != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("demo store: %w", errors.Join(err, terr))
	}
	logger.Warn("the demo cannot use its store under DATA_DIR; settings saved in /admin last until the server stops", "data_dir", dir, "err", err)
	svc.closers = append(svc.closers, func() { st.Close(); os.RemoveAll(tmp) })
	return st, nil
}

// openBackends opens the shared cache and the store: Redis for both when
// REDIS_URL is set, else an in-process cache and bbolt under DATA_DIR.
func openBackends(ctx context.Context, getenv func(string) string, logger *slog.Logger, svc *service) (*cache.Cache, server.ShopStore, error) {
	var opts store.Options
	if k := getenv("LEADTIME_ENCRYPTION_KEY"); k != "" {
		key, err := store.ParseEncryptionKey(k)
		if err != nil {
			return nil, nil, fmt.Errorf("LEADTIME_ENCRYPTION_KEY: %w", err)
		}
		opts.EncryptionKey = key
	} else {
		logger.Warn("LEADTIME_ENCRYPTION_KEY is not set: Admin API tokens are stored unencrypted")
	}
	redisURL := getenv("REDIS_URL")
	if redisURL == "" {
		dir := getenv("DATA_DIR")
		if dir == "" {
			dir = "data"
		}
		st, err := store.OpenBolt(filepath.Join(dir, store.BoltFileName), opts)
		if err != nil {
			return nil, nil, err
		}
		shared := cache.New(cache.Options{Logger: logger, OnEvent: svc.metrics.CacheEvent})
		svc.closers = append(svc.closers, func() { st.Close() }, shared.Close)
		return shared, st, nil
	}
	// A Redis that hangs must not hold requests for go-redis's default 3 s.
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = time.Second, time.Second, time.Second
	opts.RedisCluster = getenv("REDIS_CLUSTER") == "1"
	st, err := store.OpenRedis(ctx, redisURL, opts)
	if err != nil {
		return nil, nil, err
	}
	if on, known := st.Persistent(); !on {
		logger.Warn("Redis holds settings and tokens but does not persist them (AOF is off or unknown): a restart would lose what merchants entered; turn on appendonly", "known", known)
	}
	// MaxRetries 1: a refused connection is a miss at once, not after retries.
	t := 200 * time.Millisecond
	rdb, err := redisconn.Open(redisURL, redisconn.Options{Cluster: opts.RedisCluster, MaxRetries: 1, DialTimeout: t, ReadTimeout: t, WriteTimeout: t})
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	svc.rdb = rdb
	shared := cache.New(cache.Options{Redis: rdb, Logger: logger, OnEvent: svc.metrics.CacheEvent})
	svc.closers = append(svc.closers, func() { st.Close() }, func() { rdb.Close() }, shared.Close)
	return shared, st, nil
}

// limitsFromEnv reads the rate limits (README, "Configuration"), such as
// LEADTIME_RATE_STOREFRONT_IP=20/s,60; an unset variable keeps its default.
func limitsFromEnv(getenv func(string) string) (*server.Limits, error) {
	limits := server.DefaultLimits
	for _, l := range []struct {
		env  string
		rate *server.Rate
	}{
		{"LEADTIME_RATE_STOREFRONT_IP", &limits.StorefrontPerIP},
		{"LEADTIME_RATE_STOREFRONT_SHOP", &limits.StorefrontPerShop},
		{"LEADTIME_RATE_PROXY_SHOP", &limits.ProxyPerShop},
	} {
		if v := getenv(l.env); v != "" {
			r, err := server.ParseRate(v)
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
