package delivery

import (
	"os"
	"testing"
	"time"
)

// The benchmarks behind DESIGN §8: Quote ≤ 1 µs and ≤ 2 allocations per
// product answer, a 100-line cart ≤ 50 µs. Run them with
//
//	go test -run '^$' -bench . -benchmem ./delivery/

func benchShop(b *testing.B) *Shop {
	b.Helper()
	data, err := os.ReadFile("testdata/bench-shop.yaml")
	if err != nil {
		b.Fatal(err)
	}
	shop, err := LoadShop(data)
	if err != nil {
		b.Fatal(err)
	}
	return shop
}

// benchNow is a Tuesday morning in Stockholm, before the cutoff.
var benchNow = time.Date(2027, time.September, 14, 8, 0, 0, 0, time.UTC)

// BenchmarkQuote is one product answer for a product matched by a rule
// (pine-board: vendor-svarvat), with warm calendars, as on the request path.
func BenchmarkQuote(b *testing.B) {
	shop := benchShop(b)
	p, ok := shop.ProductByHandle("pine-board")
	if !ok {
		b.Fatal("no pine-board in testdata/bench-shop.yaml")
	}
	item, dest := Item{Product: p, Quantity: 1}, Destination{Country: "SE"}
	if _, err := Quote(shop, item, dest, benchNow); err != nil { // warm the calendars
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		a, err := Quote(shop, item, dest, benchNow)
		if err != nil || a.Processing.Rule != "vendor-svarvat" {
			b.Fatalf("Quote = %+v, %v", a.Processing, err)
		}
	}
}

// BenchmarkQuoteCart100 is a cart of 100 lines over the catalog: rules,
// metafields, a pre-order, a backorder and a sold-out variant.
func BenchmarkQuoteCart100(b *testing.B) {
	shop := benchShop(b)
	catalog := shop.Catalog()
	items := make([]Item, 100)
	for i := range items {
		p := &catalog[i%len(catalog)]
		items[i] = Item{Product: p, VariantID: p.Variants[i%len(p.Variants)].ID, Quantity: 1 + i%3}
	}
	dest := Destination{Country: "NO"}
	if _, err := QuoteCart(shop, items, dest, benchNow); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := QuoteCart(shop, items, dest, benchNow)
		if err != nil || !c.Available {
			b.Fatalf("QuoteCart = %v, %v", c.Available, err)
		}
	}
}

// BenchmarkCalendarCold is the first use of a year in a calendar: building
// its bitmap from weekdays, holidays and closures. "bitmap" finds the
// holidays in the process-wide cache, as every shop but the first does;
// "holidays" computes them from rickar/cal as well.
func BenchmarkCalendarCold(b *testing.B) {
	closures := []dateRange{{DateOf(2026, time.December, 24), DateOf(2027, time.January, 1)}, {DateOf(2027, time.July, 12), DateOf(2027, time.August, 1)}}
	weekdays := weekdays(1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday)
	b.Run("bitmap", func(b *testing.B) {
		holidayDays("SE", 2027)
		b.ReportAllocs()
		for b.Loop() {
			c := newCalendar(weekdays, []string{"SE"}, closures)
			if c.year(2027) == nil {
				b.Fatal("no 2027")
			}
		}
	})
	b.Run("holidays", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			holidayYears.Clear()
			c := newCalendar(weekdays, []string{"SE"}, closures)
			if c.year(2027) == nil {
				b.Fatal("no 2027")
			}
		}
	})
}
