package shopify

import (
	"errors"
	"testing"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// TestFunctionDeliveryCustomization: install creates the customization
// with its config in one call; the status finds it; a save rewrites the
// config in place.
func TestFunctionDeliveryCustomization(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	if d, err := c.FunctionDeliveryCustomization(t.Context()); err != nil || d != nil {
		t.Fatalf("FunctionDeliveryCustomization before install = %+v, %v; want nil, nil", d, err)
	}
	created, err := c.CreateFunctionDeliveryCustomization(t.Context(), []byte(`{"v":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if !created.Enabled || created.ID == "" {
		t.Errorf("created = %+v, want an enabled customization", created)
	}
	m, ok := srv.Metafield(testShop, created.ID, FunctionConfigNamespace, FunctionConfigKey)
	if !ok || m.Value != `{"v":1}` || m.Type != "json" {
		t.Errorf("config metafield = %+v, %v", m, ok)
	}
	got, err := c.FunctionDeliveryCustomization(t.Context())
	if err != nil || got == nil || *got != *created {
		t.Errorf("FunctionDeliveryCustomization = %+v, %v; want %+v", got, err, created)
	}
	if err := c.SetFunctionConfig(t.Context(), created.ID, []byte(`{"v":1,"days":184}`)); err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.Metafield(testShop, created.ID, FunctionConfigNamespace, FunctionConfigKey); m.Value != `{"v":1,"days":184}` {
		t.Errorf("config after SetFunctionConfig = %q", m.Value)
	}
	if n := len(srv.DeliveryCustomizations(testShop)); n != 1 {
		t.Errorf("%d delivery customizations, want 1", n)
	}
}

// TestFunctionDeliveryCustomizationRefused: Shopify's refusals reach the
// caller as ErrRejected (25 active already, an invalid config) or as an
// access error without the scope, and nothing is created.
func TestFunctionDeliveryCustomizationRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shop   shopifytest.Shop
		config string
		want   error
	}{
		{"25 active", shopifytest.Shop{ActiveDeliveryCustomizations: 25}, `{}`, ErrRejected},
		{"config not JSON", shopifytest.Shop{}, `{`, ErrRejected},
		{"no write_delivery_customizations", shopifytest.Shop{Scopes: []string{"read_products"}}, `{}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := shopifytest.NewServer()
			t.Cleanup(srv.Close)
			srv.AddShop(testShop, testToken, tc.shop)
			c := newClient(t, srv, Options{})
			_, err := c.CreateFunctionDeliveryCustomization(t.Context(), []byte(tc.config))
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("CreateFunctionDeliveryCustomization = %v, want an error matching %v", err, tc.want)
			}
			if n := len(srv.DeliveryCustomizations(testShop)); n != 0 {
				t.Errorf("%d delivery customizations created, want 0", n)
			}
		})
	}
}
