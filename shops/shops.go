// Package shops is the registry of installed shops: their settings from
// the store, compiled once and kept in memory, retired on every instance by
// the shared cache's generation when a shop saves.
package shops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/store"
)

// Store is what the registry needs of the store (store.Bolt or
// store.Redis); declared here, where it is used.
type Store interface {
	Get(ctx context.Context, shop string) (*store.Shop, error)
	List(ctx context.Context) ([]string, error)
	SaveSettings(ctx context.Context, shop string, doc []byte, ifMatch string) (etag string, err error)
	History(ctx context.Context, shop string) ([]store.Version, error)
	Restore(ctx context.Context, shop string, version int, ifMatch string) (etag string, err error)
	SetToken(ctx context.Context, shop, token, scopes string) error
	DeleteToken(ctx context.Context, shop string) error
	DeleteShop(ctx context.Context, shop string) error
	Ping(ctx context.Context) error
}

// Recheck is how long a compiled shop is used before the store is
// asked again. A save on any instance retires it at once through the
// shared cache's generation.
const Recheck = 30 * time.Second

// Registry serves installed shops from the store, compiled once and kept
// in memory. Static shops (LEADTIME_CONFIG) count as installed too. When
// the store fails or has lost a shop (a Redis restarted empty), the last
// compiled settings keep serving: the storefront must not go down with it.
// It is safe for concurrent use.
type Registry struct {
	Store  Store
	Static promise.StaticShops
	Shared *cache.Cache
	// Restore finds settings a store has lost: the shop's leadtime.settings
	// metafield, mirrored on every save (DESIGN §6). nil, or a nil result,
	// means none.
	Restore func(ctx context.Context, domain string) ([]byte, error)
	// Log receives store trouble; nil discards it (main always gives one).
	Log *slog.Logger
	// Now is the clock of Recheck; nil means the wall clock.
	Now func() time.Time

	mu       sync.Mutex
	compiled map[string]*compiledShop
	saveMu   sync.Mutex // serializes Save
}

type compiledShop struct {
	shop    *delivery.Shop
	etag    string
	gen     int64
	checked time.Time
}

// errStoreLost is a shop the store does not know: never installed, or lost
// by a store that restarted empty. It matches promise.ErrShopNotInstalled.
var errStoreLost = fmt.Errorf("not in the store: %w", promise.ErrShopNotInstalled)

// settingsOf names the generation of a shop's settings in the shared cache.
func settingsOf(shop string) string { return "settings:" + shop }

// Shop implements Shops.
func (ss *Registry) Shop(ctx context.Context, domain string) (*delivery.Shop, error) {
	gen := ss.Shared.Generation(settingsOf(domain))
	ss.mu.Lock()
	c := ss.compiled[domain]
	ss.mu.Unlock()
	if c != nil && c.gen == gen && ss.now().Sub(c.checked) < Recheck {
		return c.shop, nil
	}
	shop, etag, err := ss.load(ctx, domain)
	switch {
	case err == nil:
	case c != nil && !errors.Is(err, promise.ErrShopNotInstalled):
		// The store failed: keep serving what we had.
		ss.log().WarnContext(ctx, "store unavailable; serving the last settings", "shop", domain, "err", err)
		shop, etag = c.shop, c.etag
	case c != nil && c.gen == gen && errors.Is(err, errStoreLost):
		// The store no longer knows a shop it served a moment ago, and no
		// uninstall or redact said so (those raise the generation): a Redis
		// restarted empty. The storefront must not go down with it.
		ss.log().WarnContext(ctx, "the store has lost this shop; serving the last settings until it is restored", "shop", domain)
		shop, etag = c.shop, c.etag
	default:
		return nil, err
	}
	ss.mu.Lock()
	if ss.compiled == nil {
		ss.compiled = map[string]*compiledShop{}
	}
	ss.compiled[domain] = &compiledShop{shop: shop, etag: etag, gen: gen, checked: ss.now()}
	ss.mu.Unlock()
	return shop, nil
}

// load reads and compiles a shop's settings, reusing the compiled copy
// when they have not changed.
func (ss *Registry) load(ctx context.Context, domain string) (*delivery.Shop, string, error) {
	rec, err := ss.Store.Get(ctx, domain)
	if errors.Is(err, store.ErrNotFound) {
		if shop, ok := ss.Static[domain]; ok {
			return shop, "static", nil
		}
		return nil, "", fmt.Errorf("%q: %w", domain, errStoreLost)
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: %w", err)
	}
	// A shop that uninstalled keeps its settings for a reinstall, but is not
	// served. (A shop that never had a token, such as the demo shop whose
	// settings were edited in the admin page, is.)
	if !rec.Installed() && !rec.UninstalledAt.IsZero() {
		return nil, "", fmt.Errorf("%q uninstalled: %w", domain, promise.ErrShopNotInstalled)
	}
	if len(rec.Settings) == 0 {
		if shop, ok := ss.Static[domain]; ok {
			return shop, "static", nil
		}
		if rec.Settings, err = ss.restore(ctx, domain); err != nil {
			return nil, "", err
		}
	}
	ss.mu.Lock()
	c := ss.compiled[domain]
	ss.mu.Unlock()
	if c != nil && c.etag == rec.ETag && rec.ETag != "" {
		return c.shop, c.etag, nil
	}
	shop, err := delivery.LoadShop(rec.Settings, delivery.WithCheck(message.Check(ss.log())))
	if err != nil {
		// Saved settings are validated first, so this is a bug or a
		// hand-edited store: say so loudly, but do not answer with a 4xx.
		return nil, "", fmt.Errorf("stored settings of %s do not compile: %v", domain, err)
	}
	return shop, rec.ETag, nil
}

// restore brings back settings the store lost, from the shop's metafield.
func (ss *Registry) restore(ctx context.Context, domain string) ([]byte, error) {
	if ss.Restore == nil {
		return nil, fmt.Errorf("%q has no settings: %w", domain, promise.ErrShopNotInstalled)
	}
	doc, err := ss.Restore(ctx, domain)
	if err != nil {
		return nil, fmt.Errorf("restoring the settings of %s: %w", domain, err)
	}
	if len(doc) == 0 {
		return nil, fmt.Errorf("%q has no settings: %w", domain, promise.ErrShopNotInstalled)
	}
	if _, err := ss.Store.SaveSettings(ctx, domain, doc, ""); err != nil {
		ss.log().WarnContext(ctx, "could not save restored settings", "shop", domain, "err", err)
	}
	ss.log().InfoContext(ctx, "settings restored from the shop metafield", "shop", domain)
	return doc, nil
}

// Forget drops the compiled copy of a shop on this instance and, through the
// shared cache, on every other (after a save, a restore or an uninstall).
func (ss *Registry) Forget(ctx context.Context, domain string) {
	ss.mu.Lock()
	delete(ss.compiled, domain)
	ss.mu.Unlock()
	ss.Shared.InvalidateShop(ctx, settingsOf(domain))
}

func (ss *Registry) now() time.Time {
	if ss.Now != nil {
		return ss.Now()
	}
	return time.Now()
}

func (ss *Registry) log() *slog.Logger {
	if ss.Log != nil {
		return ss.Log
	}
	return slog.New(slog.DiscardHandler)
}
