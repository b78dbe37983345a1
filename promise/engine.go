package promise

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
)

// Shops finds an installed shop's compiled settings: StaticShops serves
// shops loaded from files (the demo, LEADTIME_CONFIG), package shops serves
// the installed shops of the store.
type Shops interface {
	// Shop returns the shop, or an error matching ErrShopNotInstalled.
	Shop(ctx context.Context, domain string) (*delivery.Shop, error)
}

// Products loads what a quote needs to know about products. The catalog of
// a settings document is one implementation; Shopify's Admin API, behind
// the cache, is another. stale is true when the facts come from an old
// copy (or are a stand-in) because Shopify could not be reached: the
// answer says so with "stale": true.
type Products interface {
	// Product finds one product by id (when id > 0) or by handle. An
	// unknown product is an error matching delivery.ErrUnknownProduct.
	Product(ctx context.Context, shop *delivery.Shop, id int64, handle string) (p *delivery.Product, stale bool, err error)
	// ProductsOfVariants finds the products of many variants at once (one
	// upstream call for a whole cart). Unknown variants are left out.
	ProductsOfVariants(ctx context.Context, shop *delivery.Shop, variantIDs []int64) (products map[int64]*delivery.Product, stale bool, err error)
}

// Engine turns requests into answers. The HTTP handlers and the `leadtime
// quote` command both use it, so they cannot disagree.
type Engine struct {
	Shops    Shops
	Products Products
}

// ProductRequest asks for the promise of one product.
type ProductRequest struct {
	Shop      string
	ProductID int64  // or
	Handle    string // one of the two
	VariantID int64  // optional
	Dest      delivery.Destination
	Locale    string
}

// CartRequest asks for the promise of a cart.
type CartRequest struct {
	Shop   string
	Lines  []CartLine
	Dest   delivery.Destination
	Locale string
}

// CartLine is one requested cart line. A line names its product by id or
// handle, or only its variant.
type CartLine struct {
	ProductID int64
	Handle    string
	VariantID int64
	Quantity  int
}

// shopRoute is the shop's compiled settings and the route to dest: what
// every answer starts from.
func (e *Engine) shopRoute(ctx context.Context, domain string, dest delivery.Destination) (*delivery.Shop, delivery.Route, error) {
	shop, err := e.Shops.Shop(ctx, domain)
	if err != nil {
		return nil, delivery.Route{}, err
	}
	route, err := shop.Route(dest)
	return shop, route, err
}

// Product answers a ProductRequest at now.
func (e *Engine) Product(ctx context.Context, req ProductRequest, now time.Time) (*ProductAnswer, error) {
	shop, route, err := e.shopRoute(ctx, req.Shop, req.Dest)
	if err != nil {
		return nil, err
	}
	p, stale, err := e.Products.Product(ctx, shop, req.ProductID, req.Handle)
	if err != nil {
		return nil, err
	}
	if stale {
		adoptVariant(p, req.VariantID)
	}
	a, err := shop.QuoteRoute(delivery.Item{Product: p, VariantID: req.VariantID}, route, now)
	if err != nil {
		return nil, err
	}
	locale := ResolveLocale(shop, req.Locale)
	answer := newProductAnswer(shop, &a, locale, message.ForAnswer(&a, locale))
	answer.Stale = stale
	return answer, nil
}

// Cart answers a CartRequest at now. Unknown lines are reported in the
// answer, never as an error of the whole cart.
func (e *Engine) Cart(ctx context.Context, req CartRequest, now time.Time) (*CartAnswer, error) {
	shop, route, err := e.shopRoute(ctx, req.Shop, req.Dest)
	if err != nil {
		return nil, err
	}
	return e.cart(ctx, shop, route, req, now)
}

// CartWith answers a CartRequest at now with the given settings of the
// shop rather than those served now: promise health quotes an old order
// with the settings in force when it was placed (shops.Versions).
func (e *Engine) CartWith(ctx context.Context, shop *delivery.Shop, req CartRequest, now time.Time) (*CartAnswer, error) {
	route, err := shop.Route(req.Dest)
	if err != nil {
		return nil, err
	}
	return e.cart(ctx, shop, route, req, now)
}

func (e *Engine) cart(ctx context.Context, shop *delivery.Shop, route delivery.Route, req CartRequest, now time.Time) (*CartAnswer, error) {
	items, stale, err := e.cartItems(ctx, shop, req.Lines)
	if err != nil {
		return nil, err
	}
	c := shop.QuoteCartRoute(items, route, now)
	for i := range c.Lines {
		// Report what was asked for, even when nothing was found.
		if c.Lines[i].Err != nil {
			c.Lines[i].ProductID = req.Lines[i].ProductID
			c.Lines[i].VariantID = req.Lines[i].VariantID
		}
	}
	locale := ResolveLocale(shop, req.Locale)
	answer := newCartAnswer(shop, &c, locale)
	answer.Stale = stale
	return answer, nil
}

// cartItems loads every line's product: one lookup for all the lines that
// name a variant, so a cart costs one upstream call whatever its size
// (DESIGN §8). /cart.js names the product too; a line whose variant belongs
// to another product is unknown, as the product route would say.
func (e *Engine) cartItems(ctx context.Context, shop *delivery.Shop, lines []CartLine) (items []delivery.Item, stale bool, err error) {
	items = make([]delivery.Item, len(lines))
	var byVariant []int64
	for i, l := range lines {
		items[i] = delivery.Item{VariantID: l.VariantID, Quantity: l.Quantity}
		if l.VariantID != 0 {
			byVariant = append(byVariant, l.VariantID)
			continue
		}
		p, pStale, err := e.Products.Product(ctx, shop, l.ProductID, l.Handle)
		switch {
		case errors.Is(err, delivery.ErrUnknownProduct):
			// Left nil: the line reports unknown_product.
		case err != nil:
			return nil, false, err
		default:
			items[i].Product = p
			stale = stale || pStale
		}
	}
	if len(byVariant) == 0 {
		return items, stale, nil
	}
	found, vStale, err := e.Products.ProductsOfVariants(ctx, shop, byVariant)
	if err != nil {
		return nil, false, fmt.Errorf("loading cart products: %w", err)
	}
	stale = stale || vStale
	for i, l := range lines {
		if p := found[l.VariantID]; l.VariantID != 0 && p != nil && namesProduct(l, p) {
			items[i].Product = p
		}
	}
	return items, stale, nil
}

// namesProduct reports whether p is the product that l names, if it names
// one at all.
func namesProduct(l CartLine, p *delivery.Product) bool {
	return (l.ProductID == 0 || l.ProductID == p.ID) && (l.Handle == "" || l.Handle == p.Handle)
}

// ResolveLocale picks the answer's locale (issue 3): the requested one
// ("sv", "sv-SE", "pt-BR"), else its language, else the shop's primary
// locale, else en, among the locales the message package speaks. An
// unknown locale is never an error.
func ResolveLocale(shop *delivery.Shop, requested string) string {
	return message.Resolve(requested, shop.Settings().Locale)
}

// Catalog serves products from the offline catalog of each shop's settings
// document. It never fails except for an unknown product.
type Catalog struct{}

// Product implements Products.
func (Catalog) Product(_ context.Context, shop *delivery.Shop, id int64, handle string) (*delivery.Product, bool, error) {
	var p *delivery.Product
	var ok bool
	if id > 0 {
		p, ok = shop.ProductByID(id)
	} else {
		p, ok = shop.ProductByHandle(handle)
	}
	if !ok {
		if id > 0 {
			return nil, false, fmt.Errorf("product %d: %w", id, delivery.ErrUnknownProduct)
		}
		return nil, false, fmt.Errorf("product %q: %w", handle, delivery.ErrUnknownProduct)
	}
	return p, false, nil
}

// ProductsOfVariants implements Products.
func (Catalog) ProductsOfVariants(_ context.Context, shop *delivery.Shop, ids []int64) (map[int64]*delivery.Product, bool, error) {
	out := make(map[int64]*delivery.Product, len(ids))
	for _, id := range ids {
		if p, ok := shop.ProductByVariant(id); ok {
			out[id] = p
		}
	}
	return out, false, nil
}

// StaticShops serves a fixed set of shops, such as the one loaded from
// LEADTIME_CONFIG or the embedded demo shop.
type StaticShops map[string]*delivery.Shop

// Shop implements Shops.
func (s StaticShops) Shop(_ context.Context, domain string) (*delivery.Shop, error) {
	if shop, ok := s[domain]; ok {
		return shop, nil
	}
	return nil, fmt.Errorf("%q: %w", domain, ErrShopNotInstalled)
}
