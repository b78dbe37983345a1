package main

// `leadtime serve` against shopifytest, through run() and the environment
// exactly as README "Install on a shop" tells a merchant to start it:
// single-shop mode (a custom app's token) and app mode (OAuth).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
	"github.com/leadtime-app/leadtime/store"
)

const (
	serveAPIKey    = "serve-api-key"
	serveAPISecret = "shpss_serve_secret_never_logged"
	serveShop      = "serve-knits.myshopify.com"
	serveToken     = "shpat_serve_token_never_logged"
	serveKey       = "4f9c1a7be3d25806c1f4a9e2b7d30c5a8e61f2b94d07c3a5e8b1f6d29a40c7e3" // LEADTIME_ENCRYPTION_KEY
)

// serveFake is a fake Shopify with one shop whose product 1001 says 5–8
// processing days in its metafields (and the shop, P2D, says 2).
func serveFake(t *testing.T) *shopifytest.Server {
	t.Helper()
	fake := shopifytest.NewServer()
	t.Cleanup(fake.Close)
	fake.SetApp(serveAPIKey, serveAPISecret)
	fake.AddShop(serveShop, serveToken, shopifytest.Shop{Timezone: "Europe/Stockholm", Country: "SE", ProcessingTime: "P2D"})
	fake.AddProduct(serveShop, shopifytest.Product{ID: 1001, Handle: "wool-sweater", Title: "Wool sweater",
		Metafields: map[string]string{"leadtime.processing_min_days": "5", "leadtime.processing_max_days": "8"},
		Variants:   []shopifytest.Variant{{ID: 2001, Title: "M"}}})
	return fake
}

// servingAnyRE is servingRE for any mode: in app mode the server names no
// one shop.
var servingAnyRE = regexp.MustCompile(`^Leadtime is serving (.+) \((.*)\) on (http://localhost:(\d+)/)\n$`)

// startServeLogged is startServe that also returns the server's log, for
// any mode. It never blocks past its timeout: the server is stopped with
// ctx by the caller.
func startServeLogged(t *testing.T, ctx context.Context, env map[string]string) (base, mode string, logs *syncBuffer, done <-chan error) {
	t.Helper()
	stdoutR, stdoutW := io.Pipe()
	logs = &syncBuffer{}
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve"}, envOf(env), stdoutW, logs)
		stdoutW.Close()
		errc <- err
	}()
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdoutR)
		line, _ := r.ReadString('\n')
		lines <- line
		io.Copy(io.Discard, r)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(15 * time.Second):
		t.Fatalf("leadtime serve printed nothing in 15 s; log:\n%s", logs)
	}
	m := servingAnyRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("leadtime serve printed %q, want %s; log:\n%s", line, servingAnyRE, logs)
	}
	return m[3], m[2], logs, errc
}

// stopServe ends a server started with ctx and waits for it.
func stopServe(t *testing.T, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("leadtime serve after its context ended = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("leadtime serve did not stop")
	}
}

type serveAnswer struct {
	Shop       string `json:"shop"`
	ProductID  int64  `json:"product_id"`
	Processing struct {
		MinDays int    `json:"min_days"`
		MaxDays int    `json:"max_days"`
		Source  string `json:"source"`
	} `json:"processing"`
	Stale bool `json:"stale"`
}

func getAnswer(t *testing.T, target string) (int, serveAnswer, string) {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var a serveAnswer
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatalf("GET %s: %v\n%s", target, err, body)
		}
	}
	return resp.StatusCode, a, string(body)
}

func noSecretsIn(t *testing.T, logs string) {
	t.Helper()
	if !strings.Contains(logs, `"msg":"serving"`) {
		t.Fatalf("the log misses the start; is it captured?\n%s", logs)
	}
	for what, s := range map[string]string{"the API secret": serveAPISecret, "the access token": serveToken, "the encryption key": serveKey} {
		if strings.Contains(logs, s) {
			t.Errorf("%s appears in the log", what)
		}
	}
}

// TestServeSingleShop: SHOPIFY_SHOP and SHOPIFY_ACCESS_TOKEN (a custom
// app) serve the shop from Shopify's data, app-proxy signatures checked
// with SHOPIFY_API_SECRET; the settings and the token persist in DATA_DIR,
// encrypted, and a restart while Shopify is down still serves.
func TestServeSingleShop(t *testing.T) {
	t.Parallel()
	fake := serveFake(t)
	dataDir := t.TempDir()
	env := map[string]string{
		"PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "debug", "DATA_DIR": dataDir,
		"SHOPIFY_SHOP": serveShop, "SHOPIFY_ACCESS_TOKEN": serveToken,
		"SHOPIFY_API_KEY": serveAPIKey, "SHOPIFY_API_SECRET": serveAPISecret,
		"LEADTIME_SHOPIFY_ENDPOINT": fake.URL, "LEADTIME_ENCRYPTION_KEY": serveKey,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, mode, logs, done := startServeLogged(t, ctx, env)
	if !strings.HasPrefix(base, "http://localhost:") || mode != "single shop, settings from the store" {
		t.Errorf("leadtime serve: mode %q, want single shop with settings from the store", mode)
	}
	if len(fake.Definitions(serveShop)) != 9 {
		t.Errorf("after start: %d metafield definitions, want the 9 of DESIGN §5", len(fake.Definitions(serveShop)))
	}

	signed := base + "proxy/product?" + shopifytest.ProxyQuery(serveShop, serveAPISecret, url.Values{"product_id": {"1001"}}, time.Now())
	status, a, body := getAnswer(t, signed)
	if status != http.StatusOK || a.Shop != serveShop || a.Processing.Source != "product_metafield" || a.Processing.MinDays != 5 || a.Processing.MaxDays != 8 || a.Stale {
		t.Errorf("GET a signed /proxy/product: %d %s\nwant 200, the 5–8 days of the product metafield in Shopify", status, body)
	}
	if status, _, body := getAnswer(t, base+"proxy/product?product_id=1001"); status != http.StatusUnauthorized {
		t.Errorf("GET an unsigned /proxy/product with SHOPIFY_API_SECRET set: %d %s, want 401", status, body)
	}
	// A product Shopify does not have is the caller's error.
	if status, a, body := getAnswer(t, base+"proxy/product?"+shopifytest.ProxyQuery(serveShop, serveAPISecret, url.Values{"product_id": {"7777"}}, time.Now())); status != http.StatusNotFound {
		t.Errorf("GET an unknown product: %d %+v %s, want 404", status, a, body)
	}
	stopServe(t, cancel, done)
	noSecretsIn(t, logs.String())

	// The token is stored encrypted: the file never holds it in clear.
	raw, err := os.ReadFile(filepath.Join(dataDir, store.BoltFileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(serveToken)) {
		t.Errorf("%s holds the access token in clear although LEADTIME_ENCRYPTION_KEY is set", store.BoltFileName)
	}

	// A restart while Shopify is down: the install is retried next start,
	// the settings come from the store, and the storefront still answers
	// (the shop's default, marked stale: this process never saw the product).
	fake.SetDown(true)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	base, _, logs, done = startServeLogged(t, ctx, env)
	signed = base + "proxy/product?" + shopifytest.ProxyQuery(serveShop, serveAPISecret, url.Values{"product_id": {"1001"}}, time.Now())
	if status, a, body := getAnswer(t, signed); status != http.StatusOK || !a.Stale || a.Processing.Source != "default" || a.Processing.MinDays != 2 {
		t.Errorf("GET /proxy/product after a restart with Shopify down: %d %s\nwant 200, the imported default (2 days), stale", status, body)
	}
	stopServe(t, cancel, done)
	noSecretsIn(t, logs.String())
}

// TestServeSingleShopWithoutSecret: without SHOPIFY_API_SECRET the proxy
// is open (no signature to check), as README's first local try uses it.
func TestServeSingleShopWithoutSecret(t *testing.T) {
	t.Parallel()
	fake := serveFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := startServeLogged(t, ctx, map[string]string{
		"PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "error", "DATA_DIR": t.TempDir(),
		"SHOPIFY_SHOP": serveShop, "SHOPIFY_ACCESS_TOKEN": serveToken, "LEADTIME_SHOPIFY_ENDPOINT": fake.URL,
	})
	for _, target := range []string{"proxy/product?product_id=1001", "proxy/product?handle=wool-sweater&shop=" + serveShop} {
		if status, a, body := getAnswer(t, base+target); status != http.StatusOK || a.Shop != serveShop || a.Processing.Source != "product_metafield" {
			t.Errorf("GET %s: %d %s\nwant 200 from the product metafield", target, status, body)
		}
	}
	stopServe(t, cancel, done)
}

// TestServeOAuthInstall: app mode (SHOPIFY_API_KEY, SHOPIFY_API_SECRET,
// APP_URL): a browser opens /auth?shop=…, approves on (fake) Shopify and
// comes back; the shop is then served from Shopify's data.
func TestServeOAuthInstall(t *testing.T) {
	t.Parallel()
	fake := serveFake(t)
	// APP_URL must be known before the server starts: take a free port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	appURL := "http://127.0.0.1:" + port
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, mode, logs, done := startServeLogged(t, ctx, map[string]string{
		"PORT": port, "HOST": "127.0.0.1", "LOG_LEVEL": "debug", "DATA_DIR": t.TempDir(),
		"SHOPIFY_API_KEY": serveAPIKey, "SHOPIFY_API_SECRET": serveAPISecret, "APP_URL": appURL,
		"LEADTIME_SHOPIFY_ENDPOINT": fake.URL,
	})
	if !strings.HasPrefix(mode, "app") {
		t.Errorf("leadtime serve: mode %q, want app", mode)
	}
	signed := func() string {
		return base + "proxy/product?" + shopifytest.ProxyQuery(serveShop, serveAPISecret, url.Values{"product_id": {"1001"}}, time.Now())
	}
	if status, _, body := getAnswer(t, signed()); status != http.StatusUnauthorized {
		t.Errorf("GET /proxy/product before install: %d %s, want 401", status, body)
	}

	// The browser: it keeps cookies and follows redirects until Shopify
	// admin (which the fake is not) would open the app.
	jar, _ := cookiejar.New(nil)
	var landed *url.URL
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasSuffix(req.URL.Hostname(), ".myshopify.com") {
			landed = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := browser.Get(appURL + "/auth?shop=" + serveShop)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "https://" + serveShop + "/admin/apps/" + serveAPIKey; landed == nil || landed.String() != want {
		t.Fatalf("GET /auth?shop=%s: the browser ended at %v (status %d), want %s; log:\n%s", serveShop, landed, resp.StatusCode, want, logs)
	}
	if status, a, body := getAnswer(t, signed()); status != http.StatusOK || a.Processing.Source != "product_metafield" || a.Processing.MinDays != 5 {
		t.Errorf("GET /proxy/product after install: %d %s\nwant 200, the 5–8 days of the product metafield", status, body)
	}
	stopServe(t, cancel, done)
	noSecretsIn(t, logs.String())
}
