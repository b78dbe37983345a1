package health

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// Slowdown makes Generate's history slower than promised for one rule:
// its lines really take Extra more processing days than the rule's max,
// at most.
type Slowdown struct {
	Rule  string
	Extra int
}

// destinations are where generated orders go, weighted like a Swedish
// shop's: mostly at home, some in the Nordics and the EU, a few further.
var destinations = []string{"SE", "SE", "SE", "SE", "SE", "SE", "NO", "DK", "FI", "DE", "DE", "FR", "NL", "US", "GB"}

// Generate makes a realistic history for the shop's catalog: orders
// placed over the 90 days before now, each quoted with delivery.Quote as
// the shop would have promised it, then fulfilled after a processing time
// drawn around the promise (mostly within it, now and then a day late),
// and mostly delivered within transit. The lines of slow's rule take up
// to slow.Extra days longer than promised, so a report shows that rule
// late and suggests a longer time. The same seed gives the same history.
// It is for the demo and tests, never for a real shop.
func Generate(shop *delivery.Shop, now time.Time, seed uint64, orders int, slow Slowdown) []Record {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	catalog := shop.Catalog()
	if len(catalog) == 0 {
		return nil
	}
	today := delivery.DateIn(now, shop.Location())
	var out []Record
	for i := range orders {
		p := &catalog[rng.IntN(len(catalog))]
		v := p.Variants[rng.IntN(len(p.Variants))]
		country := destinations[rng.IntN(len(destinations))]
		// Spread over the window, at shop hours between 07:00 and 22:59.
		day := today.AddDays(-(3 + rng.IntN(90)))
		at := day.At(7+rng.IntN(16), rng.IntN(60), shop.Location())
		a, err := delivery.Quote(shop, delivery.Item{Product: p, VariantID: v.ID}, delivery.Destination{Country: country}, at)
		if err != nil || !a.Available {
			continue
		}
		d0, ok := shop.Day0(at)
		if !ok {
			continue
		}
		if a.Processing.ShipsOn != delivery.NoDate && a.Processing.ShipsOn > d0 {
			d0, _ = shop.FirstProcessingDayOnOrAfter(a.Processing.ShipsOn)
		}
		real := a.Processing.MinDays + rng.IntN(a.Processing.MaxDays-a.Processing.MinDays+1)
		switch {
		case a.Processing.Source == delivery.SourceRule && a.Processing.Rule == slow.Rule && slow.Rule != "":
			real = a.Processing.MinDays + 1 + rng.IntN(a.Processing.MaxDays-a.Processing.MinDays+slow.Extra+1)
		case rng.IntN(20) == 0: // one in twenty slips a day
			real = a.Processing.MaxDays + 1
		}
		shipped, ok := shop.AddProcessingDays(d0, real)
		if !ok || shipped > today {
			continue
		}
		id := int64(i + 1)
		rec := Record{
			FulfillmentID: 5_000_000 + id, OrderID: 4_000_000 + id, LineItemID: 6_000_000 + id,
			ProductID: p.ID, VariantID: v.ID, Source: a.Processing.Source, Rule: a.Processing.Rule,
			Zone: a.Route.Zone, Method: a.Route.Method, Country: a.Route.Country,
			OrderedAt:  a.QuotedAt,
			Processing: delivery.Days{Min: a.Processing.MinDays, Max: a.Processing.MaxDays},
			Backorder:  a.Processing.Backorder,
			Ships:      Window{a.Ships.Earliest, a.Ships.Latest},
			Delivery:   Window{a.Delivery.Earliest, a.Delivery.Latest},
			ShippedOn:  shipped,
		}
		if a.Processing.ShipsOn != delivery.NoDate {
			so := a.Processing.ShipsOn
			rec.ShipsOn = &so
		}
		// Four in five deliveries are known; transit within the promise,
		// one in ten a day over.
		if rng.IntN(5) != 0 {
			transit := a.Route.Transit.Min + rng.IntN(a.Route.Transit.Max-a.Route.Transit.Min+1)
			if rng.IntN(10) == 0 {
				transit = a.Route.Transit.Max + 1
			}
			if d, ok := addCarrierDays(shop, country, shipped, transit); ok && d <= today {
				rec.DeliveredOn = &d
			}
		}
		out = append(out, rec)
	}
	slices.SortFunc(out, func(a, b Record) int { return int(a.ShippedOn - b.ShippedOn) })
	return out
}

// addCarrierDays walks forward to the n-th carrier day after d.
func addCarrierDays(shop *delivery.Shop, country string, d delivery.Date, n int) (delivery.Date, bool) {
	for to := d; to <= d.AddDays(3*n+30); to++ {
		if shop.CarrierDaysBetween(country, d, to) >= n && (n > 0 || to == d) {
			return to, true
		}
	}
	return delivery.NoDate, false
}

// DemoSlowdown is the demo shop's late rule: made-to-order is promised in
// 4–7 days and really takes up to 4 more.
var DemoSlowdown = Slowdown{Rule: "made-to-order", Extra: 4}

// GenerateOpenOrders makes the demo's unfulfilled orders as of now: one
// already late (due on the last processing day before today), one due
// the next processing day after today, both at risk, and one due later,
// which is not. It is for the demo, never a real shop.
func GenerateOpenOrders(shop *delivery.Shop, now time.Time) []OpenOrder {
	today := delivery.DateIn(now, shop.Location())
	late := today.AddDays(-1)
	for i := 0; i < 30 && !shop.IsProcessingDay(late); i++ {
		late = late.AddDays(-1)
	}
	next, ok1 := shop.FirstProcessingDayOnOrAfter(today.AddDays(1))
	later, ok2 := shop.AddProcessingDays(next, 5)
	if !ok1 || !ok2 {
		return nil
	}
	mk := func(n int64, latest delivery.Date, daysAgo int) OpenOrder {
		return OpenOrder{
			OrderID: 4_900_000 + n, Name: "#D" + strconv.FormatInt(n, 10),
			CreatedAt: now.Add(-time.Duration(daysAgo) * 24 * time.Hour).Truncate(time.Minute),
			Ships:     Window{Earliest: latest.AddDays(-2), Latest: latest},
			Delivery:  Window{Earliest: latest.AddDays(1), Latest: latest.AddDays(5)},
		}
	}
	return []OpenOrder{mk(1, late, 6), mk(2, next, 4), mk(3, later, 1)}
}
