package server

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// handleAdminBackfill handles "POST /admin/api/health/backfill": start a
// backfill of promise health from the shop's recent orders (202), or say
// one is running (409).
func (s *Server) handleAdminBackfill() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.app == nil {
			WriteError(c, fmt.Errorf("a backfill needs Shopify: %w", ErrNoShopify))
			return
		}
		id, err := s.app.StartBackfill(c.Request.Context(), c.GetString(adminShopKey), s.wallClock())
		if err != nil {
			WriteError(c, err)
			return
		}
		c.JSON(http.StatusAccepted, gin.H{"bulk_operation": id, "days": shopifyapp.BackfillDays})
	}
}
