package shopifyapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/shopify"
)

// BackfillDays is how far back a backfill asks for orders. Shopify gives
// an app with read_orders the last 60 days; older orders need
// read_all_orders, which Shopify grants on request, and come when it does.
const BackfillDays = 90

// StartBackfill asks Shopify for the shop's orders of the last
// BackfillDays with their fulfilments, as a bulk operation: Shopify runs
// it in the background and calls bulk_operations/finish when its result is
// ready (onBulkFinished). It is asked for on install and by the merchant.
// It returns the operation's id, or an error wrapping ErrBackfillRunning
// or ErrShopifyUnavailable.
func (a *App) StartBackfill(ctx context.Context, shop string, now time.Time) (string, error) {
	client, err := a.clientFor(ctx, shop, false)
	if err != nil {
		return "", shopifyOutage(err)
	}
	since := now
	if compiled, err := a.Shops.Shop(ctx, shop); err == nil {
		since = now.In(compiled.Location()) // created_at:>= is a day in the shop's time zone
	}
	id, err := client.StartOrdersBackfill(ctx, since.AddDate(0, 0, -BackfillDays))
	if errors.Is(err, shopify.ErrBulkInProgress) {
		// The merchant reads this message; Shopify's own stays in the log.
		a.log().InfoContext(ctx, "backfill not started: one is running", "shop", shop, "err", err)
		return "", ErrBackfillRunning
	}
	return id, shopifyOutage(err)
}

// bulkFinishedPayload is bulk_operations/finish.
type bulkFinishedPayload struct {
	ID     string `json:"admin_graphql_api_id"`
	Status string `json:"status"` // completed, failed, canceled, expired
	Type   string `json:"type"`   // query, mutation
}

// onBulkFinished records what a finished backfill found. The payload only
// names the operation; everything else is read back from Shopify with the
// shop's own token, so a forged or replayed delivery can at most make
// Leadtime read that shop's own operation again, and records are
// idempotent by fulfilment id: a replay changes nothing.
func (a *App) onBulkFinished(ctx context.Context, shop string, body []byte) error {
	var p bulkFinishedPayload
	if err := json.Unmarshal(body, &p); err != nil || p.ID == "" {
		return badPayload("not a bulk_operations/finish payload")
	}
	if p.Type != "query" || p.Status != "completed" {
		a.log().WarnContext(ctx, "bulk operation did not complete", "shop", shop, "operation", p.ID, "status", p.Status)
		return nil
	}
	fs, ok := a.fulfillmentStore()
	if !ok {
		return nil
	}
	client, err := a.clientFor(ctx, shop, false)
	if err != nil {
		return fmt.Errorf("backfill %s: %w", p.ID, err)
	}
	op, err := client.BulkOperation(ctx, p.ID)
	if err != nil {
		return transientIfShopify(fmt.Errorf("backfill %s: %w", p.ID, err))
	}
	if op.URL == "" {
		return nil // no orders: Shopify gives no file
	}
	orders, err := client.OrdersBackfill(ctx, op.URL)
	if err != nil {
		return transientIfShopify(fmt.Errorf("backfill %s: %w", p.ID, err))
	}
	compiled, err := a.Shops.Shop(ctx, shop)
	if err != nil {
		return fmt.Errorf("backfill %s: %w", p.ID, err)
	}
	recs, stats, err := a.backfillRecords(ctx, shop, orders, compiled.Location())
	if err != nil {
		return fmt.Errorf("backfill %s: %w", p.ID, err)
	}
	changed, err := fs.PutFulfillments(ctx, shop, recs)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrTransient, err)
	}
	if err := a.closeShippedOrders(ctx, shop, orders); err != nil {
		return fmt.Errorf("%w: %v", ErrTransient, err)
	}
	a.log().InfoContext(ctx, "backfill recorded", "shop", shop, "operation", p.ID,
		"orders", len(orders), "fulfillments", len(recs), "new_or_changed", changed,
		"reconstructed", stats.reconstructed, "unmeasured", stats.unmeasured)
	return nil
}

// closeShippedOrders takes the orders that have shipped off the orders at
// risk, as their first fulfilment webhook would have: a backfill is run
// precisely when webhooks were missed.
func (a *App) closeShippedOrders(ctx context.Context, shop string, orders []shopify.BackfillOrder) error {
	for i := range orders {
		if len(shipmentsOf(&orders[i])) == 0 {
			continue
		}
		if err := a.closeOpenOrder(ctx, shop, orders[i].ID); err != nil {
			return err
		}
	}
	return nil
}

// backfillStats counts what a backfill found.
type backfillStats struct{ reconstructed, unmeasured int }

// backfillRecords makes the records of every shipped fulfilment of the
// orders, exactly as the fulfilment webhooks would have (the same
// shipment, the same promise, the same fulfillmentRecords).
func (a *App) backfillRecords(ctx context.Context, shop string, orders []shopify.BackfillOrder, loc *time.Location) (map[int64][]byte, backfillStats, error) {
	recs := map[int64][]byte{}
	var stats backfillStats
	op := &orderPromises{a: a, shop: shop}
	for i := range orders {
		o := &orders[i]
		for _, sh := range shipmentsOf(o) {
			p, reconstructed, err := op.of(ctx, o.Promise, o.CreatedAt, o.Country, sh.Lines)
			if err != nil {
				return nil, stats, fmt.Errorf("order %d: %w", o.ID, err)
			}
			lines := []health.Record(nil)
			if p != nil {
				lines = fulfillmentRecords(sh, p, reconstructed, loc)
			}
			if len(lines) == 0 {
				stats.unmeasured++
				continue
			}
			if reconstructed {
				stats.reconstructed++
			}
			rec, err := health.EncodeFulfillment(lines)
			if err != nil {
				return nil, stats, err
			}
			recs[sh.ID] = rec
		}
	}
	return recs, stats, nil
}

// shipmentsOf are an order's fulfilments that shipped, each with the lines
// it covered.
func shipmentsOf(o *shopify.BackfillOrder) []*shipment {
	lines := make(map[int64]shippedLine, len(o.Lines))
	for _, l := range o.Lines {
		sl := shippedLine{ID: l.ID}
		if l.ProductID != 0 {
			sl.ProductID = &l.ProductID
		}
		if l.VariantID != 0 {
			sl.VariantID = &l.VariantID
		}
		lines[l.ID] = sl
	}
	var out []*shipment
	for _, f := range o.Fulfillments {
		switch f.Status {
		case "CANCELLED", "ERROR", "FAILURE":
			continue
		}
		sh := &shipment{ID: f.ID, OrderID: o.ID, CreatedAt: f.CreatedAt, DeliveredAt: f.DeliveredAt}
		for _, id := range f.LineIDs {
			if l, ok := lines[id]; ok {
				sh.Lines = append(sh.Lines, l)
			}
		}
		out = append(out, sh)
	}
	return out
}
