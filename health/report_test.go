package health

import (
	"fmt"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// calendarShop is a shop in New York that a person can follow on a 2026
// calendar: Monday to Friday, US holidays (Veterans Day Wed 11 Nov,
// Thanksgiving Thu 26 Nov), cutoff 14:00, closed Mon 7 – Wed 9 Dec.
// DST ends on Sunday 1 Nov 2026 (EDT UTC−4 → EST UTC−5).
const calendarShop = `
shop: calendar.myshopify.com
timezone: America/New_York
country: US
cutoff: "14:00"
processing: {min: 1, max: 3}
closures: [{from: 2026-12-07, to: 2026-12-09, label: Inventory}]
rules:
  - {name: handmade, match: {tags: [handmade]}, processing: {min: 3, max: 5}}
shipping:
  zones:
    - {name: US, countries: [US], methods: [{code: standard, min: 2, max: 5}]}
catalog:
  - {id: 1, handle: mug, title: Mug, tags: [handmade], variants: [{id: 11}]}
  - {id: 2, handle: card, title: Card, variants: [{id: 21}]}
`

func loadShop(t testing.TB, doc string) *delivery.Shop {
	t.Helper()
	shop, err := delivery.LoadShop([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

func date(t testing.TB, s string) delivery.Date {
	t.Helper()
	d, err := delivery.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func instant(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// calendarCase is one line, with everything worked out by hand in the
// comment beside it.
type calendarCase struct {
	name       string
	rule       string // "" for the shop default (1–3)
	orderedAt  string
	ships      [2]string // the promise, as Quote gave it
	delivery   [2]string
	shippedAt  string // Fulfillment.createdAt, UTC as Shopify sends it
	delivered  string // "" when unknown
	wantShip   string
	want       Measurement
	wantDay0   string
	wantUTCDay string // the UTC date, to show why the zone matters; "" to skip
}

var calendarCases = []calendarCase{
	{
		// Ordered Fri 30 Oct 15:00 EDT, after the cutoff: day0 is Mon 2 Nov
		// (DST ended on Sunday). handmade 3–5: ships Thu 5 – Mon 9 Nov.
		// Fulfilled 10 Nov 04:30 UTC = Mon 9 Nov 23:30 EST: on time, on
		// the last promised day, 5 processing days (3, 4, 5, 6, 9 Nov).
		// In UTC it would wrongly count as 10 Nov, one day late. Delivery
		// latest: Mon 9 + 5 carrier days, skipping Veterans Day = Tue 17.
		name: "DST week", rule: "handmade", orderedAt: "2026-10-30T15:00:00-04:00",
		ships: [2]string{"2026-11-05", "2026-11-09"}, delivery: [2]string{"2026-11-09", "2026-11-17"},
		shippedAt: "2026-11-10T04:30:00Z", wantShip: "2026-11-09", wantDay0: "2026-11-02", wantUTCDay: "2026-11-10",
		want: Measurement{ProcessingDays: 5, OnTime: true},
	},
	{
		// Ordered Mon 9 Nov 10:00 EST: day0 Mon 9 Nov. Veterans Day (Wed 11)
		// is no processing day: +3 = Fri 13, +5 = Tue 17 Nov. Shipped Wed
		// 18 Nov: late by 1; real days 10, 12, 13, 16, 17, 18 = 6.
		name: "holiday inside the window", rule: "handmade", orderedAt: "2026-11-09T10:00:00-05:00",
		ships: [2]string{"2026-11-13", "2026-11-17"}, delivery: [2]string{"2026-11-17", "2026-11-24"},
		shippedAt: "2026-11-18T20:00:00Z", wantShip: "2026-11-18", wantDay0: "2026-11-09",
		want: Measurement{ProcessingDays: 6, LateBy: 1},
	},
	{
		// Ordered Tue 24 Nov 09:00: day0 that day; default 1–3 skips
		// Thanksgiving (Thu 26): Wed 25 – Mon 30 Nov. Shipped Fri 27: kept,
		// 2 processing days (25, 27).
		name: "Thanksgiving", orderedAt: "2026-11-24T09:00:00-05:00",
		ships: [2]string{"2026-11-25", "2026-11-30"}, delivery: [2]string{"2026-11-30", "2026-12-07"},
		shippedAt: "2026-11-27T15:00:00Z", wantShip: "2026-11-27", wantDay0: "2026-11-24",
		want: Measurement{ProcessingDays: 2, OnTime: true},
	},
	{
		// Ordered Fri 4 Dec 16:00, after the cutoff; the shop is closed
		// Mon 7 – Wed 9 Dec, so day0 is Thu 10 Dec. handmade 3–5: Tue 15 –
		// Thu 17 Dec. Shipped Fri 11 Dec: early, 1 processing day.
		// Delivered Wed 16 Dec: 3 carrier days (14, 15, 16), by the
		// promised latest (Thu 24 Dec).
		name: "closure", rule: "handmade", orderedAt: "2026-12-04T16:00:00-05:00",
		ships: [2]string{"2026-12-15", "2026-12-17"}, delivery: [2]string{"2026-12-17", "2026-12-24"},
		shippedAt: "2026-12-11T18:00:00Z", delivered: "2026-12-16", wantShip: "2026-12-11", wantDay0: "2026-12-10",
		want: Measurement{ProcessingDays: 1, OnTime: true, Early: true, Delivered: true, TransitDays: 3, DeliveredOnTime: true},
	},
	{
		// Ordered Mon 30 Nov 10:00, default 1–3: Tue 1 – Thu 3 Dec.
		// Shipped Sat 5 Dec: late; Fri 4 is the only processing day after
		// the latest, so late by 1; real days 1, 2, 3, 4 Dec = 4.
		// Delivered Mon 14 Dec: 6 carrier days (7–11, 14), after the
		// promised latest (Thu 10 Dec).
		name: "late over a weekend", orderedAt: "2026-11-30T10:00:00-05:00",
		ships: [2]string{"2026-12-01", "2026-12-03"}, delivery: [2]string{"2026-12-03", "2026-12-10"},
		shippedAt: "2026-12-05T14:00:00Z", delivered: "2026-12-14", wantShip: "2026-12-05", wantDay0: "2026-11-30",
		want: Measurement{ProcessingDays: 4, LateBy: 1, Delivered: true, TransitDays: 6},
	},
}

func (c calendarCase) record(t testing.TB, shop *delivery.Shop, id int64) Record {
	r := Record{
		FulfillmentID: id, OrderID: 100 + id, LineItemID: 200 + id,
		Zone: "US", Method: "standard", Country: "US",
		OrderedAt: instant(t, c.orderedAt),
		Ships:     Window{date(t, c.ships[0]), date(t, c.ships[1])},
		Delivery:  Window{date(t, c.delivery[0]), date(t, c.delivery[1])},
		ShippedOn: ShipDate(instant(t, c.shippedAt), shop.Location()),
	}
	if c.rule != "" {
		r.Source, r.Rule, r.ProductID, r.VariantID, r.Processing = delivery.SourceRule, c.rule, 1, 11, delivery.Days{Min: 3, Max: 5}
	} else {
		r.Source, r.ProductID, r.VariantID, r.Processing = delivery.SourceDefault, 2, 21, delivery.Days{Min: 1, Max: 3}
	}
	if c.delivered != "" {
		d := date(t, c.delivered)
		r.DeliveredOn = &d
	}
	return r
}

func TestMeasureOnACalendar(t *testing.T) {
	shop := loadShop(t, calendarShop)
	for i, c := range calendarCases {
		t.Run(c.name, func(t *testing.T) {
			r := c.record(t, shop, int64(i+1))
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			// The promise in the case is the one Leadtime gives.
			product := &shop.Catalog()[0]
			if c.rule == "" {
				product = &shop.Catalog()[1]
			}
			a, err := delivery.Quote(shop, delivery.Item{Product: product}, delivery.Destination{Country: "US"}, r.OrderedAt)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := (Window{a.Ships.Earliest, a.Ships.Latest}), r.Ships; got != want {
				t.Errorf("Quote ships = %v, the case says %v", got, want)
			}
			if got, want := (Window{a.Delivery.Earliest, a.Delivery.Latest}), r.Delivery; got != want {
				t.Errorf("Quote delivery = %v, the case says %v", got, want)
			}
			if got, want := r.ShippedOn.String(), c.wantShip; got != want {
				t.Errorf("ShipDate(%s) = %s, want %s", c.shippedAt, got, want)
			}
			if c.wantUTCDay != "" {
				if got := ShipDate(instant(t, c.shippedAt), time.UTC).String(); got != c.wantUTCDay {
					t.Errorf("UTC date = %s, want %s", got, c.wantUTCDay)
				}
			}
			got, ok := Measure(shop, &r)
			if !ok {
				t.Fatal("Measure: no day0")
			}
			want := c.want
			want.Day0 = date(t, c.wantDay0)
			if got != want {
				t.Errorf("Measure =\n %+v\nwant\n %+v", got, want)
			}
		})
	}
}

// TestReportOnACalendar reads the calendar cases as a report on Friday
// 18 Dec 2026. The 30-day window is 19 Nov – 18 Dec: Thanksgiving
// (kept), the closure (kept, early, delivered in time) and the weekend
// (late by 1, delivered late). The 90-day window holds all five.
func TestReportOnACalendar(t *testing.T) {
	shop := loadShop(t, calendarShop)
	var records []Record
	for i, c := range calendarCases {
		records = append(records, c.record(t, shop, int64(i+1)))
	}
	now := instant(t, "2026-12-18T12:00:00-05:00")

	// Two orders placed before the install: shipped Mon 9 Nov (before the
	// 30-day window) and Fri 27 Nov (in it).
	records[0].Reconstructed = true
	records[2].Reconstructed = true
	rep := Report(shop, records, now, Window30)
	if got, want := fmt.Sprint(rep.From, " ", rep.To), "2026-11-19 2026-12-18"; got != want {
		t.Errorf("window = %s, want %s", got, want)
	}
	o := rep.Overall
	if got, want := fmt.Sprint(o.Lines, o.ShippedOnTime, o.ShippedEarly, o.ShippedLate, o.Delivered, o.DeliveredOnTime), "3 2 1 1 2 1"; got != want {
		t.Errorf("lines, on time, early, late, delivered, delivered on time = %s, want %s", got, want)
	}
	if got, want := o.Reconstructed, 1; got != want {
		t.Errorf("reconstructed lines = %d, want %d (27 Nov; 9 Nov is before the window)", got, want)
	}
	if got, want := fmt.Sprint(o.LateBy), "[{1 1}]"; got != want {
		t.Errorf("late by = %s, want %s", got, want)
	}
	// Real processing days 2, 1 and 4; transit 3 and 6.
	if got, want := fmt.Sprint(o.Processing.Counts, o.Processing.P5, o.Processing.P50, o.Processing.P95), "[0 1 1 0 1] 1 2 4"; got != want {
		t.Errorf("processing counts p5 p50 p95 = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(o.Transit.Counts), "[0 0 0 1 0 0 1]"; got != want {
		t.Errorf("transit counts = %s, want %s", got, want)
	}
	// Weeks from Mon 16 Nov to Mon 14 Dec: Thanksgiving's week (kept), the
	// week of 30 Nov (Sat 5 Dec, late), 7 Dec (11 Dec, kept).
	var weeks []string
	for _, w := range o.Weeks {
		weeks = append(weeks, fmt.Sprintf("%s:%d/%d", w.Start, w.OnTime, w.Lines))
	}
	if got, want := fmt.Sprint(weeks), "[2026-11-16:0/0 2026-11-23:1/1 2026-11-30:0/1 2026-12-07:1/1 2026-12-14:0/0]"; got != want {
		t.Errorf("weeks = %s, want %s", got, want)
	}
	// The default's one line in the window was late, the rule's was kept:
	// the default comes first (worst first).
	var rules []string
	for _, g := range rep.Rules {
		rules = append(rules, fmt.Sprintf("%s %d/%d", g.Key, g.ShippedOnTime, g.Lines))
	}
	if got, want := fmt.Sprint(rules), "[default 1/2 rule:handmade 1/1]"; got != want {
		t.Errorf("rules = %s, want %s", got, want)
	}
	if got := len(rep.Suggestions); got != 0 {
		t.Errorf("%d suggestions from 3 fulfilments, want none", got)
	}

	rep = Report(shop, records, now, Window90)
	if got, want := fmt.Sprint(rep.Overall.Lines, rep.Overall.ShippedOnTime, rep.Overall.KeptRate, rep.Overall.Reconstructed), "5 3 0.6 2"; got != want {
		t.Errorf("90 days: lines, on time, kept rate, reconstructed = %s, want %s", got, want)
	}
}

// TestSuggestion: twelve handmade mugs, each ordered on a Monday at 10:00
// (so day0 is that Monday) and shipped after a known number of processing
// days. Sorted: 4 5 5 6 6 6 7 7 7 7 8 9. Nearest rank: p5 is the 1st
// value (⌈0.6⌉), 4; p95 the 12th (⌈11.4⌉), 9. The rule promised 3–5, so
// 3 of 12 were kept.
func TestSuggestion(t *testing.T) {
	shop := loadShop(t, calendarShop)
	days := []int{7, 4, 6, 5, 9, 7, 6, 5, 7, 8, 6, 7}
	monday := date(t, "2026-09-21")
	var records []Record
	for i, n := range days {
		d0 := monday.AddDays(7 * i)
		if !shop.IsProcessingDay(d0) { // Columbus Day, Mon 12 Oct
			d0 = d0.AddDays(1)
		}
		earliest, _ := shop.AddProcessingDays(d0, 3)
		latest, _ := shop.AddProcessingDays(d0, 5)
		shipped, _ := shop.AddProcessingDays(d0, n)
		records = append(records, Record{
			FulfillmentID: int64(i + 1), OrderID: int64(i + 1), ProductID: 1, VariantID: 11,
			Source: delivery.SourceRule, Rule: "handmade", Zone: "US", Method: "standard", Country: "US",
			OrderedAt: d0.At(10, 0, shop.Location()), Processing: delivery.Days{Min: 3, Max: 5},
			Ships: Window{earliest, latest}, ShippedOn: shipped,
		})
	}
	rep := Report(shop, records, instant(t, "2026-12-18T12:00:00-05:00"), Window90)
	if len(rep.Suggestions) != 1 {
		t.Fatalf("suggestions = %+v, want one", rep.Suggestions)
	}
	got := rep.Suggestions[0]
	want := Suggestion{
		Kind: "processing", Key: "rule:handmade", Label: `Rule "handmade"`, Fulfillments: 12,
		Current: delivery.Days{Min: 3, Max: 5}, Suggested: delivery.Days{Min: 4, Max: 9},
		KeptRate: 3.0 / 12, WouldKeep: 1, Path: "rules[0].processing", Changes: true,
	}
	if got != want {
		t.Errorf("suggestion =\n %+v\nwant\n %+v", got, want)
	}
}

func TestValidate(t *testing.T) {
	shop := loadShop(t, calendarShop)
	good := calendarCases[3].record(t, shop, 1)
	tests := []struct {
		name string
		edit func(*Record)
	}{
		{"no fulfilment id", func(r *Record) { r.FulfillmentID = 0 }},
		{"no order time", func(r *Record) { r.OrderedAt = time.Time{} }},
		{"window backwards", func(r *Record) { r.Ships.Latest = r.Ships.Earliest - 1 }},
		{"no ship date", func(r *Record) { r.ShippedOn = 0 }},
		{"delivered before shipped", func(r *Record) { d := r.ShippedOn - 1; r.DeliveredOn = &d }},
		{"negative processing", func(r *Record) { r.Processing.Min = -1 }},
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("good record: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := good
			tc.edit(&r)
			if err := r.Validate(); err == nil {
				t.Errorf("Validate() = nil, want an error")
			}
		})
	}
}
