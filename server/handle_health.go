package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// Promise health (issue 12): every fulfilment of an order that carries a
// frozen promise is recorded per line (package shopifyapp, from the
// webhooks and the backfill), and the settings page reads a report of kept
// promises and suggested times.

// handleAdminHealth handles "GET /admin/api/health?window=30|90": the
// shop's promise health report (health.Report) over the window, and its
// orders at risk now.
func (s *Server) handleAdminHealth() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, domain := c.Request.Context(), c.GetString(adminShopKey)
		window := health.Window30
		if w := c.Query("window"); w != "" {
			n, err := strconv.Atoi(w)
			if err != nil || (n != health.Window30 && n != health.Window90) {
				WriteError(c, BadParam("invalid_window", "window %q: use 30 or 90 (days)", echo.Short(w)))
				return
			}
			window = n
		}
		ss, err := s.adminShops()
		if err != nil {
			WriteError(c, err)
			return
		}
		shop, err := ss.Shop(ctx, domain)
		if err != nil {
			WriteError(c, err)
			return
		}
		h := &shopifyapp.Health{Store: ss.Store, Demo: s.demo, Log: s.log}
		answer, err := h.Report(ctx, shop, s.now(), window)
		if err != nil {
			WriteError(c, err)
			return
		}
		c.JSON(http.StatusOK, answer)
	}
}

// handleAdminTagAtRisk handles "POST /admin/api/health/at-risk/tag": tag
// the shop's orders at risk now with shopifyapp.AtRiskTag, for Shopify
// Flow. It needs Shopify: the demo has no orders to tag (409).
func (s *Server) handleAdminTagAtRisk() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.app == nil {
			WriteError(c, fmt.Errorf("tagging orders needs Shopify: %w", ErrNoShopify))
			return
		}
		tagged, err := s.app.TagOrdersAtRisk(c.Request.Context(), c.GetString(adminShopKey), s.now())
		if err != nil {
			WriteError(c, err)
			return
		}
		c.JSON(http.StatusOK, tagged)
	}
}
