package server

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/leadtime-app/leadtime/shopifyapp"
)

// TestErrorStatusShopifyApp: the app's error kinds get the statuses and
// codes the webhooks and the admin API answered before they left server.
func TestErrorStatusShopifyApp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{shopifyapp.ErrBadPayload, http.StatusBadRequest, "invalid_webhook"},
		{fmt.Errorf("backfill: %w", shopifyapp.ErrBackfillRunning), http.StatusConflict, "backfill_running"},
		{fmt.Errorf("%w: throttled", shopifyapp.ErrShopifyUnavailable), http.StatusServiceUnavailable, "shopify_unavailable"},
		{fmt.Errorf("%w: store down", shopifyapp.ErrTransient), http.StatusServiceUnavailable, "unavailable"},
		{shopifyapp.ErrUnknownTopic, http.StatusInternalServerError, "internal"}, // the handler refuses unknown topics first
	} {
		if status, code := errorStatus(tc.err); status != tc.status || code != tc.code {
			t.Errorf("errorStatus(%v) = %d %s, want %d %s", tc.err, status, code, tc.status, tc.code)
		}
	}
}
