package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
	"github.com/leadtime-app/leadtime/shopifyapp"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// The app's credentials in the settings API tests.
const (
	adminAPIKey    = "admin0123456789abcdef0123456789ab"
	adminAPISecret = "shpss_admin_test_secret"
)

// adminEnv is a server wired as serve.go wires demo mode: the demo shop
// served through the store (bbolt in a temporary directory), so that a save
// takes effect on /proxy at once, with the clock fixed at saturdayMorning.
type adminEnv struct {
	h     http.Handler
	store *store.Bolt
}

type adminOptions struct {
	apiKey, apiSecret string           // set: session tokens required, not demo
	wallClock         func() time.Time // default saturdayMorning
	app               func(st *store.Bolt, shops *shops.Registry, shared *cache.Cache) *shopifyapp.App
}

func newAdminEnv(t *testing.T, opts adminOptions) *adminEnv {
	t.Helper()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), store.BoltFileName), store.Options{Now: func() time.Time { return saturdayMorning }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	shared := cache.New(cache.Options{Logger: logger})
	t.Cleanup(shared.Close)
	shops := &shops.Registry{Store: st, Static: promise.StaticShops{shop.Domain(): shop}, Shared: shared, Log: logger}
	wall := opts.wallClock
	if wall == nil {
		wall = func() time.Time { return saturdayMorning }
	}
	cfg := server.Config{
		Engine:      &promise.Engine{Shops: shops, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(),
		Demo:        opts.apiSecret == "",
		Shared:      shared,
		Settings:    shops,
		Now:         func() time.Time { return saturdayMorning },
		WallClock:   wall,
		Logger:      logger,
		Limits:      &server.Limits{},
		APIKey:      opts.apiKey,
		APISecret:   opts.apiSecret,
	}
	if opts.app != nil {
		cfg.App = opts.app(st, shops, shared)
		cfg.Settings = nil
		cfg.Engine = &promise.Engine{Shops: shops, Products: cfg.App.Products}
		cfg.App.Engine = cfg.Engine
	}
	return &adminEnv{h: server.New(cfg).Handler(), store: st}
}

// do sends a request with a JSON body (nil: none) and headers as
// alternating names and values.
func (e *adminEnv) do(t *testing.T, method, target string, body any, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, target, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	return w
}

// settings gets the current document and its ETag.
func (e *adminEnv) settings(t *testing.T, headers ...string) (map[string]any, string) {
	t.Helper()
	w := e.do(t, "GET", "/admin/api/settings", nil, headers...)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /admin/api/settings: %d %s", w.Code, w.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc, w.Header().Get("ETag")
}

// withRule returns doc with one more rule.
func withRule(doc map[string]any, rule map[string]any) map[string]any {
	out := cloneDoc(doc)
	rules, _ := out["rules"].([]any)
	out["rules"] = append(slices.Clone(rules), rule)
	return out
}

func cloneDoc(doc map[string]any) map[string]any {
	b, _ := json.Marshal(doc)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// walletRule makes the leather wallet (no rule, the shop default 1–3)
// take 10–12 days.
var walletRule = map[string]any{"name": "wallets-by-hand", "match": map[string]any{"products": []any{"leather-wallet"}}, "processing": map[string]any{"min": 10, "max": 12}}

type adminError struct {
	Error struct {
		Code     string             `json:"code"`
		Message  string             `json:"message"`
		Problems []delivery.Problem `json:"problems"`
	} `json:"error"`
}

func decodeAdminError(t *testing.T, w *httptest.ResponseRecorder) adminError {
	t.Helper()
	var e adminError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("not a JSON error: %v\n%s", err, w.Body)
	}
	return e
}

// TestAdminUnauthorized: with SHOPIFY_API_SECRET set, every /admin/api
// route needs a valid session token of an installed shop.
func TestAdminUnauthorized(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{apiKey: adminAPIKey, apiSecret: adminAPISecret})
	ctx := context.Background()
	if err := e.store.SetToken(ctx, demoDomain, "shpat_installed", shopifyapp.Scopes); err != nil {
		t.Fatal(err)
	}
	valid := shopifytest.SessionToken(adminAPIKey, adminAPISecret, demoDomain, saturdayMorning)
	for _, tc := range []struct {
		name, auth, code string
	}{
		{"missing", "", "missing_token"},
		{"not bearer", "Basic " + valid, "missing_token"},
		{"wrong secret", "Bearer " + shopifytest.SessionToken(adminAPIKey, "another secret", demoDomain, saturdayMorning), "invalid_token"},
		{"wrong audience", "Bearer " + shopifytest.SessionToken("another-app", adminAPISecret, demoDomain, saturdayMorning), "invalid_token"},
		{"expired", "Bearer " + shopifytest.SessionToken(adminAPIKey, adminAPISecret, demoDomain, saturdayMorning.Add(-2*time.Minute)), "invalid_token"},
		{"garbage", "Bearer not.a.token", "invalid_token"},
		{"shop not installed", "Bearer " + shopifytest.SessionToken(adminAPIKey, adminAPISecret, "elsewhere.myshopify.com", saturdayMorning), "shop_not_installed"},
	} {
		for _, route := range []struct{ method, path string }{
			{"GET", "/admin/api/settings"}, {"PUT", "/admin/api/settings"}, {"GET", "/admin/api/settings/history"},
			{"POST", "/admin/api/settings/restore"}, {"POST", "/admin/api/preview"}, {"GET", "/admin/api/holidays?codes=SE"},
			{"POST", "/admin/api/import"},
		} {
			var headers []string
			if tc.auth != "" {
				headers = []string{"Authorization", tc.auth}
			}
			w := e.do(t, route.method, route.path, []byte(`{}`), append(headers, "If-Match", "*")...)
			req := tc.name + ": " + route.method + " " + route.path
			checkError(t, req, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, tc.code)
			if got := w.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("%s: WWW-Authenticate = %q, want Bearer", req, got)
			}
		}
	}
	// The same token passes.
	if _, etag := e.settings(t, "Authorization", "Bearer "+valid); etag == "" {
		t.Error("GET /admin/api/settings with a valid token: no ETag")
	}
	// The page itself needs no token: it gets one from App Bridge.
	if w := e.do(t, "GET", "/admin?host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtbw&shop="+demoDomain, nil); w.Code != http.StatusOK ||
		!strings.Contains(w.Body.String(), "https://cdn.shopify.com/shopifycloud/app-bridge.js") ||
		!strings.Contains(w.Body.String(), `name="shopify-api-key" content="`+adminAPIKey+`"`) {
		t.Errorf("GET /admin embedded: %d, want the page with App Bridge and the API key\n%.400s", w.Code, w.Body)
	} else if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors https://"+demoDomain+" https://admin.shopify.com") {
		t.Errorf("GET /admin embedded: CSP %q, want frame-ancestors of the shop's admin", csp)
	}
}

// TestAdminDemoMode: without credentials the API serves the demo shop with
// no token, and the page loads nothing from elsewhere. Outside demo mode,
// no secret means no settings API.
func TestAdminDemoMode(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	doc, etag := e.settings(t)
	if doc["shop"] != demoDomain || !strings.HasPrefix(etag, `"file-`) {
		t.Errorf("demo settings: shop %v, ETag %s; want the demo shop from its file", doc["shop"], etag)
	}
	w := e.do(t, "GET", "/admin", nil)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "cdn.shopify.com") || strings.Contains(w.Body.String(), "https://") && strings.Contains(w.Body.String(), "<script src=\"https") {
		t.Errorf("GET /admin in demo mode: %d, want a page that loads nothing from elsewhere", w.Code)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("GET /admin in demo mode: CSP %q, want scripts from this server only", csp)
	}
	for _, asset := range []string{"/admin/static/admin.js", "/admin/static/admin.css"} {
		if w := e.do(t, "GET", asset, nil); w.Code != http.StatusOK || w.Body.Len() < 1000 {
			t.Errorf("GET %s: %d, %d bytes", asset, w.Code, w.Body.Len())
		}
	}
	if w := e.do(t, "GET", "/admin/static/index.html", nil); w.Code != http.StatusNotFound {
		t.Errorf("GET /admin/static/index.html: %d, want 404", w.Code)
	}
	// Import has nothing to import from.
	w = e.do(t, "POST", "/admin/api/import", []byte(`{}`))
	checkError(t, "POST /admin/api/import in demo mode", w.Code, w.Header(), w.Body.Bytes(), http.StatusConflict, "no_shopify_connection")

	// Single-shop mode without a secret: the settings API is off.
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	off := server.New(server.Config{
		Engine: &promise.Engine{Shops: promise.StaticShops{demoDomain: shop}, Products: promise.Catalog{}}, DefaultShop: demoDomain,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}).Handler()
	rec := httptest.NewRecorder()
	off.ServeHTTP(rec, httptest.NewRequest("GET", "/admin/api/settings", nil))
	checkError(t, "GET /admin/api/settings without a secret outside demo mode", rec.Code, rec.Header(), rec.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
}

// TestAdminSaveStale: a save needs If-Match; a stale one is a 412 that
// saves nothing and names the current version.
func TestAdminSaveStale(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	doc, fileTag := e.settings(t)

	w := e.do(t, "PUT", "/admin/api/settings", withRule(doc, walletRule))
	checkError(t, "PUT without If-Match", w.Code, w.Header(), w.Body.Bytes(), http.StatusPreconditionRequired, "precondition_required")

	w = e.do(t, "PUT", "/admin/api/settings", withRule(doc, walletRule), "If-Match", fileTag)
	if w.Code != http.StatusOK {
		t.Fatalf("PUT with the file's ETag: %d %s", w.Code, w.Body)
	}
	v1 := w.Header().Get("ETag")
	if !strings.HasPrefix(v1, `"1-`) {
		t.Errorf("first save: ETag %s, want version 1", v1)
	}

	// Another tab still holds the file's ETag, then version 1's.
	other := withRule(doc, map[string]any{"name": "other", "match": map[string]any{"tags": []any{"glass"}}, "processing": map[string]any{"min": 2, "max": 2}})
	for _, stale := range []string{fileTag, `"0-000000000000000000000000"`} {
		w = e.do(t, "PUT", "/admin/api/settings", other, "If-Match", stale)
		checkError(t, "PUT with a stale If-Match "+stale, w.Code, w.Header(), w.Body.Bytes(), http.StatusPreconditionFailed, "stale_settings")
		if got := w.Header().Get("ETag"); got != v1 {
			t.Errorf("412: ETag %s, want the current %s", got, v1)
		}
	}
	got, tag := e.settings(t)
	if tag != v1 || len(got["rules"].([]any)) != 4 {
		t.Errorf("after the stale saves: ETag %s with %d rules, want %s with the wallet rule only", tag, len(got["rules"].([]any)), v1)
	}
	if w := e.do(t, "PUT", "/admin/api/settings", other, "If-Match", v1); w.Code != http.StatusOK {
		t.Errorf("PUT with the current ETag: %d %s", w.Code, w.Body)
	}
}

// TestAdminInvalid: an invalid document is a 422 listing every problem by
// path, as `leadtime check` would, and nothing is saved.
func TestAdminInvalid(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	doc, tag := e.settings(t)
	bad := withRule(doc, map[string]any{"name": "broken", "match": map[string]any{"tags": []any{"x"}}, "processing": map[string]any{"min": 9, "max": 3}})
	bad["timezone"] = "Mars/Olympus"
	bad["cutoff"] = "25:00"
	bad["closures"] = []any{map[string]any{"from": "2027-01-10", "to": "2027-01-01", "label": "backwards"}}
	zones := bad["shipping"].(map[string]any)["zones"].([]any)
	zones[0].(map[string]any)["methods"].([]any)[0].(map[string]any)["code"] = "Not A Code"
	bad["messages"] = map[string]any{"sv": map[string]any{"product": "Skickas {{ ships.nope }}"}}
	bad["storefront_origins"] = []any{"ftp://example.com"}

	want := []string{
		"timezone", "cutoff", "closures[0].to", "rules[3].processing.min",
		"shipping.zones[0].methods[0].code", "messages.sv.product", "storefront_origins[0]",
	}
	for _, route := range []struct{ method, path string }{{"PUT", "/admin/api/settings"}, {"POST", "/admin/api/preview"}} {
		body := any(bad)
		if route.method == "POST" {
			body = map[string]any{"settings": bad, "at": "now"}
		}
		w := e.do(t, route.method, route.path, body, "If-Match", tag)
		got := decodeAdminError(t, w)
		if w.Code != http.StatusUnprocessableEntity || got.Error.Code != "invalid_settings" || w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s invalid settings: %d %s, want 422 invalid_settings, no-store", route.method, w.Code, got.Error.Code)
		}
		var paths []string
		for _, p := range got.Error.Problems {
			paths = append(paths, p.Path)
		}
		for _, p := range want {
			if !slices.Contains(paths, p) {
				t.Errorf("%s: no problem at %s; problems: %v", route.method, p, got.Error.Problems)
			}
		}
		if len(paths) != len(want) {
			t.Errorf("%s: %d problems, want %d: %v", route.method, len(paths), len(want), got.Error.Problems)
		}
	}
	// The same document, checked by `leadtime check`'s validator.
	b, _ := json.Marshal(bad)
	_, err := delivery.LoadShop(b, delivery.WithCheck(message.Check(nil)))
	if err == nil || strings.Count(err.Error(), "\n") != len(want) {
		t.Errorf("delivery.LoadShop disagrees with the API: %v", err)
	}
	if _, now := e.settings(t); now != tag {
		t.Errorf("after a 422 the ETag is %s, want %s unchanged", now, tag)
	}
	if vs, _ := e.store.History(context.Background(), demoDomain); len(vs) != 0 {
		t.Errorf("after a 422 the history has %d versions, want none", len(vs))
	}
	// Another shop's document is not this shop's to save.
	theirs := cloneDoc(doc)
	theirs["shop"] = "someone-else.myshopify.com"
	w := e.do(t, "PUT", "/admin/api/settings", theirs, "If-Match", tag)
	if got := decodeAdminError(t, w); w.Code != http.StatusUnprocessableEntity || len(got.Error.Problems) != 1 || got.Error.Problems[0].Path != "shop" {
		t.Errorf("PUT another shop's document: %d %s, want a 422 at shop", w.Code, w.Body)
	}
	// Not a document at all.
	w = e.do(t, "PUT", "/admin/api/settings", []byte(`["a list"]`), "If-Match", tag)
	checkError(t, "PUT a JSON list", w.Code, w.Header(), w.Body.Bytes(), http.StatusBadRequest, "invalid_body")
}

// TestAdminSaveAndRestore: a save takes effect on the storefront at once;
// restoring a version makes it current again as a new version; the file
// the demo started from is version 0.
func TestAdminSaveAndRestore(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	wallet := func() map[string]any {
		t.Helper()
		w := e.do(t, "GET", "/proxy/product?handle=leather-wallet", nil)
		if w.Code != http.StatusOK {
			t.Fatalf("GET /proxy/product: %d %s", w.Code, w.Body)
		}
		var a map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &a)
		return a["processing"].(map[string]any)
	}
	if p := wallet(); p["source"] != "default" {
		t.Fatalf("before the save the wallet's processing comes from %v, want default", p["source"])
	}

	doc, tag0 := e.settings(t)
	w := e.do(t, "PUT", "/admin/api/settings", withRule(doc, walletRule), "If-Match", tag0)
	if w.Code != http.StatusOK {
		t.Fatalf("save 1: %d %s", w.Code, w.Body)
	}
	tag1 := w.Header().Get("ETag")
	if p := wallet(); p["source"] != "rule" || p["rule"] != "wallets-by-hand" || p["min_days"] != 10.0 {
		t.Errorf("after the save, /proxy/product says %v, want rule wallets-by-hand, 10 days", p)
	}
	doc1, _ := e.settings(t)
	doc2 := cloneDoc(doc1)
	doc2["cutoff"] = "11:00"
	w = e.do(t, "PUT", "/admin/api/settings", doc2, "If-Match", tag1)
	if w.Code != http.StatusOK {
		t.Fatalf("save 2: %d %s", w.Code, w.Body)
	}
	tag2 := w.Header().Get("ETag")

	var hist struct {
		Versions []struct {
			Version int        `json:"version"`
			SavedAt *time.Time `json:"saved_at"`
			ETag    string     `json:"etag"`
			Current bool       `json:"current"`
			Source  string     `json:"source"`
		} `json:"versions"`
	}
	history := func() {
		t.Helper()
		w := e.do(t, "GET", "/admin/api/settings/history", nil)
		if w.Code != http.StatusOK {
			t.Fatalf("history: %d %s", w.Code, w.Body)
		}
		hist.Versions = nil
		_ = json.Unmarshal(w.Body.Bytes(), &hist)
	}
	history()
	if len(hist.Versions) != 3 || hist.Versions[0].Version != 2 || !hist.Versions[0].Current || hist.Versions[0].ETag != tag2 ||
		hist.Versions[1].Version != 1 || hist.Versions[2].Version != 0 || hist.Versions[2].Source != "file" || hist.Versions[2].SavedAt != nil ||
		hist.Versions[0].SavedAt == nil || !hist.Versions[0].SavedAt.Equal(saturdayMorning) {
		t.Errorf("history = %+v, want versions 2 (current), 1, and the file", hist.Versions)
	}

	// Restore version 1 with a stale If-Match: 412, nothing restored.
	w = e.do(t, "POST", "/admin/api/settings/restore", map[string]any{"version": 1}, "If-Match", tag1)
	checkError(t, "restore with a stale If-Match", w.Code, w.Header(), w.Body.Bytes(), http.StatusPreconditionFailed, "stale_settings")
	w = e.do(t, "POST", "/admin/api/settings/restore", map[string]any{"version": 1})
	checkError(t, "restore without If-Match", w.Code, w.Header(), w.Body.Bytes(), http.StatusPreconditionRequired, "precondition_required")
	w = e.do(t, "POST", "/admin/api/settings/restore", map[string]any{"version": 99}, "If-Match", tag2)
	checkError(t, "restore an unknown version", w.Code, w.Header(), w.Body.Bytes(), http.StatusNotFound, "not_found")
	w = e.do(t, "POST", "/admin/api/settings/restore", map[string]any{"v": 1}, "If-Match", tag2)
	checkError(t, "restore without a version", w.Code, w.Header(), w.Body.Bytes(), http.StatusBadRequest, "invalid_version")

	// Restore version 1: it comes back as version 3.
	w = e.do(t, "POST", "/admin/api/settings/restore", map[string]any{"version": 1}, "If-Match", tag2)
	if w.Code != http.StatusOK {
		t.Fatalf("restore 1: %d %s", w.Code, w.Body)
	}
	tag3 := w.Header().Get("ETag")
	if !strings.HasPrefix(tag3, `"3-`) {
		t.Errorf("restore 1: ETag %s, want version 3", tag3)
	}
	got, _ := e.settings(t)
	if got["cutoff"] != doc1["cutoff"] || len(got["rules"].([]any)) != 4 {
		t.Errorf("after restoring 1: cutoff %v with %d rules, want version 1's (%v, 4 rules)", got["cutoff"], len(got["rules"].([]any)), doc1["cutoff"])
	}
	history()
	if len(hist.Versions) != 4 || hist.Versions[0].Version != 3 {
		t.Errorf("history after the restore = %+v, want 3, 2, 1 and the file", hist.Versions)
	}

	// Restore the file (version 0): the wallet is back on the default.
	w = e.do(t, "POST", "/admin/api/settings/restore", map[string]any{"version": 0}, "If-Match", tag3)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("ETag"), `"4-`) {
		t.Fatalf("restore the file: %d %s %s", w.Code, w.Header().Get("ETag"), w.Body)
	}
	if p := wallet(); p["source"] != "default" {
		t.Errorf("after restoring the file, the wallet's processing comes from %v, want default", p["source"])
	}
}

// TestAdminEscaping: HTML and Liquid in text fields are kept as text, and
// escaped wherever they are shown.
func TestAdminEscaping(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	doc, tag := e.settings(t)
	const script = `<script>alert(1)</script>`
	evil := withRule(doc, map[string]any{"name": script, "match": map[string]any{"tags": []any{"leather"}}, "processing": map[string]any{"min": 2, "max": 4}})
	evil["closures"] = []any{map[string]any{"from": "2026-12-01", "to": "2026-12-02", "label": `{{ shop.name }}<img src=x onerror=alert(2)>`}}
	evil["messages"] = map[string]any{"en": map[string]any{"product": `<b>Ships</b> {{ ships.range }}`}}
	w := e.do(t, "PUT", "/admin/api/settings", evil, "If-Match", tag)
	if w.Code != http.StatusOK {
		t.Fatalf("PUT: %d %s", w.Code, w.Body)
	}
	got, _ := e.settings(t)
	rules := got["rules"].([]any)
	if name := rules[len(rules)-1].(map[string]any)["name"]; name != script {
		t.Errorf("stored rule name %q, want %q as text", name, script)
	}
	// The settings page never writes data into its HTML.
	if page := e.do(t, "GET", "/admin", nil).Body.String(); strings.Contains(page, "alert(") {
		t.Error("GET /admin contains the rule's text")
	}
	// The preview names the rule in JSON, which the page shows as text.
	w = e.do(t, "POST", "/admin/api/preview", map[string]any{"settings": got, "products": []any{"leather-wallet"}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `\u003cscript\u003e`) || strings.Contains(w.Body.String(), script) {
		t.Errorf("preview: %d, want the rule name JSON-escaped\n%.600s", w.Code, w.Body)
	}
	// The storefront's shipping page escapes the rule name and neutralises
	// the Liquid of the label; the message escapes the template's HTML.
	shipping := e.do(t, "GET", "/proxy/", nil).Body.String()
	if strings.Contains(shipping, "<script>") || strings.Contains(shipping, "<img") || strings.Contains(shipping, "{{ shop.name") {
		t.Errorf("GET /proxy/ shows merchant text unescaped:\n%s", shipping)
	}
	if !strings.Contains(shipping, "&lt;script&gt;") {
		t.Errorf("GET /proxy/ does not show the rule's name (escaped)")
	}
	w = e.do(t, "GET", "/proxy/product?handle=stoneware-mug", nil)
	var a struct {
		Message struct{ Text, HTML string }
	}
	_ = json.Unmarshal(w.Body.Bytes(), &a)
	if !strings.HasPrefix(a.Message.Text, "<b>Ships</b> ") || strings.Contains(a.Message.HTML, "<b>") || !strings.Contains(a.Message.HTML, "&lt;b&gt;") {
		t.Errorf("message text %q html %q: want the template's HTML as text, escaped in html", a.Message.Text, a.Message.HTML)
	}
}

// previewJSON is the part of a preview answer the tests read.
type previewJSON struct {
	QuotedAt time.Time `json:"quoted_at"`
	Start    string    `json:"start"`
	Locales  []string  `json:"locales"`
	Products []struct {
		Ref    string `json:"ref"`
		Answer *struct {
			Processing struct {
				MinDays int    `json:"min_days"`
				MaxDays int    `json:"max_days"`
				Source  string `json:"source"`
				Rule    string `json:"rule"`
			} `json:"processing"`
			Ships    struct{ Earliest, Latest string } `json:"ships"`
			Delivery struct{ Earliest, Latest string } `json:"delivery"`
		} `json:"answer"`
		Messages []struct{ Locale, Text, Countdown string } `json:"messages"`
		Why      string                                     `json:"why"`
		Error    *struct{ Code string }                     `json:"error"`
	} `json:"products"`
	Strip struct {
		Product string `json:"product"`
		Days    []struct {
			Date     string                             `json:"date"`
			Open     bool                               `json:"open"`
			Closed   string                             `json:"closed"`
			Reason   string                             `json:"reason"`
			Starts   string                             `json:"starts"`
			Ships    *struct{ Earliest, Latest string } `json:"ships"`
			Delivery *struct{ Earliest, Latest string } `json:"delivery"`
		} `json:"days"`
	} `json:"strip"`
	Rules []struct {
		Name    string `json:"name"`
		Matches []struct {
			Handle string `json:"handle"`
		} `json:"matches"`
	} `json:"rules"`
	Known struct {
		Source string `json:"source"`
		Count  int    `json:"count"`
	} `json:"known"`
}

func (e *adminEnv) preview(t *testing.T, body map[string]any) previewJSON {
	t.Helper()
	w := e.do(t, "POST", "/admin/api/preview", body)
	if w.Code != http.StatusOK {
		t.Fatalf("preview: %d %s", w.Code, w.Body)
	}
	var p previewJSON
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAdminPreview: the preview quotes unsaved settings exactly as the
// storefront would, in every locale, says why, and lays out 14 days.
func TestAdminPreview(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	doc, tag := e.settings(t)

	// "now" is the server's clock: DESIGN §4's Saturday morning.
	p := e.preview(t, map[string]any{"settings": doc, "at": "now", "products": []any{"wool-sweater", 1002, "no-such-thing"}})
	if !p.QuotedAt.Equal(saturdayMorning) {
		t.Errorf("quoted_at %v, want %v", p.QuotedAt, saturdayMorning)
	}
	sweater := p.Products[0].Answer
	if sweater == nil || sweater.Ships.Earliest != "2026-12-07" || sweater.Ships.Latest != "2026-12-10" ||
		sweater.Delivery.Earliest != "2026-12-08" || sweater.Delivery.Latest != "2026-12-15" || sweater.Processing.Source != "product_metafield" {
		t.Errorf("wool-sweater = %+v, want DESIGN §4's answer", sweater)
	}
	if mug := p.Products[1]; mug.Answer == nil || mug.Answer.Processing.Rule != "ready-made" || !strings.Contains(mug.Why, "tag “ready-made”") {
		t.Errorf("stoneware-mug (by id) = %+v, want rule ready-made and why", mug)
	}
	if e := p.Products[2].Error; e == nil || e.Code != "unknown_product" {
		t.Errorf("an unknown product: %+v, want unknown_product in its entry", p.Products[2])
	}
	if !strings.Contains(p.Start, "Saturday is not a processing day") || !strings.Contains(p.Start, "Mon 30 Nov") {
		t.Errorf("start = %q", p.Start)
	}
	if p.Known.Source != "catalog" || p.Known.Count != 9 {
		t.Errorf("known = %+v, want the 9 products of the catalog", p.Known)
	}
	if len(p.Rules) != 3 || p.Rules[0].Name != "ready-made" || len(p.Rules[0].Matches) != 2 ||
		p.Rules[0].Matches[0].Handle != "stoneware-mug" || p.Rules[0].Matches[1].Handle != "letterpress-card" {
		t.Errorf("rules = %+v, want ready-made matching the mug and the card", p.Rules)
	}

	// The 14-day strip for the sweater (5–8 processing days), ordered at
	// 10:00 each day from Saturday 28 November, checked on a calendar:
	// weekends are not processing days, the Friday cutoff is 12:00.
	wantStrip := []struct{ date, closed, ships0, ships1 string }{
		{"2026-11-28", "weekend", "2026-12-07", "2026-12-10"},
		{"2026-11-29", "weekend", "2026-12-07", "2026-12-10"},
		{"2026-11-30", "", "2026-12-07", "2026-12-10"}, // day0 Mon 30: +5 = Mon 7, +8 = Thu 10
		{"2026-12-01", "", "2026-12-08", "2026-12-11"},
		{"2026-12-02", "", "2026-12-09", "2026-12-14"},
		{"2026-12-03", "", "2026-12-10", "2026-12-15"},
		{"2026-12-04", "", "2026-12-11", "2026-12-16"}, // Friday 10:00 is before its 12:00 cutoff
		{"2026-12-05", "weekend", "2026-12-14", "2026-12-17"},
		{"2026-12-06", "weekend", "2026-12-14", "2026-12-17"},
		{"2026-12-07", "", "2026-12-14", "2026-12-17"},
		{"2026-12-08", "", "2026-12-15", "2026-12-18"},
		{"2026-12-09", "", "2026-12-16", "2026-12-21"},
		{"2026-12-10", "", "2026-12-17", "2026-12-22"},
		{"2026-12-11", "", "2026-12-18", "2026-12-23"},
	}
	if p.Strip.Product != "wool-sweater" || len(p.Strip.Days) != len(wantStrip) {
		t.Fatalf("strip for %q with %d days, want the sweater's 14", p.Strip.Product, len(p.Strip.Days))
	}
	for i, w := range wantStrip {
		d := p.Strip.Days[i]
		if d.Date != w.date || d.Closed != w.closed || d.Open != (w.closed == "") || d.Ships == nil || d.Ships.Earliest != w.ships0 || d.Ships.Latest != w.ships1 {
			t.Errorf("strip day %d = %+v (ships %+v), want %s %q ships %s–%s", i, d, d.Ships, w.date, w.closed, w.ships0, w.ships1)
		}
	}

	// Around Christmas, in local time, with the closure and holidays marked:
	// ordered Mon 21 Dec, the sweater's 5 days are 22, 23 Dec, then (after
	// the closure 24 Dec–1 Jan and the weekend) 4, 5 and, past Trettondedag
	// jul on the 6th, 7 Jan.
	p = e.preview(t, map[string]any{"settings": doc, "at": "2026-12-21T10:00", "products": []any{"wool-sweater"}})
	first := p.Products[0].Answer
	if first.Ships.Earliest != "2027-01-07" || first.Ships.Latest != "2027-01-12" || first.Delivery.Earliest != "2027-01-08" || first.Delivery.Latest != "2027-01-15" {
		t.Errorf("sweater ordered 21 Dec 10:00: ships %+v delivery %+v", first.Ships, first.Delivery)
	}
	marks := map[string]string{}
	for _, d := range p.Strip.Days {
		marks[d.Date] = d.Closed + ":" + d.Reason
	}
	for date, want := range map[string]string{
		"2026-12-21": ":", "2026-12-24": "closure:Julstängt", "2027-01-01": "closure:Julstängt",
		"2026-12-26": "closure:Julstängt", "2027-01-02": "weekend:Not a processing day",
	} {
		if marks[date] != want {
			t.Errorf("strip %s marked %q, want %q", date, marks[date], want)
		}
	}

	// Unsaved settings: a new rule shows in the preview, and overrides in
	// Swedish add a locale; nothing is saved.
	draft := withRule(doc, walletRule)
	draft["messages"] = map[string]any{"sv": map[string]any{"product": "Klar {{ ships.range }}"}}
	p = e.preview(t, map[string]any{"settings": draft, "at": "2026-11-30T09:00:00+01:00", "products": []any{"leather-wallet"}, "country": "de", "method": "express"})
	wallet := p.Products[0]
	if wallet.Answer.Processing.Rule != "wallets-by-hand" || wallet.Answer.Processing.MinDays != 10 || !strings.Contains(wallet.Why, "product “leather-wallet”") {
		t.Errorf("wallet with the draft rule = %+v, why %q", wallet.Answer.Processing, wallet.Why)
	}
	if !slices.Equal(p.Locales, []string{"en", "sv"}) || len(wallet.Messages) != 2 || !strings.HasPrefix(wallet.Messages[1].Text, "Klar ") {
		t.Errorf("locales %v, messages %+v; want en and the Swedish override", p.Locales, wallet.Messages)
	}
	if _, now := e.settings(t); now != tag {
		t.Error("a preview saved the settings")
	}

	// A countdown only when the order ships today: the mug (0–1 days) on a
	// Monday morning.
	p = e.preview(t, map[string]any{"settings": doc, "at": "2026-11-30T11:00", "products": []any{"stoneware-mug"}})
	if c := p.Products[0].Messages[0].Countdown; !strings.Contains(c, "3 h") {
		t.Errorf("mug's countdown at 11:00 = %q, want 3 h to the 14:00 cutoff", c)
	}

	// Bad parameters of the preview itself.
	for _, tc := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"settings": doc, "at": "yesterday"}, "invalid_at"},
		{map[string]any{"settings": doc, "country": "XX"}, "invalid_country"},
		{map[string]any{"settings": doc, "method": "pigeon"}, "invalid_method"},
		{map[string]any{"at": "now"}, "invalid_body"},
	} {
		w := e.do(t, "POST", "/admin/api/preview", tc.body)
		checkError(t, "preview "+tc.code, w.Code, w.Header(), w.Body.Bytes(), http.StatusBadRequest, tc.code)
	}
}

// TestAdminHolidays: the upcoming holidays of the chosen calendars, for 12
// months from the shop's today.
func TestAdminHolidays(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	w := e.do(t, "GET", "/admin/api/holidays?codes=SE,NO", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("holidays: %d %s", w.Code, w.Body)
	}
	var got struct {
		From, To string
		Holidays []struct{ Date, Weekday, Name, Calendar string }
	}
	_ = json.Unmarshal(w.Body.Bytes(), &got)
	if got.From != "2026-11-28" || got.To != "2027-11-27" {
		t.Errorf("from %s to %s, want 12 months from 2026-11-28", got.From, got.To)
	}
	have := map[string]bool{}
	for i, h := range got.Holidays {
		have[h.Date+" "+h.Calendar+" "+h.Name] = true
		if h.Date < got.From || h.Date > got.To || i > 0 && h.Date < got.Holidays[i-1].Date {
			t.Errorf("holiday %+v out of range or order", h)
		}
	}
	for _, want := range []string{
		"2026-12-24 SE Julafton", "2026-12-25 SE Juldagen", "2026-12-25 NO Første juledag",
		"2027-06-25 SE Midsommarafton", "2027-05-17 NO Grunnlovsdag / Andre pinsedag",
	} {
		if !have[want] {
			t.Errorf("no %s in %v", want, got.Holidays)
		}
	}
	w = e.do(t, "GET", "/admin/api/holidays?codes=SE,XX", nil)
	checkError(t, "holidays XX", w.Code, w.Header(), w.Body.Bytes(), http.StatusBadRequest, "invalid_calendar")
	w = e.do(t, "GET", "/admin/api/holidays", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"holidays":[]`) {
		t.Errorf("holidays without codes: %d %s, want none", w.Code, w.Body)
	}
}

// TestAdminShopify: with Shopify, a shop whose offline token the store
// lost gets one again by token exchange; import reads Shopify's defaults;
// a save is mirrored into the shop metafield.
func TestAdminShopify(t *testing.T) {
	t.Parallel()
	const domain = "fjord-goods.myshopify.com"
	fake := shopifytest.NewServer()
	t.Cleanup(fake.Close)
	fake.SetApp(adminAPIKey, adminAPISecret)
	fake.AddShop(domain, "", shopifytest.Shop{Name: "Fjord Goods", Timezone: "Europe/Oslo", Country: "NO", Locale: "nb", ProcessingTime: "P2D"})
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := newAdminEnv(t, adminOptions{
		apiKey: adminAPIKey, apiSecret: adminAPISecret, wallClock: time.Now,
		app: func(st *store.Bolt, shops *shops.Registry, shared *cache.Cache) *shopifyapp.App {
			app := &shopifyapp.App{
				APIKey: adminAPIKey, APISecret: adminAPISecret, AppURL: "https://leadtime.example", Scopes: shopifyapp.Scopes,
				Options: shopify.Options{Endpoint: fake.URL, Logger: logger, Retry: shopify.RetryPolicy{MaxAttempts: 1}},
				Store:   st, Shops: shops, Shared: shared, Log: logger,
			}
			app.Products = &catalog.Shopify{Cache: shared, Clients: app.Client, Log: logger}
			return app
		},
	})
	auth := func() []string {
		return []string{"Authorization", "Bearer " + shopifytest.SessionToken(adminAPIKey, adminAPISecret, domain, time.Now())}
	}
	doc, tag := e.settings(t, auth()...)
	if doc["timezone"] != "Europe/Oslo" || doc["country"] != "NO" {
		t.Errorf("settings after token exchange: %v %v, want Shopify's defaults", doc["timezone"], doc["country"])
	}
	rec, err := e.store.Get(context.Background(), domain)
	if err != nil || rec.Token != fake.Token(domain) {
		t.Fatalf("store after token exchange: %v, %v; want the fake's token", rec, err)
	}

	w := e.do(t, "POST", "/admin/api/import", []byte(`{}`), auth()...)
	var imported struct {
		Timezone, Country, Locale string
		Processing                *struct{ Min, Max int }
	}
	_ = json.Unmarshal(w.Body.Bytes(), &imported)
	if w.Code != http.StatusOK || imported.Timezone != "Europe/Oslo" || imported.Country != "NO" || imported.Locale != "nb" ||
		imported.Processing == nil || imported.Processing.Min != 2 || imported.Processing.Max != 2 {
		t.Errorf("import: %d %s", w.Code, w.Body)
	}
	if _, now := e.settings(t, auth()...); now != tag {
		t.Error("import saved the settings")
	}

	doc["cutoff"] = "12:30"
	w = e.do(t, "PUT", "/admin/api/settings", doc, append(auth(), "If-Match", tag)...)
	if w.Code != http.StatusOK {
		t.Fatalf("save: %d %s", w.Code, w.Body)
	}
	m, ok := fake.Metafield(domain, fake.ShopGID(domain), "leadtime", "settings")
	if !ok || !strings.Contains(m.Value, `"cutoff":"12:30"`) {
		t.Errorf("shop metafield leadtime.settings = %+v, want the saved document", m)
	}
}

// The demo shop's document is the file's, as JSON, until it is saved.
func TestAdminSettingsAreTheFile(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	w := e.do(t, "GET", "/admin/api/settings", nil)
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := delivery.ParseSettings(data)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(bytes.TrimSpace(w.Body.Bytes()), wantJSON) {
		t.Errorf("GET /admin/api/settings = %.300s…, want the demo file as JSON", w.Body)
	}
}
