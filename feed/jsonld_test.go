package feed_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/feed"
	"github.com/leadtime-app/leadtime/internal/liquidtest"
)

// TestFeedAgreesWithJSONLD renders liquid-snippets/leadtime-jsonld.liquid in
// Shopify's Liquid (ruby-liquid, strict) for every demo variant, with the
// shop metafield leadtime.settings holding the demo settings document as the
// app writes it, and checks that its handlingTime is the feed's
// min_handling_time/max_handling_time for the same variant.
//
// The snippet reads metafields and rules only: it knows neither stock nor
// dates, so a variant on backorder or a pre-order, whose feed handling
// includes the wait, is compared with the feed built as if in stock and
// without ships_on; the feed's extra days are checked to be exactly the
// backorder days or the wait for ships_on.
func TestFeedAgreesWithJSONLD(t *testing.T) {
	shop := demoShop(t, nil)
	f, err := feed.Build(shop, shop.Catalog(), "SE", demoAt)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[int64]feed.Row{}
	for _, r := range f.Rows {
		rows[r.VariantID] = r
	}
	settings := settingsAsMetafield(t, shop.Settings())
	var cases []liquidtest.Case
	type variantRef struct {
		p *delivery.Product
		v *delivery.Variant
	}
	refs := map[string]variantRef{}
	for i := range shop.Catalog() {
		p := &shop.Catalog()[i]
		for j := range p.Variants {
			v := &p.Variants[j]
			if _, ok := rows[v.ID]; !ok {
				continue // sold out: in neither
			}
			name := fmt.Sprintf("%s@%d", p.Handle, v.ID)
			refs[name] = variantRef{p, v}
			lv := liquidVariant(v)
			cases = append(cases, liquidtest.Case{Name: name, File: filepath.Join(liquidtest.Root(), "liquid-snippets", "leadtime-jsonld.liquid"), Vars: map[string]any{
				"product": liquidProduct(p, lv), "variant": lv, "shipping_rate": nil,
				"shop": map[string]any{"name": "Demo", "currency": "SEK", "address": map[string]any{"country_code": "SE"},
					"metafields": map[string]any{"leadtime": map[string]any{"settings": map[string]any{"value": settings}}}},
			}})
		}
	}
	results := liquidtest.Render(t, cases)
	backorder := shop.BackorderDays()
	for name, ref := range refs {
		t.Run(name, func(t *testing.T) {
			r := results[name]
			if len(r.Errors) > 0 || r.Output == nil {
				t.Fatalf("Liquid errors: %v", r.Errors)
			}
			var details []struct {
				DeliveryTime struct {
					HandlingTime struct {
						Min int `json:"minValue"`
						Max int `json:"maxValue"`
					} `json:"handlingTime"`
				} `json:"deliveryTime"`
			}
			if err := json.Unmarshal([]byte(*r.Output), &details); err != nil || len(details) == 0 {
				t.Fatalf("JSON-LD %q: %v", *r.Output, err)
			}
			ld := details[0].DeliveryTime.HandlingTime
			row := rows[ref.v.ID]
			h, err := shop.Handling(ref.p, ref.v, demoAt)
			if err != nil {
				t.Fatal(err)
			}
			extraMin, extraMax := 0, 0
			if h.Backorder {
				extraMin, extraMax = backorder.Min, backorder.Max
			}
			if h.Preorder {
				plain := *ref.p
				plain.Metafields.ShipsOn = nil
				ph, err := shop.Handling(&plain, ref.v, demoAt)
				if err != nil {
					t.Fatal(err)
				}
				extraMin, extraMax = h.MinDays-ph.MinDays, h.MaxDays-ph.MaxDays
				if extraMin != extraMax || extraMin <= 0 {
					t.Errorf("pre-order wait %d/%d, want one positive number of days", extraMin, extraMax)
				}
			}
			if got, want := fmt.Sprint(row.MinHandling-extraMin, "-", row.MaxHandling-extraMax), fmt.Sprint(ld.Min, "-", ld.Max); got != want {
				t.Errorf("feed handling %d-%d (less %d-%d for stock or ships_on) = %s, JSON-LD handlingTime %s",
					row.MinHandling, row.MaxHandling, extraMin, extraMax, got, want)
			}
		})
	}
}

// settingsAsMetafield is the settings document as the app writes it into the
// shop metafield leadtime.settings: its JSON, read back as Liquid sees it.
func settingsAsMetafield(t *testing.T, st *delivery.Settings) map[string]any {
	t.Helper()
	cp := *st
	cp.Catalog = nil // not part of the metafield
	b, err := json.Marshal(&cp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func leadtimeMetafields(m delivery.Metafields) map[string]any {
	var kv []any
	if m.ProcessingMinDays != nil {
		kv = append(kv, "processing_min_days", *m.ProcessingMinDays)
	}
	if m.ProcessingMaxDays != nil {
		kv = append(kv, "processing_max_days", *m.ProcessingMaxDays)
	}
	if m.ShipsOn != nil {
		kv = append(kv, "ships_on", m.ShipsOn.String())
	}
	return liquidtest.Leadtime(kv...)
}

func liquidVariant(v *delivery.Variant) map[string]any {
	return liquidtest.Variant(v.ID, v.Title, leadtimeMetafields(v.Metafields))
}

// liquidProduct is p as Shopify's Liquid product object, with lv selected.
func liquidProduct(p *delivery.Product, lv map[string]any) map[string]any {
	lp := liquidtest.Product(p.ID, p.Handle, leadtimeMetafields(p.Metafields), lv)
	lp["vendor"], lp["type"] = p.Vendor, p.ProductType
	tags := make([]any, len(p.Tags))
	for i, tag := range p.Tags {
		tags[i] = tag
	}
	collections := make([]any, len(p.Collections))
	for i, c := range p.Collections {
		collections[i] = map[string]any{"handle": c}
	}
	lp["tags"], lp["collections"] = tags, collections
	return lp
}
