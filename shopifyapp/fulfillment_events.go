package shopifyapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/shopify"
)

// A DELIVERED fulfilment event (fulfillment_events/create, which
// read_fulfillments already allows) says when the parcel arrived; a
// fulfilment's own webhooks only say that it did, and when Shopify learnt
// it. Whichever webhook comes, and in whatever order, the delivery
// recorded is what Shopify knows at that moment (shopify.deliveryOf:
// deliveredAt, else the first DELIVERED event), read back from the Admin
// API: so the webhooks and the backfill record the same day, a replay
// records it again, and a late fulfillments/create (its payload a
// snapshot from before the delivery) does not take it back.
//
// An event that comes before its fulfilment was recorded loses nothing:
// the fulfilment is read whole from the Admin API and recorded then,
// exactly as the backfill would record it (one of more than 100 lines is
// left to its own webhooks, which carry every line). An event of a fulfilment that
// records nothing (no promise, cancelled, lines the promise does not name)
// records nothing either.

// fulfillmentEventPayload is the part of fulfillment_events/create
// Leadtime reads (the REST FulfillmentEvent). Its location fields
// (address1, city, zip, latitude, …) are a carrier's scan and are never
// read.
type fulfillmentEventPayload struct {
	ID            int64     `json:"id"`
	FulfillmentID int64     `json:"fulfillment_id"`
	OrderID       int64     `json:"order_id"`
	Status        string    `json:"status"` // in_transit, out_for_delivery, delivered, failure, …
	HappenedAt    time.Time `json:"happened_at"`
}

// onFulfillmentEvent records the delivery a DELIVERED fulfilment event
// reports on the fulfilment's records; any other event changes nothing.
func (a *App) onFulfillmentEvent(ctx context.Context, shop string, body []byte) error {
	var e fulfillmentEventPayload
	if err := json.Unmarshal(body, &e); err != nil || e.ID <= 0 || e.FulfillmentID <= 0 || e.HappenedAt.IsZero() {
		return badPayload("not a fulfillment event payload")
	}
	if !strings.EqualFold(e.Status, "delivered") {
		return nil
	}
	fs, ok := a.fulfillmentStore()
	if !ok {
		return nil
	}
	compiled, err := a.Shops.Shop(ctx, shop)
	if err != nil {
		return fmt.Errorf("fulfillment event %d: %w", e.ID, err)
	}
	client, err := a.clientFor(ctx, shop, false)
	if err != nil {
		return fmt.Errorf("fulfillment event %d: %w", e.ID, err)
	}
	facts, err := client.Fulfillment(ctx, e.FulfillmentID)
	if err != nil {
		return transientIfShopify(fmt.Errorf("fulfillment event %d: %w", e.ID, err))
	}
	if facts == nil || !facts.Shipped() {
		return nil // deleted since, or cancelled: nothing to measure
	}
	if facts.MoreLines {
		// Recorded from its own webhooks, whose payload has every line
		// and which read this delivery back (withAdminDelivery).
		a.log().InfoContext(ctx, "fulfilment of more lines than one query reads: its delivery is left to the fulfilment webhooks", "shop", shop, "fulfillment", facts.ID)
		return nil
	}
	// Proof of a fulfilment takes the order off the orders at risk, as
	// fulfillments/create does, should that webhook never come.
	if err := a.closeOpenOrder(ctx, shop, facts.Order.ID); err != nil {
		return transient(err)
	}
	if facts.DeliveredAt == nil {
		// Shopify posted the event before its API shows it.
		at := e.HappenedAt
		facts.DeliveredAt = &at
	}
	rec, err := a.fulfillmentRecordOf(ctx, shop, facts, compiled.Location())
	if err != nil || rec == nil {
		return err
	}
	if _, err := fs.PutFulfillment(ctx, shop, facts.ID, rec); err != nil {
		return transient(err)
	}
	return nil
}

// fulfillmentRecordOf is the encoded record of a fulfilment read from the
// Admin API, made as the backfill makes it (shipmentsOf, the same promise,
// fulfillmentRecords); nil when it measures nothing.
func (a *App) fulfillmentRecordOf(ctx context.Context, shop string, f *shopify.FulfillmentFacts, loc *time.Location) ([]byte, error) {
	o := &shopify.BackfillOrder{
		ID: f.Order.ID, CreatedAt: f.Order.CreatedAt, Promise: f.Order.Promise, Country: f.Order.Country,
		Lines: f.Lines, Fulfillments: []shopify.BackfillFulfillment{f.BackfillFulfillment},
	}
	shipments := shipmentsOf(o)
	if len(shipments) != 1 {
		return nil, nil
	}
	sh := shipments[0]
	op := &orderPromises{a: a, shop: shop}
	p, reconstructed, err := op.of(ctx, o.Promise, o.CreatedAt, o.Country, sh.Lines)
	if err != nil || p == nil {
		return nil, err
	}
	lines := fulfillmentRecords(sh, p, reconstructed, loc)
	if len(lines) == 0 {
		return nil, nil
	}
	return health.EncodeFulfillment(lines)
}

// withAdminDelivery sets a fulfilment webhook's shipment to the delivery
// Shopify knows now, when it knows one: the payload is a snapshot (a
// fulfillments/create retried after the delivery has none), and its
// updated_at is when Shopify learnt of the delivery, not when it happened.
// A fulfilment the Admin API does not know (yet) keeps the payload's.
func (a *App) withAdminDelivery(ctx context.Context, client *shopify.Client, sh *shipment) error {
	at, known, err := client.FulfillmentDelivery(ctx, sh.ID)
	if err != nil {
		return transientIfShopify(fmt.Errorf("fulfillment %d: %w", sh.ID, err))
	}
	if known && at != nil {
		sh.DeliveredAt = at
	}
	return nil
}
