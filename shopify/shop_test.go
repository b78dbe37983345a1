package shopify

import (
	"errors"
	"reflect"
	"testing"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

func TestShopInfo(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	got, err := c.ShopInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := ShopInfo{ID: srv.ShopGID(testShop), Name: "Demo Handmade", Domain: testShop, Timezone: "Europe/Stockholm",
		Country: "SE", Locale: "sv", ProcessingTime: "P2D", ProcessingDays: ptr(2)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ShopInfo = %+v\nwant %+v", got, want)
	}
	if srv.Calls() != 1 {
		t.Errorf("%d calls, want 1", srv.Calls())
	}
}

// TestShopInfoWithoutScopes: an app without read_locales and read_shipping
// still imports the rest.
func TestShopInfoWithoutScopes(t *testing.T) {
	srv := shopifytest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddShop(testShop, testToken, shopifytest.Shop{Timezone: "America/New_York", Country: "US", Locale: "en",
		ProcessingTime: "P3D", Scopes: []string{"read_products", "write_products", "write_orders"}})
	c := newClient(t, srv, Options{})
	got, err := c.ShopInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got.Timezone != "America/New_York" || got.Country != "US" || got.Locale != "" || got.ProcessingDays != nil {
		t.Errorf("ShopInfo = %+v, want the time zone and country only", got)
	}
	if srv.Calls() != 2 {
		t.Errorf("%d calls, want 2 (denied, then the basics)", srv.Calls())
	}
}

func TestDurationDays(t *testing.T) {
	for in, want := range map[string]int{"P0D": 0, "P2D": 2, "P10D": 10, "PT24H": 1, "PT25H": 2, "P1DT12H": 2, "PT0H": 0} {
		if got, ok := durationDays(in); !ok || got != want {
			t.Errorf("durationDays(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "P", "2D", "P1W", "P1M", "PT30M", "P-1D", "PD", "P400D", "P2DT"} {
		if got, ok := durationDays(in); ok {
			t.Errorf("durationDays(%q) = %d, want not ok", in, got)
		}
	}
}

func TestEnsureMetafieldDefinitions(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	for range 2 { // the second time everything is TAKEN, which is success
		if err := c.EnsureMetafieldDefinitions(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if srv.Calls() != 2 {
		t.Errorf("%d calls for two installs, want 2 (one each)", srv.Calls())
	}
	if n := len(srv.Mutations()); n != 18 {
		t.Errorf("%d mutation fields recorded, want 2 × 9", n)
	}
	defs := map[string]shopifytest.Definition{}
	for _, d := range srv.Definitions(testShop) {
		defs[d.OwnerType+" "+d.Namespace+"."+d.Key] = d
	}
	want := map[string]string{
		"PRODUCT leadtime.processing_min_days":        "number_integer",
		"PRODUCT leadtime.processing_max_days":        "number_integer",
		"PRODUCT leadtime.readiness":                  "single_line_text_field",
		"PRODUCT leadtime.ships_on":                   "date",
		"PRODUCTVARIANT leadtime.processing_min_days": "number_integer",
		"PRODUCTVARIANT leadtime.processing_max_days": "number_integer",
		"PRODUCTVARIANT leadtime.readiness":           "single_line_text_field",
		"PRODUCTVARIANT leadtime.ships_on":            "date",
		"ORDER leadtime.promise":                      "json",
	}
	if len(defs) != len(want) {
		t.Errorf("%d definitions, want %d: %v", len(defs), len(want), defs)
	}
	for k, typ := range want {
		d, ok := defs[k]
		switch {
		case !ok:
			t.Errorf("no definition %s", k)
		case d.Type != typ || d.Storefront != "PUBLIC_READ":
			t.Errorf("%s: type %s, storefront %q; want %s, PUBLIC_READ", k, d.Type, d.Storefront, typ)
		case d.Pinned != (d.OwnerType != "ORDER"):
			t.Errorf("%s: pinned = %v", k, d.Pinned)
		}
	}
	if v := defs["PRODUCT leadtime.readiness"].Validations["choices"]; v != `["ready_to_ship","made_to_order"]` {
		t.Errorf("readiness choices = %q", v)
	}
	if v := defs["PRODUCTVARIANT leadtime.processing_max_days"].Validations; v["min"] != "0" || v["max"] != "365" {
		t.Errorf("processing_max_days validations = %v", v)
	}
	// With definitions, Shopify validates what merchants enter.
	err := c.SetMetafields(t.Context(), []MetafieldInput{{OwnerID: GID("Product", 1001), Namespace: "leadtime", Key: "readiness", Value: "soon"}})
	if !errors.Is(err, ErrRejected) {
		t.Errorf("readiness \"soon\" with the choices validation: %v, want ErrRejected", err)
	}
}

// TestDefinitionsWhenPinsRunOut: a shop whose 20 pins are taken still gets
// the definitions, unpinned.
func TestDefinitionsWhenPinsRunOut(t *testing.T) {
	srv := shopifytest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddShop(testShop, testToken, shopifytest.Shop{PinnedDefinitions: 20})
	c := newClient(t, srv, Options{})
	if err := c.EnsureMetafieldDefinitions(t.Context()); err != nil {
		t.Fatal(err)
	}
	defs := srv.Definitions(testShop)
	if len(defs) != 9 {
		t.Fatalf("%d definitions, want 9", len(defs))
	}
	for _, d := range defs {
		if d.Pinned {
			t.Errorf("%s %s pinned beyond the limit", d.OwnerType, d.Key)
		}
	}
}

func TestSetMetafields(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	if got, err := c.ShopSettingsMetafield(t.Context()); err != nil || got != nil {
		t.Fatalf("ShopSettingsMetafield before any = %q, %v; want nil, nil", got, err)
	}
	promise := `{"ships":{"earliest":"2026-12-07","latest":"2026-12-10"},"lines":[]}`
	settings := `{"shop":"demo-handmade.myshopify.com","timezone":"Europe/Stockholm"}`
	calls := srv.Calls()
	err := c.SetMetafields(t.Context(), []MetafieldInput{
		{OwnerID: GID("Order", 450789469), Namespace: "leadtime", Key: "promise", Type: "json", Value: promise},
		{Namespace: "leadtime", Key: "settings", Type: "json", Value: settings},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls() - calls; n != 1 { // the shop's GID came with ShopSettingsMetafield
		t.Errorf("%d calls, want 1", n)
	}
	if m, ok := srv.Metafield(testShop, GID("Order", 450789469), "leadtime", "promise"); !ok || m.Value != promise || m.Type != "json" {
		t.Errorf("order metafield = %+v, %v", m, ok)
	}
	got, err := c.ShopSettingsMetafield(t.Context())
	if err != nil || string(got) != settings {
		t.Errorf("ShopSettingsMetafield = %q, %v; want %q", got, err, settings)
	}
	err = c.SetMetafields(t.Context(), []MetafieldInput{{OwnerID: GID("Order", 1), Namespace: "leadtime", Key: "promise", Type: "json", Value: "{"}})
	var ue *UserErrors
	if !errors.As(err, &ue) || !errors.Is(err, ErrRejected) || ue.Errors[0].Code != "INVALID_VALUE" {
		t.Errorf("invalid JSON: %v, want ErrRejected with INVALID_VALUE", err)
	}
}

// TestSetMetafieldsFindsShopOnce: an empty OwnerID costs one lookup of the
// shop's GID, the first time only.
func TestSetMetafieldsFindsShopOnce(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	for range 3 {
		if err := c.SetMetafields(t.Context(), []MetafieldInput{{Namespace: "leadtime", Key: "settings", Type: "json", Value: "{}"}}); err != nil {
			t.Fatal(err)
		}
	}
	if srv.Calls() != 4 {
		t.Errorf("%d calls, want 1 + 3", srv.Calls())
	}
	if _, ok := srv.Metafield(testShop, srv.ShopGID(testShop), "leadtime", "settings"); !ok {
		t.Error("no shop metafield")
	}
}
