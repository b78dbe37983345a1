package server

import (
	"embed"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"
)

//go:embed demo
var demoFiles embed.FS

// demoCSP lets the demo page load only this server's own files.
const demoCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// handleDemoPage handles "GET /": the demo storefront, a page of product
// cards with their promises and a cart, against this very server.
func (s *Server) handleDemoPage() gin.HandlerFunc {
	page, err := demoFiles.ReadFile("demo/index.html")
	return func(c *gin.Context) {
		if err != nil {
			writeError(c, fmt.Errorf("demo page: %w", err))
			return
		}
		c.Header("Cache-Control", "no-cache")
		// The page loads nothing from elsewhere: no CDN, no web fonts.
		c.Header("Content-Security-Policy", demoCSP)
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Referrer-Policy", "same-origin")
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	}
}

// handleDemoAsset handles "GET /demo/:file": the demo page's script and
// styles, and catalog.json, the demo shop's products as the page needs them.
func (s *Server) handleDemoAsset() gin.HandlerFunc {
	return func(c *gin.Context) {
		name := c.Param("file")
		if name == "catalog.json" {
			s.serveDemoCatalog(c)
			return
		}
		data, err := demoFiles.ReadFile(path.Join("demo", path.Clean("/"+name)))
		if err != nil {
			writeError(c, fmt.Errorf("/demo/%s: %w", truncate(name), ErrNotFound))
			return
		}
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, ct, data)
	}
}

// demoProduct is what the demo page shows of a product.
type demoProduct struct {
	ID          int64         `json:"id"`
	Handle      string        `json:"handle"`
	Title       string        `json:"title"`
	Vendor      string        `json:"vendor"`
	ProductType string        `json:"product_type"`
	Tags        []string      `json:"tags"`
	Variants    []demoVariant `json:"variants"`
}

type demoVariant struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Available bool   `json:"available"`
}

func (s *Server) serveDemoCatalog(c *gin.Context) {
	shop, err := s.engine.Shops.Shop(c.Request.Context(), s.defaultShop)
	if err != nil {
		writeError(c, err)
		return
	}
	out := struct {
		Shop      string        `json:"shop"`
		Country   string        `json:"country"`  // the shop's origin, the default destination
		Timezone  string        `json:"timezone"` // the shop's: every cutoff is read in it
		Countries []string      `json:"countries"`
		Products  []demoProduct `json:"products"`
	}{Shop: shop.Domain(), Country: shop.Country(), Timezone: shop.Location().String()}
	seen := map[string]bool{}
	for _, z := range shop.Settings().Shipping.Zones {
		for _, cc := range z.Countries {
			if cc != "*" && !seen[cc] {
				seen[cc] = true
				out.Countries = append(out.Countries, cc)
			}
		}
	}
	for _, p := range shop.Catalog() {
		dp := demoProduct{ID: p.ID, Handle: p.Handle, Title: p.Title, Vendor: p.Vendor, ProductType: p.ProductType, Tags: p.Tags}
		for i := range p.Variants {
			v := &p.Variants[i]
			dp.Variants = append(dp.Variants, demoVariant{ID: v.ID, Title: v.Title, Available: v.Available()})
		}
		out.Products = append(out.Products, dp)
	}
	c.Header("Cache-Control", "no-cache")
	c.JSON(http.StatusOK, out)
}

// handleAsset handles "GET /assets/:file": the theme extension's assets,
// such as leadtime-promise.js, for the demo pages and headless storefronts.
func (s *Server) handleAsset() gin.HandlerFunc {
	return func(c *gin.Context) {
		name := path.Clean("/" + c.Param("file"))[1:]
		data, err := fs.ReadFile(s.assets, name)
		if err != nil {
			writeError(c, fmt.Errorf("/assets/%s: %w", truncate(name), ErrNotFound))
			return
		}
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		c.Header("Cache-Control", "public, max-age=300")
		c.Header("Access-Control-Allow-Origin", "*")
		c.Data(http.StatusOK, ct, data)
	}
}
