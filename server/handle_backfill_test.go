package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func atPtr(s string) *time.Time { t := at(s); return &t }

// backfillShopOrders are three orders placed through orders/create (so
// they carry a frozen promise) and fulfilled later: one in two parcels,
// the second delivered; one in one parcel, shipped 23:30 UTC, which is the
// next day in Stockholm, and delivered; one whose delivery only a
// DELIVERED event reports (deliveredAt stays null), at 23:30 UTC, the
// next day in Stockholm too.
var backfillShopOrders = []shopifytest.Order{
	{ID: 7001, CreatedAt: at("2026-11-23T08:00:00Z"), Country: "SE",
		Lines: []shopifytest.OrderLine{
			{ID: 70011, ProductID: sweaterID, VariantID: sweaterVariant, Quantity: 1},
			{ID: 70012, ProductID: towelID, VariantID: towelVariant, Quantity: 2},
		},
		Fulfillments: []shopifytest.Fulfillment{
			{ID: 80011, CreatedAt: at("2026-11-25T08:00:00Z"), LineIDs: []int64{70012}},
			{ID: 80012, CreatedAt: at("2026-12-02T15:00:00Z"), DeliveredAt: atPtr("2026-12-04T10:00:00Z"), LineIDs: []int64{70011}},
		}},
	{ID: 7002, CreatedAt: at("2026-11-24T08:30:00Z"), Country: "SE",
		Lines: []shopifytest.OrderLine{{ID: 70021, ProductID: sweaterID, VariantID: sweaterVariant, Quantity: 1}},
		Fulfillments: []shopifytest.Fulfillment{
			{ID: 80021, CreatedAt: at("2026-12-01T23:30:00Z"), DeliveredAt: atPtr("2026-12-03T12:00:00Z")},
		}},
	{ID: 7004, CreatedAt: at("2026-11-25T09:00:00Z"), Country: "SE",
		Lines: []shopifytest.OrderLine{{ID: 70041, ProductID: towelID, VariantID: towelVariant, Quantity: 1}},
		Fulfillments: []shopifytest.Fulfillment{
			{ID: 80041, CreatedAt: at("2026-11-27T10:00:00Z"), Events: []shopifytest.FulfillmentEvent{
				{ID: 900411, Status: "IN_TRANSIT", HappenedAt: at("2026-11-28T08:00:00Z")},
				{ID: 900412, Status: "DELIVERED", HappenedAt: at("2026-11-30T23:30:00Z"), CreatedAt: at("2026-12-02T09:00:00Z")},
			}},
		}},
}

// preInstallOrder was placed before the install: no orders/create, so no
// frozen promise. Its records are reconstructed, from either source alike.
var preInstallOrder = shopifytest.Order{ID: 7003, CreatedAt: at("2026-11-20T10:00:00Z"), Country: "DE",
	Lines:        []shopifytest.OrderLine{{ID: 70031, ProductID: towelID, VariantID: towelVariant, Quantity: 1}},
	Fulfillments: []shopifytest.Fulfillment{{ID: 80031, CreatedAt: at("2026-11-23T12:00:00Z")}}}

// placeBackfillOrders places backfillShopOrders: orders/create (which
// freezes each promise in the order's metafield), then the orders with
// their fulfilments in the fake.
func placeBackfillOrders(t *testing.T, e *e2e) {
	t.Helper()
	for _, o := range backfillShopOrders {
		var lines []map[string]any
		for _, l := range o.Lines {
			lines = append(lines, map[string]any{"id": l.ID, "product_id": l.ProductID, "variant_id": l.VariantID, "quantity": l.Quantity})
		}
		body, _ := json.Marshal(map[string]any{
			"id": o.ID, "name": fmt.Sprintf("#%d", o.ID), "created_at": o.CreatedAt.Format(time.RFC3339), "customer_locale": "en",
			"line_items": lines, "shipping_address": map[string]any{"country_code": o.Country},
			"shipping_lines": []any{map[string]any{"code": "standard"}},
		})
		if w := e.webhook("orders/create", e2eShop, "", body); w.Code != http.StatusOK {
			t.Fatalf("orders/create %d: %d %s", o.ID, w.Code, w.Body)
		}
		e.fake.AddOrder(e2eShop, o)
	}
	e.fake.AddOrder(e2eShop, preInstallOrder)
}

// storedFulfillments are the shop's fulfilment records, sorted.
func storedFulfillments(t *testing.T, e *e2e) [][]byte {
	t.Helper()
	recs, err := e.store.Fulfillments(context.Background(), e2eShop)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(recs, bytes.Compare)
	return recs
}

// openOrderCount is how many orders of e2eShop the store holds as not
// fulfilled yet.
func openOrderCount(t *testing.T, e *e2e) int {
	t.Helper()
	open, err := e.store.OpenOrders(context.Background(), e2eShop)
	if err != nil {
		t.Fatal(err)
	}
	return len(open)
}

func (e *e2e) hook(t *testing.T, topic string, body []byte) {
	t.Helper()
	if w := e.webhook(topic, e2eShop, "", body); w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", topic, w.Code, w.Body)
	}
}

// sendFulfillmentWebhooks sends fulfillments/create for every fulfilment,
// fulfillments/update for the delivered or tracked ones, and
// fulfillment_events/create for every event, as Shopify does.
func sendFulfillmentWebhooks(t *testing.T, e *e2e) {
	t.Helper()
	for _, o := range append(slices.Clone(backfillShopOrders), preInstallOrder) {
		for _, f := range o.Fulfillments {
			e.hook(t, "fulfillments/create", e.fake.FulfillmentWebhook(e2eShop, f.ID))
			if f.DeliveredAt != nil || len(f.Events) > 0 {
				e.hook(t, "fulfillments/update", e.fake.FulfillmentWebhook(e2eShop, f.ID))
			}
			for _, ev := range f.Events {
				e.hook(t, "fulfillment_events/create", e.fake.FulfillmentEventWebhook(e2eShop, ev.ID))
			}
		}
	}
}

// TestBackfillMatchesWebhooks: the same orders, recorded once from the
// fulfilment webhooks and once from a bulk backfill started on the
// settings page, make the same records, byte for byte; a second backfill
// while one runs is refused (409); replaying the finish webhook, or the
// fulfilment webhooks after the backfill, changes nothing.
func TestBackfillMatchesWebhooks(t *testing.T) {
	t.Parallel()
	byWebhooks := newE2E(t)
	byWebhooks.install(t, e2eShop)
	placeBackfillOrders(t, byWebhooks)
	sendFulfillmentWebhooks(t, byWebhooks)
	want := storedFulfillments(t, byWebhooks)
	if len(want) != 5 {
		t.Fatalf("the webhooks recorded %d fulfilments, want 5", len(want))
	}
	// The DELIVERED event's 23:30 UTC on Mon 30 Nov is Tue 1 Dec in
	// Stockholm, on both paths (compared byte for byte below).
	for _, rec := range want {
		lines, err := health.DecodeFulfillment(rec)
		if err != nil {
			t.Fatal(err)
		}
		if l := lines[0]; l.FulfillmentID == 80041 && (l.DeliveredOn == nil || l.DeliveredOn.String() != "2026-12-01") {
			t.Errorf("fulfilment 80041 delivered %v, want 2026-12-01 (its DELIVERED event, in Stockholm)", l.DeliveredOn)
		}
	}

	e := newE2E(t)
	e.install(t, e2eShop)
	e.fake.FinishBulkOperations(e2eShop) // the install's own backfill, of no orders yet
	placeBackfillOrders(t, e)
	res := e.adminDo(t, http.MethodPost, "/admin/api/health/backfill", e2eShop, nil)
	body, _ := io.ReadAll(res.Body)
	var started struct {
		Operation string `json:"bulk_operation"`
		Days      int    `json:"days"`
	}
	if res.StatusCode != http.StatusAccepted || json.Unmarshal(body, &started) != nil || started.Operation == "" || started.Days != 90 {
		t.Fatalf("POST /admin/api/health/backfill = %d %s, want 202 with the operation and 90 days", res.StatusCode, body)
	}
	res = e.adminDo(t, http.MethodPost, "/admin/api/health/backfill", e2eShop, nil)
	body, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusConflict || !bytes.Contains(body, []byte(`"backfill_running"`)) {
		t.Errorf("a second backfill while one runs = %d %s, want 409 backfill_running", res.StatusCode, body)
	}
	if got := storedFulfillments(t, e); len(got) != 0 {
		t.Fatalf("%d records before the operation finished, want 0", len(got))
	}
	if open := openOrderCount(t, e); open != len(backfillShopOrders) {
		t.Fatalf("%d open orders before the backfill, want the %d placed", open, len(backfillShopOrders))
	}

	e.fake.FinishBulkOperations(e2eShop)
	finished := e.fake.BulkFinishedWebhook(e2eShop, started.Operation)
	e.hook(t, "bulk_operations/finish", finished)
	got := storedFulfillments(t, e)
	// Every placed order has shipped: none is left at risk, as after
	// their fulfilment webhooks.
	if open := openOrderCount(t, e); open != 0 {
		t.Errorf("%d open orders after the backfill, want 0: they all shipped", open)
	}
	if !slices.EqualFunc(got, want, bytes.Equal) {
		t.Errorf("the backfill recorded\n%s\nthe webhooks\n%s", bytes.Join(got, []byte("\n")), bytes.Join(want, []byte("\n")))
	}
	reconstructed := 0
	for _, rec := range got {
		lines, err := health.DecodeFulfillment(rec)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if wantR := l.OrderID == preInstallOrder.ID; l.Reconstructed != wantR {
				t.Errorf("order %d line %d: reconstructed = %v, want %v", l.OrderID, l.LineItemID, l.Reconstructed, wantR)
			}
			if l.Reconstructed {
				reconstructed++
				// Quoted at its createdAt, Fri 20 Nov 11:00 in Stockholm,
				// with the shop default of 2 processing days: day0 is Fri
				// 20, so it ships by Tue 24 (Mon 23 is the first day, Tue
				// 24 the second); it shipped Mon 23 Nov, early.
				if !l.OrderedAt.Equal(preInstallOrder.CreatedAt) || l.Country != "DE" || l.Source != "default" ||
					l.ShippedOn.String() != "2026-11-23" || l.Ships.Earliest.String() != "2026-11-24" || l.Ships.Latest.String() != "2026-11-24" {
					t.Errorf("reconstructed line %+v: want ordered %s, DE, the default, ships 2026-11-24, shipped 2026-11-23", l, preInstallOrder.CreatedAt)
				}
			}
		}
	}
	if reconstructed != 1 {
		t.Errorf("%d reconstructed lines, want 1 (order %d)", reconstructed, preInstallOrder.ID)
	}

	e.hook(t, "bulk_operations/finish", finished) // Shopify's retry
	sendFulfillmentWebhooks(t, e)                 // and the webhooks, late
	if again := storedFulfillments(t, e); !slices.EqualFunc(again, want, bytes.Equal) {
		t.Errorf("replays changed the records:\n%s", bytes.Join(again, []byte("\n")))
	}

	// A failed operation records nothing and is no webhook failure.
	e.hook(t, "bulk_operations/finish", []byte(`{"admin_graphql_api_id":"gid://shopify/BulkOperation/1","status":"failed","error_code":"internal_server_error","type":"query"}`))
	if w := e.webhook("bulk_operations/finish", e2eShop, "", []byte(`{"status":"completed"}`)); w.Code != http.StatusBadRequest {
		t.Errorf("a finish payload without an operation: %d, want 400", w.Code)
	}
}
