package snippets_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/internal/liquidtest"
)

// demoSettings is the shop metafield leadtime.settings for the demo shop (its settings
// document as JSON, as the app writes it), cut down to what the JSON-LD reads.
func demoSettings() map[string]any {
	return map[string]any{
		"shop": "demo-handmade.myshopify.com", "timezone": "Europe/Stockholm", "country": "SE",
		"cutoff": "14:00", "cutoff_by_weekday": map[string]any{"fri": "12:00"},
		"processing_days": []any{"mon", "tue", "wed", "thu", "fri"},
		"processing":      map[string]any{"min": 2, "max": 4},
		"rules": []any{
			map[string]any{"name": "ready-made", "match": map[string]any{"tags": []any{"Ready-Made"}}, "processing": map[string]any{"min": 0, "max": 1}},
			map[string]any{"name": "readiness only", "match": map[string]any{"tags": []any{"ceramics"}}, "readiness": "made_to_order"},
			map[string]any{"name": "wedding", "match": map[string]any{"collections": []any{"wedding"}}, "processing": map[string]any{"min": 6, "max": 10}},
			map[string]any{"name": "monogram", "match": map[string]any{"variants": []any{"2042"}}, "processing": map[string]any{"min": 5, "max": 7}},
			map[string]any{"name": "lera mugs", "match": map[string]any{"vendors": []any{"LERA"}, "product_types": []any{"Bowl"}}, "processing": map[string]any{"min": 9, "max": 9}},
		},
		"shipping": map[string]any{"carrier_days": []any{"mon", "tue", "wed", "thu", "fri"}, "zones": []any{
			map[string]any{"name": "Sweden", "countries": []any{"SE"}, "methods": []any{
				map[string]any{"code": "standard", "name": "PostNord", "min": 1, "max": 3},
				map[string]any{"code": "express", "min": 1, "max": 1}}},
			map[string]any{"name": "Nordics", "countries": []any{"NO", "DK", "FI", "IS"}, "methods": []any{map[string]any{"code": "standard", "min": 2, "max": 5}}},
			map[string]any{"name": "Rest of the world", "countries": []any{"*"}, "methods": []any{map[string]any{"code": "standard", "min": 7, "max": 21}}},
		}},
	}
}

func shopWith(settings map[string]any) map[string]any {
	metafields := map[string]any{}
	if settings != nil {
		metafields["leadtime"] = map[string]any{"settings": map[string]any{"value": settings}}
	}
	return map[string]any{"name": "Demo", "currency": "SEK", "address": map[string]any{"country_code": "SE"}, "metafields": metafields}
}

// The schema.org shape the snippet writes, as Go reads it back.
type quantity struct {
	Type     string `json:"@type"`
	Min, Max int
	UnitCode string `json:"unitCode"`
}

type offerShippingDetails struct {
	Type         string `json:"@type"`
	Destinations []struct {
		Type    string `json:"@type"`
		Country string `json:"addressCountry"`
	} `json:"shippingDestination"`
	DeliveryTime struct {
		Type         string   `json:"@type"`
		HandlingTime quantity `json:"handlingTime"`
		TransitTime  quantity `json:"transitTime"`
		CutoffTime   string   `json:"cutoffTime"`
		BusinessDays struct {
			Type      string   `json:"@type"`
			DayOfWeek []string `json:"dayOfWeek"`
		} `json:"businessDays"`
	} `json:"deliveryTime"`
	ShippingRate *struct {
		Type     string  `json:"@type"`
		Value    float64 `json:"value"`
		Currency string  `json:"currency"`
	} `json:"shippingRate"`
}

func (q *quantity) UnmarshalJSON(b []byte) error {
	var v struct {
		Type     string `json:"@type"`
		Min      int    `json:"minValue"`
		Max      int    `json:"maxValue"`
		UnitCode string `json:"unitCode"`
	}
	err := json.Unmarshal(b, &v)
	*q = quantity{Type: v.Type, Min: v.Min, Max: v.Max, UnitCode: v.UnitCode}
	return err
}

var weekdays = []string{"https://schema.org/Monday", "https://schema.org/Tuesday", "https://schema.org/Wednesday",
	"https://schema.org/Thursday", "https://schema.org/Friday"}

// TestJSONLD renders leadtime-jsonld in Shopify's Liquid and reads the output back as JSON:
// an array of schema.org OfferShippingDetails with handlingTime, transitTime, cutoffTime and
// businessDays, valid whatever the data.
func TestJSONLD(t *testing.T) {
	mugTagged := product(1002, "stoneware-mug", nil, variant(2011, "Ash glaze", nil))
	mugTagged["tags"] = []any{"ready-made", "ceramics"}
	bowl := product(1004, "wedding-bowl", nil, variant(2031, "White", nil))
	bowl["collections"] = []any{map[string]any{"handle": "kitchen"}, map[string]any{"handle": "wedding"}}
	lera := product(1011, "lera-bowl", nil, variant(2111, "Blue", nil))
	lera["type"] = "bowl"
	monogram := wallet["variants"].([]any)[0]
	walletTagged := product(1005, "leather-wallet", nil, monogram.(map[string]any))
	walletTagged["tags"] = []any{"ready-made"}

	// Settings shaped as the app writes them, with values no validation would let through.
	hostileSettings := map[string]any{
		"cutoff":          `</script><script>alert(1)</script>`,
		"processing_days": []any{"mon", "<b>", "Sun"},
		"processing":      map[string]any{"min": "{{ x }}", "max": `"}`},
		"rules": []any{
			map[string]any{"match": map[string]any{"tags": []any{}}, "processing": map[string]any{"min": 3, "max": 3}},
			map[string]any{"match": map[string]any{"products": []any{"stoneware-mug"}}, "processing": map[string]any{"min": "<b>", "max": "{{ x }}"}},
		},
		"shipping": map[string]any{"zones": []any{
			map[string]any{"countries": []any{`</script><script>alert(1)</script>`, `SE"},{"@type":"x`}, "methods": []any{map[string]any{"min": "<b>", "max": -3}}},
			map[string]any{"countries": []any{"DE"}, "methods": []any{}},
			map[string]any{"countries": []any{}, "methods": []any{map[string]any{"min": 1, "max": 2}}},
		}},
	}

	type tc struct {
		name                    string
		vars                    map[string]any
		handling                [2]int
		zones                   [][]string // countries per OfferShippingDetails
		transit                 [][2]int
		cutoff                  string
		days                    []string
		rate                    float64
		now                     string
		noLessThan, noQuoteless bool
	}
	base := func(p map[string]any, settings map[string]any, rate any) map[string]any {
		return map[string]any{"product": p, "variant": nil, "shop": shopWith(settings), "shipping_rate": rate}
	}
	demoZones := [][]string{{"SE"}, {"NO", "DK", "FI", "IS"}}
	demoTransit := [][2]int{{1, 3}, {2, 5}}
	cases := []tc{
		{name: "tag rule, ignoring case", vars: base(mugTagged, demoSettings(), nil), handling: [2]int{0, 1},
			zones: demoZones, transit: demoTransit, cutoff: "14:00:00+01:00", days: weekdays},
		{name: "collection rule", vars: base(bowl, demoSettings(), nil), handling: [2]int{6, 10},
			zones: demoZones, transit: demoTransit, cutoff: "14:00:00+01:00", days: weekdays},
		{name: "variant rule beats tag rule", vars: base(walletTagged, demoSettings(), nil), handling: [2]int{5, 7},
			zones: demoZones, transit: demoTransit, cutoff: "14:00:00+01:00", days: weekdays},
		{name: "every key of a rule must match", vars: base(lera, demoSettings(), nil), handling: [2]int{9, 9},
			zones: demoZones, transit: demoTransit, cutoff: "14:00:00+01:00", days: weekdays},
		{name: "metafields beat rules", vars: base(sweater, demoSettings(), nil), handling: [2]int{5, 8},
			zones: demoZones, transit: demoTransit, cutoff: "14:00:00+01:00", days: weekdays},
		{name: "shop default", vars: base(mug, demoSettings(), 49), handling: [2]int{2, 4},
			zones: demoZones, transit: demoTransit, cutoff: "14:00:00+01:00", days: weekdays, rate: 49},
		{name: "summer time", vars: base(sweater, demoSettings(), nil), handling: [2]int{5, 8}, now: "2027-07-05T10:00:00+02:00",
			zones: demoZones, transit: demoTransit, cutoff: "14:00:00+02:00", days: weekdays},
		{name: "missing settings", vars: base(mug, nil, nil), handling: [2]int{1, 3},
			zones: [][]string{{"SE"}}, transit: [][2]int{{1, 5}}, cutoff: "14:00:00+01:00", days: weekdays},
		{name: "hostile", vars: base(hostile, hostileSettings, `1"}`), handling: [2]int{1, 3},
			zones:   [][]string{{`</script><script>alert(1)</script>`, `SE"},{"@type":"x`}},
			transit: [][2]int{{0, 0}}, cutoff: "14:00:00+01:00",
			days: []string{"https://schema.org/Monday", "https://schema.org/Sunday"}},
		{name: "hostile settings, plain product", vars: base(mug, hostileSettings, -1), handling: [2]int{1, 3},
			zones:   [][]string{{`</script><script>alert(1)</script>`, `SE"},{"@type":"x`}},
			transit: [][2]int{{0, 0}}, cutoff: "14:00:00+01:00",
			days: []string{"https://schema.org/Monday", "https://schema.org/Sunday"}},
	}
	var batch []liquidtest.Case
	for _, c := range cases {
		batch = append(batch, liquidtest.Case{Name: c.name, File: "leadtime-jsonld.liquid", Vars: c.vars, Now: c.now})
	}
	results := liquidtest.Render(t, batch)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := results[c.name]
			if len(r.Errors) > 0 || r.Output == nil {
				t.Fatalf("Liquid errors: %v", r.Errors)
			}
			out := *r.Output
			// Nothing can end the <script type="application/ld+json"> it is written into.
			if strings.Contains(out, "<") || strings.Contains(out, ">") {
				t.Errorf("output holds < or >, which json escapes:\n%s", out)
			}
			var got []offerShippingDetails
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if len(got) != len(c.zones) {
				t.Fatalf("%d OfferShippingDetails, want %d:\n%s", len(got), len(c.zones), out)
			}
			for i, d := range got {
				if d.Type != "OfferShippingDetails" || d.DeliveryTime.Type != "ShippingDeliveryTime" {
					t.Errorf("[%d] types %q, %q", i, d.Type, d.DeliveryTime.Type)
				}
				var countries []string
				for _, dest := range d.Destinations {
					if dest.Type != "DefinedRegion" {
						t.Errorf("[%d] destination type %q", i, dest.Type)
					}
					countries = append(countries, dest.Country)
				}
				if !slices.Equal(countries, c.zones[i]) {
					t.Errorf("[%d] destinations %q, want %q", i, countries, c.zones[i])
				}
				dt := d.DeliveryTime
				wantHandling := quantity{Type: "QuantitativeValue", Min: c.handling[0], Max: c.handling[1], UnitCode: "DAY"}
				if dt.HandlingTime != wantHandling {
					t.Errorf("[%d] handlingTime %+v, want %+v", i, dt.HandlingTime, wantHandling)
				}
				wantTransit := quantity{Type: "QuantitativeValue", Min: c.transit[i][0], Max: c.transit[i][1], UnitCode: "DAY"}
				if dt.TransitTime != wantTransit {
					t.Errorf("[%d] transitTime %+v, want %+v", i, dt.TransitTime, wantTransit)
				}
				if dt.CutoffTime != c.cutoff {
					t.Errorf("[%d] cutoffTime %q, want %q", i, dt.CutoffTime, c.cutoff)
				}
				if dt.BusinessDays.Type != "OpeningHoursSpecification" || !slices.Equal(dt.BusinessDays.DayOfWeek, c.days) {
					t.Errorf("[%d] businessDays %+v, want %q", i, dt.BusinessDays, c.days)
				}
				switch {
				case c.rate == 0 && d.ShippingRate != nil:
					t.Errorf("[%d] shippingRate %+v, want none", i, *d.ShippingRate)
				case c.rate != 0 && (d.ShippingRate == nil || d.ShippingRate.Value != c.rate || d.ShippingRate.Currency != "SEK"):
					t.Errorf("[%d] shippingRate %+v, want %v SEK", i, d.ShippingRate, c.rate)
				}
			}
		})
	}
}
