package preview

import (
	"fmt"
	"strings"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
)

// why says in a sentence which processing time applied to a and why
// (DESIGN §3, "Which processing time applies").
func why(shop *delivery.Shop, p *delivery.Product, a *promise.ProductAnswer) string {
	if a == nil || a.Processing == nil {
		return ""
	}
	st := shop.Settings()
	pr := a.Processing
	var b strings.Builder
	span := daysPhrase(pr.MinDays, pr.MaxDays)
	if pr.Backorder {
		span = daysPhrase(pr.MinDays-backorderOf(st).Min, pr.MaxDays-backorderOf(st).Max)
	}
	switch pr.Source {
	case delivery.SourceVariantMetafield:
		fmt.Fprintf(&b, "This variant sets its own processing time, %s, in its leadtime metafields; a metafield wins over every rule.", span)
	case delivery.SourceProductMetafield:
		fmt.Fprintf(&b, "The product sets its own processing time, %s, in its leadtime metafields; a metafield wins over every rule.", span)
	case delivery.SourceRule:
		fmt.Fprintf(&b, "Rule “%s” applies: %s", pr.Rule, span)
		if r := ruleNamed(st, pr.Rule); r != nil {
			fmt.Fprintf(&b, ", because the product matches %s.", matchWords(r.Match))
		} else {
			b.WriteString(".")
		}
		var also []string
		for _, m := range shop.RulesMatching(p) {
			if name := st.Rules[m.Index].Name; name != pr.Rule && st.Rules[m.Index].Processing != nil {
				also = append(also, "“"+name+"”")
			}
		}
		if len(also) > 0 {
			fmt.Fprintf(&b, " %s match%s too, but a more specific rule (variant, product, collection, tag, vendor, then type) or the one higher in the list wins.",
				strings.Join(also, ", "), map[bool]string{true: "es", false: ""}[len(also) == 1])
		}
	default:
		fmt.Fprintf(&b, "No metafield or rule sets a processing time for this product, so the shop's default applies: %s.", span)
	}
	if pr.Backorder {
		bo := backorderOf(st)
		fmt.Fprintf(&b, " It is out of stock but sold on backorder, so the backorder time (%s) is added: %s in all.", daysPhrase(bo.Min, bo.Max), daysPhrase(pr.MinDays, pr.MaxDays))
	}
	if pr.ShipsOn != nil {
		fmt.Fprintf(&b, " It is a pre-order: nothing ships before %s.", pr.ShipsOn)
	}
	if !a.Available {
		b.WriteString(" It is sold out and not sold on backorder, so customers see no dates.")
	}
	return b.String()
}

func backorderOf(st *delivery.Settings) delivery.Days {
	if st.Backorder != nil {
		return *st.Backorder
	}
	return delivery.Days{}
}

func daysPhrase(lo, hi int) string {
	switch {
	case lo == hi && lo == 1:
		return "1 processing day"
	case lo == hi:
		return fmt.Sprintf("%d processing days", lo)
	default:
		return fmt.Sprintf("%d–%d processing days", lo, hi)
	}
}

func ruleNamed(st *delivery.Settings, name string) *delivery.Rule {
	for i := range st.Rules {
		if st.Rules[i].Name == name {
			return &st.Rules[i]
		}
	}
	return nil
}

// matchWords says a rule's match: "tag “handmade” and vendor “Lera”".
func matchWords(m delivery.Match) string {
	var parts []string
	for _, k := range []struct {
		one, many string
		values    []delivery.Ref
	}{
		{"variant", "variants", m.Variants}, {"product", "products", m.Products},
		{"collection", "collections", m.Collections}, {"tag", "tags", m.Tags},
		{"vendor", "vendors", m.Vendors}, {"product type", "product types", m.ProductTypes},
	} {
		if len(k.values) == 0 {
			continue
		}
		quoted := make([]string, len(k.values))
		for i, v := range k.values {
			quoted[i] = "“" + string(v) + "”"
		}
		if len(quoted) == 1 {
			parts = append(parts, k.one+" "+quoted[0])
		} else {
			parts = append(parts, "one of the "+k.many+" "+strings.Join(quoted, ", "))
		}
	}
	return strings.Join(parts, " and ")
}
