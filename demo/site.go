// Package demo is the demo storefront that `leadtime` serves without
// Shopify: a page of product cards with the theme extension's blocks, a
// fake of Shopify's AJAX cart API (/cart.js and friends) so that the
// theme's client runs unchanged, and the example of a headless storefront.
// It is mounted only in demo mode (server.Config.Routes); a production
// server carries none of these routes.
package demo

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadtime-app/leadtime/promise"
)

// Config is what the demo needs.
type Config struct {
	// Shops serves the demo shop; Shop is its domain.
	Shops promise.Shops
	Shop  string
	// Now is the clock of the theme blocks' dates; nil means time.Now.
	Now func() time.Time
	// HeadlessPage is served at /headless: examples/headless/index.html.
	HeadlessPage []byte
}

// Site serves the demo's routes.
type Site struct {
	shops     promise.Shops
	shop      string
	now       func() time.Time
	headless  []byte
	demoCarts *demoCarts
}

// Routes returns the demo's routes, for server.Config.Routes.
func Routes(cfg Config) func(r gin.IRouter) {
	s := &Site{shops: cfg.Shops, shop: cfg.Shop, now: cfg.Now, headless: cfg.HeadlessPage}
	if s.now == nil {
		s.now = time.Now
	}
	s.demoCarts = newDemoCarts(demoCartsMax, demoCartTTL)
	return s.mount
}

func (s *Site) mount(r gin.IRouter) {
	r.GET("/", s.handleDemoPage())
	r.GET("/headless", s.handleHeadless())
	r.GET("/demo/:file", s.handleDemoAsset())
	// A fake of Shopify's AJAX cart API, so the demo runs the theme's client.
	r.GET("/cart.js", s.handleDemoCartGet())
	r.POST("/cart/add.js", s.handleDemoCartAdd())
	r.POST("/cart/change.js", s.handleDemoCartChange())
	r.POST("/cart/update.js", s.handleDemoCartUpdate())
	r.POST("/cart/clear.js", s.handleDemoCartClear())
}
