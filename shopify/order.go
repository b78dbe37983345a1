package shopify

import "context"

// queryOrderPromise reads an order's frozen promise, the metafield
// leadtime.promise that orders/create wrote. It needs read_orders, which
// write_orders includes.
const queryOrderPromise = `query LeadtimeOrderPromise($id: ID!) {
  order(id: $id) {
    id
    promise: metafield(namespace: "leadtime", key: "promise") { value }
  }
}
`

// OrderPromise returns the JSON of order id's leadtime.promise metafield,
// or nil, nil when the order is unknown or carries none (an order placed
// before Leadtime was installed).
func (c *Client) OrderPromise(ctx context.Context, orderID int64) ([]byte, error) {
	var data struct {
		Order *struct {
			ID      string          `json:"id"`
			Promise *metafieldValue `json:"promise"`
		} `json:"order"`
	}
	if err := c.graphQL(ctx, "LeadtimeOrderPromise", queryOrderPromise, map[string]any{"id": GID("Order", orderID)}, &data); err != nil {
		return nil, err
	}
	if data.Order == nil || data.Order.Promise == nil {
		return nil, nil
	}
	return []byte(data.Order.Promise.Value), nil
}
