package demo_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

// demoCartServer is the demo server (demo mode on) at DESIGN §4's instant.
func demoCartServer(t *testing.T, demo bool) http.Handler {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shop, err := delivery.LoadShop(data)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 9, 15, 0, 0, time.FixedZone("CET", 3600))
	return server.New(withDemo(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(),
		Demo:        demo,
		Now:         func() time.Time { return now },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, nil)).Handler()
}

// demoCartClient is one visitor: it keeps the cart cookie, as a browser does.
type demoCartClient struct {
	t      *testing.T
	h      http.Handler
	cookie string
}

type demoCartResponse struct {
	status int
	header http.Header
	body   []byte
}

func (c *demoCartClient) do(method, path, body string) demoCartResponse {
	c.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "cart", Value: c.cookie})
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, req)
	for _, ck := range w.Result().Cookies() {
		if ck.Name == "cart" {
			c.cookie = ck.Value
		}
	}
	return demoCartResponse{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// demoCartJS is Shopify's cart object, as much as the tests read.
type demoCartJS struct {
	Token            string            `json:"token"`
	Note             string            `json:"note"`
	Attributes       map[string]string `json:"attributes"`
	ItemCount        int               `json:"item_count"`
	RequiresShipping bool              `json:"requires_shipping"`
	Currency         string            `json:"currency"`
	Items            []demoCartItem    `json:"items"`
}

type demoCartItem struct {
	ID           int64   `json:"id"`
	VariantID    int64   `json:"variant_id"`
	ProductID    int64   `json:"product_id"`
	Key          string  `json:"key"`
	Quantity     int     `json:"quantity"`
	Title        string  `json:"title"`
	ProductTitle string  `json:"product_title"`
	VariantTitle *string `json:"variant_title"`
	Handle       string  `json:"handle"`
}

func (c *demoCartClient) cart() demoCartJS {
	c.t.Helper()
	res := c.do("GET", "/cart.js", "")
	if res.status != http.StatusOK {
		c.t.Fatalf("GET /cart.js: %d %s", res.status, res.body)
	}
	var cart demoCartJS
	demoCartDecode(c.t, res, &cart)
	return cart
}

func (c *demoCartClient) ok(method, path, body string) demoCartResponse {
	c.t.Helper()
	res := c.do(method, path, body)
	if res.status != http.StatusOK {
		c.t.Fatalf("%s %s %s: %d %s", method, path, body, res.status, res.body)
	}
	return res
}

func demoCartDecode(t *testing.T, res demoCartResponse, v any) {
	t.Helper()
	if err := json.Unmarshal(res.body, v); err != nil {
		t.Fatalf("decoding %s: %v", res.body, err)
	}
}

// demoCartQuantities lists a cart as "VARIANT×QTY" in line order.
func demoCartQuantities(cart demoCartJS) string {
	var parts []string
	for _, it := range cart.Items {
		parts = append(parts, fmt.Sprintf("%d×%d", it.VariantID, it.Quantity))
	}
	return strings.Join(parts, " ")
}

func TestDemoCartGetIssuesCookie(t *testing.T) {
	c := &demoCartClient{t: t, h: demoCartServer(t, true)}
	res := c.ok("GET", "/cart.js", "")
	if got := res.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	setCookie := res.header.Get("Set-Cookie")
	for _, want := range []string{"cart=", "Path=/", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(setCookie, want) {
			t.Errorf("Set-Cookie %q lacks %q", setCookie, want)
		}
	}
	var cart demoCartJS
	demoCartDecode(t, res, &cart)
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(cart.Token) || cart.Token != c.cookie {
		t.Errorf("token %q, cookie %q: want the same 32 hex digits", cart.Token, c.cookie)
	}
	if cart.ItemCount != 0 || cart.Items == nil || len(cart.Items) != 0 || cart.Attributes == nil {
		t.Errorf("a new cart is empty, with [] items and {} attributes: %s", res.body)
	}
	if !cart.RequiresShipping || cart.Currency != "SEK" {
		t.Errorf("requires_shipping, currency = %v, %q", cart.RequiresShipping, cart.Currency)
	}
	// The token stays; a malformed cookie gets a fresh one.
	if again := c.cart(); again.Token != cart.Token {
		t.Errorf("token changed from %q to %q", cart.Token, again.Token)
	}
	c.cookie = "../../etc/passwd"
	if fresh := c.cart(); fresh.Token == "../../etc/passwd" || len(fresh.Token) != 32 {
		t.Errorf("malformed cookie kept as token %q", fresh.Token)
	}
}

func TestDemoCartAdd(t *testing.T) {
	c := &demoCartClient{t: t, h: demoCartServer(t, true)}

	// The single form answers the line; the items form answers {"items": [...]}.
	var line demoCartItem
	demoCartDecode(t, c.ok("POST", "/cart/add.js", `{"id":2001,"quantity":1}`), &line)
	if line.VariantID != 2001 || line.ID != 2001 || line.ProductID != 1001 || line.Quantity != 1 ||
		line.Title != "Hand-knit wool sweater - S" || line.ProductTitle != "Hand-knit wool sweater" ||
		line.VariantTitle == nil || *line.VariantTitle != "S" || line.Handle != "wool-sweater" ||
		!regexp.MustCompile(`^2001:[0-9a-f]{32}$`).MatchString(line.Key) {
		t.Errorf("added line = %+v", line)
	}
	var added struct{ Items []demoCartItem }
	demoCartDecode(t, c.ok("POST", "/cart/add.js", `{"items":[{"id":"2011","quantity":2},{"id":2001}]}`), &added)
	if len(added.Items) != 2 || added.Items[0].VariantID != 2011 || added.Items[1].Quantity != 2 {
		t.Errorf("items form answered %+v", added.Items)
	}
	cart := c.cart()
	if got := demoCartQuantities(cart); got != "2001×2 2011×2" || cart.ItemCount != 4 {
		t.Errorf("cart = %s (item_count %d), want 2001×2 2011×2 (4)", got, cart.ItemCount)
	}

	// Refusals change nothing, even for the valid items of the same request.
	for _, tc := range []struct {
		body       string
		status     int
		code, text string
	}{
		{`{"id":999999,"quantity":1}`, 422, "unknown_variant", "999999"},
		{`{"items":[{"id":2011,"quantity":1},{"id":999999}]}`, 422, "unknown_variant", ""},
		{`{"id":2071}`, 422, "sold_out", "already sold out"},
		{`{"id":2003,"quantity":3}`, 422, "insufficient_inventory", "only add 2"},
		{`{"id":2001,"quantity":2}`, 422, "insufficient_inventory", ""}, // 2 in the cart + 2 > 3
		{`{"id":2001,"quantity":0}`, 400, "invalid_quantity", ""},
		{`{"id":2001,"quantity":10001}`, 400, "invalid_quantity", ""},
		{`{"id":2001,"quantity":-1}`, 400, "invalid_quantity", ""},
		{`{"id":2001,"quantity":"two"}`, 400, "invalid_json", ""},
		{`{"id":"gid://shopify/Nope"}`, 400, "invalid_id", ""},
		{`{"items":[]}`, 400, "missing_items", ""},
		{`{}`, 400, "missing_items", ""},
		{`{"id":2001`, 400, "invalid_json", ""},
		{`[1,2]`, 400, "invalid_json", ""},
	} {
		res := c.do("POST", "/cart/add.js", tc.body)
		var e struct {
			Error struct{ Code, Message string }
		}
		demoCartDecode(t, res, &e)
		if res.status != tc.status || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.text) {
			t.Errorf("add %s: %d %s, want %d %s %q", tc.body, res.status, res.body, tc.status, tc.code, tc.text)
		}
	}
	if got := demoCartQuantities(c.cart()); got != "2001×2 2011×2" {
		t.Errorf("after refusals the cart is %s", got)
	}

	// Backorder (policy continue) and untracked variants have no stock limit.
	c.ok("POST", "/cart/add.js", `{"items":[{"id":2061,"quantity":50},{"id":2081,"quantity":10000}]}`)
	if got := demoCartQuantities(c.cart()); got != "2001×2 2011×2 2061×50 2081×10000" {
		t.Errorf("cart = %s", got)
	}
	if res := c.do("POST", "/cart/add.js", `{"id":2081}`); res.status != 422 {
		t.Errorf("a line above 10000: %d %s", res.status, res.body)
	}
}

func TestDemoCartChange(t *testing.T) {
	c := &demoCartClient{t: t, h: demoCartServer(t, true)}
	c.ok("POST", "/cart/add.js", `{"items":[{"id":2001},{"id":2011,"quantity":3},{"id":2041}]}`)
	key := c.cart().Items[1].Key

	var cart demoCartJS
	demoCartDecode(t, c.ok("POST", "/cart/change.js", fmt.Sprintf(`{"id":%q,"quantity":5}`, key)), &cart)
	if got := demoCartQuantities(cart); got != "2001×1 2011×5 2041×1" {
		t.Errorf("change by key: %s", got)
	}
	demoCartDecode(t, c.ok("POST", "/cart/change.js", `{"id":"2001","quantity":99}`), &cart)
	if got := demoCartQuantities(cart); got != "2001×3 2011×5 2041×1" {
		t.Errorf("change above the stock (3) is lowered to it: %s", got)
	}
	demoCartDecode(t, c.ok("POST", "/cart/change.js", `{"line":3,"quantity":0}`), &cart)
	if got := demoCartQuantities(cart); got != "2001×3 2011×5" {
		t.Errorf("change line 3 to 0 removes it: %s", got)
	}
	demoCartDecode(t, c.ok("POST", "/cart/change.js", `{"id":2001,"quantity":0}`), &cart)
	if got := demoCartQuantities(cart); got != "2011×5" || cart.ItemCount != 5 {
		t.Errorf("change to 0 removes the line: %s", got)
	}
	for _, tc := range []struct {
		body   string
		status int
		code   string
	}{
		{`{"id":2001,"quantity":1}`, 400, "line_not_found"}, // known variant, not in the cart
		{`{"id":"2011:00000000000000000000000000000000","quantity":1}`, 400, "line_not_found"},
		{`{"id":999999,"quantity":1}`, 422, "unknown_variant"},
		{`{"line":2,"quantity":1}`, 400, "line_not_found"},
		{`{"quantity":1}`, 400, "missing_id"},
		{`{"id":2011}`, 400, "invalid_quantity"},
		{`{"id":2011,"quantity":10001}`, 400, "invalid_quantity"},
		{`not json`, 400, "invalid_json"},
	} {
		res := c.do("POST", "/cart/change.js", tc.body)
		var e struct{ Error struct{ Code string } }
		demoCartDecode(t, res, &e)
		if res.status != tc.status || e.Error.Code != tc.code {
			t.Errorf("change %s: %d %s, want %d %s", tc.body, res.status, res.body, tc.status, tc.code)
		}
	}
}

func TestDemoCartUpdateAndClear(t *testing.T) {
	c := &demoCartClient{t: t, h: demoCartServer(t, true)}
	c.ok("POST", "/cart/add.js", `{"id":2001}`)
	leadtime := `{"ships":{"earliest":"2026-12-07","latest":"2026-12-10"},"delivery":{"earliest":"2026-12-08","latest":"2026-12-15"},"text":"Ships Dec 7–10 · Arrives Dec 8–15","quoted_at":"2026-11-28T09:15:00+01:00"}`
	body, _ := json.Marshal(map[string]any{
		"attributes": map[string]any{"_leadtime": leadtime, "gift": true, "floor": 3},
		"updates":    map[string]int{"2011": 2, "2001": 0},
		"note":       "Leave at the door",
	})
	var cart demoCartJS
	demoCartDecode(t, c.ok("POST", "/cart/update.js", string(body)), &cart)
	if got := demoCartQuantities(cart); got != "2011×2" {
		t.Errorf("updates: %s", got)
	}
	if cart.Attributes["_leadtime"] != leadtime || cart.Attributes["gift"] != "true" || cart.Attributes["floor"] != "3" || cart.Note != "Leave at the door" {
		t.Errorf("attributes %v, note %q", cart.Attributes, cart.Note)
	}
	// Attributes merge; "" and null remove one.
	cart = demoCartJS{}
	demoCartDecode(t, c.ok("POST", "/cart/update.js", `{"attributes":{"gift":"","floor":null,"x":"y"}}`), &cart)
	if len(cart.Attributes) != 2 || cart.Attributes["_leadtime"] != leadtime || cart.Attributes["x"] != "y" {
		t.Errorf("merged attributes = %v", cart.Attributes)
	}

	many := map[string]string{}
	for i := range 19 {
		many[fmt.Sprintf("a%d", i)] = "v"
	}
	manyJSON, _ := json.Marshal(map[string]any{"attributes": many})
	for _, tc := range []struct {
		body string
		code string
	}{
		{`{"attributes":{"_leadtime":"` + strings.Repeat("x", 2049) + `"}}`, "invalid_attributes"},
		{`{"attributes":{"_leadtime":{"ships":1}}}`, "invalid_attributes"},
		{`{"attributes":{"":"v"}}`, "invalid_attributes"},
		{string(manyJSON), "too_many_attributes"}, // 2 kept + 19 new > 20
		{`{"updates":{"2011":-1}}`, "invalid_quantity"},
		{`{"updates":{"nope":1}}`, "invalid_id"},
		{`{"attributes":"x"}`, "invalid_json"},
	} {
		res := c.do("POST", "/cart/update.js", tc.body)
		var e struct{ Error struct{ Code string } }
		demoCartDecode(t, res, &e)
		if res.status != 400 || e.Error.Code != tc.code {
			t.Errorf("update %.80s: %d %s, want 400 %s", tc.body, res.status, res.body, tc.code)
		}
	}
	if res := c.do("POST", "/cart/update.js", `{"updates":{"999999":1}}`); res.status != 422 {
		t.Errorf("update of an unknown variant: %d %s", res.status, res.body)
	}
	if got := c.cart(); len(got.Attributes) != 2 || demoCartQuantities(got) != "2011×2" {
		t.Errorf("refused updates changed the cart: %+v", got)
	}

	// clear.js empties the lines and keeps the attributes and note, as Shopify does.
	cart = demoCartJS{}
	demoCartDecode(t, c.ok("POST", "/cart/clear.js", ""), &cart)
	if len(cart.Items) != 0 || cart.ItemCount != 0 || cart.Attributes["_leadtime"] != leadtime || cart.Note != "Leave at the door" {
		t.Errorf("after clear: %+v", cart)
	}
}

func TestDemoCartBodyLimits(t *testing.T) {
	c := &demoCartClient{t: t, h: demoCartServer(t, true)}
	big := `{"attributes":{"a":"` + strings.Repeat("x", 64<<10) + `"}}`
	if res := c.do("POST", "/cart/update.js", big); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over 64 KB: %d %s", res.status, res.body)
	}
	req := httptest.NewRequest("POST", "/cart/add.js", strings.NewReader("id=2001&quantity=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, req)
	if w.Code != http.StatusUnsupportedMediaType {
		t.Errorf("a form body: %d %s", w.Code, w.Body)
	}
	if res := c.do("GET", "/cart/add.js", ""); res.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /cart/add.js: %d", res.status)
	}
}

// Two visitors never see each other's cart.
func TestDemoCartIsolation(t *testing.T) {
	h := demoCartServer(t, true)
	a := &demoCartClient{t: t, h: h}
	b := &demoCartClient{t: t, h: h}
	a.ok("POST", "/cart/add.js", `{"id":2001}`)
	b.ok("POST", "/cart/add.js", `{"id":2011}`)
	if got := demoCartQuantities(a.cart()); got != "2001×1" {
		t.Errorf("a's cart = %s", got)
	}
	if got := demoCartQuantities(b.cart()); got != "2011×1" {
		t.Errorf("b's cart = %s", got)
	}
	if a.cookie == b.cookie {
		t.Error("two visitors got the same cart token")
	}
}

// Concurrent changes to one cart are serialised: none is lost.
func TestDemoCartConcurrentAdds(t *testing.T) {
	h := demoCartServer(t, true)
	first := &demoCartClient{t: t, h: h}
	first.cart()
	const n = 50
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &demoCartClient{t: t, h: h, cookie: first.cookie}
			if res := c.do("POST", "/cart/add.js", `{"id":2081}`); res.status != 200 {
				t.Errorf("add: %d %s", res.status, res.body)
			}
			c.do("GET", "/cart.js", "")
		}()
	}
	wg.Wait()
	if got := demoCartQuantities(first.cart()); got != fmt.Sprintf("2081×%d", n) {
		t.Errorf("after %d concurrent adds: %s", n, got)
	}
}

// The round trip of <leadtime-promise cart>: the body of GET /cart.js, posted to /proxy/cart,
// quotes the cart.
func TestDemoCartQuotesThroughProxy(t *testing.T) {
	c := &demoCartClient{t: t, h: demoCartServer(t, true)}
	c.ok("POST", "/cart/add.js", `{"items":[{"id":2001},{"id":2011,"quantity":2}]}`)
	res := c.ok("GET", "/cart.js", "")
	answer := c.ok("POST", "/proxy/cart", string(res.body))
	var a struct {
		Ships struct{ Earliest, Latest string }
		Lines []struct {
			VariantID int64 `json:"variant_id"`
			Quantity  int
		}
	}
	demoCartDecode(t, answer, &a)
	if a.Ships.Earliest != "2026-12-07" || a.Ships.Latest != "2026-12-10" || len(a.Lines) != 2 ||
		a.Lines[0].VariantID != 2001 || a.Lines[1].Quantity != 2 {
		t.Errorf("cart answer = %s", answer.body)
	}
}

// Outside demo mode there is no fake cart.
func TestDemoCartOnlyInDemoMode(t *testing.T) {
	c := &demoCartClient{t: t, h: demoCartServer(t, false)}
	for _, path := range []string{"/cart.js"} {
		if res := c.do("GET", path, ""); res.status != http.StatusNotFound {
			t.Errorf("GET %s without demo mode: %d", path, res.status)
		}
	}
	if res := c.do("POST", "/cart/add.js", `{"id":2001}`); res.status != http.StatusNotFound {
		t.Errorf("POST /cart/add.js without demo mode: %d", res.status)
	}
}
