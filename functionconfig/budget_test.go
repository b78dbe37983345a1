package functionconfig_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/functionconfig"
)

// BenchmarkFunctionLines measures the function in node on carts of 1, 50,
// 100 and 200 lines (the acceptance shop: every rule level, stock and
// backorders, four options): ns per run, and the ratio of 200 lines to 100,
// which is about 2 when the work is linear in the lines. Shopify counts
// WebAssembly instructions of javy's QuickJS, which cannot run here; this
// is a proxy. Run: go test -run '^$' -bench FunctionLines ./functionconfig
func BenchmarkFunctionLines(b *testing.B) {
	shop := loadShop(b, filepath.Join("..", "testdata", "acceptance", "shop.yaml"))
	at := time.Date(2027, 3, 9, 9, 0, 0, 0, time.UTC)
	cat := functionconfig.Catalog{Products: shop.Catalog(), CollectionIDs: collectionIDs(shop.Catalog())}
	cfg, err := functionconfig.BuildFor(shop, at, cat)
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := json.Marshal(cfg)
	sizes := []int{1, 50, 100, 200}
	var inputs []any
	catalog := shop.Catalog()
	for _, n := range sizes {
		var lines []line
		for i := range n {
			p := &catalog[i%len(catalog)]
			lines = append(lines, line{product: p, variant: &p.Variants[i%len(p.Variants)], qty: 1})
		}
		c := &pcase{shop: shop, builtAt: at, at: at, country: "SE", lang: "SV", lines: lines, options: optionsFor(shop, "SE")}
		inputs = append(inputs, input(b, c, cfg, raw))
	}
	stdin, _ := json.Marshal(inputs)
	var results []struct {
		NsPerRun   float64 `json:"nsPerRun"`
		Operations float64 `json:"operations"`
	}
	for b.Loop() {
		out, err := node(b, extensionDir, stdin, filepath.Join("test", "budget.mjs"), "200")
		if err != nil {
			b.Fatal(err)
		}
		if err := json.Unmarshal(out, &results); err != nil {
			b.Fatal(err)
		}
	}
	for i, n := range sizes {
		b.ReportMetric(results[i].NsPerRun, fmt.Sprintf("ns/run-%dlines", n))
	}
	b.ReportMetric(results[3].NsPerRun/results[2].NsPerRun, "ratio-200/100")
	b.ReportMetric(float64(len(stdin))/float64(len(sizes)), "input-bytes/cart")
	in200, _ := json.Marshal(inputs[3])
	b.ReportMetric(float64(len(in200)), "input-bytes-200lines")
}
