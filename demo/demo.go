package demo

import (
	"bytes"
	"embed"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/delivery"
	theme "github.com/leadtime-app/leadtime/extensions/leadtime-theme"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/server"
)

//go:embed files
var demoFiles embed.FS

// demoCSP lets the demo page load only this server's own files.
const demoCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// The demo page's markers, where the theme extension's own blocks go.
const (
	demoCartMarker  = "<!--leadtime:cart-promise-->"
	demoEmbedMarker = "<!--leadtime:embed-->"
)

// handleDemoPage handles "GET /": the demo storefront, a page of product
// cards with their promises and a cart, against this very server. The cart
// promise and the app embed are the theme extension's blocks, rendered as
// Shopify renders them: the cart's from the visitor's cart, with its
// metafield fallback.
func (s *Site) handleDemoPage() gin.HandlerFunc {
	page, err := demoFiles.ReadFile("files/index.html")
	blocks := newDemoBlocks(s.now)
	return func(c *gin.Context) {
		if err != nil {
			server.WriteError(c, fmt.Errorf("demo page: %w", err))
			return
		}
		shop, err := s.shops.Shop(c.Request.Context(), s.shop)
		if err != nil {
			server.WriteError(c, err)
			return
		}
		cart := &demoCart{}
		if ck, err := c.Request.Cookie(demoCartCookie); err == nil && validCartToken(ck.Value) {
			cart = s.demoCarts.get(ck.Value)
		}
		objects := map[string]any{"cart": liquidCart(shop, cart)}
		cartHTML, err := blocks.render(shop, "cart-promise", objects)
		if err != nil {
			server.WriteError(c, err)
			return
		}
		embedHTML, err := blocks.render(shop, "leadtime-embed", objects)
		if err != nil {
			server.WriteError(c, err)
			return
		}
		out := bytes.Replace(page, []byte(demoCartMarker), []byte(cartHTML), 1)
		out = bytes.Replace(out, []byte(demoEmbedMarker), []byte(embedHTML), 1)
		c.Header("Cache-Control", "no-cache")
		// The page loads nothing from elsewhere: no CDN, no web fonts.
		c.Header("Content-Security-Policy", demoCSP)
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Referrer-Policy", "same-origin")
		c.Data(http.StatusOK, "text/html; charset=utf-8", out)
	}
}

// demoBlockSettings are the demo's choices in the theme editor: the proxy at
// this server's /proxy; for the narrow product cards three lines and no icon
// (the card marks the promise with a rule), for the cart sidebar four; and
// no cart drawer (the cart is on the page). The longest answers need them:
// "Ships today or tomorrow · Arrives between tomorrow and Fri, Dec 4".
var demoBlockSettings = map[string]map[string]any{
	"product-promise": {"proxy_path": "/proxy", "lines": 3, "show_icon": false},
	"cart-promise":    {"proxy_path": "/proxy", "lines": 4},
	"leadtime-embed":  {"proxy_path": "/proxy", "cart_drawer": false},
}

// demoBlocks renders the theme extension's blocks for the demo (package
// theme), one renderer per language and time zone.
type demoBlocks struct {
	now       func() time.Time
	mu        sync.Mutex
	renderers map[string]*theme.Renderer
}

func newDemoBlocks(now func() time.Time) *demoBlocks {
	return &demoBlocks{now: now, renderers: map[string]*theme.Renderer{}}
}

// render renders the block called name for shop, in the shop's language
// when the extension has it, else in English.
func (d *demoBlocks) render(shop *delivery.Shop, name string, objects map[string]any) (string, error) {
	locale := shop.Settings().Locale
	if !slices.Contains([]string{"en", "sv", "de", "fr"}, locale) {
		locale = "en"
	}
	key := locale + " " + shop.Location().String()
	d.mu.Lock()
	r := d.renderers[key]
	if r == nil {
		var err error
		r, err = theme.NewRenderer(theme.Options{Locale: locale, Now: d.now, Location: shop.Location()})
		if err != nil {
			d.mu.Unlock()
			return "", fmt.Errorf("demo blocks: %w", err)
		}
		d.renderers[key] = r
	}
	d.mu.Unlock()
	out, err := r.Block(name, demoBlockSettings[name], objects)
	if err != nil {
		return "", fmt.Errorf("demo blocks: %w", err)
	}
	return out, nil
}

// liquidProduct is a catalog product as Shopify's Liquid sees it: its
// leadtime metafields read with .value, and the variant a product page
// shows first.
func liquidProduct(p *delivery.Product) map[string]any {
	variants := make([]any, len(p.Variants))
	var selected any
	for i := range p.Variants {
		v := liquidVariant(&p.Variants[i])
		variants[i] = v
		if selected == nil && p.Variants[i].Available() {
			selected = v
		}
	}
	if selected == nil && len(variants) > 0 {
		selected = variants[0]
	}
	return map[string]any{
		"id": p.ID, "handle": p.Handle, "title": p.Title, "vendor": p.Vendor, "type": p.ProductType,
		"tags": p.Tags, "metafields": liquidMetafields(p.Metafields), "variants": variants,
		"selected_or_first_available_variant": selected,
	}
}

func liquidVariant(v *delivery.Variant) map[string]any {
	return map[string]any{"id": v.ID, "title": v.Title, "available": v.Available(), "metafields": liquidMetafields(v.Metafields)}
}

func liquidMetafields(m delivery.Metafields) map[string]any {
	ns := map[string]any{}
	value := func(v any) map[string]any { return map[string]any{"value": v} }
	if m.ProcessingMinDays != nil {
		ns["processing_min_days"] = value(*m.ProcessingMinDays)
	}
	if m.ProcessingMaxDays != nil {
		ns["processing_max_days"] = value(*m.ProcessingMaxDays)
	}
	if m.Readiness != "" {
		ns["readiness"] = value(string(m.Readiness))
	}
	if m.ShipsOn != nil {
		ns["ships_on"] = value(m.ShipsOn.String())
	}
	return map[string]any{"leadtime": ns}
}

// liquidCart is a demo cart as Shopify's Liquid cart object.
func liquidCart(shop *delivery.Shop, cart *demoCart) map[string]any {
	items := []any{}
	count := 0
	for _, l := range cart.lines {
		p, ok := shop.ProductByVariant(l.variantID)
		if !ok {
			continue
		}
		items = append(items, map[string]any{
			"product": liquidProduct(p), "variant": liquidVariant(findVariant(p, l.variantID)),
			"quantity": l.quantity, "requires_shipping": true,
		})
		count += l.quantity
	}
	attributes := map[string]any{}
	for k, v := range cart.attributes {
		attributes[k] = v
	}
	return map[string]any{"items": items, "item_count": count, "attributes": attributes}
}

// handleDemoAsset handles "GET /demo/:file": the demo page's script and
// styles, and catalog.json, the demo shop's products as the page needs them.
func (s *Site) handleDemoAsset() gin.HandlerFunc {
	blocks := newDemoBlocks(s.now)
	return func(c *gin.Context) {
		name := c.Param("file")
		if name == "catalog.json" {
			s.serveDemoCatalog(c, blocks)
			return
		}
		data, err := demoFiles.ReadFile(path.Join("files", path.Clean("/"+name)))
		if err != nil {
			server.WriteError(c, fmt.Errorf("/demo/%s: %w", echo.Short(name), server.ErrNotFound))
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

// demoProduct is what the demo page shows of a product. PromiseHTML is the
// theme extension's product block, rendered for it as on its product page.
type demoProduct struct {
	ID          int64         `json:"id"`
	Handle      string        `json:"handle"`
	Title       string        `json:"title"`
	Vendor      string        `json:"vendor"`
	ProductType string        `json:"product_type"`
	Tags        []string      `json:"tags"`
	Variants    []demoVariant `json:"variants"`
	PromiseHTML string        `json:"promise_html"`
}

type demoVariant struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Available bool   `json:"available"`
}

func (s *Site) serveDemoCatalog(c *gin.Context, blocks *demoBlocks) {
	shop, err := s.shops.Shop(c.Request.Context(), s.shop)
	if err != nil {
		server.WriteError(c, err)
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
		dp.PromiseHTML, err = blocks.render(shop, "product-promise", map[string]any{"product": liquidProduct(&p)})
		if err != nil {
			server.WriteError(c, err)
			return
		}
		out.Products = append(out.Products, dp)
	}
	c.Header("Cache-Control", "no-cache")
	c.JSON(http.StatusOK, out)
}
