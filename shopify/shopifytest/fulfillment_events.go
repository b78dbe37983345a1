package shopifytest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// FulfillmentEvent is a tracking event of a fulfilment: what a carrier (or
// an app, with fulfillmentEventCreate) reported, and when it happened.
// Shopify may know a DELIVERED event while the fulfilment's deliveredAt
// stays null: the fake keeps the two apart, as tests set them.
type FulfillmentEvent struct {
	ID int64
	// Status is a FulfillmentEventStatus: IN_TRANSIT, DELIVERED, ….
	Status     string
	HappenedAt time.Time
	// CreatedAt is when Shopify learnt it; the zero time means HappenedAt.
	CreatedAt time.Time
}

func (e *FulfillmentEvent) created() time.Time {
	if e.CreatedAt.IsZero() {
		return e.HappenedAt
	}
	return e.CreatedAt
}

// eventsByHappenedAt are f's events oldest first, as Shopify's default
// sortKey HAPPENED_AT gives them (ID with sortKey ID).
func eventsByHappenedAt(f Fulfillment, byID bool) []FulfillmentEvent {
	events := slices.Clone(f.Events)
	slices.SortStableFunc(events, func(a, b FulfillmentEvent) int {
		if byID {
			return cmp.Compare(a.ID, b.ID)
		}
		return cmp.Or(a.HappenedAt.Compare(b.HappenedAt), cmp.Compare(a.ID, b.ID))
	})
	return events
}

// latestEvent is f's event that happened last, or nil.
func latestEvent(f Fulfillment) *FulfillmentEvent {
	events := eventsByHappenedAt(f, false)
	if len(events) == 0 {
		return nil
	}
	return &events[len(events)-1]
}

// shipmentStatus is a fulfilment's REST shipment_status and updated_at:
// its latest event's status, updated when that event was created; else
// "delivered" when deliveredAt is set, updated then; else null, updated
// when created.
func shipmentStatus(f Fulfillment) (time.Time, any) {
	if e := latestEvent(f); e != nil {
		return e.created(), strings.ToLower(e.Status)
	}
	if f.DeliveredAt != nil {
		return *f.DeliveredAt, "delivered"
	}
	return f.CreatedAt, nil
}

// fulfillmentEvents resolves Fulfillment.events.
func (ec *execution) fulfillmentEvents(f Fulfillment, args map[string]any) (any, error) {
	key, _ := args["sortKey"].(string)
	events := eventsByHappenedAt(f, key == "ID")
	items := make([]any, len(events))
	for i, e := range events {
		items[i] = mapObj{"FulfillmentEvent", map[string]any{
			"id":         gid("FulfillmentEvent", e.ID),
			"status":     e.Status,
			"happenedAt": dateTime(e.HappenedAt),
			"createdAt":  dateTime(e.created()),
		}}
	}
	return ec.connection("FulfillmentEvent", items, args)
}

// findFulfillmentEvent finds an event of any fulfilment of a shop.
func (st *shopState) findFulfillmentEvent(id int64) (*storedOrder, *Fulfillment, *FulfillmentEvent) {
	for _, o := range st.orders {
		for i := range o.Fulfillments {
			f := &o.Fulfillments[i]
			for j := range f.Events {
				if f.Events[j].ID == id {
					return o, f, &f.Events[j]
				}
			}
		}
	}
	return nil, nil, nil
}

// FulfillmentEventWebhook returns the body Shopify posts for
// fulfillment_events/create (the REST FulfillmentEvent, status in lower
// case) of an event added with AddOrder. Its location fields are null: a
// carrier's scan location is not the customer's address, and Leadtime
// reads none of them.
func (s *Server) FulfillmentEventWebhook(domain string, eventID int64) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.shop(domain)
	o, f, e := st.findFulfillmentEvent(eventID)
	if e == nil {
		panic(fmt.Sprintf("shopifytest: shop %q has no fulfillment event %d (AddOrder first)", domain, eventID))
	}
	body, _ := json.Marshal(map[string]any{
		"id":                    e.ID,
		"fulfillment_id":        f.ID,
		"order_id":              o.ID,
		"shop_id":               st.num,
		"status":                strings.ToLower(e.Status),
		"message":               nil,
		"happened_at":           e.HappenedAt.Format(time.RFC3339),
		"created_at":            e.created().Format(time.RFC3339),
		"updated_at":            e.created().Format(time.RFC3339),
		"estimated_delivery_at": nil,
		"city":                  nil,
		"province":              nil,
		"country":               nil,
		"zip":                   nil,
		"address1":              nil,
		"latitude":              nil,
		"longitude":             nil,
		"admin_graphql_api_id":  gid("FulfillmentEvent", e.ID),
	})
	return body
}
