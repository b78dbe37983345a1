package shopify

import (
	"errors"
	"slices"
	"testing"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// TestAddOrderTags: tags are added once however often they are sent (so
// a retry is harmless); an unknown order is rejected, and so is a token
// without write_orders.
func TestAddOrderTags(t *testing.T) {
	srv := newFake(t)
	for _, o := range backfillOrders {
		srv.AddOrder(testShop, o)
	}
	c := newClient(t, srv, Options{})
	ctx := t.Context()
	for _, tags := range [][]string{{"leadtime-at-risk"}, {"leadtime-at-risk"}, {"rush, leadtime-at-risk"}} {
		if err := c.AddOrderTags(ctx, 55, tags); err != nil {
			t.Fatalf("AddOrderTags(55, %q) = %v", tags, err)
		}
	}
	if got, want := srv.OrderTags(testShop, 55), []string{"leadtime-at-risk", "rush"}; !slices.Equal(got, want) {
		t.Errorf("order 55's tags = %q, want %q", got, want)
	}
	if got := srv.OrderTags(testShop, 52); len(got) != 0 {
		t.Errorf("order 52's tags = %q, want none: only 55 was tagged", got)
	}
	var ue *UserErrors
	if err := c.AddOrderTags(ctx, 999, []string{"leadtime-at-risk"}); !errors.As(err, &ue) || !errors.Is(err, ErrRejected) {
		t.Errorf("AddOrderTags(unknown order) = %v, want UserErrors matching ErrRejected", err)
	}

	const readOnly = "read-only.myshopify.com"
	srv.AddShop(readOnly, "shpat_read", shopifytest.Shop{Scopes: []string{"read_orders"}})
	srv.AddOrder(readOnly, backfillOrders[0])
	ro, err := NewClient(readOnly, "shpat_read", Options{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.AddOrderTags(ctx, backfillOrders[0].ID, []string{"leadtime-at-risk"}); err == nil {
		t.Error("AddOrderTags without write_orders = nil, want Shopify's access error")
	}
	if got := srv.OrderTags(readOnly, backfillOrders[0].ID); len(got) != 0 {
		t.Errorf("tags without write_orders = %q, want none", got)
	}
}
