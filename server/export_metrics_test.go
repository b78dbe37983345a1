package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// MetricsTestEngine is a bare gin engine with one route, /p/:id, with or
// without m's middleware: what the middleware costs, for a benchmark.
func MetricsTestEngine(m *Metrics, withMetrics bool) http.Handler {
	r := gin.New()
	if withMetrics {
		r.Use(m.middleware())
	}
	r.GET("/p/:id", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	m.knowRoutes(r.Routes())
	return r
}
