package shopify

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

func ptr[T any](v T) *T { return &v }

func date(s string) *delivery.Date {
	d, err := delivery.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

// The fixture sweater as delivery should see it: untracked inventory has
// no quantity, policies are lower case, metafields typed, inventory items
// the fake's (distinct from the variants' ids).
var sweaterWant = &delivery.Product{
	ID: 1001, Handle: "wool-sweater", Title: "Hand-knit wool sweater", Vendor: "Stickat", ProductType: "Sweater",
	Tags: []string{"handmade", "wool"}, Collections: []string{"knitwear", "winter"},
	Metafields: delivery.Metafields{ProcessingMinDays: ptr(5), ProcessingMaxDays: ptr(8), Readiness: delivery.MadeToOrder},
	Variants: []delivery.Variant{
		{ID: 2001, Title: "S", InventoryQuantity: ptr(3), InventoryPolicy: "deny", InventoryItemID: 1_000_002_001,
			Metafields: delivery.Metafields{ProcessingMaxDays: ptr(10), ShipsOn: date("2026-12-01")}},
		{ID: 2002, Title: "M", InventoryQuantity: ptr(-2), InventoryPolicy: "continue", InventoryItemID: 1_000_002_002},
		{ID: 2003, Title: "L", InventoryQuantity: nil, InventoryPolicy: "deny", InventoryItemID: 1_000_002_003},
	},
}

// leanWant is a product as a client with SkipCollections loads
// it.
func leanWant(p *delivery.Product) *delivery.Product {
	q := *p
	q.Collections = nil
	return &q
}

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func TestProductMapping(t *testing.T) {
	srv := newFake(t)
	var logs logBuffer
	c := newClient(t, srv, Options{Logger: debugLogger(&logs)})
	lean := newClient(t, srv, Options{SkipCollections: true})
	for _, tc := range []struct {
		name string
		load func() (*delivery.Product, error)
		want *delivery.Product
	}{
		{"by id", func() (*delivery.Product, error) { return c.Product(t.Context(), 1001) }, sweaterWant},
		{"by handle", func() (*delivery.Product, error) { return c.ProductByHandle(t.Context(), "wool-sweater") }, sweaterWant},
		{"invalid metafields ignored", func() (*delivery.Product, error) { return c.Product(t.Context(), 1002) }, &delivery.Product{
			ID: 1002, Handle: "mug", Title: "Mug", Vendor: "Lera", ProductType: "Mug", Tags: []string{},
			Variants: []delivery.Variant{{ID: 2010, Title: "Default Title", InventoryQuantity: ptr(7), InventoryPolicy: "deny", InventoryItemID: 1_000_002_010}},
		}},
		{"by id, skipping collections", func() (*delivery.Product, error) { return lean.Product(t.Context(), 1001) }, leanWant(sweaterWant)},
		{"by handle, skipping collections", func() (*delivery.Product, error) { return lean.ProductByHandle(t.Context(), "wool-sweater") }, leanWant(sweaterWant)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.Calls()
			got, err := tc.load()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %s\nwant %s", dump(got), dump(tc.want))
			}
			if n := srv.Calls() - before; n != 1 {
				t.Errorf("%d Admin API calls for one product, want 1", n)
			}
		})
	}
	for _, key := range []string{"processing_min_days", "processing_max_days", "readiness", "ships_on"} {
		if !strings.Contains(logs.String(), `"key":"leadtime.`+key+`"`) {
			t.Errorf("no debug log for the invalid leadtime.%s of the mug:\n%s", key, logs.String())
		}
	}
}

func TestUnknownProduct(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	for name, load := range map[string]func() (*delivery.Product, error){
		"id":        func() (*delivery.Product, error) { return c.Product(t.Context(), 9) },
		"handle":    func() (*delivery.Product, error) { return c.ProductByHandle(t.Context(), "nope") },
		"zero id":   func() (*delivery.Product, error) { return c.Product(t.Context(), 0) },
		"no handle": func() (*delivery.Product, error) { return c.ProductByHandle(t.Context(), "") },
		"deleted id": func() (*delivery.Product, error) {
			srv.DeleteProduct(testShop, 1002)
			return c.Product(t.Context(), 1002)
		},
	} {
		if _, err := load(); !errors.Is(err, delivery.ErrUnknownProduct) {
			t.Errorf("%s: err = %v, want ErrUnknownProduct", name, err)
		}
	}
}

// TestUpdatesAreSeen checks that the loader reads the shop as it is now:
// the fake's UpdateProduct is what a products/update webhook announces.
func TestUpdatesAreSeen(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	p := sweater
	p.Metafields = map[string]string{"leadtime.processing_min_days": "1"}
	srv.UpdateProduct(testShop, p)
	got, err := c.Product(t.Context(), 1001)
	if err != nil {
		t.Fatal(err)
	}
	if got.Metafields.ProcessingMinDays == nil || *got.Metafields.ProcessingMinDays != 1 || got.Metafields.ProcessingMaxDays != nil {
		t.Errorf("after the update, metafields = %s", dump(got.Metafields))
	}
}

// cartShop adds n one-variant products (ids 5000+i, variants 6000+i) in a
// few collections each. n is at most 1000.
func cartShop(srv *shopifytest.Server, n int) []int64 {
	var ids []int64
	for i := range n {
		id := int64(5000 + i)
		srv.AddProduct(testShop, shopifytest.Product{
			ID: id, Handle: fmt.Sprintf("p-%d", i), Title: "P", Tags: []string{"t"},
			Collections: []string{"all", fmt.Sprintf("c-%d", i%3)},
			Metafields:  map[string]string{"leadtime.processing_min_days": fmt.Sprint(i % 4)},
			Variants:    []shopifytest.Variant{{ID: 6000 + id - 5000, Title: "V", InventoryQuantity: i, Tracked: i%2 == 0}},
		})
		ids = append(ids, 6000+id-5000)
	}
	return ids
}

func TestProductsOfVariants(t *testing.T) {
	srv := newFake(t)
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("SkipCollections=%v", skip), func(t *testing.T) {
			c := newClient(t, srv, Options{SkipCollections: skip})
			got, err := c.ProductsOfVariants(t.Context(), []int64{2001, 2003, 9999, 2010, 2001, 0, -5})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || got[9999] != nil {
				t.Fatalf("got variants %v, want 2001, 2003 and 2010", keys(got))
			}
			if got[2001] != got[2003] {
				t.Error("two variants of one product do not share its *delivery.Product")
			}
			sw := got[2001]
			want := *sweaterWant
			if skip {
				want.Collections = nil
			}
			want.Variants = []delivery.Variant{sweaterWant.Variants[0], sweaterWant.Variants[2]}
			if !reflect.DeepEqual(sw, &want) {
				t.Errorf("sweater from the cart query:\n%s\nwant\n%s", dump(sw), dump(&want))
			}
			if got[2010].ID != 1002 || len(got[2010].Variants) != 1 {
				t.Errorf("mug = %s", dump(got[2010]))
			}
		})
	}
}

func keys[V any](m map[int64]V) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCartCalls measures the Admin API calls of uncached carts: one call
// up to the most lines Shopify's 1000-point limit allows in one query (90
// without collections, 26 with), and as few as that limit allows beyond.
// DESIGN §8's cart of 50 uncached products is one call with
// SkipCollections.
func TestCartCalls(t *testing.T) {
	srv := newFake(t)
	srv.SetThrottle(100_000, 100_000) // calls are counted here, not throttled
	all := cartShop(srv, 250)
	for _, tc := range []struct {
		skip     bool
		maxNodes int
		calls    map[int]int // lines → calls, measured against the fake
	}{
		{true, leanMaxNodesPerQuery, map[int]int{1: 1, 50: 1, 90: 1, 91: 2, 250: 3}},
		{false, maxNodesPerQuery, map[int]int{1: 1, 26: 1, 27: 2, 50: 2, 250: 10}},
	} {
		t.Run(fmt.Sprintf("SkipCollections=%v", tc.skip), func(t *testing.T) {
			c := newClient(t, srv, Options{SkipCollections: tc.skip})
			for _, n := range slices.Sorted(maps.Keys(tc.calls)) {
				before := srv.Calls()
				got, err := c.ProductsOfVariants(t.Context(), all[:n])
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != n {
					t.Errorf("cart of %d: %d products", n, len(got))
				}
				calls := srv.Calls() - before
				if want := (n + tc.maxNodes - 1) / tc.maxNodes; calls != want || calls != tc.calls[n] {
					t.Errorf("cart of %d lines: %d Admin API calls, want %d", n, calls, tc.calls[n])
				}
				for _, p := range got {
					if (p.Collections == nil) != tc.skip {
						t.Fatalf("cart of %d lines: product %d has collections %q", n, p.ID, p.Collections)
					}
				}
				t.Logf("uncached cart of %d lines: %d Admin API call(s)", n, calls)
			}
			for _, id := range all[:3] {
				p, _ := c.ProductsOfVariants(t.Context(), []int64{id})
				if v := p[id].Variants[0]; (v.InventoryQuantity == nil) != ((id-6000)%2 == 1) {
					t.Errorf("variant %d: quantity %v, tracked should be %v", id, v.InventoryQuantity, (id-6000)%2 == 0)
				}
			}
		})
	}
}

// TestInventoryItemIDs: each variant carries its own inventory item's id,
// as the fake defaults it or as a product sets it.
func TestInventoryItemIDs(t *testing.T) {
	srv := newFake(t)
	srv.AddProduct(testShop, shopifytest.Product{ID: 1003, Handle: "bowl", Variants: []shopifytest.Variant{
		{ID: 2020, InventoryItemID: 7777}, {ID: 2021},
	}})
	for _, skip := range []bool{false, true} {
		c := newClient(t, srv, Options{SkipCollections: skip})
		got, err := c.ProductsOfVariants(t.Context(), []int64{2001, 2020, 2021})
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Product(t.Context(), 1003)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			v    delivery.Variant
			want int64
		}{
			{got[2001].Variants[0], shopifytest.DefaultInventoryItemID(2001)},
			{got[2020].Variants[0], 7777},
			{got[2021].Variants[1], shopifytest.DefaultInventoryItemID(2021)},
			{p.Variants[0], 7777},
			{p.Variants[1], shopifytest.DefaultInventoryItemID(2021)},
		} {
			if tc.v.InventoryItemID != tc.want || tc.v.InventoryItemID == tc.v.ID {
				t.Errorf("SkipCollections=%v: variant %d: inventory item %d, want %d", skip, tc.v.ID, tc.v.InventoryItemID, tc.want)
			}
		}
	}
}

func TestGID(t *testing.T) {
	if got := GID("Order", 12); got != "gid://shopify/Order/12" {
		t.Errorf("GID = %s", got)
	}
	for gid, want := range map[string]int64{
		"gid://shopify/Product/1001":       1001,
		"gid://shopify/Product/1001?x=y":   1001,
		"gid://shopify/ProductVariant/1":   0,
		"gid://shopify/Product/":           0,
		"gid://shopify/Product/-1":         0,
		"gid://shopify/Product/1/2":        0,
		"https://shopify/Product/1":        0,
		"gid://shopify/Product/1001 ":      0,
		"gid://shopify/Product/9999999999": 9999999999,
	} {
		got, ok := ParseGID(gid, "Product")
		if got != want || ok != (want != 0) {
			t.Errorf("ParseGID(%q) = %d, %v; want %d", gid, got, ok, want)
		}
	}
}

// TestCartOverCostLimitIsSplit: should a chunk cost more than Shopify
// allows, it is halved rather than failed.
func TestCartOverCostLimitIsSplit(t *testing.T) {
	for _, tc := range []struct {
		skip  bool
		lines int // above the limit, each half below it
	}{{false, 40}, {true, 100}} {
		srv := newFake(t)
		srv.SetThrottle(100_000, 100_000)
		c := newClient(t, srv, Options{SkipCollections: tc.skip})
		all := cartShop(srv, tc.lines)
		out, byID := map[int64]*delivery.Product{}, map[int64]*delivery.Product{}
		if err := c.variantProducts(t.Context(), all, byID, out); err != nil {
			t.Fatal(err)
		}
		if len(out) != tc.lines || srv.Calls() != 3 {
			t.Errorf("SkipCollections=%v: %d products in %d calls, want %d in 3 (refused, then two halves)", tc.skip, len(out), srv.Calls(), tc.lines)
		}
	}
}

// TestProductVariantPages: a product's variants beyond the first page are
// read in pages of what is left, up to maxVariants; each query stays under
// the cost it is written for, and a product of a few variants costs one
// query.
func TestProductVariantPages(t *testing.T) {
	for _, tc := range []struct {
		variants  int
		wantRead  int
		wantCalls int
		wantCost  float64 // requested, all queries
	}{
		{1, 1, 1, 68},
		{10, 10, 1, 68},
		{11, 11, 2, 68 + (3 + 1*6)},
		{37, 37, 2, 68 + (3 + 27*6)},
		{100, 100, 2, 68 + (3 + 90*6)},
		{130, 100, 2, 68 + (3 + 90*6)}, // read partially, as before
	} {
		srv := newFake(t)
		p := shopifytest.Product{ID: 1100, Handle: "many", Title: "Many"}
		for i := range tc.variants {
			p.Variants = append(p.Variants, shopifytest.Variant{ID: int64(11_000 + i), Title: fmt.Sprint("V", i)})
		}
		srv.AddProduct(testShop, p)
		var calls int
		var requested float64
		c := newClient(t, srv, Options{SkipCollections: true, OnCost: func(r, _, _ float64) { calls++; requested += r }})
		for _, load := range []func() (*delivery.Product, error){
			func() (*delivery.Product, error) { return c.Product(t.Context(), 1100) },
			func() (*delivery.Product, error) { return c.ProductByHandle(t.Context(), "many") },
		} {
			calls, requested = 0, 0
			got, err := load()
			if err != nil {
				t.Fatalf("%d variants: %v", tc.variants, err)
			}
			if len(got.Variants) != tc.wantRead {
				t.Errorf("%d variants: read %d, want %d", tc.variants, len(got.Variants), tc.wantRead)
			}
			for i, v := range got.Variants {
				if want := int64(11_000 + i); v.ID != want {
					t.Errorf("%d variants: variant %d is %d, want %d (in order, none twice)", tc.variants, i, v.ID, want)
					break
				}
			}
			if calls != tc.wantCalls || requested != tc.wantCost {
				t.Errorf("%d variants: %d queries requesting %v points, want %d requesting %v", tc.variants, calls, requested, tc.wantCalls, tc.wantCost)
			}
		}
	}
}
