package server

import (
	"net/url"
	"strings"

	"github.com/leadtime-app/leadtime/delivery"
)

// Storefront origins (DESIGN §4) are the web origins whose pages may call
// the public storefront API from a browser. Package delivery validates the
// storefront_origins of a settings document; matching a request's Origin
// header against them is CORS, which is this package's business.

// originAllowed reports whether a browser origin (as sent in the Origin
// header) is allowed by the shop: its own myshopify.com domain over https,
// or one of its storefront_origins. A wildcard pattern matches exactly one
// subdomain level; a loopback pattern without a port matches any port.
func originAllowed(shop *delivery.Shop, origin string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	if origin == "https://"+shop.Domain() {
		return true
	}
	for _, p := range shop.Settings().StorefrontOrigins {
		if originMatches(p, origin) {
			return true
		}
	}
	return false
}

// originMatches reports whether origin matches one validated pattern.
func originMatches(pattern, origin string) bool {
	if pattern == origin {
		return true
	}
	p, err1 := url.Parse(pattern)
	o, err2 := url.Parse(origin)
	if err1 != nil || err2 != nil || p.Scheme != o.Scheme || o.Path != "" {
		return false
	}
	ph, oh := strings.ToLower(p.Hostname()), strings.ToLower(o.Hostname()) // host names are case-insensitive
	if isLoopback(ph) && p.Port() == "" {
		return ph == oh // any port on loopback, for local development
	}
	if p.Port() != o.Port() {
		return false
	}
	if rest, ok := strings.CutPrefix(ph, "*."); ok {
		sub, ok := strings.CutSuffix(oh, "."+rest)
		return ok && sub != "" && !strings.Contains(sub, ".")
	}
	return strings.EqualFold(ph, oh)
}

// isLoopback reports whether host is a loopback host, the only hosts that
// delivery lets a storefront origin reach over plain http.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
