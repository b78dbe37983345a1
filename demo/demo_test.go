package demo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

func demoTestShop(t *testing.T) *delivery.Shop {
	t.Helper()
	shop, err := delivery.LoadShop([]byte(`
shop: demo-handmade.myshopify.com
timezone: Europe/Stockholm
country: SE
shipping: {zones: [{name: Sweden, countries: [SE], methods: [{code: standard, min: 1, max: 3}]}]}
catalog:
  - {id: 1001, handle: wool-sweater, title: Sweater, metafields: {processing_min_days: 5, processing_max_days: 8, readiness: made_to_order},
     variants: [{id: 2001, title: S}, {id: 2002, title: M}]}
  - {id: 1002, handle: mug, title: Mug, variants: [{id: 2011, title: Ash}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

func demoTestServer(t *testing.T) *server.Server {
	t.Helper()
	shop := demoTestShop(t)
	now := time.Date(2026, 11, 28, 9, 15, 0, 0, shop.Location())
	shops := promise.StaticShops{shop.Domain(): shop}
	return server.New(server.Config{
		Engine:      &promise.Engine{Shops: shops, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(), Demo: true, Now: func() time.Time { return now },
		Routes: Routes(Config{Shops: shops, Shop: shop.Domain(), Now: func() time.Time { return now }}),
	})
}

// The demo page carries the theme extension's cart block and app embed, rendered for the
// visitor's cart: the markers are gone, the blocks' markup is in.
func TestDemoPageRendersTheBlocks(t *testing.T) {
	srv := demoTestServer(t)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d: %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`<leadtime-promise cart sync-attribute endpoint="/proxy" parts="ships delivery" countdown><span class="leadtime-fallback">Add something to your cart to see when it ships</span></leadtime-promise>`,
		`<script src="/assets/leadtime-embed.js" type="module"></script>`,
		`<template id="leadtime-embed" data-endpoint="/proxy"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the demo page lacks %s", want)
		}
	}
	for _, marker := range []string{demoCartMarker, demoEmbedMarker, "data-drawer"} {
		if strings.Contains(body, marker) {
			t.Errorf("the demo page still has %s", marker)
		}
	}
}

// catalog.json carries each product's block, with the metafield fallback.
func TestDemoCatalogCarriesTheProductBlock(t *testing.T) {
	srv := demoTestServer(t)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/demo/catalog.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /demo/catalog.json = %d: %s", rec.Code, rec.Body)
	}
	var cat struct {
		Products []demoProduct `json:"products"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &cat); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"wool-sweater": `<leadtime-promise product-id="1001" variant-id="2001" data-variants="2001,2002" endpoint="/proxy" parts="ships delivery" countdown><span class="leadtime-fallback">Made to order · Ships in 5–8 business days</span></leadtime-promise>`,
		"mug":          `<span class="leadtime-fallback">Shipping times are shown at checkout</span>`,
	}
	for _, p := range cat.Products {
		if !strings.Contains(p.PromiseHTML, want[p.Handle]) {
			t.Errorf("%s: promise_html %s\nlacks %s", p.Handle, p.PromiseHTML, want[p.Handle])
		}
	}
	if len(cat.Products) != 2 {
		t.Errorf("%d products, want 2", len(cat.Products))
	}
}
