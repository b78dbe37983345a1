package shopifytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

const (
	shop  = "fake-shop.myshopify.com"
	token = "shpat_fake"
)

func newTestServer(t *testing.T, info Shop) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	s.AddShop(shop, token, info)
	s.AddProduct(shop, Product{ID: 1, Handle: "one", Title: "One", Tags: []string{"a"}, Collections: []string{"c"},
		Metafields: map[string]string{"leadtime.processing_min_days": "3"},
		Variants:   []Variant{{ID: 11, Title: "V", InventoryQuantity: 2, Tracked: true}}})
	return s
}

// post sends a GraphQL request as package shopify does and returns the
// status and the decoded answer.
func post(t *testing.T, s *Server, host, tok, version, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/admin/api/"+version+"/graphql.json", bytes.NewReader(body))
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil && resp.Header.Get("Content-Type") == "application/json; charset=utf-8" {
		t.Fatalf("%s: %v", raw, err)
	}
	return resp.StatusCode, out
}

func errorCode(resp map[string]any) string {
	errs, _ := resp["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	e, _ := errs[0].(map[string]any)
	ext, _ := e["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

func TestRefusals(t *testing.T) {
	s := newTestServer(t, Shop{})
	for _, tc := range []struct {
		name, host, token, version, query string
		status                            int
		code                              string
	}{
		{"unknown field", shop, token, APIVersion, `{ shop { nmae } }`, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"unsupported field", shop, token, APIVersion, `{ shop { currencyCode } }`, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"missing argument", shop, token, APIVersion, `{ product { id } }`, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"connection without first", shop, token, APIVersion, `{ product(id: "gid://shopify/Product/1") { variants { nodes { id } } } }`, 200, "BAD_REQUEST"},
		{"bad token", shop, "shpat_nope", APIVersion, `{ shop { name } }`, 401, ""},
		{"no token", shop, "", APIVersion, `{ shop { name } }`, 401, ""},
		{"unknown shop", "other.myshopify.com", token, APIVersion, `{ shop { name } }`, 404, ""},
		{"other version", shop, token, "2025-10", `{ shop { name } }`, 404, ""},
		{"too costly", shop, token, APIVersion, `{ product(id: "gid://shopify/Product/1") { variants(first: 250) { nodes { a: metafield(key: "a", namespace: "x") { value } b: metafield(key: "b", namespace: "x") { value } c: metafield(key: "c", namespace: "x") { value } } } } }`, 200, "MAX_COST_EXCEEDED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, resp := post(t, s, tc.host, tc.token, tc.version, tc.query, nil)
			if status != tc.status || errorCode(resp) != tc.code {
				t.Errorf("HTTP %d, %v; want %d with code %q", status, resp, tc.status, tc.code)
			}
			if tc.status == 200 && resp["errors"] == nil {
				t.Errorf("no errors in %v", resp)
			}
		})
	}
}

func TestThrottle(t *testing.T) {
	s := newTestServer(t, Shop{})
	s.SetThrottle(100, 10) // a point every 100 ms
	s.Drain(shop)
	status, resp := post(t, s, shop, token, APIVersion, `{ shop { name } }`, nil)
	if status != 200 || errorCode(resp) != "THROTTLED" || resp["data"] != nil {
		t.Fatalf("drained bucket: HTTP %d %v, want THROTTLED", status, resp)
	}
	cost := resp["extensions"].(map[string]any)["cost"].(map[string]any)
	ts := cost["throttleStatus"].(map[string]any)
	if cost["requestedQueryCost"] != 1.0 || cost["actualQueryCost"] != nil || ts["maximumAvailable"] != 100.0 || ts["restoreRate"] != 10.0 {
		t.Errorf("cost = %v", cost)
	}
	time.Sleep(150 * time.Millisecond) // refills 1.5 points
	status, resp = post(t, s, shop, token, APIVersion, `{ shop { name } }`, nil)
	if status != 200 || resp["errors"] != nil {
		t.Errorf("after the refill: %v", resp)
	}
}

func TestAccessDenied(t *testing.T) {
	s := newTestServer(t, Shop{Scopes: []string{"read_products"}})
	_, resp := post(t, s, shop, token, APIVersion, `{ shop { name } shopLocales { locale } }`, nil)
	if errorCode(resp) != "ACCESS_DENIED" || resp["data"] != nil {
		t.Fatalf("answer %v, want ACCESS_DENIED and data null (shopLocales is non-null)", resp)
	}
	e := resp["errors"].([]any)[0].(map[string]any)
	if fmt.Sprint(e["path"]) != "[shopLocales]" || !strings.Contains(e["message"].(string), "read_locales") {
		t.Errorf("error %v", e)
	}
	_, resp = post(t, s, shop, token, APIVersion, `mutation { metafieldsSet(metafields: [{ownerId: "gid://shopify/Order/1", namespace: "leadtime", key: "promise", type: "json", value: "{}"}]) { userErrors { code } } }`, nil)
	if errorCode(resp) != "ACCESS_DENIED" {
		t.Errorf("writing an order metafield without write_orders: %v", resp)
	}
}

func TestFaults(t *testing.T) {
	s := newTestServer(t, Shop{})
	s.SetRetryAfter(1500 * time.Millisecond)
	s.FailNext(1, http.StatusTooManyRequests)
	s.FailNext(1, http.StatusBadGateway)
	s.FailNext(1, Reset)
	q := []byte(`{"query":"{ shop { name } }"}`)
	do := func() (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/admin/api/"+APIVersion+"/graphql.json", bytes.NewReader(q))
		req.Host = shop
		req.Header.Set("X-Shopify-Access-Token", token)
		return http.DefaultClient.Do(req)
	}
	resp, err := do()
	if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1.5" {
		t.Errorf("first: %v %v, want 429 with Retry-After 1.5", resp.Status, err)
	}
	resp.Body.Close()
	resp, err = do()
	if err != nil || resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("second: %v %v, want an HTML 502", resp.Status, err)
	}
	resp.Body.Close()
	if resp, err := do(); err == nil {
		resp.Body.Close()
		t.Errorf("third: %v, want a reset connection", resp.Status)
	}
	s.SetDown(true)
	resp, err = do()
	if err != nil || resp.StatusCode != 503 {
		t.Errorf("down: %v %v", resp, err)
	}
	resp.Body.Close()
	s.SetDown(false)
	resp, err = do()
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("up again: %v %v", resp, err)
	}
	resp.Body.Close()
	if s.Calls() != 5 {
		t.Errorf("Calls() = %d, want 5", s.Calls())
	}
}

func TestMetafieldsSetIsAtomic(t *testing.T) {
	s := newTestServer(t, Shop{})
	_, resp := post(t, s, shop, token, APIVersion, `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key } userErrors { field code message } } }`,
		map[string]any{"m": []any{
			map[string]any{"ownerId": "gid://shopify/Order/7", "namespace": "leadtime", "key": "promise", "type": "json", "value": "{}"},
			map[string]any{"ownerId": "gid://shopify/Product/999", "namespace": "leadtime", "key": "x", "type": "json", "value": "{}"},
		}})
	set := resp["data"].(map[string]any)["metafieldsSet"].(map[string]any)
	if set["metafields"] != nil || len(set["userErrors"].([]any)) != 1 {
		t.Errorf("metafieldsSet = %v, want one user error and nothing written", set)
	}
	if _, ok := s.Metafield(shop, "gid://shopify/Order/7", "leadtime", "promise"); ok {
		t.Error("the valid half was written")
	}
	if m := s.Mutations(); len(m) != 1 || m[0].Name != "metafieldsSet" || m[0].Shop != shop {
		t.Errorf("Mutations() = %+v", m)
	}
}

func TestProductFrom(t *testing.T) {
	s := newTestServer(t, Shop{})
	d, _ := delivery.ParseDate("2027-01-10")
	s.AddProduct(shop, ProductFrom(delivery.Product{ID: 5, Handle: "five", Variants: []delivery.Variant{
		{ID: 55, InventoryQuantity: new(4), InventoryPolicy: "continue", Metafields: delivery.Metafields{ShipsOn: &d}},
		{ID: 56},
	}}))
	_, resp := post(t, s, shop, token, APIVersion, `{ productVariant(id: "gid://shopify/ProductVariant/55") {
		inventoryQuantity inventoryPolicy inventoryItem { tracked } m: metafield(namespace: "leadtime", key: "ships_on") { value } product { handle } } }`, nil)
	got, _ := json.Marshal(resp["data"])
	want := `{"productVariant":{"inventoryItem":{"tracked":true},"inventoryPolicy":"CONTINUE","inventoryQuantity":4,"m":{"value":"2027-01-10"},"product":{"handle":"five"}}}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// TestInventoryItems: a variant's inventory item is the one it names, else
// DefaultInventoryItemID's, never the variant's own id; node(id:) finds it.
func TestInventoryItems(t *testing.T) {
	s := newTestServer(t, Shop{})
	s.AddProduct(shop, ProductFrom(delivery.Product{ID: 5, Handle: "five", Variants: []delivery.Variant{
		{ID: 55, InventoryItemID: 9055, InventoryQuantity: new(4)}, {ID: 56},
	}}))
	_, resp := post(t, s, shop, token, APIVersion, `{ nodes(ids: ["gid://shopify/ProductVariant/55", "gid://shopify/ProductVariant/56",
		"gid://shopify/InventoryItem/9055", "gid://shopify/InventoryItem/1000000056", "gid://shopify/InventoryItem/56"]) {
		... on ProductVariant { inventoryItem { id legacyResourceId } } ... on InventoryItem { id tracked } } }`, nil)
	got, _ := json.Marshal(resp["data"])
	want := `{"nodes":[{"inventoryItem":{"id":"gid://shopify/InventoryItem/9055","legacyResourceId":"9055"}},` +
		`{"inventoryItem":{"id":"gid://shopify/InventoryItem/1000000056","legacyResourceId":"1000000056"}},` +
		`{"id":"gid://shopify/InventoryItem/9055","tracked":true},{"id":"gid://shopify/InventoryItem/1000000056","tracked":false},null]}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if DefaultInventoryItemID(56) != 1_000_000_056 {
		t.Errorf("DefaultInventoryItemID(56) = %d", DefaultInventoryItemID(56))
	}
}

// TestConcurrent exercises the fake from many goroutines (go test -race).
func TestConcurrent(t *testing.T) {
	s := newTestServer(t, Shop{})
	s.SetThrottle(1e9, 1e9)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				s.AddProduct(shop, Product{ID: int64(100 + i), Handle: fmt.Sprint("p", i), Variants: []Variant{{ID: int64(1000 + i)}}})
			case 1:
				s.FailNext(1, http.StatusInternalServerError)
			}
			post(t, s, shop, token, APIVersion, `{ nodes(ids: ["gid://shopify/ProductVariant/11"]) { id } }`, nil)
			_ = s.Calls()
			_ = s.Mutations()
		})
	}
	wg.Wait()
}
