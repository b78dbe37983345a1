package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/shopify"
)

// TestShopperLoadBudget (issue 16 item 4): 60 anonymous GET
// /storefront/v1/cart of 250 random variant ids each (3 Admin API queries
// a cart without the budget: 180) spend at most the shop's
// shopper budget, catalog.DefaultShopperLoads' burst, on a clock that does not
// move; every answer is a 200 (unknown lines, or the shop default marked
// stale), never a 5xx. The shop's own work is not budgeted: after the
// flood, orders/create still quotes the order from Shopify's facts.
func TestShopperLoadBudget(t *testing.T) {
	e := newE2E(t)
	e.install(t, e2eShop)
	const carts = 60 // 3 queries each (90 ids a query): 180 without the budget
	n := e.calls(func() {
		for c := range carts {
			items := make([]string, 250)
			for i := range items {
				items[i] = fmt.Sprintf("%d:1", 90_000_000+c*1000+i) // ids no shop has
			}
			target := "/storefront/v1/cart?shop=" + e2eShop + "&country=SE&items=" + url.QueryEscape(strings.Join(items, ","))
			if w := e.get(target); w.Code != http.StatusOK {
				t.Fatalf("cart %d of random ids: %d %s, want 200", c+1, w.Code, w.Body)
			}
		}
	})
	if limit := catalog.DefaultShopperLoads.Burst; n > limit {
		t.Errorf("60 carts of 250 random ids made %d Admin API calls, want at most the shopper budget's %d", n, limit)
	}
	t.Logf("60 carts × 250 random ids: %d Admin API calls (budget burst %d)", n, catalog.DefaultShopperLoads.Burst)

	const orderID = 820982911946154700
	order := []byte(fmt.Sprintf(`{"id":%d,"created_at":"2026-11-23T09:00:00+01:00","customer_locale":"en",
		"line_items":[{"product_id":%d,"variant_id":%d,"quantity":1}],
		"shipping_address":{"country_code":"SE"},"shipping_lines":[{"code":"standard"}]}`,
		orderID, sweaterID, sweaterVariant))
	if w := e.webhook("orders/create", e2eShop, "", order); w.Code != http.StatusOK {
		t.Fatalf("orders/create after the flood: %d %s", w.Code, w.Body)
	}
	m, ok := e.fake.Metafield(e2eShop, shopify.GID("Order", orderID), "leadtime", "promise")
	if !ok || strings.Contains(m.Value, `"stale":true`) || !strings.Contains(m.Value, "product_metafield") {
		t.Errorf("leadtime.promise after the flood = %.200s; want a fresh promise from the sweater's metafield", m.Value)
	}
}
