package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/apitest"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

type errorJSON = apitest.ErrorJSON

var checkError = apitest.CheckError

// cartBody builds a /cart.js body with n lines.
func cartBody(n int, line string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"token":"abc","items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(line)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// TestBadInput: every caller error gets its exact 4xx and code, as JSON,
// and never a 5xx.
func TestBadInput(t *testing.T) {
	t.Parallel()
	oneLine := `{"id":2001,"variant_id":2001,"product_id":1001,"quantity":1}`
	huge := append(cartBody(1, oneLine)[:len(cartBody(1, oneLine))-1], []byte(`,"note":"`+strings.Repeat("x", 600<<10)+`"}`)...)
	manyItems := strings.TrimSuffix(strings.Repeat("2001:1,", 10_000), ",")
	tooManyItems := strings.TrimSuffix(strings.Repeat("2001:1,", promise.MaxCartLines+1), ",")
	const sweater = "/proxy/product?handle=wool-sweater"
	for _, tc := range []struct {
		name        string
		method      string // GET when empty
		target      string
		contentType string
		body        []byte
		status      int
		code        string
	}{
		// The product route.
		{name: "unknown handle", target: "/proxy/product?handle=no-such-product", status: 404, code: "unknown_product"},
		{name: "unknown product id", target: "/proxy/product?product_id=424242", status: 404, code: "unknown_product"},
		{name: "unknown variant", target: sweater + "&variant_id=999999", status: 404, code: "unknown_product"},
		{name: "another product's variant", target: sweater + "&variant_id=2011", status: 404, code: "unknown_product"},
		{name: "product_id abc", target: "/proxy/product?product_id=abc", status: 400, code: "invalid_product_id"},
		{name: "product_id -1", target: "/proxy/product?product_id=-1", status: 400, code: "invalid_product_id"},
		{name: "product_id 0", target: "/proxy/product?product_id=0", status: 400, code: "invalid_product_id"},
		{name: "product_id past int64", target: "/proxy/product?product_id=99999999999999999999", status: 400, code: "invalid_product_id"},
		{name: "product_id 1.5", target: "/proxy/product?product_id=1.5", status: 400, code: "invalid_product_id"},
		{name: "product_id empty GID", target: "/proxy/product?product_id=gid://shopify/Product/", status: 400, code: "invalid_product_id"},
		{name: "variant_id abc", target: sweater + "&variant_id=abc", status: 400, code: "invalid_variant_id"},
		{name: "variant_id 0", target: sweater + "&variant_id=0", status: 400, code: "invalid_variant_id"},
		{name: "no product", target: "/proxy/product", status: 400, code: "missing_product"},
		{name: "empty handle", target: "/proxy/product?handle=&product_id=", status: 400, code: "missing_product"},
		{name: "handle with spaces", target: "/proxy/product?handle=wool%20sweater", status: 400, code: "invalid_handle"},
		{name: "handle with markup", target: "/proxy/product?handle=%3Cscript%3E", status: 400, code: "invalid_handle"},
		{name: "handle too long", target: "/proxy/product?handle=" + strings.Repeat("a", 300), status: 400, code: "invalid_handle"},
		{name: "country XX", target: sweater + "&country=XX", status: 400, code: "invalid_country"},
		{name: "country Sweden", target: sweater + "&country=Sweden", status: 400, code: "invalid_country"},
		{name: "country UK", target: sweater + "&country=UK", status: 400, code: "invalid_country"},
		{name: "country *", target: sweater + "&country=*", status: 400, code: "invalid_country"},
		{name: "unknown method", target: sweater + "&method=overnight", status: 400, code: "invalid_method"},
		{name: "method of another zone", target: sweater + "&country=JP&method=express", status: 400, code: "invalid_method"},
		{name: "malformed method", target: sweater + "&method=Next%20Day!", status: 400, code: "invalid_method"},
		{name: "malformed locale", target: sweater + "&locale=english%20please", status: 400, code: "invalid_locale"},
		{name: "one-letter locale", target: sweater + "&locale=e", status: 400, code: "invalid_locale"},
		{name: "locale with markup", target: sweater + "&locale=%3Cb%3E", status: 400, code: "invalid_locale"},
		{name: "bad format", target: sweater + "&format=xml", status: 400, code: "invalid_format"},
		{name: "bad format JSON", target: sweater + "&format=JSON", status: 400, code: "invalid_format"},

		// The cart's items.
		{name: "negative quantity", target: "/proxy/cart?items=2001:-1", status: 400, code: "invalid_quantity"},
		{name: "zero quantity", target: "/proxy/cart?items=2001:0", status: 400, code: "invalid_quantity"},
		{name: "huge quantity", target: "/proxy/cart?items=2001:100001", status: 400, code: "invalid_quantity"},
		{name: "quantity past int64", target: "/proxy/cart?items=2001:99999999999999999999", status: 400, code: "invalid_quantity"},
		{name: "fractional quantity", target: "/proxy/cart?items=2001:1.5", status: 400, code: "invalid_quantity"},
		{name: "empty quantity", target: "/proxy/cart?items=2001:", status: 400, code: "invalid_quantity"},
		{name: "10 000 lines in the query", target: "/proxy/cart?items=" + manyItems, status: 413, code: "too_large"},
		{name: "one line too many", target: "/proxy/cart?items=" + tooManyItems, status: 400, code: "too_many_lines"},
		{name: "empty items", target: "/proxy/cart?items=", status: 400, code: "missing_items"},
		{name: "no items", target: "/proxy/cart", status: 400, code: "missing_items"},
		{name: "items abc", target: "/proxy/cart?items=abc", status: 400, code: "invalid_items"},
		{name: "items comma", target: "/proxy/cart?items=,", status: 400, code: "invalid_items"},
		{name: "variant 0", target: "/proxy/cart?items=0:1", status: 400, code: "invalid_items"},
		{name: "variant -5", target: "/proxy/cart?items=-5:1", status: 400, code: "invalid_items"},
		{name: "cart country", target: "/proxy/cart?items=2001:1&country=XX", status: 400, code: "invalid_country"},
		{name: "cart method", target: "/proxy/cart?items=2001:1&method=overnight", status: 400, code: "invalid_method"},

		// The /cart.js body.
		{name: "body too big", method: "POST", target: "/proxy/cart", body: huge, status: 413, code: "too_large"},
		{name: "invalid JSON", method: "POST", target: "/proxy/cart", body: []byte(`{"items":[`), status: 400, code: "invalid_body"},
		{name: "not an object", method: "POST", target: "/proxy/cart", body: []byte(`[1,2,3]`), status: 400, code: "invalid_body"},
		{name: "empty body", method: "POST", target: "/proxy/cart", body: []byte{}, contentType: "application/json", status: 400, code: "invalid_body"},
		{name: "no items list", method: "POST", target: "/proxy/cart", body: []byte(`{"token":"abc","item_count":0}`), status: 400, code: "invalid_body"},
		{name: "null items", method: "POST", target: "/proxy/cart", body: []byte(`{"items":null}`), status: 400, code: "invalid_body"},
		{name: "items not a list", method: "POST", target: "/proxy/cart", body: []byte(`{"items":{"id":2001}}`), status: 400, code: "invalid_body"},
		{name: "id not a number", method: "POST", target: "/proxy/cart", body: []byte(`{"items":[{"id":"abc","quantity":1}]}`), status: 400, code: "invalid_body"},
		{name: "no id", method: "POST", target: "/proxy/cart", body: []byte(`{"items":[{"quantity":1}]}`), status: 400, code: "invalid_items"},
		{name: "id 0", method: "POST", target: "/proxy/cart", body: []byte(`{"items":[{"id":0,"quantity":1}]}`), status: 400, code: "invalid_items"},
		{name: "bad product_id", method: "POST", target: "/proxy/cart", body: []byte(`{"items":[{"id":2001,"product_id":-1,"quantity":1}]}`), status: 400, code: "invalid_items"},
		{name: "body quantity -1", method: "POST", target: "/proxy/cart", body: cartBody(1, `{"id":2001,"quantity":-1}`), status: 400, code: "invalid_quantity"},
		{name: "body quantity 1e9", method: "POST", target: "/proxy/cart", body: cartBody(1, `{"id":2001,"quantity":1000000000}`), status: 400, code: "invalid_quantity"},
		{name: "body 10 000 lines", method: "POST", target: "/proxy/cart", body: cartBody(10_000, `{"id":2001,"quantity":1}`), status: 400, code: "too_many_lines"},
		{name: "text/plain", method: "POST", target: "/proxy/cart", body: cartBody(1, oneLine), contentType: "text/plain", status: 415, code: "unsupported_content_type"},
		{name: "form", method: "POST", target: "/proxy/cart", body: []byte("items=2001:1"), contentType: "application/x-www-form-urlencoded", status: 415, code: "unsupported_content_type"},
		{name: "body country", method: "POST", target: "/proxy/cart?country=Sweden", body: cartBody(1, oneLine), status: 400, code: "invalid_country"},

		// Paths, methods and sizes.
		{name: "unknown path", target: "/nope", status: 404, code: "not_found"},
		{name: "unknown proxy path", target: "/proxy/nope", status: 404, code: "not_found"},
		{name: "DELETE product", method: "DELETE", target: sweater, status: 405, code: "method_not_allowed"},
		{name: "POST product", method: "POST", target: sweater, body: []byte(`{}`), status: 405, code: "method_not_allowed"},
		{name: "PUT cart", method: "PUT", target: "/proxy/cart", body: cartBody(1, oneLine), status: 405, code: "method_not_allowed"},
		{name: "POST healthz", method: "POST", target: "/healthz", body: []byte(`{}`), status: 405, code: "method_not_allowed"},
		{name: "oversized query", target: sweater + "&x=" + strings.Repeat("a", server.MaxQueryBytes), status: 413, code: "too_large"},
		{name: "oversized query, unknown path", target: "/nope?x=" + strings.Repeat("a", server.MaxQueryBytes), status: 413, code: "too_large"},

		// The shop.
		{name: "malformed shop", target: sweater + "&shop=not%20a%20shop", status: 400, code: "invalid_shop"},
		{name: "shop not on myshopify", target: sweater + "&shop=evil.example.com", status: 400, code: "invalid_shop"},
		{name: "upper-case shop", target: sweater + "&shop=Demo-Handmade.myshopify.com", status: 400, code: "invalid_shop"},
		{name: "shop not installed", target: sweater + "&shop=someone-else.myshopify.com", status: 404, code: "shop_not_installed"},
		{name: "cart shop not installed", target: "/proxy/cart?items=2001:1&shop=someone-else.myshopify.com", status: 404, code: "shop_not_installed"},
		{name: "cart body shop malformed", method: "POST", target: "/proxy/cart?shop=x", body: cartBody(1, oneLine), status: 400, code: "invalid_shop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			var header http.Header
			if tc.contentType != "" {
				header = http.Header{"Content-Type": {tc.contentType}}
			}
			w := f.do(t, method, tc.target, tc.body, header)
			req := method + " " + shorten(tc.target)
			checkError(t, req, w.Code, w.Header(), w.Body.Bytes(), tc.status, tc.code)
		})
	}
}

// shorten keeps a long request readable in a failure message.
func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// TestNoServerErrorForAnyParam sends odd values in every parameter of both
// routes: whatever the answer, it is never a 5xx, and an error is JSON.
func TestNoServerErrorForAnyParam(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	values := []string{
		"", " ", "\x00", "\xff", "é", "😀", "-", "+1", "0x10", "1e3", "1_000", "NaN",
		"gid://shopify/Product/", "gid://shopify/Product/1001", "[]", "{}", "null", "true",
		"../../etc/passwd", "/", "a,b", ":::", "1:1:1", "{{7*7}}", "{%raw%}", "<script>alert(1)</script>",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", strings.Repeat("9", 400),
		strings.Repeat("ä", 1000),
	}
	routes := []struct {
		base   string
		params []string
	}{
		{"/proxy/product?handle=wool-sweater", []string{"product_id", "handle", "variant_id", "country", "method", "locale", "format", "shop"}},
		{"/proxy/cart?items=2001:1", []string{"items", "country", "method", "locale", "format", "shop"}},
	}
	for _, r := range routes {
		for _, p := range r.params {
			for _, v := range values {
				for _, target := range []string{
					r.base + "&" + p + "=" + url.QueryEscape(v),                            // added or repeated
					strings.SplitN(r.base, "?", 2)[0] + "?" + p + "=" + url.QueryEscape(v), // alone
				} {
					w := f.get(t, target)
					if w.Code >= 500 {
						t.Errorf("GET %s: status = %d, want no 5xx\n%s", shorten(target), w.Code, w.Body)
					}
					if w.Code >= 400 {
						var e errorJSON
						if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
							t.Errorf("GET %s: status %d with body %q, want a JSON error", shorten(target), w.Code, w.Body)
						}
					}
				}
			}
		}
	}
}

// TestCountryNotServed: a shop with no "*" zone does not ship everywhere;
// asking for a country it does not serve is the caller's error, a 422.
func TestCountryNotServed(t *testing.T) {
	t.Parallel()
	shop, err := delivery.LoadShop([]byte(`
shop: nordic-only.myshopify.com
timezone: Europe/Oslo
country: "NO"
cutoff: "14:00"
processing_days: [mon, tue, wed, thu, fri]
processing: {min: 1, max: 2}
shipping:
  carrier_days: [mon, tue, wed, thu, fri]
  zones:
    - {name: Norge, countries: ["NO"], methods: [{code: standard, min: 1, max: 2}]}
catalog:
  - {id: 1, handle: lusekofte, variants: [{id: 11, title: M}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(),
		Now:         func() time.Time { return saturdayMorning },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Cache:       answercache.NewMemory(10),
	})
	for _, tc := range []struct {
		target string
		status int
		code   string
	}{
		{"/proxy/product?handle=lusekofte", 200, ""},
		{"/proxy/product?handle=lusekofte&country=SE", 422, "country_not_served"},
		{"/proxy/cart?items=11:1&country=SE", 422, "country_not_served"},
	} {
		req, _ := http.NewRequest(http.MethodGet, tc.target, nil)
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		if tc.status == 200 {
			if w.Code != 200 {
				t.Errorf("GET %s: status = %d, want %d\n%s", tc.target, w.Code, tc.status, w.Body)
			}
			continue
		}
		checkError(t, "GET "+tc.target, w.Code, w.Header(), w.Body.Bytes(), tc.status, tc.code)
	}
}
