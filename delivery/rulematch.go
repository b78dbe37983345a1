package delivery

import "slices"

// RuleMatch says whether one rule of a shop matches a product.
type RuleMatch struct {
	// Index is the rule's position in Settings().Rules.
	Index int
	// Variants are the ids of the product's variants that the rule matches:
	// all of them unless the rule names variants.
	Variants []int64
}

// RulesMatching lists the rules of the shop that match p (some variant of
// it), in the order of the settings' list, so that the settings page can
// show each rule with the products it currently matches. A rule that
// matches is not necessarily the one that applies: a more specific rule or
// a metafield may win (see Quote's Processing.Source). It uses the same
// matching as Quote, so the page and the storefront cannot disagree.
func (s *Shop) RulesMatching(p *Product) []RuleMatch {
	var out []RuleMatch
	for i := range s.rules {
		r := &s.rules[i]
		var variants []int64
		for j := range p.Variants {
			if r.matches(p, &p.Variants[j]) {
				variants = append(variants, p.Variants[j].ID)
			}
		}
		if len(variants) > 0 {
			out = append(out, RuleMatch{Index: r.index, Variants: variants})
		}
	}
	// s.rules is ordered by precedence; report in the merchant's order.
	slices.SortFunc(out, func(a, b RuleMatch) int { return a.Index - b.Index })
	return out
}
