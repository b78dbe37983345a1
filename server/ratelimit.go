package server

import (
	"math"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/ratelimit"
)

// Limits are the rate limits of the public routes. They are generous by
// default: they stop a runaway client, not a busy storefront.
type Limits struct {
	StorefrontPerIP   ratelimit.Rate // per client IP on /storefront/v1 and /checkout/v1
	StorefrontPerShop ratelimit.Rate // per shop on /storefront/v1
	ProxyPerShop      ratelimit.Rate // per shop on /proxy; Shopify's proxy sits in front, so off by default
	ProxyPerIP        ratelimit.Rate // per buyer IP on /proxy, as Shopify's proxy forwards it (proxyBuyerKey)
	// ShopperLoads is per shop (and instance): the Admin API queries that
	// storefront requests may cause (catalog.Shopify.ShopperLoads).
	ShopperLoads ratelimit.Rate
}

// DefaultLimits are the limits when none are configured.
var DefaultLimits = Limits{
	StorefrontPerIP:   ratelimit.Rate{PerSecond: 20, Burst: 60},
	StorefrontPerShop: ratelimit.Rate{PerSecond: 2000, Burst: 4000},
	// A collection page may ask for dozens of products at once.
	ProxyPerIP:   ratelimit.Rate{PerSecond: 50, Burst: 200},
	ShopperLoads: catalog.DefaultShopperLoads,
}

// rateLimit answers 429 with Retry-After and a JSON error when the key's
// bucket is empty. keyOf returns "" for requests it does not limit.
func (s *Server) rateLimit(l *ratelimit.Limiter, keyOf func(c *gin.Context) string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if l == nil {
			c.Next()
			return
		}
		key := keyOf(c)
		if key == "" {
			c.Next()
			return
		}
		ok, wait := l.Allow(c.Request.Context(), key, s.wallClock()) // real time: a test may quote at a frozen instant
		if !ok {
			s.metrics.RateLimited(key)
			secs := max(1, int(math.Ceil(wait.Seconds())))
			c.Header("Retry-After", strconv.Itoa(secs))
			WriteError(c, &fieldError{code: "rate_limited", msg: "too many requests; retry after " + strconv.Itoa(secs) + " s", kind: ErrRateLimited})
			return
		}
		c.Next()
	}
}
