package demo_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/apitest"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

// headlessServer is a server for the demo shop with the example page.
func headlessServer(t *testing.T, demo bool, page []byte) http.Handler {
	t.Helper()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	return server.New(withDemo(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(),
		Demo:        demo,
		Now:         func() time.Time { return saturdayMorning },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, page)).Handler()
}

// TestHeadlessPage: in demo mode, GET /headless serves examples/headless/index.html as it is,
// with a CSP that allows exactly its inline script and style (by hash) and requests to this
// server under either loopback name; outside demo mode, or without a page, it is a JSON 404.
func TestHeadlessPage(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(filepath.Join("..", "examples", "headless", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	headlessServer(t, true, page).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/headless", nil))
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), page) {
		t.Fatalf("GET /headless: %d, %d bytes; want 200 and examples/headless/index.html (%d bytes)", w.Code, w.Body.Len(), len(page))
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET /headless: Content-Type = %q", ct)
	}
	csp := w.Header().Get("Content-Security-Policy")
	blocks := regexp.MustCompile(`(?s)<(script|style)>(.*?)</(?:script|style)>|<script type="module">(.*?)</script>`).FindAllSubmatch(page, -1)
	if len(blocks) != 2 {
		t.Fatalf("examples/headless/index.html: %d inline blocks, want one <style> and one module <script>", len(blocks))
	}
	for _, b := range blocks {
		body, kind := b[2], "style-src"
		if b[1] == nil {
			body, kind = b[3], "script-src"
		}
		sum := sha256.Sum256(body)
		hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !regexp.MustCompile(kind + ` [^;]*` + regexp.QuoteMeta(hash)).MatchString(csp) {
			t.Errorf("CSP %q does not allow the page's inline %s block (%s)", csp, kind, hash)
		}
	}
	for _, want := range []string{"default-src 'self'", "connect-src 'self' http://localhost:* http://127.0.0.1:*", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q allows any inline code", csp)
	}

	for _, tc := range []struct {
		name string
		demo bool
		page []byte
	}{
		{"not in demo mode", false, page},
		{"no page", true, nil},
	} {
		w := httptest.NewRecorder()
		headlessServer(t, tc.demo, tc.page).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/headless", nil))
		apitest.CheckError(t, "GET /headless, "+tc.name, w.Code, w.Header(), w.Body.Bytes(), http.StatusNotFound, "not_found")
	}
}
