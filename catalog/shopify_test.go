package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// The shop is Lera & Trä of the acceptance examples, whose settings carry
// an offline catalog (the stoneware bowl 9101 has no metafields there).
// Its Shopify store holds the bowl with processing metafields and a
// second variant, so that each answer shows where it came from.
const (
	domain = "lera-och-tra.myshopify.com"
	token  = "shpat_catalog_test"
)

var discard = slog.New(slog.DiscardHandler)

func loadShop(t *testing.T) *delivery.Shop {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "acceptance", "shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shop, err := delivery.LoadShop(data)
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

// bowl is the stoneware bowl as the shop's Shopify store has it.
func bowl() shopifytest.Product {
	return shopifytest.Product{
		ID: 9101, Handle: "stoneware-bowl", Title: "Stoneware bowl", Tags: []string{"stoneware"},
		Metafields: map[string]string{"leadtime.processing_min_days": "3", "leadtime.processing_max_days": "6"},
		Variants: []shopifytest.Variant{
			{ID: 9301, Title: "Ash glaze", InventoryQuantity: 12, Tracked: true},
			{ID: 9302, Title: "Matte", InventoryQuantity: 0, Tracked: true, InventoryPolicy: "CONTINUE"},
		},
	}
}

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a catalog.Shopify in front of a fake Admin API, with its own
// cache on a test clock.
type fixture struct {
	fake  *shopifytest.Server
	clock *clock
	cache *cache.Cache
	sp    *catalog.Shopify
	shop  *delivery.Shop
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fake := shopifytest.NewServer()
	t.Cleanup(fake.Close)
	fake.AddShop(domain, token, shopifytest.Shop{Timezone: "Europe/Stockholm", Country: "SE"})
	fake.AddProduct(domain, bowl())
	fake.AddProduct(domain, shopifytest.Product{ID: 9102, Handle: "birch-spoon", Title: "Birch spoon",
		Variants: []shopifytest.Variant{{ID: 9311, Title: "One size"}}})
	ck := &clock{now: time.Date(2027, 9, 14, 10, 0, 0, 0, time.UTC)}
	c := cache.New(cache.Options{Logger: discard, Now: ck.Now})
	t.Cleanup(c.Close)
	return &fixture{fake: fake, clock: ck, cache: c, shop: loadShop(t), sp: &catalog.Shopify{
		Cache: c, Clients: clientsOf(fake), Log: discard, Now: ck.Now,
	}}
}

// clientsOf gives every shop a client of the fake that tries once, so
// that an outage fails at once.
func clientsOf(fake *shopifytest.Server) catalog.AdminClients {
	return func(_ context.Context, shop *delivery.Shop) (*shopify.Client, error) {
		return shopify.NewClient(shop.Domain(), token, shopify.Options{
			Endpoint: fake.URL, Logger: discard, Retry: shopify.RetryPolicy{MaxAttempts: 1},
		})
	}
}

// calls counts the Admin API calls that f makes.
func (fx *fixture) calls(f func()) int {
	before := fx.fake.Calls()
	f()
	return fx.fake.Calls() - before
}

// variantIDs lists a product's variant ids.
func variantIDs(p *delivery.Product) []int64 {
	var ids []int64
	for _, v := range p.Variants {
		ids = append(ids, v.ID)
	}
	return ids
}

// minDays is the product's processing_min_days metafield, or -1.
func minDays(p *delivery.Product) int {
	if p.Metafields.ProcessingMinDays == nil {
		return -1
	}
	return *p.Metafields.ProcessingMinDays
}

// TestShopifyProduct: products come from the shop's Admin API, once each:
// the same product again, by id or handle, is served from the cache.
func TestShopifyProduct(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		id        int64
		handle    string
		wantID    int64
		wantVars  []int64
		wantMin   int
		wantCalls int
	}{
		{"by id", 9101, "", 9101, []int64{9301, 9302}, 3, 1},
		{"by id again: cached", 9101, "", 9101, []int64{9301, 9302}, 3, 0},
		{"by handle: its own key", 0, "stoneware-bowl", 9101, []int64{9301, 9302}, 3, 1},
		{"by handle again: cached", 0, "stoneware-bowl", 9101, []int64{9301, 9302}, 3, 0},
		{"another product", 9102, "", 9102, []int64{9311}, -1, 1},
	} {
		var p *delivery.Product
		var stale bool
		var err error
		n := fx.calls(func() { p, stale, err = fx.sp.Product(ctx, fx.shop, tc.id, tc.handle) })
		if err != nil || stale {
			t.Errorf("%s: Product(%d, %q) = %v, stale %v, %v, want fresh facts", tc.name, tc.id, tc.handle, p, stale, err)
			continue
		}
		if p.ID != tc.wantID || !slices.Equal(variantIDs(p), tc.wantVars) || minDays(p) != tc.wantMin {
			t.Errorf("%s: Product(%d, %q) = product %d, variants %v, min days %d; want %d, %v, %d",
				tc.name, tc.id, tc.handle, p.ID, variantIDs(p), minDays(p), tc.wantID, tc.wantVars, tc.wantMin)
		}
		if n != tc.wantCalls {
			t.Errorf("%s: Product(%d, %q) made %d Admin API calls, want %d", tc.name, tc.id, tc.handle, n, tc.wantCalls)
		}
	}
}

// TestShopifyUnknownProduct: a product the shop does not have is
// delivery.ErrUnknownProduct, named by its key, never a stand-in.
func TestShopifyUnknownProduct(t *testing.T) {
	fx := newFixture(t)
	for _, tc := range []struct {
		id      int64
		handle  string
		wantMsg string
	}{
		{404, "", "{lera-och-tra.myshopify.com}:product:404: unknown product"},
		{0, "teapot", "{lera-och-tra.myshopify.com}:handle:teapot: unknown product"},
	} {
		p, stale, err := fx.sp.Product(context.Background(), fx.shop, tc.id, tc.handle)
		if !errors.Is(err, delivery.ErrUnknownProduct) || p != nil || stale {
			t.Errorf("Product(%d, %q) = %v, %v, %v, want ErrUnknownProduct", tc.id, tc.handle, p, stale, err)
			continue
		}
		if err.Error() != tc.wantMsg {
			t.Errorf("Product(%d, %q) error %q, want %q", tc.id, tc.handle, err, tc.wantMsg)
		}
	}
}

// TestShopifyNoToken: a shop without a token is served from the offline
// catalog of its settings, without a call.
func TestShopifyNoToken(t *testing.T) {
	fx := newFixture(t)
	fx.sp.Clients = func(context.Context, *delivery.Shop) (*shopify.Client, error) {
		return nil, fmt.Errorf("%s: %w", domain, catalog.ErrNoToken)
	}
	ctx := context.Background()
	n := fx.calls(func() {
		p, stale, err := fx.sp.Product(ctx, fx.shop, 9101, "")
		if err != nil || stale || !slices.Equal(variantIDs(p), []int64{9301}) || minDays(p) != -1 {
			t.Errorf("Product(9101) = %+v, %v, %v, want the offline catalog's bowl (variant 9301, no metafields)", p, stale, err)
		}
		if _, _, err := fx.sp.Product(ctx, fx.shop, 404, ""); !errors.Is(err, delivery.ErrUnknownProduct) {
			t.Errorf("Product(404) error %v, want ErrUnknownProduct", err)
		}
		got, stale, err := fx.sp.ProductsOfVariants(ctx, fx.shop, []int64{9301, 9311, 1})
		if err != nil || stale || len(got) != 2 || got[9301].ID != 9101 || got[9311].ID != 9102 {
			t.Errorf("ProductsOfVariants(9301, 9311, 1) = %v, %v, %v, want the bowl and the spoon", got, stale, err)
		}
	})
	if n != 0 {
		t.Errorf("without a token: %d Admin API calls, want 0", n)
	}
}

// TestShopifyOutage: when Shopify is down, a product seen before is
// served from the cache, stale once its TTL has passed; a product never
// seen is a stand-in that quotes the shop default, also stale. A store
// that cannot give the token is an outage too.
func TestShopifyOutage(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		fail func(fx *fixture)
	}{
		{"Shopify down", func(fx *fixture) { fx.fake.SetDown(true) }},
		{"no client", func(fx *fixture) {
			fx.sp.Clients = func(context.Context, *delivery.Shop) (*shopify.Client, error) {
				return nil, errors.New("store unavailable")
			}
		}},
	} {
		fx := newFixture(t)
		if _, _, err := fx.sp.Product(ctx, fx.shop, 9101, ""); err != nil {
			t.Fatal(err)
		}
		tc.fail(fx)

		p, stale, err := fx.sp.Product(ctx, fx.shop, 9101, "")
		if err != nil || stale || minDays(p) != 3 {
			t.Errorf("%s, within the TTL: Product(9101) = %+v, stale %v, %v, want fresh cached facts", tc.name, p, stale, err)
		}
		fx.clock.Add(catalog.ProductFactsTTL + time.Minute)
		p, stale, err = fx.sp.Product(ctx, fx.shop, 9101, "")
		if err != nil || !stale || minDays(p) != 3 {
			t.Errorf("%s, past the TTL: Product(9101) = %+v, stale %v, %v, want the cached facts, stale", tc.name, p, stale, err)
		}

		p, stale, err = fx.sp.Product(ctx, fx.shop, 9102, "birch-spoon")
		want := &delivery.Product{ID: 9102, Handle: "birch-spoon", Variants: []delivery.Variant{{ID: 0}}}
		if err != nil || !stale || fmt.Sprint(p) != fmt.Sprint(want) {
			t.Errorf("%s, never seen: Product(9102) = %+v, stale %v, %v, want the stand-in %+v, stale", tc.name, p, stale, err, want)
		}
		got, stale, err := fx.sp.ProductsOfVariants(ctx, fx.shop, []int64{9311})
		want = &delivery.Product{Variants: []delivery.Variant{{ID: 9311}}}
		if err != nil || !stale || len(got) != 1 || fmt.Sprint(got[9311]) != fmt.Sprint(want) {
			t.Errorf("%s, never seen: ProductsOfVariants(9311) = %v, stale %v, %v, want the stand-in %+v, stale", tc.name, got, stale, err, want)
		}
	}
}

// TestShopifyProductsOfVariants: a cart's uncached variants cost one call,
// each comes back as its product with only that variant, and unknown
// variants are left out.
func TestShopifyProductsOfVariants(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		ids       []int64
		want      map[int64][]int64 // variant → the product's variants
		wantCalls int
	}{
		{"all new", []int64{9301, 9311, 777}, map[int64][]int64{9301: {9301}, 9311: {9311}}, 1},
		{"all cached", []int64{9311, 9301}, map[int64][]int64{9301: {9301}, 9311: {9311}}, 0},
		{"one new", []int64{9301, 9302}, map[int64][]int64{9301: {9301}, 9302: {9302}}, 1},
	} {
		var got map[int64]*delivery.Product
		var stale bool
		var err error
		n := fx.calls(func() { got, stale, err = fx.sp.ProductsOfVariants(ctx, fx.shop, tc.ids) })
		if err != nil || stale {
			t.Errorf("%s: ProductsOfVariants(%v) = %v, stale %v, %v", tc.name, tc.ids, got, stale, err)
			continue
		}
		vars := map[int64][]int64{}
		for v, p := range got {
			vars[v] = variantIDs(p)
		}
		if fmt.Sprint(vars) != fmt.Sprint(tc.want) {
			t.Errorf("%s: ProductsOfVariants(%v) = variants %v, want %v", tc.name, tc.ids, vars, tc.want)
		}
		if n != tc.wantCalls {
			t.Errorf("%s: ProductsOfVariants(%v) made %d calls, want %d", tc.name, tc.ids, n, tc.wantCalls)
		}
	}
}

// TestShopifyForget: after Forget (a products/update webhook), the next
// request reloads the product, by id, handle and variant alike, and sees
// the edit.
func TestShopifyForget(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	load := func() (byID, byHandle, byVariant *delivery.Product) {
		var err error
		if byID, _, err = fx.sp.Product(ctx, fx.shop, 9101, ""); err != nil {
			t.Fatal(err)
		}
		if byHandle, _, err = fx.sp.Product(ctx, fx.shop, 0, "stoneware-bowl"); err != nil {
			t.Fatal(err)
		}
		got, _, err := fx.sp.ProductsOfVariants(ctx, fx.shop, []int64{9301})
		if err != nil {
			t.Fatal(err)
		}
		return byID, byHandle, got[9301]
	}
	if n := fx.calls(func() { load() }); n != 3 {
		t.Fatalf("first loads: %d calls, want 3", n)
	}
	edited := bowl()
	edited.Metafields["leadtime.processing_min_days"] = "5"
	fx.fake.UpdateProduct(domain, edited)
	if n := fx.calls(func() { load() }); n != 0 {
		t.Errorf("before Forget: %d calls, want 0 (cached)", n)
	}

	fx.sp.Forget(ctx, domain, 9101, "stoneware-bowl", []int64{9301, 9302})
	var a, b, c *delivery.Product
	if n := fx.calls(func() { a, b, c = load() }); n != 3 {
		t.Errorf("after Forget: %d calls, want 3", n)
	}
	for what, p := range map[string]*delivery.Product{"by id": a, "by handle": b, "by variant": c} {
		if minDays(p) != 5 {
			t.Errorf("after Forget, %s: processing_min_days %d, want the edit's 5", what, minDays(p))
		}
	}
}

// TestShopifyForgetInventoryItem: a stock webhook names an inventory item;
// the product that holds it is dropped, once.
func TestShopifyForgetInventoryItem(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	if _, _, err := fx.sp.Product(ctx, fx.shop, 9101, ""); err != nil {
		t.Fatal(err)
	}
	item := shopifytest.DefaultInventoryItemID(9302)
	for _, tc := range []struct {
		shop string
		item int64
		want bool
	}{
		{domain, shopifytest.DefaultInventoryItemID(9311), false}, // never loaded
		{"other.myshopify.com", item, false},
		{domain, item, true},
		{domain, item, false}, // already dropped
	} {
		if got := fx.sp.ForgetInventoryItem(ctx, tc.shop, tc.item); got != tc.want {
			t.Errorf("ForgetInventoryItem(%s, %d) = %v, want %v", tc.shop, tc.item, got, tc.want)
		}
	}
	if n := fx.calls(func() { fx.sp.Product(ctx, fx.shop, 9101, "") }); n != 1 {
		t.Errorf("Product(9101) after its stock changed: %d calls, want 1 (reloaded)", n)
	}
}

// TestShopifyForgetInventoryItemElsewhere: with Redis, an instance that
// never loaded the product finds it through the shared index.
func TestShopifyForgetInventoryItemElsewhere(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	mr := miniredis.RunT(t)
	instance := func() *catalog.Shopify {
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		t.Cleanup(func() { rdb.Close() })
		c := cache.New(cache.Options{Redis: rdb, Logger: discard, Now: fx.clock.Now})
		t.Cleanup(c.Close)
		return &catalog.Shopify{Cache: c, Clients: clientsOf(fx.fake), Log: discard}
	}
	a, b := instance(), instance()
	if n := fx.calls(func() { a.Product(ctx, fx.shop, 9101, "") }); n != 1 {
		t.Fatalf("A loads the bowl: %d calls, want 1", n)
	}
	if n := fx.calls(func() { b.Product(ctx, fx.shop, 9101, "") }); n != 0 {
		t.Fatalf("B reads the bowl: %d calls, want 0 (from Redis)", n)
	}
	if !b.ForgetInventoryItem(ctx, domain, shopifytest.DefaultInventoryItemID(9301)) {
		t.Fatalf("B: ForgetInventoryItem(the bowl's item) = false, want true from the shared index")
	}
	if n := fx.calls(func() { b.Product(ctx, fx.shop, 9101, "") }); n != 1 {
		t.Errorf("B reads the bowl after its stock changed: %d calls, want 1 (reloaded)", n)
	}
}

// TestShopifyShopperBudget: loads caused by shoppers spend the shop's
// budget (a burst of 2 on a clock that stands still); beyond it a product
// never seen is a stale stand-in, with no call. The shop's own loads are
// never budgeted, and cached products cost nothing.
func TestShopifyShopperBudget(t *testing.T) {
	fx := newFixture(t)
	fx.fake.AddProduct(domain, shopifytest.Product{ID: 9103, Handle: "walnut-board", Variants: []shopifytest.Variant{{ID: 9321}}})
	fx.sp.ShopperLoads = ratelimit.Rate{PerSecond: 1, Burst: 2}
	shopper := catalog.ForShopper(context.Background())
	merchant := context.Background()
	for _, tc := range []struct {
		name      string
		ctx       context.Context
		id        int64
		wantStale bool
		wantCalls int
	}{
		{"shopper, 1st load", shopper, 9101, false, 1},
		{"shopper, 2nd load", shopper, 9102, false, 1},
		{"shopper, budget spent", shopper, 9103, true, 0},
		{"shopper, cached", shopper, 9101, false, 0},
		{"merchant, not budgeted", merchant, 9103, false, 1},
	} {
		var p *delivery.Product
		var stale bool
		var err error
		n := fx.calls(func() { p, stale, err = fx.sp.Product(tc.ctx, fx.shop, tc.id, "") })
		if err != nil || stale != tc.wantStale || p.ID != tc.id {
			t.Errorf("%s: Product(%d) = %+v, stale %v, %v; want product %d, stale %v", tc.name, tc.id, p, stale, err, tc.id, tc.wantStale)
		}
		if n != tc.wantCalls {
			t.Errorf("%s: Product(%d) made %d calls, want %d", tc.name, tc.id, n, tc.wantCalls)
		}
	}
	// A second later one more load is allowed, for a cart this time.
	fx.clock.Add(time.Second)
	got, stale, err := fx.sp.ProductsOfVariants(shopper, fx.shop, []int64{9311})
	if err != nil || stale || got[9311] == nil || got[9311].ID != 9102 {
		t.Errorf("a second later: ProductsOfVariants(9311) = %v, stale %v, %v, want the spoon, fresh", got, stale, err)
	}
	got, stale, err = fx.sp.ProductsOfVariants(shopper, fx.shop, []int64{9302})
	if err != nil || !stale || got[9302] == nil || got[9302].ID != 0 {
		t.Errorf("budget spent again: ProductsOfVariants(9302) = %v, stale %v, %v, want a stale stand-in", got, stale, err)
	}
}

// TestShopifyConcurrentMisses: however many requests miss the same
// product at once, the instance loads it once (run with -race).
func TestShopifyConcurrentMisses(t *testing.T) {
	fx := newFixture(t)
	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	calls := fx.calls(func() {
		for range n {
			wg.Go(func() {
				p, _, err := fx.sp.Product(context.Background(), fx.shop, 9101, "")
				if err == nil && p.ID != 9101 {
					err = fmt.Errorf("got product %d", p.ID)
				}
				errs <- err
			})
		}
		wg.Wait()
	})
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Product(9101): %v", err)
		}
	}
	if calls != 1 {
		t.Errorf("%d concurrent Product(9101): %d calls, want 1", n, calls)
	}
}

func TestFactsKey(t *testing.T) {
	if got, want := catalog.FactsKey(domain, 9101), "leadtime:{lera-och-tra.myshopify.com}:product:9101"; got != want {
		t.Errorf("FactsKey(%s, 9101) = %q, want %q", domain, got, want)
	}
}

// TestShopifyNoShopperBudget: the zero Rate is no budget, as for every
// other limit: shoppers' loads all go ahead.
func TestShopifyNoShopperBudget(t *testing.T) {
	fx := newFixture(t)
	shopper := catalog.ForShopper(context.Background())
	n := fx.calls(func() {
		for _, id := range []int64{9101, 9102} {
			if p, stale, err := fx.sp.Product(shopper, fx.shop, id, ""); err != nil || stale || p.ID != id {
				t.Errorf("Product(%d) = %+v, stale %v, %v, want fresh facts", id, p, stale, err)
			}
		}
		if got, stale, err := fx.sp.ProductsOfVariants(shopper, fx.shop, []int64{9301, 9311}); err != nil || stale || len(got) != 2 {
			t.Errorf("ProductsOfVariants(9301, 9311) = %v, stale %v, %v, want both, fresh", got, stale, err)
		}
	})
	if n != 3 {
		t.Errorf("without a budget: %d calls, want 3", n)
	}
}
