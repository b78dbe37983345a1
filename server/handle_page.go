package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// handleShippingPage handles "GET /proxy/": the storefront page "Shipping &
// processing times", as Liquid rendered inside the shop's theme.
func (s *Server) handleShippingPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Data(http.StatusOK, "application/liquid; charset=utf-8", []byte("<h1>Shipping &amp; processing times</h1>\n"))
	}
}
