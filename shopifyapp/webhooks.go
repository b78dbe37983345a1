package shopifyapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopify"
)

// Topics are the webhook topics the app handles, sorted. shopify.app.toml
// subscribes to exactly these (TestAppConfigMatchesServer): a handler
// without its subscription never runs, and a subscription without a
// handler is refused.
func Topics() []string {
	return slices.Sorted(maps.Keys(topicHandlers))
}

// HandlesTopic reports whether topic is one of Topics.
func HandlesTopic(topic string) bool {
	_, ok := topicHandlers[topic]
	return ok
}

// topicHandlers are the topics Leadtime subscribes to (shopify.app.toml).
// Any other topic is refused.
var topicHandlers = map[string]func(a *App, ctx context.Context, shop string, body []byte) error{
	"products/create":         (*App).onProductUpdate,
	"products/update":         (*App).onProductUpdate,
	"products/delete":         (*App).onProductUpdate,
	"collections/update":      (*App).onShopProductsChanged,
	"collections/delete":      (*App).onShopProductsChanged,
	"inventory_levels/update": (*App).onInventoryUpdate,
	"shop/update":             (*App).onShopUpdate,
	"orders/create":           (*App).onOrderCreate,
	"fulfillments/create":     (*App).onFulfillment,
	"fulfillments/update":     (*App).onFulfillment,
	"bulk_operations/finish":  (*App).onBulkFinished,
	"app/uninstalled":         (*App).onUninstalled,
	"shop/redact":             (*App).onShopRedact,
	"customers/data_request":  (*App).noCustomerData,
	"customers/redact":        (*App).noCustomerData,

	// A DELIVERED event dates a delivery (fulfillment_events.go).
	"fulfillment_events/create": (*App).onFulfillmentEvent,
}

// HandleWebhook does what a webhook of topic says for shop. The caller has
// verified its signature, that body names no other shop, and
// de-duplicated it. An error wraps ErrBadPayload (the body is not the
// topic's payload), ErrTransient (Shopify should retry), ErrUnknownTopic,
// or is a failure of the service.
func (a *App) HandleWebhook(ctx context.Context, topic, shop string, body []byte) error {
	handle, ok := topicHandlers[topic]
	if !ok {
		return fmt.Errorf("webhook topic %q: %w", echo.Short(topic), ErrUnknownTopic)
	}
	return handle(a, ctx, shop, body)
}

// productPayload is the part of a product webhook Leadtime reads.
type productPayload struct {
	ID       int64  `json:"id"`
	Handle   string `json:"handle"`
	Variants []struct {
		ID int64 `json:"id"`
	} `json:"variants"`
}

// onProductUpdate drops a changed product's facts and every answer of the
// shop, on every instance.
func (a *App) onProductUpdate(ctx context.Context, shop string, body []byte) error {
	var p productPayload
	if err := json.Unmarshal(body, &p); err != nil || p.ID <= 0 {
		return badPayload("not a product payload")
	}
	ids := make([]int64, len(p.Variants))
	for i, v := range p.Variants {
		ids[i] = v.ID
	}
	a.Products.Forget(ctx, shop, p.ID, p.Handle, ids)
	a.Shared.InvalidateShop(ctx, AnswersOf(shop))
	return nil
}

// onShopProductsChanged drops every product fact of the shop: a collection
// changed, and with it which rules match which products.
func (a *App) onShopProductsChanged(ctx context.Context, shop string, _ []byte) error {
	a.Shared.InvalidateShop(ctx, shop)
	a.Shared.InvalidateShop(ctx, AnswersOf(shop))
	return nil
}

// onInventoryUpdate drops the product whose stock changed, found through
// the inventory index the product loader keeps.
func (a *App) onInventoryUpdate(ctx context.Context, shop string, body []byte) error {
	var p struct {
		InventoryItemID int64 `json:"inventory_item_id"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.InventoryItemID <= 0 {
		return badPayload("not an inventory level payload")
	}
	a.Products.ForgetInventoryItem(ctx, shop, p.InventoryItemID)
	a.Shared.InvalidateShop(ctx, AnswersOf(shop))
	return nil
}

// onShopUpdate retires the shop's answers: the shop's name or locale may
// have changed. Its settings, time zone included, are Leadtime's own.
func (a *App) onShopUpdate(ctx context.Context, shop string, _ []byte) error {
	a.Shared.InvalidateShop(ctx, AnswersOf(shop))
	return nil
}

// orderPayload is the part of orders/create Leadtime reads.
type orderPayload struct {
	ID              int64         `json:"id"`
	Name            string        `json:"name"` // "#1001": the order's number, not personal
	CreatedAt       time.Time     `json:"created_at"`
	CustomerLocale  string        `json:"customer_locale"`
	LineItems       []orderedLine `json:"line_items"`
	ShippingAddress *struct {
		CountryCode string `json:"country_code"`
	} `json:"shipping_address"`
	ShippingLines []struct {
		Code string `json:"code"`
	} `json:"shipping_lines"`
}

// orderedLine is a line of an order: what a quote reads of it.
type orderedLine struct {
	ProductID *int64 `json:"product_id"`
	VariantID *int64 `json:"variant_id"`
	Quantity  int    `json:"quantity"`
}

// orderRequest is the cart request that quotes an order: its lines that
// ship, to its country (the method is the shop's default: an order's
// shipping line names a rate, not one of the shop's methods).
func orderRequest(shop, locale, country string, lines []orderedLine) promise.CartRequest {
	req := promise.CartRequest{Shop: shop, Locale: locale}
	if delivery.KnownCountry(country) {
		req.Dest.Country = country
	}
	for _, li := range lines {
		if li.VariantID == nil || *li.VariantID <= 0 {
			continue // a custom line, a tip or a gift card: nothing to ship
		}
		line := promise.CartLine{VariantID: *li.VariantID, Quantity: max(li.Quantity, 1)}
		if li.ProductID != nil {
			line.ProductID = *li.ProductID
		}
		req.Lines = append(req.Lines, line)
	}
	return req
}

// quoteOrder quotes an order's request, for the shop's own country when
// its destination is not served: a promise rather than none.
func quoteOrder(req promise.CartRequest, quote func(promise.CartRequest) (*promise.CartAnswer, error)) (*promise.CartAnswer, error) {
	answer, err := quote(req)
	if errors.Is(err, delivery.ErrCountryNotServed) || errors.Is(err, delivery.ErrUnknownMethod) {
		req.Dest = delivery.Destination{}
		answer, err = quote(req)
	}
	return answer, err
}

// onOrderCreate freezes the promise quoted for the order, as of its
// created_at, into the order metafield leadtime.promise, which emails and
// the order-status page read (DESIGN §5). It is idempotent by order id.
func (a *App) onOrderCreate(ctx context.Context, shop string, body []byte) error {
	var o orderPayload
	if err := json.Unmarshal(body, &o); err != nil || o.ID <= 0 || o.CreatedAt.IsZero() {
		return badPayload("not an order payload")
	}
	orderKey := cache.Key(shop, "order", strconv.FormatInt(o.ID, 10))
	if !a.Shared.SetNX(ctx, orderKey, 7*24*time.Hour) {
		return nil // already written
	}
	err := a.writePromise(ctx, shop, &o)
	if err != nil {
		a.Shared.Invalidate(context.WithoutCancel(ctx), orderKey)
	}
	return err
}

func (a *App) writePromise(ctx context.Context, shop string, o *orderPayload) error {
	client, err := a.clientFor(ctx, shop, false)
	if err != nil {
		return fmt.Errorf("order %d: %w", o.ID, err)
	}
	// A promise once given stands: a replayed or repeated orders/create
	// (de-duplication lives in the cache, which a restart empties) must not
	// rewrite it from today's settings.
	frozen, err := client.OrderPromise(ctx, o.ID)
	switch {
	case errors.Is(err, shopify.ErrThrottled) || errors.Is(err, shopify.ErrUnavailable):
		return fmt.Errorf("order %d: %w: %v", o.ID, ErrTransient, err)
	case err != nil:
		return fmt.Errorf("order %d: reading its promise: %w", o.ID, err)
	case len(frozen) > 0:
		return nil
	}
	var country string
	if o.ShippingAddress != nil {
		country = o.ShippingAddress.CountryCode
	}
	req := orderRequest(shop, o.CustomerLocale, country, o.LineItems)
	if len(req.Lines) == 0 {
		return nil
	}
	answer, err := quoteOrder(req, func(req promise.CartRequest) (*promise.CartAnswer, error) {
		return a.Engine.Cart(ctx, req, o.CreatedAt)
	})
	if err != nil {
		return fmt.Errorf("quoting order %d: %w", o.ID, err)
	}
	doc, err := json.Marshal(answer)
	if err != nil {
		return err
	}
	// The open order first: once the promise is written, Shopify's retry
	// of a failure here would find it and stop, and the order would never
	// be watched. Recording it twice is harmless.
	if err := a.recordOpenOrder(ctx, shop, o, answer); err != nil {
		return err
	}
	err = client.SetMetafields(ctx, []shopify.MetafieldInput{{
		OwnerID: shopify.GID("Order", o.ID), Namespace: "leadtime", Key: "promise", Type: "json", Value: string(doc),
	}})
	if errors.Is(err, shopify.ErrThrottled) || errors.Is(err, shopify.ErrUnavailable) {
		return fmt.Errorf("order %d: %w: %v", o.ID, ErrTransient, err)
	}
	return err
}

// onUninstalled forgets the shop's token (its settings stay, for a
// reinstall) and stops serving it.
func (a *App) onUninstalled(ctx context.Context, shop string, _ []byte) error {
	if installed, err := a.stillInstalled(ctx, shop); err != nil || installed {
		return err
	}
	if err := a.Store.DeleteToken(ctx, shop); err != nil {
		return fmt.Errorf("%w: %v", ErrTransient, err)
	}
	a.forgetShop(ctx, shop)
	return nil
}

// onShopRedact removes everything Leadtime keeps of a shop (GDPR, 48 hours
// after uninstall).
func (a *App) onShopRedact(ctx context.Context, shop string, _ []byte) error {
	if installed, err := a.stillInstalled(ctx, shop); err != nil || installed {
		return err
	}
	if err := a.Store.DeleteShop(ctx, shop); err != nil {
		return fmt.Errorf("%w: %v", ErrTransient, err)
	}
	a.forgetShop(ctx, shop)
	return nil
}

// stillInstalled asks Shopify whether the shop's token still works, before
// an uninstall or an erasure is carried out. A webhook's body is signed but
// its headers (webhook id, time) are not, so a genuine app/uninstalled or
// shop/redact recorded once could be replayed any time later, after the
// merchant has installed again (issue 16 item 5). Shopify revokes the token
// at uninstall: a token Shopify still accepts means the webhook is a
// replay, and it is ignored (200, nothing changed). A shop without a token
// is uninstalled already. When Shopify cannot say, Shopify's retry comes
// back later.
func (a *App) stillInstalled(ctx context.Context, shop string) (bool, error) {
	client, err := a.clientFor(ctx, shop, false)
	switch {
	case errors.Is(err, catalog.ErrNoToken):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("%w: %v", ErrTransient, err)
	}
	_, err = client.ShopSettingsMetafield(ctx)
	switch {
	case err == nil:
		a.log().WarnContext(ctx, "ignoring an uninstall or erasure webhook: Shopify still accepts the shop's token (a replay?)", "shop", shop)
		return true, nil
	case errors.Is(err, shopify.ErrUnauthorized):
		return false, nil
	default:
		return false, fmt.Errorf("%w: asking Shopify whether %s is installed: %v", ErrTransient, shop, err)
	}
}

func (a *App) forgetShop(ctx context.Context, shop string) {
	// Other instances drop their copy of the token within shopRecheck; it
	// is revoked by Shopify anyway.
	a.tokens.Delete(shop)
	a.Shops.Forget(ctx, shop)
	a.Shared.InvalidateShop(ctx, shop)
	a.Shared.InvalidateShop(ctx, AnswersOf(shop))
}

// noCustomerData answers the customer privacy webhooks: Leadtime stores no
// customer data at all (order promises live in Shopify, on the order; the
// fulfilment records of promise health hold order, line, product and
// variant ids, dates, zone, method and destination country code, and an
// open order only its id, name, created_at and promised windows; never a
// name, address, email or phone), so there is nothing to report or redact.
func (*App) noCustomerData(context.Context, string, []byte) error { return nil }
