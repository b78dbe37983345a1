// Package catalog is where product facts come from: each shop's Admin API,
// behind the two-tier cache, with an index from inventory items to products
// for the stock webhooks, and a per-shop budget of the loads that shoppers
// cause.
package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/shopify"
)

// ProductFactsTTL is how long product facts from Shopify stay fresh in the
// cache (DESIGN §6). Webhooks drop them when a product, its inventory, its
// metafields or a collection change (products/update fires for metafield
// edits too), so the TTL only bounds how long a missed webhook lingers: two
// hours keeps a steady shop at under one Admin API call per product an
// hour (BenchmarkZipfUpstream, issue 11 item 8).
const ProductFactsTTL = 2 * time.Hour

// ErrNoToken means the shop has no Admin API token (yet): its products come
// from the offline catalog of its settings, if any.
var ErrNoToken = errors.New("no Admin API token for the shop")

// AdminClients gives the Admin API client of a shop. It returns an error
// matching ErrNoToken when the shop has none.
type AdminClients func(ctx context.Context, shop *delivery.Shop) (*shopify.Client, error)

// Shopify loads product facts from each shop's Admin API through
// the two-tier cache: one call per uncached product, one per uncached cart,
// and at most one per instance however many requests miss at once. When
// Shopify fails, the last known facts are served as stale; a product never
// seen gets a stand-in that quotes the shop's default, also stale.
type Shopify struct {
	Cache   *cache.Cache
	Clients AdminClients
	// Log receives load failures; nil discards them (main always gives one).
	Log *slog.Logger
	// ShopperLoads is each shop's budget of Admin API queries caused by
	// storefront requests (load_budget.go); the zero Rate is no budget, as
	// for every other limit.
	ShopperLoads ratelimit.Rate
	// Now is the budget's clock; nil means the wall clock.
	Now func() time.Time

	inventory inventoryIndex
	loadsOnce sync.Once
	loads     *ratelimit.Limiter
}

// FactsKey is the cache key of a product's facts. The other keys: by handle,
// by variant, and the inventory index, which maps an inventory item
// (what stock webhooks name) to the keys of its product.
func FactsKey(shop string, id int64) string {
	return cache.Key(shop, "product", strconv.FormatInt(id, 10))
}
func handleFactsKey(shop, handle string) string { return cache.Key(shop, "handle", handle) }
func variantFactsKey(shop string, id int64) string {
	return cache.Key(shop, "variant", strconv.FormatInt(id, 10))
}
func inventoryIndexKey(shop string, id int64) string {
	return cache.Key(shop, "inventory", strconv.FormatInt(id, 10))
}

// Product implements promise.Products.
func (sp *Shopify) Product(ctx context.Context, shop *delivery.Shop, id int64, handle string) (*delivery.Product, bool, error) {
	client, clientErr := sp.Clients(ctx, shop)
	if errors.Is(clientErr, ErrNoToken) {
		return promise.Catalog{}.Product(ctx, shop, id, handle)
	}
	// A store that fails to give the token is an outage like Shopify's:
	// the cache still serves what it has (DESIGN §6), so the load fails
	// with clientErr only on a miss.
	domain := shop.Domain()
	key := handleFactsKey(domain, handle)
	if id > 0 {
		key = FactsKey(domain, id)
	}
	val, stale, err := sp.Cache.Fetch(ctx, key, ProductFactsTTL, func(ctx context.Context) ([]byte, error) {
		if clientErr != nil {
			return nil, clientErr
		}
		if err := sp.spendLoad(ctx, domain, 1); err != nil {
			return nil, err
		}
		var p *delivery.Product
		var err error
		if id > 0 {
			p, err = client.Product(ctx, id)
		} else {
			p, err = client.ProductByHandle(ctx, handle)
		}
		if err != nil {
			return nil, err
		}
		sp.IndexInventory(ctx, domain, p, key)
		return json.Marshal(p)
	})
	switch {
	case errors.Is(err, cache.ErrNotFound) || errors.Is(err, delivery.ErrUnknownProduct):
		return nil, false, fmt.Errorf("%s: %w", strings.TrimPrefix(key, "leadtime:"), delivery.ErrUnknownProduct)
	case err != nil:
		// Shopify is down (or the shopper budget is spent) and this product
		// was never seen: quote the shop's default rather than fail the
		// storefront, and say it is stale.
		sp.logUnavailable(ctx, domain, err, "product", id)
		return promise.StandIn(id, handle, 0), true, nil
	}
	p, err := decodeProduct(val)
	if err != nil {
		return nil, false, err
	}
	return p, stale, nil
}

// ProductsOfVariants implements Products: every uncached variant of the
// cart in one Admin API call.
func (sp *Shopify) ProductsOfVariants(ctx context.Context, shop *delivery.Shop, ids []int64) (map[int64]*delivery.Product, bool, error) {
	client, clientErr := sp.Clients(ctx, shop)
	if errors.Is(clientErr, ErrNoToken) {
		return promise.Catalog{}.ProductsOfVariants(ctx, shop, ids)
	}
	domain := shop.Domain()
	keys := make([]string, len(ids))
	idOf := make(map[string]int64, len(ids))
	for i, id := range ids {
		keys[i] = variantFactsKey(domain, id)
		idOf[keys[i]] = id
	}
	results := sp.Cache.FetchMany(ctx, keys, ProductFactsTTL, func(ctx context.Context, missing []string) (map[string][]byte, error) {
		if clientErr != nil {
			return nil, clientErr // as in Product
		}
		if err := sp.spendLoad(ctx, domain, client.VariantQueries(len(missing))); err != nil {
			return nil, err
		}
		want := make([]int64, len(missing))
		for i, k := range missing {
			want[i] = idOf[k]
		}
		found, err := client.ProductsOfVariants(ctx, want)
		if err != nil {
			return nil, err
		}
		out := make(map[string][]byte, len(found))
		for vid, p := range found {
			one := onlyVariant(p, vid)
			sp.IndexInventory(ctx, domain, one, variantFactsKey(domain, vid))
			b, err := json.Marshal(one)
			if err != nil {
				return nil, err
			}
			out[variantFactsKey(domain, vid)] = b
		}
		return out, nil
	})
	out := make(map[int64]*delivery.Product, len(ids))
	anyStale := false
	for key, r := range results {
		id := idOf[key]
		switch {
		case errors.Is(r.Err, cache.ErrNotFound):
			continue // unknown variant: the line says unknown_product
		case r.Err != nil:
			sp.logUnavailable(ctx, domain, r.Err, "variant", id)
			out[id], anyStale = promise.StandIn(0, "", id), true
			continue
		}
		p, err := decodeProduct(r.Value)
		if err != nil {
			return nil, false, err
		}
		out[id] = p
		anyStale = anyStale || r.Stale
	}
	return out, anyStale, nil
}

// IndexInventory remembers which cache key holds each inventory item's
// product, so a stock webhook can drop it. The index is compact and kept
// apart from the cache's L1 (about 40 bytes an item rather than a cache
// entry's 330, DESIGN §8's memory target), and in Redis for the other
// instances. Best effort: it lives as long as the facts or a little longer.
func (sp *Shopify) IndexInventory(ctx context.Context, shop string, p *delivery.Product, key string) {
	for _, v := range p.Variants {
		if v.InventoryItemID != 0 {
			sp.inventory.put(shop, v.InventoryItemID, key)
			sp.Cache.SetRemote(ctx, inventoryIndexKey(shop, v.InventoryItemID), []byte(key), ProductFactsTTL+time.Hour)
		}
	}
}

// inventoryIndex maps a shop's inventory items to the cache key of their
// product's facts, in process. It is safe for concurrent use, and bounded:
// when full it starts over (the facts expire within ProductFactsTTL anyway,
// and Redis still holds the index for a multi-instance deployment).
type inventoryIndex struct {
	mu sync.Mutex
	m  map[inventoryItem]string
}

type inventoryItem struct {
	shop string
	id   int64
}

const maxInventoryIndex = 1_000_000

func (ix *inventoryIndex) put(shop string, id int64, key string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.m == nil || len(ix.m) >= maxInventoryIndex {
		ix.m = make(map[inventoryItem]string)
	}
	ix.m[inventoryItem{shop, id}] = key
}

func (ix *inventoryIndex) take(shop string, id int64) (string, bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	key, ok := ix.m[inventoryItem{shop, id}]
	delete(ix.m, inventoryItem{shop, id})
	return key, ok
}

// Forget drops what the cache knows of a product: its facts by id and
// handle, its variants, and the answers quoted from them (DESIGN §6:
// invalidated by webhooks, on every instance).
func (sp *Shopify) Forget(ctx context.Context, shop string, id int64, handle string, variantIDs []int64) {
	keys := []string{FactsKey(shop, id)}
	if handle != "" {
		keys = append(keys, handleFactsKey(shop, handle))
	}
	for _, v := range variantIDs {
		keys = append(keys, variantFactsKey(shop, v))
	}
	sp.Cache.Invalidate(ctx, keys...)
}

// ForgetInventoryItem drops the product that holds an inventory item, if
// the cache knows it; it reports whether it did.
func (sp *Shopify) ForgetInventoryItem(ctx context.Context, shop string, itemID int64) bool {
	key, ok := sp.inventory.take(shop, itemID)
	if !ok {
		remote, found := sp.Cache.GetRemote(ctx, inventoryIndexKey(shop, itemID))
		if !found {
			return false
		}
		key = string(remote)
	}
	sp.Cache.Invalidate(ctx, key)
	return true
}

// logUnavailable says that facts were not loaded; a spent shopper budget
// is expected under a flood, so it is not a warning per request.
func (sp *Shopify) logUnavailable(ctx context.Context, shop string, err error, what string, id int64) {
	level := slog.LevelWarn
	if errors.Is(err, errLoadBudget) {
		level = slog.LevelDebug
	}
	sp.log().Log(ctx, level, what+" facts unavailable; quoting the shop default", "shop", shop, what, id, "err", err)
}

func (sp *Shopify) log() *slog.Logger {
	if sp.Log != nil {
		return sp.Log
	}
	return slog.New(slog.DiscardHandler)
}

func decodeProduct(b []byte) (*delivery.Product, error) {
	var p delivery.Product
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("cached product facts: %w", err)
	}
	return &p, nil
}

// onlyVariant returns p with only the variant vid, as the cart's facts for
// that line.
func onlyVariant(p *delivery.Product, vid int64) *delivery.Product {
	one := *p
	one.Variants = nil
	for _, v := range p.Variants {
		if v.ID == vid {
			one.Variants = []delivery.Variant{v}
		}
	}
	return &one
}
