package server_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// TestShopifyOAuthConcurrent runs the OAuth start and the admin API (whose
// session-token exchange also needs the OAuth app) at once on a fresh
// service, so that the app is made lazily by racing handlers. Under -race
// it caught the app's OAuth side (shopifyapp.App.OAuth) filled without a lock (issue 11
// item 3); it also checks every answer.
func TestShopifyOAuthConcurrent(t *testing.T) {
	e := newE2E(t)
	const each = 8
	type result struct {
		what string
		code int
	}
	results := make(chan result, 2*each)
	var wg sync.WaitGroup
	for range each {
		wg.Go(func() {
			results <- result{"GET /auth", e.get("/auth?shop=" + e2eOther).Code}
		})
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodGet, "/admin/api/settings", nil)
			req.Header.Set("Authorization", "Bearer "+shopifytest.SessionToken(e2eAPIKey, e2eAPISecret, e2eShop, e.wall.Now()))
			results <- result{"GET /admin/api/settings", e.serve(req).Code}
		})
	}
	wg.Wait()
	close(results)
	want := map[string]int{"GET /auth": http.StatusFound, "GET /admin/api/settings": http.StatusOK}
	for r := range results {
		if r.code != want[r.what] {
			t.Errorf("%s: status = %d, want %d", r.what, r.code, want[r.what])
		}
	}
}
