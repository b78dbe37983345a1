package delivery

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Storefront origins are the extra web origins (DESIGN §4) that may call
// the public storefront API from a browser: a headless storefront such as
// https://shop.example.com, or every subdomain of one level, written
// https://*.example.com. Plain http is allowed only for loopback hosts,
// for local development; a loopback origin without a port matches any port.
// This file validates them as part of a settings document; matching a
// request's Origin header against them is CORS, in package server
// (server/storefront_origins.go), which reads Settings().StorefrontOrigins.

// checkOrigins reports each origin that is not one, by its path.
func checkOrigins(ps *problems, origins []string) {
	for i, o := range origins {
		if err := checkOrigin(o); err != nil {
			ps.add(fmt.Sprintf("storefront_origins[%d]", i), "%v", err)
		}
	}
}

func checkOrigin(pattern string) error {
	u, err := url.Parse(pattern)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not an origin like https://shop.example.com", pattern)
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q must be an origin only: scheme and host, with no path", pattern)
	}
	host := u.Hostname()
	switch {
	case u.Scheme == "http" && isLoopback(host):
	case u.Scheme != "https":
		return fmt.Errorf("%q must use https (http is allowed only for localhost)", pattern)
	}
	if strings.Contains(host, "*") {
		rest, ok := strings.CutPrefix(host, "*.")
		if !ok || strings.Contains(rest, "*") {
			return fmt.Errorf("%q: a wildcard may only stand for one subdomain level, as in https://*.example.com", pattern)
		}
		if strings.Count(rest, ".") < 1 {
			return fmt.Errorf("%q: a wildcard needs a registrable domain after it, as in https://*.example.com", pattern)
		}
		// A public suffix (co.uk, github.io, myshopify.com: the public
		// suffix list's ICANN and private sections alike) is shared by
		// sites of different owners: *.github.io would let every GitHub
		// Pages site, and *.myshopify.com every other Shopify shop, call
		// this shop's API from a browser.
		if ps, _ := publicsuffix.PublicSuffix(strings.ToLower(rest)); ps == strings.ToLower(rest) {
			return fmt.Errorf("%q: %s is a public suffix shared by unrelated sites; a wildcard needs a domain of your own after it, as in https://*.example.com", pattern, rest)
		}
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
