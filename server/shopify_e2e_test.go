package server_test

// End to end against shopifytest: the server wired exactly as `leadtime
// serve` wires it in app mode (serve.go, newService and openBackends), with
// a real bbolt store in a temporary directory and an in-process cache,
// talking to the fake Admin API over HTTP. Issue 4, "Tests" and "Bad input".

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
	"github.com/leadtime-app/leadtime/shopifyapp"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

const (
	e2eAPIKey    = "e2e-api-key"
	e2eAPISecret = "shpss_e2e_secret_that_must_never_be_logged"
	e2eAppURL    = "https://leadtime.example"
	e2eShop      = "e2e-knits.myshopify.com"
	e2eOther     = "e2e-other.myshopify.com" // a second shop, for cross-shop checks
)

// e2eNow is when the storefront asks: Tuesday 24 November 2026, 10:00 in
// Stockholm, before the 14:00 cutoff, so processing starts today (day0).
var e2eNow = time.Date(2026, 11, 24, 10, 0, 0, 0, stockholm)

// The fake shop's products. The sweater's product metafields say 5–8
// processing days; the towel has none and takes the shop's default, which
// install imports from Shopify's processing time (P2D: 2–2 days).
const (
	sweaterID, sweaterVariant = 1001, 2001
	towelID, towelVariant     = 1002, 2002
	cartProducts              = 50 // products 3000.., variants 4000..: an uncached cart
)

func e2eProducts() []shopifytest.Product {
	ps := []shopifytest.Product{
		{ID: sweaterID, Handle: "wool-sweater", Title: "Wool sweater", Tags: []string{"handmade"},
			Metafields: map[string]string{"leadtime.processing_min_days": "5", "leadtime.processing_max_days": "8"},
			Variants:   []shopifytest.Variant{{ID: sweaterVariant, Title: "M", Tracked: true, InventoryQuantity: 3}}},
		{ID: towelID, Handle: "linen-towel", Title: "Linen towel", Variants: []shopifytest.Variant{{ID: towelVariant, Title: "Default"}}},
	}
	for i := range int64(cartProducts) {
		ps = append(ps, shopifytest.Product{ID: 3000 + i, Handle: "card-" + strconv.FormatInt(i, 10), Title: "Card",
			Variants: []shopifytest.Variant{{ID: 4000 + i, Title: "Default"}}})
	}
	return ps
}

// e2e is the service under test and the fake Shopify behind it.
type e2e struct {
	fake   *shopifytest.Server
	store  *store.Bolt
	flaky  *flakyStore // the store as the service sees it, with an outage switch
	shared *cache.Cache
	clock  *clock // the cache's clock, moved past catalog.ProductFactsTTL to age facts
	now    *clock // the server's clock: when the storefront asks
	wall   *clock // the clock signatures are checked against, frozen at the start
	h      http.Handler
	app    *shopifyapp.App // the first instance's app
	logs   *e2eLog
}

// e2eLog collects the service's slog output.
type e2eLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *e2eLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *e2eLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newE2E starts the fake with two shops that have not installed the app
// yet, and builds the service as serve.go does in app mode.
func newE2E(t *testing.T) *e2e {
	t.Helper()
	fake := shopifytest.NewServer()
	t.Cleanup(fake.Close)
	fake.SetApp(e2eAPIKey, e2eAPISecret)
	for _, shop := range []string{e2eShop, e2eOther} {
		fake.AddShop(shop, "", shopifytest.Shop{Timezone: "Europe/Stockholm", Country: "SE", Locale: "sv", ProcessingTime: "P2D"})
		for _, p := range e2eProducts() {
			fake.AddProduct(shop, p)
		}
	}

	st, err := store.OpenBolt(filepath.Join(t.TempDir(), store.BoltFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &e2eLog{}
	e := &e2e{fake: fake, store: st, flaky: &flakyStore{Store: st}, clock: &clock{t: time.Now()}, now: &clock{t: e2eNow}, wall: &clock{t: time.Now()}, logs: logs}
	e.h, e.shared = e.instance(t)
	return e
}

// instance builds a service as serve.go does in app mode (newService and
// openBackends: the same fields, in the same order), over e's fake and
// store, with a cache of its own: a second one is another machine that
// shares the store. The store is the bbolt file behind a switch that is
// off but for TestShopifyStoreDown.
func (e *e2e) instance(t *testing.T) (http.Handler, *cache.Cache) {
	t.Helper()
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	shared := cache.New(cache.Options{Logger: logger, Now: e.clock.Now})
	t.Cleanup(shared.Close)
	app := &shopifyapp.App{
		APIKey: e2eAPIKey, APISecret: e2eAPISecret, AppURL: e2eAppURL, Scopes: shopifyapp.Scopes,
		Options: shopify.Options{Endpoint: e.fake.URL, Logger: logger},
		Store:   e.flaky, Shared: shared, Log: logger,
	}
	if e.app == nil {
		e.app = app
	}
	app.Shops = &shops.Registry{Store: e.flaky, Static: promise.StaticShops{}, Shared: shared, Restore: app.RestoreSettings, Log: logger}
	// The shopper budget is serve's default, on a frozen clock: it holds
	// its burst, no refill.
	app.Products = &catalog.Shopify{Cache: shared, Clients: app.Client, Log: logger, ShopperLoads: catalog.DefaultShopperLoads, Now: e.wall.Now}
	app.Engine = &promise.Engine{Shops: app.Shops, Products: app.Products}
	srv := server.New(server.Config{
		Engine: app.Engine,
		Shared: shared, App: app, APIKey: app.APIKey, APISecret: e2eAPISecret,
		Ready:      func(ctx context.Context) error { return errors.Join(e.flaky.Ping(ctx), shared.Ping(ctx)) },
		Logger:     logger,
		Now:        e.now.Now,  // quotes at a fixed instant,
		WallClock:  e.wall.Now, // and checks signatures at another: the real time the test started
		FeedTokens: e.store,
	})
	return srv.Handler(), shared
}

// flakyStore is a store that can stop answering, as a Redis store does in
// an outage.
type flakyStore struct {
	shops.Store
	down atomic.Bool
}

var errStoreDown = errors.New("dial tcp 10.0.0.7:6379: connect: connection refused")

func (f *flakyStore) Get(ctx context.Context, shop string) (*store.Shop, error) {
	if f.down.Load() {
		return nil, errStoreDown
	}
	return f.Store.Get(ctx, shop)
}

func (f *flakyStore) Ping(ctx context.Context) error {
	if f.down.Load() {
		return errStoreDown
	}
	return f.Store.Ping(ctx)
}

// serve sends req through the service.
func (e *e2e) serve(req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	return w
}

func (e *e2e) get(target string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return e.serve(req)
}

// proxy sends a storefront request through Shopify's app proxy: params
// signed for shop now, as Shopify forwards them to /proxy/PATH.
func (e *e2e) proxy(path, shop string, params url.Values) *httptest.ResponseRecorder {
	return e.get("/proxy/" + path + "?" + shopifytest.ProxyQuery(shop, e2eAPISecret, params, e.wall.Now()))
}

// webhook delivers a webhook signed with the app's secret; id "" keeps
// the random X-Shopify-Webhook-Id the fake makes.
func (e *e2e) webhook(topic, shop, id string, body []byte) *httptest.ResponseRecorder {
	req := shopifytest.WebhookRequest("/webhooks", topic, shop, e2eAPISecret, body)
	if id != "" {
		req.Header.Set("X-Shopify-Webhook-Id", id)
	}
	return e.serve(req)
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// startAuth runs GET /auth?shop=… and returns the fake's authorize URL it
// redirects to and the state cookie it sets.
func (e *e2e) startAuth(t *testing.T, shop string) (*url.URL, *http.Cookie) {
	t.Helper()
	w := e.get("/auth?shop=" + shop)
	if w.Code != http.StatusFound {
		t.Fatalf("GET /auth?shop=%s: status = %d, want 302\n%s", shop, w.Code, w.Body)
	}
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), e.fake.URL+"/admin/oauth/authorize?") {
		t.Fatalf("GET /auth?shop=%s: Location = %q, want the fake's authorize URL", shop, w.Header().Get("Location"))
	}
	q := loc.Query()
	if q.Get("client_id") != e2eAPIKey || q.Get("scope") != shopifyapp.Scopes || q.Get("redirect_uri") != e2eAppURL+"/auth/callback" || q.Get("state") == "" {
		t.Errorf("GET /auth?shop=%s: authorize URL %s: want client_id, scope %s, redirect_uri %s/auth/callback and a state", shop, loc, shopifyapp.Scopes, e2eAppURL)
	}
	var cookie *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == "leadtime_oauth_state" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatalf("GET /auth?shop=%s: no state cookie in %q", shop, w.Header().Values("Set-Cookie"))
	}
	if !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/auth" {
		t.Errorf("GET /auth?shop=%s: state cookie %q, want HttpOnly, Secure (APP_URL is https), SameSite=Lax, Path=/auth", shop, cookie.String())
	}
	if !strings.HasPrefix(cookie.Value, q.Get("state")+".") {
		t.Errorf("GET /auth?shop=%s: the cookie does not carry the state of the authorize URL", shop)
	}
	return loc, cookie
}

// authorize plays the merchant on Shopify's grant screen: the fake approves
// at once and redirects back to the app with a signed code.
func (e *e2e) authorize(t *testing.T, authorizeURL *url.URL) *url.URL {
	t.Helper()
	resp, err := noRedirects.Get(authorizeURL.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(back.String(), e2eAppURL+"/auth/callback?") {
		t.Fatalf("the fake's authorize: status %d, Location %q, want a 302 to the callback", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back
}

// install runs the whole OAuth install of shop.
func (e *e2e) install(t *testing.T, shop string) {
	t.Helper()
	authorizeURL, cookie := e.startAuth(t, shop)
	back := e.authorize(t, authorizeURL)
	w := e.get("/auth/callback?"+back.RawQuery, cookie)
	if want := "https://" + shop + "/admin/apps/" + e2eAPIKey; w.Code != http.StatusFound || w.Header().Get("Location") != want {
		t.Fatalf("GET /auth/callback: status %d, Location %q, want 302 to %s\n%s", w.Code, w.Header().Get("Location"), want, w.Body)
	}
}

// e2eAnswer is the part of a product or cart answer the tests read.
type e2eAnswer struct {
	Shop       string    `json:"shop"`
	QuotedAt   time.Time `json:"quoted_at"`
	Country    string    `json:"country"`
	ProductID  int64     `json:"product_id"`
	VariantID  int64     `json:"variant_id"`
	Available  bool      `json:"available"`
	Processing *struct {
		MinDays int    `json:"min_days"`
		MaxDays int    `json:"max_days"`
		Source  string `json:"source"`
	} `json:"processing"`
	Ships    *windowJSON  `json:"ships"`
	Delivery *windowJSON  `json:"delivery"`
	Stale    bool         `json:"stale"`
	Lines    []*e2eAnswer `json:"lines"`
}

func answerOf(t *testing.T, what string, w *httptest.ResponseRecorder) *e2eAnswer {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("%s: status = %d, want 200\n%s", what, w.Code, w.Body)
	}
	var a e2eAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, w.Body)
	}
	return &a
}

// window formats an answer's dates for comparison: "ships A–B, delivery C–D".
func (a *e2eAnswer) window() string {
	if a.Ships == nil || a.Delivery == nil {
		return "no dates"
	}
	return fmt.Sprintf("ships %s–%s, delivery %s–%s", a.Ships.Earliest, a.Ships.Latest, a.Delivery.Earliest, a.Delivery.Latest)
}

// calls runs f and returns how many Admin API (GraphQL) calls it made.
func (e *e2e) calls(f func()) int {
	before := e.fake.Calls()
	f()
	return e.fake.Calls() - before
}

// sideEffects describes everything a request could change: the store's
// record of each shop, the fake's GraphQL calls, mutations and metafield
// definitions. Tokens are compared, never printed.
func (e *e2e) sideEffects(t *testing.T, shops ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "admin calls %d, mutations %d\n", e.fake.Calls(), len(e.fake.Mutations()))
	for _, shop := range shops {
		rec, err := e.store.Get(context.Background(), shop)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fmt.Fprintf(&b, "%s: not in the store\n", shop)
		case err != nil:
			t.Fatalf("store.Get(%s): %v", shop, err)
		default:
			fmt.Fprintf(&b, "%s: settings v%d %s, token %s, scopes %s, installed %s, uninstalled %s, updated %s\n",
				shop, rec.SettingsVersion, rec.ETag, tokenID(rec.Token), rec.Scopes,
				rec.InstalledAt.Format(time.RFC3339Nano), rec.UninstalledAt.Format(time.RFC3339Nano), rec.UpdatedAt.Format(time.RFC3339Nano))
		}
		if shop == e2eShop || shop == e2eOther {
			fmt.Fprintf(&b, "%s: %d metafield definitions\n", shop, len(e.fake.Definitions(shop)))
		}
	}
	return b.String()
}

// tokenID tells tokens apart without showing them.
func tokenID(token string) string {
	if token == "" {
		return "none"
	}
	return fmt.Sprintf("of %d bytes ending %q", len(token), token[len(token)-2:])
}

// TestShopifyE2E is issue 4's journey: install → metafield definitions →
// quote from Shopify data → a products/update webhook changes the next
// answer → orders/create writes the promise → uninstall removes the token,
// shop/redact everything. It measures the Admin API calls per uncached
// product and per uncached cart, and checks that no token or secret was
// ever logged.
func TestShopifyE2E(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ctx := context.Background()

	// (a) OAuth install.
	if _, err := e.store.Get(ctx, e2eShop); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("store.Get before install: %v, want ErrNotFound", err)
	}
	installCalls := e.calls(func() { e.install(t, e2eShop) })
	rec, err := e.store.Get(ctx, e2eShop)
	if err != nil {
		t.Fatalf("store.Get after install: %v", err)
	}
	if rec.Token != e.fake.Token(e2eShop) || !rec.Installed() {
		t.Errorf("after install: the stored token is %s, want the fake's offline token", tokenID(rec.Token))
	}
	if rec.Scopes != shopifyapp.Scopes {
		t.Errorf("after install: scopes %q, want %q", rec.Scopes, shopifyapp.Scopes)
	}
	t.Logf("install: %d Admin API calls (metafield definitions, shop info, settings mirror)", installCalls)

	// The metafield definitions of DESIGN §5, readable by the storefront.
	var defs []string
	for _, d := range e.fake.Definitions(e2eShop) {
		if d.Namespace == "leadtime" {
			defs = append(defs, d.OwnerType+"."+d.Key+" "+d.Type+" "+d.Storefront)
		}
	}
	slices.Sort(defs)
	wantDefs := []string{
		"ORDER.promise json PUBLIC_READ",
		"PRODUCT.processing_max_days number_integer PUBLIC_READ",
		"PRODUCT.processing_min_days number_integer PUBLIC_READ",
		"PRODUCT.readiness single_line_text_field PUBLIC_READ",
		"PRODUCT.ships_on date PUBLIC_READ",
		"PRODUCTVARIANT.processing_max_days number_integer PUBLIC_READ",
		"PRODUCTVARIANT.processing_min_days number_integer PUBLIC_READ",
		"PRODUCTVARIANT.readiness single_line_text_field PUBLIC_READ",
		"PRODUCTVARIANT.ships_on date PUBLIC_READ",
	}
	if !slices.Equal(defs, wantDefs) {
		t.Errorf("metafield definitions after install:\n  %s\nwant\n  %s", strings.Join(defs, "\n  "), strings.Join(wantDefs, "\n  "))
	}

	// The first settings, imported from the shop.
	settings, err := delivery.ParseSettings(rec.Settings)
	if err != nil {
		t.Fatalf("the imported settings do not parse: %v\n%s", err, rec.Settings)
	}
	if settings.Shop != e2eShop || settings.Timezone != "Europe/Stockholm" || settings.Country != "SE" || settings.Locale != "sv" ||
		settings.Processing == nil || *settings.Processing != (delivery.Days{Min: 2, Max: 2}) {
		t.Errorf("imported settings: shop %s, timezone %s, country %s, locale %s, processing %v; want %s, Europe/Stockholm, SE, sv, 2–2 (P2D)",
			settings.Shop, settings.Timezone, settings.Country, settings.Locale, settings.Processing, e2eShop)
	}
	// …and mirrored into the shop metafield, so that a store that loses them can restore them (DESIGN §6).
	if m, ok := e.fake.Metafield(e2eShop, e.fake.ShopGID(e2eShop), "leadtime", "settings"); !ok || m.Value != string(rec.Settings) {
		t.Errorf("the shop metafield leadtime.settings = %q, %v; want the imported settings", m.Value, ok)
	}
	// Installing again (a merchant re-running OAuth) keeps the settings.
	e.install(t, e2eShop)
	if again, err := e.store.Get(ctx, e2eShop); err != nil || again.ETag != rec.ETag {
		t.Errorf("after a second install: settings %v, %v; want them unchanged (%s)", again, err, rec.ETag)
	}
	if n := len(e.fake.Definitions(e2eShop)); n != len(wantDefs) {
		t.Errorf("after a second install: %d metafield definitions, want %d (no duplicates)", n, len(wantDefs))
	}
	if w := e.get("/readyz"); w.Code != http.StatusOK {
		t.Errorf("GET /readyz = %d, want 200\n%s", w.Code, w.Body)
	}

	// (b) A signed proxy request quotes from Shopify's data: one Admin API
	// call for an uncached product, none for the same product again.
	sweater := url.Values{"product_id": {strconv.Itoa(sweaterID)}, "country": {"SE"}}
	var a *e2eAnswer
	if n := e.calls(func() { a = answerOf(t, "sweater", e.proxy("product", e2eShop, sweater)) }); n != 1 {
		t.Errorf("an uncached product cost %d Admin API calls, want 1", n)
	}
	// Tuesday 24 Nov, 10:00: day0 is today. 5 and 8 processing days:
	// Tue 1 Dec and Fri 4 Dec. Domestic standard, 1–5 carrier days.
	if got, want := a.window(), "ships 2026-12-01–2026-12-04, delivery 2026-12-02–2026-12-11"; got != want {
		t.Errorf("sweater: %s, want %s", got, want)
	}
	if a.Shop != e2eShop || a.Processing == nil || a.Processing.Source != "product_metafield" || a.Stale {
		t.Errorf("sweater: shop %s, processing %+v, stale %v; want %s, from the product metafield, fresh", a.Shop, a.Processing, a.Stale, e2eShop)
	}
	if n := e.calls(func() { answerOf(t, "sweater again", e.proxy("product", e2eShop, sweater)) }); n != 0 {
		t.Errorf("the same product again cost %d Admin API calls, want 0", n)
	}
	if n := e.calls(func() {
		answerOf(t, "sweater to Germany", e.proxy("product", e2eShop, url.Values{"product_id": {strconv.Itoa(sweaterID)}, "country": {"DE"}}))
	}); n != 0 {
		t.Errorf("the same product for another country cost %d Admin API calls, want 0 (its facts are cached)", n)
	}
	// By handle too; the towel has no metafields: the imported default, 2–2.
	if n := e.calls(func() {
		a = answerOf(t, "towel", e.proxy("product", e2eShop, url.Values{"handle": {"linen-towel"}}))
	}); n != 1 {
		t.Errorf("an uncached product by handle cost %d Admin API calls, want 1", n)
	}
	if got, want := a.window(), "ships 2026-11-26–2026-11-26, delivery 2026-11-27–2026-12-03"; got != want || a.Processing.Source != "default" {
		t.Errorf("towel: %s from %s, want %s from the default", got, a.Processing.Source, want)
	}

	// A cart of 50 uncached variants: one call (no rule matches on
	// collections, so the lean query carries them all).
	items := make([]string, cartProducts)
	for i := range items {
		items[i] = strconv.Itoa(4000+i) + ":1"
	}
	cart := url.Values{"items": {strings.Join(items, ",")}}
	if n := e.calls(func() { a = answerOf(t, "cart of 50", e.proxy("cart", e2eShop, cart)) }); n != 1 {
		t.Errorf("an uncached cart of %d variants cost %d Admin API calls, want 1", cartProducts, n)
	}
	if len(a.Lines) != cartProducts || a.Stale || a.window() != "ships 2026-11-26–2026-11-26, delivery 2026-11-27–2026-12-03" {
		t.Errorf("cart of 50: %d lines, stale %v, %s; want %d fresh lines at the default", len(a.Lines), a.Stale, a.window(), cartProducts)
	}
	if n := e.calls(func() { answerOf(t, "cart of 50 again", e.proxy("cart", e2eShop, cart)) }); n != 0 {
		t.Errorf("the same cart again cost %d Admin API calls, want 0", n)
	}

	// (c) The merchant changes the sweater's processing time in Shopify
	// admin: the answer stays cached until the webhook says so.
	changed := e2eProducts()[0]
	changed.Metafields = map[string]string{"leadtime.processing_min_days": "10", "leadtime.processing_max_days": "12"}
	e.fake.UpdateProduct(e2eShop, changed)
	if a = answerOf(t, "sweater before the webhook", e.proxy("product", e2eShop, sweater)); a.Processing.MinDays != 5 {
		t.Errorf("before the webhook: %d–%d days, want the cached 5–8", a.Processing.MinDays, a.Processing.MaxDays)
	}
	productBody := []byte(fmt.Sprintf(`{"id":%d,"handle":"wool-sweater","title":"Wool sweater","variants":[{"id":%d}]}`, sweaterID, sweaterVariant))
	const webhookID = "9c1e7a52-0000-4000-a000-000000000001"
	if w := e.webhook("products/update", e2eShop, webhookID, productBody); w.Code != http.StatusOK {
		t.Fatalf("products/update: status %d, want 200\n%s", w.Code, w.Body)
	}
	if n := e.calls(func() { a = answerOf(t, "sweater after the webhook", e.proxy("product", e2eShop, sweater)) }); n != 1 {
		t.Errorf("after products/update the product cost %d Admin API calls, want 1 (its facts were dropped)", n)
	}
	// 10 and 12 processing days from Tue 24 Nov: Tue 8 and Thu 10 Dec.
	if got, want := a.window(), "ships 2026-12-08–2026-12-10, delivery 2026-12-09–2026-12-17"; got != want {
		t.Errorf("after products/update: %s, want %s", got, want)
	}
	// The same delivery again (Shopify retries with the same id): a
	// duplicate, with no effect: the product stays cached.
	var dup *httptest.ResponseRecorder
	if n := e.calls(func() {
		dup = e.webhook("products/update", e2eShop, webhookID, productBody)
		answerOf(t, "sweater after a duplicate webhook", e.proxy("product", e2eShop, sweater))
	}); n != 0 || dup.Code != http.StatusOK || !strings.Contains(dup.Body.String(), `"duplicate"`) {
		t.Errorf("a duplicate products/update: status %d %s, and %d Admin API calls after it; want 200 duplicate and 0", dup.Code, dup.Body, n)
	}

	// (d) orders/create freezes the cart answer as of the order's
	// created_at into the order metafield leadtime.promise.
	const orderID = 820982911946154508
	order := []byte(fmt.Sprintf(`{"id":%d,"created_at":"2026-11-23T09:00:00+01:00","customer_locale":"en",
		"line_items":[{"product_id":%d,"variant_id":%d,"quantity":1},{"product_id":%d,"variant_id":%d,"quantity":2},{"product_id":null,"variant_id":null,"quantity":1}],
		"shipping_address":{"country_code":"SE"},"shipping_lines":[{"code":"standard"}]}`,
		orderID, sweaterID, sweaterVariant, towelID, towelVariant))
	before := len(e.fake.Mutations())
	if w := e.webhook("orders/create", e2eShop, "", order); w.Code != http.StatusOK {
		t.Fatalf("orders/create: status %d, want 200\n%s", w.Code, w.Body)
	}
	owner := shopify.GID("Order", orderID)
	m, ok := e.fake.Metafield(e2eShop, owner, "leadtime", "promise")
	if !ok || m.Type != "json" {
		t.Fatalf("after orders/create: leadtime.promise on %s = %+v, %v; want a json metafield", owner, m, ok)
	}
	var promise e2eAnswer
	if err := json.Unmarshal([]byte(m.Value), &promise); err != nil {
		t.Fatalf("leadtime.promise: %v\n%s", err, m.Value)
	}
	// Monday 23 Nov 09:00: day0 is that Monday; the sweater (now 10–12
	// days) ships Mon 7 – Wed 9 Dec and the cart with it.
	if created := time.Date(2026, 11, 23, 9, 0, 0, 0, stockholm); !promise.QuotedAt.Equal(created) {
		t.Errorf("leadtime.promise quoted_at = %s, want the order's created_at %s", promise.QuotedAt, created)
	}
	if got, want := promise.window(), "ships 2026-12-07–2026-12-09, delivery 2026-12-08–2026-12-16"; got != want || len(promise.Lines) != 2 || promise.Country != "SE" {
		t.Errorf("leadtime.promise: %s, %d lines, to %s; want %s, 2 lines, to SE\n%s", got, len(promise.Lines), promise.Country, want, m.Value)
	}
	if n := len(e.fake.Mutations()) - before; n != 1 {
		t.Errorf("orders/create ran %d mutations, want 1 metafieldsSet", n)
	}
	// A second delivery of the same order (another webhook id) writes nothing.
	if w := e.webhook("orders/create", e2eShop, "", order); w.Code != http.StatusOK {
		t.Errorf("orders/create again: status %d, want 200\n%s", w.Code, w.Body)
	}
	if n := len(e.fake.Mutations()) - before; n != 1 {
		t.Errorf("after a second orders/create of order %d: %d mutations in all, want still 1", orderID, n)
	}

	// The compliance webhooks: Leadtime keeps no customer data.
	for _, topic := range []string{"customers/data_request", "customers/redact"} {
		if w := e.webhook(topic, e2eShop, "", []byte(`{"shop_domain":"`+e2eShop+`","customer":{"id":1},"orders_requested":[1]}`)); w.Code != http.StatusOK {
			t.Errorf("%s: status %d, want 200\n%s", topic, w.Code, w.Body)
		}
	}

	// (e) app/uninstalled removes the token: the proxy then refuses the
	// shop. The settings stay for a reinstall, until shop/redact. Shopify
	// revokes the token first.
	offlineToken := e.fake.Token(e2eShop)
	e.fake.RevokeToken(e2eShop)
	if w := e.webhook("app/uninstalled", e2eShop, "", []byte(`{"id":1,"domain":"`+e2eShop+`","myshopify_domain":"`+e2eShop+`"}`)); w.Code != http.StatusOK {
		t.Fatalf("app/uninstalled: status %d, want 200\n%s", w.Code, w.Body)
	}
	rec, err = e.store.Get(ctx, e2eShop)
	if err != nil || rec.Token != "" || rec.Installed() || len(rec.Settings) == 0 || rec.UninstalledAt.IsZero() {
		t.Errorf("after app/uninstalled: %v, %v; want the shop without a token, its settings kept", rec, err)
	}
	for _, path := range []string{"product", "cart"} {
		w := e.proxy(path, e2eShop, url.Values{"product_id": {strconv.Itoa(sweaterID)}, "items": {"2001:1"}})
		checkError(t, "proxy/"+path+" after app/uninstalled", w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
	}
	if w := e.webhook("shop/redact", e2eShop, "", []byte(`{"shop_id":1,"shop_domain":"`+e2eShop+`"}`)); w.Code != http.StatusOK {
		t.Fatalf("shop/redact: status %d, want 200\n%s", w.Code, w.Body)
	}
	if rec, err := e.store.Get(ctx, e2eShop); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after shop/redact: store.Get = %v, %v; want ErrNotFound", rec, err)
	}
	if shops, err := e.store.List(ctx); err != nil || slices.Contains(shops, e2eShop) {
		t.Errorf("after shop/redact: store.List = %v, %v; want it without %s", shops, err, e2eShop)
	}

	// Never log a token or a secret (issue 4), over the whole run.
	logs := e.logs.String()
	if !strings.Contains(logs, `"installed"`) || !strings.Contains(logs, "obtained an offline token") {
		t.Fatalf("the log misses the install; is it captured?\n%s", logs)
	}
	for what, secret := range map[string]string{"the API secret": e2eAPISecret, "the offline token": offlineToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("%s appears in the log", what)
		}
	}
}

// TestShopifyInstallStateIsOneShot: a callback replayed after a successful
// install is refused (the cookie was cleared, and the code is spent).
func TestShopifyInstallStateIsOneShot(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	authorizeURL, cookie := e.startAuth(t, e2eShop)
	back := e.authorize(t, authorizeURL)
	w := e.get("/auth/callback?"+back.RawQuery, cookie)
	if w.Code != http.StatusFound {
		t.Fatalf("GET /auth/callback: status %d, want 302\n%s", w.Code, w.Body)
	}
	var cleared bool
	for _, c := range w.Result().Cookies() {
		cleared = cleared || c.Name == cookie.Name && c.MaxAge < 0
	}
	if !cleared {
		t.Errorf("GET /auth/callback: the state cookie is not cleared: %q", w.Header().Values("Set-Cookie"))
	}
	before := e.sideEffects(t, e2eShop)
	w = e.get("/auth/callback?"+back.RawQuery, cookie) // a browser that kept the cookie anyway
	checkError(t, "the same callback again", w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
	if after := e.sideEffects(t, e2eShop); after != before {
		t.Errorf("a replayed callback changed something:\nbefore %s\nafter  %s", before, after)
	}
}

// TestShopifyProxyBadSignature: every forged, stale, future or altered app
// proxy request, and every malformed or foreign shop, gets a 401 with a
// JSON error and changes nothing (Issue 4, "Bad input").
func TestShopifyProxyBadSignature(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	e.install(t, e2eOther)
	params := url.Values{"product_id": {strconv.Itoa(sweaterID)}}
	answerOf(t, "sweater", e.proxy("product", e2eShop, params)) // cached: any later Admin API call is a side effect

	now := e.wall.Now()
	signed := shopifytest.ProxyQuery(e2eShop, e2eAPISecret, params, now)
	q, err := url.ParseQuery(signed)
	if err != nil {
		t.Fatal(err)
	}
	// resign signs q's parameters other than signature for shop at t.
	resign := func(shop, secret string, at time.Time) string {
		p := url.Values{}
		for k, v := range q {
			if k != "signature" && k != "shop" && k != "timestamp" && k != "path_prefix" && k != "logged_in_customer_id" {
				p[k] = v
			}
		}
		return shopifytest.ProxyQuery(shop, secret, p, at)
	}
	// edit changes the signed query without signing it again.
	edit := func(f func(q url.Values)) string {
		c := url.Values{}
		for k, v := range q {
			c[k] = slices.Clone(v)
		}
		f(c)
		return c.Encode()
	}
	for _, tc := range []struct{ name, query string }{
		{"no signature", edit(func(q url.Values) { q.Del("signature") })},
		{"an empty signature", edit(func(q url.Values) { q.Set("signature", "") })},
		{"a forged signature", edit(func(q url.Values) { q.Set("signature", strings.Repeat("ab", 32)) })},
		{"signed with another app's secret", resign(e2eShop, "shpss_another_app", now)},
		{"the signature as hmac", edit(func(q url.Values) { q.Set("hmac", q.Get("signature")); q.Del("signature") })},
		{"two signatures", edit(func(q url.Values) { q.Add("signature", q.Get("signature")) })},
		{"stale: signed 91 s ago", resign(e2eShop, e2eAPISecret, now.Add(-91*time.Second))},
		{"stale: signed a day ago", resign(e2eShop, e2eAPISecret, now.Add(-24*time.Hour))},
		{"future: signed 91 s ahead", resign(e2eShop, e2eAPISecret, now.Add(91*time.Second))},
		{"no timestamp", edit(func(q url.Values) { q.Del("timestamp") })},
		{"replayed with another product", edit(func(q url.Values) { q.Set("product_id", strconv.Itoa(towelID)) })},
		{"replayed with an added parameter", edit(func(q url.Values) { q.Set("country", "DE") })},
		{"replayed with a newer timestamp", edit(func(q url.Values) { q.Set("timestamp", strconv.FormatInt(now.Unix()+30, 10)) })},
		{"replayed for another installed shop", edit(func(q url.Values) { q.Set("shop", e2eOther) })},
		{"replayed with a second shop", edit(func(q url.Values) { q.Add("shop", e2eOther) })},
		{"a malformed shop, signed", resign("evil.example.com", e2eAPISecret, now)},
		{"an uppercase shop, signed", resign("E2E-KNITS.myshopify.com", e2eAPISecret, now)},
		{"a shop with a path, signed", resign(e2eShop+"/x", e2eAPISecret, now)},
		{"an empty shop, signed", resign("", e2eAPISecret, now)},
		{"a foreign shop (not installed), signed", resign("stranger.myshopify.com", e2eAPISecret, now)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.sideEffects(t, e2eShop, e2eOther, "stranger.myshopify.com")
			for _, path := range []string{"/proxy/product", "/proxy/cart", "/proxy/"} {
				w := e.get(path + "?" + tc.query + "&items=2001:1")
				checkError(t, "GET "+path+", "+tc.name, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
			}
			req := httptest.NewRequest(http.MethodPost, "/proxy/cart?"+tc.query, strings.NewReader(`{"items":[{"id":2001,"quantity":1}]}`))
			req.Header.Set("Content-Type", "application/json")
			w := e.serve(req)
			checkError(t, "POST /proxy/cart, "+tc.name, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
			if after := e.sideEffects(t, e2eShop, e2eOther, "stranger.myshopify.com"); after != before {
				t.Errorf("%s changed something:\nbefore %s\nafter  %s", tc.name, before, after)
			}
		})
	}
	// 90 s either way is still on time (DESIGN §4).
	for _, skew := range []time.Duration{-90 * time.Second, 90 * time.Second} {
		if w := e.get("/proxy/product?" + resign(e2eShop, e2eAPISecret, now.Add(skew))); w.Code != http.StatusOK {
			t.Errorf("signed %s from now: status %d, want 200\n%s", skew, w.Code, w.Body)
		}
	}
	// The genuine request still answers, from the cache.
	if n := e.calls(func() { answerOf(t, "the genuine request", e.get("/proxy/product?"+signed)) }); n != 0 {
		t.Errorf("the genuine request cost %d Admin API calls after the refusals, want 0", n)
	}
}

// TestShopifyWebhookBadInput: a webhook with a bad HMAC, an unknown topic
// or a malformed shop gets a 401 with a JSON error and has no effect.
func TestShopifyWebhookBadInput(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	sweater := url.Values{"product_id": {strconv.Itoa(sweaterID)}}
	answerOf(t, "sweater", e.proxy("product", e2eShop, sweater))

	productBody := []byte(fmt.Sprintf(`{"id":%d,"handle":"wool-sweater","variants":[{"id":%d}]}`, sweaterID, sweaterVariant))
	signed := func(topic, shop string, body []byte) *http.Request {
		return shopifytest.WebhookRequest("/webhooks", topic, shop, e2eAPISecret, body)
	}
	withHeader := func(r *http.Request, k, v string) *http.Request { r.Header.Set(k, v); return r }
	for _, tc := range []struct {
		name string
		req  *http.Request
	}{
		{"no HMAC", withHeader(signed("products/update", e2eShop, productBody), "X-Shopify-Hmac-Sha256", "")},
		{"an HMAC by another secret", shopifytest.WebhookRequest("/webhooks", "products/update", e2eShop, "shpss_another_app", productBody)},
		{"the HMAC of another body", withHeader(signed("products/update", e2eShop, productBody), "X-Shopify-Hmac-Sha256", shopify.SignWebhook([]byte(`{}`), e2eAPISecret))},
		{"a hex HMAC", withHeader(signed("products/update", e2eShop, productBody), "X-Shopify-Hmac-Sha256", strings.Repeat("0f", 32))},
		{"uninstall with a bad HMAC", shopifytest.WebhookRequest("/webhooks", "app/uninstalled", e2eShop, "shpss_another_app", []byte(`{}`))},
		{"shop/redact with a bad HMAC", shopifytest.WebhookRequest("/webhooks", "shop/redact", e2eShop, "shpss_another_app", []byte(`{}`))},
		{"an unknown topic", signed("products/frobnicate", e2eShop, productBody)},
		{"a topic Leadtime does not subscribe to", signed("orders/paid", e2eShop, productBody)},
		{"no topic", withHeader(signed("products/update", e2eShop, productBody), "X-Shopify-Topic", "")},
		{"a malformed shop", signed("products/update", "evil.example.com", productBody)},
		{"an uppercase shop", signed("app/uninstalled", "E2E-KNITS.myshopify.com", []byte(`{}`))},
		{"no shop", signed("app/uninstalled", "", []byte(`{}`))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.sideEffects(t, e2eShop)
			w := e.serve(tc.req)
			checkError(t, "POST /webhooks, "+tc.name, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
			if after := e.sideEffects(t, e2eShop); after != before {
				t.Errorf("%s changed something:\nbefore %s\nafter  %s", tc.name, before, after)
			}
			if n := e.calls(func() { answerOf(t, "sweater", e.proxy("product", e2eShop, sweater)) }); n != 0 {
				t.Errorf("%s dropped cached facts: the product then cost %d Admin API calls, want 0", tc.name, n)
			}
		})
	}
	// A refused delivery does not use up its webhook id: Shopify's genuine
	// delivery with that id still runs.
	forged := shopifytest.WebhookRequest("/webhooks", "products/update", e2eShop, "shpss_another_app", productBody)
	forged.Header.Set("X-Shopify-Webhook-Id", "b0a9f3e4-0000-4000-a000-000000000002")
	e.serve(forged)
	if w := e.webhook("products/update", e2eShop, "b0a9f3e4-0000-4000-a000-000000000002", productBody); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "duplicate") {
		t.Errorf("the genuine delivery after a forged one with its id: %d %s, want 200 ok", w.Code, w.Body)
	}
}

// TestShopifyOAuthBadCallback: an OAuth callback with a bad state, no
// cookie, a bad HMAC or a state made for another shop gets a 401 with a
// JSON error and installs nothing; the code it carried is not spent.
func TestShopifyOAuthBadCallback(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	authorizeURL, cookie := e.startAuth(t, e2eShop)
	back := e.authorize(t, authorizeURL)
	good := back.Query()

	// A state cookie made for the other shop, and the fake's callback for
	// e2eShop carrying that state: signed by Shopify, yet not ours to take.
	otherAuthorize, otherCookie := e.startAuth(t, e2eOther)
	swapped := *otherAuthorize
	sq := swapped.Query()
	sq.Set("shop", e2eShop)
	swapped.RawQuery = sq.Encode()
	crossed := e.authorize(t, &swapped)

	// resign signs q as Shopify would, after an edit.
	resign := func(f func(q url.Values)) string {
		q := url.Values{}
		for k, v := range good {
			q[k] = slices.Clone(v)
		}
		f(q)
		q.Set("hmac", shopify.SignOAuth(q, e2eAPISecret))
		return q.Encode()
	}
	edit := func(f func(q url.Values)) string {
		q := url.Values{}
		for k, v := range good {
			q[k] = slices.Clone(v)
		}
		f(q)
		return q.Encode()
	}
	badCookie := *cookie
	badCookie.Value = strings.Repeat("0", 32) + "." + strings.Split(cookie.Value, ".")[1]
	unsigned := *cookie
	unsigned.Value = good.Get("state")
	for _, tc := range []struct {
		name   string
		query  string
		cookie *http.Cookie
	}{
		{"a bad state", resign(func(q url.Values) { q.Set("state", strings.Repeat("1", 32)) }), cookie},
		{"no state", resign(func(q url.Values) { q.Del("state") }), cookie},
		{"a missing cookie", back.RawQuery, nil},
		{"a cookie with another nonce", back.RawQuery, &badCookie},
		{"an unsigned cookie", back.RawQuery, &unsigned},
		{"a bad HMAC", edit(func(q url.Values) { q.Set("hmac", strings.Repeat("ab", 32)) }), cookie},
		{"no HMAC", edit(func(q url.Values) { q.Del("hmac") }), cookie},
		{"an HMAC by another secret", edit(func(q url.Values) { q.Set("hmac", shopify.SignOAuth(q, "shpss_another_app")) }), cookie},
		{"an altered code", edit(func(q url.Values) { q.Set("code", strings.Repeat("c", 32)) }), cookie},
		{"an altered shop", edit(func(q url.Values) { q.Set("shop", e2eOther) }), cookie},
		{"a stale timestamp", resign(func(q url.Values) { q.Set("timestamp", strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)) }), cookie},
		{"a malformed shop", resign(func(q url.Values) { q.Set("shop", "evil.example.com") }), cookie},
		{"a state for another shop", crossed.RawQuery, otherCookie},
		{"this shop's state with another shop's cookie", back.RawQuery, otherCookie},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.sideEffects(t, e2eShop, e2eOther, "evil.example.com")
			var cookies []*http.Cookie
			if tc.cookie != nil {
				cookies = append(cookies, tc.cookie)
			}
			w := e.get("/auth/callback?"+tc.query, cookies...)
			checkError(t, "GET /auth/callback, "+tc.name, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
			if after := e.sideEffects(t, e2eShop, e2eOther, "evil.example.com"); after != before {
				t.Errorf("%s changed something:\nbefore %s\nafter  %s", tc.name, before, after)
			}
		})
	}
	if _, err := e.store.Get(context.Background(), e2eShop); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after the refused callbacks, store.Get = %v; want no shop", err)
	}
	// The genuine callback still installs: no refused one spent its code.
	if w := e.get("/auth/callback?"+back.RawQuery, cookie); w.Code != http.StatusFound {
		t.Fatalf("the genuine callback after the refused ones: status %d, want 302\n%s", w.Code, w.Body)
	}
	if rec, err := e.store.Get(context.Background(), e2eShop); err != nil || !rec.Installed() {
		t.Errorf("after the genuine callback: %v, %v; want the shop installed", rec, err)
	}
	// /auth itself refuses a malformed shop, before any cookie.
	for _, shop := range []string{"", "evil.example.com", "E2E-KNITS.myshopify.com", e2eShop + ".evil.com"} {
		w := e.get("/auth?shop=" + url.QueryEscape(shop))
		checkError(t, "GET /auth?shop="+shop, w.Code, w.Header(), w.Body.Bytes(), http.StatusBadRequest, "invalid_shop")
		if len(w.Result().Cookies()) != 0 {
			t.Errorf("GET /auth?shop=%s set a cookie", shop)
		}
	}
}

// TestShopifyDown: with Shopify down, the storefront still gets 200: a
// product seen before from its stale facts, a product never seen from the
// shop's default, both marked "stale": true (DESIGN §6). When Shopify is
// back, answers are fresh again.
func TestShopifyDown(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	sweater := url.Values{"product_id": {strconv.Itoa(sweaterID)}, "country": {"SE"}}
	fresh := answerOf(t, "sweater", e.proxy("product", e2eShop, sweater))
	answerOf(t, "cart", e.proxy("cart", e2eShop, url.Values{"items": {"2001:1"}}))

	// The facts age past their TTL, then Shopify goes down. Another locale
	// asks for a new answer, which needs the facts again.
	e.clock.Set(e.clock.Now().Add(catalog.ProductFactsTTL + time.Minute))
	e.fake.SetDown(true)
	sweaterSV := url.Values{"product_id": {strconv.Itoa(sweaterID)}, "country": {"SE"}, "locale": {"sv"}}
	a := answerOf(t, "sweater while Shopify is down", e.proxy("product", e2eShop, sweaterSV))
	if !a.Stale || a.window() != fresh.window() || a.Processing.Source != "product_metafield" {
		t.Errorf("a product seen before, Shopify down: stale %v, %s from %s; want stale, %s from the product metafield",
			a.Stale, a.window(), a.Processing.Source, fresh.window())
	}
	c := answerOf(t, "cart while Shopify is down", e.proxy("cart", e2eShop, url.Values{"items": {"2001:1"}, "locale": {"sv"}}))
	if !c.Stale || c.window() != fresh.window() {
		t.Errorf("a cart seen before, Shopify down: stale %v, %s; want stale, %s", c.Stale, c.window(), fresh.window())
	}
	unseen := url.Values{"product_id": {strconv.Itoa(towelID)}, "variant_id": {strconv.Itoa(towelVariant)}}
	w := e.proxy("product", e2eShop, unseen)
	a = answerOf(t, "a product never seen, Shopify down", w)
	if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=30" {
		t.Errorf("a stale answer: Cache-Control %q, want public, max-age=30: no cache may keep it long", cc)
	}
	if !a.Stale || a.Processing.Source != "default" || a.window() != "ships 2026-11-26–2026-11-26, delivery 2026-11-27–2026-12-03" ||
		a.ProductID != towelID || a.VariantID != towelVariant {
		t.Errorf("a product never seen, Shopify down: stale %v, %s from %s, product %d variant %d; want stale, the shop default (2–2)",
			a.Stale, a.window(), a.Processing.Source, a.ProductID, a.VariantID)
	}
	c = answerOf(t, "a cart never seen, Shopify down", e.proxy("cart", e2eShop, url.Values{"items": {"4000:1,4001:2"}}))
	if !c.Stale || len(c.Lines) != 2 || c.window() != "ships 2026-11-26–2026-11-26, delivery 2026-11-27–2026-12-03" {
		t.Errorf("a cart never seen, Shopify down: stale %v, %d lines, %s; want stale, 2 lines at the shop default", c.Stale, len(c.Lines), c.window())
	}

	// Shopify is back: within 30 s the same requests are answered fresh,
	// not from a stale answer cached until the cutoff.
	e.fake.SetDown(false)
	e.now.Set(e2eNow.Add(31 * time.Second))
	a = answerOf(t, "a product first quoted while down, Shopify back", e.proxy("product", e2eShop, unseen))
	if a.Stale || a.Processing.Source != "default" {
		t.Errorf("Shopify back: the towel is stale %v from %s, want fresh", a.Stale, a.Processing.Source)
	}
	a = answerOf(t, "sweater, Shopify back", e.proxy("product", e2eShop, sweaterSV))
	if a.Stale {
		t.Errorf("Shopify back: the sweater is still stale")
	}
}

// TestShopifyThrottled: throttling is waited out within the request when
// Shopify asks for little (a 429 with a short Retry-After, a cost bucket
// that refills fast), and answered at once with the shop default, marked
// stale, when it asks for more than a storefront request may wait.
func TestShopifyThrottled(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	const atDefault = "ships 2026-11-26–2026-11-26, delivery 2026-11-27–2026-12-03"

	e.fake.SetRetryAfter(200 * time.Millisecond)
	e.fake.FailNext(1, http.StatusTooManyRequests)
	var a *e2eAnswer
	if n := e.calls(func() {
		a = answerOf(t, "after one 429", e.proxy("product", e2eShop, url.Values{"product_id": {strconv.Itoa(sweaterID)}}))
	}); n != 2 || a.Stale || a.Processing.Source != "product_metafield" {
		t.Errorf("after one 429: %d calls, stale %v, from %s; want 2 calls (a retry), a fresh answer from the metafield", n, a.Stale, a.Processing.Source)
	}

	// THROTTLED by cost: a bucket that refills in a fraction of a second is
	// waited for (extensions.cost says how long).
	e.fake.SetThrottle(1000, 5000)
	e.fake.Drain(e2eShop)
	if n := e.calls(func() {
		a = answerOf(t, "throttled briefly", e.proxy("product", e2eShop, url.Values{"handle": {"linen-towel"}}))
	}); n != 2 || a.Stale {
		t.Errorf("a bucket refilling in ms: %d calls, stale %v; want 2 calls (THROTTLED, then the answer), fresh", n, a.Stale)
	}

	// A bucket refilling at 2 points/s holds a product query (95 points
	// requested) for 47 s: too long to wait. (At Shopify's 50 points/s it
	// is 1.9 s, which a storefront request waits.)
	e.fake.SetThrottle(shopifytest.DefaultMaximumAvailable, 2)
	e.fake.Drain(e2eShop)
	start := time.Now()
	a = answerOf(t, "throttled for 47 s", e.proxy("product", e2eShop, url.Values{"product_id": {"3000"}}))
	if !a.Stale || a.window() != atDefault || time.Since(start) > 2*time.Second {
		t.Errorf("an empty bucket: stale %v, %s after %s; want at once the shop default, stale", a.Stale, a.window(), time.Since(start))
	}

	e.fake.SetThrottle(shopifytest.DefaultMaximumAvailable, shopifytest.DefaultRestoreRate) // full again
	e.fake.SetRetryAfter(time.Minute)
	e.fake.FailNext(10, http.StatusTooManyRequests)
	start = time.Now()
	a = answerOf(t, "429 for a minute", e.proxy("cart", e2eShop, url.Values{"items": {"4001:1"}}))
	if !a.Stale || a.window() != atDefault || time.Since(start) > 2*time.Second {
		t.Errorf("Shopify asking for a minute: stale %v, %s after %s; want at once the shop default, stale", a.Stale, a.window(), time.Since(start))
	}
}

// TestShopifyStoreDown: when the store stops answering (a Redis store in
// an outage), the storefront still answers: the shop from its last
// compiled settings, products from the cache, or from Shopify with the
// token read last, or, on an instance that never read the token, from the
// shop's default, marked stale. /readyz tells the operator.
func TestShopifyStoreDown(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	ctx := context.Background()
	sweater := url.Values{"product_id": {strconv.Itoa(sweaterID)}, "country": {"SE"}}
	fresh := answerOf(t, "sweater", e.proxy("product", e2eShop, sweater))
	// Another machine on the same store has served the shop's shipping
	// page, and so compiled its settings, but loaded no product yet.
	second, _ := e.instance(t)
	page := httptest.NewRequest(http.MethodGet, "/proxy/?"+shopifytest.ProxyQuery(e2eShop, e2eAPISecret, nil, e.wall.Now()), nil)
	w := httptest.NewRecorder()
	second.ServeHTTP(w, page)
	if w.Code != http.StatusOK {
		t.Fatalf("the shipping page on the second instance: %d\n%s", w.Code, w.Body)
	}

	e.flaky.down.Store(true)
	// Make shops.Registry ask the store again now rather than after its 30 s
	// recheck, as a settings save on another instance does
	// (shops.Registry.Forget raises the generation of "settings:" + shop).
	e.shared.InvalidateShop(ctx, "settings:"+e2eShop)
	var a *e2eAnswer
	if n := e.calls(func() {
		a = answerOf(t, "sweater, store down", e.proxy("product", e2eShop, url.Values{"product_id": {strconv.Itoa(sweaterID)}, "country": {"SE"}, "locale": {"de"}}))
	}); n != 0 || a.window() != fresh.window() || a.Stale {
		t.Errorf("a cached product, store down: %d calls, %s, stale %v; want 0 calls, %s from the cached facts", n, a.window(), a.Stale, fresh.window())
	}
	if n := e.calls(func() {
		a = answerOf(t, "towel, store down", e.proxy("product", e2eShop, url.Values{"handle": {"linen-towel"}}))
	}); n != 1 || a.Stale {
		t.Errorf("a product never seen, store down: %d calls, stale %v; want it loaded from Shopify with the token read last", n, a.Stale)
	}
	for _, tc := range []struct{ path, query string }{
		{"product", "handle=linen-towel"},
		{"cart", "items=4000:1"},
	} {
		q, _ := url.ParseQuery(tc.query)
		w = httptest.NewRecorder()
		second.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/proxy/"+tc.path+"?"+shopifytest.ProxyQuery(e2eShop, e2eAPISecret, q, e.wall.Now()), nil))
		a = answerOf(t, tc.path+" on the second instance, store down", w)
		if !a.Stale || a.window() != "ships 2026-11-26–2026-11-26, delivery 2026-11-27–2026-12-03" {
			t.Errorf("%s on an instance that never read the token, store down: stale %v, %s; want the shop default, stale", tc.path, a.Stale, a.window())
		}
	}
	if w := e.get("/readyz"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz, store down: %d, want 503\n%s", w.Code, w.Body)
	}

	e.flaky.down.Store(false)
	e.now.Set(e2eNow.Add(31 * time.Second)) // past the stale answers' 30 s
	w = httptest.NewRecorder()
	second.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/proxy/product?"+shopifytest.ProxyQuery(e2eShop, e2eAPISecret, url.Values{"handle": {"linen-towel"}}, e.wall.Now()), nil))
	if a = answerOf(t, "towel on the second instance, store back", w); a.Stale {
		t.Errorf("store back: the towel is still stale on the second instance")
	}
	if w := e.get("/readyz"); w.Code != http.StatusOK {
		t.Errorf("GET /readyz, store back: %d, want 200\n%s", w.Code, w.Body)
	}
}

// TestShopifyWebhookInvalidation: the other webhooks that drop cached
// facts do so, and only for their shop.
func TestShopifyWebhookInvalidation(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	e.install(t, e2eOther)
	sweater := url.Values{"product_id": {strconv.Itoa(sweaterID)}}
	for _, tc := range []struct {
		topic string
		body  string
		calls int // Admin API calls of the next answer for each shop
	}{
		{"inventory_levels/update", fmt.Sprintf(`{"inventory_item_id":%d,"location_id":1,"available":0}`, shopifytest.DefaultInventoryItemID(sweaterVariant)), 1},
		{"inventory_levels/update", `{"inventory_item_id":999,"location_id":1,"available":0}`, 0}, // an item of no cached product
		{"collections/update", `{"id":1,"handle":"knitwear"}`, 1},
		{"products/delete", fmt.Sprintf(`{"id":%d}`, sweaterID), 1},
		{"shop/update", `{"id":1,"name":"Knits","myshopify_domain":"` + e2eShop + `"}`, 0}, // answers retired, facts kept
	} {
		answerOf(t, "sweater", e.proxy("product", e2eShop, sweater))
		answerOf(t, "sweater at the other shop", e.proxy("product", e2eOther, sweater))
		if w := e.webhook(tc.topic, e2eShop, "", []byte(tc.body)); w.Code != http.StatusOK {
			t.Errorf("%s: status %d, want 200\n%s", tc.topic, w.Code, w.Body)
		}
		if n := e.calls(func() { answerOf(t, "sweater", e.proxy("product", e2eShop, sweater)) }); n != tc.calls {
			t.Errorf("after %s %s: %d Admin API calls, want %d", tc.topic, tc.body, n, tc.calls)
		}
		if n := e.calls(func() { answerOf(t, "sweater at the other shop", e.proxy("product", e2eOther, sweater)) }); n != 0 {
			t.Errorf("after %s for %s: the other shop made %d Admin API calls, want 0", tc.topic, e2eShop, n)
		}
	}
	// A payload that is not what the topic carries is the caller's error.
	w := e.webhook("products/update", e2eShop, "", []byte(`not json`))
	if w.Code < 400 || w.Code >= 500 {
		t.Errorf("products/update with a bad payload: status %d, want a 4xx\n%s", w.Code, w.Body)
	}
}

// TestShopifyFeed: the Merchant Center feed of an installed shop comes from
// the Admin API (one catalog page for 52 variants), and a products/update
// webhook retires it: the next fetch gets the previous feed while the new
// one is built, then the new one.
func TestShopifyFeed(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	if err := e.store.SetFeedToken(context.Background(), e2eShop, "e2e-feed-token"); err != nil {
		t.Fatal(err)
	}
	e.fake.SetThrottle(1e6, 1e6) // install spent the bucket; its refill is not under test here
	const target = "/feeds/google/e2e-feed-token/SE.tsv"
	var first *httptest.ResponseRecorder
	if n := e.calls(func() { first = e.get(target) }); n != 1 {
		t.Errorf("first fetch: %d Admin API calls, want 1 (one catalog page)", n)
	}
	if first.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, first.Code, first.Body)
	}
	body := first.Body.String()
	for _, row := range []string{"id\tmin_handling_time\tmax_handling_time\n", "shopify_SE_1001_2001\t5\t8\n", "shopify_SE_1002_2002\t2\t2\n", "shopify_SE_3049_4049\t2\t2\n"} {
		if !strings.Contains(body, row) {
			t.Errorf("feed lacks %q:\n%s", row, body)
		}
	}
	if n := strings.Count(body, "\n"); n != 1+2+cartProducts {
		t.Errorf("%d lines, want a header and %d rows", n, 2+cartProducts)
	}
	if n := e.calls(func() { e.get(target) }); n != 0 {
		t.Errorf("a second fetch: %d Admin API calls, want 0", n)
	}

	p := e2eProducts()[0]
	p.Metafields = map[string]string{"leadtime.processing_min_days": "9", "leadtime.processing_max_days": "12"}
	e.fake.AddProduct(e2eShop, p)
	if w := e.webhook("products/update", e2eShop, "", []byte(`{"id":1001,"handle":"wool-sweater","variants":[{"id":2001}]}`)); w.Code != http.StatusOK {
		t.Fatalf("products/update: %d %s", w.Code, w.Body)
	}
	var after *httptest.ResponseRecorder
	for range 1000 { // until the rebuilt feed, an event, not a time
		if after = e.get(target); after.Header().Get("ETag") != first.Header().Get("ETag") {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(after.Body.String(), "shopify_SE_1001_2001\t9\t12\n") {
		t.Errorf("after products/update the sweater is not 9–12 days:\n%s", after.Body)
	}
	w := e.get("/feeds/google/another-token/SE.tsv")
	checkError(t, "GET an unknown token", w.Code, w.Header(), w.Body.Bytes(), http.StatusNotFound, "not_found")
}
