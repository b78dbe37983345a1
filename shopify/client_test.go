package shopify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// fast is a retry policy for tests: small waits, a few attempts.
var fast = RetryPolicy{MaxAttempts: 4, MaxWait: 2 * time.Second, AttemptTimeout: 2 * time.Second}

func TestThrottledThenRestored(t *testing.T) {
	srv := newFake(t)
	srv.SetThrottle(1000, 300) // a product (95 points) refills in 0.32 s
	srv.Drain(testShop)
	var costs []float64
	var mu sync.Mutex
	c := newClient(t, srv, Options{Retry: fast, OnCost: func(requested, actual, available float64) {
		mu.Lock()
		defer mu.Unlock()
		costs = append(costs, requested, actual, available)
	}})
	start := time.Now()
	p, err := c.Product(t.Context(), 1001)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if p.ID != 1001 || srv.Calls() != 2 {
		t.Errorf("product %d after %d calls, want 1001 after 2 (THROTTLED, then served)", p.ID, srv.Calls())
	}
	if elapsed < 300*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("took %v; the bucket needed 317 ms to hold 95 points again", elapsed)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(costs) != 6 || costs[0] != 95 || costs[1] != 0 || costs[3] != 95 || costs[4] == 0 || costs[4] >= 95 {
		t.Errorf("OnCost saw %v, want (95, 0, ~0) for the throttled answer, then (95, actual < 95, …)", costs)
	}
}

func TestThrottledGivesUpWithoutSleeping(t *testing.T) {
	srv := newFake(t)
	srv.SetThrottle(1000, 0.1) // 950 s to refill 95 points: more than MaxWait
	srv.Drain(testShop)
	c := newClient(t, srv, Options{Retry: fast})
	start := time.Now()
	_, err := c.Product(t.Context(), 1001)
	if !errors.Is(err, ErrThrottled) {
		t.Fatalf("err = %v, want ErrThrottled", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Attempts != 1 || apiErr.RetryAfter < 600*time.Second {
		t.Errorf("err = %#v, want 1 attempt and the 950 s wait reported", apiErr)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("gave up after %v; it should not wait for a refill it cannot afford", d)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	srv := newFake(t)
	srv.SetRetryAfter(300 * time.Millisecond)
	srv.FailNext(1, http.StatusTooManyRequests)
	c := newClient(t, srv, Options{Retry: fast})
	start := time.Now()
	if _, err := c.Product(t.Context(), 1001); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 1500*time.Millisecond {
		t.Errorf("took %v after a 429 with Retry-After: 0.3", d)
	}
	if srv.Calls() != 2 {
		t.Errorf("%d calls, want 2", srv.Calls())
	}
}

func TestServerErrorsRetried(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fail     int
		status   int
		wantErr  error
		attempts int
	}{
		{"500 once", 1, http.StatusInternalServerError, nil, 2},
		{"502 twice", 2, http.StatusBadGateway, nil, 3},
		{"timeout", 1, shopifytest.Timeout, nil, 2},
		{"connection reset", 1, shopifytest.Reset, nil, 2},
		{"503 for good", 10, http.StatusServiceUnavailable, ErrUnavailable, 4},
		{"504 for good", 10, http.StatusGatewayTimeout, ErrUnavailable, 4},
		{"429 for good", 10, http.StatusTooManyRequests, ErrThrottled, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			srv.SetRetryAfter(10 * time.Millisecond)
			srv.FailNext(tc.fail, tc.status)
			retry := fast
			if tc.status == shopifytest.Timeout {
				retry.AttemptTimeout = 300 * time.Millisecond
			}
			c := newClient(t, srv, Options{Retry: retry})
			_, err := c.Product(t.Context(), 1001)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if srv.Calls() != tc.attempts {
				t.Errorf("%d calls, want %d", srv.Calls(), tc.attempts)
			}
			var apiErr *APIError
			if err != nil && (!errors.As(err, &apiErr) || apiErr.Attempts != tc.attempts || apiErr.Status != tc.status) {
				t.Errorf("err = %#v, want %d attempts and status %d", apiErr, tc.attempts, tc.status)
			}
		})
	}
}

func TestOutage(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{Retry: RetryPolicy{MaxAttempts: 2, MaxWait: time.Second}})
	srv.SetDown(true)
	if _, err := c.ProductsOfVariants(t.Context(), []int64{2001}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("while down: %v, want ErrUnavailable", err)
	}
	srv.SetDown(false)
	if _, err := c.ProductsOfVariants(t.Context(), []int64{2001}); err != nil {
		t.Errorf("after the outage: %v", err)
	}
}

func TestCancelStopsBackoff(t *testing.T) {
	srv := newFake(t)
	srv.SetRetryAfter(10 * time.Second)
	srv.FailNext(1, http.StatusTooManyRequests)
	ctx, cancel := context.WithCancel(t.Context())
	var cancelled time.Time
	// Cancel as soon as the client starts waiting out the 429.
	logger := slog.New(onMessage{"shopify: retrying", func() { cancelled = time.Now(); cancel() }})
	c := newClient(t, srv, Options{Retry: RetryPolicy{MaxWait: time.Minute}, Logger: logger})
	_, err := c.Product(ctx, 1001)
	if cancelled.IsZero() {
		t.Fatalf("the client never waited: %v", err)
	}
	if d := time.Since(cancelled); d > time.Second {
		t.Errorf("returned %v after the cancel; it should stop waiting at once", d)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrThrottled) {
		t.Errorf("err = %v, want context.Canceled and ErrThrottled", err)
	}
}

// onMessage is a slog.Handler that calls fn when a record has message msg.
type onMessage struct {
	msg string
	fn  func()
}

func (h onMessage) Enabled(context.Context, slog.Level) bool { return true }
func (h onMessage) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.fn()
	}
	return nil
}
func (h onMessage) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h onMessage) WithGroup(string) slog.Handler      { return h }

func TestDeadlineShorterThanWait(t *testing.T) {
	srv := newFake(t)
	srv.SetRetryAfter(5 * time.Second)
	srv.FailNext(1, http.StatusTooManyRequests)
	c := newClient(t, srv, Options{Retry: RetryPolicy{MaxWait: time.Minute}})
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Product(ctx, 1001)
	if !errors.Is(err, ErrThrottled) || time.Since(start) > 500*time.Millisecond {
		t.Errorf("err = %v after %v, want ErrThrottled at once (the wait outlasts the deadline)", err, time.Since(start))
	}
}

func TestUnauthorized(t *testing.T) {
	srv := newFake(t)
	c, err := NewClient(testShop, "shpat_revoked", Options{Endpoint: srv.URL, Retry: fast})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Product(t.Context(), 1001)
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("err = %v, want ErrUnauthorized", err)
	}
	if srv.Calls() != 1 {
		t.Errorf("%d calls; a 401 is not retried", srv.Calls())
	}
}

func TestGraphQLErrors(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{Retry: fast})
	err := c.graphQL(t.Context(), "Bad", `query Bad { shop { nmae } }`, nil, nil)
	var gqlErr *GraphQLError
	if !errors.As(err, &gqlErr) || !errors.Is(err, ErrQuery) || !strings.Contains(err.Error(), `Cannot query field "nmae"`) {
		t.Errorf("err = %v, want a GraphQLError about nmae", err)
	}
	ids := make([]string, maxNodesPerQuery+1)
	for i := range ids {
		ids[i] = GID("ProductVariant", int64(i+1))
	}
	err = c.graphQL(t.Context(), "LeadtimeVariantProducts", queryVariantProducts, map[string]any{"ids": ids}, nil)
	if !errors.As(err, &gqlErr) || !gqlErr.HasCode("MAX_COST_EXCEEDED") {
		t.Errorf("err = %v, want MAX_COST_EXCEEDED", err)
	}
	if srv.Calls() != 2 {
		t.Errorf("%d calls; query errors are not retried", srv.Calls())
	}
}

func TestNewClientRefuses(t *testing.T) {
	for _, tc := range []struct{ shop, token, endpoint string }{
		{"evil.com", testToken, ""},
		{testShop, "", ""},
		{testShop, testToken, "ftp://x"},
		{testShop, testToken, "localhost:9"},
	} {
		if _, err := NewClient(tc.shop, tc.token, Options{Endpoint: tc.endpoint}); err == nil {
			t.Errorf("NewClient(%q, %q, %q) succeeded", tc.shop, tc.token, tc.endpoint)
		}
	}
}

// TestConcurrentUse runs one Client from many goroutines (go test -race).
func TestConcurrentUse(t *testing.T) {
	srv := newFake(t)
	srv.SetThrottle(1e9, 1e9)
	c := newClient(t, srv, Options{Retry: fast, Logger: debugLogger(&logBuffer{}), OnCost: func(float64, float64, float64) {}})
	var wg sync.WaitGroup
	var failures atomic.Int32
	for i := range 16 {
		wg.Go(func() {
			var err error
			switch i % 4 {
			case 0:
				_, err = c.Product(t.Context(), 1001)
			case 1:
				_, err = c.ProductsOfVariants(t.Context(), []int64{2001, 2010})
			case 2:
				_, err = c.ShopInfo(t.Context())
			case 3:
				err = c.SetMetafields(t.Context(), []MetafieldInput{{Namespace: "leadtime", Key: "settings", Type: "json", Value: "{}"}})
			}
			if err != nil {
				failures.Add(1)
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if failures.Load() > 0 {
		t.Errorf("%d of 16 concurrent requests failed", failures.Load())
	}
}

// TestSecretsNeverLogged runs every kind of request, failures included,
// with debug logging, and looks for the token and the app secret.
func TestSecretsNeverLogged(t *testing.T) {
	srv := newFake(t)
	const apiKey, apiSecret = "key-123", "secret-shh-9876"
	srv.SetApp(apiKey, apiSecret)
	srv.SetRetryAfter(10 * time.Millisecond)
	var logs logBuffer
	opts := Options{Logger: debugLogger(&logs), Retry: fast}
	c := newClient(t, srv, opts)
	srv.FailNext(1, http.StatusTooManyRequests)
	srv.FailNext(1, http.StatusInternalServerError)
	_, _ = c.Product(t.Context(), 1001)
	_, _ = c.ProductsOfVariants(t.Context(), []int64{2001})
	_, _ = c.ShopInfo(t.Context())
	_ = c.EnsureMetafieldDefinitions(t.Context())
	_ = c.SetMetafields(t.Context(), []MetafieldInput{{Namespace: "leadtime", Key: "settings", Type: "json", Value: "{}"}})
	bad, _ := NewClient(testShop, "shpat_wrong_token_555", Options{Endpoint: srv.URL, Logger: debugLogger(&logs)})
	_, _ = bad.Product(t.Context(), 1001)

	opts.Endpoint = srv.URL
	app, err := NewApp(apiKey, apiSecret, opts)
	if err != nil {
		t.Fatal(err)
	}
	session := shopifytest.SessionToken(apiKey, apiSecret, testShop, time.Now())
	tok, err := app.ExchangeSessionToken(t.Context(), testShop, session)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = app.ExchangeCode(t.Context(), testShop, "not-a-code")
	opts.Logger.Info("exchanged", "token", tok)
	t.Logf("%s", tok)

	out := logs.String()
	if !strings.Contains(out, "LeadtimeProduct") || !strings.Contains(out, "token exchange") {
		t.Fatalf("the logs miss requests, so this test proves nothing:\n%s", out)
	}
	for _, secret := range []string{testToken, "shpat_wrong_token_555", apiSecret, session, tok.Token} {
		if strings.Contains(out, secret) {
			t.Errorf("the logs contain the secret %q:\n%s", secret, out)
		}
	}
	if s := tok.String(); strings.Contains(s, tok.Token) {
		t.Errorf("AccessToken.String() = %s shows the token", s)
	}
}

// TestProductsInterfaceFit shows the loader fits the server's Products
// interface with a thin adapter (promise.Products takes the shop too).
func TestProductsInterfaceFit(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	var load func(ctx context.Context, id int64, handle string) (*delivery.Product, error) = func(ctx context.Context, id int64, handle string) (*delivery.Product, error) {
		if id > 0 {
			return c.Product(ctx, id)
		}
		return c.ProductByHandle(ctx, handle)
	}
	if p, err := load(t.Context(), 0, "mug"); err != nil || p.ID != 1002 {
		t.Errorf("load(mug) = %v, %v", p, err)
	}
}
