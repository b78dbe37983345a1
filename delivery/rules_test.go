package delivery_test

import (
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
)

// rulesShop has a rule at every level, listed in an order unlike their
// precedence, each with its own processing time so the winner shows.
// Processing times are distinct so that a wrong winner cannot pass.
var rulesShop = mustLoad(`
shop: test-rules.myshopify.com
timezone: Europe/Stockholm
country: SE
processing: {min: 1, max: 3}
rules:
  - {name: type-vase, match: {product_types: [Vase]}, processing: {min: 20, max: 21}}
  - {name: vendor-keramik, match: {vendors: [Keramik AB]}, processing: {min: 18, max: 19}}
  - {name: tag-handmade, match: {tags: [Handmade]}, processing: {min: 16, max: 17}}
  - {name: collection-gifts, match: {collections: [gifts]}, processing: {min: 14, max: 15}}
  - {name: product-by-id, match: {products: [5001]}, processing: {min: 12, max: 13}}
  - {name: product-by-handle, match: {products: [blue-vase]}, processing: {min: 10, max: 11}}
  - {name: variant-6001, match: {variants: [6001]}, processing: {min: 8, max: 9}}
  - {name: tag-handmade-again, match: {tags: [handmade]}, processing: {min: 30, max: 31}}
  - {name: svarvat-and-oak, match: {vendors: [Svarvat], tags: [oak]}, processing: {min: 6, max: 7}}
  - {name: raku-or-pit-fired, match: {tags: [raku, pit-fired]}, processing: {min: 4, max: 5}}
  - {name: vendor-svarvat, match: {vendors: [Svarvat]}, processing: {min: 2, max: 3}}
  - {name: lamp-in-lighting, match: {product_types: [Lamp], collections: [lighting]}, processing: {min: 26, max: 27}}
  - {name: tag-lamp, match: {tags: [lamp]}, processing: {min: 28, max: 29}}
  - {name: variant-gid, match: {variants: ["gid://shopify/ProductVariant/6004"]}, processing: {min: 32, max: 33}}
  - {name: product-gid, match: {products: ["gid://shopify/Product/5009"]}, processing: {min: 34, max: 35}}
shipping:
  zones: [{name: Sverige, countries: [SE], methods: [{code: standard, min: 1, max: 3}]}]
`)

func mustLoad(doc string) *delivery.Shop {
	shop, err := delivery.LoadShop([]byte(doc))
	if err != nil {
		panic(err)
	}
	return shop
}

// vase is matched by every rule level of rulesShop: variant 6001 by
// variant-6001, the product by id and handle, collection gifts, tag
// handmade, vendor Keramik AB and type Vase. Variant 6003 has its own
// metafields (2–4).
func vase(change func(p *delivery.Product)) *delivery.Product {
	p := &delivery.Product{
		ID: 5001, Handle: "blue-vase", Vendor: "Keramik AB", ProductType: "Vase",
		Tags: []string{"blue", "handmade"}, Collections: []string{"gifts"},
		Variants: []delivery.Variant{
			{ID: 6001}, {ID: 6002},
			{ID: 6003, Metafields: delivery.Metafields{ProcessingMinDays: intp(2), ProcessingMaxDays: intp(4)}},
			{ID: 6004},
		},
	}
	if change != nil {
		change(p)
	}
	return p
}

// TestRulePrecedence: variant metafield > product metafield > rule on the
// variant > product > collection > tag > vendor > product type > default;
// the first rule in the list within a level (DESIGN §3).
func TestRulePrecedence(t *testing.T) {
	notThisProduct := func(p *delivery.Product) { p.ID, p.Handle = 5003, "other-vase" }
	tests := []struct {
		name      string
		product   *delivery.Product
		variantID int64
		min, max  int
		source    delivery.Source
		rule      string
	}{
		{"variant metafield beats all", vase(nil), 6003, 2, 4, delivery.SourceVariantMetafield, ""},
		{"variant metafield beats product metafield", vase(func(p *delivery.Product) {
			p.Metafields = delivery.Metafields{ProcessingMinDays: intp(5), ProcessingMaxDays: intp(6)}
		}), 6003, 2, 4, delivery.SourceVariantMetafield, ""},
		{"product metafield beats a rule on the variant", vase(func(p *delivery.Product) {
			p.Metafields = delivery.Metafields{ProcessingMinDays: intp(5), ProcessingMaxDays: intp(6)}
		}), 6001, 5, 6, delivery.SourceProductMetafield, ""},
		{"rule on the variant beats the product", vase(nil), 6001, 8, 9, delivery.SourceRule, "variant-6001"},
		{"rule on a variant GID", vase(nil), 6004, 32, 33, delivery.SourceRule, "variant-gid"},
		{"product: by id listed first beats by handle", vase(nil), 6002, 12, 13, delivery.SourceRule, "product-by-id"},
		{"product by handle", vase(func(p *delivery.Product) { p.ID = 5002 }), 6002, 10, 11, delivery.SourceRule, "product-by-handle"},
		{"product by id", vase(func(p *delivery.Product) { p.Handle = "renamed-vase" }), 6002, 12, 13, delivery.SourceRule, "product-by-id"},
		{"product by GID", vase(func(p *delivery.Product) { p.ID, p.Handle = 5009, "gid-vase" }), 6002, 34, 35, delivery.SourceRule, "product-gid"},
		{"collection beats tag", vase(notThisProduct), 6002, 14, 15, delivery.SourceRule, "collection-gifts"},
		{"tag: the first in the list wins", vase(func(p *delivery.Product) {
			notThisProduct(p)
			p.Collections = nil
		}), 6002, 16, 17, delivery.SourceRule, "tag-handmade"},
		{"vendor beats type", vase(func(p *delivery.Product) {
			notThisProduct(p)
			p.Collections, p.Tags = nil, nil
		}), 6002, 18, 19, delivery.SourceRule, "vendor-keramik"},
		{"type", vase(func(p *delivery.Product) {
			notThisProduct(p)
			p.Collections, p.Tags, p.Vendor = nil, nil, "Someone else"
		}), 6002, 20, 21, delivery.SourceRule, "type-vase"},
		{"default", vase(func(p *delivery.Product) {
			notThisProduct(p)
			p.Collections, p.Tags, p.Vendor, p.ProductType = nil, nil, "Someone else", "Bowl"
		}), 6002, 1, 3, delivery.SourceDefault, ""},

		// Tags, vendors and types match case-insensitively.
		{"tag in upper case", &delivery.Product{ID: 7001, Handle: "x1", Tags: []string{"HANDMADE"}, Variants: []delivery.Variant{{ID: 7101}}},
			0, 16, 17, delivery.SourceRule, "tag-handmade"},
		{"vendor in lower case", &delivery.Product{ID: 7002, Handle: "x2", Vendor: "keramik ab", Variants: []delivery.Variant{{ID: 7102}}},
			0, 18, 19, delivery.SourceRule, "vendor-keramik"},
		{"type in upper case", &delivery.Product{ID: 7003, Handle: "x3", ProductType: "VASE", Variants: []delivery.Variant{{ID: 7103}}},
			0, 20, 21, delivery.SourceRule, "type-vase"},

		// AND across keys, OR within one key. svarvat-and-oak is at the tag level
		// (its most specific key), above vendor-svarvat.
		{"AND: both keys match", &delivery.Product{ID: 7004, Handle: "oak-board", Vendor: "Svarvat", Tags: []string{"oak"}, Variants: []delivery.Variant{{ID: 7104}}},
			0, 6, 7, delivery.SourceRule, "svarvat-and-oak"},
		{"AND: the tag does not match", &delivery.Product{ID: 7005, Handle: "pine-board", Vendor: "Svarvat", Tags: []string{"pine"}, Variants: []delivery.Variant{{ID: 7105}}},
			0, 2, 3, delivery.SourceRule, "vendor-svarvat"},
		{"AND: the vendor does not match", &delivery.Product{ID: 7006, Handle: "oak-spoon", Vendor: "Slöjd", Tags: []string{"oak"}, Variants: []delivery.Variant{{ID: 7106}}},
			0, 1, 3, delivery.SourceDefault, ""},
		{"OR: the second value", &delivery.Product{ID: 7007, Handle: "jar", Tags: []string{"pit-fired"}, Variants: []delivery.Variant{{ID: 7107}}},
			0, 4, 5, delivery.SourceRule, "raku-or-pit-fired"},
		{"OR, but an earlier rule of the level wins", &delivery.Product{ID: 7008, Handle: "raku-cup", Tags: []string{"raku", "handmade"}, Variants: []delivery.Variant{{ID: 7108}}},
			0, 16, 17, delivery.SourceRule, "tag-handmade"},
		// lamp-in-lighting's level is collection (its most specific key), so it
		// beats tag-lamp, which is later anyway but also less specific.
		{"level of the most specific key", &delivery.Product{ID: 7009, Handle: "lamp", ProductType: "Lamp", Tags: []string{"lamp"}, Collections: []string{"lighting"}, Variants: []delivery.Variant{{ID: 7109}}},
			0, 26, 27, delivery.SourceRule, "lamp-in-lighting"},
		{"AND: not in the collection", &delivery.Product{ID: 7010, Handle: "lamp-2", ProductType: "Lamp", Tags: []string{"lamp"}, Variants: []delivery.Variant{{ID: 7110}}},
			0, 28, 29, delivery.SourceRule, "tag-lamp"},

		// A metafield level that sets only one of min and max uses it for both.
		{"variant metafield min only", vase(func(p *delivery.Product) {
			p.Variants[0].Metafields = delivery.Metafields{ProcessingMinDays: intp(4)}
		}), 6001, 4, 4, delivery.SourceVariantMetafield, ""},
		{"variant metafield max only", vase(func(p *delivery.Product) {
			p.Variants[0].Metafields = delivery.Metafields{ProcessingMaxDays: intp(6)}
		}), 6001, 6, 6, delivery.SourceVariantMetafield, ""},
		{"product metafield max only", vase(func(p *delivery.Product) {
			p.Metafields = delivery.Metafields{ProcessingMaxDays: intp(7)}
		}), 6002, 7, 7, delivery.SourceProductMetafield, ""},
		{"product metafield min 0 only", vase(func(p *delivery.Product) {
			p.Metafields = delivery.Metafields{ProcessingMinDays: intp(0)}
		}), 6002, 0, 0, delivery.SourceProductMetafield, ""},
		// A variant metafield that sets only readiness sets no processing time.
		{"variant readiness only", vase(func(p *delivery.Product) {
			p.Variants[0].Metafields = delivery.Metafields{Readiness: delivery.MadeToOrder}
		}), 6001, 8, 9, delivery.SourceRule, "variant-6001"},
	}
	at := instant(t, "2027-09-14T08:00:00Z")
	for _, tt := range tests {
		a, err := delivery.Quote(rulesShop, delivery.Item{Product: tt.product, VariantID: tt.variantID}, delivery.Destination{}, at)
		if err != nil {
			t.Fatalf("Quote(%s): %v", tt.name, err)
		}
		p := a.Processing
		if p.MinDays != tt.min || p.MaxDays != tt.max || p.Source != tt.source || p.Rule != tt.rule {
			t.Errorf("Quote(%s) processing = %d–%d from %s %q, want %d–%d from %s %q",
				tt.name, p.MinDays, p.MaxDays, p.Source, p.Rule, tt.min, tt.max, tt.source, tt.rule)
		}
	}
}

// termsShop checks that readiness and ships_on are each taken from the most
// specific level that sets them, independently of processing (DESIGN §3).
var termsShop = mustLoad(`
shop: test-terms.myshopify.com
timezone: Europe/Stockholm
country: SE
rules:
  - {name: tag-preorder, match: {tags: [preorder]}, ships_on: 2027-10-01}
  - {name: vendor-studio, match: {vendors: [Studio]}, readiness: made_to_order}
  - {name: product-lamp, match: {products: [studio-lamp]}, processing: {min: 0, max: 1}}
  - {name: collection-ready, match: {collections: [ready]}, readiness: ready_to_ship, processing: {min: 9, max: 9}}
  - {name: type-late, match: {product_types: [Lamp]}, ships_on: 2027-12-01, readiness: ready_to_ship}
shipping:
  zones: [{name: Sverige, countries: [SE], methods: [{code: standard, min: 1, max: 3}]}]
`)

func TestRuleTermsIndependent(t *testing.T) {
	lamp := func(change func(p *delivery.Product)) *delivery.Product {
		p := &delivery.Product{ID: 8001, Handle: "studio-lamp", Vendor: "Studio", ProductType: "Lamp",
			Tags: []string{"preorder"}, Variants: []delivery.Variant{{ID: 8101}}}
		if change != nil {
			change(p)
		}
		return p
	}
	tests := []struct {
		name      string
		product   *delivery.Product
		min, max  int
		source    delivery.Source
		rule      string
		readiness delivery.Readiness
		shipsOn   string // "" for none
	}{
		// Processing from product-lamp (product level); readiness from vendor-studio,
		// the most specific rule that sets it; ships_on from tag-preorder, likewise.
		{"each key from its own rule", lamp(nil), 0, 1, delivery.SourceRule, "product-lamp", delivery.MadeToOrder, "2027-10-01"},
		{"variant readiness beats rules", lamp(func(p *delivery.Product) {
			p.Variants[0].Metafields.Readiness = delivery.ReadyToShip
		}), 0, 1, delivery.SourceRule, "product-lamp", delivery.ReadyToShip, "2027-10-01"},
		{"variant readiness beats product readiness", lamp(func(p *delivery.Product) {
			p.Metafields.Readiness = delivery.MadeToOrder
			p.Variants[0].Metafields.Readiness = delivery.ReadyToShip
		}), 0, 1, delivery.SourceRule, "product-lamp", delivery.ReadyToShip, "2027-10-01"},
		{"product ships_on beats rules", lamp(func(p *delivery.Product) {
			p.Metafields.ShipsOn = datep("2027-11-01")
		}), 0, 1, delivery.SourceRule, "product-lamp", delivery.MadeToOrder, "2027-11-01"},
		{"variant ships_on beats product ships_on", lamp(func(p *delivery.Product) {
			p.Metafields.ShipsOn = datep("2027-11-01")
			p.Variants[0].Metafields.ShipsOn = datep("2027-11-15")
		}), 0, 1, delivery.SourceRule, "product-lamp", delivery.MadeToOrder, "2027-11-15"},
		{"processing from variant, readiness from product", lamp(func(p *delivery.Product) {
			p.Metafields.Readiness = delivery.ReadyToShip
			p.Variants[0].Metafields = delivery.Metafields{ProcessingMinDays: intp(3), ProcessingMaxDays: intp(5)}
		}), 3, 5, delivery.SourceVariantMetafield, "", delivery.ReadyToShip, "2027-10-01"},
		// Not the lamp product: collection-ready gives processing and, being more
		// specific than vendor-studio, readiness too.
		{"collection rule sets both", lamp(func(p *delivery.Product) {
			p.Handle, p.Collections = "other-lamp", []string{"ready"}
		}), 9, 9, delivery.SourceRule, "collection-ready", delivery.ReadyToShip, "2027-10-01"},
		// Without the preorder tag, ships_on comes from the type rule, the least specific.
		{"ships_on from the least specific rule", lamp(func(p *delivery.Product) {
			p.Tags = nil
		}), 0, 1, delivery.SourceRule, "product-lamp", delivery.MadeToOrder, "2027-12-01"},
		{"nothing sets anything", &delivery.Product{ID: 8002, Handle: "plain", Variants: []delivery.Variant{{ID: 8102}}},
			1, 3, delivery.SourceDefault, "", delivery.ReadyToShip, ""},
	}
	at := instant(t, "2027-09-14T08:00:00Z")
	for _, tt := range tests {
		a, err := delivery.Quote(termsShop, delivery.Item{Product: tt.product}, delivery.Destination{}, at)
		if err != nil {
			t.Fatalf("Quote(%s): %v", tt.name, err)
		}
		p := a.Processing
		if p.MinDays != tt.min || p.MaxDays != tt.max || p.Source != tt.source || p.Rule != tt.rule ||
			p.Readiness != tt.readiness || p.ShipsOn.String() != tt.shipsOn {
			t.Errorf("Quote(%s) processing = %d–%d from %s %q, %s, ships_on %q; want %d–%d from %s %q, %s, ships_on %q",
				tt.name, p.MinDays, p.MaxDays, p.Source, p.Rule, p.Readiness, p.ShipsOn, tt.min, tt.max, tt.source, tt.rule, tt.readiness, tt.shipsOn)
		}
	}
}

// TestRuleShipsOnDates: a ships_on set by a rule moves day0 like a metafield.
func TestRuleShipsOnDates(t *testing.T) {
	lamp := &delivery.Product{ID: 8001, Handle: "studio-lamp", Vendor: "Studio", Tags: []string{"preorder"}, Variants: []delivery.Variant{{ID: 8101}}}
	runQuoteRows(t, []quoteRow{
		// Tue 14 Sep 2027: ships_on Fri 1 Oct (tag-preorder) is later than day0, so day0
		// is Fri 1 Oct. product-lamp: 0–1 days, ships Fri 1 – Mon 4 Oct. PostNord 1–3:
		// Mon 4; Mon 4 → Tue 5, Wed 6, Thu 7. No countdown: day0 is not today.
		{"rule ships_on", termsShop, delivery.Item{Product: lamp}, delivery.Destination{}, "2027-09-14T08:00:00Z",
			want{"2027-10-01..2027-10-04", "2027-10-04..2027-10-07", "2027-10-01T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
	})
}
