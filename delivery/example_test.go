package delivery_test

import (
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// The product answer of DESIGN §4: the wool sweater, quoted on Saturday
// 28 Nov 2026 at 09:15 in Stockholm. Processing starts on Monday 30 Nov;
// the product's metafields give 5–8 processing days (Mon 7 – Thu 10 Dec);
// PostNord takes 1–3 carrier days (Tue 8 – Tue 15 Dec). The answer holds
// until midnight, as Monday's cutoff is later.
func Example() {
	shop, err := delivery.LoadShop([]byte(`
shop: demo-handmade.myshopify.com
timezone: Europe/Stockholm
country: SE
cutoff: "14:00"
closures: [{from: 2026-12-24, to: 2027-01-01, label: Julstängt}]
processing: {min: 1, max: 3}
rules:
  - {name: handmade, match: {tags: [handmade]}, processing: {min: 3, max: 5}, readiness: made_to_order}
shipping:
  zones:
    - name: Sweden
      countries: [SE]
      methods: [{code: standard, name: PostNord, min: 1, max: 3}]
catalog:
  - id: 1001
    handle: wool-sweater
    tags: [handmade]
    metafields: {processing_min_days: 5, processing_max_days: 8}
    variants: [{id: 2001, title: S, inventory_quantity: 3, inventory_policy: deny}]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	sweater, _ := shop.ProductByHandle("wool-sweater")
	now := time.Date(2026, time.November, 28, 8, 15, 0, 0, time.UTC) // 09:15 in Stockholm
	a, err := delivery.Quote(shop, delivery.Item{Product: sweater}, delivery.Destination{Country: "SE"}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("processing:", a.Processing.MinDays, "to", a.Processing.MaxDays, "days,", a.Processing.Source, a.Processing.Readiness)
	fmt.Println("ships:", a.Ships.Earliest, "to", a.Ships.Latest)
	fmt.Println("delivery:", a.Delivery.Earliest, "to", a.Delivery.Latest)
	fmt.Println("cutoff:", a.Cutoff.At.Format(time.RFC3339), "ships today:", a.Cutoff.ShipsToday)
	fmt.Println("expires:", a.ExpiresAt.Format(time.RFC3339))
	// Output:
	// processing: 5 to 8 days, product_metafield made_to_order
	// ships: 2026-12-07 to 2026-12-10
	// delivery: 2026-12-08 to 2026-12-15
	// cutoff: 2026-11-30T14:00:00+01:00 ships today: false
	// expires: 2026-11-29T00:00:00+01:00
}
