package functionconfig_test

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/functionconfig"
)

// TestLeavesTitlesAlone: whenever the function cannot be sure, it renames
// nothing; and the same checkout without the doubt is renamed, so that
// each row shows the doubt is what stops it.
func TestLeavesTitlesAlone(t *testing.T) {
	shop := loadShop(t, filepath.Join("..", "testdata", "acceptance", "shop.yaml"))
	onlySweden, err := delivery.LoadShop([]byte(`shop: only-se.myshopify.com
timezone: Europe/Stockholm
country: SE
shipping: {zones: [{name: Sverige, countries: [SE], methods: [{code: standard, name: PostNord, min: 1, max: 2}]}]}
catalog: [{id: 1, handle: mug, variants: [{id: 11}]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 3, 9, 9, 0, 0, 0, time.UTC) // a Tuesday morning in Stockholm
	bowl := pickLine(t, shop, "stoneware-bowl")
	wedding := pickLine(t, shop, "wedding-platter")
	soldOut := pickLine(t, shop, "serving-bowl@9381")
	base := func(s *delivery.Shop, country string, lines ...line) *pcase {
		return &pcase{name: "base", shop: s, builtAt: at, at: at, country: country, lang: "EN", lines: lines, options: optionsFor(s, country)}
	}
	type mutation func(in map[string]any, cfg map[string]any)
	for _, tc := range []struct {
		name   string
		c      *pcase
		mutate mutation
		cat    *functionconfig.Catalog // nil: the catalog with every collection's id
	}{
		{name: "no config metafield", c: base(shop, "SE", bowl), mutate: func(in, _ map[string]any) {
			in["deliveryCustomization"] = map[string]any{"metafield": nil}
		}},
		{name: "a config version it does not know", c: base(shop, "SE", bowl), mutate: func(_, cfg map[string]any) { cfg["v"] = 2 }},
		{name: "a country no zone serves", c: base(onlySweden, "NO", line{product: &onlySweden.Catalog()[0], variant: &onlySweden.Catalog()[0].Variants[0], qty: 1})},
		{name: "no delivery address", c: base(shop, "SE", bowl), mutate: func(in, _ map[string]any) {
			group(in)["deliveryAddress"] = nil
		}},
		{name: "a line that is not a product variant", c: base(shop, "SE", bowl), mutate: func(in, _ map[string]any) {
			lines := group(in)["cartLines"].([]any)
			group(in)["cartLines"] = append(lines, map[string]any{"q": 1, "m": map[string]any{"t": "CustomProduct"}})
		}},
		{name: "a sold-out line", c: base(shop, "SE", bowl, soldOut)},
		{name: "a rule's collection without an id", c: base(shop, "SE", wedding), cat: &functionconfig.Catalog{Products: shop.Catalog()}},
		{name: "the calendar ran out", c: &pcase{name: "stale", shop: shop, builtAt: at.Add(-functionconfig.Horizon * 24 * time.Hour), at: at, country: "SE", lang: "EN", lines: []line{bowl}, options: optionsFor(shop, "SE")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat := functionconfig.Catalog{Products: tc.c.shop.Catalog(), CollectionIDs: collectionIDs(tc.c.shop.Catalog())}
			if tc.cat != nil {
				cat = *tc.cat
			}
			doubtful := runOne(t, tc.c, cat, tc.mutate)
			if len(doubtful) != 0 {
				t.Errorf("operations = %v, want none", doubtful)
			}
			// The same checkout, sure: a served country, every id, no mutation.
			sure := *tc.c
			sure.builtAt, sure.shop, sure.country = at, shop, "SE"
			sure.lines = []line{bowl, wedding}
			sure.options = optionsFor(shop, "SE")
			if ops := runOne(t, &sure, functionconfig.Catalog{Products: shop.Catalog(), CollectionIDs: collectionIDs(shop.Catalog())}, nil); len(ops) == 0 {
				t.Errorf("without the doubt nothing is renamed either: the row proves nothing")
			}
		})
	}
}

func group(in map[string]any) map[string]any {
	return in["cart"].(map[string]any)["deliveryGroups"].([]any)[0].(map[string]any)
}

// runOne runs the function on one case, after mutate changes its input
// or config, and returns its operations, checked against the schema.
func runOne(t *testing.T, c *pcase, cat functionconfig.Catalog, mutate func(in, cfg map[string]any)) []any {
	t.Helper()
	cfg, err := functionconfig.BuildFor(c.shop, c.builtAt, cat)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(cfg)
	in := roundTrip(t, input(t, c, cfg, raw))
	if mutate != nil {
		mutate(in, in["deliveryCustomization"].(map[string]any)["metafield"].(map[string]any)["jsonValue"].(map[string]any))
	}
	stdin, _ := json.Marshal([]any{in})
	out, err := node(t, extensionDir, stdin, filepath.Join("test", "batch.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	var outputs []map[string]any
	if err := json.Unmarshal(out, &outputs); err != nil || len(outputs) != 1 {
		t.Fatalf("batch.mjs printed %s: %v", out, err)
	}
	if err := validateOutput(t, outputs[0]); err != nil {
		t.Errorf("output %v: %v", outputs[0], err)
	}
	ops, _ := outputs[0]["operations"].([]any)
	return ops
}
