package server

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
)

// originsShop is the demo shop as test-valid.myshopify.com with the given
// storefront_origins, compiled (and so validated) as a saved shop is.
func originsShop(t *testing.T, origins ...string) *delivery.Shop {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := delivery.ParseSettings(data)
	if err != nil {
		t.Fatal(err)
	}
	st.Shop, st.StorefrontOrigins = "test-valid.myshopify.com", origins
	shop, err := delivery.Compile(st)
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

// TestOriginAllowed: which browser origins (as sent in the Origin header)
// the shop allows: its own https://{shop} domain and the listed origins;
// a wildcard matches exactly one subdomain level; a loopback origin listed
// without a port matches any port, and otherwise the ports must match.
func TestOriginAllowed(t *testing.T) {
	shop := originsShop(t,
		"https://shop.example.com",
		"https://*.example.org",
		"https://*.Example.NET",
		"https://secure.example.com:8443",
		"http://localhost",
		"http://127.0.0.1:8081",
		"http://[::1]",
	)
	for _, tc := range []struct {
		origin string
		want   bool
	}{
		// The shop's own myshopify.com domain, over https only.
		{"https://test-valid.myshopify.com", true},
		{"http://test-valid.myshopify.com", false},
		{"https://other-shop.myshopify.com", false},
		{"https://test-valid.myshopify.com:8443", false},
		// A listed origin, exactly.
		{"https://shop.example.com", true},
		{"http://shop.example.com", false},
		{"https://shop.example.com:8443", false},
		{"https://www.shop.example.com", false},
		{"https://example.com", false},
		{"https://shop.example.com.evil.com", false},
		{"https://evilshop.example.com", false},
		// A wildcard: one subdomain level, never the bare domain, never two levels.
		{"https://www.example.org", true},
		{"https://shop-2.example.org", true},
		{"https://example.org", false},
		{"https://a.b.example.org", false},
		{"https://evilexample.org", false},
		{"https://www.example.org.evil.com", false},
		{"http://www.example.org", false},
		{"https://www.example.org:8443", false},
		// Host names are case-insensitive: a pattern written in capitals
		// matches what browsers send, and an origin in capitals matches too.
		{"https://www.example.net", true},
		{"https://WWW.EXAMPLE.ORG", true},
		{"https://Shop.Example.com", true},
		{"https://a.b.example.net", false},
		// Ports must match, except on loopback listed without a port.
		{"https://secure.example.com:8443", true},
		{"https://secure.example.com", false},
		{"https://secure.example.com:9443", false},
		{"http://localhost", true},
		{"http://localhost:3000", true},
		{"http://localhost:5173", true},
		{"https://localhost:3000", false},
		{"http://shop.localhost:3000", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1:8081", true},
		{"http://127.0.0.1:8082", false},
		{"http://127.0.0.1", false},
		{"http://[::1]:8080", true},
		{"http://[::1]", true},
		{"http://127.0.0.2:8081", false},
		// Never an opaque or empty origin, nor something that is not an origin.
		{"null", false},
		{"", false},
		{"*", false},
		{"https://shop.example.com/", false},
		{"https://shop.example.com/path", false},
		{"shop.example.com", false},
	} {
		if got := originAllowed(shop, tc.origin); got != tc.want {
			t.Errorf("originAllowed(%q) = %v, want %v", tc.origin, got, tc.want)
		}
	}
}

// TestOriginAllowedNoList: without storefront_origins only the shop's own
// domain is allowed, loopback included: local development must be listed.
func TestOriginAllowedNoList(t *testing.T) {
	shop := originsShop(t)
	for _, tc := range []struct {
		origin string
		want   bool
	}{
		{"https://test-valid.myshopify.com", true},
		{"http://localhost:3000", false},
		{"http://127.0.0.1:8080", false},
		{"null", false},
	} {
		if got := originAllowed(shop, tc.origin); got != tc.want {
			t.Errorf("originAllowed(%q) = %v, want %v", tc.origin, got, tc.want)
		}
	}
}
