package promise

import "github.com/leadtime-app/leadtime/delivery"

// StandIn is a product that Shopify could not tell us about: one untracked
// variant with no metafields, so that it quotes the shop's default. A
// stand-in for a product route has variant id 0 (no real variant has it),
// which takes whatever variant the request names.
func StandIn(id int64, handle string, variantID int64) *delivery.Product {
	return &delivery.Product{ID: id, Handle: handle, Variants: []delivery.Variant{{ID: variantID}}}
}

// adoptVariant makes a stand-in answer for the variant the request named.
func adoptVariant(p *delivery.Product, variantID int64) {
	if len(p.Variants) == 1 && p.Variants[0].ID == 0 {
		p.Variants[0].ID = variantID
	}
}
