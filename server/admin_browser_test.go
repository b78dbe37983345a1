package server_test

import (
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/internal/browsertest"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// TestAdminPageInBrowser opens the settings page in Debian's chromium (through playwright-core)
// against an in-process server wired as serve.go wires demo mode (the demo shop served through a
// bbolt store, so that a save reaches the storefront at once) with its clock fixed, and runs
// tests/browser/admin.mjs: add a rule, see an invalid range at the field, fix it and see the
// preview change, save, reload, meet a concurrent save (412), restore, fetch the feed and give it a
// new URL. Without node, playwright-core (npm ci) or chromium it fails: a skipped browser test
// would hide a broken page.
func TestAdminPageInBrowser(t *testing.T) {
	node := browsertest.Node(t)

	url, logs := demoBrowserServer(t)
	browsertest.Run(t, node, "admin.mjs", 150*time.Second, logs, []string{"admin-1-open.png", "admin-2-invalid-range.png", "admin-3-preview.png", "admin-4-saved.png", "admin-5-conflict.png", "admin-6-restored.png", "admin-7-phone.png"}, url)
}

// demoBrowserServer starts an in-process server wired as serve.go wires
// demo mode (the demo shop served through a bbolt store, so that a save
// reaches the storefront at once), its clock fixed at saturdayMorning and
// no rate limits, and returns its URL and its log.
func demoBrowserServer(t *testing.T) (string, *browsertest.Log) {
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
	logs := &browsertest.Log{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	shared := cache.New(cache.Options{Logger: logger})
	t.Cleanup(shared.Close)
	shops := &shops.Registry{Store: st, Static: promise.StaticShops{shop.Domain(): shop}, Shared: shared, Log: logger}
	srv := server.New(server.Config{
		Engine:      &promise.Engine{Shops: shops, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(),
		Demo:        true,
		Shared:      shared,
		Settings:    shops,
		Now:         func() time.Time { return saturdayMorning },
		Logger:      logger,
		Limits:      &server.Limits{},
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, logs
}
