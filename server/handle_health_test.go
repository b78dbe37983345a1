package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// TestFulfillmentWebhooks: orders/create freezes a promise; then
// fulfillments/create and fulfillments/update, in the REST payload shapes
// Shopify sends (destination, email and tracking included), record one
// line per fulfilled item against it. Replays change no byte of the
// store; nothing of the customer is kept.
func TestFulfillmentWebhooks(t *testing.T) {
	e := newE2E(t)
	e.install(t, e2eShop)
	const orderID, fulfillmentID = 5550001, 4440001
	order := []byte(fmt.Sprintf(`{"id":%d,"name":"#1001","created_at":"2026-11-23T09:00:00+01:00","customer_locale":"en",
		"line_items":[{"product_id":%d,"variant_id":%d,"quantity":1},{"product_id":%d,"variant_id":%d,"quantity":2}],
		"shipping_address":{"country_code":"SE"},"shipping_lines":[{"code":"standard"}]}`,
		orderID, sweaterID, sweaterVariant, towelID, towelVariant))
	if w := e.webhook("orders/create", e2eShop, "", order); w.Code != http.StatusOK {
		t.Fatalf("orders/create: %d %s", w.Code, w.Body)
	}
	openOrders := func() []health.OpenOrder {
		t.Helper()
		raw, err := e.store.OpenOrders(context.Background(), e2eShop)
		if err != nil {
			t.Fatal(err)
		}
		var out []health.OpenOrder
		for _, b := range raw {
			for _, personal := range []string{"customer", "address", "SE"} {
				if bytes.Contains(b, []byte(personal)) {
					t.Errorf("the open order keeps %q: %s", personal, b)
				}
			}
			o, err := health.DecodeOpenOrder(b)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, o)
		}
		return out
	}
	// Ordered Mon 23 Nov 09:00 in Stockholm: open, with its name and
	// promised windows, until its first fulfilment.
	if open := openOrders(); len(open) != 1 || open[0].OrderID != orderID || open[0].Name != "#1001" || open[0].Ships.Latest < open[0].Ships.Earliest || open[0].Ships.Earliest.String() < "2026-11-24" {
		t.Fatalf("after orders/create: open orders %+v, want order %d #1001 with its promise", open, orderID)
	}
	fulfillment := func(shipmentStatus, updatedAt string) []byte {
		return []byte(fmt.Sprintf(`{"id":%d,"order_id":%d,"status":"success","created_at":"2026-12-07T23:30:00Z",
		"service":"manual","updated_at":%q,"tracking_company":"PostNord","shipment_status":%s,"location_id":905684977,
		"email":"jane@example.com","destination":{"first_name":"Jane","last_name":"Doe","address1":"Storgatan 1","city":"Stockholm","zip":"111 22","country":"Sweden","phone":"+46 8 123 45 67"},
		"origin_address":null,"line_items":[
		  {"id":466157049,"variant_id":%d,"title":"Wool sweater","quantity":1,"sku":"","variant_title":"M","vendor":null,"fulfillment_service":"manual","product_id":%d,"requires_shipping":true,"name":"Wool sweater - M","properties":[],"fulfillment_status":"fulfilled"},
		  {"id":466157050,"variant_id":%d,"title":"Linen towel","quantity":2,"product_id":%d,"requires_shipping":true,"name":"Linen towel","properties":[],"fulfillment_status":"fulfilled"}],
		"tracking_number":"00370733000000000001","tracking_numbers":["00370733000000000001"],"tracking_url":"https://tracking.postnord.com/00370733000000000001","tracking_urls":["https://tracking.postnord.com/00370733000000000001"],
		"receipt":{},"name":"#1001.1","admin_graphql_api_id":"gid://shopify/Fulfillment/%d"}`,
			fulfillmentID, orderID, updatedAt, shipmentStatus, sweaterVariant, sweaterID, towelVariant, towelID, fulfillmentID))
	}
	stored := func() []byte {
		t.Helper()
		recs, err := e.store.Fulfillments(context.Background(), e2eShop)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 {
			t.Fatalf("%d fulfilments stored, want 1", len(recs))
		}
		return recs[0]
	}
	hook := func(topic string, body []byte) {
		t.Helper()
		if w := e.webhook(topic, e2eShop, "", body); w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", topic, w.Code, w.Body)
		}
	}

	hook("fulfillments/create", fulfillment("null", "2026-12-07T23:30:00Z"))
	if open := openOrders(); len(open) != 0 {
		t.Errorf("after fulfillments/create: open orders %+v, want none", open)
	}
	created := stored()
	lines, err := health.DecodeFulfillment(created)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines recorded, want 2: %s", len(lines), created)
	}
	// 23:30 UTC on Mon 7 Dec is 00:30 on Tue 8 Dec in Stockholm.
	for _, l := range lines {
		if l.ShippedOn.String() != "2026-12-08" || l.DeliveredOn != nil || l.OrderID != orderID || l.Country != "SE" || l.Zone == "" {
			t.Errorf("line %+v: want shipped 2026-12-08, no delivery, order %d, SE and a zone", l, orderID)
		}
	}
	if got := fmt.Sprint(lines[0].VariantID, lines[0].Source, lines[1].VariantID); got != fmt.Sprint(sweaterVariant, "product_metafield", towelVariant) {
		t.Errorf("lines are %s, want the sweater (product metafield) then the towel", got)
	}
	for _, personal := range []string{"Jane", "Doe", "Storgatan", "jane@", "123 45", "00370733"} {
		if bytes.Contains(created, []byte(personal)) {
			t.Errorf("the record keeps %q: %s", personal, created)
		}
	}

	hook("fulfillments/create", fulfillment("null", "2026-12-07T23:30:00Z")) // Shopify's retry, a new webhook id
	if again := stored(); !bytes.Equal(again, created) {
		t.Errorf("a replayed fulfillments/create changed the record:\n%s\n%s", created, again)
	}

	hook("fulfillments/update", fulfillment(`"delivered"`, "2026-12-10T12:00:00+01:00"))
	delivered := stored()
	lines, _ = health.DecodeFulfillment(delivered)
	if lines[0].DeliveredOn == nil || lines[0].DeliveredOn.String() != "2026-12-10" {
		t.Errorf("after delivered: %s, want delivered_on 2026-12-10", delivered)
	}
	hook("fulfillments/update", fulfillment(`"delivered"`, "2026-12-10T12:00:00+01:00"))
	if again := stored(); !bytes.Equal(again, delivered) {
		t.Errorf("a replayed fulfillments/update changed the record")
	}

	// An order without a promise (placed before the install), a
	// cancelled fulfilment, and a payload that is not one.
	hook("fulfillments/create", bytes.Replace(fulfillment("null", "2026-12-07T23:30:00Z"), []byte(fmt.Sprint(orderID)), []byte("9999"), 1))
	hook("fulfillments/create", bytes.Replace(bytes.Replace(fulfillment("null", "2026-12-07T23:30:00Z"), []byte(`"success"`), []byte(`"cancelled"`), 1), []byte(fmt.Sprint(fulfillmentID)), []byte("4440002"), 1))
	stored() // still the one
	if w := e.webhook("fulfillments/create", e2eShop, "", []byte(`{"id":"x"}`)); w.Code != http.StatusBadRequest {
		t.Errorf("a malformed fulfilment: %d, want 400", w.Code)
	}

	// The report, behind the session token, as of Fri 18 Dec.
	e.now.Set(time.Date(2026, 12, 18, 12, 0, 0, 0, stockholm))
	get := func(target string, auth bool) *httpResponse {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+shopifytest.SessionToken(e2eAPIKey, e2eAPISecret, e2eShop, e.wall.Now()))
		}
		w := e.serve(req)
		return &httpResponse{code: w.Code, body: w.Body.String()}
	}
	if r := get("/admin/api/health", false); r.code != http.StatusUnauthorized {
		t.Errorf("GET /admin/api/health without a token: %d, want 401", r.code)
	}
	if r := get("/admin/api/health?window=7", true); r.code != http.StatusBadRequest || !strings.Contains(r.body, "invalid_window") {
		t.Errorf("window=7: %d %s, want 400 invalid_window", r.code, r.body)
	}
	r := get("/admin/api/health?window=30", true)
	var rep health.ShopReport
	if err := json.Unmarshal([]byte(r.body), &rep); r.code != http.StatusOK || err != nil {
		t.Fatalf("GET /admin/api/health: %d %s", r.code, r.body)
	}
	if rep.Overall.Lines != 2 || rep.Overall.Delivered != 2 || rep.WindowDays != 30 {
		t.Errorf("report overall = %+v, want 2 lines, both delivered, 30 days", rep.Overall)
	}
}

type httpResponse struct {
	code int
	body string
}

// The e2e store passes fulfilment records through to the bbolt file, and
// fails them with the rest in an outage.
func (f *flakyStore) PutFulfillment(ctx context.Context, shop string, id int64, rec []byte) (bool, error) {
	if f.down.Load() {
		return false, errStoreDown
	}
	return f.Store.(shopifyapp.FulfillmentStore).PutFulfillment(ctx, shop, id, rec)
}

func (f *flakyStore) PutFulfillments(ctx context.Context, shop string, recs map[int64][]byte) (int, error) {
	if f.down.Load() {
		return 0, errStoreDown
	}
	return f.Store.(shopifyapp.FulfillmentStore).PutFulfillments(ctx, shop, recs)
}

func (f *flakyStore) Fulfillments(ctx context.Context, shop string) ([][]byte, error) {
	if f.down.Load() {
		return nil, errStoreDown
	}
	return f.Store.(shopifyapp.FulfillmentStore).Fulfillments(ctx, shop)
}

func (f *flakyStore) PutOpenOrder(ctx context.Context, shop string, id int64, rec []byte) error {
	if f.down.Load() {
		return errStoreDown
	}
	return f.Store.(shopifyapp.OpenOrderStore).PutOpenOrder(ctx, shop, id, rec)
}

func (f *flakyStore) DeleteOpenOrder(ctx context.Context, shop string, id int64) error {
	if f.down.Load() {
		return errStoreDown
	}
	return f.Store.(shopifyapp.OpenOrderStore).DeleteOpenOrder(ctx, shop, id)
}

func (f *flakyStore) OpenOrders(ctx context.Context, shop string) ([][]byte, error) {
	if f.down.Load() {
		return nil, errStoreDown
	}
	return f.Store.(shopifyapp.OpenOrderStore).OpenOrders(ctx, shop)
}

// TestAdminHealthDemo: the demo's Promise health shows made-to-order
// late, with a longer suggestion; applying it is a normal save (412 on a
// stale ETag), and the next /proxy/product answer for the linen apron
// (made-to-order) promises the suggested time.
func TestAdminHealthDemo(t *testing.T) {
	e := newAdminEnv(t, adminOptions{})
	w := e.do(t, "GET", "/admin/api/health?window=90", nil)
	var rep health.ShopReport
	if err := json.Unmarshal(w.Body.Bytes(), &rep); w.Code != http.StatusOK || err != nil {
		t.Fatalf("GET /admin/api/health: %d %s", w.Code, w.Body)
	}
	if len(rep.Rules) == 0 || rep.Rules[0].Key != "rule:made-to-order" || rep.Rules[0].KeptRate > 0.6 {
		t.Fatalf("worst rule = %+v, want made-to-order, mostly late", rep.Rules)
	}
	var sug *health.Suggestion
	for i := range rep.Suggestions {
		if rep.Suggestions[i].Key == "rule:made-to-order" {
			sug = &rep.Suggestions[i]
		}
	}
	if sug == nil || sug.Path != "rules[1].processing" || sug.Suggested.Max <= 7 {
		t.Fatalf("made-to-order suggestion = %+v, want a max above 7 at rules[1].processing", sug)
	}
	// Two demo orders at risk as of the demo's clock (Sat 28 Nov 09:15):
	// #D1 was due Fri 27 Nov, #D2 is due Mon 30 Nov, the next
	// processing day; #D3, due later, is not listed.
	var risk struct {
		AtRisk []health.AtRisk `json:"at_risk"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &risk); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range risk.AtRisk {
		got = append(got, fmt.Sprint(r.Name, " ", r.Ships.Latest, " overdue=", r.Overdue))
	}
	if g, want := strings.Join(got, "; "), "#D1 2026-11-27 overdue=true; #D2 2026-11-30 overdue=false"; g != want {
		t.Errorf("at_risk = %s, want %s", g, want)
	}
	// The history is seeded once: a second report reads the same records.
	w2 := e.do(t, "GET", "/admin/api/health?window=90", nil)
	if w2.Body.String() != w.Body.String() {
		t.Error("a second report differs from the first")
	}

	doc, etag := e.settings(t)
	rules := doc["rules"].([]any)
	rules[1].(map[string]any)["processing"] = map[string]any{"min": sug.Suggested.Min, "max": sug.Suggested.Max}
	if w := e.do(t, "PUT", "/admin/api/settings", doc, "If-Match", `"stale"`); w.Code != http.StatusPreconditionFailed {
		t.Errorf("apply with a stale ETag: %d, want 412", w.Code)
	}
	if w := e.do(t, "PUT", "/admin/api/settings", doc, "If-Match", etag); w.Code != http.StatusOK {
		t.Fatalf("apply: %d %s", w.Code, w.Body)
	}
	w = e.do(t, "GET", "/proxy/product?handle=linen-apron", nil)
	var a struct {
		Processing struct {
			MinDays int    `json:"min_days"`
			MaxDays int    `json:"max_days"`
			Rule    string `json:"rule"`
		} `json:"processing"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &a); w.Code != http.StatusOK || err != nil {
		t.Fatalf("/proxy/product: %d %s", w.Code, w.Body)
	}
	if a.Processing.Rule != "made-to-order" || a.Processing.MinDays != sug.Suggested.Min || a.Processing.MaxDays != sug.Suggested.Max {
		t.Errorf("after apply the apron promises %+v, want made-to-order %d–%d", a.Processing, sug.Suggested.Min, sug.Suggested.Max)
	}
}
