package shopify

import (
	"context"
	"fmt"
	"time"
)

// queryOrderPromise reads an order's frozen promise, the metafield
// leadtime.promise that orders/create wrote, with what it takes to
// reconstruct one for an order without (placed before the install): when
// it was placed and where it goes. It needs read_orders, which
// write_orders includes.
const queryOrderPromise = `query LeadtimeOrderPromise($id: ID!) {
  order(id: $id) {
    id
    createdAt
    shippingAddress { countryCodeV2 }
    promise: metafield(namespace: "leadtime", key: "promise") { value }
  }
}
`

// OrderFacts is what promise health reads of an order: no customer data
// beyond the shipping country.
type OrderFacts struct {
	ID        int64
	CreatedAt time.Time
	Country   string // the shipping address's ISO code; "" without one
	// Promise is the JSON of the leadtime.promise metafield; nil for an
	// order without one.
	Promise []byte
}

// Order returns the facts of order id, or nil, nil when Shopify knows no
// such order.
func (c *Client) Order(ctx context.Context, orderID int64) (*OrderFacts, error) {
	var data struct {
		Order *orderNode `json:"order"`
	}
	if err := c.graphQL(ctx, "LeadtimeOrderPromise", queryOrderPromise, map[string]any{"id": GID("Order", orderID)}, &data); err != nil {
		return nil, err
	}
	if data.Order == nil {
		return nil, nil
	}
	o, err := data.Order.facts(orderID)
	if err != nil {
		return nil, fmt.Errorf("%w (LeadtimeOrderPromise): %v", ErrQuery, err)
	}
	return o, nil
}

// orderNode is the part of an Order that LeadtimeOrderPromise and
// LeadtimeFulfillment read.
type orderNode struct {
	ID              string          `json:"id"`
	CreatedAt       string          `json:"createdAt"`
	Promise         *metafieldValue `json:"promise"`
	ShippingAddress *struct {
		Country string `json:"countryCodeV2"`
	} `json:"shippingAddress"`
}

// facts are the OrderFacts of n, which is order id.
func (n *orderNode) facts(id int64) (*OrderFacts, error) {
	created, err := time.Parse(time.RFC3339, n.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("order createdAt %q", n.CreatedAt)
	}
	o := &OrderFacts{ID: id, CreatedAt: created}
	if n.ShippingAddress != nil {
		o.Country = n.ShippingAddress.Country
	}
	if n.Promise != nil {
		o.Promise = []byte(n.Promise.Value)
	}
	return o, nil
}

// OrderPromise returns the JSON of order id's leadtime.promise metafield,
// or nil, nil when the order is unknown or carries none (an order placed
// before Leadtime was installed).
func (c *Client) OrderPromise(ctx context.Context, orderID int64) ([]byte, error) {
	o, err := c.Order(ctx, orderID)
	if err != nil || o == nil {
		return nil, err
	}
	return o.Promise, nil
}
