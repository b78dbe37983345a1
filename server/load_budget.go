package server

import (
	"github.com/gin-gonic/gin"

	"github.com/leadtime-app/leadtime/catalog"
)

// shopperTraffic marks a request's context as a shopper's: the Admin API
// loads it causes are budgeted (catalog.Shopify.ShopperLoads).
func shopperTraffic() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request = c.Request.WithContext(catalog.ForShopper(c.Request.Context()))
		c.Next()
	}
}
