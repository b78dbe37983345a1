package promise_test

import (
	"context"
	"errors"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
)

// lineWant is what one cart line must say: an answer, or an error code.
type lineWant struct {
	product, variant int64
	quantity         int
	ships            string // or the error code below
	errCode          string
}

// cartWant is what a cart answer must say as a whole.
type cartWant struct {
	available       bool
	ships, delivery string
	cutoff, expires string
	kind            message.Kind
	lines           []lineWant
}

func TestEngineCart(t *testing.T) {
	e := catalogEngine(t)
	const tue10 = "2027-09-14T10:00:00+02:00" // Tuesday 14 September 2027, before the cutoff
	for _, tc := range []struct {
		name  string
		lines []promise.CartLine
		at    string
		want  cartWant
	}{
		{
			// The mug ships Wed 15 - Thu 16, the vase today; the cart ships
			// with its slowest line, so Wed 15 - Thu 16, delivered Thu 16 -
			// Mon 20, at the mug's cutoff. The unknown handle is reported
			// and left out.
			name:  "by product, with an unknown line",
			lines: []promise.CartLine{{Handle: "mug", Quantity: 2}, {ProductID: 102}, {Handle: "teapot"}},
			at:    tue10,
			want: cartWant{
				available: true, ships: "2027-09-15..2027-09-16", delivery: "2027-09-16..2027-09-20",
				cutoff: "2027-09-14T14:00:00+02:00", expires: "2027-09-14T14:00:00+02:00", kind: message.KindCart,
				lines: []lineWant{
					{product: 101, variant: 201, quantity: 2, ships: "2027-09-15..2027-09-16"},
					{product: 102, variant: 211, quantity: 1, ships: "2027-09-14..2027-09-14"},
					{quantity: 1, errCode: "unknown_product"},
				},
			},
		},
		{
			// The backordered white mug ships Wed 22 - Thu 23, so the cart
			// does: delivered Thu 23 - Mon 27. A line whose variant is
			// another product's is unknown, as the product route says.
			name: "by variant, with a backorder and unknown variants",
			lines: []promise.CartLine{
				{VariantID: 201}, {VariantID: 203}, {VariantID: 999}, {ProductID: 102, VariantID: 201}, {Handle: "vase", VariantID: 201},
			},
			at: tue10,
			want: cartWant{
				available: true, ships: "2027-09-22..2027-09-23", delivery: "2027-09-23..2027-09-27",
				cutoff: "2027-09-14T14:00:00+02:00", expires: "2027-09-14T14:00:00+02:00", kind: message.KindCart,
				lines: []lineWant{
					{product: 101, variant: 201, quantity: 1, ships: "2027-09-15..2027-09-16"},
					{product: 101, variant: 203, quantity: 1, ships: "2027-09-22..2027-09-23"},
					{variant: 999, quantity: 1, errCode: "unknown_product"},
					{product: 102, variant: 201, quantity: 1, errCode: "unknown_product"},
					{variant: 201, quantity: 1, errCode: "unknown_product"},
				},
			},
		},
		{
			// Only the vase: every line ships today, so the cart may count
			// down to the cutoff.
			name:  "ships today",
			lines: []promise.CartLine{{ProductID: 102, Quantity: 3}},
			at:    tue10,
			want: cartWant{
				available: true, ships: "2027-09-14..2027-09-14", delivery: "2027-09-15..2027-09-16",
				cutoff: "2027-09-14T14:00:00+02:00 ships today", expires: "2027-09-14T14:00:00+02:00", kind: message.KindCart,
				lines: []lineWant{{product: 102, variant: 211, quantity: 3, ships: "2027-09-14..2027-09-14"}},
			},
		},
		{
			// 6 blue mugs when 5 are in stock, and the green one is sold
			// out: nothing can be sold, so no dates, until midnight.
			name:  "nothing available",
			lines: []promise.CartLine{{VariantID: 201, Quantity: 6}, {VariantID: 202}},
			at:    tue10,
			want: cartWant{
				available: false, ships: "none", delivery: "none", cutoff: "none", expires: "2027-09-15T00:00:00+02:00",
				kind: message.KindUnavailable,
				lines: []lineWant{
					{product: 101, variant: 201, quantity: 6, ships: "none"},
					{product: 101, variant: 202, quantity: 1, ships: "none"},
				},
			},
		},
		{
			// After Friday's cutoff: day0 is Mon 20, the mug ships Tue 21 -
			// Wed 22, delivered Wed 22 - Fri 24; the answer holds until
			// midnight.
			name:  "after the cutoff",
			lines: []promise.CartLine{{Handle: "mug"}},
			at:    "2027-09-17T16:00:00+02:00",
			want: cartWant{
				available: true, ships: "2027-09-21..2027-09-22", delivery: "2027-09-22..2027-09-24",
				cutoff: "2027-09-20T14:00:00+02:00", expires: "2027-09-18T00:00:00+02:00", kind: message.KindCart,
				lines: []lineWant{{product: 101, variant: 201, quantity: 1, ships: "2027-09-21..2027-09-22"}},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := promise.CartRequest{Shop: testShop, Lines: tc.lines}
			c, err := e.Cart(context.Background(), req, at(t, tc.at))
			if err != nil {
				t.Fatalf("Cart(%+v) error: %v", req, err)
			}
			checkCart(t, c, tc.want)
		})
	}
}

func checkCart(t *testing.T, c *promise.CartAnswer, want cartWant) {
	t.Helper()
	if c.Available != want.available {
		t.Errorf("Cart: available = %v, want %v", c.Available, want.available)
	}
	if got := window(c.Ships); got != want.ships {
		t.Errorf("Cart: ships = %s, want %s", got, want.ships)
	}
	if got := window(c.Delivery); got != want.delivery {
		t.Errorf("Cart: delivery = %s, want %s", got, want.delivery)
	}
	if got := cutoff(c.Cutoff); got != want.cutoff {
		t.Errorf("Cart: cutoff = %s, want %s", got, want.cutoff)
	}
	if got := c.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"); got != want.expires {
		t.Errorf("Cart: expires_at = %s, want %s", got, want.expires)
	}
	if c.Message == nil || c.Message.Kind != want.kind {
		t.Errorf("Cart: message = %+v, want a %q message", c.Message, want.kind)
	}
	if c.Shop != testShop || c.Zone != "Sverige" || c.Locale != "sv" {
		t.Errorf("Cart: shop, zone, locale = %q, %q, %q, want %q, Sverige, sv", c.Shop, c.Zone, c.Locale, testShop)
	}
	if len(c.Lines) != len(want.lines) {
		t.Fatalf("Cart: %d lines, want %d", len(c.Lines), len(want.lines))
	}
	for i, w := range want.lines {
		l := c.Lines[i]
		if l.ProductID != w.product || l.VariantID != w.variant || l.Quantity != w.quantity {
			t.Errorf("line %d: product, variant, quantity = %d, %d, %d, want %d, %d, %d",
				i, l.ProductID, l.VariantID, l.Quantity, w.product, w.variant, w.quantity)
		}
		gotCode := ""
		if l.Error != nil {
			gotCode = l.Error.Code
		}
		if gotCode != w.errCode {
			t.Errorf("line %d: error = %+v, want code %q", i, l.Error, w.errCode)
		}
		if w.errCode != "" {
			if l.Available || l.Ships != nil || l.Processing != nil || l.Message != nil {
				t.Errorf("line %d: failed line carries an answer: %+v", i, l)
			}
			if !l.ExpiresAt.Equal(c.ExpiresAt) {
				t.Errorf("line %d: expires_at = %v, want the cart's %v", i, l.ExpiresAt, c.ExpiresAt)
			}
			continue
		}
		if got := window(l.Ships); got != w.ships {
			t.Errorf("line %d: ships = %s, want %s", i, got, w.ships)
		}
	}
}

// TestEngineCartErrors: a cart fails as a whole only when its shop or
// destination is wrong; its lines never fail it.
func TestEngineCartErrors(t *testing.T) {
	e := catalogEngine(t)
	now := at(t, "2027-09-14T10:00:00+02:00")
	lines := []promise.CartLine{{Handle: "mug"}}
	for _, tc := range []struct {
		name string
		req  promise.CartRequest
		want error
	}{
		{"unknown shop", promise.CartRequest{Shop: "other.myshopify.com", Lines: lines}, promise.ErrShopNotInstalled},
		{"unknown country", promise.CartRequest{Shop: testShop, Lines: lines, Dest: delivery.Destination{Country: "XX"}}, delivery.ErrUnknownCountry},
		{"country not served", promise.CartRequest{Shop: testShop, Lines: lines, Dest: delivery.Destination{Country: "US"}}, delivery.ErrCountryNotServed},
		{"unknown method", promise.CartRequest{Shop: testShop, Lines: lines, Dest: delivery.Destination{Country: "DK", Method: "express"}}, delivery.ErrUnknownMethod},
	} {
		c, err := e.Cart(context.Background(), tc.req, now)
		if !errors.Is(err, tc.want) || c != nil {
			t.Errorf("%s: Cart(%+v) = %+v, %v, want error %v", tc.name, tc.req, c, err, tc.want)
		}
	}
}
