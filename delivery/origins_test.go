package delivery_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
)

// withOrigins is validYAML with storefront_origins set to origins, written
// as a JSON array (which is valid YAML), so that any string goes in as is.
func withOrigins(t *testing.T, origins ...string) string {
	t.Helper()
	list, err := json.Marshal(origins)
	if err != nil {
		t.Fatal(err)
	}
	return validYAML + "storefront_origins: " + string(list) + "\n"
}

// TestStorefrontOriginsValid: origins a merchant may list. Each loads
// without a problem, through LoadShop, which is what `leadtime check` and
// the admin API run.
func TestStorefrontOriginsValid(t *testing.T) {
	for _, origin := range []string{
		"https://shop.example.com",
		"https://*.example.com",
		"https://*.shop.example.co.uk",
		"https://*.example.github.io", // one owner's GitHub Pages site
		"https://shop.example.com:8443",
		"https://Shop.Example.COM",
		"http://localhost",
		"http://localhost:3000",
		"http://127.0.0.1",
		"http://127.0.0.1:8081",
		"http://[::1]",
		"http://[::1]:5173",
		"https://localhost",
	} {
		if _, err := delivery.LoadShop([]byte(withOrigins(t, origin))); err != nil {
			t.Errorf("storefront_origins: [%q]: %v", origin, err)
		}
	}
}

// TestStorefrontOriginsInvalid: each bad origin is reported at its own
// index, with a message that says what is wrong.
func TestStorefrontOriginsInvalid(t *testing.T) {
	for _, tc := range []struct {
		origin, msg string
	}{
		// Plain http only for loopback, for local development.
		{"http://example.com", "must use https"},
		{"http://shop.example.com:8080", "must use https"},
		{"http://localhost.example.com", "must use https"},
		{"http://127.0.0.2", "must use https"},
		{"http://*.localhost", "must use https"},
		{"ftp://x", "must use https"},
		{"ws://shop.example.com", "must use https"},
		// A wildcard stands for exactly one subdomain level, before a registrable domain.
		{"https://*.*.example.com", "one subdomain level"},
		{"https://a.*.example.com", "one subdomain level"},
		{"https://*example.com", "one subdomain level"},
		{"https://shop.*", "one subdomain level"},
		{"https://*.com", "registrable domain"},
		{"https://*.localhost", "registrable domain"},
		// Nor a public suffix: every site under it is someone else's.
		{"https://*.co.uk", "co.uk is a public suffix"},
		{"https://*.github.io", "github.io is a public suffix"},
		{"https://*.myshopify.com", "myshopify.com is a public suffix"},
		{"https://*.com.au", "com.au is a public suffix"},
		{"https://*.CO.UK", "CO.UK is a public suffix"},
		// Scheme and host only.
		{"https://example.com/path", "no path"},
		{"https://example.com/", "no path"},
		{"https://example.com?x=1", "no path"},
		{"https://example.com#top", "no path"},
		{"https://user:pw@example.com", "no path"},
		// Not an origin at all.
		{"*", "is not an origin"},
		{"", "is not an origin"},
		{"null", "is not an origin"},
		{"shop.example.com", "is not an origin"},
		{"https://", "is not an origin"},
		{"mailto:shop@example.com", "is not an origin"},
		{"https://example.com:port", "is not an origin"},
		{"https://exa mple.com", "is not an origin"},
	} {
		_, err := delivery.LoadShop([]byte(withOrigins(t, "https://ok.example.com", tc.origin)))
		checkProblems(t, "storefront_origins: "+tc.origin, err, []problem{{"storefront_origins[1]", tc.msg}})
	}
}

// TestStorefrontOriginsEveryProblem: every bad entry is reported at once,
// by index, in YAML and in JSON alike.
func TestStorefrontOriginsEveryProblem(t *testing.T) {
	want := []problem{
		{"storefront_origins[0]", "must use https"},
		{"storefront_origins[2]", "one subdomain level"},
		{"storefront_origins[3]", "is not an origin"},
	}
	_, err := delivery.LoadShop([]byte(withOrigins(t, "http://example.com", "https://ok.example.com", "https://*.*.example.com", "*")))
	checkProblems(t, "LoadShop(YAML)", err, want)

	st, err := delivery.ParseSettings([]byte(validYAML))
	if err != nil {
		t.Fatal(err)
	}
	st.StorefrontOrigins = []string{"http://example.com", "https://ok.example.com", "https://*.*.example.com", "*"}
	doc, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), `"storefront_origins":[`) {
		t.Fatalf("JSON settings lack storefront_origins: %s", doc)
	}
	_, err = delivery.LoadShop(doc)
	checkProblems(t, "LoadShop(JSON)", err, want)
}

// TestOriginAllowed: which browser origins (as sent in the Origin header)
// the shop allows: its own https://{shop} domain and the listed origins;
// a wildcard matches exactly one subdomain level; a loopback origin listed
// without a port matches any port, and otherwise the ports must match.
func TestOriginAllowed(t *testing.T) {
	shop, err := delivery.LoadShop([]byte(withOrigins(t,
		"https://shop.example.com",
		"https://*.example.org",
		"https://*.Example.NET",
		"https://secure.example.com:8443",
		"http://localhost",
		"http://127.0.0.1:8081",
		"http://[::1]",
	)))
	if err != nil {
		t.Fatal(err)
	}
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
		// Host names are case-insensitive: a pattern written in capitals matches what browsers send.
		{"https://www.example.net", true},
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
		if got := shop.OriginAllowed(tc.origin); got != tc.want {
			t.Errorf("OriginAllowed(%q) = %v, want %v", tc.origin, got, tc.want)
		}
	}
}

// TestOriginAllowedNoList: without storefront_origins only the shop's own
// domain is allowed, loopback included: local development must be listed.
func TestOriginAllowedNoList(t *testing.T) {
	shop, err := delivery.LoadShop([]byte(validYAML))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		origin string
		want   bool
	}{
		{"https://test-valid.myshopify.com", true},
		{"http://localhost:3000", false},
		{"http://127.0.0.1:8080", false},
		{"null", false},
	} {
		if got := shop.OriginAllowed(tc.origin); got != tc.want {
			t.Errorf("OriginAllowed(%q) = %v, want %v", tc.origin, got, tc.want)
		}
	}
}
