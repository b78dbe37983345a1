package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/server"
)

// The origins a browser page may call the storefront API from, in the
// shop that sfShop builds: one exact origin, one wildcard and loopback.
var sfOrigins = []string{"https://shop.example.com", "https://*.example.org", "http://localhost"}

// sfShop is the demo shop under another domain and with other
// storefront_origins, compiled from examples/demo-shop.yaml.
func sfShop(t *testing.T, domain string, origins []string) *delivery.Shop {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := delivery.ParseSettings(data)
	if err != nil {
		t.Fatal(err)
	}
	st.Shop, st.StorefrontOrigins = domain, origins
	shop, err := delivery.Compile(st)
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

// sfServer is a server for shops at the fixed instant at, with its own
// cache, the demo shop as its default shop (as in demo and single-shop
// mode), and the given limits (nil: none at all).
func sfServer(t *testing.T, at time.Time, limits *server.Limits, shops ...*delivery.Shop) http.Handler {
	t.Helper()
	installed := promise.StaticShops{}
	for _, s := range shops {
		installed[s.Domain()] = s
	}
	if limits == nil {
		limits = &server.Limits{}
	}
	return server.New(server.Config{
		Engine:      &promise.Engine{Shops: installed, Products: promise.Catalog{}},
		DefaultShop: demoDomain,
		Now:         func() time.Time { return at },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Cache:       answercache.NewMemory(1000),
		Limits:      limits,
	}).Handler()
}

// sfRequest is one request to a handler, from a client address.
type sfRequest struct {
	method, target string
	body           []byte
	header         http.Header
	remote         string // client "IP:port"; "" is httptest's 192.0.2.1
}

func (r sfRequest) String() string { return r.method + " " + shorten(r.target) }

func sfDo(h http.Handler, r sfRequest) *httptest.ResponseRecorder {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	req := httptest.NewRequest(method, r.target, body)
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if r.body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.remote != "" {
		req.RemoteAddr = r.remote
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// noCredentials reports a response that allows credentials: the answers
// are public and need no cookie, so no response ever does.
func noCredentials(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	if v, ok := w.Header()["Access-Control-Allow-Credentials"]; ok {
		t.Errorf("%s: Access-Control-Allow-Credentials = %q, want none", what, v)
	}
}

// noCORS reports any Access-Control-* header.
func noCORS(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	for k, v := range w.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("%s: %s = %q, want no CORS headers", what, k, v)
		}
	}
}

// TestStorefrontSameAnswerAsProxy: for the same request at the same
// instant, the storefront API and the app proxy give the same answer, byte
// for byte, with the same ETag and Cache-Control. Each route runs on its
// own server with its own cache, so each answer is computed, not shared.
func TestStorefrontSameAnswerAsProxy(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	cart := cartJS(t)
	for _, tc := range []struct {
		method, path, query string
		body                []byte
	}{
		{"GET", "/product", "handle=wool-sweater", nil},
		{"GET", "/product", "product_id=1005&variant_id=2042&country=DE&locale=sv", nil},
		{"GET", "/product", "product_id=gid://shopify/Product/1002&country=US&method=express&locale=de", nil},
		{"GET", "/product", "handle=glass-carafe", nil},           // sold out
		{"GET", "/product", "handle=oak-cutting-board", nil},      // backorder
		{"GET", "/product", "handle=spring-vase&country=JP", nil}, // pre-order, rest of the world
		{"GET", "/product", "handle=wool-sweater&format=html", nil},
		{"GET", "/cart", "items=2001:1,2011:2", nil},
		{"GET", "/cart", "items=2042:1,2001:2&country=US&locale=fr", nil},
		{"GET", "/cart", "items=2071:1,999999:1", nil}, // sold out and unknown lines
		{"POST", "/cart", "", cart},
		{"POST", "/cart", "country=DE&locale=de", cart},
	} {
		for _, at := range []time.Time{saturdayMorning, mondayMorning, mondayMorning.Add(6 * time.Hour)} {
			query := "shop=" + demoDomain
			if tc.query != "" {
				query += "&" + tc.query
			}
			proxyReq := sfRequest{method: tc.method, target: "/proxy" + tc.path + "?" + query, body: tc.body}
			sfReq := sfRequest{method: tc.method, target: "/storefront/v1" + tc.path + "?" + query, body: tc.body}
			proxy := sfDo(sfServer(t, at, nil, shop), proxyReq)
			sf := sfDo(sfServer(t, at, nil, shop), sfReq)
			what := sfReq.String() + " at " + at.Format(time.RFC3339)
			if proxy.Code != http.StatusOK || sf.Code != http.StatusOK {
				t.Errorf("%s: status %d, proxy %d; want 200\n%s", what, sf.Code, proxy.Code, sf.Body)
				continue
			}
			if !bytes.Equal(sf.Body.Bytes(), proxy.Body.Bytes()) {
				t.Errorf("%s: the answer differs from the proxy's:\nstorefront %s\nproxy      %s", what, sf.Body, proxy.Body)
			}
			for _, h := range []string{"Content-Type", "ETag", "Cache-Control"} {
				if got, want := sf.Header().Get(h), proxy.Header().Get(h); got != want || got == "" {
					t.Errorf("%s: %s = %q, proxy %q", what, h, got, want)
				}
			}
			if !strings.Contains(sf.Header().Get("Vary"), "Origin") {
				t.Errorf("%s: Vary = %q, want Origin: a shared cache must not give one origin's CORS headers to another",
					what, sf.Header().Get("Vary"))
			}
			noCORS(t, what+" (no Origin)", sf)
		}
	}
	// The instant matters: the same request on Monday is another answer.
	q := "/storefront/v1/product?shop=" + demoDomain + "&handle=wool-sweater"
	sat := sfDo(sfServer(t, saturdayMorning, nil, shop), sfRequest{target: q})
	mon := sfDo(sfServer(t, mondayMorning.Add(6*time.Hour), nil, shop), sfRequest{target: q})
	if bytes.Equal(sat.Body.Bytes(), mon.Body.Bytes()) {
		t.Errorf("GET %s: the same answer on Saturday morning and Monday afternoon; the clock is not used", q)
	}
}

// TestStorefrontETag: a CDN or browser revalidates with If-None-Match and
// gets a 304, as from the proxy.
func TestStorefrontETag(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	h := sfServer(t, saturdayMorning, nil, shop)
	target := "/storefront/v1/product?shop=" + demoDomain + "&handle=wool-sweater"
	first := sfDo(h, sfRequest{target: target})
	etag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || etag == "" || !strings.HasPrefix(first.Header().Get("Cache-Control"), "public, max-age=") {
		t.Fatalf("GET %s: status %d, ETag %q, Cache-Control %q", target, first.Code, etag, first.Header().Get("Cache-Control"))
	}
	again := sfDo(h, sfRequest{target: target, header: http.Header{"If-None-Match": {etag}}})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("GET %s with If-None-Match %s: status %d, %d bytes; want 304, empty", target, etag, again.Code, again.Body.Len())
	}
}

// TestStorefrontParamChecksAsProxy: every parameter check of the proxy
// applies unchanged: for each bad request, the storefront API and the
// proxy give the same 4xx and the same JSON error.
func TestStorefrontParamChecksAsProxy(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	h := sfServer(t, saturdayMorning, nil, shop)
	shopQ := "shop=" + demoDomain
	for _, tc := range []struct {
		method, path, query string
		body                []byte
		contentType         string
		status              int
		code                string
	}{
		{"GET", "/product", "handle=no-such-product", nil, "", 404, "unknown_product"},
		{"GET", "/product", "handle=wool-sweater&variant_id=2011", nil, "", 404, "unknown_product"},
		{"GET", "/product", "product_id=abc", nil, "", 400, "invalid_product_id"},
		{"GET", "/product", "", nil, "", 400, "missing_product"},
		{"GET", "/product", "handle=%3Cscript%3E", nil, "", 400, "invalid_handle"},
		{"GET", "/product", "handle=wool-sweater&variant_id=0", nil, "", 400, "invalid_variant_id"},
		{"GET", "/product", "handle=wool-sweater&country=XX", nil, "", 400, "invalid_country"},
		{"GET", "/product", "handle=wool-sweater&method=overnight", nil, "", 400, "invalid_method"},
		{"GET", "/product", "handle=wool-sweater&locale=%3Cb%3E", nil, "", 400, "invalid_locale"},
		{"GET", "/product", "handle=wool-sweater&format=xml", nil, "", 400, "invalid_format"},
		{"GET", "/cart", "", nil, "", 400, "missing_items"},
		{"GET", "/cart", "items=2001:0", nil, "", 400, "invalid_quantity"},
		{"GET", "/cart", "items=abc", nil, "", 400, "invalid_items"},
		{"GET", "/cart", "items=" + strings.TrimSuffix(strings.Repeat("2001:1,", promise.MaxCartLines+1), ","), nil, "", 400, "too_many_lines"},
		{"POST", "/cart", "", []byte(`{"items":[`), "", 400, "invalid_body"},
		{"POST", "/cart", "", []byte(`{"items":null}`), "", 400, "invalid_body"},
		{"POST", "/cart", "", cartBody(1, `{"id":2001,"quantity":-1}`), "", 400, "invalid_quantity"},
		{"POST", "/cart", "", []byte("items=2001:1"), "application/x-www-form-urlencoded", 415, "unsupported_content_type"},
		{"POST", "/cart", "country=Sweden", cartBody(1, `{"id":2001,"quantity":1}`), "", 400, "invalid_country"},
		{"GET", "/product", "handle=wool-sweater&x=" + strings.Repeat("a", server.MaxQueryBytes), nil, "", 413, "too_large"},
		{"DELETE", "/product", "handle=wool-sweater", nil, "", 405, "method_not_allowed"},
		{"PUT", "/cart", "", cartBody(1, `{"id":2001,"quantity":1}`), "", 405, "method_not_allowed"},
		{"GET", "/nope", "", nil, "", 404, "not_found"},
	} {
		query := shopQ
		if tc.query != "" {
			query += "&" + tc.query
		}
		var header http.Header
		if tc.contentType != "" {
			header = http.Header{"Content-Type": {tc.contentType}}
		}
		proxyReq := sfRequest{method: tc.method, target: "/proxy" + tc.path + "?" + query, body: tc.body, header: header}
		sfReq := sfRequest{method: tc.method, target: "/storefront/v1" + tc.path + "?" + query, body: tc.body, header: header}
		proxy, sf := sfDo(h, proxyReq), sfDo(h, sfReq)
		checkError(t, sfReq.String(), sf.Code, sf.Header(), sf.Body.Bytes(), tc.status, tc.code)
		// Only the path, where an error names it, differs.
		want := bytes.ReplaceAll(proxy.Body.Bytes(), []byte("/proxy/"), []byte("/storefront/v1/"))
		if sf.Code != proxy.Code || !bytes.Equal(sf.Body.Bytes(), want) {
			t.Errorf("%s: %d %s; the proxy gives %d %s", sfReq, sf.Code, sf.Body, proxy.Code, proxy.Body)
		}
	}
}

// TestStorefrontShop: the shop parameter is required, even where the proxy
// would fall back to the default shop, and must be installed. The errors are
// JSON and carry no CORS headers.
func TestStorefrontShop(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	h := sfServer(t, saturdayMorning, nil, shop, sfShop(t, "uninstalled-later.myshopify.com", sfOrigins))
	for _, tc := range []struct {
		req    sfRequest
		status int
		code   string
	}{
		{sfRequest{target: "/storefront/v1/product?handle=wool-sweater"}, 400, "missing_shop"},
		{sfRequest{target: "/storefront/v1/product?shop=&handle=wool-sweater"}, 400, "missing_shop"},
		{sfRequest{target: "/storefront/v1/cart?items=2001:1"}, 400, "missing_shop"},
		{sfRequest{method: "POST", target: "/storefront/v1/cart", body: cartJS(t)}, 400, "missing_shop"},
		{sfRequest{method: "OPTIONS", target: "/storefront/v1/cart"}, 400, "missing_shop"},
		{sfRequest{target: "/storefront/v1/product?shop=evil.example.com&handle=wool-sweater"}, 400, "invalid_shop"},
		{sfRequest{target: "/storefront/v1/product?shop=Demo-Handmade.myshopify.com&handle=wool-sweater"}, 400, "invalid_shop"},
		{sfRequest{target: "/storefront/v1/product?shop=someone-else.myshopify.com&handle=wool-sweater"}, 404, "shop_not_installed"},
		{sfRequest{target: "/storefront/v1/cart?shop=someone-else.myshopify.com&items=2001:1"}, 404, "shop_not_installed"},
		{sfRequest{method: "POST", target: "/storefront/v1/cart?shop=someone-else.myshopify.com", body: cartJS(t)}, 404, "shop_not_installed"},
		{sfRequest{method: "OPTIONS", target: "/storefront/v1/product?shop=someone-else.myshopify.com&handle=wool-sweater",
			header: http.Header{"Origin": {"https://someone-else.myshopify.com"}, "Access-Control-Request-Method": {"GET"}}}, 404, "shop_not_installed"},
		// A shop that is not installed gets the same 404 before its parameters are looked at.
		{sfRequest{target: "/storefront/v1/product?shop=someone-else.myshopify.com&country=XX"}, 404, "shop_not_installed"},
	} {
		for _, origin := range []string{"", "https://shop.example.com", "https://someone-else.myshopify.com", "http://localhost:3000"} {
			r := tc.req
			if origin != "" {
				r.header = r.header.Clone()
				if r.header == nil {
					r.header = http.Header{}
				}
				r.header.Set("Origin", origin)
			}
			w := sfDo(h, r)
			what := r.String() + " from " + origin
			checkError(t, what, w.Code, w.Header(), w.Body.Bytes(), tc.status, tc.code)
			noCORS(t, what, w)
		}
	}
	// The second installed shop answers with its own domain.
	w := sfDo(h, sfRequest{target: "/storefront/v1/product?shop=uninstalled-later.myshopify.com&handle=wool-sweater"})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"shop":"uninstalled-later.myshopify.com"`) {
		t.Errorf("GET for an installed second shop: %d %s", w.Code, shorten(w.Body.String()))
	}
	// Uninstalled: once the shop is gone, its storefront API is a 404.
	h = sfServer(t, saturdayMorning, nil, shop)
	w = sfDo(h, sfRequest{target: "/storefront/v1/product?shop=uninstalled-later.myshopify.com&handle=wool-sweater"})
	checkError(t, "GET for an uninstalled shop", w.Code, w.Header(), w.Body.Bytes(), 404, "shop_not_installed")
}

// TestStorefrontCORS: a preflight from an allowed origin (the shop's own
// domain, a listed origin, a wildcard subdomain, loopback on any port) gets
// the origin echoed, the methods, the headers and a Max-Age; a request
// from it gets the origin echoed. A preflight from any other origin gets
// a 204 with no CORS headers, which the browser takes as a refusal, and a
// request from it still gets its JSON answer, with no CORS headers.
// Credentials are never allowed.
func TestStorefrontCORS(t *testing.T) {
	t.Parallel()
	const domain = "cors-test.myshopify.com"
	h := sfServer(t, saturdayMorning, nil, sfShop(t, domain, sfOrigins))
	product := "/storefront/v1/product?shop=" + domain + "&handle=wool-sweater"
	cart := "/storefront/v1/cart?shop=" + domain + "&items=2001:1"
	plain := map[string][]byte{}
	for _, target := range []string{product, cart} {
		w := sfDo(h, sfRequest{target: target})
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
		}
		plain[target] = w.Body.Bytes()
	}

	for _, origin := range []string{
		"https://" + domain,
		"https://shop.example.com",
		"https://www.example.org",
		"https://eu.example.org",
		"http://localhost",
		"http://localhost:5173",
	} {
		for _, target := range []string{product, cart} {
			pre := sfDo(h, sfRequest{method: "OPTIONS", target: target, header: http.Header{
				"Origin": {origin}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type"},
			}})
			what := "OPTIONS " + target + " from " + origin
			if pre.Code != http.StatusNoContent || pre.Body.Len() != 0 {
				t.Errorf("%s: status %d, %d bytes; want 204, empty", what, pre.Code, pre.Body.Len())
			}
			hd := pre.Header()
			if got := hd.Get("Access-Control-Allow-Origin"); got != origin {
				t.Errorf("%s: Access-Control-Allow-Origin = %q, want %q", what, got, origin)
			}
			methods := hd.Get("Access-Control-Allow-Methods")
			for _, m := range []string{"GET", "POST", "OPTIONS"} {
				if !strings.Contains(methods, m) {
					t.Errorf("%s: Access-Control-Allow-Methods = %q, want %s in it", what, methods, m)
				}
			}
			if got := strings.ToLower(hd.Get("Access-Control-Allow-Headers")); !strings.Contains(got, "content-type") {
				t.Errorf("%s: Access-Control-Allow-Headers = %q, want Content-Type in it", what, got)
			}
			if age, err := strconv.Atoi(hd.Get("Access-Control-Max-Age")); err != nil || age <= 0 {
				t.Errorf("%s: Access-Control-Max-Age = %q, want a positive number of seconds", what, hd.Get("Access-Control-Max-Age"))
			}
			if !strings.Contains(hd.Get("Vary"), "Origin") {
				t.Errorf("%s: Vary = %q, want Origin", what, hd.Get("Vary"))
			}
			noCredentials(t, what, pre)

			get := sfDo(h, sfRequest{target: target, header: http.Header{"Origin": {origin}, "Cookie": {"session=1"}}})
			what = "GET " + target + " from " + origin
			if get.Code != http.StatusOK || !bytes.Equal(get.Body.Bytes(), plain[target]) {
				t.Errorf("%s: %d, want 200 and the same answer as without Origin\n%s", what, get.Code, get.Body)
			}
			if got := get.Header().Get("Access-Control-Allow-Origin"); got != origin {
				t.Errorf("%s: Access-Control-Allow-Origin = %q, want %q", what, got, origin)
			}
			if got := get.Header().Get("Access-Control-Expose-Headers"); !strings.Contains(got, "ETag") || !strings.Contains(got, "Retry-After") {
				t.Errorf("%s: Access-Control-Expose-Headers = %q, want ETag and Retry-After", what, got)
			}
			noCredentials(t, what, get)
		}
		post := sfDo(h, sfRequest{method: "POST", target: "/storefront/v1/cart?shop=" + domain, body: cartJS(t),
			header: http.Header{"Origin": {origin}}})
		if post.Code != http.StatusOK || post.Header().Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("POST /storefront/v1/cart from %s: %d, Access-Control-Allow-Origin %q", origin, post.Code, post.Header().Get("Access-Control-Allow-Origin"))
		}
		noCredentials(t, "POST from "+origin, post)
	}

	for _, origin := range []string{
		"https://evil.example.com",
		"http://shop.example.com",       // not https
		"https://shop.example.com:8443", // another port
		"https://example.org",           // the wildcard's bare domain
		"https://a.b.example.org",       // two levels under the wildcard
		"https://www.example.org.evil.com",
		"http://" + domain,
		"https://demo-handmade.myshopify.com", // another shop's domain
		"https://localhost:5173",
		"http://127.0.0.1:8080", // loopback, but not listed by this shop
		"http://shop.localhost:8080",
		"null",
		"*",
	} {
		for _, target := range []string{product, cart} {
			pre := sfDo(h, sfRequest{method: "OPTIONS", target: target, header: http.Header{
				"Origin": {origin}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type"},
			}})
			what := "OPTIONS " + target + " from " + origin
			if pre.Code != http.StatusNoContent {
				t.Errorf("%s: status %d, want 204", what, pre.Code)
			}
			noCORS(t, what, pre)

			get := sfDo(h, sfRequest{target: target, header: http.Header{"Origin": {origin}}})
			what = "GET " + target + " from " + origin
			if get.Code != http.StatusOK || !bytes.Equal(get.Body.Bytes(), plain[target]) {
				t.Errorf("%s: %d, want 200 and the same answer as without Origin\n%s", what, get.Code, get.Body)
			}
			if ct := get.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s: Content-Type = %q, want JSON", what, ct)
			}
			noCORS(t, what, get)
		}
	}

	// The app proxy is same-origin behind Shopify: it never sends CORS headers.
	w := sfDo(h, sfRequest{target: "/proxy/product?shop=" + domain + "&handle=wool-sweater", header: http.Header{"Origin": {"https://shop.example.com"}}})
	if w.Code != http.StatusOK {
		t.Errorf("GET /proxy/product: %d", w.Code)
	}
	noCORS(t, "GET /proxy/product from a storefront origin", w)
}

// TestStorefrontDemoOrigins: the demo settings allow loopback on any port
// (for /headless and local development), and nothing else but the shop.
func TestStorefrontDemoOrigins(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	h := sfServer(t, saturdayMorning, nil, shop)
	target := "/storefront/v1/product?shop=" + demoDomain + "&handle=wool-sweater"
	for origin, allowed := range map[string]bool{
		"https://" + demoDomain:      true,
		"http://localhost:8080":      true,
		"http://localhost:5173":      true,
		"http://127.0.0.1:8080":      true,
		"http://127.0.0.1":           true,
		"http://shop.localhost:8080": false,
		"http://[::1]:8080":          false,
		"https://localhost:8080":     false,
		"http://192.168.1.10:8080":   false,
	} {
		w := sfDo(h, sfRequest{target: target, header: http.Header{"Origin": {origin}}})
		got := w.Header().Get("Access-Control-Allow-Origin")
		if allowed && got != origin || !allowed && got != "" {
			t.Errorf("GET from %s: Access-Control-Allow-Origin = %q, allowed = %v", origin, got, allowed)
		}
	}
}

// rateLimited checks a 429 with a whole number of seconds in Retry-After
// and the JSON error rate_limited.
func rateLimited(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	checkError(t, what, w.Code, w.Header(), w.Body.Bytes(), http.StatusTooManyRequests, "rate_limited")
	if secs, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("%s: Retry-After = %q, want a whole number of seconds ≥ 1", what, w.Header().Get("Retry-After"))
	}
}

// TestStorefrontRateLimitPerIP: a client gets a burst of 3, then 429s; other
// clients and the proxy are not affected, another shop does not reset it,
// and X-Forwarded-For cannot buy a fresh bucket.
func TestStorefrontRateLimitPerIP(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	other := sfShop(t, "second-shop.myshopify.com", nil)
	h := sfServer(t, saturdayMorning, &server.Limits{StorefrontPerIP: ratelimit.Rate{PerSecond: 0.01, Burst: 3}}, shop, other)
	const a, b = "198.51.100.7:40000", "198.51.100.8:40000"
	target := "/storefront/v1/product?shop=" + demoDomain + "&handle=wool-sweater"
	for i := range 3 {
		if w := sfDo(h, sfRequest{target: target, remote: a}); w.Code != http.StatusOK {
			t.Fatalf("request %d of a burst of 3: %d %s", i+1, w.Code, w.Body)
		}
	}
	rateLimited(t, "4th request from one client", sfDo(h, sfRequest{target: target, remote: a}))
	rateLimited(t, "the same client, another port", sfDo(h, sfRequest{target: target, remote: "198.51.100.7:40001"}))
	rateLimited(t, "the same client, another shop",
		sfDo(h, sfRequest{target: "/storefront/v1/cart?shop=second-shop.myshopify.com&items=2001:1", remote: a}))
	rateLimited(t, "the same client, POST", sfDo(h, sfRequest{method: "POST", target: "/storefront/v1/cart?shop=" + demoDomain, body: cartJS(t), remote: a}))
	rateLimited(t, "the same client, X-Forwarded-For",
		sfDo(h, sfRequest{target: target, remote: a, header: http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Real-Ip": {"203.0.113.9"}}}))
	if w := sfDo(h, sfRequest{target: target, remote: b}); w.Code != http.StatusOK {
		t.Errorf("another client: %d, want 200 (a bucket per client)", w.Code)
	}
	if w := sfDo(h, sfRequest{target: "/proxy/product?shop=" + demoDomain + "&handle=wool-sweater", remote: a}); w.Code != http.StatusOK {
		t.Errorf("the proxy, from the limited client: %d, want 200 (the proxy has its own limit)", w.Code)
	}
}

// TestStorefrontRateLimitPerShop: a shop gets a burst of 3 from all
// clients together, then 429s; another shop is not affected. A 429 for an
// allowed origin still carries CORS headers, so the page can read it.
func TestStorefrontRateLimitPerShop(t *testing.T) {
	t.Parallel()
	busy := sfShop(t, "busy-shop.myshopify.com", sfOrigins)
	quiet := sfShop(t, "quiet-shop.myshopify.com", nil)
	h := sfServer(t, saturdayMorning, &server.Limits{StorefrontPerShop: ratelimit.Rate{PerSecond: 0.01, Burst: 3}}, busy, quiet)
	busyTarget := "/storefront/v1/product?shop=busy-shop.myshopify.com&handle=wool-sweater"
	for i := range 3 {
		remote := "198.51.100." + strconv.Itoa(10+i) + ":40000"
		if w := sfDo(h, sfRequest{target: busyTarget, remote: remote}); w.Code != http.StatusOK {
			t.Fatalf("request %d of a burst of 3 (client %s): %d %s", i+1, remote, w.Code, w.Body)
		}
	}
	w := sfDo(h, sfRequest{target: busyTarget, remote: "198.51.100.20:40000", header: http.Header{"Origin": {"https://shop.example.com"}}})
	rateLimited(t, "4th request for the shop, from a 4th client", w)
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://shop.example.com" {
		t.Errorf("429 for an allowed origin: Access-Control-Allow-Origin = %q, want the origin, so that the page can read it", got)
	}
	noCredentials(t, "429", w)
	rateLimited(t, "the shop's cart", sfDo(h, sfRequest{target: "/storefront/v1/cart?shop=busy-shop.myshopify.com&items=2001:1", remote: "198.51.100.21:40000"}))
	for i := range 3 {
		if w := sfDo(h, sfRequest{target: "/storefront/v1/product?shop=quiet-shop.myshopify.com&handle=wool-sweater", remote: "198.51.100.20:40000"}); w.Code != http.StatusOK {
			t.Errorf("another shop, request %d: %d, want 200 (a bucket per shop)", i+1, w.Code)
		}
	}
	// A shop that is not installed never reaches the shop's limit.
	w = sfDo(h, sfRequest{target: "/storefront/v1/product?shop=someone-else.myshopify.com&handle=wool-sweater", remote: "198.51.100.22:40000"})
	checkError(t, "an uninstalled shop", w.Code, w.Header(), w.Body.Bytes(), 404, "shop_not_installed")
}

// TestStorefrontNoServerError sends odd values in every parameter, and odd
// methods and origins, to the storefront API: never a 5xx, and every error
// is JSON.
func TestStorefrontNoServerError(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	h := sfServer(t, saturdayMorning, nil, shop, sfShop(t, "cors-test.myshopify.com", sfOrigins))
	values := []string{
		"", " ", "\x00", "\xff", "é", "😀", "-1", "0x10", "1e3", "NaN", "gid://shopify/Product/1001",
		"null", "../../etc/passwd", "a,b", ":::", "1:1:1", "{{7*7}}", "<script>alert(1)</script>",
		"9223372036854775808", strings.Repeat("9", 400), "demo-handmade.myshopify.com",
	}
	for _, base := range []string{
		"/storefront/v1/product?shop=cors-test.myshopify.com&handle=wool-sweater",
		"/storefront/v1/cart?shop=cors-test.myshopify.com&items=2001:1",
	} {
		for _, p := range []string{"shop", "product_id", "handle", "variant_id", "items", "country", "method", "locale", "format"} {
			for _, v := range values {
				for _, method := range []string{"GET", "OPTIONS", "HEAD"} {
					r := sfRequest{method: method, target: base + "&" + p + "=" + url.QueryEscape(v),
						header: http.Header{"Origin": {"https://" + v}, "Access-Control-Request-Method": {v}}}
					w := sfDo(h, r)
					if w.Code >= 500 {
						t.Errorf("%s: status %d, want no 5xx\n%s", r, w.Code, w.Body)
					}
					if w.Code >= 400 && method != "HEAD" {
						var e errorJSON
						if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
							t.Errorf("%s: status %d with body %q, want a JSON error", r, w.Code, w.Body)
						}
					}
				}
			}
		}
	}
}
