package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/browsertest"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// backfillMorning is when the browser test runs, on every clock (the
// quotes', the signatures', the cache's and the fake's): Monday 7 December
// 2026, 10:00 in Stockholm, after every fulfilment of backfillShopOrders,
// so that the 30-day report covers them all.
var backfillMorning = time.Date(2026, 12, 7, 10, 0, 0, 0, stockholm)

// TestBackfillInBrowser opens the settings page in Debian's chromium as
// Shopify admin embeds it (framed by a stand-in for admin.shopify.com,
// shop and host in the query, a stub App Bridge's session token on every
// API call) against the app-mode server and the fake Admin API, and runs
// tests/browser/backfill.mjs: the three open orders are at risk and "Tag
// these orders leadtime-at-risk" tags them in the fake; "Read the last 90
// days of orders" starts a bulk backfill, a second click while it runs
// says it is already running (409), and once the fake completes the
// operation and bulk_operations/finish is delivered (the script asks the
// control server below for both, so nothing waits on time) Promise health
// counts the backfilled lines, the pre-install order's reconstructed, and
// no order is left at risk.
func TestBackfillInBrowser(t *testing.T) {
	node := browsertest.Node(t)

	e := newE2E(t)
	for _, c := range []*clock{e.now, e.wall, e.clock} {
		c.Set(backfillMorning)
	}
	e.fake.SetClock(e.wall.Now)
	if err := e.app.Validate(); err != nil {
		t.Fatalf("app.Validate() = %v, want nil", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", e.logs.String())
		}
	})
	e.install(t, e2eShop)
	e.fake.FinishBulkOperations(e2eShop) // the install's own backfill, of no orders yet
	placeBackfillOrders(t, e)

	app := httptest.NewServer(e.h)
	t.Cleanup(app.Close)
	var finished atomic.Int32
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := finishBackfill(e, r)
		if err != nil {
			t.Errorf("control %s: %v", r.URL, err)
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		finished.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]int{"fulfillments": n})
	}))
	t.Cleanup(control.Close)

	// What Shopify admin puts in the iframe's URL: the shop and host, the
	// admin's address base64url-encoded without padding.
	host := base64.RawURLEncoding.EncodeToString([]byte("admin.shopify.com/store/" + strings.TrimSuffix(e2eShop, ".myshopify.com")))
	adminURL := app.URL + "/admin?shop=" + e2eShop + "&host=" + host
	token := shopifytest.SessionToken(e2eAPIKey, e2eAPISecret, e2eShop, e.wall.Now())
	browsertest.Run(t, node, "backfill.mjs", 120*time.Second, &browsertest.Log{},
		[]string{"backfill-1-started.png", "backfill-2-running.png", "backfill-3-report.png"},
		adminURL, token, control.URL)

	for _, o := range backfillShopOrders {
		if got := e.fake.OrderTags(e2eShop, o.ID); !slices.Equal(got, []string{shopifyapp.AtRiskTag}) {
			t.Errorf("order %d, at risk when the merchant clicked, has tags %q, want [%s]", o.ID, got, shopifyapp.AtRiskTag)
		}
	}
	if got := e.fake.OrderTags(e2eShop, preInstallOrder.ID); len(got) != 0 {
		t.Errorf("order %d, never open in Leadtime, has tags %q, want none", preInstallOrder.ID, got)
	}
	if n := finished.Load(); n != 1 {
		t.Errorf("the script finished the operation %d times, want 1", n)
	}
	if got := storedFulfillments(t, e); len(got) != 5 {
		t.Errorf("%d fulfilment records after the backfill, want 5", len(got))
	}
}

// finishBackfill completes the shop's running bulk operation in the fake
// and delivers its bulk_operations/finish webhook, as Shopify would once
// the operation named by r's op= is done, and returns how many fulfilment
// records the shop then has.
func finishBackfill(e *e2e, r *http.Request) (int, error) {
	op := r.URL.Query().Get("op")
	if r.Method != http.MethodPost || r.URL.Path != "/finish" || !strings.HasPrefix(op, "gid://shopify/BulkOperation/") {
		return 0, fmt.Errorf("want POST /finish?op=gid://shopify/BulkOperation/N")
	}
	e.fake.FinishBulkOperations(e2eShop)
	if w := e.webhook("bulk_operations/finish", e2eShop, "", e.fake.BulkFinishedWebhook(e2eShop, op)); w.Code != http.StatusOK {
		return 0, fmt.Errorf("bulk_operations/finish: %d %s", w.Code, w.Body)
	}
	recs, err := e.store.Fulfillments(context.Background(), e2eShop)
	return len(recs), err
}
