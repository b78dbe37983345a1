package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/leadtime-app/leadtime/metrics"
)

// MetricsTestEngine is a bare gin engine with one route, /p/:id, with or
// without m's middleware: what the middleware costs, for a benchmark.
func MetricsTestEngine(m *metrics.Metrics, withMetrics bool) http.Handler {
	r := gin.New()
	if withMetrics {
		r.Use(metricsMiddleware(m))
	}
	r.GET("/p/:id", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	knowRoutes(m, r.Routes())
	return r
}
