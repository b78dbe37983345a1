package snippets_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/internal/liquidtest"
	snippets "github.com/leadtime-app/leadtime/liquid-snippets"
)

var (
	lt      = liquidtest.Leadtime
	product = liquidtest.Product
	variant = liquidtest.Variant
	line    = liquidtest.Line
)

// The demo shop's products (examples/demo-shop.yaml), as Shopify's Liquid sees them.
var (
	sweater = product(1001, "wool-sweater", lt("processing_min_days", 5, "processing_max_days", 8, "readiness", "made_to_order"),
		variant(2001, "S", nil))
	mug    = product(1002, "stoneware-mug", nil, variant(2011, "Ash glaze", nil)) // a rule's, not a metafield's
	wallet = product(1005, "leather-wallet", nil,
		variant(2042, "Monogrammed", lt("processing_min_days", 5, "processing_max_days", 7, "readiness", "made_to_order")),
		variant(2041, "Plain", nil))
	vase = product(1006, "spring-vase", lt("ships_on", "2027-03-01", "processing_min_days", 1, "processing_max_days", 2),
		variant(2051, "Celadon", nil))
	card  = product(1009, "letterpress-card", lt("processing_min_days", 0, "processing_max_days", 1), variant(2081, "Single", nil))
	until = product(1010, "one-sided", lt("processing_max_days", 4), variant(2091, "One", nil)) // one alone stands for both

	// Merchant text where a snippet might print it: HTML, Liquid, quotes.
	hostile = product(666, `x"><script>alert(1)</script>`,
		lt("processing_min_days", "<script>alert(1)</script>", "processing_max_days", "{{ x }}",
			"readiness", `<b onmouseover="x">`, "ships_on", `2099-01-01"><script>`),
		variant(667, "{{ shop.name }}", lt("processing_min_days", `5" onmouseover="alert(1)`)))
)

const (
	// _leadtime as the theme's embed writes it (JSON.stringify, DESIGN.md §5).
	attrGood = `{"ships":{"earliest":"2026-11-30","latest":"2026-12-03"},"delivery":{"earliest":"2026-12-08","latest":"2026-12-08"},"text":"Your order ships Nov 30 – Dec 3 · Arrives Tue, Dec 8","quoted_at":"2026-11-27T16:02:11+01:00"}`
	// Dates that are not, and text that tries to close the JSON, the HTML and the template.
	attrHostile = `{"ships":{"earliest":"<script>alert(1)</script>","latest":"{{ x }}"},"delivery":{"earliest":"2026-12-08\"","latest":"2026-02-30"},"text":"\"delivery\":{\"earliest\":\"2020-01-01\"}</p><script>alert(1)</script>{{ shop.name }}'","quoted_at":"x"}`
)

func orderPromise(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "order-promise.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// notification is what Shopify's order notifications give Liquid: the order's properties at
// the top level (attributes, line_items, …), and the order drop for its metafields.
func notification(promise any, attributes map[string]any, ships bool, lines ...map[string]any) map[string]any {
	metafields := map[string]any{}
	if promise != nil {
		metafields["leadtime"] = map[string]any{"promise": map[string]any{"value": promise}}
	}
	if attributes == nil {
		attributes = map[string]any{}
	}
	items := make([]any, len(lines))
	for i, l := range lines {
		items[i] = l
	}
	var address any
	if ships {
		address = map[string]any{"name": "Kim Berg", "city": "Uppsala", "country_code": "SE"}
	}
	return map[string]any{
		"order":             map[string]any{"name": "#1001", "metafields": metafields},
		"attributes":        attributes,
		"line_items":        items,
		"requires_shipping": ships,
		"shipping_address":  address,
		"shop":              map[string]any{"name": "Demo {{ shop }}"},
	}
}

type want struct {
	text string // the sentence, as the customer reads it; "" means nothing is printed
	has  []string
}

func TestNames(t *testing.T) {
	got := snippets.Names()
	wantNames := []string{
		"leadtime-abandoned-checkout", "leadtime-cart", "leadtime-jsonld", "leadtime-order-confirmation",
		"leadtime-pos-receipt", "leadtime-product", "leadtime-shipping-confirmation",
	}
	if !slices.Equal(got, wantNames) {
		t.Fatalf("Names() = %v, want %v", got, wantNames)
	}
	for _, name := range got {
		src, ok := snippets.Source(name)
		if !ok || src == "" {
			t.Fatalf("Source(%q) = %q, %v", name, src, ok)
		}
		if again, _ := snippets.Source(name + ".liquid"); again != src {
			t.Errorf("Source(%q.liquid) differs from Source(%q)", name, name)
		}
		// Each starts with a comment that says where to paste it and what it reads.
		head, _, _ := strings.Cut(src, "{%- endcomment -%}")
		if !strings.HasPrefix(src, "{%- comment -%}") || !strings.Contains(head, "Paste into:") || !strings.Contains(head, "Reads") {
			t.Errorf("%s does not start with a comment that says where to paste it and what it reads", name)
		}
	}
	for _, bad := range []string{"", "nope", "../snippets.go", "leadtime-cart/..", `..\x`} {
		if _, ok := snippets.Source(bad); ok {
			t.Errorf("Source(%q) found something", bad)
		}
	}
}

// TestRenderInShopifyLiquid renders every snippet in Shopify's Liquid (strict) with full,
// missing and hostile data, and checks what each one prints.
func TestRenderInShopifyLiquid(t *testing.T) {
	promise := orderPromise(t)
	unavailable := map[string]any{"available": false, "ships": nil, "delivery": nil, "cutoff": nil,
		"message": map[string]any{"kind": "unavailable", "text": "None of the items in your cart are available"}}
	good := map[string]any{"_leadtime": attrGood}
	bad := map[string]any{"_leadtime": attrHostile, "gift": "<script>alert(1)</script>"}
	s0, s1 := sweater["variants"].([]any)[0].(map[string]any), wallet["variants"].([]any)[0].(map[string]any)
	m0, c0 := mug["variants"].([]any)[0].(map[string]any), card["variants"].([]any)[0].(map[string]any)
	v0, h0 := vase["variants"].([]any)[0].(map[string]any), hostile["variants"].([]any)[0].(map[string]any)
	u0 := until["variants"].([]any)[0].(map[string]any)
	sweaterLine, walletLine := line(sweater, s0, 1), line(wallet, s1, 1)
	mugLine, cardLine, vaseLine, hostileLine := line(mug, m0, 2), line(card, c0, 3), line(vase, v0, 1), line(hostile, h0, 1)

	type tc struct {
		snippet, name string
		vars          map[string]any
		want          want
	}
	dates := "Your order is expected to ship Dec 7–10 and arrive Dec 8–15."
	cases := []tc{
		// Order confirmation: the metafield first, then the attribute, then the lines.
		{"leadtime-order-confirmation", "metafield", notification(promise, good, true, sweaterLine, mugLine), want{text: dates}},
		{"leadtime-order-confirmation", "attribute", notification(nil, good, true, sweaterLine, mugLine),
			want{text: "Your order is expected to ship Nov 30 – Dec 3 and arrive on Tue, Dec 8."}},
		{"leadtime-order-confirmation", "lines", notification(nil, nil, true, sweaterLine, walletLine),
			want{text: "Your order ships in 5–8 business days."}},
		{"leadtime-order-confirmation", "one-sided metafield", notification(nil, nil, true, line(until, u0, 1)),
			want{text: "Your order ships in 4 business days."}},
		{"leadtime-order-confirmation", "ready", notification(nil, nil, true, cardLine), want{text: "Your order ships within 1 business day."}},
		{"leadtime-order-confirmation", "unavailable", notification(unavailable, nil, true, mugLine),
			want{text: "We’ll email you as soon as your order ships."}},
		{"leadtime-order-confirmation", "missing", notification(nil, nil, true, sweaterLine, mugLine),
			want{text: "We’ll email you as soon as your order ships."}},
		{"leadtime-order-confirmation", "no lines", notification(nil, nil, true), want{text: "We’ll email you as soon as your order ships."}},
		{"leadtime-order-confirmation", "hostile", notification(nil, bad, true, hostileLine),
			want{text: "We’ll email you as soon as your order ships."}},
		{"leadtime-order-confirmation", "hostile attribute, good lines", notification(nil, bad, true, sweaterLine),
			want{text: "Your order ships in 5–8 business days."}},

		// Shipping confirmation: only a delivery window that was promised.
		{"leadtime-shipping-confirmation", "metafield", notification(promise, good, true, sweaterLine), want{text: "Estimated delivery: Dec 8–15."}},
		{"leadtime-shipping-confirmation", "attribute", notification(nil, good, true, sweaterLine), want{text: "Estimated delivery: Tue, Dec 8."}},
		{"leadtime-shipping-confirmation", "missing", notification(nil, nil, true, sweaterLine), want{}},
		{"leadtime-shipping-confirmation", "hostile", notification(nil, bad, true, hostileLine), want{}},

		// POS receipt: only for an order that ships to the customer.
		{"leadtime-pos-receipt", "ships, lines", notification(nil, nil, true, sweaterLine, walletLine),
			want{text: "Your order ships in 5–8 business days."}},
		{"leadtime-pos-receipt", "ships, metafield", notification(promise, nil, true, sweaterLine), want{text: dates}},
		{"leadtime-pos-receipt", "taken home", notification(promise, nil, false, sweaterLine), want{}},
		{"leadtime-pos-receipt", "missing", notification(nil, nil, true, mugLine), want{text: "We’ll email you as soon as your order ships."}},
		{"leadtime-pos-receipt", "hostile", notification(nil, bad, true, hostileLine), want{text: "We’ll email you as soon as your order ships."}},

		// Abandoned checkout: the lines' processing days, which stay true however late it is read.
		{"leadtime-abandoned-checkout", "lines", notification(nil, good, true, sweaterLine, walletLine),
			want{text: "Complete your order today and it ships within 5–8 business days."}},
		{"leadtime-abandoned-checkout", "ready", notification(nil, nil, true, cardLine),
			want{text: "Complete your order today and it ships within 1 business day."}},
		{"leadtime-abandoned-checkout", "missing", notification(nil, good, true, sweaterLine, mugLine),
			want{text: "Complete your order today to get it on its way."}},
		{"leadtime-abandoned-checkout", "hostile", notification(nil, bad, true, hostileLine),
			want{text: "Complete your order today to get it on its way."}},

		// The product page without the app blocks.
		{"leadtime-product", "made to order", map[string]any{"product": sweater, "variant": nil, "live": false},
			want{text: "Made to order · Ships in 5–8 business days", has: []string{`<p class="leadtime-promise">`}}},
		{"leadtime-product", "variant", map[string]any{"product": wallet, "variant": s1, "live": false},
			want{text: "Made to order · Ships in 5–7 business days"}},
		{"leadtime-product", "plain variant", map[string]any{"product": wallet, "variant": wallet["variants"].([]any)[1], "live": false},
			want{text: "Shipping times are shown at checkout"}},
		{"leadtime-product", "pre-order", map[string]any{"product": vase, "variant": nil, "live": false},
			want{text: "Pre-order · ships from Mar 1"}},
		{"leadtime-product", "ready", map[string]any{"product": card, "variant": nil, "live": false},
			want{text: "Ships within 1 business day"}},
		{"leadtime-product", "missing", map[string]any{"product": mug, "variant": nil, "live": false},
			want{text: "Shipping times are shown at checkout"}},
		{"leadtime-product", "live", map[string]any{"product": sweater, "variant": s0, "live": true},
			want{text: "Made to order · Ships in 5–8 business days",
				has: []string{`<leadtime-promise class="leadtime-promise" product-id="1001" variant-id="2001">Made to order`}}},
		{"leadtime-product", "hostile", map[string]any{"product": hostile, "variant": nil, "live": true},
			want{text: "Shipping times are shown at checkout", has: []string{`product-id="666"`}}},

		// The cart without the app blocks: its slowest line, or nothing promised.
		{"leadtime-cart", "lines", map[string]any{"cart": liquidtest.Cart(nil, sweaterLine, walletLine), "live": false},
			want{text: "Your order ships in 5–8 business days"}},
		{"leadtime-cart", "ready", map[string]any{"cart": liquidtest.Cart(nil, cardLine), "live": true},
			want{text: "Your order ships within 1 business day", has: []string{`<leadtime-promise class="leadtime-promise" cart>`}}},
		{"leadtime-cart", "missing", map[string]any{"cart": liquidtest.Cart(good, sweaterLine, mugLine), "live": false},
			want{text: "Shipping times are shown at checkout"}},
		{"leadtime-cart", "pre-order", map[string]any{"cart": liquidtest.Cart(nil, sweaterLine, vaseLine), "live": false},
			want{text: "Shipping times are shown at checkout"}},
		{"leadtime-cart", "empty", map[string]any{"cart": liquidtest.Cart(nil), "live": true}, want{}},
		{"leadtime-cart", "hostile", map[string]any{"cart": liquidtest.Cart(bad, hostileLine), "live": false},
			want{text: "Shipping times are shown at checkout"}},
	}

	var batch []liquidtest.Case
	for _, c := range cases {
		batch = append(batch, liquidtest.Case{Name: c.snippet + "/" + c.name, File: c.snippet + ".liquid", Vars: c.vars})
	}
	results := liquidtest.Render(t, batch)
	for _, c := range cases {
		t.Run(c.snippet+"/"+c.name, func(t *testing.T) {
			out := output(t, results[c.snippet+"/"+c.name])
			if got := visibleText(out); got != c.want.text {
				t.Errorf("prints %q, want %q\n%s", got, c.want.text, out)
			}
			for _, s := range c.want.has {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			if c.want.text == "" && strings.TrimSpace(out) != "" {
				t.Errorf("prints markup without a sentence: %q", out)
			}
		})
	}
}

// output checks what every rendering must be: no error, nothing Liquid or a template left
// behind, no merchant markup.
func output(t *testing.T, r liquidtest.Result) string {
	t.Helper()
	if len(r.Errors) > 0 || r.Output == nil {
		t.Fatalf("Liquid errors: %v", r.Errors)
	}
	out := *r.Output
	for _, bad := range []string{"Liquid error", "translation missing", "<script", "{{", "{%", "[days]", "[ships]", "[delivery]", "[date]", "[min]", "onmouseover=\""} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
	return out
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// visibleText is the text a reader sees, whitespace collapsed, with the few entities the
// snippets can write decoded.
func visibleText(html string) string {
	s := tagRE.ReplaceAllString(html, " ")
	s = strings.NewReplacer("&amp;", "&", "&#39;", "'", "&quot;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
