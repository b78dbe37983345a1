package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/functionconfig"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// functionConfigOf reads the checkout function's config from the fake: the
// metafield of the shop's one delivery customization.
func (e *e2e) functionConfigOf(t *testing.T, shop string) (shopifytest.DeliveryCustomization, functionconfig.Config) {
	t.Helper()
	dcs := e.fake.DeliveryCustomizations(shop)
	if len(dcs) != 1 {
		t.Fatalf("%s has %d delivery customizations, want 1: %+v", shop, len(dcs), dcs)
	}
	m, ok := e.fake.Metafield(shop, dcs[0].ID, shopify.FunctionConfigNamespace, shopify.FunctionConfigKey)
	if !ok {
		t.Fatalf("%s: no function config metafield on %s", shop, dcs[0].ID)
	}
	var cfg functionconfig.Config
	if err := json.Unmarshal([]byte(m.Value), &cfg); err != nil {
		t.Fatalf("%s: the function config is not JSON: %v\n%s", shop, err, m.Value)
	}
	return dcs[0], cfg
}

// adminDo sends an admin API request for shop with a valid session token.
func (e *e2e) adminDo(t *testing.T, method, path, shop string, body []byte, headers ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+shopifytest.SessionToken(e2eAPIKey, e2eAPISecret, shop, e.wall.Now()))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.serve(req).Result()
}

// TestCheckoutFunctionLifecycle: install creates the delivery customization
// with its config, the settings page sees it active, a save rewrites the
// config, a second install adds no second customization, and a shop that
// turned it off in Shopify is reported "disabled".
func TestCheckoutFunctionLifecycle(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)

	dc, cfg := e.functionConfigOf(t, e2eShop)
	if dc.FunctionHandle != "leadtime-delivery-dates" || !dc.Enabled {
		t.Errorf("after install: customization %+v, want the leadtime-delivery-dates function, enabled", dc)
	}
	// The imported default is Shopify's processing time, P2D.
	if cfg.Default != [2]int{2, 2} || cfg.Days == 0 || cfg.Start == "" {
		t.Errorf("after install: config default %v, %d days from %q; want 2–2 over a horizon", cfg.Default, cfg.Days, cfg.Start)
	}

	status := func() shopifyapp.FunctionStatus {
		t.Helper()
		resp := e.adminDo(t, "GET", "/admin/api/checkout-function", e2eShop, nil)
		defer resp.Body.Close()
		var st shopifyapp.FunctionStatus
		if err := json.NewDecoder(resp.Body).Decode(&st); resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("GET /admin/api/checkout-function: %d, %v", resp.StatusCode, err)
		}
		return st
	}
	if st := status(); st.State != "active" || !st.HasConfig || st.ID != dc.ID {
		t.Errorf("status after install = %+v, want active with a config, id %s", st, dc.ID)
	}

	// A save rewrites the config from the new settings.
	get := e.adminDo(t, "GET", "/admin/api/settings", e2eShop, nil)
	var settings delivery.Settings
	if err := json.NewDecoder(get.Body).Decode(&settings); err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	settings.Processing = &delivery.Days{Min: 3, Max: 6}
	doc, _ := json.Marshal(settings)
	put := e.adminDo(t, "PUT", "/admin/api/settings", e2eShop, doc, "If-Match", get.Header.Get("ETag"))
	put.Body.Close()
	if put.StatusCode != http.StatusOK {
		t.Fatalf("PUT /admin/api/settings = %d, want 200", put.StatusCode)
	}
	if _, cfg := e.functionConfigOf(t, e2eShop); cfg.Default != [2]int{3, 6} {
		t.Errorf("after a save: config default %v, want [3 6]", cfg.Default)
	}

	// Installing again reuses the customization.
	e.install(t, e2eShop)
	if again, _ := e.functionConfigOf(t, e2eShop); again.ID != dc.ID {
		t.Errorf("after a second install: customization %s, want %s", again.ID, dc.ID)
	}

	// Turned off in Shopify's shipping settings: the page says so.
	e.fake.SetDeliveryCustomizationEnabled(e2eShop, dc.ID, false)
	if st := status(); st.State != "disabled" {
		t.Errorf("status after the merchant turned it off = %+v, want disabled", st)
	}

	// The other shop never installed: not installed, and nothing written.
	if n := len(e.fake.DeliveryCustomizations(e2eOther)); n != 0 {
		t.Errorf("%s (not installed) has %d delivery customizations, want 0", e2eOther, n)
	}
}

// TestRefreshCheckoutFunctions: the daily refresh moves every installed
// shop's calendars forward to the day it runs.
func TestRefreshCheckoutFunctions(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	_, before := e.functionConfigOf(t, e2eShop)

	later := e.wall.Now().AddDate(0, 0, 10)
	if err := e.app.RefreshCheckoutFunctions(context.Background(), later); err != nil {
		t.Fatalf("RefreshCheckoutFunctions: %v", err)
	}
	_, after := e.functionConfigOf(t, e2eShop)
	if want := later.In(stockholm).Format("2006-01-02"); after.Start != want || after.Start == before.Start {
		t.Errorf("after a refresh 10 days on: config starts %s (was %s), want %s", after.Start, before.Start, want)
	}
}
