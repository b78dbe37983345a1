package shopifyapp

import (
	"errors"
	"fmt"
	"testing"

	"github.com/leadtime-app/leadtime/shopify"
)

func TestOutageKinds(t *testing.T) {
	t.Parallel()
	other := errors.New("boom")
	for _, tc := range []struct {
		err             error
		outage, retried bool
	}{
		{fmt.Errorf("query: %w", shopify.ErrThrottled), true, true},
		{fmt.Errorf("query: %w", shopify.ErrUnavailable), true, true},
		{shopify.ErrUnauthorized, false, false},
		{other, false, false},
	} {
		if got := shopifyOutage(tc.err); errors.Is(got, ErrShopifyUnavailable) != tc.outage || !errors.Is(got, tc.err) {
			t.Errorf("shopifyOutage(%v) = %v, want ErrShopifyUnavailable %v, wrapping the cause", tc.err, got, tc.outage)
		}
		if got := transientIfShopify(tc.err); errors.Is(got, ErrTransient) != tc.retried {
			t.Errorf("transientIfShopify(%v) = %v, want ErrTransient %v", tc.err, got, tc.retried)
		}
	}
}
