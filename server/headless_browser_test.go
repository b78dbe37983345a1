package server_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required for the browser test (make deps): %v", err)
	}
	if _, err := os.Stat(filepath.Join("..", "node_modules", "playwright-core", "package.json")); err != nil {
		t.Fatalf("playwright-core is required for the browser test (npm ci): %v", err)
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatalf("chromium is required for the browser test (apt-get install chromium): %v", err)
	}

	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join("..", "examples", "headless", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	var logs browserTestLog
	srv := server.New(server.Config{
		Engine:       &server.Engine{Shops: server.StaticShops{shop.Domain(): shop}, Products: server.Catalog{}},
		DefaultShop:  shop.Domain(),
		Demo:         true,
		Assets:       os.DirFS(filepath.Join("..", "extensions", "leadtime-theme", "assets")),
		HeadlessPage: page,
		Now:          func() time.Time { return saturdayMorning },
		Logger:       slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	// On 127.0.0.1 explicitly: the page, opened under the name localhost, must reach the API
	// under another origin.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &httptest.Server{Listener: ln, Config: &http.Server{Handler: srv.Handler()}}
	ts.Start()
	defer ts.Close()

	artifacts := filepath.Join("..", "artifacts")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("..", "tests", "browser", "headless.mjs"), ts.URL, artifacts)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node tests/browser/headless.mjs: %v\n%s\nserver log:\n%s", err, out, logs.String())
	}
	t.Log(strings.TrimSpace(string(out)))
	for _, name := range []string{"headless.png", "headless-phone.png", "headless-refused.png"} {
		if _, err := os.Stat(filepath.Join(artifacts, name)); err != nil {
			t.Errorf("no screenshot: %v", err)
		}
	}
}
