// Package theme_test checks Leadtime's theme app extension (extensions/leadtime-theme) with
// Shopify's own tools: every block renders in Shopify's Liquid with full, missing and hostile
// data, in every storefront language; theme-check finds nothing; Shopify's Liquid+HTML parser
// reads every .liquid file; the demo's renderer prints what Shopify's Liquid prints; and the
// assets stay within their budgets. Missing tools fail the tests: `make test` installs them.
package theme_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	theme "github.com/leadtime-app/leadtime/extensions/leadtime-theme"
	"github.com/leadtime-app/leadtime/internal/liquidtest"
)

var (
	root = liquidtest.Root()
	ext  = filepath.Join(root, "extensions", "leadtime-theme")

	lt      = liquidtest.Leadtime
	product = liquidtest.Product
	variant = liquidtest.Variant
	line    = liquidtest.Line
	cart    = liquidtest.Cart
)

// Products as Shopify's Liquid sees them (the demo shop's, examples/demo-shop.yaml).
var (
	sweater = product(1001, "wool-sweater", lt("processing_min_days", 5, "processing_max_days", 8, "readiness", "made_to_order"),
		variant(2001, "S", nil), variant(2002, "M", nil), variant(2003, "L", nil))
	mug  = product(1002, "stoneware-mug", nil, variant(2011, "Ash glaze", nil), variant(2012, "Moss glaze", nil))
	vase = product(1006, "spring-vase", lt("ships_on", "2027-03-01", "processing_min_days", 1, "processing_max_days", 2),
		variant(2051, "Celadon", nil))
	card    = product(1009, "letterpress-card", lt("processing_min_days", 0, "processing_max_days", 1), variant(2081, "Single", nil))
	hostile = product(666, `6"><script>alert(1)</script>`,
		lt("processing_min_days", "<script>alert(1)</script>", "processing_max_days", "{{ x }}", "ships_on", `2099-01-01"><b>`),
		variant(667, `{{ shop.name }}"'`, nil))
)

func first(p map[string]any) map[string]any { return p["variants"].([]any)[0].(map[string]any) }

// blockVars are the objects a block sees: its block (settings over the schema's defaults) and
// the page's objects.
func blockVars(t *testing.T, name string, settings map[string]any, objects map[string]any) map[string]any {
	t.Helper()
	schema, err := theme.BlockSchema(name)
	if err != nil {
		t.Fatal(err)
	}
	s := schema.Defaults()
	maps.Copy(s, settings)
	vars := map[string]any{"block": map[string]any{"id": name, "settings": s, "shopify_attributes": `data-shopify-editor-block="{&quot;id&quot;:&quot;x&quot;}"`}}
	maps.Copy(vars, objects)
	return vars
}

type blockCase struct {
	name, block, locale string
	settings, objects   map[string]any
	text                string   // the fallback, as read
	has, lacks          []string // in the markup
}

func blockCases() []blockCase {
	hostileSettings := map[string]any{
		"proxy_path": `"><script>alert(1)</script>{{ x }}`, "alignment": `"><script>`, "lines": "9",
		"drawer_selector": `"><script>alert(1)</script>`, "show_ships": false, "show_delivery": false,
	}
	full := []string{`<leadtime-promise product-id="1001" variant-id="2001" data-variants="2001,2002,2003" endpoint="/apps/leadtime" parts="ships delivery" countdown><span class="leadtime-fallback">`, `class="leadtime-block leadtime-block--product leadtime-block--left leadtime-lines-2 "`,
		`<svg class="leadtime-icon"`, `<link href="/cdn/shop/extensions/leadtime/assets/leadtime.css" rel="stylesheet"`,
		`<script src="/cdn/shop/extensions/leadtime/assets/leadtime-promise.js" type="module"></script>`,
		`data-shopify-editor-block=`}
	cartFull := []string{`<leadtime-promise cart sync-attribute endpoint="/apps/leadtime" parts="ships delivery" countdown>`,
		`leadtime-block--cart leadtime-block--left leadtime-lines-2`}
	return []blockCase{
		// The product page.
		{name: "made to order", block: "product-promise", locale: "en", objects: map[string]any{"product": sweater},
			text: "Made to order · Ships in 5–8 business days", has: full},
		{name: "made to order", block: "product-promise", locale: "sv", objects: map[string]any{"product": sweater},
			text: "Tillverkas på beställning · Skickas inom 5–8 arbetsdagar"},
		{name: "made to order", block: "product-promise", locale: "de", objects: map[string]any{"product": sweater},
			text: "Auf Bestellung gefertigt · Versand in 5–8 Werktagen"},
		{name: "made to order", block: "product-promise", locale: "fr", objects: map[string]any{"product": sweater},
			text: "Fabriqué sur commande · Expédition sous 5 à 8 jours ouvrés"},
		{name: "may ship today", block: "product-promise", locale: "en", objects: map[string]any{"product": card},
			text: "Ships within 1 business day", has: []string{"leadtime-lines-2 leadtime-may-count", `data-variants="2081"`}},
		{name: "may ship today", block: "product-promise", locale: "de", objects: map[string]any{"product": card},
			text: "Versand innerhalb von 1 Werktag"},
		{name: "pre-order", block: "product-promise", locale: "en", objects: map[string]any{"product": vase},
			text: "Pre-order · ships from Mar 1", has: []string{"leadtime-lines-2 "}, lacks: []string{"may-count"}},
		{name: "pre-order", block: "product-promise", locale: "sv", objects: map[string]any{"product": vase},
			text: "Förhandsbeställning · skickas från 1 mars"},
		{name: "pre-order", block: "product-promise", locale: "de", objects: map[string]any{"product": vase},
			text: "Vorbestellung · Versand ab 1. März"},
		{name: "pre-order", block: "product-promise", locale: "fr", objects: map[string]any{"product": vase},
			text: "Précommande · expédition à partir du 1er mars"},
		{name: "missing", block: "product-promise", locale: "en", objects: map[string]any{"product": mug},
			text: "Shipping times are shown at checkout", has: []string{"leadtime-lines-2 leadtime-may-count", `data-variants="2011,2012"`}},
		{name: "missing", block: "product-promise", locale: "sv", objects: map[string]any{"product": mug},
			text: "Leveranstider visas i kassan"},
		{name: "missing", block: "product-promise", locale: "de", objects: map[string]any{"product": mug},
			text: "Die Lieferzeit wird an der Kasse angezeigt"},
		{name: "missing", block: "product-promise", locale: "fr", objects: map[string]any{"product": mug},
			text: "Les délais de livraison sont indiqués au paiement"},
		{name: "not a product page", block: "product-promise", locale: "en", objects: map[string]any{"product": nil},
			lacks: []string{"<leadtime-promise"}},
		{name: "settings", block: "product-promise", locale: "en", objects: map[string]any{"product": mug},
			settings: map[string]any{"show_delivery": false, "show_countdown": false, "show_icon": false, "alignment": "center", "lines": 1},
			text:     "Shipping times are shown at checkout",
			has:      []string{`parts="ships">`, "leadtime-block--center leadtime-lines-1"}, lacks: []string{"countdown", "<svg"}},
		{name: "only delivery", block: "product-promise", locale: "en", objects: map[string]any{"product": sweater},
			settings: map[string]any{"show_ships": false, "alignment": "right"},
			text:     "Made to order · Ships in 5–8 business days", has: []string{`parts="delivery" countdown>`, "leadtime-block--right"}},
		{name: "hostile", block: "product-promise", locale: "en", objects: map[string]any{"product": hostile}, settings: hostileSettings,
			text: "Shipping times are shown at checkout",
			has: []string{`endpoint="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;{{ x }}"`, `parts="ships delivery"`,
				"leadtime-block--left leadtime-lines-4 leadtime-may-count"}},

		// The cart page.
		{name: "lines", block: "cart-promise", locale: "en",
			objects: map[string]any{"cart": cart(nil, line(sweater, first(sweater), 1), line(vase, first(vase), 0))},
			text:    "Shipping times are shown at checkout", has: []string{"leadtime-lines-2 leadtime-may-count"}},
		{name: "slowest line", block: "cart-promise", locale: "en",
			objects: map[string]any{"cart": cart(nil, line(sweater, first(sweater), 1), line(card, first(card), 2))},
			text:    "Your order ships in 5–8 business days", has: cartFull},
		{name: "slowest line", block: "cart-promise", locale: "sv",
			objects: map[string]any{"cart": cart(nil, line(sweater, first(sweater), 1), line(card, first(card), 2))},
			text:    "Din beställning skickas inom 5–8 arbetsdagar"},
		{name: "slowest line", block: "cart-promise", locale: "de",
			objects: map[string]any{"cart": cart(nil, line(sweater, first(sweater), 1), line(card, first(card), 2))},
			text:    "Ihre Bestellung wird in 5–8 Werktagen versandt"},
		{name: "slowest line", block: "cart-promise", locale: "fr",
			objects: map[string]any{"cart": cart(nil, line(sweater, first(sweater), 1), line(card, first(card), 2))},
			text:    "Votre commande est expédiée sous 5 à 8 jours ouvrés"},
		{name: "may ship today", block: "cart-promise", locale: "en",
			objects: map[string]any{"cart": cart(nil, line(card, first(card), 2))},
			text:    "Your order ships within 1 business day", has: []string{"leadtime-lines-2 leadtime-may-count"}},
		{name: "missing", block: "cart-promise", locale: "en",
			objects: map[string]any{"cart": cart(nil, line(sweater, first(sweater), 1), line(mug, first(mug), 1))},
			text:    "Shipping times are shown at checkout"},
		{name: "empty", block: "cart-promise", locale: "en", objects: map[string]any{"cart": cart(nil)},
			text: "Add something to your cart to see when it ships", has: []string{"leadtime-lines-2 leadtime-may-count"}},
		{name: "empty", block: "cart-promise", locale: "fr", objects: map[string]any{"cart": cart(nil)},
			text: "Ajoutez un article au panier pour savoir quand il sera expédié"},
		{name: "hostile", block: "cart-promise", locale: "en", settings: hostileSettings,
			objects: map[string]any{"cart": cart(map[string]any{"_leadtime": `"><script>alert(1)</script>`}, line(hostile, first(hostile), 1))},
			text:    "Shipping times are shown at checkout"},

		// The app embed.
		{name: "defaults", block: "leadtime-embed", locale: "en",
			objects: map[string]any{"cart": cart(nil, line(sweater, first(sweater), 1))},
			text:    "Your order ships in 5–8 business days",
			has: []string{
				`<script src="/cdn/shop/extensions/leadtime/assets/leadtime-promise.js" type="module"></script>`,
				`<script src="/cdn/shop/extensions/leadtime/assets/leadtime-embed.js" type="module"></script>`,
				`id="leadtime-embed"`, `data-endpoint="/apps/leadtime"`,
				`data-drawer="cart-drawer, #CartDrawer, #cart-drawer, .cart-drawer"`,
				"leadtime-block--cart leadtime-block--left leadtime-lines-2 leadtime-block--drawer"},
			lacks: []string{"sync-attribute", "data-shopify-editor-block"}},
		{name: "no drawer", block: "leadtime-embed", locale: "en", settings: map[string]any{"cart_drawer": false, "proxy_path": "/apps/lt"},
			objects: map[string]any{"cart": cart(nil, line(sweater, first(sweater), 1))},
			has:     []string{`data-endpoint="/apps/lt"`}, lacks: []string{"data-drawer", "<leadtime-promise"}},
		{name: "hostile", block: "leadtime-embed", locale: "en", settings: hostileSettings,
			objects: map[string]any{"cart": cart(nil, line(hostile, first(hostile), 1))},
			text:    "Shipping times are shown at checkout",
			has:     []string{`data-drawer="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`}},
	}
}

func (c blockCase) id() string { return c.block + "/" + c.name + "/" + c.locale }

func localeFile(locale string) string {
	if locale == "en" {
		locale = "en.default"
	}
	return filepath.Join(ext, "locales", locale+".json")
}

// TestBlocksInShopifyLiquid renders every block in Shopify's Liquid (strict) and checks what
// it prints, in every storefront language, with full, missing and hostile data.
func TestBlocksInShopifyLiquid(t *testing.T) {
	cases := blockCases()
	batch := make([]liquidtest.Case, len(cases))
	for i, c := range cases {
		batch[i] = liquidtest.Case{
			Name: c.id(), File: filepath.Join(ext, "blocks", c.block+".liquid"), Vars: blockVars(t, c.block, c.settings, c.objects),
			Snippets: filepath.Join(ext, "snippets"), Locale: localeFile(c.locale),
		}
	}
	results := liquidtest.Render(t, batch)
	for _, c := range cases {
		t.Run(c.id(), func(t *testing.T) {
			r := results[c.id()]
			if len(r.Errors) > 0 || r.Output == nil {
				t.Fatalf("Liquid errors: %v", r.Errors)
			}
			checkBlock(t, c, *r.Output)
		})
	}
}

var fallbackRE = regexp.MustCompile(`<span class="leadtime-fallback">([^<]*)</span>`)

func checkBlock(t *testing.T, c blockCase, out string) {
	t.Helper()
	for _, bad := range []string{"Liquid error", "translation missing", "<script>alert", "<b>", `"><script`, "[days]", "[date]", "[promise]", "[min]", "[count]"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
	m := fallbackRE.FindAllStringSubmatch(out, -1)
	switch {
	case c.text == "" && len(m) > 0:
		t.Errorf("prints a fallback %q, want none", m[0][1])
	case c.text != "" && len(m) != 1:
		t.Errorf("%d fallbacks, want 1:\n%s", len(m), out)
	case c.text != "" && strings.TrimSpace(m[0][1]) != c.text:
		t.Errorf("fallback %q, want %q", m[0][1], c.text)
	}
	for _, s := range c.has {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	for _, s := range c.lacks {
		if strings.Contains(out, s) {
			t.Errorf("output has %q:\n%s", s, out)
		}
	}
}

// TestDemoRendersLikeShopify renders the same blocks with the same objects in the demo's
// renderer (package theme, on osteele/liquid) and in Shopify's Liquid: the demo storefront shows
// exactly the markup a shop shows.
func TestDemoRendersLikeShopify(t *testing.T) {
	cases := blockCases()
	batch := make([]liquidtest.Case, len(cases))
	for i, c := range cases {
		batch[i] = liquidtest.Case{
			Name: c.id(), File: filepath.Join(ext, "blocks", c.block+".liquid"), Vars: blockVars(t, c.block, c.settings, c.objects),
			Snippets: filepath.Join(ext, "snippets"), Locale: localeFile(c.locale),
		}
	}
	results := liquidtest.Render(t, batch)
	now, err := time.Parse(time.RFC3339, liquidtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(liquidtest.Timezone)
	if err != nil {
		t.Fatal(err)
	}
	renderers := map[string]*theme.Renderer{}
	for _, c := range cases {
		t.Run(c.id(), func(t *testing.T) {
			r := renderers[c.locale]
			if r == nil {
				r, err = theme.NewRenderer(theme.Options{
					Locale: c.locale, Now: func() time.Time { return now }, Location: loc,
					AssetURL: func(name string) string { return "/cdn/shop/extensions/leadtime/assets/" + name },
				})
				if err != nil {
					t.Fatal(err)
				}
				renderers[c.locale] = r
			}
			vars := blockVars(t, c.block, c.settings, c.objects)
			block := vars["block"].(map[string]any)
			delete(vars, "block")
			got, err := r.Block(c.block, block["settings"].(map[string]any), vars)
			if err != nil {
				t.Fatal(err)
			}
			// The demo has no theme editor, so no shopify_attributes.
			want := strings.ReplaceAll(*results[c.id()].Output, ` `+block["shopify_attributes"].(string), ` `)
			// osteele/liquid applies {%- -%} to what a {% render %} prints, ruby-liquid only to
			// the template's own text: whitespace between tags may differ, nothing else.
			if got, want := squeeze(got), squeeze(want); got != want {
				t.Errorf("the demo renders\n%s\nShopify's Liquid renders\n%s", got, want)
			}
		})
	}
}

var spaceRE, betweenTagsRE = regexp.MustCompile(`\s+`), regexp.MustCompile(`>\s+<`)

func squeeze(s string) string {
	return strings.TrimSpace(betweenTagsRE.ReplaceAllString(spaceRE.ReplaceAllString(s, " "), "><"))
}

// lintReport is what tests/theme/lint.js prints.
type lintReport struct {
	App, Theme []struct {
		Check, Severity, File, Message string
		Line                           int
	}
	Checks int
	Parse  []struct {
		File  string
		Error *string
	}
}

// TestShopifyLinters runs Shopify's theme-check (as an app extension, then in theme context
// for the blocks' schemas) and Shopify's Liquid+HTML parser, in one node process.
func TestShopifyLinters(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required for Shopify's linters (make deps): %v", err)
	}
	for _, pkg := range []string{"@shopify/theme-check-node", "@shopify/liquid-html-parser"} {
		if _, err := os.Stat(filepath.Join(root, "node_modules", pkg, "package.json")); err != nil {
			t.Fatalf("%s is required (npm ci): %v", pkg, err)
		}
	}
	var files []string
	for _, pattern := range []string{"extensions/leadtime-theme/blocks/*.liquid", "extensions/leadtime-theme/snippets/*.liquid", "liquid-snippets/*.liquid"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil || len(m) == 0 {
			t.Fatalf("no files match %s: %v", pattern, err)
		}
		files = append(files, m...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{filepath.Join(root, "tests", "theme", "lint.js"), ext}, files...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node tests/theme/lint.js: %v\n%s", err, stderr.String())
	}
	var rep lintReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("lint.js output: %v\n%s", err, out)
	}

	// As an app extension: the theme-app-extension checks, and not one offense.
	if rep.Checks < 80 {
		t.Errorf("theme-check ran %d checks; the theme-app-extension config has 87", rep.Checks)
	}
	for _, o := range rep.App {
		t.Errorf("theme-check (app): %s %s %s:%d: %s", o.Severity, o.Check, o.File, o.Line, o.Message)
	}
	// In theme context, for the schemas: no error but the one that app blocks are made of.
	// Its warnings are those of a theme without templates (snippets that no template renders).
	targets := 0
	for _, o := range rep.Theme {
		switch {
		case o.Message == "Property target is not allowed.":
			targets++
		case o.Severity == "error":
			t.Errorf("theme-check (theme): %s %s:%d: %s", o.Check, o.File, o.Line, o.Message)
		case o.Check == "OrphanedSnippet":
		default:
			t.Logf("theme-check (theme) %s %s %s:%d: %s", o.Severity, o.Check, o.File, o.Line, o.Message)
		}
	}
	if blocks, _ := filepath.Glob(filepath.Join(ext, "blocks", "*.liquid")); targets != len(blocks) {
		t.Errorf("theme context saw %d app-block targets, want one per block (%d): did the schemas load?", targets, len(blocks))
	}
	parsed := 0
	for _, p := range rep.Parse {
		parsed++
		if p.Error != nil {
			t.Errorf("liquid-html-parser: %s: %s", p.File, *p.Error)
		}
	}
	if parsed != len(files) {
		t.Errorf("the parser read %d files of %d", parsed, len(files))
	}
	t.Logf("theme-check: %d checks, %d app offenses; liquid-html-parser: %d files", rep.Checks, len(rep.App), parsed)
}

// TestAssetBudgets: tiny vanilla JS and CSS (issue 6): the client module ≤ 6 KB, all JS ≤ 10 KB,
// CSS ≤ 5 KB, unminified.
func TestAssetBudgets(t *testing.T) {
	size := func(pattern string) (total int) {
		files, err := filepath.Glob(filepath.Join(ext, "assets", pattern))
		if err != nil || len(files) == 0 {
			t.Fatalf("no assets match %s", pattern)
		}
		for _, f := range files {
			fi, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			total += int(fi.Size())
		}
		return total
	}
	for _, b := range []struct {
		pattern string
		max     int
	}{{"leadtime-promise.js", 6 << 10}, {"*.js", 10 << 10}, {"*.css", 5 << 10}} {
		if got := size(b.pattern); got > b.max {
			t.Errorf("assets/%s: %d bytes, over the budget of %d", b.pattern, got, b.max)
		} else {
			t.Logf("assets/%s: %d of %d bytes", b.pattern, got, b.max)
		}
	}
}

// TestLocales: every language has every storefront text, with the same placeholders.
func TestLocales(t *testing.T) {
	read := func(file string) map[string]string {
		data, err := os.ReadFile(filepath.Join(ext, "locales", file))
		if err != nil {
			t.Fatal(err)
		}
		var tree map[string]any
		if err := json.Unmarshal(data, &tree); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		flat := map[string]string{}
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					walk(prefix+"."+k, x)
				}
			case string:
				flat[prefix[1:]] = v
			}
		}
		walk("", tree)
		return flat
	}
	placeholders := regexp.MustCompile(`\[[a-z]+\]`)
	for _, kind := range []string{"", ".schema"} {
		en := read("en.default" + kind + ".json")
		for _, l := range []string{"sv", "de", "fr"} {
			other := read(l + kind + ".json")
			if !slices.Equal(slices.Sorted(maps.Keys(en)), slices.Sorted(maps.Keys(other))) {
				t.Errorf("%s%s.json has keys %v, en.default has %v", l, kind, slices.Sorted(maps.Keys(other)), slices.Sorted(maps.Keys(en)))
			}
			for k, v := range en {
				a, b := placeholders.FindAllString(v, -1), placeholders.FindAllString(other[k], -1)
				slices.Sort(a)
				slices.Sort(b)
				if !slices.Equal(a, b) {
					t.Errorf("%s%s.json %s: placeholders %v, en has %v", l, kind, k, b, a)
				}
			}
		}
	}
}
