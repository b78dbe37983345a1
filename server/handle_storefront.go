package server

import (
	"net/http"

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
			writeError(c, badParam("missing_shop", "give shop=NAME.myshopify.com"))
			return
		}
		shopName, err := s.shopParam(c.Request.URL.Query())
		if err != nil {
			writeError(c, err)
			return
		}
		shop, err := s.engine.Shops.Shop(c.Request.Context(), shopName)
		if err != nil {
			writeError(c, err)
			return
		}
		c.Header("Vary", "Origin")
		if origin := c.GetHeader("Origin"); origin != "" && shop.OriginAllowed(origin) {
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

// proxyShopKey keys the optional per-shop limit of the app proxy.
func proxyShopKey(c *gin.Context) string { return "proxy|" + c.Query("shop") }
