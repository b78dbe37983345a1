package preview

import (
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
)

// Strip is the 14-day strip: for each day from the preview's date, the
// dates an order placed at StripOrderHour that day would get.
type Strip struct {
	Product string `json:"product"`
	Title   string `json:"title,omitempty"`
	Days    []Day  `json:"days"`
}

// Day is one day of the strip.
type Day struct {
	Date     delivery.Date       `json:"date"`
	Weekday  string              `json:"weekday"`
	OrderAt  time.Time           `json:"order_at"`
	Open     bool                `json:"open"`             // a processing day
	Closed   string              `json:"closed,omitempty"` // weekend | holiday | closure | out_of_range
	Reason   string              `json:"reason,omitempty"` // the holiday's name or the closure's label
	Ships    *promise.WindowJSON `json:"ships"`
	Delivery *promise.WindowJSON `json:"delivery"`
	Starts   *delivery.Date      `json:"starts,omitempty"` // day0: the day processing starts
}

// startSentence says when processing of an order placed at the instant
// starts, and why (DESIGN §3 step 1).
func startSentence(shop *delivery.Shop, at time.Time) string {
	loc := shop.Location()
	local := at.In(loc)
	today := delivery.DateIn(at, loc)
	probe := &delivery.Product{Variants: []delivery.Variant{{}}}
	r, err := shop.Route(delivery.Destination{})
	if err != nil {
		return ""
	}
	a, err := shop.QuoteRoute(delivery.Item{Product: probe}, r, at)
	if err != nil || a.Cutoff.At.IsZero() {
		return ""
	}
	day0 := delivery.DateIn(a.Cutoff.At, loc)
	when := local.Format("Mon 2 Jan 2006 at 15:04")
	cutoff := a.Cutoff.At.Format("15:04")
	if day0 == today {
		return fmt.Sprintf("An order placed %s (shop time) is before today's cutoff (%s), so processing starts today.", when, cutoff)
	}
	start := day0.At(0, 0, loc).Format("Mon 2 Jan")
	switch status := shop.DayStatus(today); status.Kind {
	case delivery.DayProcessing:
	case delivery.DayHoliday:
		return fmt.Sprintf("An order placed %s (shop time) waits: today is a holiday (%s), so processing starts %s.", when, status.Name, start)
	case delivery.DayClosure:
		return fmt.Sprintf("An order placed %s (shop time) waits: the shop is closed today (%s), so processing starts %s.", when, closureLabel(status), start)
	default:
		return fmt.Sprintf("An order placed %s (shop time) waits: %s is not a processing day, so processing starts %s.", when, local.Format("Monday"), start)
	}
	return fmt.Sprintf("An order placed %s (shop time) is after today's cutoff, so processing starts on the next processing day, %s.", when, start)
}

// fourteenDays builds the strip: for each of the 14 days from the
// preview's date, the dates of an order placed at StripOrderHour shop time, with
// the days that are not processing days marked.
func fourteenDays(shop *delivery.Shop, p *delivery.Product, route delivery.Route, at time.Time) (Strip, error) {
	loc := shop.Location()
	today := delivery.DateIn(at, loc)
	strip := Strip{Days: make([]Day, 0, StripDays)}
	if p == nil {
		p = promise.StandIn(0, "", 0) // no data: the shop's default processing time
		strip.Title = "A product without processing time of its own"
	} else {
		strip.Product, strip.Title = p.Handle, p.Title
	}
	for i := range StripDays {
		d := today.AddDays(i)
		orderAt := d.At(StripOrderHour, 0, loc)
		a, err := shop.QuoteRoute(delivery.Item{Product: p}, route, orderAt)
		if err != nil {
			return strip, err
		}
		day := Day{Date: d, Weekday: d.Weekday().String(), OrderAt: orderAt}
		day.Open, day.Closed, day.Reason = marks(shop.DayStatus(d))
		if a.Available {
			day.Ships = &promise.WindowJSON{Earliest: a.Ships.Earliest, Latest: a.Ships.Latest}
			day.Delivery = &promise.WindowJSON{Earliest: a.Delivery.Earliest, Latest: a.Delivery.Latest}
			day0 := delivery.DateIn(a.Cutoff.At, loc)
			day.Starts = &day0
		}
		strip.Days = append(strip.Days, day)
	}
	return strip, nil
}

// marks is how the strip shows a day's status: open, or the kind of day it
// is (weekend, holiday, closure) and the words the page shows with it.
func marks(status delivery.DayStatus) (open bool, closed, reason string) {
	switch status.Kind {
	case delivery.DayProcessing:
		return true, "", ""
	case delivery.DayHoliday:
		return false, "holiday", status.Name
	case delivery.DayClosure:
		return false, "closure", closureLabel(status)
	case delivery.DayOutOfRange:
		return false, "out_of_range", "Outside the years Leadtime has calendars for"
	default:
		return false, "weekend", "Not a processing day"
	}
}

// closureLabel is a closure's label, "Closed" when the merchant gave none.
func closureLabel(status delivery.DayStatus) string {
	if status.Name == "" {
		return "Closed"
	}
	return status.Name
}
