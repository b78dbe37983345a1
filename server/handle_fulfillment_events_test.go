package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// placeOrder sends orders/create for o (which freezes its promise in the
// order's metafield) and adds it to the fake.
func placeOrder(t *testing.T, e *e2e, o shopifytest.Order) {
	t.Helper()
	var lines []map[string]any
	for _, l := range o.Lines {
		lines = append(lines, map[string]any{"id": l.ID, "product_id": l.ProductID, "variant_id": l.VariantID, "quantity": l.Quantity})
	}
	body, _ := json.Marshal(map[string]any{
		"id": o.ID, "name": fmt.Sprintf("#%d", o.ID), "created_at": o.CreatedAt.Format(time.RFC3339), "customer_locale": "en",
		"line_items": lines, "shipping_address": map[string]any{"country_code": o.Country},
		"shipping_lines": []any{map[string]any{"code": "standard"}},
	})
	e.hook(t, "orders/create", body)
	e.fake.AddOrder(e2eShop, o)
}

// deliveredRecord reports whether a stored record has a delivery date
// (decoded: the stored form is the codec's, not necessarily JSON).
func deliveredRecord(t *testing.T, rec []byte) bool {
	t.Helper()
	lines, err := health.DecodeFulfillment(rec)
	if err != nil {
		t.Fatal(err)
	}
	return len(lines) > 0 && lines[0].DeliveredOn != nil
}

// TestFulfillmentEventWebhook: a DELIVERED fulfilment event dates the
// delivery of the fulfilment's records, whether it comes after
// fulfillments/create or before it (when the fulfilment is read from the
// Admin API and recorded whole); replays, other events and a late
// fulfillments/create (a snapshot from before the delivery) change no
// byte; both orders end with the same record.
func TestFulfillmentEventWebhook(t *testing.T) {
	t.Parallel()
	const orderID, fulfillmentID, inTransitID, deliveredID = 7101, 81011, 910111, 910112
	shipped := shopifytest.Order{ID: orderID, CreatedAt: at("2026-12-01T08:00:00Z"), Country: "SE",
		Lines: []shopifytest.OrderLine{
			{ID: 71011, ProductID: sweaterID, VariantID: sweaterVariant, Quantity: 1},
			{ID: 71012, ProductID: towelID, VariantID: towelVariant, Quantity: 2},
		},
		Fulfillments: []shopifytest.Fulfillment{{ID: fulfillmentID, CreatedAt: at("2026-12-03T09:00:00Z")}}}
	// Delivered at 23:30 UTC on Wed 9 Dec: 00:30 on Thu 10 Dec in
	// Stockholm. Shopify learnt it a day later (the updated_at of
	// fulfillments/update, which is not the delivery); deliveredAt stays
	// null, as when a carrier app reports only the event.
	delivered := shipped
	delivered.Fulfillments = []shopifytest.Fulfillment{{ID: fulfillmentID, CreatedAt: at("2026-12-03T09:00:00Z"), Events: []shopifytest.FulfillmentEvent{
		{ID: inTransitID, Status: "IN_TRANSIT", HappenedAt: at("2026-12-04T07:00:00Z")},
		{ID: deliveredID, Status: "DELIVERED", HappenedAt: at("2026-12-09T23:30:00Z"), CreatedAt: at("2026-12-11T06:00:00Z")},
	}}}

	type step struct {
		topic string
		body  func(e *e2e, created []byte) []byte
	}
	create := step{"fulfillments/create", func(_ *e2e, created []byte) []byte { return created }}
	event := func(id int64) step {
		return step{"fulfillment_events/create", func(e *e2e, _ []byte) []byte { return e.fake.FulfillmentEventWebhook(e2eShop, id) }}
	}
	update := step{"fulfillments/update", func(e *e2e, _ []byte) []byte { return e.fake.FulfillmentWebhook(e2eShop, fulfillmentID) }}
	var final [][]byte
	for _, tc := range []struct {
		name string
		// before runs while the fulfilment has no events yet; after, once
		// it has both.
		before, after []step
	}{
		{"event after fulfillments/create", []step{create}, []step{event(inTransitID), event(deliveredID), update, event(deliveredID), create}},
		{"event before fulfillments/create", nil, []step{event(deliveredID), event(deliveredID), create, event(inTransitID), update, create}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t)
			e.install(t, e2eShop)
			placeOrder(t, e, shipped)
			created := e.fake.FulfillmentWebhook(e2eShop, fulfillmentID) // shipment_status null
			for _, s := range tc.before {
				e.hook(t, s.topic, s.body(e, created))
			}
			if len(tc.before) > 0 {
				recs := storedFulfillments(t, e)
				if len(recs) != 1 || deliveredRecord(t, recs[0]) {
					t.Fatalf("before the delivery: %d records %q, want one without a delivery", len(recs), recs)
				}
			}
			e.fake.AddOrder(e2eShop, delivered)
			var want []byte
			for i, s := range tc.after {
				e.hook(t, s.topic, s.body(e, created))
				if open, err := e.store.OpenOrders(t.Context(), e2eShop); i == 0 && (err != nil || len(open) != 0) {
					t.Errorf("after %s: %d orders at risk (%v), want none: the order is fulfilled", s.topic, len(open), err)
				}
				recs := storedFulfillments(t, e)
				if want == nil && (len(recs) == 0 || !deliveredRecord(t, recs[0])) {
					continue // not delivered yet: the in-transit event changes nothing
				}
				if len(recs) != 1 {
					t.Fatalf("after step %d (%s): %d records, want 1", i, s.topic, len(recs))
				}
				if want == nil {
					want = recs[0]
					lines, err := health.DecodeFulfillment(want)
					if err != nil {
						t.Fatal(err)
					}
					for _, l := range lines {
						if l.DeliveredOn == nil || l.DeliveredOn.String() != "2026-12-10" || l.ShippedOn.String() != "2026-12-03" || l.OrderID != orderID {
							t.Errorf("line %d: shipped %v delivered %v, want shipped 2026-12-03, delivered 2026-12-10 (Stockholm)", l.LineItemID, l.ShippedOn, l.DeliveredOn)
						}
					}
					if len(lines) != 2 {
						t.Errorf("%d lines recorded, want 2", len(lines))
					}
					continue
				}
				if !bytes.Equal(recs[0], want) {
					t.Errorf("step %d (%s) changed the record:\n%s\nwant\n%s", i, s.topic, recs[0], want)
				}
			}
			if want == nil {
				t.Fatal("no step recorded the delivery")
			}
			final = append(final, want)
		})
	}
	if len(final) == 2 && !bytes.Equal(final[0], final[1]) {
		t.Errorf("the two orders of webhooks recorded\n%s\nand\n%s", final[0], final[1])
	}
}

// TestFulfillmentEventWebhookIgnored: an event of a fulfilment Shopify does
// not know, or of an order without a promise, records nothing and is no
// failure; a body that is not an event is refused.
func TestFulfillmentEventWebhookIgnored(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	unpromised := shopifytest.Order{ID: 7201, CreatedAt: at("2026-12-01T08:00:00Z"), Country: "SE",
		Lines: []shopifytest.OrderLine{{ID: 72011, ProductID: 7777, VariantID: 8888, Quantity: 1}},
		Fulfillments: []shopifytest.Fulfillment{{ID: 82011, CreatedAt: at("2026-12-03T09:00:00Z"), Events: []shopifytest.FulfillmentEvent{
			{ID: 920111, Status: "DELIVERED", HappenedAt: at("2026-12-05T12:00:00Z")},
		}}}}
	e.fake.AddOrder(e2eShop, unpromised)
	e.hook(t, "fulfillment_events/create", e.fake.FulfillmentEventWebhook(e2eShop, 920111))
	unknown := bytes.Replace(e.fake.FulfillmentEventWebhook(e2eShop, 920111), []byte(`"fulfillment_id":82011`), []byte(`"fulfillment_id":99999`), 1)
	e.hook(t, "fulfillment_events/create", unknown)
	if recs := storedFulfillments(t, e); len(recs) != 0 {
		t.Errorf("%d records, want none: %q", len(recs), recs)
	}
	for _, body := range []string{`{"id":1}`, `{"id":1,"fulfillment_id":2,"status":"delivered"}`, `{"id":"x"}`} {
		if w := e.webhook("fulfillment_events/create", e2eShop, "", []byte(body)); w.Code != http.StatusBadRequest {
			t.Errorf("fulfillment_events/create %s: %d, want 400", body, w.Code)
		}
	}
}
