package server_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/demo"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// TestSecurityHeaders is issue 11.7: every answer, errors and 404s
// included, carries nosniff and frame-ancestors 'none'; the settings page
// names the shop and Shopify's admin as its only frame ancestors.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(), Demo: true, APIKey: "key", PublicMetrics: true,
		Now:    func() time.Time { return saturdayMorning },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Routes: demo.Routes(demo.Config{
			Shops: promise.StaticShops{shop.Domain(): shop}, Shop: shop.Domain(),
			Now: func() time.Time { return saturdayMorning },
		}),
	}).Handler()
	for _, tc := range []struct{ method, target, wantCSP string }{
		{"GET", "/healthz", "frame-ancestors 'none'"},
		{"GET", "/readyz", "frame-ancestors 'none'"},
		{"GET", "/metrics", "frame-ancestors 'none'"},
		{"GET", "/no/such/path", "frame-ancestors 'none'"},
		{"DELETE", "/healthz", "frame-ancestors 'none'"},
		{"GET", "/proxy/product?handle=wool-sweater", "frame-ancestors 'none'"},
		{"GET", "/proxy/product?country=XX", "frame-ancestors 'none'"},
		{"GET", "/storefront/v1/product?shop=" + demoDomain + "&handle=wool-sweater", "frame-ancestors 'none'"},
		{"GET", "/snippets/leadtime-product.liquid", "frame-ancestors 'none'"},
		{"GET", "/", "frame-ancestors 'self'"}, // the demo page's own policy
		{"GET", "/admin/api/settings", "frame-ancestors 'none'"},
		{"GET", "/admin?shop=" + demoDomain + "&host=YWRtaW4", "frame-ancestors https://" + demoDomain + " https://admin.shopify.com"},
		{"GET", "/admin?shop=evil.example.com&host=YWRtaW4", "frame-ancestors https://" + demoDomain + " https://admin.shopify.com"},
	} {
		req := httptest.NewRequest(tc.method, tc.target, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		what := tc.method + " " + tc.target
		if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s (%d): X-Content-Type-Options = %q, want nosniff", what, w.Code, got)
		}
		csp := w.Header().Values("Content-Security-Policy")
		if len(csp) != 1 {
			t.Errorf("%s (%d): %d Content-Security-Policy headers, want 1: %q", what, w.Code, len(csp), csp)
			continue
		}
		ancestors := csp[0][strings.Index(csp[0], "frame-ancestors"):]
		if ancestors != tc.wantCSP {
			t.Errorf("%s (%d): CSP %q, want %s", what, w.Code, csp[0], tc.wantCSP)
		}
	}
}

// TestReadyzHidesCause is issue 16.7: a failing dependency is "not ready"
// to the caller; the address and dial error go to the log only.
func TestReadyzHidesCause(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	cause := errors.New("dial tcp 10.0.0.7:6379: connect: connection refused")
	h := server.New(server.Config{
		Engine: &promise.Engine{Shops: promise.StaticShops{}, Products: promise.Catalog{}},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Ready:  func(context.Context) error { return cause },
	}).Handler()
	w := serve(h, http.MethodGet, "/readyz")
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz = %d, want 503", w.Code)
	}
	if got, want := w.Body.String(), `{"error":{"code":"not_ready","message":"not ready"},"status":"unavailable"}`; got != want {
		t.Errorf("GET /readyz body = %s, want %s", got, want)
	}
	if !strings.Contains(logs.String(), "10.0.0.7:6379") {
		t.Errorf("the log does not name the cause:\n%s", logs.String())
	}
}

// TestMetricsToken is issue 16.7: /metrics answers 404 unless public (the
// demo) or asked with the bearer token; a wrong or missing token is a 401.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef0123"
	newServer := func(token string, public bool) http.Handler {
		return server.New(server.Config{
			Engine:       &promise.Engine{Shops: promise.StaticShops{}, Products: promise.Catalog{}},
			Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
			MetricsToken: token, PublicMetrics: public,
		}).Handler()
	}
	for _, tc := range []struct {
		name     string
		h        http.Handler
		auth     string
		want     int
		wantCode string
	}{
		{"no token configured", newServer("", false), "", http.StatusNotFound, "not_found"},
		{"no token configured, one sent", newServer("", false), "Bearer " + token, http.StatusNotFound, "not_found"},
		{"public (demo)", newServer("", true), "", http.StatusOK, ""},
		{"token, none sent", newServer(token, false), "", http.StatusUnauthorized, "unauthorized"},
		{"token, a wrong one", newServer(token, false), "Bearer " + token + "x", http.StatusUnauthorized, "unauthorized"},
		{"token, not a bearer", newServer(token, false), token, http.StatusUnauthorized, "unauthorized"},
		{"token, public too: still needs it", newServer(token, true), "", http.StatusUnauthorized, "unauthorized"},
		{"token, the right one", newServer(token, false), "Bearer " + token, http.StatusOK, ""},
	} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		w := httptest.NewRecorder()
		tc.h.ServeHTTP(w, req)
		if tc.want == http.StatusOK {
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "leadtime_http_requests_total") {
				t.Errorf("%s: GET /metrics = %d, want 200 with the metrics", tc.name, w.Code)
			}
			continue
		}
		checkError(t, "GET /metrics, "+tc.name, w.Code, w.Header(), w.Body.Bytes(), tc.want, tc.wantCode)
		if strings.Contains(w.Body.String(), "leadtime_") {
			t.Errorf("%s: the refusal shows metrics", tc.name)
		}
	}
}

// TestClientIPSpoofing is issues 16.6 and 11.7: the per-IP limit counts
// the peer's address. What each attack sends, from peer 198.51.100.7
// (the attacker) to /storefront/v1/product, burst 2:
//   - dodge: X-Forwarded-For, X-Real-IP and Fly-Client-IP set to a fresh
//     address on every request, to get a new bucket each time;
//   - aim: the same headers set to the victim's 198.51.100.8, to use up
//     the victim's bucket.
//
// Neither works, on fly.io (Fly-Client-IP the platform header) or not:
// the attacker is limited after its burst, and the victim's first request
// still passes. From a trusted proxy (fly's, on a private address, or one
// of TrustedProxies), Fly-Client-IP is the client.
func TestClientIPSpoofing(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	const attacker, victim = "198.51.100.7:40000", "198.51.100.8:40000"
	target := "/storefront/v1/product?shop=" + demoDomain + "&handle=wool-sweater"
	newServer := func(platform string, trusted []netip.Prefix) http.Handler {
		return server.New(server.Config{
			Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
			DefaultShop: demoDomain, Now: func() time.Time { return saturdayMorning },
			Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
			Limits:          &server.Limits{StorefrontPerIP: ratelimit.Rate{PerSecond: 0.001, Burst: 2}},
			TrustedPlatform: platform, TrustedProxies: trusted,
		}).Handler()
	}
	spoof := func(ip string) http.Header {
		return http.Header{"X-Forwarded-For": {ip}, "X-Real-Ip": {ip}, "Fly-Client-Ip": {ip}, "True-Client-Ip": {ip}}
	}
	for _, tc := range []struct {
		name     string
		platform string
		trusted  []netip.Prefix
	}{
		{"no platform", "", nil},
		{"on fly.io, the default trusted proxies", gin.PlatformFlyIO, nil},
		{"on fly.io, TrustedProxies elsewhere", gin.PlatformFlyIO, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newServer(tc.platform, tc.trusted)
			for i := range 2 {
				if w := sfDo(h, sfRequest{target: target, remote: attacker, header: spoof(fmt.Sprintf("203.0.113.%d", i+1))}); w.Code != http.StatusOK {
					t.Fatalf("request %d of the burst: %d", i+1, w.Code)
				}
			}
			for i := range 3 {
				rateLimited(t, "dodge: a fresh spoofed address", sfDo(h, sfRequest{target: target, remote: attacker, header: spoof(fmt.Sprintf("203.0.113.%d", 10+i))}))
				rateLimited(t, "aim: the victim's address", sfDo(h, sfRequest{target: target, remote: attacker, header: spoof("198.51.100.8")}))
			}
			if w := sfDo(h, sfRequest{target: target, remote: victim}); w.Code != http.StatusOK {
				t.Errorf("the victim's first request: %d, want 200 (its bucket is its own)", w.Code)
			}
		})
	}
	// Behind fly's proxy (a private peer), Fly-Client-IP tells clients apart.
	h := newServer(gin.PlatformFlyIO, nil)
	const flyProxy = "172.16.5.9:50000"
	for _, client := range []string{"203.0.113.1", "203.0.113.2"} {
		for i := range 2 {
			if w := sfDo(h, sfRequest{target: target, remote: flyProxy, header: http.Header{"Fly-Client-Ip": {client}}}); w.Code != http.StatusOK {
				t.Errorf("client %s via fly's proxy, request %d: %d, want 200 (a bucket per client)", client, i+1, w.Code)
			}
		}
		rateLimited(t, "client "+client+" via fly's proxy, 3rd request", sfDo(h, sfRequest{target: target, remote: flyProxy, header: http.Header{"Fly-Client-Ip": {client}}}))
	}
	// X-Forwarded-For from fly's proxy is still not believed.
	for range 2 {
		sfDo(h, sfRequest{target: target, remote: flyProxy, header: http.Header{"X-Forwarded-For": {"203.0.113.50"}}})
	}
	rateLimited(t, "X-Forwarded-For via fly's proxy", sfDo(h, sfRequest{target: target, remote: flyProxy, header: http.Header{"X-Forwarded-For": {"203.0.113.51"}}}))
}

// TestParseTrustedProxies reads TRUSTED_PROXIES.
func TestParseTrustedProxies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string // want "" means an error
	}{
		{"172.16.0.0/12", "[172.16.0.0/12]"},
		{" 172.16.0.0/12 , fdaa::/16 ", "[172.16.0.0/12 fdaa::/16]"},
		{"10.1.2.3", "[10.1.2.3/32]"},
		{"10.1.2.3/8", "[10.0.0.0/8]"},
		{"", ""},
		{",", ""},
		{"10.0.0.0/33", ""},
		{"fly", ""},
	} {
		p, err := server.ParseTrustedProxies(tc.in)
		got := fmt.Sprint(p)
		if err != nil {
			got = ""
		}
		if got != tc.want {
			t.Errorf("ParseTrustedProxies(%q) = %s, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestHeaderLimits is issue 11.6, over a real listener (http.Server's own
// limit is part of it): a 100 KB query and 40 KB of headers are answered
// in our JSON error shape; only past MaxHeaderReadBytes does Go answer
// with its plain 431 (README, "Security").
func TestHeaderLimits(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	addr, done := runServer(t, ctx, promise.Catalog{}, time.Second)
	defer func() { cancel(); <-done }()
	for _, tc := range []struct {
		name       string
		query      int // bytes of query string
		header     int // bytes of one extra header
		want       int
		wantCode   string // "" means Go's plain text
		wantLength int
	}{
		{"a 100 KB query", 100 << 10, 0, http.StatusRequestEntityTooLarge, "too_large", 0},
		{"40 KB of cookies", 10, 40 << 10, http.StatusRequestHeaderFieldsTooLarge, "headers_too_large", 0},
		{"200 KB of cookies", 10, 200 << 10, http.StatusRequestHeaderFieldsTooLarge, "headers_too_large", 0},
		{"300 KB of cookies: past http.Server's limit", 10, 300 << 10, http.StatusRequestHeaderFieldsTooLarge, "", 0},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET /proxy/product?handle=%s HTTP/1.1\r\nHost: x\r\n", strings.Repeat("a", tc.query))
		if tc.header > 0 {
			fmt.Fprintf(conn, "Cookie: c=%s\r\n", strings.Repeat("b", tc.header))
		}
		fmt.Fprint(conn, "Connection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		conn.Close()
		if tc.wantCode == "" {
			if resp.StatusCode != tc.want || strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: %d %s, want Go's plain %d", tc.name, resp.StatusCode, resp.Header.Get("Content-Type"), tc.want)
			}
			continue
		}
		checkError(t, tc.name, resp.StatusCode, resp.Header, body, tc.want, tc.wantCode)
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", tc.name)
		}
	}
}

// TestProxyPerBuyerIP (issue 16 item 2): requests through Shopify's app
// proxy all come from Shopify's address; the per-IP limit counts the
// buyer's, the last X-Forwarded-For entry Shopify wrote (on fly.io,
// followed by Shopify's own address, which fly's proxy appends). A buyer
// past its burst is refused while another buyer through the same Shopify
// address is served; a request with no buyer address is not limited.
func TestProxyPerBuyerIP(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	const secret = "shpss_proxy_ip"
	h := server.New(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: demoDomain, Now: func() time.Time { return saturdayMorning },
		APIKey: "key", APISecret: secret,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits:          &server.Limits{ProxyPerIP: ratelimit.Rate{PerSecond: 0.001, Burst: 2}},
		TrustedPlatform: gin.PlatformFlyIO, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")},
	}).Handler()
	const shopifyAddr = "23.227.38.65"
	get := func(xff string) int {
		q := shopifytest.ProxyQuery(demoDomain, secret, url.Values{"handle": {"wool-sweater"}}, time.Now())
		req := httptest.NewRequest(http.MethodGet, "/proxy/product?"+q, nil)
		req.Header.Set("Fly-Client-IP", shopifyAddr) // fly's proxy: the peer is Shopify
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	buyer, other := "203.0.113.9, "+shopifyAddr, "198.51.100.20, "+shopifyAddr
	for i := range 2 {
		if got := get(buyer); got != http.StatusOK {
			t.Fatalf("buyer's request %d of its burst: %d, want 200", i+1, got)
		}
	}
	if got := get(buyer); got != http.StatusTooManyRequests {
		t.Errorf("buyer past its burst: %d, want 429", got)
	}
	if got := get("1.1.1.1, 203.0.113.9, " + shopifyAddr); got != http.StatusTooManyRequests {
		t.Errorf("buyer with a made-up entry in front: %d, want 429 (Shopify's entry counts)", got)
	}
	if got := get(other); got != http.StatusOK {
		t.Errorf("another buyer through the same Shopify address: %d, want 200", got)
	}
	for range 3 {
		if got := get(""); got != http.StatusOK {
			t.Errorf("no buyer address: %d, want 200 (not limited per IP)", got)
		}
	}
}
