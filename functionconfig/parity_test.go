package functionconfig_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/functionconfig"
	"github.com/leadtime-app/leadtime/message"
)

var update = flag.Bool("update", false, "rewrite the generated words.js")

// TestWordsFileIsCurrent keeps src/words.js equal to what package message
// says today.
func TestWordsFileIsCurrent(t *testing.T) {
	path := filepath.Join("..", functionconfig.WordsPath)
	want := functionconfig.WordsJS()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date: run go test ./functionconfig -run TestWordsFileIsCurrent -update", functionconfig.WordsPath)
	}
}

// collectionGID gives every collection handle of a test catalog a stable id.
func collectionGID(handle string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(handle); i++ {
		h = (h ^ uint32(handle[i])) * 16777619
	}
	return "gid://shopify/Collection/" + strconv.FormatUint(uint64(h%1e9)+1, 10)
}

func collectionIDs(products []delivery.Product) map[string]string {
	out := map[string]string{}
	for _, p := range products {
		for _, c := range p.Collections {
			out[c] = collectionGID(strings.ToLower(strings.TrimSpace(c)))
		}
	}
	return out
}

// line is one cart line of a case.
type line struct {
	product *delivery.Product
	variant *delivery.Variant
	qty     int
}

// option is a delivery option as checkout lists it.
type option struct {
	Handle, Title, Code, Type string
}

// pcase is one run of the function and what QuoteCart says it must do.
type pcase struct {
	name    string
	shop    *delivery.Shop
	builtAt time.Time
	at      time.Time
	country string
	lang    string // a LanguageCode
	lines   []line
	options []option
}

// optionsFor lists a checkout's options for a country: every method of
// the zone under its checkout title (or name), one that no method is, and
// a local pickup and a local delivery named like a method.
func optionsFor(shop *delivery.Shop, country string) []option {
	var out []option
	r, err := shop.Route(delivery.Destination{Country: country})
	if err == nil {
		for _, z := range shop.Settings().Shipping.Zones {
			if z.Name != r.Zone {
				continue
			}
			for i, m := range z.Methods {
				title := m.Name
				if len(m.CheckoutTitles) > 0 {
					title = m.CheckoutTitles[0]
				}
				if title == "" {
					title = m.Code
				}
				out = append(out, option{Handle: fmt.Sprintf("h-%d", i), Title: title, Code: m.Code, Type: "SHIPPING"})
			}
		}
	}
	first := "Standard"
	if len(out) > 0 {
		first = out[0].Title
	}
	return append(out,
		option{Handle: "h-unknown", Title: "Mystery freight", Code: "mystery", Type: "SHIPPING"},
		option{Handle: "h-pickup", Title: first, Code: "pickup", Type: "PICK_UP"},
		option{Handle: "h-local", Title: first, Code: "local", Type: "LOCAL"},
	)
}

// expected is what the function must output for a case: QuoteCart's
// window in the buyer's words for each option it may rename, nothing
// where it must be unsure.
func expected(c *pcase, horizonEnd delivery.Date) []map[string]any {
	st := c.shop.Settings()
	locale := message.Resolve(c.lang, st.Locale)
	items := make([]delivery.Item, len(c.lines))
	for i, l := range c.lines {
		items[i] = delivery.Item{Product: l.product, VariantID: l.variant.ID, Quantity: l.qty}
	}
	var ops []map[string]any
	for _, o := range c.options {
		if o.Type != "SHIPPING" && o.Type != "PICKUP_POINT" {
			continue
		}
		code := methodFor(c.shop, c.country, o)
		if code == "" {
			continue
		}
		cart, err := delivery.QuoteCart(c.shop, items, delivery.Destination{Country: c.country, Method: code}, c.at)
		if err != nil || !cart.Available || cart.Delivery.Latest >= horizonEnd {
			continue
		}
		unsure := false
		for _, l := range cart.Lines {
			unsure = unsure || l.Err != nil || !l.Available
		}
		if unsure {
			continue
		}
		ops = append(ops, map[string]any{"deliveryOptionRename": map[string]any{
			"deliveryOptionHandle": o.Handle, "title": o.Title + " · " + message.Arrival(&cart, locale),
		}})
	}
	return ops
}

// methodFor is the method an option is: its title or code among the
// method's checkout titles, else its name and code (Method.CheckoutTitles).
func methodFor(shop *delivery.Shop, country string, o option) string {
	r, err := shop.Route(delivery.Destination{Country: country})
	if err != nil {
		return ""
	}
	fold := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	for _, z := range shop.Settings().Shipping.Zones {
		if z.Name != r.Zone {
			continue
		}
		for _, m := range z.Methods {
			titles := m.CheckoutTitles
			if len(titles) == 0 {
				titles = []string{m.Name, m.Code}
			}
			for _, t := range titles {
				if fold(t) != "" && (fold(t) == fold(o.Title) || fold(t) == fold(o.Code)) {
					return m.Code
				}
			}
		}
	}
	return ""
}

// input builds the function's input for a case, as Shopify would answer
// src/run.graphql with the config's variables.
func input(t testing.TB, c *pcase, cfg *functionconfig.Config, cfgJSON []byte) map[string]any {
	var jsonValue any
	if err := json.Unmarshal(cfgJSON, &jsonValue); err != nil {
		t.Fatal(err)
	}
	local := c.at.In(c.shop.Location())
	today := delivery.DateIn(c.at, c.shop.Location())
	localTime := map[string]any{"date": today.String()}
	wall := local.Hour()*3600 + local.Minute()*60 + local.Second()
	for wd, name := range []string{"cutoffSun", "cutoffMon", "cutoffTue", "cutoffWed", "cutoffThu", "cutoffFri", "cutoffSat"} {
		m := c.shop.CutoffMinutes(time.Weekday(wd))
		localTime[name] = wall < m*60
	}
	lines := make([]any, len(c.lines))
	for i, l := range c.lines {
		p := l.product
		tags := []any{}
		for _, tag := range cfg.Tags {
			has := false
			for _, pt := range p.Tags {
				has = has || strings.EqualFold(strings.TrimSpace(pt), tag)
			}
			tags = append(tags, map[string]any{"t": tag, "h": has})
		}
		colls := []any{}
		for _, id := range cfg.Collections {
			member := false
			for _, h := range p.Collections {
				member = member || collectionGID(strings.ToLower(strings.TrimSpace(h))) == id
			}
			colls = append(colls, map[string]any{"c": id, "m": member})
		}
		// run.graphql's aliases: see its comment.
		product := map[string]any{
			"i": "gid://shopify/Product/" + strconv.FormatInt(p.ID, 10), "h": p.Handle,
			"v": p.Vendor, "y": p.ProductType, "t": tags, "c": colls,
		}
		metafields(product, p.Metafields)
		variant := map[string]any{
			"t": "ProductVariant",
			"i": "gid://shopify/ProductVariant/" + strconv.FormatInt(l.variant.ID, 10),
			"p": product,
		}
		metafields(variant, l.variant.Metafields)
		lines[i] = map[string]any{"q": l.qty, "m": variant}
	}
	options := make([]any, len(c.options))
	for i, o := range c.options {
		options[i] = map[string]any{"handle": o.Handle, "title": o.Title, "code": o.Code, "deliveryMethodType": o.Type}
	}
	return map[string]any{
		"cart": map[string]any{"deliveryGroups": []any{map[string]any{
			"deliveryAddress": map[string]any{"countryCode": c.country},
			"deliveryOptions": options,
			"cartLines":       lines,
		}}},
		"localization":          map[string]any{"language": map[string]any{"isoCode": c.lang}},
		"shop":                  map[string]any{"localTime": localTime},
		"deliveryCustomization": map[string]any{"metafield": map[string]any{"jsonValue": jsonValue}},
	}
}

// metafields sets the leadtime.* metafields of an owner as the input
// query reads them: a value string, or null when unset.
func metafields(owner map[string]any, m delivery.Metafields) {
	value := func(s string) any { return map[string]any{"v": s} }
	owner["n"], owner["x"], owner["s"] = nil, nil, nil
	if m.ProcessingMinDays != nil {
		owner["n"] = value(strconv.Itoa(*m.ProcessingMinDays))
	}
	if m.ProcessingMaxDays != nil {
		owner["x"] = value(strconv.Itoa(*m.ProcessingMaxDays))
	}
	if m.ShipsOn != nil {
		owner["s"] = value(m.ShipsOn.String())
	}
}

// runCases builds every case's config and input, checks the input's shape
// and the config's variables against the schema, runs the function on all
// of them in one node process, checks every output against the schema and
// compares it with QuoteCart. It returns how many options were renamed.
func runCases(t *testing.T, cases []*pcase) int {
	t.Helper()
	s := functionSchema(t)
	doc := inputQuery(t)
	inputs := make([]any, len(cases))
	wants := make([][]map[string]any, len(cases))
	for i, c := range cases {
		cat := functionconfig.Catalog{Products: c.shop.Catalog(), CollectionIDs: collectionIDs(c.shop.Catalog())}
		cfg, err := functionconfig.BuildFor(c.shop, c.builtAt, cat)
		if err != nil {
			t.Fatalf("%s: BuildFor: %v", c.name, err)
		}
		raw, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateVariables(t, doc, raw); err != nil {
			t.Fatalf("%s: the config is not valid as the input query's variables: %v", c.name, err)
		}
		in := roundTrip(t, input(t, c, cfg, raw))
		if ps := checkShape(s, "input", doc.Operations[0].SelectionSet, in, "Input"); len(ps) > 0 {
			t.Fatalf("%s: the input does not match src/run.graphql:\n%s", c.name, strings.Join(ps, "\n"))
		}
		inputs[i] = in
		start, _ := delivery.ParseDate(cfg.Start)
		wants[i] = expected(c, start+delivery.Date(cfg.Days))
	}
	stdin, err := json.Marshal(inputs)
	if err != nil {
		t.Fatal(err)
	}
	out, err := node(t, extensionDir, stdin, filepath.Join("test", "batch.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	var outputs []map[string]any
	if err := json.Unmarshal(out, &outputs); err != nil {
		t.Fatalf("batch.mjs printed %d bytes that are not a JSON array: %v", len(out), err)
	}
	if len(outputs) != len(cases) {
		t.Fatalf("batch.mjs gave %d outputs for %d inputs", len(outputs), len(cases))
	}
	renamed, failures := 0, 0
	for i, c := range cases {
		if err := validateOutput(t, outputs[i]); err != nil {
			t.Errorf("%s: output %v does not match %s: %v", c.name, outputs[i], outputType, err)
		}
		got, _ := json.Marshal(outputs[i]["operations"])
		want, _ := json.Marshal(wants[i])
		if wants[i] == nil {
			want = []byte("[]")
		}
		if !bytes.Equal(got, want) {
			if failures++; failures <= 20 {
				t.Errorf("%s (at %s, built %s, %s, lang %s):\n got %s\nwant %s", c.name, c.at.Format(time.RFC3339), c.builtAt.Format(time.RFC3339), c.country, c.lang, got, want)
			}
		}
		renamed += len(wants[i])
	}
	if failures > 20 {
		t.Errorf("… and %d more cases differ", failures-20)
	}
	return renamed
}

func loadShop(t testing.TB, path string) *delivery.Shop {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	shop, err := delivery.LoadShop(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return shop
}

// pickLine is an acceptance item ("handle", "id", "handle@variant") as a
// checkout line: the variant Quote would pick.
func pickLine(t testing.TB, shop *delivery.Shop, item string) line {
	ref, variant, _ := strings.Cut(item, "@")
	p, ok := shop.ProductByHandle(ref)
	if !ok {
		id, _ := strconv.ParseInt(ref, 10, 64)
		if p, ok = shop.ProductByID(id); !ok {
			t.Fatalf("item %q: no such product", item)
		}
	}
	l := line{product: p, qty: 1}
	if variant != "" {
		id, _ := strconv.ParseInt(variant, 10, 64)
		for i := range p.Variants {
			if p.Variants[i].ID == id {
				l.variant = &p.Variants[i]
			}
		}
		if l.variant == nil {
			t.Fatalf("item %q: no such variant", item)
		}
		return l
	}
	l.variant = &p.Variants[0]
	for i := range p.Variants {
		if p.Variants[i].Available() {
			l.variant = &p.Variants[i]
			break
		}
	}
	return l
}

// TestParityAcceptance runs the 34 acceptance examples through the
// function, each as a checkout with every method of its zone, in English
// and in Swedish, with the config built at the instant and a day before.
func TestParityAcceptance(t *testing.T) {
	dir := filepath.Join("..", "testdata", "acceptance")
	data, err := os.ReadFile(filepath.Join(dir, "quotes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Scenarios []struct {
			ID, Config, At, Item, Country string
			Cart                          bool
			Items                         []string
		} `json:"scenarios"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Scenarios) < 34 {
		t.Fatalf("quotes.json has %d scenarios, want at least 34", len(file.Scenarios))
	}
	shops := map[string]*delivery.Shop{}
	var cases []*pcase
	for _, sc := range file.Scenarios {
		shop := shops[sc.Config]
		if shop == nil {
			shop = loadShop(t, filepath.Join(dir, sc.Config))
			shops[sc.Config] = shop
		}
		at, err := time.Parse(time.RFC3339, sc.At)
		if err != nil {
			t.Fatal(err)
		}
		items := sc.Items
		if !sc.Cart {
			items = []string{sc.Item}
		}
		var lines []line
		for _, it := range items {
			lines = append(lines, pickLine(t, shop, it))
		}
		country := sc.Country
		if country == "" {
			country = shop.Country()
		}
		for _, lang := range []string{"EN", "SV"} {
			for _, lag := range []time.Duration{0, 24 * time.Hour} {
				cases = append(cases, &pcase{
					name: sc.ID, shop: shop, builtAt: at.Add(-lag), at: at, country: country, lang: lang,
					lines: lines, options: optionsFor(shop, country),
				})
			}
		}
	}
	renamed := runCases(t, cases)
	t.Logf("%d acceptance cases, %d options renamed", len(cases), renamed)
	if renamed == 0 {
		t.Error("no option was renamed: the parity test compares nothing")
	}
}

// TestParityGenerated runs a few thousand seeded carts and instants over
// the acceptance shops and the demo shop: random lines and quantities
// (stock and backorders included), destinations, languages, instants
// around cutoffs and holidays, and configs up to three days old.
func TestParityGenerated(t *testing.T) {
	shops := []*delivery.Shop{
		loadShop(t, filepath.Join("..", "testdata", "acceptance", "shop.yaml")),
		loadShop(t, filepath.Join("..", "testdata", "acceptance", "shop-us.yaml")),
		loadShop(t, filepath.Join("..", "examples", "demo-shop.yaml")),
	}
	langs := enumValues(t, "LanguageCode")
	countries := enumValues(t, "CountryCode")
	rng := rand.New(rand.NewPCG(13, 2026))
	base := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	var cases []*pcase
	for i := range 3000 {
		shop := shops[i%len(shops)]
		catalog := shop.Catalog()
		var lines []line
		for range 1 + rng.IntN(4) {
			p := &catalog[rng.IntN(len(catalog))]
			v := &p.Variants[rng.IntN(len(p.Variants))]
			lines = append(lines, line{product: p, variant: v, qty: 1 + rng.IntN(3)})
		}
		// Instants over a year and a bit, many near a cutoff.
		at := base.Add(time.Duration(rng.IntN(400*24)) * time.Hour)
		local := at.In(shop.Location())
		if rng.IntN(2) == 0 {
			m := shop.CutoffMinutes(local.Weekday())
			day := time.Date(local.Year(), local.Month(), local.Day(), m/60, m%60, 0, 0, shop.Location())
			at = day.Add(time.Duration(rng.IntN(121)-60) * time.Second)
		} else {
			at = at.Add(time.Duration(rng.IntN(3600)) * time.Second)
		}
		country := shop.Country()
		switch rng.IntN(3) {
		case 1:
			country = countries[rng.IntN(len(countries))]
		case 2:
			for _, z := range shop.Settings().Shipping.Zones {
				if c := z.Countries[rng.IntN(len(z.Countries))]; c != "*" && rng.IntN(2) == 0 {
					country = c
				}
			}
		}
		cases = append(cases, &pcase{
			name: fmt.Sprintf("generated-%d", i), shop: shop,
			builtAt: at.Add(-time.Duration(rng.IntN(72)) * time.Hour), at: at,
			country: country, lang: langs[rng.IntN(len(langs))], lines: lines, options: optionsFor(shop, country),
		})
	}
	renamed := runCases(t, cases)
	t.Logf("%d generated cases, %d options renamed", len(cases), renamed)
	if renamed < len(cases)/2 {
		t.Errorf("only %d options renamed in %d cases: the generator makes too few comparable carts", renamed, len(cases))
	}
}

// TestLocaleResolution: for every language Shopify can give, the function
// picks the locale message.Resolve picks, with each built-in primary.
func TestLocaleResolution(t *testing.T) {
	langs := enumValues(t, "LanguageCode")
	type pair struct{ Iso, Primary string }
	var pairs []pair
	for _, primary := range append(message.Locales(), "", "pt-BR", "en-AU") {
		for _, l := range langs {
			pairs = append(pairs, pair{l, primary})
		}
	}
	stdin, _ := json.Marshal(pairs)
	script := `import { resolveLocale } from './src/run.js';
import { readFileSync } from 'node:fs';
const pairs = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(pairs.map((p) => resolveLocale(p.Iso, p.Primary))));`
	out, err := node(t, extensionDir, stdin, "--input-type=module", "-e", script)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, p := range pairs {
		if want := message.Resolve(p.Iso, p.Primary); got[i] != want {
			t.Errorf("resolveLocale(%q, %q) = %q, want %q", p.Iso, p.Primary, got[i], want)
		}
	}
	if !slices.Contains(langs, "SV") {
		t.Errorf("LanguageCode has no SV: %v", langs)
	}
}

// roundTrip gives v as JSON decodes it: numbers as float64, as Shopify's
// input reaches the function.
func roundTrip(t testing.TB, v map[string]any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestArrivalWords: in every built-in locale, for windows of every kind
// (today, tomorrow, one day, within and across months and years, near and
// far), the function says what message.Arrival says.
func TestArrivalWords(t *testing.T) {
	type window struct {
		Locale      string
		A, B, Today int
	}
	var ws []window
	var todays []delivery.Date
	for _, d := range []delivery.Date{
		delivery.DateOf(2026, time.December, 5), delivery.DateOf(2026, time.December, 28),
		delivery.DateOf(2027, time.February, 27), delivery.DateOf(2027, time.June, 29),
		delivery.DateOf(2027, time.September, 1), delivery.DateOf(2028, time.February, 28),
	} {
		todays = append(todays, d)
	}
	for _, locale := range message.Locales() {
		for _, today := range todays {
			for _, a := range []int{0, 1, 2, 3, 5, 9, 26, 31, 60, 190, 200} {
				for _, span := range []int{0, 1, 2, 4, 7, 30, 40} {
					ws = append(ws, window{locale, int(today) + a, int(today) + a + span, int(today)})
				}
			}
		}
	}
	stdin, _ := json.Marshal(ws)
	script := `import { arrivalText } from './src/run.js';
import { WORDS } from './src/words.js';
import { readFileSync } from 'node:fs';
const ws = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(ws.map((w) => arrivalText(WORDS[w.Locale], w.A, w.B, w.Today))));`
	out, err := node(t, extensionDir, stdin, "--input-type=module", "-e", script)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, w := range ws {
		c := delivery.Cart{Available: true, Today: delivery.Date(w.Today), Delivery: delivery.Window{Earliest: delivery.Date(w.A), Latest: delivery.Date(w.B)}}
		if want := message.Arrival(&c, w.Locale); got[i] != want {
			t.Errorf("arrivalText(%s, %s–%s on %s) = %q, want %q", w.Locale, delivery.Date(w.A), delivery.Date(w.B), delivery.Date(w.Today), got[i], want)
		}
	}
}
