package demo_test

import (
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/browsertest"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

// TestDemoPageInBrowser opens the demo storefront in Debian's chromium (through
// playwright-core) against in-process servers whose clocks are fixed, and runs
// tests/browser/demo.mjs: the theme extension's blocks show the server's answers, the variant
// and country pickers re-quote, the _leadtime cart attribute follows the cart, the countdown
// shows only what ships today (on a Monday morning; the first server's clock is a Saturday),
// and nothing on the page moves. Without node, playwright-core (npm ci) or chromium it fails: a
// skipped browser test would hide a broken storefront.
func TestDemoPageInBrowser(t *testing.T) {
	node := browsertest.Node(t)

	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shop, err := delivery.LoadShop(data)
	if err != nil {
		t.Fatal(err)
	}
	var logs browsertest.Log
	demoServer := func(at string) *httptest.Server {
		now, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatal(err)
		}
		srv := server.New(withDemo(server.Config{
			Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
			DefaultShop: shop.Domain(),
			Demo:        true,
			Assets:      os.DirFS(filepath.Join("..", "extensions", "leadtime-theme", "assets")),
			Now:         func() time.Time { return now },
			Logger:      slog.New(slog.NewJSONHandler(&logs, nil)),
		}, nil))
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		return ts
	}
	ts := demoServer("2026-11-28T09:15:00+01:00")     // Saturday: nothing ships today
	monday := demoServer("2026-11-30T10:00:00+01:00") // before Monday's 14:00 cutoff

	browsertest.Run(t, node, "demo.mjs", 120*time.Second, &logs, []string{"demo.png", "demo-phone.png", "demo-countdown.png"}, ts.URL, monday.URL)
}
