package delivery

import (
	"testing"
	"time"
)

func TestDaysBetween(t *testing.T) {
	shop, err := LoadShop([]byte(`
shop: x.myshopify.com
timezone: America/New_York
country: US
closures: [{from: 2026-12-07, to: 2026-12-09}]
shipping: {zones: [{name: US, countries: [US], methods: [{code: standard, min: 1, max: 2}]}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name            string
		from, to        string
		proc, carrierUS int
	}{
		{"same day", "2026-11-24", "2026-11-24", 0, 0},
		{"backwards", "2026-11-25", "2026-11-24", 0, 0},
		{"over Thanksgiving (Thu 26 Nov)", "2026-11-24", "2026-11-30", 3, 3},
		{"over the closure (7–9 Dec, carriers still work)", "2026-12-04", "2026-12-11", 2, 5},
		{"a weekend alone", "2026-12-04", "2026-12-06", 0, 0},
		{"into the next year (Christmas, New Year)", "2026-12-23", "2027-01-04", 6, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := shop.ProcessingDaysBetween(d(tc.from), d(tc.to)); got != tc.proc {
				t.Errorf("ProcessingDaysBetween(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.proc)
			}
			if got := shop.CarrierDaysBetween("US", d(tc.from), d(tc.to)); got != tc.carrierUS {
				t.Errorf("CarrierDaysBetween(US, %s, %s) = %d, want %d", tc.from, tc.to, got, tc.carrierUS)
			}
		})
	}
	// Day0 after the Friday cutoff, across the closure: Thu 10 Dec.
	got, ok := shop.Day0(time.Date(2026, 12, 4, 16, 0, 0, 0, shop.Location()))
	if want := d("2026-12-10"); !ok || got != want {
		t.Errorf("Day0(Fri 4 Dec 16:00) = %s, %v, want %s", got, ok, want)
	}
}
