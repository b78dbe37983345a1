package shopifyapp

import (
	"context"
	"errors"
	"testing"
)

// TestFulfillmentEventPayload: a body that is not a fulfilment event is
// ErrBadPayload; an event that reports no delivery changes nothing, and
// needs neither store nor Shopify (the zero App has neither).
func TestFulfillmentEventPayload(t *testing.T) {
	t.Parallel()
	const shop = "example.myshopify.com"
	for _, tc := range []struct {
		body    string
		wantBad bool
	}{
		{`[]`, true},
		{`{"id":1,"status":"delivered","happened_at":"2026-12-09T23:30:00Z"}`, true},    // no fulfillment_id
		{`{"id":1,"fulfillment_id":2,"status":"delivered"}`, true},                      // no happened_at
		{`{"id":1,"fulfillment_id":2,"status":"delivered","happened_at":"soon"}`, true}, // not a time
		{`{"id":1,"fulfillment_id":2,"order_id":3,"status":"in_transit","happened_at":"2026-12-09T23:30:00Z"}`, false},
		{`{"id":1,"fulfillment_id":2,"order_id":3,"status":"out_for_delivery","happened_at":"2026-12-09T23:30:00-05:00"}`, false},
		{`{"id":1,"fulfillment_id":2,"order_id":3,"status":"attempted_delivery","happened_at":"2026-12-09T23:30:00Z"}`, false},
	} {
		err := (&App{}).HandleWebhook(context.Background(), "fulfillment_events/create", shop, []byte(tc.body))
		if gotBad := errors.Is(err, ErrBadPayload); gotBad != tc.wantBad || !tc.wantBad && err != nil {
			t.Errorf("HandleWebhook(fulfillment_events/create, %s) = %v, want bad payload %v", tc.body, err, tc.wantBad)
		}
		if tc.wantBad && err != nil && err.Error() != "not a fulfillment event payload" {
			t.Errorf("HandleWebhook(fulfillment_events/create, %s) = %q, want %q", tc.body, err, "not a fulfillment event payload")
		}
	}
}
