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
