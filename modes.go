package main

import (
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/store"
)

// runMode is what `leadtime serve` serves (README, "Configuration"). It is
// decided once, by serveInputsFrom, and everything after asks it.
type runMode int

const (
	// modeDemo serves the embedded demo shop; no Shopify credentials.
	modeDemo runMode = iota
	// modeConfig serves a settings document (--config or LEADTIME_CONFIG)
	// without Shopify credentials: a headless shop, or one before install.
	modeConfig
	// modeSingleShop serves one shop whose Admin API token is known
	// (SHOPIFY_SHOP, SHOPIFY_ACCESS_TOKEN: a custom app).
	modeSingleShop
	// modeApp serves every shop that installs the app by OAuth
	// (SHOPIFY_API_KEY, SHOPIFY_API_SECRET).
	modeApp
)

// String is the mode as the start-up line and the logs name it.
func (m runMode) String() string {
	switch m {
	case modeDemo:
		return "demo"
	case modeConfig:
		return "config"
	case modeSingleShop:
		return "single shop"
	case modeApp:
		return "app"
	}
	return fmt.Sprintf("runMode(%d)", int(m))
}

// shopify reports whether the mode talks to Shopify's Admin API.
func (m runMode) shopify() bool { return m == modeSingleShop || m == modeApp }

// openSettings reports whether the settings page and API are served
// without authentication, as in the demo and config modes, which have no
// Shopify session to check: such a server listens on loopback by default.
func (m runMode) openSettings() bool { return m == modeDemo || m == modeConfig }

// serveInputs is the run mode and every input that chose or configures it,
// read from the flags and the environment in one place.
type serveInputs struct {
	mode       runMode
	configPath string // --config, whose default is LEADTIME_CONFIG; "" is the embedded demo shop

	shop, token       string // single shop
	apiKey, apiSecret string // the app's credentials: app mode, optional in single shop
	appURL            string
	endpoint          string // LEADTIME_SHOPIFY_ENDPOINT: a fake Admin API

	redisURL      string        // the shared tier and the store, in every mode
	redisCluster  bool          // REDIS_CLUSTER=1: REDIS_URL's host is a seed of a Redis Cluster
	redisTimeout  time.Duration // REDIS_TIMEOUT: one bound for every Redis call; 0 keeps each one's default
	dataDir       string        // the bbolt store without REDIS_URL (default ./data)
	encryptionKey []byte        // LEADTIME_ENCRYPTION_KEY, parsed

	now func() time.Time // the service's one clock (runServe's); newService takes nil as the wall clock
}

// serveInputsFrom decides the run mode from the --config flag's value and
// the environment. A combination that cannot work is refused with the
// variables to change, never half-honoured: a variable is used in the
// mode chosen, or the server does not start.
func serveInputsFrom(configPath string, getenv func(string) string) (serveInputs, error) {
	in := serveInputs{
		configPath: configPath,
		shop:       getenv("SHOPIFY_SHOP"), token: getenv("SHOPIFY_ACCESS_TOKEN"),
		apiKey: getenv("SHOPIFY_API_KEY"), apiSecret: getenv("SHOPIFY_API_SECRET"),
		appURL: getenv("APP_URL"), endpoint: getenv("LEADTIME_SHOPIFY_ENDPOINT"),
		redisURL: getenv("REDIS_URL"), dataDir: getenv("DATA_DIR"),
	}
	if in.dataDir == "" {
		in.dataDir = "data"
	}
	switch c := getenv("REDIS_CLUSTER"); {
	case c == "" || c == "0":
	case c != "1":
		return serveInputs{}, fmt.Errorf("REDIS_CLUSTER is %q: set it to 1 (REDIS_URL is a seed of a Redis Cluster) or unset it", c)
	case in.redisURL == "":
		return serveInputs{}, fmt.Errorf("REDIS_CLUSTER is set without REDIS_URL: give REDIS_URL a node of the cluster, or unset REDIS_CLUSTER")
	default:
		in.redisCluster = true
	}
	if t := getenv("REDIS_TIMEOUT"); t != "" {
		d, err := time.ParseDuration(t)
		switch {
		case err != nil || d <= 0 || d > time.Minute:
			return serveInputs{}, fmt.Errorf("REDIS_TIMEOUT is %q: give a duration such as 200ms or 2s (at most 1m)", t)
		case in.redisURL == "":
			return serveInputs{}, fmt.Errorf("REDIS_TIMEOUT is set without REDIS_URL: there is no Redis to time out; unset it or set REDIS_URL")
		}
		in.redisTimeout = d
	}
	if k := getenv("LEADTIME_ENCRYPTION_KEY"); k != "" {
		key, err := store.ParseEncryptionKey(k)
		if err != nil {
			return serveInputs{}, fmt.Errorf("LEADTIME_ENCRYPTION_KEY: %w", err)
		}
		in.encryptionKey = key
	}
	if (in.apiKey == "") != (in.apiSecret == "") {
		set, unset := "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"
		if in.apiKey == "" {
			set, unset = unset, set
		}
		return serveInputs{}, fmt.Errorf("%s is set but %s is not: they are the app's client ID and secret and go together (set both, or neither for the demo)", set, unset)
	}
	switch {
	case in.token != "":
		if !shopify.ValidShop(in.shop) {
			return serveInputs{}, fmt.Errorf("SHOPIFY_ACCESS_TOKEN needs SHOPIFY_SHOP, a shop domain like example.myshopify.com (got %q)", in.shop)
		}
		in.mode = modeSingleShop
	case in.shop != "":
		return serveInputs{}, fmt.Errorf("SHOPIFY_SHOP is set without SHOPIFY_ACCESS_TOKEN: single-shop mode needs the shop's Admin API token; in app mode shops install by OAuth, so unset SHOPIFY_SHOP")
	case in.apiSecret != "":
		in.mode = modeApp
	case configPath != "":
		in.mode = modeConfig
	default:
		in.mode = modeDemo
	}
	if !in.mode.shopify() {
		for _, v := range []struct{ name, value string }{{"APP_URL", in.appURL}, {"LEADTIME_SHOPIFY_ENDPOINT", in.endpoint}} {
			if v.value != "" {
				return serveInputs{}, fmt.Errorf("%s is set but the %s mode does not talk to Shopify: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET (app) or SHOPIFY_SHOP and SHOPIFY_ACCESS_TOKEN (single shop), or unset %s", v.name, in.mode, v.name)
			}
		}
	}
	return in, nil
}
