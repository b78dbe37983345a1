package shopify

import (
	"context"
	"fmt"
	"time"
)

// A fulfilment's delivery, as promise health reads it: Fulfillment.
// deliveredAt when Shopify set it, else the happenedAt of a DELIVERED
// fulfilment event (a carrier's tracking, or an app's
// fulfillmentEventCreate, can report the delivery without deliveredAt
// being set). Every query that reads a fulfilment outside the bulk file
// reads both, with the same rule (deliveryOf), so that the webhooks and
// the backfill agree on the day. FulfillmentEvent needs read_orders, which
// write_orders includes.

// fulfillmentEventsSelection reads a fulfilment's latest 20 events, newest
// first: a parcel's history rarely holds more, and the delivery is among
// its last. 22 points.
const fulfillmentEventsSelection = `events(first: 20, reverse: true) { nodes { status happenedAt } }`

// queryFulfillmentDelivery reads what Shopify knows of a fulfilment's
// delivery: 23 points, cheap enough for every fulfilment webhook.
const queryFulfillmentDelivery = `query LeadtimeFulfillmentDelivery($id: ID!) {
  fulfillment(id: $id) {
    id
    deliveredAt
    ` + fulfillmentEventsSelection + `
  }
}
`

// queryFulfillment reads a fulfilment whole, with the facts of its order,
// for a fulfilment event that may come before the fulfilment was recorded.
// 100 lines (4 points each) keep it at 428 points, under half of
// Shopify's 1,000, as it runs once per delivered parcel; more lines than
// that in one fulfilment are left to the fulfilment webhooks, whose
// payload carries every line (MoreLines).
const queryFulfillment = `query LeadtimeFulfillment($id: ID!) {
  fulfillment(id: $id) {
    id
    createdAt
    deliveredAt
    status
    ` + fulfillmentEventsSelection + `
    fulfillmentLineItems(first: 100) {
      nodes { lineItem { id product { id } variant { id } } }
      pageInfo { hasNextPage }
    }
    order {
      id
      createdAt
      shippingAddress { countryCodeV2 }
      promise: metafield(namespace: "leadtime", key: "promise") { value }
    }
  }
}
`

// fulfillmentEvents is the JSON of fulfillmentEventsSelection.
type fulfillmentEvents struct {
	Nodes []struct {
		Status     string `json:"status"`
		HappenedAt string `json:"happenedAt"`
	} `json:"nodes"`
}

// deliveryOf is a fulfilment's delivery: deliveredAt, else the earliest
// DELIVERED event among those read (a corrected delivery is reported
// again, later; the parcel arrived the first time); nil when neither.
func deliveryOf(deliveredAt *string, events fulfillmentEvents) (*time.Time, error) {
	if deliveredAt != nil {
		at, err := time.Parse(time.RFC3339, *deliveredAt)
		if err != nil {
			return nil, fmt.Errorf("deliveredAt %q: %v", *deliveredAt, err)
		}
		return &at, nil
	}
	var first *time.Time
	for _, e := range events.Nodes {
		if e.Status != "DELIVERED" {
			continue
		}
		at, err := time.Parse(time.RFC3339, e.HappenedAt)
		if err != nil {
			return nil, fmt.Errorf("event happenedAt %q: %v", e.HappenedAt, err)
		}
		if first == nil || at.Before(*first) {
			first = &at
		}
	}
	return first, nil
}

// FulfillmentDelivery returns when fulfilment id was delivered as Shopify
// knows it (deliveredAt, else a DELIVERED event), nil when not (yet);
// known is false when Shopify knows no such fulfilment.
func (c *Client) FulfillmentDelivery(ctx context.Context, id int64) (at *time.Time, known bool, err error) {
	var data struct {
		Fulfillment *struct {
			DeliveredAt *string           `json:"deliveredAt"`
			Events      fulfillmentEvents `json:"events"`
		} `json:"fulfillment"`
	}
	if err := c.graphQL(ctx, "LeadtimeFulfillmentDelivery", queryFulfillmentDelivery, map[string]any{"id": GID("Fulfillment", id)}, &data); err != nil {
		return nil, false, err
	}
	if data.Fulfillment == nil {
		return nil, false, nil
	}
	at, err = deliveryOf(data.Fulfillment.DeliveredAt, data.Fulfillment.Events)
	if err != nil {
		return nil, false, fmt.Errorf("%w (LeadtimeFulfillmentDelivery): fulfillment %d %v", ErrQuery, id, err)
	}
	return at, true, nil
}

// FulfillmentFacts is a fulfilment as promise health reads it, with its
// order: nothing of the customer beyond the shipping country.
type FulfillmentFacts struct {
	BackfillFulfillment
	Order OrderFacts
	// Lines are the order lines the fulfilment covered, in its order.
	Lines []BackfillLine
	// MoreLines says the fulfilment covered more lines than Lines: more
	// than one query reads.
	MoreLines bool
}

// Fulfillment returns fulfilment id with its order's facts, or nil, nil
// when Shopify knows no such fulfilment. LineIDs are those of Lines.
func (c *Client) Fulfillment(ctx context.Context, id int64) (*FulfillmentFacts, error) {
	var data struct {
		Fulfillment *struct {
			ID          string            `json:"id"`
			CreatedAt   string            `json:"createdAt"`
			DeliveredAt *string           `json:"deliveredAt"`
			Status      string            `json:"status"`
			Events      fulfillmentEvents `json:"events"`
			Lines       struct {
				Nodes []struct {
					LineItem *struct {
						ID      string `json:"id"`
						Product *struct {
							ID string `json:"id"`
						} `json:"product"`
						Variant *struct {
							ID string `json:"id"`
						} `json:"variant"`
					} `json:"lineItem"`
				} `json:"nodes"`
				PageInfo struct {
					HasNextPage bool `json:"hasNextPage"`
				} `json:"pageInfo"`
			} `json:"fulfillmentLineItems"`
			Order *orderNode `json:"order"`
		} `json:"fulfillment"`
	}
	if err := c.graphQL(ctx, "LeadtimeFulfillment", queryFulfillment, map[string]any{"id": GID("Fulfillment", id)}, &data); err != nil {
		return nil, err
	}
	f := data.Fulfillment
	if f == nil || f.Order == nil {
		return nil, nil
	}
	bad := func(err error) error {
		return fmt.Errorf("%w (LeadtimeFulfillment): fulfillment %d %v", ErrQuery, id, err)
	}
	bf, err := bulkFulfillment(f.ID, f.CreatedAt, nil, f.Status)
	if err != nil {
		return nil, bad(err)
	}
	if bf.DeliveredAt, err = deliveryOf(f.DeliveredAt, f.Events); err != nil {
		return nil, bad(err)
	}
	orderID, ok := ParseGID(f.Order.ID, "Order")
	if !ok {
		return nil, bad(fmt.Errorf("order id %q", f.Order.ID))
	}
	order, err := f.Order.facts(orderID)
	if err != nil {
		return nil, bad(err)
	}
	out := &FulfillmentFacts{BackfillFulfillment: bf, Order: *order, MoreLines: f.Lines.PageInfo.HasNextPage}
	for _, n := range f.Lines.Nodes {
		if n.LineItem == nil {
			continue
		}
		li, ok := ParseGID(n.LineItem.ID, "LineItem")
		if !ok {
			continue
		}
		line := BackfillLine{ID: li}
		if n.LineItem.Product != nil {
			line.ProductID, _ = ParseGID(n.LineItem.Product.ID, "Product")
		}
		if n.LineItem.Variant != nil {
			line.VariantID, _ = ParseGID(n.LineItem.Variant.ID, "ProductVariant")
		}
		out.Lines = append(out.Lines, line)
		out.LineIDs = append(out.LineIDs, li)
	}
	return out, nil
}
