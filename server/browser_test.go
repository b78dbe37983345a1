package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
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
	node := browserNode(t)

	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shop, err := delivery.LoadShop(data)
	if err != nil {
		t.Fatal(err)
	}
	var logs browserTestLog
	demoServer := func(at string) *httptest.Server {
		now, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatal(err)
		}
		srv := server.New(server.Config{
			Engine:      &server.Engine{Shops: server.StaticShops{shop.Domain(): shop}, Products: server.Catalog{}},
			DefaultShop: shop.Domain(),
			Demo:        true,
			Assets:      os.DirFS(filepath.Join("..", "extensions", "leadtime-theme", "assets")),
			Now:         func() time.Time { return now },
			Logger:      slog.New(slog.NewJSONHandler(&logs, nil)),
		})
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		return ts
	}
	ts := demoServer("2026-11-28T09:15:00+01:00")     // Saturday: nothing ships today
	monday := demoServer("2026-11-30T10:00:00+01:00") // before Monday's 14:00 cutoff

	runBrowserScript(t, node, "demo.mjs", 120*time.Second, &logs, []string{"demo.png", "demo-phone.png", "demo-countdown.png"}, ts.URL, monday.URL)
}

// browserNode returns the node binary, after checking that everything a
// browser test needs is installed. A missing piece fails the test: a
// skipped browser test would hide a broken page.
func browserNode(t *testing.T) string {
	t.Helper()
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
	return node
}

// runBrowserScript runs tests/browser/SCRIPT URL ../artifacts EXTRA..., fails
// with its output and the server's log when it fails, and checks that it
// left its screenshots in ../artifacts.
func runBrowserScript(t *testing.T, node, script string, timeout time.Duration, logs *browserTestLog, shots []string, url string, extra ...string) {
	t.Helper()
	artifacts := filepath.Join("..", "artifacts")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{filepath.Join("..", "tests", "browser", script), url, artifacts}, extra...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node tests/browser/%s: %v\n%s\nserver log:\n%s", script, err, out, logs.String())
	}
	t.Log(strings.TrimSpace(string(out)))
	for _, shot := range shots {
		if _, err := os.Stat(filepath.Join(artifacts, shot)); err != nil {
			t.Errorf("no screenshot: %v", err)
		}
	}
}

// browserTestLog is a bytes.Buffer safe for the server's concurrent log writes.
type browserTestLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *browserTestLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *browserTestLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
