package shopifyapp

import (
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/shopify"
)

func TestDefaultSettings(t *testing.T) {
	t.Parallel()
	days := func(n int) *int { return &n }
	for _, tc := range []struct {
		name        string
		info        shopify.ShopInfo
		tz, country string
		processing  delivery.Days
		domestic    string
	}{
		{"Shopify's own", shopify.ShopInfo{Timezone: "Europe/Oslo", Country: "NO", Locale: "nb", ProcessingDays: days(2)}, "Europe/Oslo", "NO", delivery.Days{Min: 2, Max: 2}, "NO"},
		{"nothing known", shopify.ShopInfo{}, "UTC", "US", delivery.Days{Min: 1, Max: 3}, "US"},
		{"unknown country", shopify.ShopInfo{Country: "XX"}, "UTC", "US", delivery.Days{Min: 1, Max: 3}, "US"},
		{"negative days", shopify.ShopInfo{Country: "SE", ProcessingDays: days(-4)}, "UTC", "SE", delivery.Days{}, "SE"},
		{"too many days", shopify.ShopInfo{Country: "SE", ProcessingDays: days(delivery.MaxDays + 9)}, "UTC", "SE", delivery.Days{Min: delivery.MaxDays, Max: delivery.MaxDays}, "SE"},
	} {
		got := DefaultSettings("a.myshopify.com", tc.info)
		if got.Shop != "a.myshopify.com" || got.Timezone != tc.tz || got.Country != tc.country || got.Locale != tc.info.Locale {
			t.Errorf("DefaultSettings(%s) = shop %s, tz %s, country %s, locale %s; want %s, %s",
				tc.name, got.Shop, got.Timezone, got.Country, got.Locale, tc.tz, tc.country)
		}
		if got.Processing == nil || *got.Processing != tc.processing {
			t.Errorf("DefaultSettings(%s).Processing = %v, want %v", tc.name, got.Processing, tc.processing)
		}
		if z := got.Shipping.Zones; len(z) != 2 || len(z[0].Countries) != 1 || z[0].Countries[0] != tc.domestic || z[1].Countries[0] != "*" {
			t.Errorf("DefaultSettings(%s).Shipping.Zones = %v, want the domestic zone (%s) and the rest of the world", tc.name, z, tc.domestic)
		}
	}
}
