// Package health measures promises against what happened: for every
// fulfilled order line that carried a Leadtime promise, whether it shipped
// (and arrived) within the promised window, how many processing and
// carrier days it really took, and which settings would have kept 95 % of
// the promises.
//
// It is pure, like delivery: no HTTP, Redis or Shopify, and no clock; the
// caller passes now. It counts days with the shop's own calendars
// (delivery.Shop), so a measured "4 processing days" skips the same
// weekends, holidays and closures as the promised one.
package health

import (
	"errors"
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// Record is one fulfilled order line and the promise it was sold with. It
// holds no customer data: no name, address, email or phone; the
// destination is kept only as its zone, method and country code, which
// transit days are counted with.
type Record struct {
	FulfillmentID int64 `json:"fulfillment_id"`
	OrderID       int64 `json:"order_id"`
	// LineItemID is the order line; 0 when unknown (a hand-written
	// history). A fulfilment has one record per line.
	LineItemID int64 `json:"line_item_id,omitempty"`
	ProductID  int64 `json:"product_id"`
	VariantID  int64 `json:"variant_id"`

	// Source and Rule say what gave the promise (delivery.Source values).
	Source delivery.Source `json:"source"`
	Rule   string          `json:"rule,omitempty"`

	Zone    string `json:"zone"`
	Method  string `json:"method"`
	Country string `json:"country"` // ISO code of the destination country

	// OrderedAt is when the promise was quoted (its quoted_at): day0 is
	// worked out from it.
	OrderedAt time.Time `json:"ordered_at"`
	// Processing is the promised processing time, backorder days included.
	Processing delivery.Days `json:"processing"`
	// ShipsOn is a pre-order's date, which moved day0; nil otherwise.
	ShipsOn   *delivery.Date `json:"ships_on,omitempty"`
	Backorder bool           `json:"backorder,omitempty"`
	Ships     Window         `json:"ships"`
	Delivery  Window         `json:"delivery"`

	// ShippedOn is the fulfilment's createdAt as a civil date in the
	// shop's time zone (see ShipDate).
	ShippedOn delivery.Date `json:"shipped_on"`
	// DeliveredOn is when the carrier delivered, when Shopify knows it.
	DeliveredOn *delivery.Date `json:"delivered_on,omitempty"`
	// Reconstructed marks a record whose promise was not frozen on the
	// order but quoted afterwards from the settings of the time.
	Reconstructed bool `json:"reconstructed,omitempty"`
}

// Window is a span of civil dates, both inclusive, as in a promise.
type Window struct {
	Earliest delivery.Date `json:"earliest"`
	Latest   delivery.Date `json:"latest"`
}

// ShipDate is the civil date, in the shop's time zone, of a fulfilment
// created at t. Shopify gives createdAt in UTC; a parcel handed over at
// 00:30 local time on the night DST ends still ships that local day.
func ShipDate(t time.Time, loc *time.Location) delivery.Date { return delivery.DateIn(t, loc) }

// ErrInvalidRecord is matched by every Record.Validate error.
var ErrInvalidRecord = errors.New("invalid fulfilment record")

// Validate reports the first thing wrong with r that would make its
// measurement meaningless.
func (r *Record) Validate() error {
	switch {
	case r.FulfillmentID <= 0:
		return fmt.Errorf("%w: fulfillment_id must be a positive number", ErrInvalidRecord)
	case r.OrderedAt.IsZero():
		return fmt.Errorf("%w: fulfilment %d: ordered_at is required", ErrInvalidRecord, r.FulfillmentID)
	case r.Ships.Latest < r.Ships.Earliest:
		return fmt.Errorf("%w: fulfilment %d: ships.latest is before ships.earliest", ErrInvalidRecord, r.FulfillmentID)
	case r.ShippedOn == 0:
		return fmt.Errorf("%w: fulfilment %d: shipped_on is required", ErrInvalidRecord, r.FulfillmentID)
	case r.DeliveredOn != nil && *r.DeliveredOn < r.ShippedOn:
		return fmt.Errorf("%w: fulfilment %d: delivered_on is before shipped_on", ErrInvalidRecord, r.FulfillmentID)
	case r.Processing.Min < 0 || r.Processing.Min > r.Processing.Max:
		return fmt.Errorf("%w: fulfilment %d: processing needs 0 ≤ min ≤ max", ErrInvalidRecord, r.FulfillmentID)
	}
	return nil
}

// Measurement is what happened to one record, in the shop's calendars.
type Measurement struct {
	Day0 delivery.Date
	// ProcessingDays is the real processing time: the processing days after
	// day0 up to and including the ship date (0 when it shipped on or
	// before day0).
	ProcessingDays int
	OnTime         bool // shipped on or before ships.latest: the promise was kept
	Early          bool // shipped before ships.earliest
	// LateBy is how late, in processing days after ships.latest; a late
	// parcel handed over on a day that is not a processing day counts 1.
	LateBy int
	// Delivered is set when the delivery date is known; then TransitDays
	// is the carrier days after the ship date up to the delivery, and
	// DeliveredOnTime whether it arrived by delivery.latest.
	Delivered       bool
	TransitDays     int
	DeliveredOnTime bool
}

// Measure works out what happened to r with the shop's calendars. ok is
// false when day0 cannot be found (no processing day within years).
func Measure(shop *delivery.Shop, r *Record) (m Measurement, ok bool) {
	d0, ok := shop.Day0(r.OrderedAt)
	if !ok {
		return m, false
	}
	// A pre-order starts no earlier than its ships_on (DESIGN §3 step 2).
	if r.ShipsOn != nil && *r.ShipsOn > d0 {
		if d0, ok = shop.FirstProcessingDayOnOrAfter(*r.ShipsOn); !ok {
			return m, false
		}
	}
	m.Day0 = d0
	m.ProcessingDays = shop.ProcessingDaysBetween(d0, r.ShippedOn)
	m.OnTime = r.ShippedOn <= r.Ships.Latest
	m.Early = r.ShippedOn < r.Ships.Earliest
	if !m.OnTime {
		m.LateBy = max(1, shop.ProcessingDaysBetween(r.Ships.Latest, r.ShippedOn))
	}
	if r.DeliveredOn != nil {
		m.Delivered = true
		m.TransitDays = shop.CarrierDaysBetween(r.Country, r.ShippedOn, *r.DeliveredOn)
		m.DeliveredOnTime = *r.DeliveredOn <= r.Delivery.Latest
	}
	return m, true
}
