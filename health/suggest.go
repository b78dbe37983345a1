package health

import (
	"fmt"

	"github.com/leadtime-app/leadtime/delivery"
)

// suggest makes a Suggestion for every rule, product and route with at
// least MinFulfillments fulfilments: the p5–p95 of its real days beside
// its current setting.
func suggest(shop *delivery.Shop, rep *ShopReport) []Suggestion {
	st := shop.Settings()
	out := []Suggestion{}
	for _, g := range rep.Rules {
		if g.Fulfillments < MinFulfillments || g.Processing.N == 0 {
			continue
		}
		switch g.Source {
		case delivery.SourceRule:
			for i, r := range st.Rules {
				if r.Name == g.Rule && r.Processing != nil {
					out = append(out, processingSuggestion(g, *r.Processing, fmt.Sprintf("rules[%d].processing", i)))
				}
			}
		case delivery.SourceDefault:
			cur := delivery.Days{Min: 1, Max: 3}
			if st.Processing != nil {
				cur = *st.Processing
			}
			out = append(out, processingSuggestion(g, cur, "processing"))
		}
	}
	for _, g := range rep.Products {
		// A product's own time is its metafields; a product whose lines
		// came from a rule or the default is covered by that group.
		if g.Fulfillments < MinFulfillments || g.Processing.N == 0 || !fromMetafields(g) {
			continue
		}
		path := ""
		for i, p := range st.Catalog {
			if p.ID == g.ProductID {
				path = fmt.Sprintf("catalog[%d].metafields", i)
			}
		}
		out = append(out, processingSuggestion(g, g.Promised, path))
	}
	for _, g := range rep.Routes {
		if g.Transit.N < MinFulfillments {
			continue
		}
		for zi, z := range st.Shipping.Zones {
			for mi, m := range z.Methods {
				if z.Name == g.Zone && m.Code == g.Method {
					out = append(out, transitSuggestion(g, delivery.Days{Min: m.Min, Max: m.Max}, fmt.Sprintf("shipping.zones[%d].methods[%d]", zi, mi)))
				}
			}
		}
	}
	return out
}

// fromMetafields reports whether a product group's latest line got its
// time from the product's metafields. Variant metafields are left out: a
// product's lines then mix variants with different times.
func fromMetafields(g Group) bool {
	return g.Source == delivery.SourceProductMetafield
}

func processingSuggestion(g Group, cur delivery.Days, path string) Suggestion {
	d := g.Processing
	sug := delivery.Days{Min: d.P5, Max: d.P95}
	return Suggestion{
		Kind: "processing", Key: g.Key, Label: g.Label, Fulfillments: g.Fulfillments,
		Current: cur, Suggested: sug, KeptRate: g.KeptRate,
		WouldKeep: share(d.Counts, d.N, sug.Max), Path: path, Changes: sug != cur,
	}
}

func transitSuggestion(g Group, cur delivery.Days, path string) Suggestion {
	d := g.Transit
	sug := delivery.Days{Min: d.P5, Max: d.P95}
	return Suggestion{
		Kind: "transit", Key: g.Key, Label: g.Label, Fulfillments: g.Transit.N,
		// Transit's own kept rate: a parcel that shipped late may still
		// have been carried within the promised transit.
		Current: cur, Suggested: sug, KeptRate: share(d.Counts, d.N, cur.Max),
		WouldKeep: share(d.Counts, d.N, sug.Max), Path: path, Changes: sug != cur,
	}
}
