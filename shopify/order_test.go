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
