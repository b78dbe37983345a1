// Package shopifyapp is the Shopify app side of Leadtime, without HTTP:
// installing a shop (tokens, metafield definitions, first settings), the
// Admin API clients, the settings mirror, the checkout function's config,
// what each webhook topic does, and promise health (recording fulfilments
// against frozen promises, the backfill, reconstructed promises). Package
// server verifies and routes the requests and maps this package's errors
// to HTTP statuses.
package shopifyapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// Scopes are the least access scopes that work (shopify.app.toml says why
// each is needed).
const Scopes = "read_products,write_products,read_inventory,write_orders,read_fulfillments,read_locales,read_shipping,write_delivery_customizations"

// App is the Shopify side of the service: the app's credentials, the
// store of shops and tokens, and the Admin API behind the cache. The
// server holds none in demo mode.
type App struct {
	APIKey    string
	APISecret string
	AppURL    string // public base URL, for OAuth redirects
	Scopes    string
	// Options reach the Admin API (Endpoint is LEADTIME_SHOPIFY_ENDPOINT,
	// a fake, in tests and local development).
	Options  shopify.Options
	Store    shops.Store
	Shops    *shops.Registry
	Products *catalog.Shopify
	// Shared is the server's two-tier cache (the same one as
	// server.Config.Shared): webhooks de-duplicate orders in it and retire
	// the shop's products and answers (AnswersOf) on every instance.
	Shared *cache.Cache
	// Engine quotes the promise frozen into an order and reconstructs the
	// promise of an order placed before the install (the same engine as
	// server.Config.Engine).
	Engine *promise.Engine
	// Log receives the app's warnings; nil discards them.
	Log *slog.Logger
	// Now is the app's clock: the checkout function's calendars start from
	// it, backfills count their days back from it, and tokens are re-read
	// from the store after shops.Recheck by it. nil means the wall clock.
	Now func() time.Time

	// appOnce guards app and appErr: handlers call oauth concurrently,
	// so the lazy fill must be synchronised (issue 11 item 3).
	appOnce sync.Once
	app     *shopify.App
	appErr  error
	tokens  sync.Map // shop → knownToken, read from the store at most every shops.Recheck

	installing sync.Map           // shop → *sync.Mutex: one install of a shop at a time
	reinstalls singleflight.Group // token exchanges of shops missing from the store, one per shop
}

// ErrIncomplete is matched by Validate's error: an App wired without a
// part it needs would otherwise fail on the first webhook that uses it.
var ErrIncomplete = errors.New("shopifyapp: App is incomplete")

// Validate reports every part a serving App lacks, at once (credentials
// are not among them: a custom app in single-shop mode has a token and no
// secret, and OAuth says so when it needs them), so that the
// server refuses to start instead of failing on the first webhook. Shared
// and Engine must also be the server's own (server.Config.Shared and
// Engine): serve sets both from the App.
func (a *App) Validate() error {
	var missing []string
	for _, f := range []struct {
		name string
		nil  bool
	}{
		{"Scopes", a.Scopes == ""},
		{"Store", a.Store == nil}, {"Shops", a.Shops == nil}, {"Products", a.Products == nil},
		{"Shared", a.Shared == nil}, {"Engine", a.Engine == nil},
	} {
		if f.nil {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s not set", ErrIncomplete, strings.Join(missing, ", "))
	}
	return nil
}

// LockShop holds shop's install lock until the returned func is called.
// Between saving the token and the first settings, a shop is half
// installed: whoever checks it waits here.
func (a *App) LockShop(shop string) (unlock func()) {
	mu, _ := a.installing.LoadOrStore(shop, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

// OAuth returns the OAuth side of the app, made once.
// The credentials never change after start, so a failure is kept too.
func (a *App) OAuth() (*shopify.App, error) {
	a.appOnce.Do(func() {
		a.app, a.appErr = shopify.NewApp(a.APIKey, a.APISecret, a.Options)
	})
	return a.app, a.appErr
}

// Client returns the Admin API client of an installed shop, or an error
// matching catalog.ErrNoToken. A client is cheap: one per call keeps go-shopify's
// unsynchronised client off shared paths.
func (a *App) Client(ctx context.Context, shop *delivery.Shop) (*shopify.Client, error) {
	return a.clientFor(ctx, shop.Domain(), usesCollections(shop))
}

// AdminClient returns the Admin API client of an installed shop by its
// domain, without collections (the settings API's and webhooks' calls do
// not read them), or an error matching catalog.ErrNoToken.
func (a *App) AdminClient(ctx context.Context, domain string) (*shopify.Client, error) {
	return a.clientFor(ctx, domain, false)
}

// ShareReinstall runs install for shop unless one is running already, in
// which case it waits for that one and returns its error: the first
// requests of a shop often come at once, and they share one token
// exchange.
func (a *App) ShareReinstall(shop string, install func() error) error {
	_, err, _ := a.reinstalls.Do(shop, func() (any, error) { return nil, install() })
	return err
}

func (a *App) clientFor(ctx context.Context, domain string, collections bool) (*shopify.Client, error) {
	token, err := a.token(ctx, domain)
	if err != nil {
		return nil, err
	}
	opts := a.Options
	opts.SkipCollections = !collections
	return shopify.NewClient(domain, token, opts)
}

// knownToken is a token read from the store, and when.
type knownToken struct {
	token string
	read  time.Time
}

// token returns a shop's offline token. The store is asked at most every
// shops.Recheck, as for settings: a Redis round trip per product load would
// add up, and while the store is down (Redis killed) the token read last
// keeps the storefront loading products (DESIGN §6).
func (a *App) token(ctx context.Context, domain string) (string, error) {
	known, ok := a.tokens.Load(domain)
	if ok && a.now().Sub(known.(knownToken).read) < shops.Recheck {
		return known.(knownToken).token, nil
	}
	rec, err := a.Store.Get(ctx, domain)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && rec.Token == "":
		a.tokens.Delete(domain)
		return "", fmt.Errorf("%s: %w", domain, catalog.ErrNoToken)
	case err != nil && ok:
		a.log().WarnContext(ctx, "store unavailable; using the token read last", "shop", domain, "err", err)
		a.tokens.Store(domain, knownToken{token: known.(knownToken).token, read: a.now()}) // ask again later, not at once
		return known.(knownToken).token, nil
	case err != nil:
		return "", fmt.Errorf("store: %w", err)
	}
	a.tokens.Store(domain, knownToken{token: rec.Token, read: a.now()})
	return rec.Token, nil
}

// usesCollections reports whether any rule of the shop matches on
// collections: only then are they worth their Admin API cost.
func usesCollections(shop *delivery.Shop) bool {
	for _, r := range shop.Settings().Rules {
		if len(r.Match.Collections) > 0 {
			return true
		}
	}
	return false
}

// Install keeps a shop's offline token and prepares the shop: the
// metafield definitions merchants edit processing time with, and, the
// first time, settings imported from Shopify (time zone, country, locale
// and Shopify's own processing time). It then starts the promise-health
// backfill of the shop's recent orders. It is idempotent.
func (a *App) Install(ctx context.Context, shop, token string, scopes []string) error {
	defer a.LockShop(shop)()
	a.tokens.Delete(shop) // the new token, not one read before
	if err := a.Store.SetToken(ctx, shop, token, strings.Join(scopes, ",")); err != nil {
		return fmt.Errorf("saving the token: %w", err)
	}
	client, err := a.clientFor(ctx, shop, false)
	if err != nil {
		return err
	}
	if err := client.EnsureMetafieldDefinitions(ctx); err != nil {
		return fmt.Errorf("metafield definitions: %w", err)
	}
	rec, err := a.Store.Get(ctx, shop)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if len(rec.Settings) == 0 {
		doc, err := a.initialSettings(ctx, client)
		if err != nil {
			return err
		}
		if _, err := a.Store.SaveSettings(ctx, shop, doc, ""); err != nil {
			return fmt.Errorf("saving the first settings: %w", err)
		}
		a.MirrorSettings(ctx, client, doc)
	}
	a.Shops.Forget(ctx, shop)
	if compiled, err := a.Shops.Shop(ctx, shop); err == nil {
		a.SyncCheckoutFunction(ctx, client, compiled, a.now())
	}
	// Promise health starts from the shop's recent orders, not from zero.
	// A refusal (one already running, on a reinstall) is no install failure.
	if _, err := a.StartBackfill(ctx, shop, a.now()); err != nil {
		a.log().WarnContext(ctx, "promise-health backfill not started", "shop", shop, "err", err)
	}
	return nil
}

// initialSettings are the settings a shop starts with: its restored
// metafield if it had Leadtime before, else defaults from Shopify.
func (a *App) initialSettings(ctx context.Context, client *shopify.Client) ([]byte, error) {
	if doc, err := client.ShopSettingsMetafield(ctx); err == nil && len(doc) > 0 {
		if _, err := delivery.LoadShop(doc, delivery.WithCheck(message.Check(nil))); err == nil {
			return doc, nil
		}
	}
	info, err := client.ShopInfo(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the shop: %w", err)
	}
	return json.Marshal(DefaultSettings(client.Shop(), info))
}

// MirrorSettings writes saved settings into the shop metafield
// leadtime.settings, so that a store that loses them can restore them
// (DESIGN §6). Best effort: a failure is logged, the save stands.
func (a *App) MirrorSettings(ctx context.Context, client *shopify.Client, doc []byte) {
	err := client.SetMetafields(ctx, []shopify.MetafieldInput{{Namespace: "leadtime", Key: "settings", Type: "json", Value: string(doc)}})
	if err != nil {
		a.log().WarnContext(ctx, "could not mirror settings into the shop metafield", "shop", client.Shop(), "err", err)
	}
}

// RestoreSettings reads the settings mirrored in a shop's metafield, for a
// store that has lost them.
func (a *App) RestoreSettings(ctx context.Context, shop string) ([]byte, error) {
	client, err := a.clientFor(ctx, shop, false)
	if err != nil {
		return nil, err
	}
	return client.ShopSettingsMetafield(ctx)
}

// DefaultSettings are a new shop's settings, from what Shopify knows: the
// time zone, the country, the primary locale and the store-wide processing
// time. Shipping starts with one domestic zone and the rest of the world,
// which the merchant then edits.
func DefaultSettings(domain string, info shopify.ShopInfo) *delivery.Settings {
	country := info.Country
	if !delivery.KnownCountry(country) {
		country = "US"
	}
	tz := info.Timezone
	if tz == "" {
		tz = "UTC"
	}
	processing := delivery.Days{Min: 1, Max: 3}
	if info.ProcessingDays != nil {
		d := min(max(*info.ProcessingDays, 0), delivery.MaxDays)
		processing = delivery.Days{Min: d, Max: d}
	}
	return &delivery.Settings{
		Shop: domain, Timezone: tz, Country: country, Locale: info.Locale,
		Processing: &processing,
		Shipping: delivery.Shipping{Zones: []delivery.Zone{
			{Name: "Domestic", Countries: []string{country}, Methods: []delivery.Method{{Code: "standard", Name: "Standard", Min: 1, Max: 5}}},
			{Name: "Rest of the world", Countries: []string{"*"}, Methods: []delivery.Method{{Code: "standard", Name: "Standard", Min: 5, Max: 15}}},
		}},
	}
}

// now is the app's clock (Now, or the wall clock).
func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// log is the app's logger (Log, or one that discards).
func (a *App) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return discard
}

// discard is the logger of an App without Log.
var discard = slog.New(slog.DiscardHandler)

// AnswersOf is the cache namespace of a shop's quoted answers: the server
// keys its answers under it, and the app retires it when the shop's
// products or settings change.
func AnswersOf(shop string) string { return "answers:" + shop }
