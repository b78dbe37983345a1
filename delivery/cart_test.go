package delivery_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
)

// TestQuoteCart: the cart ships together (DESIGN §3 step 8). All carts are
// quoted on Tue 14 Sep 2027 10:00 CEST in seShop (cutoff 14:00 CEST =
// 12:00Z, PostNord 1–3, no Swedish holiday in September). The lines, with
// their own answers counted from day0:
//
//	fast     0–1 days, day0 Tue 14: ships Tue 14 – Wed 15, ships today, cutoff Tue 14
//	four     4–4 days, day0 Tue 14: ships Mon 20 – Mon 20 (Wed 15, Thu 16, Fri 17, Mon 20)
//	wide     2–6 days, day0 Tue 14: ships Thu 16 – Wed 22
//	plain    1–3 days (default), day0 Tue 14: ships Wed 15 – Fri 17
//	preThu   1–3 days, ships_on Thu 16: day0 Thu 16, ships Fri 17 – Tue 21, cutoff Thu 16
//	preWed   2–4 days, ships_on Wed 15: day0 Wed 15, ships Fri 17 – Tue 21, cutoff Wed 15
//	preMon   0–1 days, ships_on Mon 20: day0 Mon 20, ships Mon 20 – Tue 21, cutoff Mon 20
//	back     backorder 1+7 – 3+14 days: ships Fri 24 Sep – Thu 7 Oct
//	soldOut  deny, none in stock: unavailable
//
// A line expires at its cutoff when that is today (12:00Z), else at
// midnight (Wed 15 00:00 CEST = 14 Sep 22:00Z).
func TestQuoteCart(t *testing.T) {
	var (
		fast    = delivery.Item{Product: withMeta(101, "fast", delivery.Metafields{ProcessingMinDays: intp(0), ProcessingMaxDays: intp(1)})}
		four    = delivery.Item{Product: withMeta(102, "four", delivery.Metafields{ProcessingMinDays: intp(4)})}
		wide    = delivery.Item{Product: withMeta(103, "wide", delivery.Metafields{ProcessingMinDays: intp(2), ProcessingMaxDays: intp(6)})}
		plain   = delivery.Item{Product: mug}
		preThu  = delivery.Item{Product: preorder(104, "2027-09-16")}
		preWed  = delivery.Item{Product: withMeta(105, "pre-wed", delivery.Metafields{ProcessingMinDays: intp(2), ProcessingMaxDays: intp(4), ShipsOn: datep("2027-09-15")})}
		preMon  = delivery.Item{Product: withMeta(106, "pre-mon", delivery.Metafields{ProcessingMinDays: intp(0), ProcessingMaxDays: intp(1), ShipsOn: datep("2027-09-20")})}
		back    = delivery.Item{Product: stocked(107, 0, delivery.PolicyContinue)}
		soldOut = delivery.Item{Product: stocked(108, 0, delivery.PolicyDeny)}
		unknown = delivery.Item{} // a product the shop does not know
		badVar  = delivery.Item{Product: mug, VariantID: 999}
	)
	const (
		tue14cutoff = "2027-09-14T14:00:00+02:00"
		midnight    = "2027-09-15T00:00:00+02:00"
	)
	tests := []struct {
		name  string
		items []delivery.Item
		dest  delivery.Destination
		want
		lineErrs []error // per line; nil when the line has an answer
	}{
		// The latest earliest (four: Mon 20) and the latest latest (wide: Wed 22).
		// Delivery from the cart's window: Mon 20 → Tue 21; Wed 22 → Thu 23, Fri 24,
		// Mon 27. Cutoff of the latest-shipping line, wide: today's.
		{"lines disagree", []delivery.Item{four, wide}, delivery.Destination{},
			want{"2027-09-20..2027-09-22", "2027-09-21..2027-09-27", tue14cutoff, false, tue14cutoff}, nil},
		{"lines disagree, other order", []delivery.Item{wide, four}, delivery.Destination{},
			want{"2027-09-20..2027-09-22", "2027-09-21..2027-09-27", tue14cutoff, false, tue14cutoff}, nil},
		// Bring 2–4 to Norway from the cart's Mon 20 – Wed 22: Mon 20 → Tue 21, Wed 22;
		// Wed 22 → Thu 23, Fri 24, Mon 27, Tue 28 (no Norwegian holiday then).
		{"lines disagree, to Norway", []delivery.Item{four, wide}, delivery.Destination{Country: "NO"},
			want{"2027-09-20..2027-09-22", "2027-09-22..2027-09-28", tue14cutoff, false, tue14cutoff}, nil},
		// preThu and preWed tie on both ends (Fri 17 – Tue 21): the first line's cutoff.
		// Delivery: Fri 17 → Mon 20; Tue 21 → Wed 22, Thu 23, Fri 24. Neither expires
		// before midnight.
		{"tie: first line's cutoff", []delivery.Item{preThu, preWed}, delivery.Destination{},
			want{"2027-09-17..2027-09-21", "2027-09-20..2027-09-24", "2027-09-16T14:00:00+02:00", false, midnight}, nil},
		{"tie: first line's cutoff, other order", []delivery.Item{preWed, preThu}, delivery.Destination{},
			want{"2027-09-17..2027-09-21", "2027-09-20..2027-09-24", "2027-09-15T14:00:00+02:00", false, midnight}, nil},
		// preThu and preMon tie on ships.latest (Tue 21); preMon ships earliest later
		// (Mon 20), so its cutoff, in either order. Cart Mon 20 – Tue 21; delivery
		// Tue 21 – Fri 24.
		{"tie on latest: greatest earliest", []delivery.Item{preThu, preMon}, delivery.Destination{},
			want{"2027-09-20..2027-09-21", "2027-09-21..2027-09-24", "2027-09-20T14:00:00+02:00", false, midnight}, nil},
		{"tie on latest: greatest earliest, other order", []delivery.Item{preMon, preThu}, delivery.Destination{},
			want{"2027-09-20..2027-09-21", "2027-09-21..2027-09-24", "2027-09-20T14:00:00+02:00", false, midnight}, nil},
		// wide ships latest (Wed 22) though preMon ships earliest later (Mon 20): wide's
		// cutoff, today's. Cart Mon 20 – Wed 22, delivery Tue 21 – Mon 27. Expires at the
		// earliest of the lines: wide's cutoff.
		{"greatest latest beats greatest earliest", []delivery.Item{preMon, wide}, delivery.Destination{},
			want{"2027-09-20..2027-09-22", "2027-09-21..2027-09-27", tue14cutoff, false, tue14cutoff}, nil},
		// One line that ships today: the cart ships today. Delivery Wed 15; Wed 15 →
		// Thu 16, Fri 17, Mon 20.
		{"ships today", []delivery.Item{fast}, delivery.Destination{},
			want{"2027-09-14..2027-09-15", "2027-09-15..2027-09-20", tue14cutoff, true, tue14cutoff}, nil},
		{"ships today only if every line does", []delivery.Item{fast, plain}, delivery.Destination{},
			want{"2027-09-15..2027-09-17", "2027-09-16..2027-09-22", tue14cutoff, false, tue14cutoff}, nil},
		// The sold-out and the unknown lines are left out, so every available line
		// ships today; the cart keeps fast's dates.
		{"unavailable and unknown lines left out", []delivery.Item{soldOut, fast, unknown, badVar}, delivery.Destination{},
			want{"2027-09-14..2027-09-15", "2027-09-15..2027-09-20", tue14cutoff, true, tue14cutoff},
			[]error{nil, nil, delivery.ErrUnknownProduct, delivery.ErrUnknownVariant}},
		// expires_at is the earliest over the lines: fast's cutoff (12:00Z) before
		// preThu's midnight. Cart Fri 17 – Tue 21 (preThu), cutoff preThu's (Thu 16).
		{"expires at the earliest line", []delivery.Item{preThu, fast}, delivery.Destination{},
			want{"2027-09-17..2027-09-21", "2027-09-20..2027-09-24", "2027-09-16T14:00:00+02:00", false, tue14cutoff}, nil},
		// A backorder line makes the whole cart wait: Fri 24 Sep – Thu 7 Oct;
		// delivery Mon 27 Sep – Tue 12 Oct (Thu 7 → Fri 8, Mon 11, Tue 12).
		{"backorder line", []delivery.Item{plain, back}, delivery.Destination{},
			want{"2027-09-24..2027-10-07", "2027-09-27..2027-10-12", tue14cutoff, false, tue14cutoff}, nil},
		// No available line: no dates, no cutoff, expires at the next midnight.
		{"no available line", []delivery.Item{soldOut, unknown}, delivery.Destination{},
			want{expires: midnight}, []error{nil, delivery.ErrUnknownProduct}},
		{"empty cart", nil, delivery.Destination{}, want{expires: midnight}, nil},
	}
	at := instant(t, "2027-09-14T08:00:00Z")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handles := make([]string, len(tt.items))
			for i, it := range tt.items {
				handles[i] = "?"
				if it.Product != nil {
					handles[i] = it.Product.Handle
				}
			}
			call := fmt.Sprintf("QuoteCart([%s] to %+v at %s)", strings.Join(handles, " "), tt.dest, at.Format("2006-01-02T15:04Z07:00"))
			c, err := delivery.QuoteCart(seShop, tt.items, tt.dest, at)
			if err != nil {
				t.Fatalf("%s: %v", call, err)
			}
			if want := tt.ships != ""; c.Available != want {
				t.Errorf("%s available = %v, want %v", call, c.Available, want)
			}
			checkWant(t, call, seShop.Location(), c.Ships, c.Delivery, c.Cutoff, c.ExpiresAt, tt.want)
			if len(c.Lines) != len(tt.items) {
				t.Fatalf("%s has %d lines, want %d (one per item, in order)", call, len(c.Lines), len(tt.items))
			}
			for i, l := range c.Lines {
				var wantErr error
				if tt.lineErrs != nil {
					wantErr = tt.lineErrs[i]
				}
				if !errors.Is(l.Err, wantErr) || (wantErr == nil && l.Err != nil) {
					t.Errorf("%s line %d error = %v, want %v", call, i, l.Err, wantErr)
				}
				if p := tt.items[i].Product; p != nil && l.ProductID != p.ID {
					t.Errorf("%s line %d product = %d, want %d", call, i, l.ProductID, p.ID)
				}
			}
		})
	}
}

// TestQuoteCartLines: each line keeps its own answer.
func TestQuoteCartLines(t *testing.T) {
	at := instant(t, "2027-09-14T08:00:00Z")
	items := []delivery.Item{
		{Product: mug, Quantity: 2},
		{Product: stocked(108, 0, delivery.PolicyDeny)},
		{Product: withMeta(102, "four", delivery.Metafields{ProcessingMinDays: intp(4)})},
		{Product: mug, VariantID: 999, Quantity: 3},
	}
	c, err := delivery.QuoteCart(seShop, items, delivery.Destination{}, at)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ships     string // the line's own window (see TestQuoteCart)
		available bool
		quantity  int
		variantID int64
	}{
		{"2027-09-15..2027-09-17", true, 2, 11},
		{"", false, 1, 1081},
		{"2027-09-20..2027-09-20", true, 1, 1021},
		{"", false, 3, 999}, // unknown variant: reported with what was asked for
	}
	for i, tt := range tests {
		l := c.Lines[i]
		if got := window(l.Ships); got != tt.ships || l.Available != tt.available || l.Quantity != tt.quantity || l.VariantID != tt.variantID {
			t.Errorf("QuoteCart line %d = ships %q available %v quantity %d variant %d, want %q %v %d %d",
				i, got, l.Available, l.Quantity, l.VariantID, tt.ships, tt.available, tt.quantity, tt.variantID)
		}
	}
}

func TestQuoteCartRouteErrors(t *testing.T) {
	at := instant(t, "2027-09-14T08:00:00Z")
	items := []delivery.Item{{Product: mug}}
	tests := []struct {
		dest delivery.Destination
		want error
	}{
		{delivery.Destination{Country: "XX"}, delivery.ErrUnknownCountry},
		{delivery.Destination{Country: "SE", Method: "drone"}, delivery.ErrUnknownMethod},
	}
	for _, tt := range tests {
		if _, err := delivery.QuoteCart(seShop, items, tt.dest, at); !errors.Is(err, tt.want) {
			t.Errorf("QuoteCart(to %+v) error = %v, want %v", tt.dest, err, tt.want)
		}
	}
	noWorld := mustCompile(with(seSettings(), func(st *delivery.Settings) { st.Shipping.Zones = st.Shipping.Zones[:1] }))
	if _, err := delivery.QuoteCart(noWorld, items, delivery.Destination{Country: "NO"}, at); !errors.Is(err, delivery.ErrCountryNotServed) {
		t.Errorf("QuoteCart(to NO, no * zone) error = %v, want %v", err, delivery.ErrCountryNotServed)
	}
}
