package shopifyapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopify"
)

// Promise health (issue 12): every fulfilment of an order that carries a
// frozen promise is recorded per line (package health), and the settings
// page reads a report of kept promises and suggested times.

// FulfillmentStore is what promise health needs of the store (store.Bolt
// and store.Redis have it): fulfilment records, idempotent by fulfilment
// id. Declared here, where it is used; a shops.Store without it records
// nothing.
type FulfillmentStore interface {
	PutFulfillment(ctx context.Context, shop string, id int64, rec []byte) (bool, error)
	PutFulfillments(ctx context.Context, shop string, recs map[int64][]byte) (int, error)
	Fulfillments(ctx context.Context, shop string) ([][]byte, error)
}

// fulfillmentPayload is the part of fulfillments/create and
// fulfillments/update Leadtime reads (the REST Fulfillment resource, as
// Shopify sends it). The payload's destination, email and tracking are
// customer data and are never read.
type fulfillmentPayload struct {
	ID             int64     `json:"id"`
	OrderID        int64     `json:"order_id"`
	Status         string    `json:"status"` // pending, open, success, cancelled, error, failure
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	ShipmentStatus *string   `json:"shipment_status"` // null, label_printed, in_transit, …, delivered
	LineItems      []struct {
		ID        int64  `json:"id"`
		ProductID *int64 `json:"product_id"`
		VariantID *int64 `json:"variant_id"`
	} `json:"line_items"`
}

// frozenPromise is the order metafield leadtime.promise: the cart answer
// quoted for the order (DESIGN §5), of which health needs the lines.
type frozenPromise struct {
	QuotedAt time.Time                `json:"quoted_at"`
	Country  string                   `json:"country"`
	Zone     string                   `json:"zone"`
	Method   string                   `json:"method"`
	Lines    []*promise.ProductAnswer `json:"lines"`
}

// OpenOrderStore is what "orders at risk now" needs of the store
// (store.Bolt and store.Redis have it): the orders placed with a promise
// and not fulfilled yet, by order id. A shops.Store without it lists none.
type OpenOrderStore interface {
	PutOpenOrder(ctx context.Context, shop string, id int64, rec []byte) error
	DeleteOpenOrder(ctx context.Context, shop string, id int64) error
	OpenOrders(ctx context.Context, shop string) ([][]byte, error)
}

// closeOpenOrder takes an order off the orders at risk: it has shipped,
// at least in part. A store without open orders has nothing to close.
func (a *App) closeOpenOrder(ctx context.Context, shop string, orderID int64) error {
	if st, ok := a.openOrderStore(); ok {
		return st.DeleteOpenOrder(ctx, shop, orderID)
	}
	return nil
}

// openOrderStore returns the app's store as an OpenOrderStore.
func (a *App) openOrderStore() (OpenOrderStore, bool) {
	if a.Shops == nil {
		return nil, false
	}
	st, ok := a.Shops.Store.(OpenOrderStore)
	return st, ok
}

// recordOpenOrder keeps an order just given its frozen promise until its
// first fulfilment, for the orders at risk: its id and name, created_at
// and the promised windows, nothing of the customer.
func (a *App) recordOpenOrder(ctx context.Context, shop string, o *orderPayload, answer *promise.CartAnswer) error {
	st, ok := a.openOrderStore()
	if !ok || answer == nil || answer.Ships == nil || answer.Delivery == nil {
		return nil
	}
	rec, err := health.EncodeOpenOrder(&health.OpenOrder{
		OrderID: o.ID, Name: echo.Short(o.Name), CreatedAt: o.CreatedAt,
		Ships:    health.Window{Earliest: answer.Ships.Earliest, Latest: answer.Ships.Latest},
		Delivery: health.Window{Earliest: answer.Delivery.Earliest, Latest: answer.Delivery.Latest},
	})
	if err != nil {
		return err
	}
	if err := st.PutOpenOrder(ctx, shop, o.ID, rec); err != nil {
		return fmt.Errorf("%w: %v", ErrTransient, err)
	}
	return nil
}

// fulfillmentStore returns the app's store as a FulfillmentStore.
func (a *App) fulfillmentStore() (FulfillmentStore, bool) {
	if a.Shops == nil {
		return nil, false
	}
	fs, ok := a.Shops.Store.(FulfillmentStore)
	return fs, ok
}

// onFulfillment records a fulfilment against the order's frozen promise.
// A replay, or an update that changes nothing Leadtime keeps, writes the
// same bytes and changes nothing. A fulfilment that did not ship
// (cancelled, error, failure), of an order without a promise, or of lines
// the promise does not name, records nothing.
func (a *App) onFulfillment(ctx context.Context, shop string, body []byte) error {
	var f fulfillmentPayload
	if err := json.Unmarshal(body, &f); err != nil || f.ID <= 0 || f.OrderID <= 0 || f.CreatedAt.IsZero() {
		return badPayload("not a fulfillment payload")
	}
	switch f.Status {
	case "cancelled", "error", "failure":
		return nil
	}
	// The order's first fulfilment takes it off the orders at risk (a
	// partial one too: what is left is no longer the whole promise).
	if err := a.closeOpenOrder(ctx, shop, f.OrderID); err != nil {
		return fmt.Errorf("%w: %v", ErrTransient, err)
	}
	fs, ok := a.fulfillmentStore()
	if !ok {
		return nil
	}
	compiled, err := a.Shops.Shop(ctx, shop)
	if err != nil {
		return fmt.Errorf("fulfillment %d: %w", f.ID, err)
	}
	client, err := a.clientFor(ctx, shop, false)
	if err != nil {
		return fmt.Errorf("fulfillment %d: %w", f.ID, err)
	}
	order, err := client.Order(ctx, f.OrderID)
	if errors.Is(err, shopify.ErrThrottled) || errors.Is(err, shopify.ErrUnavailable) {
		return fmt.Errorf("fulfillment %d: %w: %v", f.ID, ErrTransient, err)
	}
	if err != nil {
		return fmt.Errorf("fulfillment %d: %w", f.ID, err)
	}
	if order == nil {
		return nil
	}
	sh := shipmentOf(&f)
	op := &orderPromises{a: a, shop: shop}
	p, reconstructed, err := op.of(ctx, order.Promise, order.CreatedAt, order.Country, sh.Lines)
	if err != nil || p == nil {
		return err
	}
	if err := a.withAdminDelivery(ctx, client, sh); err != nil {
		return err
	}
	lines := fulfillmentRecords(sh, p, reconstructed, compiled.Location())
	if len(lines) == 0 {
		return nil
	}
	rec, err := health.EncodeFulfillment(lines)
	if err != nil {
		return err
	}
	if _, err := fs.PutFulfillment(ctx, shop, f.ID, rec); err != nil {
		return fmt.Errorf("%w: %v", ErrTransient, err)
	}
	return nil
}

// shipment is one fulfilment as both of its sources give it, the webhook's
// REST payload and the backfill's bulk query, so that they make the same
// records.
type shipment struct {
	ID, OrderID int64
	CreatedAt   time.Time
	DeliveredAt *time.Time // when the carrier delivered, if Shopify knows
	Lines       []shippedLine
}

// shippedLine is an order line a fulfilment covered.
type shippedLine struct {
	ID                   int64
	ProductID, VariantID *int64
}

// shipmentOf is a fulfilment webhook's payload as a shipment.
func shipmentOf(f *fulfillmentPayload) *shipment {
	sh := &shipment{ID: f.ID, OrderID: f.OrderID, CreatedAt: f.CreatedAt}
	if f.ShipmentStatus != nil && *f.ShipmentStatus == "delivered" && !f.UpdatedAt.IsZero() {
		// The REST payload has no delivered-at: the update that says
		// "delivered" is the day Shopify learnt it.
		at := f.UpdatedAt
		sh.DeliveredAt = &at
	}
	for _, li := range f.LineItems {
		sh.Lines = append(sh.Lines, shippedLine{ID: li.ID, ProductID: li.ProductID, VariantID: li.VariantID})
	}
	return sh
}

// fulfillmentRecords makes one health.Record per fulfilled line that the
// promise names, matched by variant, else by product; reconstructed says
// the promise was not frozen but quoted afterwards (reconstruct.go).
func fulfillmentRecords(f *shipment, p *frozenPromise, reconstructed bool, loc *time.Location) []health.Record {
	var delivered *delivery.Date
	if f.DeliveredAt != nil {
		d := health.ShipDate(*f.DeliveredAt, loc)
		delivered = &d
	}
	var out []health.Record
	for _, li := range f.Lines {
		line := promiseLine(p, li.VariantID, li.ProductID)
		if line == nil || line.Processing == nil || line.Ships == nil || line.Delivery == nil {
			continue
		}
		r := health.Record{
			FulfillmentID: f.ID, OrderID: f.OrderID, LineItemID: li.ID,
			ProductID: line.ProductID, VariantID: line.VariantID,
			Source: line.Processing.Source, Rule: line.Processing.Rule,
			Zone: p.Zone, Method: p.Method, Country: p.Country,
			OrderedAt:  p.QuotedAt,
			Processing: delivery.Days{Min: line.Processing.MinDays, Max: line.Processing.MaxDays},
			ShipsOn:    line.Processing.ShipsOn, Backorder: line.Processing.Backorder,
			Ships:         health.Window{Earliest: line.Ships.Earliest, Latest: line.Ships.Latest},
			Delivery:      health.Window{Earliest: line.Delivery.Earliest, Latest: line.Delivery.Latest},
			ShippedOn:     health.ShipDate(f.CreatedAt, loc),
			DeliveredOn:   delivered,
			Reconstructed: reconstructed,
		}
		if r.Validate() == nil {
			out = append(out, r)
		}
	}
	return out
}

func promiseLine(p *frozenPromise, variantID, productID *int64) *promise.ProductAnswer {
	for _, l := range p.Lines {
		if l != nil && variantID != nil && l.VariantID == *variantID {
			return l
		}
	}
	for _, l := range p.Lines {
		if l != nil && productID != nil && l.ProductID == *productID {
			return l
		}
	}
	return nil
}
