package health

import (
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
)

// syntheticRecords makes n records over the 90 days before 18 Dec 2026,
// spread over two products, three rules and two routes.
func syntheticRecords(tb testing.TB, shop *delivery.Shop, n int) []Record {
	tb.Helper()
	end := date(tb, "2026-12-18")
	out := make([]Record, n)
	for i := range out {
		d0, _ := shop.FirstProcessingDayOnOrAfter(end.AddDays(-95 + i%88))
		earliest, _ := shop.AddProcessingDays(d0, 3)
		latest, _ := shop.AddProcessingDays(d0, 5)
		shipped, _ := shop.AddProcessingDays(d0, 2+i%6)
		delivered := shipped.AddDays(2 + i%5)
		out[i] = Record{
			FulfillmentID: int64(i/2 + 1), OrderID: int64(i/2 + 1), LineItemID: int64(i + 1),
			ProductID: int64(1 + i%2), VariantID: int64(11 + i%2*10),
			Source: delivery.SourceRule, Rule: []string{"handmade", "a", "b"}[i%3],
			Zone: "US", Method: []string{"standard", "express"}[i%2], Country: "US",
			OrderedAt: d0.At(9, 0, shop.Location()), Processing: delivery.Days{Min: 3, Max: 5},
			Ships: Window{earliest, latest}, Delivery: Window{earliest + 2, latest + 7},
			ShippedOn: shipped, DeliveredOn: &delivered,
		}
	}
	return out
}

// BenchmarkReport10k is the target: a shop's report from 10 000
// recorded lines in ≤ 50 ms.
func BenchmarkReport10k(b *testing.B) {
	shop := loadShop(b, calendarShop)
	records := syntheticRecords(b, shop, 10000)
	now := date(b, "2026-12-18").At(12, 0, shop.Location())
	b.ReportAllocs()
	for b.Loop() {
		rep := Report(shop, records, now, Window90)
		if rep.Overall.Lines == 0 {
			b.Fatal("no lines in the window")
		}
	}
}
