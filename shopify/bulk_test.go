package shopify

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptime(s string) *time.Time { t := utc(s); return &t }

// backfillOrders are orders of testShop (Europe/Stockholm) for the
// backfill since 2026-11-01.
var backfillOrders = []shopifytest.Order{
	// Before the first day (23:30 UTC on 31 Oct is still 31 Oct in
	// Stockholm, CET since 25 Oct): not read.
	{ID: 50, CreatedAt: utc("2026-10-31T22:30:00Z"), Country: "SE",
		Lines:        []shopifytest.OrderLine{{ID: 500, ProductID: 1001, VariantID: 2001, Quantity: 1}},
		Fulfillments: []shopifytest.Fulfillment{{ID: 5000, CreatedAt: utc("2026-11-02T10:00:00Z")}}},
	// 00:30 on 1 Nov in Stockholm: read. One fulfilment of every line,
	// delivered: its lines are known without asking.
	{ID: 51, CreatedAt: utc("2026-10-31T23:30:00Z"), Country: "SE",
		Lines: []shopifytest.OrderLine{
			{ID: 510, ProductID: 1001, VariantID: 2001, Quantity: 1},
			{ID: 511, ProductID: 1002, VariantID: 2010, Quantity: 2},
		},
		Fulfillments: []shopifytest.Fulfillment{{ID: 5100, CreatedAt: utc("2026-11-04T09:00:00Z"), DeliveredAt: ptime("2026-11-06T13:00:00Z")}}},
	// Two fulfilments: which lines each shipped is asked for.
	{ID: 52, CreatedAt: utc("2026-11-10T08:00:00Z"), Country: "DE",
		Lines: []shopifytest.OrderLine{
			{ID: 520, ProductID: 1001, VariantID: 2002, Quantity: 1},
			{ID: 521, ProductID: 1002, VariantID: 2010, Quantity: 1},
		},
		Fulfillments: []shopifytest.Fulfillment{
			{ID: 5200, CreatedAt: utc("2026-11-11T08:00:00Z"), LineIDs: []int64{521}},
			{ID: 5201, CreatedAt: utc("2026-11-18T08:00:00Z"), LineIDs: []int64{520}},
		}},
	// One partial fulfilment (a line left to ship): asked for too.
	{ID: 53, CreatedAt: utc("2026-11-20T08:00:00Z"), Country: "SE",
		Lines: []shopifytest.OrderLine{
			{ID: 530, ProductID: 1001, VariantID: 2003, Quantity: 1},
			{ID: 531, ProductID: 1002, VariantID: 2010, Quantity: 1},
		},
		Fulfillments: []shopifytest.Fulfillment{{ID: 5300, CreatedAt: utc("2026-11-21T08:00:00Z"), LineIDs: []int64{531}}}},
	// Cancelled, then not shipped again; and a deleted product's line.
	{ID: 54, CreatedAt: utc("2026-11-25T08:00:00Z"),
		Lines:        []shopifytest.OrderLine{{ID: 540, ProductID: 7777, VariantID: 8888, Quantity: 1}},
		Fulfillments: []shopifytest.Fulfillment{{ID: 5400, CreatedAt: utc("2026-11-26T08:00:00Z"), Status: "CANCELLED"}}},
	// One fulfilment of every line, delivered by a DELIVERED event
	// without a deliveredAt: its delivery is asked for.
	{ID: 55, CreatedAt: utc("2026-11-27T08:00:00Z"), Country: "SE",
		Lines: []shopifytest.OrderLine{{ID: 550, ProductID: 1001, VariantID: 2001, Quantity: 1}},
		Fulfillments: []shopifytest.Fulfillment{{ID: 5500, CreatedAt: utc("2026-11-28T08:00:00Z"), Events: []shopifytest.FulfillmentEvent{
			{ID: 55001, Status: "IN_TRANSIT", HappenedAt: utc("2026-11-28T18:00:00Z")},
			{ID: 55002, Status: "DELIVERED", HappenedAt: utc("2026-11-30T23:30:00Z"), CreatedAt: utc("2026-12-01T07:00:00Z")},
		}}}},
}

// TestOrdersBackfill runs the whole backfill against the fake: start,
// refused while running, status, the JSONL read back with each
// fulfilment's lines, asking only about the orders whose lines the file
// cannot tell.
func TestOrdersBackfill(t *testing.T) {
	srv := newFake(t)
	for _, o := range backfillOrders {
		srv.AddOrder(testShop, o)
	}
	c := newClient(t, srv, Options{})
	ctx := t.Context()
	promise := `{"lines":[{"variant_id":2001}]}`
	if err := c.SetMetafields(ctx, []MetafieldInput{{OwnerID: GID("Order", 51), Namespace: "leadtime", Key: "promise", Type: "json", Value: promise}}); err != nil {
		t.Fatal(err)
	}
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, stockholm)

	id, err := c.StartOrdersBackfill(ctx, since)
	if err != nil {
		t.Fatalf("StartOrdersBackfill: %v", err)
	}
	if _, err := c.StartOrdersBackfill(ctx, since); !errors.Is(err, ErrBulkInProgress) || !errors.Is(err, ErrRejected) {
		t.Errorf("StartOrdersBackfill while running: err = %v, want ErrBulkInProgress and ErrRejected", err)
	}
	op, err := c.BulkOperation(ctx, id)
	if err != nil || op == nil || op.Status != "RUNNING" || op.URL != "" {
		t.Fatalf("BulkOperation(%s) before finishing = %+v, %v; want RUNNING without a URL", id, op, err)
	}
	srv.FinishBulkOperations(testShop)
	op, err = c.BulkOperation(ctx, id)
	if err != nil || op.Status != "COMPLETED" || op.URL == "" || op.ObjectCount != 5+8 {
		t.Fatalf("BulkOperation(%s) after finishing = %+v, %v; want COMPLETED, a URL and 13 objects (5 orders, 8 lines)", id, op, err)
	}
	if unknown, err := c.BulkOperation(ctx, GID("BulkOperation", 999999)); unknown != nil || err != nil {
		t.Errorf("BulkOperation(unknown) = %+v, %v; want nil, nil", unknown, err)
	}

	calls := srv.Calls()
	got, err := c.OrdersBackfill(ctx, op.URL)
	if err != nil {
		t.Fatalf("OrdersBackfill: %v", err)
	}
	if n := srv.Calls() - calls; n != 3 {
		t.Errorf("OrdersBackfill made %d Admin API calls, want 3 (orders 52 and 53, and 55's delivery; 51's lines and delivery are in the file, 54 shipped nothing)", n)
	}
	want := []BackfillOrder{
		{ID: 51, CreatedAt: utc("2026-10-31T23:30:00Z"), Promise: []byte(promise), Country: "SE",
			Lines:        []BackfillLine{{510, 1001, 2001}, {511, 1002, 2010}},
			Fulfillments: []BackfillFulfillment{{ID: 5100, CreatedAt: utc("2026-11-04T09:00:00Z"), DeliveredAt: ptime("2026-11-06T13:00:00Z"), Status: "SUCCESS", LineIDs: []int64{510, 511}}}},
		{ID: 52, CreatedAt: utc("2026-11-10T08:00:00Z"), Country: "DE",
			Lines: []BackfillLine{{520, 1001, 2002}, {521, 1002, 2010}},
			Fulfillments: []BackfillFulfillment{
				{ID: 5200, CreatedAt: utc("2026-11-11T08:00:00Z"), Status: "SUCCESS", LineIDs: []int64{521}},
				{ID: 5201, CreatedAt: utc("2026-11-18T08:00:00Z"), Status: "SUCCESS", LineIDs: []int64{520}},
			}},
		{ID: 53, CreatedAt: utc("2026-11-20T08:00:00Z"), Country: "SE",
			Lines:        []BackfillLine{{530, 1001, 2003}, {531, 1002, 2010}},
			Fulfillments: []BackfillFulfillment{{ID: 5300, CreatedAt: utc("2026-11-21T08:00:00Z"), Status: "SUCCESS", LineIDs: []int64{531}}}},
		{ID: 54, CreatedAt: utc("2026-11-25T08:00:00Z"),
			Lines:        []BackfillLine{{540, 7777, 8888}},
			Fulfillments: []BackfillFulfillment{{ID: 5400, CreatedAt: utc("2026-11-26T08:00:00Z"), Status: "CANCELLED"}}},
		{ID: 55, CreatedAt: utc("2026-11-27T08:00:00Z"), Country: "SE",
			Lines:        []BackfillLine{{550, 1001, 2001}},
			Fulfillments: []BackfillFulfillment{{ID: 5500, CreatedAt: utc("2026-11-28T08:00:00Z"), DeliveredAt: ptime("2026-11-30T23:30:00Z"), Status: "SUCCESS", LineIDs: []int64{550}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OrdersBackfill =\n%+v\nwant\n%+v", got, want)
	}
}

// TestBulkQueryAccepted checks that the bulk query, with its first day
// filled in, is a valid document of the real schema and within Shopify's
// bulk limits (the fake refuses what Shopify refuses).
func TestBulkQueryAccepted(t *testing.T) {
	q := strings.Replace(queryBulkOrders, bulkSince, "2026-09-07", 1)
	if _, errs := gqlparser.LoadQuery(adminSchema(t), q); len(errs) > 0 {
		t.Fatalf("bulk query: %v", errs)
	}
	srv := newFake(t)
	resp := rawGraphQL(t, srv, mutationBulkRunQuery, map[string]any{"query": q})
	data, _ := resp["data"].(map[string]any)
	run, _ := data["bulkOperationRunQuery"].(map[string]any)
	if ue, _ := run["userErrors"].([]any); len(ue) > 0 || run["bulkOperation"] == nil {
		t.Errorf("bulkOperationRunQuery = %v, want an operation and no userErrors", resp)
	}
	// A connection inside a list is what Shopify refuses, and why the
	// lines of a fulfilment are asked for separately.
	bad := strings.Replace(q, "fulfillments { id createdAt deliveredAt status displayStatus }",
		"fulfillments { id fulfillmentLineItems { edges { node { id } } } }", 1)
	srv.FinishBulkOperations(testShop)
	resp = rawGraphQL(t, srv, mutationBulkRunQuery, map[string]any{"query": bad})
	data, _ = resp["data"].(map[string]any)
	run, _ = data["bulkOperationRunQuery"].(map[string]any)
	if ue, _ := run["userErrors"].([]any); len(ue) != 1 {
		t.Errorf("bulk query with a connection in a list: %v, want one userError", resp)
	}
}

// TestParseBulkOrdersRefuses checks that a malformed file is an error,
// not a silently short backfill.
func TestParseBulkOrdersRefuses(t *testing.T) {
	for _, tc := range []struct{ name, jsonl string }{
		{"not JSON", "{\n"},
		{"child before parent", `{"id":"gid://shopify/LineItem/1","__parentId":"gid://shopify/Order/1"}` + "\n"},
		{"not an order", `{"id":"gid://shopify/Product/1","createdAt":"2026-11-01T00:00:00Z"}` + "\n"},
		{"bad date", `{"id":"gid://shopify/Order/1","createdAt":"yesterday"}` + "\n"},
		{"bad fulfilment", `{"id":"gid://shopify/Order/1","createdAt":"2026-11-01T00:00:00Z","fulfillments":[{"id":"x","createdAt":"2026-11-01T00:00:00Z","status":"SUCCESS"}]}` + "\n"},
	} {
		if got, err := parseBulkOrders(strings.NewReader(tc.jsonl)); err == nil {
			t.Errorf("parseBulkOrders(%s) = %+v, nil; want an error", tc.name, got)
		}
	}
}
