package shopify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Backfill of promise health (issue 12): a shop's recent orders with their
// fulfilments, read with Shopify's Bulk Operations API. Shopify runs the
// query in the background, posts bulk_operations/finish when its JSONL
// file is ready, and the file is read once.
//
// A bulk query may not hold a connection inside a list, so the bulk query
// reads each fulfilment's scalar fields only (Order.fulfillments is a
// list) and the order's lines as a connection (with unfulfilledQuantity).
// Which lines a fulfilment covered is then known without asking when the
// order has one shipped fulfilment and nothing left unfulfilled (it
// covered every line); otherwise one small query per such order asks.
// That query also reads the fulfilments' events, which the bulk query
// cannot (a connection in a list): it is asked too for an order with a
// fulfilment Shopify displays as DELIVERED without a deliveredAt, whose
// delivery is then a DELIVERED event's (deliveryOf).

// ErrBulkInProgress is a bulk operation refused because the shop's
// previous one is still running (OPERATION_IN_PROGRESS). It matches
// ErrRejected too.
var ErrBulkInProgress = errors.New("shopify: a bulk operation is already running")

// bulkSince is the placeholder for the first day in queryBulkOrders. It
// sits inside a string literal, so the document as written is valid and
// the schema test checks it.
const bulkSince = "SINCE"

// queryBulkOrders is the bulk query of the orders created since a day,
// oldest first: what a health record needs and nothing of the customer
// beyond the shipping country.
const queryBulkOrders = `query LeadtimeBulkOrders {
  orders(query: "created_at:>=SINCE") {
    edges {
      node {
        id
        createdAt
        promise: metafield(namespace: "leadtime", key: "promise") { value }
        shippingAddress { countryCodeV2 }
        fulfillments { id createdAt deliveredAt status displayStatus }
        lineItems {
          edges {
            node {
              id
              unfulfilledQuantity
              product { id }
              variant { id }
            }
          }
        }
      }
    }
  }
}
`

// mutationBulkRunQuery starts a bulk query.
const mutationBulkRunQuery = `mutation LeadtimeBulkRunQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
`

// queryBulkOperation reads a bulk operation by id (currentBulkOperation is
// deprecated in 2026-07).
const queryBulkOperation = `query LeadtimeBulkOperation($id: ID!) {
  bulkOperation(id: $id) {
    id
    status
    errorCode
    objectCount
    url
  }
}
`

// queryOrderFulfillmentLines reads which lines each fulfilment of an order
// covered, and its delivery: 250 lines is Shopify's largest page, and more
// lines than that in one fulfilment are not measured.
const queryOrderFulfillmentLines = `query LeadtimeOrderFulfillmentLines($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 50) {
      id
      deliveredAt
      ` + fulfillmentEventsSelection + `
      fulfillmentLineItems(first: 250) { nodes { lineItem { id } } }
    }
  }
}
`

// maxBulkFile bounds the JSONL read: 90 days of a large shop's orders fit
// many times over, and a runaway file does not exhaust memory.
const maxBulkFile = 512 << 20

// BulkOperation is the state of a bulk operation.
type BulkOperation struct {
	ID          string
	Status      string // CREATED, RUNNING, COMPLETED, CANCELING, CANCELED, FAILED, EXPIRED
	ErrorCode   string // when FAILED: ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT
	ObjectCount int64
	URL         string // the JSONL file, when COMPLETED with results
}

// BackfillOrder is an order as the backfill reads it.
type BackfillOrder struct {
	ID        int64
	CreatedAt time.Time
	// Promise is the JSON of the order's leadtime.promise metafield, or
	// nil for an order without one.
	Promise      []byte
	Country      string // the shipping address's ISO code; "" without one
	Lines        []BackfillLine
	Fulfillments []BackfillFulfillment
}

// BackfillLine is an order line: 0 for a product or variant deleted since.
type BackfillLine struct {
	ID, ProductID, VariantID int64
}

// BackfillFulfillment is a fulfilment of an order.
type BackfillFulfillment struct {
	ID          int64
	CreatedAt   time.Time
	DeliveredAt *time.Time
	Status      string // SUCCESS, CANCELLED, ERROR, FAILURE (pending ones are not fulfilments yet)
	LineIDs     []int64
	// deliveryUnknown marks a fulfilment of the bulk file displayed as
	// DELIVERED without a deliveredAt: its events are to be read.
	deliveryUnknown bool
}

// Shipped reports whether the fulfilment shipped (not cancelled or failed).
func (f *BackfillFulfillment) Shipped() bool {
	switch f.Status {
	case "CANCELLED", "ERROR", "FAILURE":
		return false
	}
	return true
}

// StartOrdersBackfill starts the bulk query of the orders created since
// day (civil, in the shop's time zone, as Shopify reads created_at:>=) and
// returns the operation's id. It needs read_orders (Shopify gives the last
// 60 days with it, 90 with read_all_orders).
func (c *Client) StartOrdersBackfill(ctx context.Context, since time.Time) (string, error) {
	q := strings.Replace(queryBulkOrders, bulkSince, since.Format(time.DateOnly), 1)
	var data struct {
		Run struct {
			BulkOperation *struct {
				ID string `json:"id"`
			} `json:"bulkOperation"`
			UserErrors []UserError `json:"userErrors"`
		} `json:"bulkOperationRunQuery"`
	}
	if err := c.graphQL(ctx, "LeadtimeBulkRunQuery", mutationBulkRunQuery, map[string]any{"query": q}, &data); err != nil {
		return "", err
	}
	if ue := data.Run.UserErrors; len(ue) > 0 {
		err := &UserErrors{Op: "LeadtimeBulkRunQuery", Errors: ue}
		for _, u := range ue {
			if u.Code == "OPERATION_IN_PROGRESS" {
				return "", fmt.Errorf("%w: %w", ErrBulkInProgress, err)
			}
		}
		return "", err
	}
	if data.Run.BulkOperation == nil || data.Run.BulkOperation.ID == "" {
		return "", fmt.Errorf("%w (LeadtimeBulkRunQuery): no bulk operation in the answer", ErrQuery)
	}
	return data.Run.BulkOperation.ID, nil
}

// BulkOperation reads a bulk operation of the shop; nil, nil when Shopify
// knows no such operation.
func (c *Client) BulkOperation(ctx context.Context, id string) (*BulkOperation, error) {
	var data struct {
		Op *struct {
			ID          string  `json:"id"`
			Status      string  `json:"status"`
			ErrorCode   *string `json:"errorCode"`
			ObjectCount string  `json:"objectCount"` // UnsignedInt64, as a string
			URL         *string `json:"url"`
		} `json:"bulkOperation"`
	}
	if err := c.graphQL(ctx, "LeadtimeBulkOperation", queryBulkOperation, map[string]any{"id": id}, &data); err != nil {
		return nil, err
	}
	if data.Op == nil {
		return nil, nil
	}
	op := &BulkOperation{ID: data.Op.ID, Status: data.Op.Status}
	if data.Op.ErrorCode != nil {
		op.ErrorCode = *data.Op.ErrorCode
	}
	if data.Op.URL != nil {
		op.URL = *data.Op.URL
	}
	if _, err := fmt.Sscan(data.Op.ObjectCount, &op.ObjectCount); err != nil && data.Op.ObjectCount != "" {
		return nil, fmt.Errorf("%w (LeadtimeBulkOperation): objectCount %q", ErrQuery, data.Op.ObjectCount)
	}
	return op, nil
}

// OrdersBackfill reads a finished StartOrdersBackfill's JSONL file at url
// and completes each order's fulfilments with the lines they covered.
func (c *Client) OrdersBackfill(ctx context.Context, url string) ([]BackfillOrder, error) {
	orders, err := c.readBulkOrders(ctx, url)
	if err != nil {
		return nil, err
	}
	for i := range orders {
		o := &orders[i]
		if !needsFulfillmentLines(o) {
			continue
		}
		if err := c.fulfillmentLines(ctx, o); err != nil {
			return nil, err
		}
	}
	return orders, nil
}

// readBulkOrders downloads and parses the JSONL file. The file's URL is a
// signed storage link: it takes no access token, and none is sent.
func (c *Client) readBulkOrders(ctx context.Context, url string) ([]BackfillOrder, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w (bulk file): %v", ErrQuery, err)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, &APIError{Op: "bulk file", Kind: ErrUnavailable, Attempts: 1, Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		kind := ErrQuery
		if res.StatusCode >= 500 {
			kind = ErrUnavailable
		}
		return nil, &APIError{Op: "bulk file", Kind: kind, Status: res.StatusCode, Attempts: 1}
	}
	orders, err := parseBulkOrders(io.LimitReader(res.Body, maxBulkFile))
	if err != nil {
		return nil, fmt.Errorf("%w (bulk file): %v", ErrQuery, err)
	}
	return orders, nil
}

// bulkLine is one line of the JSONL: an order, or (with __parentId) one of
// its line items.
type bulkLine struct {
	ID        string `json:"id"`
	ParentID  string `json:"__parentId"`
	CreatedAt string `json:"createdAt"`
	Promise   *struct {
		Value string `json:"value"`
	} `json:"promise"`
	ShippingAddress *struct {
		Country string `json:"countryCodeV2"`
	} `json:"shippingAddress"`
	Fulfillments []struct {
		ID            string  `json:"id"`
		CreatedAt     string  `json:"createdAt"`
		DeliveredAt   *string `json:"deliveredAt"`
		Status        string  `json:"status"`
		DisplayStatus *string `json:"displayStatus"`
	} `json:"fulfillments"`
	Unfulfilled int `json:"unfulfilledQuantity"`
	Product     *struct {
		ID string `json:"id"`
	} `json:"product"`
	Variant *struct {
		ID string `json:"id"`
	} `json:"variant"`
}

// parseBulkOrders reads the JSONL of queryBulkOrders: each order's line
// followed by its line items' lines, as Shopify writes them.
func parseBulkOrders(r io.Reader) ([]BackfillOrder, error) {
	var (
		orders []BackfillOrder
		index  = map[string]int{} // order gid → index in orders
		open   = map[string]int{} // order gid → unfulfilled quantity of its lines
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var l bulkLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if l.ParentID == "" {
			o, err := bulkOrder(&l)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			index[l.ID] = len(orders)
			orders = append(orders, o)
			continue
		}
		i, ok := index[l.ParentID]
		if !ok {
			return nil, fmt.Errorf("line %d: parent %q not seen before it", n, l.ParentID)
		}
		line, ok := bulkLineItem(&l)
		if !ok {
			return nil, fmt.Errorf("line %d: not a line item: %q", n, l.ID)
		}
		orders[i].Lines = append(orders[i].Lines, line)
		open[l.ParentID] += l.Unfulfilled
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for gid, i := range index {
		o := &orders[i]
		if shipped := shippedFulfillments(o); len(shipped) == 1 && open[gid] == 0 {
			for _, l := range o.Lines {
				shipped[0].LineIDs = append(shipped[0].LineIDs, l.ID)
			}
		}
	}
	return orders, nil
}

func bulkOrder(l *bulkLine) (BackfillOrder, error) {
	id, ok := ParseGID(l.ID, "Order")
	if !ok {
		return BackfillOrder{}, fmt.Errorf("not an order: %q", l.ID)
	}
	created, err := time.Parse(time.RFC3339, l.CreatedAt)
	if err != nil {
		return BackfillOrder{}, fmt.Errorf("order %d createdAt: %v", id, err)
	}
	o := BackfillOrder{ID: id, CreatedAt: created}
	if l.Promise != nil {
		o.Promise = []byte(l.Promise.Value)
	}
	if l.ShippingAddress != nil {
		o.Country = l.ShippingAddress.Country
	}
	for _, f := range l.Fulfillments {
		bf, err := bulkFulfillment(f.ID, f.CreatedAt, f.DeliveredAt, f.Status)
		if err != nil {
			return BackfillOrder{}, fmt.Errorf("order %d: %v", id, err)
		}
		bf.deliveryUnknown = bf.DeliveredAt == nil && f.DisplayStatus != nil && *f.DisplayStatus == "DELIVERED"
		o.Fulfillments = append(o.Fulfillments, bf)
	}
	return o, nil
}

func bulkFulfillment(gid, createdAt string, deliveredAt *string, status string) (BackfillFulfillment, error) {
	id, ok := ParseGID(gid, "Fulfillment")
	if !ok {
		return BackfillFulfillment{}, fmt.Errorf("not a fulfillment: %q", gid)
	}
	created, err := time.Parse(time.RFC3339, createdAt)
	if err != nil {
		return BackfillFulfillment{}, fmt.Errorf("fulfillment %d createdAt: %v", id, err)
	}
	f := BackfillFulfillment{ID: id, CreatedAt: created, Status: status}
	if deliveredAt != nil {
		at, err := time.Parse(time.RFC3339, *deliveredAt)
		if err != nil {
			return BackfillFulfillment{}, fmt.Errorf("fulfillment %d deliveredAt: %v", id, err)
		}
		f.DeliveredAt = &at
	}
	return f, nil
}

func bulkLineItem(l *bulkLine) (BackfillLine, bool) {
	id, ok := ParseGID(l.ID, "LineItem")
	if !ok {
		return BackfillLine{}, false
	}
	line := BackfillLine{ID: id}
	if l.Product != nil {
		line.ProductID, _ = ParseGID(l.Product.ID, "Product")
	}
	if l.Variant != nil {
		line.VariantID, _ = ParseGID(l.Variant.ID, "ProductVariant")
	}
	return line, true
}

// shippedFulfillments are pointers to o's fulfilments that shipped.
func shippedFulfillments(o *BackfillOrder) []*BackfillFulfillment {
	var out []*BackfillFulfillment
	for i := range o.Fulfillments {
		if o.Fulfillments[i].Shipped() {
			out = append(out, &o.Fulfillments[i])
		}
	}
	return out
}

// needsFulfillmentLines reports whether an order has a shipped fulfilment
// whose lines, or whose delivery, the JSONL could not tell.
func needsFulfillmentLines(o *BackfillOrder) bool {
	for _, f := range shippedFulfillments(o) {
		if len(f.LineIDs) == 0 || f.deliveryUnknown {
			return true
		}
	}
	return false
}

// fulfillmentLines asks which lines each of o's fulfilments covered, and
// when those without a deliveredAt in the file were delivered.
func (c *Client) fulfillmentLines(ctx context.Context, o *BackfillOrder) error {
	var data struct {
		Order *struct {
			Fulfillments []struct {
				ID          string            `json:"id"`
				DeliveredAt *string           `json:"deliveredAt"`
				Events      fulfillmentEvents `json:"events"`
				Lines       struct {
					Nodes []struct {
						LineItem *struct {
							ID string `json:"id"`
						} `json:"lineItem"`
					} `json:"nodes"`
				} `json:"fulfillmentLineItems"`
			} `json:"fulfillments"`
		} `json:"order"`
	}
	if err := c.graphQL(ctx, "LeadtimeOrderFulfillmentLines", queryOrderFulfillmentLines, map[string]any{"id": GID("Order", o.ID)}, &data); err != nil {
		return err
	}
	if data.Order == nil {
		return nil // deleted since the bulk query ran
	}
	lines := map[int64][]int64{}
	delivered := map[int64]*time.Time{}
	for _, f := range data.Order.Fulfillments {
		id, ok := ParseGID(f.ID, "Fulfillment")
		if !ok {
			continue
		}
		at, err := deliveryOf(f.DeliveredAt, f.Events)
		if err != nil {
			return fmt.Errorf("%w (LeadtimeOrderFulfillmentLines): fulfillment %d %v", ErrQuery, id, err)
		}
		delivered[id] = at
		for _, n := range f.Lines.Nodes {
			if n.LineItem == nil {
				continue
			}
			if li, ok := ParseGID(n.LineItem.ID, "LineItem"); ok {
				lines[id] = append(lines[id], li)
			}
		}
	}
	for i := range o.Fulfillments {
		f := &o.Fulfillments[i]
		f.LineIDs = lines[f.ID]
		if f.DeliveredAt == nil {
			f.DeliveredAt = delivered[f.ID]
		}
		f.deliveryUnknown = false
	}
	return nil
}
