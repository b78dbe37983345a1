package shopifytest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/shopify/shopifytest/internal/querycost"
)

// Order is an order in a fake shop: what Leadtime reads of it (no
// customer data beyond the shipping country).
type Order struct {
	ID        int64
	CreatedAt time.Time
	// Country is the shipping address's ISO 3166-1 alpha-2 code; "" means
	// no shipping address (shippingAddress is null).
	Country      string
	Lines        []OrderLine
	Fulfillments []Fulfillment
}

// OrderLine is a line item of an order.
type OrderLine struct {
	ID, ProductID, VariantID int64
	Quantity                 int
}

// Fulfillment is a shipment of some of an order's lines.
type Fulfillment struct {
	ID          int64
	CreatedAt   time.Time
	DeliveredAt *time.Time
	// Status is a FulfillmentStatus: SUCCESS (the default when empty),
	// CANCELLED, ERROR or FAILURE.
	Status string
	// LineIDs are the order lines shipped; empty means every line.
	LineIDs []int64
	// Events are the fulfilment's tracking events (fulfillment_events.go).
	Events []FulfillmentEvent
}

// storedOrder is an order with what the fake derives from it.
type storedOrder struct {
	Order
	number int // the order's number: name is "#" + number
	// fulfillmentLineIDs are the FulfillmentLineItem ids, by fulfillment
	// id and line id.
	fulfillmentLineIDs map[[2]int64]int64
	tags               []string // added with tagsAdd, in order, without repeats
}

// AddOrder adds (or replaces) an order of a shop. Its metafields, if
// any, are set with metafieldsSet, as orders/create's handler does.
func (s *Server) AddOrder(domain string, o Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.shop(domain)
	if st.orders == nil {
		st.orders = map[int64]*storedOrder{}
	}
	so := &storedOrder{Order: cloneOrder(o), fulfillmentLineIDs: map[[2]int64]int64{}}
	if old := st.orders[o.ID]; old != nil {
		so.number, so.tags = old.number, old.tags
	} else {
		so.number = 1001 + len(st.orders)
	}
	for _, f := range so.Fulfillments {
		for _, l := range fulfilledLines(so, f) {
			s.nextID++
			so.fulfillmentLineIDs[[2]int64{f.ID, l.ID}] = s.nextID
		}
	}
	st.orders[o.ID] = so
}

func cloneOrder(o Order) Order {
	o.Lines = slices.Clone(o.Lines)
	o.Fulfillments = slices.Clone(o.Fulfillments)
	for i := range o.Fulfillments {
		f := &o.Fulfillments[i]
		f.LineIDs = slices.Clone(f.LineIDs)
		f.Events = slices.Clone(f.Events)
		if f.Status == "" {
			f.Status = "SUCCESS"
		}
		if f.DeliveredAt != nil {
			d := *f.DeliveredAt
			f.DeliveredAt = &d
		}
	}
	return o
}

// fulfilledLines are the lines a fulfillment shipped.
func fulfilledLines(o *storedOrder, f Fulfillment) []OrderLine {
	if len(f.LineIDs) == 0 {
		return o.Lines
	}
	var out []OrderLine
	for _, l := range o.Lines {
		if slices.Contains(f.LineIDs, l.ID) {
			out = append(out, l)
		}
	}
	return out
}

// findFulfillment finds a fulfillment of any order of a shop.
func (st *shopState) findFulfillment(id int64) (*storedOrder, *Fulfillment) {
	for _, o := range st.orders {
		for i := range o.Fulfillments {
			if o.Fulfillments[i].ID == id {
				return o, &o.Fulfillments[i]
			}
		}
	}
	return nil, nil
}

// FulfillmentWebhook returns the body Shopify posts for fulfillments/create
// and fulfillments/update (REST JSON) of a fulfillment added with AddOrder.
// A delivered fulfillment has shipment_status "delivered" and was last
// updated when delivered; one with events has its latest event's status
// and was last updated when that event was created.
func (s *Server) FulfillmentWebhook(domain string, fulfillmentID int64) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, f := s.shop(domain).findFulfillment(fulfillmentID)
	if f == nil {
		panic(fmt.Sprintf("shopifytest: shop %q has no fulfillment %d (AddOrder first)", domain, fulfillmentID))
	}
	updated, shipment := shipmentStatus(*f)
	lines := []map[string]any{}
	for _, l := range fulfilledLines(o, *f) {
		lines = append(lines, map[string]any{"id": l.ID, "product_id": l.ProductID, "variant_id": l.VariantID, "quantity": l.Quantity})
	}
	body, _ := json.Marshal(map[string]any{
		"id":                   f.ID,
		"admin_graphql_api_id": gid("Fulfillment", f.ID),
		"order_id":             o.ID,
		"status":               strings.ToLower(f.Status),
		"created_at":           f.CreatedAt.Format(time.RFC3339),
		"updated_at":           updated.Format(time.RFC3339),
		"shipment_status":      shipment,
		"line_items":           lines,
	})
	return body
}

// orderObj is Order.
func (ec *execution) orderObj(o *storedOrder) object {
	owner := gid("Order", o.ID)
	var address any
	if o.Country != "" {
		address = mapObj{"MailingAddress", map[string]any{"id": gid("MailingAddress", o.ID), "countryCodeV2": o.Country}}
	}
	return mapObj{"Order", map[string]any{
		"id":              owner,
		"name":            "#" + strconv.Itoa(o.number),
		"createdAt":       dateTime(o.CreatedAt),
		"metafield":       ec.metafield(owner),
		"shippingAddress": address,
		"lineItems": resolver(func(args map[string]any) (any, error) {
			items := make([]any, len(o.Lines))
			for i, l := range o.Lines {
				items[i] = ec.lineItem(l, unfulfilled(o, l))
			}
			return ec.connection("LineItem", items, args)
		}),
		"fulfillments": resolver(func(args map[string]any) (any, error) {
			if q, ok := args["query"].(string); ok && q != "" {
				return nil, errorf("NOT_SUPPORTED", "shopifytest: fulfillments(query:) is not supported")
			}
			fs := o.Fulfillments
			if n, ok := querycost.Int(args["first"]); ok && n < len(fs) {
				fs = fs[:max(n, 0)]
			}
			out := make([]any, len(fs))
			for i, f := range fs {
				out[i] = ec.fulfillment(o, f)
			}
			return out, nil
		}),
	}}
}

// unfulfilled is how much of line l no shipped fulfilment covers: a
// fulfilment ships its lines whole, and a cancelled or failed one ships
// nothing.
func unfulfilled(o *storedOrder, l OrderLine) int {
	for _, f := range o.Fulfillments {
		if f.Status != "" && f.Status != "SUCCESS" {
			continue
		}
		for _, fl := range fulfilledLines(o, f) {
			if fl.ID == l.ID {
				return 0
			}
		}
	}
	return l.Quantity
}

func (ec *execution) lineItem(l OrderLine, unfulfilled int) object {
	var product, variant any
	if p := ec.shop.products[l.ProductID]; p != nil {
		product = ec.product(p)
		for i := range p.Variants {
			if p.Variants[i].ID == l.VariantID {
				variant = ec.variant(p, &p.Variants[i])
			}
		}
	} else {
		// A line of a product deleted since (or never added to the fake):
		// Shopify still answers its ids.
		if l.ProductID != 0 {
			product = mapObj{"Product", map[string]any{"id": gid("Product", l.ProductID)}}
		}
		if l.VariantID != 0 {
			variant = mapObj{"ProductVariant", map[string]any{"id": gid("ProductVariant", l.VariantID)}}
		}
	}
	return mapObj{"LineItem", map[string]any{
		"id": gid("LineItem", l.ID), "quantity": l.Quantity, "unfulfilledQuantity": unfulfilled,
		"product": product, "variant": variant,
	}}
}

func (ec *execution) fulfillment(o *storedOrder, f Fulfillment) object {
	var delivered any
	if f.DeliveredAt != nil {
		delivered = dateTime(*f.DeliveredAt)
	}
	return mapObj{"Fulfillment", map[string]any{
		"id":            gid("Fulfillment", f.ID),
		"createdAt":     dateTime(f.CreatedAt),
		"deliveredAt":   delivered,
		"status":        f.Status,
		"displayStatus": displayStatus(f),
		"order":         resolver(func(map[string]any) (any, error) { return ec.orderObj(o), nil }),
		"events":        resolver(func(args map[string]any) (any, error) { return ec.fulfillmentEvents(f, args) }),
		"fulfillmentLineItems": resolver(func(args map[string]any) (any, error) {
			lines := fulfilledLines(o, f)
			items := make([]any, len(lines))
			for i, l := range lines {
				items[i] = mapObj{"FulfillmentLineItem", map[string]any{
					"id":       gid("FulfillmentLineItem", o.fulfillmentLineIDs[[2]int64{f.ID, l.ID}]),
					"lineItem": ec.lineItem(l, unfulfilled(o, l)),
					"quantity": l.Quantity,
				}}
			}
			return ec.connection("FulfillmentLineItem", items, args)
		}),
	}}
}

func displayStatus(f Fulfillment) string {
	switch {
	case f.Status == "CANCELLED":
		return "CANCELED"
	case f.Status == "ERROR" || f.Status == "FAILURE":
		return "FAILURE"
	case f.DeliveredAt != nil:
		return "DELIVERED"
	}
	if e := latestEvent(f); e != nil {
		switch e.Status {
		case "DELIVERED", "IN_TRANSIT":
			return e.Status
		}
	}
	return "FULFILLED"
}

// dateTime is a DateTime as Shopify writes it: UTC, to the second.
func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// orders resolves QueryRoot.orders: the shop's orders oldest first,
// filtered by query's created_at terms (created_at:>=2026-11-01 or an ISO
// timestamp; dates are midnight in the shop's timezone, as on Shopify).
func (ec *execution) orders(args map[string]any) (any, error) {
	q, _ := args["query"].(string)
	keep, err := ec.orderFilter(q)
	if err != nil {
		return nil, err
	}
	list := slices.Collect(maps.Values(ec.shop.orders))
	slices.SortFunc(list, func(a, b *storedOrder) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	var items []any
	for _, o := range list {
		if keep(o.CreatedAt) {
			items = append(items, ec.orderObj(o))
		}
	}
	return ec.connection("Order", items, args)
}

// orderFilter parses the created_at terms of an orders query; any other
// term is refused rather than ignored, so that a test cannot pass on a
// filter the fake does not apply.
func (ec *execution) orderFilter(q string) (func(time.Time) bool, error) {
	loc, err := time.LoadLocation(ec.shop.info.Timezone)
	if err != nil {
		loc = time.UTC
	}
	var tests []func(time.Time) bool
	for _, term := range strings.Fields(q) {
		if term == "AND" {
			continue
		}
		v, ok := strings.CutPrefix(term, "created_at:")
		if !ok {
			return nil, errorf("NOT_SUPPORTED", "shopifytest: orders(query:) supports created_at terms only, not %q", term)
		}
		op := ""
		for _, p := range []string{">=", "<=", ">", "<"} {
			if rest, ok := strings.CutPrefix(v, p); ok {
				op, v = p, rest
				break
			}
		}
		v = strings.Trim(v, `'"`)
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return nil, errorf("BAD_REQUEST", "shopifytest: created_at %q is not a date or an ISO 8601 timestamp", v)
			}
		}
		tests = append(tests, func(c time.Time) bool {
			switch op {
			case ">=":
				return !c.Before(t)
			case "<=":
				return !c.After(t)
			case ">":
				return c.After(t)
			case "<":
				return c.Before(t)
			}
			return c.Equal(t)
		})
	}
	return func(c time.Time) bool {
		for _, t := range tests {
			if !t(c) {
				return false
			}
		}
		return true
	}, nil
}

// connection is the package's connection, except in a bulk query, whose
// connections Shopify reads to their end whatever first: says.
func (ec *execution) connection(node string, items []any, args map[string]any) (any, error) {
	if !ec.bulk {
		return connection(node, items, args)
	}
	return page(node, items, map[string]any{"first": len(items)}, math.MaxInt)
}
