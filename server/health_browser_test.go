package server_test

import (
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/server"
	"github.com/leadtime-app/leadtime/store"
)

// TestPromiseHealthInBrowser opens the settings page in Debian's chromium
// against an in-process demo server (wired as TestAdminPageInBrowser is,
// its clock fixed at Sat 28 Nov 2026 09:15 in Stockholm) and runs
// tests/browser/health.mjs: Promise health shows the late rule
// made-to-order first with its suggestion beside the current 4–7 days and
// the demo's two orders at risk, and "Apply" saves the suggestion so that
// the next /proxy/product answer for the linen apron promises it. Without
// node, playwright-core or chromium it fails, as the other browser tests do.
func TestPromiseHealthInBrowser(t *testing.T) {
	node := browserNode(t)

	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), store.BoltFileName), store.Options{Now: func() time.Time { return saturdayMorning }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var logs browserTestLog
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	shared := cache.New(cache.Options{Logger: logger})
	defer shared.Close()
	shops := &server.StoreShops{Store: st, Static: server.StaticShops{shop.Domain(): shop}, Shared: shared, Log: logger}
	srv := server.New(server.Config{
		Engine:      &server.Engine{Shops: shops, Products: server.Catalog{}},
		DefaultShop: shop.Domain(),
		Demo:        true,
		Shared:      shared,
		Settings:    shops,
		Now:         func() time.Time { return saturdayMorning },
		Logger:      logger,
		Limits:      &server.Limits{},
	})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	runBrowserScript(t, node, "health.mjs", 120*time.Second, &logs, []string{"health-1-report.png", "health-2-applied.png"}, ts.URL)
}
