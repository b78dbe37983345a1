package demo_test

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/browsertest"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

// TestHeadlessPageInBrowser opens /headless, the example of a headless storefront, in Debian's
// chromium (through playwright-core) against an in-process demo server whose clock is fixed, and
// runs tests/browser/headless.mjs. The server listens on 127.0.0.1; the page is opened as
// http://localhost:PORT, a second origin that the demo settings' storefront_origins allow, and
// asks the Storefront API at http://127.0.0.1:PORT: a real cross-origin request. It checks that
// the product and cart promises are the API's answers, that the variant picker re-quotes, that
// nothing moves (CLS 0), and that from http://shop.localhost:PORT, an origin that is not listed,
// every box keeps its fallback text. Without node, playwright-core (npm ci) or chromium it fails.
func TestHeadlessPageInBrowser(t *testing.T) {
	node := browsertest.Node(t)

	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join("..", "examples", "headless", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	var logs browsertest.Log
	srv := server.New(withDemo(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(),
		Demo:        true,
		Assets:      os.DirFS(filepath.Join("..", "extensions", "leadtime-theme", "assets")),
		Now:         func() time.Time { return saturdayMorning },
		Logger:      slog.New(slog.NewJSONHandler(&logs, nil)),
	}, page))
	// On 127.0.0.1 explicitly: the page, opened under the name localhost, must reach the API
	// under another origin.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &httptest.Server{Listener: ln, Config: &http.Server{Handler: srv.Handler()}}
	ts.Start()
	defer ts.Close()

	browsertest.Run(t, node, "headless.mjs", 120*time.Second, &logs, []string{"headless.png", "headless-phone.png", "headless-refused.png"}, ts.URL)
}
