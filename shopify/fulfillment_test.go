package shopify

import (
	"reflect"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// TestDeliveryOf: deliveredAt wins; without it, the earliest DELIVERED
// event among those read; other statuses never deliver.
func TestDeliveryOf(t *testing.T) {
	str := func(s string) *string { return &s }
	events := func(pairs ...string) fulfillmentEvents {
		var e fulfillmentEvents
		for i := 0; i < len(pairs); i += 2 {
			e.Nodes = append(e.Nodes, struct {
				Status     string `json:"status"`
				HappenedAt string `json:"happenedAt"`
			}{pairs[i], pairs[i+1]})
		}
		return e
	}
	for _, tc := range []struct {
		name        string
		deliveredAt *string
		events      fulfillmentEvents
		want        *time.Time
		wantErr     bool
	}{
		{"nothing", nil, events(), nil, false},
		{"in transit only", nil, events("IN_TRANSIT", "2026-11-28T18:00:00Z", "OUT_FOR_DELIVERY", "2026-11-30T08:00:00Z"), nil, false},
		{"deliveredAt", str("2026-11-30T10:00:00Z"), events("DELIVERED", "2026-11-29T10:00:00Z"), ptime("2026-11-30T10:00:00Z"), false},
		// Newest first, as the query reads them: the first delivery counts.
		{"events", nil, events("DELIVERED", "2026-12-02T09:00:00Z", "DELIVERED", "2026-11-30T23:30:00Z", "IN_TRANSIT", "2026-11-28T18:00:00Z"), ptime("2026-11-30T23:30:00Z"), false},
		{"bad deliveredAt", str("soon"), events(), nil, true},
		{"bad event", nil, events("DELIVERED", "soon"), nil, true},
		{"bad event of another status", nil, events("IN_TRANSIT", "soon"), nil, false},
	} {
		got, err := deliveryOf(tc.deliveredAt, tc.events)
		if (err != nil) != tc.wantErr || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("deliveryOf(%s) = %v, %v; want %v, error %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

// TestFulfillment reads fulfilments one by one, as the fulfilment webhooks
// do: the whole one with its order, and only its delivery.
func TestFulfillment(t *testing.T) {
	srv := newFake(t)
	for _, o := range backfillOrders {
		srv.AddOrder(testShop, o)
	}
	c := newClient(t, srv, Options{})
	ctx := t.Context()
	promise := `{"lines":[{"variant_id":2001}]}`
	if err := c.SetMetafields(ctx, []MetafieldInput{{OwnerID: GID("Order", 55), Namespace: "leadtime", Key: "promise", Type: "json", Value: promise}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   int64
		want *FulfillmentFacts
	}{
		{5500, &FulfillmentFacts{
			BackfillFulfillment: BackfillFulfillment{ID: 5500, CreatedAt: utc("2026-11-28T08:00:00Z"), DeliveredAt: ptime("2026-11-30T23:30:00Z"), Status: "SUCCESS", LineIDs: []int64{550}},
			Order:               OrderFacts{ID: 55, CreatedAt: utc("2026-11-27T08:00:00Z"), Country: "SE", Promise: []byte(promise)},
			Lines:               []BackfillLine{{550, 1001, 2001}},
		}},
		{5201, &FulfillmentFacts{
			BackfillFulfillment: BackfillFulfillment{ID: 5201, CreatedAt: utc("2026-11-18T08:00:00Z"), Status: "SUCCESS", LineIDs: []int64{520}},
			Order:               OrderFacts{ID: 52, CreatedAt: utc("2026-11-10T08:00:00Z"), Country: "DE"},
			Lines:               []BackfillLine{{520, 1001, 2002}},
		}},
		{9, nil},
	} {
		got, err := c.Fulfillment(ctx, tc.id)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Fulfillment(%d) = %+v, %v; want %+v", tc.id, got, err, tc.want)
		}
	}
	// A fulfilment of more lines than one query reads says so.
	big := shopifytest.Order{ID: 56, CreatedAt: utc("2026-11-27T08:00:00Z"),
		Fulfillments: []shopifytest.Fulfillment{{ID: 5600, CreatedAt: utc("2026-11-28T08:00:00Z")}}}
	for i := range 101 {
		big.Lines = append(big.Lines, shopifytest.OrderLine{ID: int64(5600 + i), ProductID: 1001, VariantID: 2001, Quantity: 1})
	}
	srv.AddOrder(testShop, big)
	if got, err := c.Fulfillment(ctx, 5600); err != nil || got == nil || len(got.Lines) != 100 || len(got.LineIDs) != 100 || !got.MoreLines {
		t.Errorf("Fulfillment(5600) of 101 lines = %+v, %v; want 100 lines and MoreLines", got, err)
	}
	for _, tc := range []struct {
		id    int64
		want  *time.Time
		known bool
	}{
		{5500, ptime("2026-11-30T23:30:00Z"), true}, // a DELIVERED event
		{5100, ptime("2026-11-06T13:00:00Z"), true}, // deliveredAt
		{5200, nil, true},
		{9, nil, false},
	} {
		got, known, err := c.FulfillmentDelivery(ctx, tc.id)
		if err != nil || known != tc.known || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FulfillmentDelivery(%d) = %v, %v, %v; want %v, %v", tc.id, got, known, err, tc.want, tc.known)
		}
	}
}
