package delivery_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
)

// seRuleShop adds a made-to-order rule on the tag "handmade" (4–6 days) to
// seShop.
var seRuleShop = mustCompile(with(seSettings(), func(st *delivery.Settings) {
	st.Rules = []delivery.Rule{{Name: "handmade", Match: delivery.Match{Tags: []delivery.Ref{"Handmade"}}, Processing: &delivery.Days{Min: 4, Max: 6}}}
}))

// TestHandling: handling days as Merchant Center counts them, from the same
// precedence as Quote. Unless a row says otherwise, the order is placed on
// Tue 14 Sep 2027 10:00 CEST (08:00Z), before the 14:00 cutoff, so day0 is
// Tue 14; Sep 2027 has no Swedish holiday. Processing days after Tue 14:
// 15 W, 16 T, 17 F, 20 M, 21 T, 22 W, 23 T, 24 F, 27 M, ...
func TestHandling(t *testing.T) {
	handmade := &delivery.Product{ID: 50, Handle: "scarf", Tags: []string{"handmade"}, Variants: []delivery.Variant{{ID: 501}}}
	variantMeta := &delivery.Product{ID: 51, Handle: "lamp", Metafields: delivery.Metafields{ProcessingMinDays: intp(2), ProcessingMaxDays: intp(4)},
		Variants: []delivery.Variant{{ID: 511, Metafields: delivery.Metafields{ProcessingMinDays: intp(5), ProcessingMaxDays: intp(8)}}}}
	tests := []struct {
		name     string
		shop     *delivery.Shop
		product  *delivery.Product
		at       string
		want     string // "MIN-MAX SOURCE [backorder] [preorder from DATE]", or "unavailable"
		wantRule string
	}{
		{"shop default", seShop, mug, "2027-09-14T08:00:00Z", "1-3 default", ""},
		{"product metafields", seShop, quick, "2027-09-14T08:00:00Z", "0-2 product_metafield", ""},
		{"variant metafields win over the product's", seShop, variantMeta, "2027-09-14T08:00:00Z", "5-8 variant_metafield", ""},
		{"a rule on a tag, any case", seRuleShop, handmade, "2027-09-14T08:00:00Z", "4-6 rule", "handmade"},
		// Out of stock, sold anyway: 1+7 and 3+14.
		{"backorder", seShop, stocked(60, 0, delivery.PolicyContinue), "2027-09-14T08:00:00Z", "8-17 default backorder", ""},
		{"in stock", seShop, stocked(61, 2, delivery.PolicyDeny), "2027-09-14T08:00:00Z", "1-3 default", ""},
		{"sold out", seShop, stocked(62, 0, delivery.PolicyDeny), "2027-09-14T08:00:00Z", "unavailable", ""},
		// ships_on Wed 22: 6 processing days after Tue 14 reach it (15, 16, 17,
		// 20, 21, 22), so 6+1 and 6+3.
		{"pre-order", seShop, preorder(70, "2027-09-22"), "2027-09-14T08:00:00Z", "7-9 default preorder from 2027-09-22", ""},
		// ships_on Sat 25: processing starts Mon 27, the 9th processing day.
		{"pre-order on a saturday", seShop, preorder(71, "2027-09-25"), "2027-09-14T08:00:00Z", "10-12 default preorder from 2027-09-27", ""},
		// After the cutoff day0 is Wed 15: 16, 17, 20, 21, 22 are 5 days.
		{"pre-order after the cutoff", seShop, preorder(72, "2027-09-22"), "2027-09-14T13:00:00Z", "6-8 default preorder from 2027-09-22", ""},
		{"ships_on in the past", seShop, preorder(73, "2027-09-01"), "2027-09-14T08:00:00Z", "1-3 default", ""},
		// After the cutoff, day0 Wed 15 is ships_on itself: nothing held back.
		{"ships_on equal to day0", seShop, preorder(74, "2027-09-15"), "2027-09-14T13:00:00Z", "1-3 default", ""},
		// Mon 5 Jul 2027, closed 12 Jul – 1 Aug; ships_on Tue 20 Jul is inside:
		// processing starts Mon 2 Aug, after Tue 6, Wed 7, Thu 8, Fri 9 Jul and
		// Mon 2 Aug: 5 days.
		{"pre-order inside a closure", seSummerShop, preorder(75, "2027-07-20"), "2027-07-05T08:00:00Z", "6-8 default preorder from 2027-08-02", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &tt.product.Variants[0]
			h, err := tt.shop.Handling(tt.product, v, instant(t, tt.at))
			if err != nil {
				t.Fatalf("Handling: %v", err)
			}
			if got := describeHandling(h); got != tt.want {
				t.Errorf("Handling(%s) = %q, want %q", tt.product.Handle, got, tt.want)
			}
			if h.Rule != tt.wantRule {
				t.Errorf("Handling(%s).Rule = %q, want %q", tt.product.Handle, h.Rule, tt.wantRule)
			}
			if h.ProductID != tt.product.ID || h.VariantID != v.ID {
				t.Errorf("Handling ids = %d/%d, want %d/%d", h.ProductID, h.VariantID, tt.product.ID, v.ID)
			}
			checkHandlingMatchesQuote(t, tt.shop, tt.product, h, tt.at)
		})
	}
}

func describeHandling(h delivery.Handling) string {
	if !h.Available {
		return "unavailable"
	}
	s := fmt.Sprintf("%d-%d %s", h.MinDays, h.MaxDays, h.Source)
	if h.Backorder {
		s += " backorder"
	}
	if h.Preorder {
		s += " preorder from " + h.ShipsFrom.String()
	}
	return s
}

// checkHandlingMatchesQuote: day0 + MinDays and day0 + MaxDays processing
// days are Quote's ships window at the same instant. day0 is where an item
// of 0–0 days ships.
func checkHandlingMatchesQuote(t *testing.T, shop *delivery.Shop, p *delivery.Product, h delivery.Handling, at string) {
	t.Helper()
	a, err := delivery.Quote(shop, delivery.Item{Product: p}, delivery.Destination{}, instant(t, at))
	if err != nil {
		t.Fatalf("Quote: %v", err)
	}
	if !h.Available {
		if a.Available {
			t.Errorf("Handling says unavailable, Quote says available")
		}
		return
	}
	zero := withMeta(99, "zero", delivery.Metafields{ProcessingMinDays: intp(0), ProcessingMaxDays: intp(0)})
	z, err := delivery.Quote(shop, delivery.Item{Product: zero}, delivery.Destination{}, instant(t, at))
	if err != nil {
		t.Fatalf("Quote(zero): %v", err)
	}
	day0 := z.Ships.Earliest
	open := shop.ProcessingDaysFrom(day0, 800)
	nth := func(n int) delivery.Date {
		for i, seen := 1, 0; i < len(open); i++ {
			if open[i] {
				if seen++; seen == n {
					return day0.AddDays(i)
				}
			}
		}
		return day0
	}
	if got, want := nth(h.MinDays), a.Ships.Earliest; got != want {
		t.Errorf("day0 %s + %d processing days = %s, Quote's ships.earliest %s", day0, h.MinDays, got, want)
	}
	if got, want := nth(h.MaxDays), a.Ships.Latest; got != want {
		t.Errorf("day0 %s + %d processing days = %s, Quote's ships.latest %s", day0, h.MaxDays, got, want)
	}
}

func TestHandlingErrors(t *testing.T) {
	if _, err := seShop.Handling(nil, nil, instant(t, "2027-09-14T08:00:00Z")); !errors.Is(err, delivery.ErrUnknownProduct) {
		t.Errorf("Handling(nil) = %v, want ErrUnknownProduct", err)
	}
}

// TestFeedSettings: the id format is checked with the rest of the document.
func TestFeedSettings(t *testing.T) {
	p := &delivery.Product{ID: 1001, Handle: "wool-sweater", Variants: []delivery.Variant{{ID: 2001}}}
	tests := []struct {
		format  string
		wantID  string
		problem string // a part of the problem's message, "" for none
	}{
		{"", "shopify_SE_1001_2001", ""},
		{"shopify_{country}_{product_id}_{variant_id}", "shopify_SE_1001_2001", ""},
		{"{handle}-{variant_id}", "wool-sweater-2001", ""},
		{"{variant_id}", "2001", ""},
		{"shopify_{country}_{product_id}", "", "must contain {variant_id}"},
		{"{sku}_{variant_id}", "", "unknown placeholder"},
		{"a\t{variant_id}", "", "tabs"},
		{strings.Repeat("x", 40) + "{variant_id}", "", "too long"},
	}
	for _, tt := range tests {
		st := with(seSettings(), func(st *delivery.Settings) { st.Feed = &delivery.FeedSettings{IDFormat: tt.format} })
		shop, err := delivery.Compile(st)
		if tt.problem != "" {
			var ve *delivery.ValidationError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), "feed.id_format") || !strings.Contains(err.Error(), tt.problem) {
				t.Errorf("Compile(id_format %q) = %v, want a feed.id_format problem with %q", tt.format, err, tt.problem)
			}
			continue
		}
		if err != nil {
			t.Errorf("Compile(id_format %q): %v", tt.format, err)
			continue
		}
		if got := shop.Settings().Feed.ID("SE", p, &p.Variants[0]); got != tt.wantID {
			t.Errorf("ID(%q) = %q, want %q", tt.format, got, tt.wantID)
		}
	}
}
