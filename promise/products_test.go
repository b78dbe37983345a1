package promise_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
)

// errUpstream stands for Shopify failing in a way no answer can hide.
var errUpstream = errors.New("upstream failed")

// fakeProducts is a Products whose answers a test sets, and which counts
// what it is asked.
type fakeProducts struct {
	product   func(id int64, handle string) (*delivery.Product, bool, error)
	variants  func(ids []int64) (map[int64]*delivery.Product, bool, error)
	variantQs [][]int64 // the ids of each ProductsOfVariants call
}

func (f *fakeProducts) Product(_ context.Context, _ *delivery.Shop, id int64, handle string) (*delivery.Product, bool, error) {
	return f.product(id, handle)
}

func (f *fakeProducts) ProductsOfVariants(_ context.Context, _ *delivery.Shop, ids []int64) (map[int64]*delivery.Product, bool, error) {
	f.variantQs = append(f.variantQs, slices.Clone(ids))
	return f.variants(ids)
}

// TestEngineStandIn: when Shopify cannot say what a product is, the
// products source hands a stand-in marked stale; the answer is the shop's
// default for the very variant asked for, and says it is stale.
func TestEngineStandIn(t *testing.T) {
	products := &fakeProducts{product: func(id int64, handle string) (*delivery.Product, bool, error) {
		return promise.StandIn(id, handle, 0), true, nil
	}}
	e := &promise.Engine{Shops: promise.StaticShops{testShop: loadShop(t)}, Products: products}
	req := promise.ProductRequest{Shop: testShop, ProductID: 7001, VariantID: 8001}
	a, err := e.Product(context.Background(), req, at(t, "2027-09-14T10:00:00+02:00"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Stale {
		t.Errorf("Product(%+v): stale = false, want true", req)
	}
	if a.ProductID != 7001 || a.VariantID != 8001 {
		t.Errorf("Product(%+v): product, variant = %d, %d, want 7001, 8001", req, a.ProductID, a.VariantID)
	}
	// The shop default, 1-2 days from Tue 14: Wed 15 - Thu 16.
	if got, want := window(a.Ships), "2027-09-15..2027-09-16"; got != want {
		t.Errorf("Product(%+v): ships = %s, want %s", req, got, want)
	}
	if got := a.Processing.Source; got != delivery.SourceDefault {
		t.Errorf("Product(%+v): source = %q, want %q", req, got, delivery.SourceDefault)
	}
}

func TestStandIn(t *testing.T) {
	p := promise.StandIn(7001, "jug", 8001)
	if p.ID != 7001 || p.Handle != "jug" || len(p.Variants) != 1 || p.Variants[0].ID != 8001 {
		t.Fatalf("StandIn(7001, jug, 8001) = %+v, want product 7001 jug with the one variant 8001", p)
	}
	if v := p.Variants[0]; v.InventoryQuantity != nil || v.Metafields != (delivery.Metafields{}) {
		t.Errorf("StandIn variant = %+v, want untracked, without metafields", v)
	}
}

// TestEngineProductUpstreamError: an error that is not about the product
// is the engine's error, with no code of its own (the HTTP layer answers
// 5xx).
func TestEngineProductUpstreamError(t *testing.T) {
	products := &fakeProducts{product: func(int64, string) (*delivery.Product, bool, error) { return nil, false, errUpstream }}
	e := &promise.Engine{Shops: promise.StaticShops{testShop: loadShop(t)}, Products: products}
	a, err := e.Product(context.Background(), promise.ProductRequest{Shop: testShop, ProductID: 101}, at(t, "2027-09-14T10:00:00+02:00"))
	if !errors.Is(err, errUpstream) || a != nil {
		t.Errorf("Product = %+v, %v, want error %v", a, err, errUpstream)
	}
	if code := promise.Code(err); code != "" {
		t.Errorf("Code(%v) = %q, want none", err, code)
	}
}

// TestEngineCartOneLookup: a cart's variant lines are loaded in one call,
// whatever their number; product lines one by one; and stale facts make
// the cart stale.
func TestEngineCartOneLookup(t *testing.T) {
	shop := loadShop(t)
	for _, tc := range []struct {
		name                      string
		lines                     []promise.CartLine
		productStale, variantStal bool
		wantCalls                 [][]int64
		wantStale                 bool
	}{
		{"variants only", []promise.CartLine{{VariantID: 201}, {VariantID: 203}, {VariantID: 999}}, false, false, [][]int64{{201, 203, 999}}, false},
		{"no variant lines", []promise.CartLine{{Handle: "mug"}, {ProductID: 102}}, false, false, nil, false},
		{"stale product", []promise.CartLine{{Handle: "mug"}, {VariantID: 211}}, true, false, [][]int64{{211}}, true},
		{"stale variants", []promise.CartLine{{Handle: "mug"}, {VariantID: 211}}, false, true, [][]int64{{211}}, true},
	} {
		products := &fakeProducts{
			product: func(id int64, handle string) (*delivery.Product, bool, error) {
				p, _, err := promise.Catalog{}.Product(context.Background(), shop, id, handle)
				return p, tc.productStale, err
			},
			variants: func(ids []int64) (map[int64]*delivery.Product, bool, error) {
				m, _, err := promise.Catalog{}.ProductsOfVariants(context.Background(), shop, ids)
				return m, tc.variantStal, err
			},
		}
		e := &promise.Engine{Shops: promise.StaticShops{testShop: shop}, Products: products}
		c, err := e.Cart(context.Background(), promise.CartRequest{Shop: testShop, Lines: tc.lines}, at(t, "2027-09-14T10:00:00+02:00"))
		if err != nil {
			t.Fatalf("%s: Cart error: %v", tc.name, err)
		}
		if !slices.EqualFunc(products.variantQs, tc.wantCalls, slices.Equal) {
			t.Errorf("%s: ProductsOfVariants calls = %v, want %v", tc.name, products.variantQs, tc.wantCalls)
		}
		if c.Stale != tc.wantStale {
			t.Errorf("%s: stale = %v, want %v", tc.name, c.Stale, tc.wantStale)
		}
	}
}

// TestEngineCartUpstreamError: when products cannot be loaded at all, the
// cart fails; an unknown product only fails its line.
func TestEngineCartUpstreamError(t *testing.T) {
	shop := loadShop(t)
	now := at(t, "2027-09-14T10:00:00+02:00")
	for _, tc := range []struct {
		name     string
		lines    []promise.CartLine
		products *fakeProducts
		wantMsg  string
	}{
		{
			"product lookup", []promise.CartLine{{ProductID: 101}},
			&fakeProducts{product: func(int64, string) (*delivery.Product, bool, error) { return nil, false, errUpstream }},
			"upstream failed",
		},
		{
			"variant lookup", []promise.CartLine{{VariantID: 201}},
			&fakeProducts{variants: func([]int64) (map[int64]*delivery.Product, bool, error) { return nil, false, errUpstream }},
			"loading cart products: upstream failed",
		},
	} {
		e := &promise.Engine{Shops: promise.StaticShops{testShop: shop}, Products: tc.products}
		c, err := e.Cart(context.Background(), promise.CartRequest{Shop: testShop, Lines: tc.lines}, now)
		if !errors.Is(err, errUpstream) || c != nil {
			t.Errorf("%s: Cart = %+v, %v, want error %v", tc.name, c, err, errUpstream)
			continue
		}
		if err.Error() != tc.wantMsg {
			t.Errorf("%s: Cart error %q, want %q", tc.name, err, tc.wantMsg)
		}
	}
}

// TestCatalog: the offline catalog finds products by id, by handle and by
// variant, and says which product it does not know.
func TestCatalog(t *testing.T) {
	shop := loadShop(t)
	ctx := context.Background()
	for _, tc := range []struct {
		id      int64
		handle  string
		wantID  int64
		wantErr string
	}{
		{101, "", 101, ""},
		{0, "vase", 102, ""},
		{101, "vase", 101, ""}, // an id wins over a handle
		{999, "", 0, "product 999: unknown product"},
		{0, "teapot", 0, `product "teapot": unknown product`},
		{0, "", 0, `product "": unknown product`},
	} {
		p, stale, err := promise.Catalog{}.Product(ctx, shop, tc.id, tc.handle)
		if stale {
			t.Errorf("Catalog.Product(%d, %q): stale = true, want false", tc.id, tc.handle)
		}
		if tc.wantErr != "" {
			if !errors.Is(err, delivery.ErrUnknownProduct) || err.Error() != tc.wantErr {
				t.Errorf("Catalog.Product(%d, %q) = %v, %v, want error %q", tc.id, tc.handle, p, err, tc.wantErr)
			}
			continue
		}
		if err != nil || p.ID != tc.wantID {
			t.Errorf("Catalog.Product(%d, %q) = %v, %v, want product %d", tc.id, tc.handle, p, err, tc.wantID)
		}
	}

	got, stale, err := promise.Catalog{}.ProductsOfVariants(ctx, shop, []int64{201, 211, 999, 203})
	if err != nil || stale {
		t.Fatalf("Catalog.ProductsOfVariants = %v, %v, %v, want no error, not stale", got, stale, err)
	}
	ids := map[int64]int64{}
	for v, p := range got {
		ids[v] = p.ID
	}
	if want := map[int64]int64{201: 101, 211: 102, 203: 101}; fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("Catalog.ProductsOfVariants(201, 211, 999, 203) = products %v, want %v", ids, want)
	}
}

func TestStaticShops(t *testing.T) {
	shop := loadShop(t)
	shops := promise.StaticShops{testShop: shop}
	got, err := shops.Shop(context.Background(), testShop)
	if got != shop || err != nil {
		t.Errorf("Shop(%q) = %p, %v, want %p", testShop, got, err, shop)
	}
	got, err = shops.Shop(context.Background(), "other.myshopify.com")
	if got != nil || !errors.Is(err, promise.ErrShopNotInstalled) || !strings.Contains(err.Error(), `"other.myshopify.com"`) {
		t.Errorf("Shop(other) = %v, %v, want an error naming the shop, matching ErrShopNotInstalled", got, err)
	}
}
