package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/delivery"
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

func demoTestServer(t *testing.T) *Server {
	t.Helper()
	shop := demoTestShop(t)
	now := time.Date(2026, 11, 28, 9, 15, 0, 0, shop.Location())
	return New(Config{
		Engine:      &Engine{Shops: StaticShops{shop.Domain(): shop}, Products: Catalog{}},
		DefaultShop: shop.Domain(), Demo: true, Now: func() time.Time { return now },
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

func TestSnippetRoute(t *testing.T) {
	gin.SetMode(gin.TestMode)
	srv := demoTestServer(t)
	for _, tc := range []struct {
		name string
		code int
		has  string
	}{
		{"leadtime-order-confirmation.liquid", 200, "Settings → Notifications"},
		{"leadtime-jsonld", 200, "OfferShippingDetails"},
		{"nope.liquid", 404, `"code":"not_found"`},
		{"..", 404, `"code":"not_found"`},
	} {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Params = gin.Params{{Key: "name", Value: tc.name}}
		c.Request = httptest.NewRequest(http.MethodGet, "/snippets/"+tc.name, nil)
		srv.handleSnippet()(c)
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.has) {
			t.Errorf("/snippets/%s = %d %.80q, want %d with %q", tc.name, rec.Code, rec.Body, tc.code, tc.has)
		}
		if tc.code == 200 && rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("/snippets/%s: Content-Type %q", tc.name, rec.Header().Get("Content-Type"))
		}
	}
}
