// Package liquidtest renders Liquid files in Shopify's reference engine (Debian ruby-liquid,
// strict), for the tests of liquid-snippets/ and extensions/leadtime-theme/, and builds the
// objects they read, shaped as Shopify's Liquid objects are.
//
// Ruby starts once per batch (liquid-snippets/testdata/render_batch.rb). A test fails, never
// skips, when ruby or ruby-liquid is missing: `make test` installs both.
package liquidtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Root is the repository's directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Case is one file to render with its objects.
type Case struct {
	Name     string         `json:"name"`
	File     string         `json:"file"`               // a .liquid file
	Vars     map[string]any `json:"vars"`               // the objects, by name
	Snippets string         `json:"snippets,omitempty"` // directory for {% render %}
	Locale   string         `json:"locale,omitempty"`   // a locales/*.json file for t
	Now      string         `json:"now"`                // the shop's clock, RFC 3339
	Timezone string         `json:"timezone"`           // the shop's time zone
}

// Result is what a Case printed, or its errors.
type Result struct {
	Name   string   `json:"name"`
	Output *string  `json:"output"`
	Errors []string `json:"errors"`
}

// Demo's clock and zone: Saturday 28 November 2026, 09:15 in Stockholm (DESIGN.md §4).
const (
	Now      = "2026-11-28T09:15:00+01:00"
	Timezone = "Europe/Stockholm"
)

// Render renders every case in one ruby process and returns the results by name.
func Render(t testing.TB, cases []Case) map[string]Result {
	t.Helper()
	for i := range cases {
		if cases[i].Now == "" {
			cases[i].Now = Now
		}
		if cases[i].Timezone == "" {
			cases[i].Timezone = Timezone
		}
	}
	started := time.Now()
	var results []Result
	RunBatch(t, filepath.Join(Root(), "liquid-snippets", "testdata", "render_batch.rb"), cases, &results)
	if len(results) != len(cases) {
		t.Fatalf("render_batch.rb answered %d results for %d cases", len(results), len(cases))
	}
	t.Logf("ruby-liquid rendered %d cases in %v", len(cases), time.Since(started).Round(time.Millisecond))
	byName := make(map[string]Result, len(results))
	for _, r := range results {
		byName[r.Name] = r
	}
	return byName
}

// RunBatch runs a ruby script once, with in as JSON on its standard input,
// and decodes its standard output into out. Ruby starts in about 0.25 s,
// so a test sends all its cases in one batch. The test fails, never skips,
// when ruby is missing.
func RunBatch(t testing.TB, script string, in, out any, env ...string) {
	t.Helper()
	ruby, err := exec.LookPath("ruby")
	if err != nil {
		t.Fatalf("ruby is required to render Liquid in Shopify's engine (run `make deps` or scripts/install-deps.sh, which install ruby and ruby-liquid): %v", err)
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ruby, script)
	cmd.Env = append(append(os.Environ(), "LANG=C.UTF-8"), env...)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby %s: %v\n%s", filepath.Base(script), err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%s output: %v\n%s", filepath.Base(script), err, stdout)
	}
}

// Leadtime returns metafields in the leadtime namespace, as product.metafields or
// variant.metafields: Leadtime("processing_min_days", 3, "processing_max_days", 5). Each value
// is read in Liquid as .value.
func Leadtime(kv ...any) map[string]any {
	ns := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		ns[kv[i].(string)] = map[string]any{"value": kv[i+1]}
	}
	return map[string]any{"leadtime": ns}
}

// Variant is a product variant.
func Variant(id int64, title string, metafields map[string]any) map[string]any {
	if metafields == nil {
		metafields = map[string]any{}
	}
	return map[string]any{"id": id, "title": title, "available": true, "metafields": metafields}
}

// Product is a product with its variants; the first is the selected one.
func Product(id int64, handle string, metafields map[string]any, variants ...map[string]any) map[string]any {
	if metafields == nil {
		metafields = map[string]any{}
	}
	vs := make([]any, len(variants))
	for i, v := range variants {
		vs[i] = v
	}
	p := map[string]any{
		"id": id, "handle": handle, "title": handle, "vendor": "Lera", "type": "Mug",
		"tags": []any{}, "collections": []any{}, "metafields": metafields, "variants": vs,
		"selected_or_first_available_variant": nil,
	}
	if len(variants) > 0 {
		p["selected_or_first_available_variant"] = variants[0]
	}
	return p
}

// Line is a cart item or an order's line item: the variant of a product, and a quantity.
func Line(p map[string]any, variant map[string]any, quantity int) map[string]any {
	return map[string]any{
		"product": p, "variant": variant, "quantity": quantity, "title": p["title"],
		"variant_id": variant["id"], "product_id": p["id"], "requires_shipping": true,
	}
}

// Cart is Shopify's cart object.
func Cart(attributes map[string]any, lines ...map[string]any) map[string]any {
	if attributes == nil {
		attributes = map[string]any{}
	}
	items, count := make([]any, len(lines)), 0
	for i, l := range lines {
		items[i] = l
		count += l["quantity"].(int)
	}
	return map[string]any{"items": items, "item_count": count, "attributes": attributes, "currency": map[string]any{"iso_code": "SEK"}}
}
