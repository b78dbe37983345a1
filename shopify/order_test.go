package shopify

import "testing"

func TestOrderPromise(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, Options{})
	promise := `{"ships":{"earliest":"2026-12-07","latest":"2026-12-10"}}`
	if err := c.SetMetafields(t.Context(), []MetafieldInput{{OwnerID: GID("Order", 42), Namespace: "leadtime", Key: "promise", Type: "json", Value: promise}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.OrderPromise(t.Context(), 42)
	if err != nil || string(got) != promise {
		t.Errorf("OrderPromise(42) = %s, %v; want %s", got, err, promise)
	}
	got, err = c.OrderPromise(t.Context(), 43)
	if err != nil || got != nil {
		t.Errorf("OrderPromise(43) = %s, %v; want nil, nil (no promise)", got, err)
	}
}

// TestOrder: what promise health reads of an order to reconstruct its
// promise: when it was placed and its shipping country.
func TestOrder(t *testing.T) {
	srv := newFake(t)
	srv.AddOrder(testShop, backfillOrders[2])
	c := newClient(t, srv, Options{})
	got, err := c.Order(t.Context(), 52)
	if err != nil || got == nil || !got.CreatedAt.Equal(utc("2026-11-10T08:00:00Z")) || got.Country != "DE" || got.Promise != nil {
		t.Errorf("Order(52) = %+v, %v; want created 2026-11-10T08:00:00Z, DE, no promise", got, err)
	}
	if got, err := c.Order(t.Context(), 404); got != nil || err != nil {
		t.Errorf("Order(404) = %+v, %v; want nil, nil", got, err)
	}
}
