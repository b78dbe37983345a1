package server

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
)

// The storefront API (/storefront/v1) gives headless and custom
// storefronts — Hydrogen, Next.js, mobile apps — the same answers as the
// app proxy, which they cannot use. It is public, because a promise is
// public: it reveals nothing the storefront would not show. Browsers may
// call it from the shop's own domain and the settings' storefront_origins.

// storefrontShop requires the shop parameter and checks that the shop is
// installed, before anything else runs: an unknown shop gets a 404 and no
// CORS headers.
func (s *Server) storefrontShop() gin.HandlerFunc {
	return func(c *gin.Context) {
		domain := c.Query("shop")
		if domain == "" {
			WriteError(c, BadParam("missing_shop", "give shop=NAME.myshopify.com"))
			return
		}
		shopName, err := s.shopParam(c.Request.URL.Query())
		if err != nil {
			WriteError(c, err)
			return
		}
		shop, err := s.engine.Shops.Shop(c.Request.Context(), shopName)
		if err != nil {
			WriteError(c, err)
			return
		}
		c.Header("Vary", "Origin")
		if origin := c.GetHeader("Origin"); origin != "" && originAllowed(shop, origin) {
			// Never with credentials: the answers are public and need no cookie.
			c.Header("Access-Control-Allow-Origin", origin)
			c.Header("Access-Control-Expose-Headers", "ETag, Retry-After")
		}
		c.Next()
	}
}

// handleStorefrontPreflight handles "OPTIONS /storefront/v1/*": the CORS
// preflight. An origin that is not allowed gets a 204 without CORS
// headers, which the browser treats as a refusal.
func (s *Server) handleStorefrontPreflight() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Writer.Header().Get("Access-Control-Allow-Origin") != "" {
			c.Header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			c.Header("Access-Control-Allow-Headers", "Content-Type, If-None-Match")
			c.Header("Access-Control-Max-Age", "600")
		}
		c.Status(http.StatusNoContent)
	}
}

// storefrontIP keys the per-client limit.
func storefrontIP(c *gin.Context) string { return "ip|" + clientIPOf(c) }

// storefrontShopKey keys the per-shop limit.
func storefrontShopKey(c *gin.Context) string { return "shop|" + c.Query("shop") }

// proxyBuyerKey keys the per-IP limit of the app proxy by the buyer's
// address. Every request through Shopify's app proxy comes from Shopify,
// so the peer (or the platform's header) is Shopify's address, shared by
// every shopper of every shop; Shopify sends the buyer's address as the
// last X-Forwarded-For entry it writes, and our own proxy in front (fly's)
// may append Shopify's address after it. That header is believed only on
// a signed request (verifyProxy ran before: only Shopify can sign). A
// request without a buyer address is not limited per IP rather than
// counted with everyone's. Without a secret (the demo), the peer is the
// buyer.
func (s *Server) proxyBuyerKey(c *gin.Context) string {
	hop := clientIPOf(c)
	if s.apiSecret == "" {
		return "buyer|" + hop
	}
	var entries []string
	for _, h := range c.Request.Header.Values("X-Forwarded-For") {
		for e := range strings.SplitSeq(h, ",") {
			entries = append(entries, strings.TrimSpace(e))
		}
	}
	if n := len(entries); n > 0 && entries[n-1] == hop {
		entries = entries[:n-1] // Shopify's address, appended by our proxy
	}
	if len(entries) == 0 {
		return ""
	}
	ip, err := netip.ParseAddr(entries[len(entries)-1])
	if err != nil {
		return ""
	}
	return "buyer|" + ip.Unmap().String()
}

// proxyShopKey keys the optional per-shop limit of the app proxy.
func proxyShopKey(c *gin.Context) string { return "proxy|" + c.Query("shop") }
