package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	// Tests point servers at Redis that is down on purpose; go-redis would
	// print every failed dial. What matters is asserted, not read in logs.
	redis.SetLogger(quietRedisLog{})
	os.Exit(m.Run())
}

// quietRedisLog drops go-redis's own log lines.
type quietRedisLog struct{}

func (quietRedisLog) Printf(context.Context, string, ...any) {}

// demoDomain is the demo shop's domain (examples/demo-shop.yaml).
const demoDomain = "demo-handmade.myshopify.com"

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

// saturdayMorning is DESIGN §4's instant: Saturday 28 November 2026, 09:15
// in Stockholm. Processing starts on Monday 30 November.
var saturdayMorning = time.Date(2026, 11, 28, 9, 15, 0, 0, stockholm)

// demoShop is the demo shop, loaded once: a Shop is read-only after Compile.
var demoShop = sync.OnceValues(func() (*delivery.Shop, error) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		return nil, err
	}
	return delivery.LoadShop(data)
})

// clock is an injected clock that a test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// countingProducts is the demo catalog, counting the loads that would be
// upstream calls with Shopify behind them.
type countingProducts struct {
	promise.Catalog
	products atomic.Int32 // calls of Product
	variants atomic.Int32 // calls of ProductsOfVariants
}

func (p *countingProducts) Product(ctx context.Context, shop *delivery.Shop, id int64, handle string) (*delivery.Product, bool, error) {
	p.products.Add(1)
	return p.Catalog.Product(ctx, shop, id, handle)
}

func (p *countingProducts) ProductsOfVariants(ctx context.Context, shop *delivery.Shop, ids []int64) (map[int64]*delivery.Product, bool, error) {
	p.variants.Add(1)
	return p.Catalog.ProductsOfVariants(ctx, shop, ids)
}

func (p *countingProducts) loads() int { return int(p.products.Load() + p.variants.Load()) }

// fixture is a server for the demo shop with a fixed clock and a counting
// catalog.
type fixture struct {
	srv      *server.Server
	clock    *clock
	products *countingProducts
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	shop, err := demoShop()
	if err != nil {
		t.Fatalf("loading the demo shop: %v", err)
	}
	f := &fixture{clock: &clock{t: saturdayMorning}, products: &countingProducts{}}
	f.srv = server.New(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: f.products},
		DefaultShop: shop.Domain(),
		Now:         f.clock.Now,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Cache:       answercache.NewMemory(1000),
	})
	return f
}

// do sends a request through the server's handler. A body with no
// contentType is sent as application/json.
func (f *fixture) do(t *testing.T, method, target string, body []byte, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, req)
	return w
}

func (f *fixture) get(t *testing.T, target string) *httptest.ResponseRecorder {
	t.Helper()
	return f.do(t, http.MethodGet, target, nil, nil)
}

// decodeJSON decodes a JSON body with numbers kept as json.Number, so that
// a test can tell a number from a string.
func decodeJSON(t *testing.T, what string, body []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: invalid JSON: %v\n%s", what, err, body)
	}
	return m
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.get(t, "/healthz")
	if w.Code != http.StatusOK {
		t.Errorf("GET /healthz: status = %d, want %d", w.Code, http.StatusOK)
	}
	if got, want := w.Body.String(), `{"status":"ok"}`+"\n"; got != want {
		t.Errorf("GET /healthz: body = %q, want %q", got, want)
	}
	if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("GET /healthz: Content-Type = %q, want application/json", got)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("GET /healthz: Cache-Control = %q, want no-store", got)
	}
}

// TestProbesAnswerHEAD: load balancers and uptime monitors probe with HEAD;
// both probes answer it as they answer GET (a real server then sends no
// body).
func TestProbesAnswerHEAD(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		get := f.do(t, http.MethodGet, path, nil, nil)
		head := f.do(t, http.MethodHead, path, nil, nil)
		if head.Code != http.StatusOK || head.Code != get.Code {
			t.Errorf("HEAD %s: status = %d, want %d as GET", path, head.Code, get.Code)
		}
		if got, want := head.Header().Get("Cache-Control"), get.Header().Get("Cache-Control"); got != want {
			t.Errorf("HEAD %s: Cache-Control = %q, want %q as GET", path, got, want)
		}
	}
}

// blockingProducts holds every product load until release is closed, so
// that a test has a request in flight for as long as it wants.
type blockingProducts struct {
	promise.Catalog
	started chan struct{} // receives once per load that started
	release chan struct{}
}

func (p *blockingProducts) Product(ctx context.Context, shop *delivery.Shop, id int64, handle string) (*delivery.Product, bool, error) {
	p.started <- struct{}{}
	<-p.release
	return p.Catalog.Product(ctx, shop, id, handle)
}

// runServer runs srv.Run on a loopback listener and returns its address and
// the channel that receives Run's result.
func runServer(t *testing.T, ctx context.Context, products promise.Products, drain time.Duration) (string, <-chan error) {
	t.Helper()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: products},
		DefaultShop: shop.Domain(),
		Now:         func() time.Time { return saturdayMorning },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Cache:       answercache.NewMemory(100),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln, drain) }()
	return ln.Addr().String(), done
}

// TestRunDrainsInFlight cancels the server's context while a request is in
// flight: the server stops accepting at once, the request still gets its
// answer, and Run returns nil once it has.
func TestRunDrainsInFlight(t *testing.T) {
	t.Parallel()
	products := &blockingProducts{started: make(chan struct{}, 1), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := runServer(t, ctx, products, 10*time.Second)

	type result struct {
		status int
		body   string
		err    error
	}
	inflight := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/proxy/product?handle=wool-sweater")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		inflight <- result{resp.StatusCode, string(body), err}
	}()
	select {
	case <-products.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the catalog")
	}

	cancel()
	// Shutdown closes the listener first: new connections are refused
	// while the in-flight request still runs.
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatalf("dial %s: still accepting 10 s after the context was cancelled", addr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Run returned %v before the in-flight request finished", err)
	case <-time.After(50 * time.Millisecond):
	}

	close(products.release)
	r := <-inflight
	if r.err != nil {
		t.Fatalf("GET /proxy/product in flight during shutdown: %v", r.err)
	}
	if r.status != http.StatusOK || !strings.Contains(r.body, `"available":true`) {
		t.Errorf("GET /proxy/product in flight during shutdown: status = %d, want %d; body %s", r.status, http.StatusOK, r.body)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after a graceful drain = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the drain")
	}
}

// TestRunDrainTimeout: a request that outlives the grace period makes Run
// return an error rather than hang.
func TestRunDrainTimeout(t *testing.T) {
	t.Parallel()
	products := &blockingProducts{started: make(chan struct{}, 1), release: make(chan struct{})}
	defer close(products.release)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := runServer(t, ctx, products, 100*time.Millisecond)

	go func() {
		resp, err := http.Get("http://" + addr + "/proxy/product?handle=wool-sweater")
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-products.started
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Run with a request past the grace period = %v, want context.DeadlineExceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its grace period")
	}
}

// TestRunClosedListener: Run reports a listener that fails instead of
// serving nothing forever.
func TestRunClosedListener(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if err := f.srv.Run(context.Background(), ln, time.Second); err == nil {
		t.Error("Run on a closed listener = nil, want an error")
	}
}

// TestRunServesHTTP talks to a running server over real HTTP.
func TestRunServesHTTP(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	addr, done := runServer(t, ctx, promise.Catalog{}, 5*time.Second)
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/healthz", http.StatusOK},
		{"/proxy/product?handle=wool-sweater", http.StatusOK},
		{"/proxy/cart?items=2001:1", http.StatusOK},
		{"/nope", http.StatusNotFound},
	} {
		resp, err := http.Get("http://" + addr + tc.path)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s: status = %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
}
