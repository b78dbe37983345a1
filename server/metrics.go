package server

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadtime-app/leadtime/metrics"
)

// knowRoutes tells m the routes of r, so that requests find their series.
func knowRoutes(m *metrics.Metrics, routes gin.RoutesInfo) {
	out := make([]metrics.Route, len(routes))
	for i, r := range routes {
		out[i] = metrics.Route{Method: r.Method, Path: r.Path}
	}
	m.KnowRoutes(out)
}

// metricsMiddleware counts and times every request by its route pattern.
// It runs outside the recoverer, so that a panic counts as the 500 it
// becomes.
func metricsMiddleware(m *metrics.Metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		m.ObserveRequest(c.Request.Method, c.FullPath(), c.Writer.Status(), time.Since(start))
	}
}

// metricsHandler serves m in Prometheus's text format.
func metricsHandler(m *metrics.Metrics) gin.HandlerFunc {
	h := m.Handler()
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		h.ServeHTTP(c.Writer, c.Request)
	}
}
