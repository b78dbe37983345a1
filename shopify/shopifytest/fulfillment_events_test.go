package shopifytest

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"
)

// TestFulfillmentEventWebhook: the fulfillment_events/create body has the
// REST FulfillmentEvent's fields, its status in lower case, and the
// fulfilment's own webhook then shows the latest event's status.
func TestFulfillmentEventWebhook(t *testing.T) {
	s := newTestServer(t, Shop{Timezone: "Europe/Stockholm"})
	at := func(v string) time.Time { tm, _ := time.Parse(time.RFC3339, v); return tm }
	s.AddOrder(shop, Order{ID: 1, CreatedAt: at("2026-12-01T08:00:00Z"),
		Lines: []OrderLine{{ID: 11, ProductID: 100, VariantID: 200, Quantity: 1}},
		Fulfillments: []Fulfillment{{ID: 21, CreatedAt: at("2026-12-02T08:00:00Z"), Events: []FulfillmentEvent{
			{ID: 32, Status: "DELIVERED", HappenedAt: at("2026-12-04T23:30:00Z"), CreatedAt: at("2026-12-05T07:00:00Z")},
			{ID: 31, Status: "IN_TRANSIT", HappenedAt: at("2026-12-03T10:00:00Z")},
		}}}})
	var event map[string]any
	if err := json.Unmarshal(s.FulfillmentEventWebhook(shop, 32), &event); err != nil {
		t.Fatal(err)
	}
	want := []string{"address1", "admin_graphql_api_id", "city", "country", "created_at", "estimated_delivery_at", "fulfillment_id",
		"happened_at", "id", "latitude", "longitude", "message", "order_id", "province", "shop_id", "status", "updated_at", "zip"}
	if got := slices.Sorted(maps.Keys(event)); !slices.Equal(got, want) {
		t.Errorf("fulfillment_events/create fields = %v, want %v", got, want)
	}
	for k, v := range map[string]any{"id": 32.0, "fulfillment_id": 21.0, "order_id": 1.0, "status": "delivered",
		"happened_at": "2026-12-04T23:30:00Z", "created_at": "2026-12-05T07:00:00Z", "admin_graphql_api_id": "gid://shopify/FulfillmentEvent/32"} {
		if event[k] != v {
			t.Errorf("fulfillment_events/create %s = %v, want %v", k, event[k], v)
		}
	}
	var f map[string]any
	if err := json.Unmarshal(s.FulfillmentWebhook(shop, 21), &f); err != nil {
		t.Fatal(err)
	}
	if f["shipment_status"] != "delivered" || f["updated_at"] != "2026-12-05T07:00:00Z" {
		t.Errorf("fulfillments/update shipment_status %v updated_at %v, want delivered, when the latest event was created", f["shipment_status"], f["updated_at"])
	}
}
