package promise_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
)

// testShop is testdata/shop.yaml: a Stockholm shop with a 14:00 cutoff,
// Mon-Fri processing of 1-2 days and Mon-Fri carriers.
const testShop = "test-promise.myshopify.com"

func loadShop(t *testing.T) *delivery.Shop {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shop, err := delivery.LoadShop(data)
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

// catalogEngine answers for the test shop from its offline catalog, as
// `leadtime quote` and the demo do.
func catalogEngine(t *testing.T) *promise.Engine {
	t.Helper()
	return &promise.Engine{
		Shops:    promise.StaticShops{testShop: loadShop(t)},
		Products: promise.Catalog{},
	}
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// window writes a window as "earliest..latest", or "none".
func window(w *promise.WindowJSON) string {
	if w == nil {
		return "none"
	}
	return w.Earliest.String() + ".." + w.Latest.String()
}

// cutoff writes a cutoff as its instant (in the shop's zone) and whether
// the order ships today, or "none".
func cutoff(c *promise.CutoffJSON) string {
	if c == nil {
		return "none"
	}
	today := ""
	if c.ShipsToday {
		today = " ships today"
	}
	return c.At.Format(time.RFC3339) + today
}

// productWant is what a product answer must say. Dates are counted on the
// calendar of 2027 in each case's comment.
type productWant struct {
	variant          int64
	available        bool
	source           delivery.Source
	rule             string
	minDays, maxDays int
	backorder        bool
	shipsOn          string // the pre-order's date, or ""
	ships, delivery  string
	cutoff, expires  string
	zone, method     string
	kind             message.Kind
}

func TestEngineProduct(t *testing.T) {
	e := catalogEngine(t)
	const tue10 = "2027-09-14T10:00:00+02:00" // Tuesday 14 September 2027, before the cutoff
	for _, tc := range []struct {
		name string
		req  promise.ProductRequest
		at   string
		want productWant
	}{
		{
			// day0 is today, Tue 14. 1-2 processing days: Wed 15 - Thu 16.
			// PostNord 1-2 carrier days: Thu 16 - Mon 20 (over the weekend).
			// The answer holds until today's cutoff.
			name: "by handle, first available variant, before the cutoff",
			req:  promise.ProductRequest{Shop: testShop, Handle: "mug"},
			at:   tue10,
			want: productWant{
				variant: 201, available: true, source: delivery.SourceDefault, minDays: 1, maxDays: 2,
				ships: "2027-09-15..2027-09-16", delivery: "2027-09-16..2027-09-20",
				cutoff: "2027-09-14T14:00:00+02:00", expires: "2027-09-14T14:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindProduct,
			},
		},
		{
			// 07:59:59 in New York is 13:59:59 in Stockholm: still before
			// the shop's cutoff, so the same dates as at 10:00.
			name: "the shop's clock counts, not the visitor's",
			req:  promise.ProductRequest{Shop: testShop, Handle: "mug"},
			at:   "2027-09-14T07:59:59-04:00",
			want: productWant{
				variant: 201, available: true, source: delivery.SourceDefault, minDays: 1, maxDays: 2,
				ships: "2027-09-15..2027-09-16", delivery: "2027-09-16..2027-09-20",
				cutoff: "2027-09-14T14:00:00+02:00", expires: "2027-09-14T14:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindProduct,
			},
		},
		{
			// Exactly at the cutoff is not before it: day0 is Wed 15.
			// Ships Thu 16 - Fri 17, delivered Fri 17 - Tue 21. The answer
			// expires at midnight, before Wednesday's cutoff.
			name: "at the cutoff",
			req:  promise.ProductRequest{Shop: testShop, ProductID: 101, VariantID: 201},
			at:   "2027-09-14T12:00:00Z",
			want: productWant{
				variant: 201, available: true, source: delivery.SourceDefault, minDays: 1, maxDays: 2,
				ships: "2027-09-16..2027-09-17", delivery: "2027-09-17..2027-09-21",
				cutoff: "2027-09-15T14:00:00+02:00", expires: "2027-09-15T00:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindProduct,
			},
		},
		{
			// Friday 17 after the cutoff: day0 is Monday 20. Ships Tue 21 -
			// Wed 22, delivered Wed 22 - Fri 24.
			name: "Friday after the cutoff skips the weekend",
			req:  promise.ProductRequest{Shop: testShop, ProductID: 101},
			at:   "2027-09-17T16:00:00+02:00",
			want: productWant{
				variant: 201, available: true, source: delivery.SourceDefault, minDays: 1, maxDays: 2,
				ships: "2027-09-21..2027-09-22", delivery: "2027-09-22..2027-09-24",
				cutoff: "2027-09-20T14:00:00+02:00", expires: "2027-09-18T00:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindProduct,
			},
		},
		{
			// Wed 5 May 2027; Thu 6 is Ascension Day (Easter is 28 March).
			// 1-2 processing days: Fri 7 - Mon 10. Delivered Mon 10 - Wed 12.
			name: "a Swedish holiday is no processing day",
			req:  promise.ProductRequest{Shop: testShop, Handle: "mug"},
			at:   "2027-05-05T10:00:00+02:00",
			want: productWant{
				variant: 201, available: true, source: delivery.SourceDefault, minDays: 1, maxDays: 2,
				ships: "2027-05-07..2027-05-10", delivery: "2027-05-10..2027-05-12",
				cutoff: "2027-05-05T14:00:00+02:00", expires: "2027-05-05T14:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindProduct,
			},
		},
		{
			// Out of stock, sold anyway: 1+5 to 2+5 processing days from Tue
			// 14: Wed 22 - Thu 23. Delivered Thu 23 - Mon 27.
			name: "backorder",
			req:  promise.ProductRequest{Shop: testShop, ProductID: 101, VariantID: 203},
			at:   tue10,
			want: productWant{
				variant: 203, available: true, source: delivery.SourceDefault, minDays: 6, maxDays: 7, backorder: true,
				ships: "2027-09-22..2027-09-23", delivery: "2027-09-23..2027-09-27",
				cutoff: "2027-09-14T14:00:00+02:00", expires: "2027-09-14T14:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindBackorder,
			},
		},
		{
			// Out of stock and not sold: no dates, valid until midnight.
			name: "sold out",
			req:  promise.ProductRequest{Shop: testShop, Handle: "mug", VariantID: 202},
			at:   tue10,
			want: productWant{
				variant: 202, available: false, source: delivery.SourceDefault, minDays: 1, maxDays: 2,
				ships: "none", delivery: "none", cutoff: "none", expires: "2027-09-15T00:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindUnavailable,
			},
		},
		{
			// The ready-made rule: 0 processing days, so it ships today,
			// Tue 14, and is delivered Wed 15 - Thu 16.
			name: "ships today by a rule",
			req:  promise.ProductRequest{Shop: testShop, Handle: "vase"},
			at:   tue10,
			want: productWant{
				variant: 211, available: true, source: delivery.SourceRule, rule: "ready-made",
				ships: "2027-09-14..2027-09-14", delivery: "2027-09-15..2027-09-16",
				cutoff: "2027-09-14T14:00:00+02:00 ships today", expires: "2027-09-14T14:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindProduct,
			},
		},
		{
			// A pre-order: processing starts on its ships_on date, Mon 4
			// October. 1-2 days: Tue 5 - Wed 6, delivered Wed 6 - Fri 8.
			// The answer holds until midnight, before that day's cutoff.
			name: "pre-order",
			req:  promise.ProductRequest{Shop: testShop, Handle: "kiln-mug"},
			at:   tue10,
			want: productWant{
				variant: 221, available: true, source: delivery.SourceProductMetafield, minDays: 1, maxDays: 2,
				shipsOn: "2027-10-04", ships: "2027-10-05..2027-10-06", delivery: "2027-10-06..2027-10-08",
				cutoff: "2027-10-04T14:00:00+02:00", expires: "2027-09-15T00:00:00+02:00",
				zone: "Sverige", method: "standard", kind: message.KindPreorder,
			},
		},
		{
			// Express is 1 carrier day: Thu 16 - Fri 17.
			name: "another method",
			req:  promise.ProductRequest{Shop: testShop, Handle: "mug", Dest: delivery.Destination{Country: "SE", Method: "express"}},
			at:   tue10,
			want: productWant{
				variant: 201, available: true, source: delivery.SourceDefault, minDays: 1, maxDays: 2,
				ships: "2027-09-15..2027-09-16", delivery: "2027-09-16..2027-09-17",
				cutoff: "2027-09-14T14:00:00+02:00", expires: "2027-09-14T14:00:00+02:00",
				zone: "Sverige", method: "express", kind: message.KindProduct,
			},
		},
		{
			// Bring to Denmark, 2-4 carrier days: Wed 15 + 2 = Fri 17;
			// Thu 16 + 4 = Wed 22.
			name: "another zone",
			req:  promise.ProductRequest{Shop: testShop, Handle: "mug", Dest: delivery.Destination{Country: "DK"}},
			at:   tue10,
			want: productWant{
				variant: 201, available: true, source: delivery.SourceDefault, minDays: 1, maxDays: 2,
				ships: "2027-09-15..2027-09-16", delivery: "2027-09-17..2027-09-22",
				cutoff: "2027-09-14T14:00:00+02:00", expires: "2027-09-14T14:00:00+02:00",
				zone: "Norden", method: "standard", kind: message.KindProduct,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := e.Product(context.Background(), tc.req, at(t, tc.at))
			if err != nil {
				t.Fatalf("Product(%+v) error: %v", tc.req, err)
			}
			checkProduct(t, "Product", a, tc.want)
			if a.Stale {
				t.Errorf("Product: stale = true, want false (from the offline catalog)")
			}
			if a.Quantity != 0 {
				t.Errorf("Product: quantity = %d, want 0 (omitted outside carts)", a.Quantity)
			}
		})
	}
}

func checkProduct(t *testing.T, what string, a *promise.ProductAnswer, want productWant) {
	t.Helper()
	if a.Error != nil {
		t.Fatalf("%s: error %+v, want an answer", what, a.Error)
	}
	if a.VariantID != want.variant {
		t.Errorf("%s: variant_id = %d, want %d", what, a.VariantID, want.variant)
	}
	if a.Available != want.available {
		t.Errorf("%s: available = %v, want %v", what, a.Available, want.available)
	}
	if p := a.Processing; p == nil {
		t.Errorf("%s: processing = nil, want %+v", what, want)
	} else {
		if p.Source != want.source || p.Rule != want.rule {
			t.Errorf("%s: processing source, rule = %q, %q, want %q, %q", what, p.Source, p.Rule, want.source, want.rule)
		}
		shipsOn := ""
		if p.ShipsOn != nil {
			shipsOn = p.ShipsOn.String()
		}
		if shipsOn != want.shipsOn {
			t.Errorf("%s: processing ships_on = %q, want %q", what, shipsOn, want.shipsOn)
		}
		if p.MinDays != want.minDays || p.MaxDays != want.maxDays || p.Backorder != want.backorder {
			t.Errorf("%s: processing = %d-%d backorder %v, want %d-%d backorder %v",
				what, p.MinDays, p.MaxDays, p.Backorder, want.minDays, want.maxDays, want.backorder)
		}
	}
	if got := window(a.Ships); got != want.ships {
		t.Errorf("%s: ships = %s, want %s", what, got, want.ships)
	}
	if got := window(a.Delivery); got != want.delivery {
		t.Errorf("%s: delivery = %s, want %s", what, got, want.delivery)
	}
	if got := cutoff(a.Cutoff); got != want.cutoff {
		t.Errorf("%s: cutoff = %s, want %s", what, got, want.cutoff)
	}
	if got := a.ExpiresAt.Format(time.RFC3339); got != want.expires {
		t.Errorf("%s: expires_at = %s, want %s", what, got, want.expires)
	}
	if a.Zone != want.zone || a.Method != want.method {
		t.Errorf("%s: zone, method = %q, %q, want %q, %q", what, a.Zone, a.Method, want.zone, want.method)
	}
	if a.Message == nil || a.Message.Kind != want.kind || a.Message.Text == "" {
		t.Errorf("%s: message = %+v, want a %q message", what, a.Message, want.kind)
	}
}

// TestEngineProductHeader: every answer says whose promise it is, when
// it was quoted (in the shop's zone, in whole seconds), and where to.
func TestEngineProductHeader(t *testing.T) {
	e := catalogEngine(t)
	a, err := e.Product(context.Background(), promise.ProductRequest{Shop: testShop, Handle: "mug", Locale: "en-US"},
		at(t, "2027-09-14T08:00:00.750Z"))
	if err != nil {
		t.Fatal(err)
	}
	want := promise.Header{
		Shop: testShop, Timezone: "Europe/Stockholm", Country: "SE", Zone: "Sverige", Method: "standard", Locale: "en",
	}
	got := a.Header
	got.QuotedAt = time.Time{}
	if got != want {
		t.Errorf("Header = %+v, want %+v", got, want)
	}
	if q, want := a.QuotedAt.Format(time.RFC3339Nano), "2027-09-14T10:00:00+02:00"; q != want {
		t.Errorf("quoted_at = %s, want %s", q, want)
	}
	if a.ProductID != 101 {
		t.Errorf("product_id = %d, want 101", a.ProductID)
	}
}

// TestEngineShopMessages: the shop's own template replaces the built-in
// text in the locale it is written for, and only there.
func TestEngineShopMessages(t *testing.T) {
	e := catalogEngine(t)
	now := at(t, "2027-09-14T10:00:00+02:00")
	for _, tc := range []struct {
		locale, wantLocale string
		custom             bool
	}{
		{"en", "en", true},
		{"sv", "sv", false},
		{"", "sv", false}, // the shop's primary locale
	} {
		a, err := e.Product(context.Background(), promise.ProductRequest{Shop: testShop, Handle: "mug", VariantID: 202, Locale: tc.locale}, now)
		if err != nil {
			t.Fatal(err)
		}
		if a.Locale != tc.wantLocale {
			t.Errorf("Product(locale %q): locale = %q, want %q", tc.locale, a.Locale, tc.wantLocale)
		}
		if got := a.Message.Text == "Gone for now."; got != tc.custom {
			t.Errorf("Product(locale %q): message %q, want the shop's template: %v", tc.locale, a.Message.Text, tc.custom)
		}
	}
}

// TestEngineProductErrors: each request the engine cannot answer fails
// with the typed error that the HTTP layer maps to its 4xx, by its code.
func TestEngineProductErrors(t *testing.T) {
	e := catalogEngine(t)
	now := at(t, "2027-09-14T10:00:00+02:00")
	for _, tc := range []struct {
		name string
		req  promise.ProductRequest
		at   time.Time
		want error
		code string
	}{
		{"unknown shop", promise.ProductRequest{Shop: "other.myshopify.com", Handle: "mug"}, now, promise.ErrShopNotInstalled, "shop_not_installed"},
		{"unknown product id", promise.ProductRequest{Shop: testShop, ProductID: 999}, now, delivery.ErrUnknownProduct, "unknown_product"},
		{"unknown handle", promise.ProductRequest{Shop: testShop, Handle: "teapot"}, now, delivery.ErrUnknownProduct, "unknown_product"},
		{"variant of another product", promise.ProductRequest{Shop: testShop, ProductID: 101, VariantID: 211}, now, delivery.ErrUnknownVariant, "unknown_product"},
		{"unknown country", promise.ProductRequest{Shop: testShop, Handle: "mug", Dest: delivery.Destination{Country: "XX"}}, now, delivery.ErrUnknownCountry, "invalid_country"},
		{"country not served", promise.ProductRequest{Shop: testShop, Handle: "mug", Dest: delivery.Destination{Country: "US"}}, now, delivery.ErrCountryNotServed, "country_not_served"},
		{"unknown method", promise.ProductRequest{Shop: testShop, Handle: "mug", Dest: delivery.Destination{Method: "drone"}}, now, delivery.ErrUnknownMethod, "invalid_method"},
		{"date out of range", promise.ProductRequest{Shop: testShop, Handle: "mug"}, at(t, "1960-01-04T10:00:00Z"), delivery.ErrOutOfRange, "date_out_of_range"},
	} {
		a, err := e.Product(context.Background(), tc.req, tc.at)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Product(%+v) = %v, %v, want error %v", tc.name, tc.req, a, err, tc.want)
			continue
		}
		if a != nil {
			t.Errorf("%s: Product answered %+v with its error", tc.name, a)
		}
		if got := promise.Code(err); got != tc.code {
			t.Errorf("%s: Code(%v) = %q, want %q", tc.name, err, got, tc.code)
		}
	}
}
