package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// handleAdminFunction handles "GET /admin/api/checkout-function": the
// checkout function's status for the settings page (the config itself is
// the app's: shopifyapp.App.SyncCheckoutFunction). Without Shopify (demo,
// config file) there is no function to run: "not_installed".
func (s *Server) handleAdminFunction() gin.HandlerFunc {
	return func(c *gin.Context) {
		shop, err := s.adminShop(c)
		if err != nil {
			WriteError(c, err)
			return
		}
		if s.app == nil {
			c.JSON(http.StatusOK, shopifyapp.FunctionStatus{State: "not_installed"})
			return
		}
		st, err := s.app.CheckoutFunction(c.Request.Context(), shop)
		if err != nil {
			WriteError(c, err)
			return
		}
		c.JSON(http.StatusOK, st)
	}
}
