package health

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// OpenOrder is an order placed with a Leadtime promise and not fulfilled
// yet, as orders/create records it: ids, the order's name ("#1001") and
// its promised windows. No customer data.
type OpenOrder struct {
	OrderID   int64     `json:"order_id"`
	Name      string    `json:"name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Ships     Window    `json:"ships"`
	Delivery  Window    `json:"delivery"`
}

// AtRisk is an open order that must ship soon to keep its promise.
type AtRisk struct {
	OpenOrder
	// Overdue is set when ships.latest has already passed: the promise is
	// broken unless the parcel already left without Shopify knowing.
	Overdue bool `json:"overdue"`
}

// overdueDays is how long an overdue order stays on the list: an order
// left unfulfilled for weeks was most likely cancelled or refunded.
const overdueDays = 30

// OrdersAtRisk returns the open orders whose ships.latest is today or the
// next processing day (or already passed, within overdueDays), today being
// the civil date of now in the shop's zone, and the next processing day
// the shop's, after today. The most urgent come first (earliest
// ships.latest), newest order first among equals.
func OrdersAtRisk(shop *delivery.Shop, orders []OpenOrder, now time.Time) []AtRisk {
	today := delivery.DateIn(now, shop.Location())
	next, ok := shop.FirstProcessingDayOnOrAfter(today.AddDays(1))
	if !ok {
		next = today
	}
	out := []AtRisk{}
	for _, o := range orders {
		l := o.Ships.Latest
		if l > next || l < today.AddDays(-overdueDays) {
			continue
		}
		out = append(out, AtRisk{OpenOrder: o, Overdue: l < today})
	}
	slices.SortFunc(out, func(a, b AtRisk) int {
		return cmp.Or(cmp.Compare(a.Ships.Latest, b.Ships.Latest), b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(a.OrderID, b.OrderID))
	})
	return out
}

// EncodeOpenOrder is the bytes an open order is stored as.
func EncodeOpenOrder(o *OpenOrder) ([]byte, error) {
	if o.OrderID <= 0 || o.CreatedAt.IsZero() {
		return nil, fmt.Errorf("%w: open order needs an order id and created_at", ErrInvalidRecord)
	}
	return json.Marshal(o)
}

// DecodeOpenOrder reads what EncodeOpenOrder wrote.
func DecodeOpenOrder(b []byte) (OpenOrder, error) {
	var o OpenOrder
	if err := json.Unmarshal(b, &o); err != nil {
		return o, fmt.Errorf("%w: %w", ErrInvalidRecord, err)
	}
	return o, nil
}
