package server_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/ratelimit"
	"github.com/leadtime-app/leadtime/server"
)

// The app's credentials in these tests.
const (
	coAPIKey    = "0123456789abcdef0123456789abcdef"
	coAPISecret = "shpss_checkout_test_secret"
)

// coServer is a server for the demo shop at saturdayMorning with the given
// credentials, default shop and limits (nil: none). Without a secret it is
// in demo mode, unless noDemo.
func coServer(t *testing.T, apiKey, apiSecret, defaultShop string, limits *server.Limits, noDemo ...bool) http.Handler {
	t.Helper()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	if limits == nil {
		limits = &server.Limits{}
	}
	return server.New(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: defaultShop,
		Now:         func() time.Time { return saturdayMorning },
		// The tokens are valid at saturdayMorning: checks use the wall clock.
		WallClock: func() time.Time { return saturdayMorning },
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Cache:     answercache.NewMemory(1000),
		Limits:    limits,
		APIKey:    apiKey,
		APISecret: apiSecret,
		Demo:      apiSecret == "" && len(noDemo) == 0,
	}).Handler()
}

// coClaims are the claims of a checkout UI extension's session token for
// the demo shop, valid at saturdayMorning, changed by edit.
func coClaims(edit func(jwt.MapClaims)) jwt.MapClaims {
	now := saturdayMorning
	c := jwt.MapClaims{
		"dest": demoDomain,
		"aud":  coAPIKey,
		"sub":  "gid://shopify/Customer/7",
		"exp":  now.Add(time.Minute).Unix(),
		"nbf":  now.Add(-5 * time.Second).Unix(),
		"iat":  now.Add(-5 * time.Second).Unix(),
		"jti":  "4e1d8b3c-5f0a-4c1b-9d7e-2a6b8c9d0e1f",
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// coSign signs claims with method and key.
func coSign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	token, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// coToken is a valid token for the demo shop, changed by edit.
func coToken(t *testing.T, edit func(jwt.MapClaims)) string {
	t.Helper()
	return coSign(t, jwt.SigningMethodHS256, []byte(coAPISecret), coClaims(edit))
}

// coPost sends POST /checkout/v1/cart (plus query) as the extension does:
// from the extension's worker origin, with the token (unless "") and the
// body as JSON.
func coPost(h http.Handler, query, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/checkout/v1/cart"+query, strings.NewReader(body))
	req.Header.Set("Origin", "https://extensions.shopifycdn.com")
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func coGet(h http.Handler, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w
}

// coCORS checks the CORS headers that every checkout answer carries:
// any origin, never credentials (DESIGN §4; Shopify's network-access
// documentation requires "*").
func coCORS(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	h := w.Header()
	if got := h.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("%s: Access-Control-Allow-Origin = %q, want *", what, got)
	}
	if got, ok := h["Access-Control-Allow-Credentials"]; ok {
		t.Errorf("%s: Access-Control-Allow-Credentials = %q, want none: credentials are never allowed", what, got)
	}
	if got := h.Get("Access-Control-Expose-Headers"); !strings.Contains(got, "WWW-Authenticate") {
		t.Errorf("%s: Access-Control-Expose-Headers = %q, want WWW-Authenticate among them", what, got)
	}
}

// TestCheckoutCartSameAsProxy: for the same lines at the same instant, the
// checkout API answers byte for byte what the app proxy answers, with the
// CORS headers of checkout and a private Cache-Control.
func TestCheckoutCartSameAsProxy(t *testing.T) {
	t.Parallel()
	checkout := coServer(t, coAPIKey, coAPISecret, "", nil)
	proxy := coServer(t, "", "", demoDomain, nil) // the unsigned proxy of demo mode
	for _, tc := range []struct {
		name, body, proxyTarget string
	}{
		{
			"GIDs, Sweden, Swedish",
			`{"items":[{"variant_id":"gid://shopify/ProductVariant/2001","quantity":1},{"variant_id":"gid://shopify/ProductVariant/2011","quantity":2}],"country":"SE","locale":"sv"}`,
			"/proxy/cart?items=2001:1,2011:2&country=SE&locale=sv",
		},
		{
			"numbers, Germany, German with region",
			`{"items":[{"variant_id":2001,"quantity":1},{"variant_id":"2011","quantity":"3"}],"country":"de","locale":"de-DE"}`,
			"/proxy/cart?items=2001:1,2011:3&country=de&locale=de-DE",
		},
		{
			"an unknown variant is a line error, not a failure",
			`{"items":[{"variant_id":"gid://shopify/ProductVariant/2001","quantity":1},{"variant_id":"gid://shopify/ProductVariant/9999","quantity":2}],"country":"SE","locale":"en"}`,
			"/proxy/cart?items=2001:1,9999:2&country=SE&locale=en",
		},
		{
			"a method, and a missing quantity means 1",
			`{"items":[{"variant_id":"gid://shopify/ProductVariant/2011"}],"country":"SE","locale":"fr","method":"express"}`,
			"/proxy/cart?items=2011:1&country=SE&locale=fr&method=express",
		},
		{
			"no country or locale: the shop's own",
			`{"items":[{"variant_id":2001,"quantity":1}]}`,
			"/proxy/cart?items=2001:1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := coGet(proxy, tc.proxyTarget)
			if want.Code != http.StatusOK {
				t.Fatalf("GET %s: status %d\n%s", tc.proxyTarget, want.Code, want.Body)
			}
			for _, dest := range []string{demoDomain, "https://" + demoDomain} {
				token := coToken(t, func(c jwt.MapClaims) { c["dest"] = dest })
				got := coPost(checkout, "", token, tc.body)
				what := "POST /checkout/v1/cart " + tc.body
				if got.Code != http.StatusOK {
					t.Fatalf("%s (dest %s): status %d, want 200\n%s", what, dest, got.Code, got.Body)
				}
				if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
					t.Errorf("%s and GET %s differ:\ncheckout %s\nproxy    %s", what, tc.proxyTarget, got.Body, want.Body)
				}
				if g, w := got.Header().Get("ETag"), want.Header().Get("ETag"); g != w || g == "" {
					t.Errorf("%s: ETag %q, proxy's %q", what, g, w)
				}
				if g := got.Header().Get("Content-Type"); !strings.HasPrefix(g, "application/json") {
					t.Errorf("%s: Content-Type = %q, want JSON", what, g)
				}
				// The proxy's answer is public; one to a token is private.
				wantCC := "private" + strings.TrimPrefix(want.Header().Get("Cache-Control"), "public")
				if g := got.Header().Get("Cache-Control"); g != wantCC || !strings.HasPrefix(g, "private, max-age=") {
					t.Errorf("%s: Cache-Control = %q, want %q", what, g, wantCC)
				}
				coCORS(t, what, got)
			}
		})
	}
}

// TestCheckoutCartUnauthorized: a missing, malformed, expired, foreign or
// otherwise wrong session token gets a JSON 401 that the extension can
// read (CORS headers), with WWW-Authenticate, and never an answer.
func TestCheckoutCartUnauthorized(t *testing.T) {
	t.Parallel()
	h := coServer(t, coAPIKey, coAPISecret, demoDomain, nil)
	body := `{"items":[{"variant_id":"gid://shopify/ProductVariant/2001","quantity":1}],"country":"SE","locale":"sv"}`
	hs256 := func(secret string, edit func(jwt.MapClaims)) string {
		return coSign(t, jwt.SigningMethodHS256, []byte(secret), coClaims(edit))
	}
	// Another shop's claims under the demo shop's signature.
	signed := strings.Split(hs256(coAPISecret, nil), ".")
	other := strings.Split(hs256(coAPISecret, func(c jwt.MapClaims) { c["dest"] = "other-shop.myshopify.com" }), ".")
	tampered := signed[0] + "." + other[1] + "." + signed[2]
	for _, tc := range []struct {
		name, authorization, code string
	}{
		{"no Authorization", "", "missing_token"},
		{"another scheme", "Basic " + hs256(coAPISecret, nil), "missing_token"},
		{"Bearer without a token", "Bearer ", "missing_token"},
		{"not a JWT", "Bearer not-a-jwt", "invalid_token"},
		{"expired", "Bearer " + hs256(coAPISecret, func(c jwt.MapClaims) {
			c["exp"] = saturdayMorning.Add(-time.Minute).Unix()
		}), "invalid_token"},
		{"not valid yet", "Bearer " + hs256(coAPISecret, func(c jwt.MapClaims) {
			c["nbf"] = saturdayMorning.Add(time.Minute).Unix()
		}), "invalid_token"},
		{"no expiry", "Bearer " + hs256(coAPISecret, func(c jwt.MapClaims) { delete(c, "exp") }), "invalid_token"},
		{"signed by another app's secret", "Bearer " + hs256("shpss_someone_else", nil), "invalid_token"},
		{"for another app (aud)", "Bearer " + hs256(coAPISecret, func(c jwt.MapClaims) { c["aud"] = "another-api-key" }), "invalid_token"},
		{"no aud", "Bearer " + hs256(coAPISecret, func(c jwt.MapClaims) { delete(c, "aud") }), "invalid_token"},
		{"no dest", "Bearer " + hs256(coAPISecret, func(c jwt.MapClaims) { delete(c, "dest") }), "invalid_token"},
		{"dest not a shop", "Bearer " + hs256(coAPISecret, func(c jwt.MapClaims) { c["dest"] = "https://evil.example.com" }), "invalid_token"},
		{"iss names another shop", "Bearer " + hs256(coAPISecret, func(c jwt.MapClaims) {
			c["iss"] = "https://other-shop.myshopify.com/admin"
		}), "invalid_token"},
		{"alg none", "Bearer " + coSign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, coClaims(nil)), "invalid_token"},
		{"HS512", "Bearer " + coSign(t, jwt.SigningMethodHS512, []byte(coAPISecret), coClaims(nil)), "invalid_token"},
		{"payload swapped under the signature", "Bearer " + tampered, "invalid_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/checkout/v1/cart", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", "https://extensions.shopifycdn.com")
			if tc.authorization != "" {
				req.Header.Set("Authorization", tc.authorization)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			what := "POST /checkout/v1/cart, " + tc.name
			checkError(t, what, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, tc.code)
			if got := w.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("%s: WWW-Authenticate = %q, want Bearer", what, got)
			}
			coCORS(t, what, w)
		})
	}
	// A shop= in the query never replaces the token's shop.
	w := coPost(h, "?shop="+demoDomain, "", body)
	checkError(t, "POST /checkout/v1/cart?shop=… without a token", w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "missing_token")
}

// TestCheckoutCartShopNotInstalled: a valid token for a shop that is not
// installed (any more) is refused like any bad token: 401 (issue 4).
func TestCheckoutCartShopNotInstalled(t *testing.T) {
	t.Parallel()
	h := coServer(t, coAPIKey, coAPISecret, demoDomain, nil)
	token := coToken(t, func(c jwt.MapClaims) { c["dest"] = "gone-shop.myshopify.com" })
	w := coPost(h, "", token, `{"items":[{"variant_id":2001,"quantity":1}],"country":"SE"}`)
	checkError(t, "POST /checkout/v1/cart for an uninstalled shop", w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
	if got := w.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
		t.Errorf("uninstalled shop: WWW-Authenticate = %q, want Bearer", got)
	}
	coCORS(t, "uninstalled shop", w)
}

// TestCheckoutCartBadBody: every malformed body gets its exact 4xx, as
// JSON, with CORS headers, and never a 5xx.
func TestCheckoutCartBadBody(t *testing.T) {
	t.Parallel()
	h := coServer(t, coAPIKey, coAPISecret, "", nil)
	token := coToken(t, nil)
	line := `{"variant_id":"gid://shopify/ProductVariant/2001","quantity":1}`
	lines := func(n int) string { return strings.TrimSuffix(strings.Repeat(line+",", n), ",") }
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		code                    string
	}{
		{"empty", "", ``, http.StatusBadRequest, "invalid_body"},
		{"not JSON", "", `items=2001:1`, http.StatusBadRequest, "invalid_body"},
		{"an array", "", `[` + line + `]`, http.StatusBadRequest, "invalid_body"},
		{"two values", "", `{"items":[]} {"items":[]}`, http.StatusBadRequest, "invalid_body"},
		{"no items", "", `{"country":"SE"}`, http.StatusBadRequest, "invalid_body"},
		{"items not a list", "", `{"items":{"variant_id":2001}}`, http.StatusBadRequest, "invalid_body"},
		{"a product GID", "", `{"items":[{"variant_id":"gid://shopify/Product/1001","quantity":1}]}`, http.StatusBadRequest, "invalid_items"},
		{"no variant", "", `{"items":[{"quantity":1}]}`, http.StatusBadRequest, "invalid_items"},
		{"variant 0", "", `{"items":[{"variant_id":0,"quantity":1}]}`, http.StatusBadRequest, "invalid_items"},
		{"variant not a number", "", `{"items":[{"variant_id":"sweater","quantity":1}]}`, http.StatusBadRequest, "invalid_items"},
		{"quantity 0", "", `{"items":[{"variant_id":2001,"quantity":0}]}`, http.StatusBadRequest, "invalid_quantity"},
		{"quantity too large", "", `{"items":[{"variant_id":2001,"quantity":100001}]}`, http.StatusBadRequest, "invalid_quantity"},
		{"quantity a fraction", "", `{"items":[{"variant_id":2001,"quantity":1.5}]}`, http.StatusBadRequest, "invalid_quantity"},
		{"too many lines", "", `{"items":[` + lines(promise.MaxCartLines+1) + `]}`, http.StatusBadRequest, "too_many_lines"},
		{"unknown country", "", `{"items":[` + line + `],"country":"XX"}`, http.StatusBadRequest, "invalid_country"},
		{"not a country", "", `{"items":[` + line + `],"country":"Sweden"}`, http.StatusBadRequest, "invalid_country"},
		{"not a locale", "", `{"items":[` + line + `],"locale":"<script>"}`, http.StatusBadRequest, "invalid_locale"},
		{"not a method", "", `{"items":[` + line + `],"method":"{{x}}"}`, http.StatusBadRequest, "invalid_method"},
		{"a method the zone lacks", "", `{"items":[` + line + `],"country":"SE","method":"teleport"}`, http.StatusBadRequest, "invalid_method"},
		{"too large", "", `{"items":[` + line + `],"pad":"` + strings.Repeat("x", server.MaxCheckoutBodySize) + `"}`, http.StatusRequestEntityTooLarge, "too_large"},
		{"text/plain", "text/plain", `{"items":[` + line + `]}`, http.StatusUnsupportedMediaType, "unsupported_content_type"},
		{"form", "application/x-www-form-urlencoded", `items=2001`, http.StatusUnsupportedMediaType, "unsupported_content_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/checkout/v1/cart", strings.NewReader(tc.body))
			ct := tc.contentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			what := "POST /checkout/v1/cart, " + tc.name
			checkError(t, what, w.Code, w.Header(), w.Body.Bytes(), tc.status, tc.code)
			coCORS(t, what, w)
		})
	}
}

// TestCheckoutPreflight: the CORS preflight is answered for any origin
// the extension's worker may have, without a token, and never allows
// credentials.
func TestCheckoutPreflight(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		h    http.Handler
	}{
		{"with credentials", coServer(t, coAPIKey, coAPISecret, "", nil)},
		{"demo mode", coServer(t, "", "", demoDomain, nil)},
	} {
		for _, origin := range []string{
			"https://extensions.shopifycdn.com", // the worker's origin today
			"https://checkout.shopify.com",
			"https://" + demoDomain,
			"https://shop.example.com", // a checkout on the shop's own domain
			"null",                     // an opaque origin
		} {
			req := httptest.NewRequest(http.MethodOptions, "/checkout/v1/cart", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
			w := httptest.NewRecorder()
			mode.h.ServeHTTP(w, req)
			what := "OPTIONS /checkout/v1/cart from " + origin + ", " + mode.name
			if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
				t.Errorf("%s: status %d with %d bytes, want 204 and no body\n%s", what, w.Code, w.Body.Len(), w.Body)
			}
			coCORS(t, what, w)
			h := w.Header()
			if got := h.Get("Access-Control-Allow-Methods"); !strings.Contains(got, "POST") {
				t.Errorf("%s: Access-Control-Allow-Methods = %q, want POST", what, got)
			}
			allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
			for _, want := range []string{"authorization", "content-type"} {
				if !strings.Contains(allowed, want) {
					t.Errorf("%s: Access-Control-Allow-Headers = %q, want %s", what, allowed, want)
				}
			}
			if h.Get("Access-Control-Max-Age") == "" {
				t.Errorf("%s: no Access-Control-Max-Age", what)
			}
		}
	}
}

// TestCheckoutDemoMode: without SHOPIFY_API_SECRET the checkout API serves
// the default shop unauthenticated, and nothing else.
func TestCheckoutDemoMode(t *testing.T) {
	t.Parallel()
	h := coServer(t, "", "", demoDomain, nil)
	body := `{"items":[{"variant_id":"gid://shopify/ProductVariant/2001","quantity":1}],"country":"SE","locale":"sv"}`
	want := coGet(h, "/proxy/cart?items=2001:1&country=SE&locale=sv")
	for _, tc := range []struct{ name, query, token string }{
		{"no token", "", ""},
		{"a token it cannot check is ignored", "", "not-a-jwt"},
		{"shop= the demo shop", "?shop=" + demoDomain, ""},
	} {
		w := coPost(h, tc.query, tc.token, body)
		if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want.Body.Bytes()) {
			t.Errorf("demo mode, %s: status %d, want 200 and the proxy's answer\n%s\n%s", tc.name, w.Code, w.Body, want.Body)
		}
		coCORS(t, "demo mode, "+tc.name, w)
	}
	w := coPost(h, "?shop=another-shop.myshopify.com", "", body)
	checkError(t, "demo mode, another shop", w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "invalid_token")
	// The settings API shares the check (sessionShop): the demo shop is let
	// through (this server has no store, so on to a 404), no other shop.
	for _, tc := range []struct {
		query string
		want  int
	}{{"", http.StatusNotFound}, {"?shop=" + demoDomain, http.StatusNotFound}, {"?shop=another-shop.myshopify.com", http.StatusUnauthorized}} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/admin/api/settings"+tc.query, nil))
		if w.Code != tc.want {
			t.Errorf("demo mode, GET /admin/api/settings%s: status %d, want %d\n%s", tc.query, w.Code, tc.want, w.Body)
		}
	}

	// Outside demo mode a server without a secret cannot check tokens: the
	// checkout API is off (single-shop mode without credentials).
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"no secret, not demo mode", coServer(t, coAPIKey, "", demoDomain, nil, true)},
		{"demo mode without a default shop", coServer(t, "", "", "", nil)},
	} {
		for _, token := range []string{"", coToken(t, nil)} {
			w := coPost(tc.h, "", token, body)
			checkError(t, tc.name, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
		}
	}
}

// TestCheckoutMisconfigured: a secret without an API key is the server's
// fault, a logged 500, and no token gets through.
func TestCheckoutMisconfigured(t *testing.T) {
	t.Parallel()
	h := coServer(t, "", coAPISecret, demoDomain, nil)
	w := coPost(h, "", coToken(t, func(c jwt.MapClaims) { c["aud"] = "" }), `{"items":[{"variant_id":2001,"quantity":1}]}`)
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"internal"`) {
		t.Errorf("secret without API key: status %d, want 500 internal\n%s", w.Code, w.Body)
	}
}

// TestCheckoutMethodsAndLimits: other methods are a JSON 405, and the
// per-client rate limit answers 429 that the extension can read.
func TestCheckoutMethodsAndLimits(t *testing.T) {
	t.Parallel()
	h := coServer(t, coAPIKey, coAPISecret, "", nil)
	w := coGet(h, "/checkout/v1/cart")
	checkError(t, "GET /checkout/v1/cart", w.Code, w.Header(), w.Body.Bytes(), http.StatusMethodNotAllowed, "method_not_allowed")

	limited := coServer(t, coAPIKey, coAPISecret, "", &server.Limits{StorefrontPerIP: ratelimit.Rate{PerSecond: 0.001, Burst: 1}})
	body := `{"items":[{"variant_id":2001,"quantity":1}],"country":"SE"}`
	if w := coPost(limited, "", coToken(t, nil), body); w.Code != http.StatusOK {
		t.Fatalf("first request: status %d\n%s", w.Code, w.Body)
	}
	w = coPost(limited, "", coToken(t, nil), body)
	checkError(t, "second request over the limit", w.Code, w.Header(), w.Body.Bytes(), http.StatusTooManyRequests, "rate_limited")
	if w.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	coCORS(t, "429", w)
}

// TestCheckoutAnswerIsTheDesignExample: the checkout promise of the
// sweater at DESIGN §4's instant has the design's dates and Swedish text.
func TestCheckoutAnswerIsTheDesignExample(t *testing.T) {
	t.Parallel()
	h := coServer(t, coAPIKey, coAPISecret, "", nil)
	w := coPost(h, "", coToken(t, nil), `{"items":[{"variant_id":"gid://shopify/ProductVariant/2001","quantity":1}],"country":"SE","locale":"sv"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d\n%s", w.Code, w.Body)
	}
	var c cartJSON
	decodeInto(t, "checkout answer", w.Body.Bytes(), &c)
	text, _ := c.Message["text"].(string)
	if c.Shop != demoDomain || !c.Available || c.Ships.String() != "2026-12-07..2026-12-10" ||
		c.Delivery.String() != "2026-12-08..2026-12-15" || text != "Din beställning skickas 7–10 dec · Levereras 8–15 dec" {
		t.Errorf("checkout answer: shop %s, available %v, ships %s, delivery %s, text %q; want %s, true, 2026-12-07..2026-12-10, 2026-12-08..2026-12-15, %q",
			c.Shop, c.Available, c.Ships, c.Delivery, text, demoDomain, "Din beställning skickas 7–10 dec · Levereras 8–15 dec")
	}
}
