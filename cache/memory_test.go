package cache

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"
)

// productFacts is the shape of testdata/product.json: what Leadtime keeps
// of a Shopify product, about 1.6 KB of JSON.
type productFacts struct {
	ID            int64    `json:"id"`
	Handle        string   `json:"handle"`
	Title         string   `json:"title"`
	Vendor        string   `json:"vendor"`
	ProductType   string   `json:"product_type"`
	Status        string   `json:"status"`
	Tags          []string `json:"tags"`
	CollectionIDs []int64  `json:"collection_ids"`
	UpdatedAt     string   `json:"updated_at"`
	Leadtime      struct {
		Min         int    `json:"processing_min_days"`
		Max         int    `json:"processing_max_days"`
		Unit        string `json:"processing_unit"`
		MadeToOrder bool   `json:"made_to_order"`
		Cutoff      string `json:"cutoff"`
		Note        string `json:"note"`
	} `json:"leadtime"`
	Variants []struct {
		ID                int64  `json:"id"`
		SKU               string `json:"sku"`
		Title             string `json:"title"`
		InventoryPolicy   string `json:"inventory_policy"`
		InventoryQuantity int    `json:"inventory_quantity"`
		RequiresShipping  bool   `json:"requires_shipping"`
		WeightGrams       int    `json:"weight_grams"`
		Leadtime          *struct {
			Min int `json:"processing_min_days"`
			Max int `json:"processing_max_days"`
		} `json:"leadtime"`
	} `json:"variants"`
}

func readProduct(t testing.TB) productFacts {
	t.Helper()
	b, err := os.ReadFile("testdata/product.json")
	if err != nil {
		t.Fatal(err)
	}
	var p productFacts
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("testdata/product.json: %v", err)
	}
	return p
}

// productJSON returns the facts of product i: the template with its own
// ids, handle and SKUs, so that no two entries share bytes.
func productJSON(t testing.TB, p *productFacts, i int) []byte {
	p.ID = 8213471969578 + int64(i)
	p.Handle = "hand-thrown-stoneware-mug-speckled-oat-" + strconv.Itoa(i)
	for j := range p.Variants {
		p.Variants[j].ID = 44998822158634 + int64(i*8+j)
		p.Variants[j].SKU = "FJ-MUG-" + strconv.Itoa(i) + "-" + strconv.Itoa(j)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkMemory100kProducts fills L1 with 100 000 products through Fetch
// and reports the heap they hold (DESIGN.md §8: 100 000 cached products in
// ≤ 200 MB RSS). It is a benchmark, run by `make bench`, because it needs
// 300 MB and a build without -race to mean anything:
//
//	go test -run '^$' -bench Memory100k -benchtime 1x ./cache/
func BenchmarkMemory100kProducts(b *testing.B) {
	for range b.N {
		fill100k(b)
	}
}

func fill100k(t testing.TB) {
	const n = 100_000
	c := newTestCache(t, Options{Size: n})
	p := readProduct(t)
	ctx := context.Background()

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var payload int
	for i := range n {
		b := productJSON(t, &p, i)
		payload += len(b)
		key := Key("shop-"+strconv.Itoa(i%50)+".myshopify.com", "product", strconv.FormatInt(p.ID, 10))
		if _, _, err := c.Fetch(ctx, key, 10*time.Minute, func(context.Context) ([]byte, error) { return b, nil }); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if got := c.l1.Len(); got != n {
		t.Fatalf("L1 holds %d entries, want %d", got, n)
	}
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	perEntry := (heap - int64(payload)) / n
	t.Logf("%d products, %.0f B of JSON each: heap %.1f MB (payload %.1f MB, overhead %d B per entry incl. key and size-class rounding); HeapInuse %.1f MB, Sys %.1f MB, %s",
		n, float64(payload)/n, mb(heap), mb(int64(payload)), perEntry,
		mb(int64(after.HeapInuse)), mb(int64(after.Sys)), rss())
	if heap > 200<<20 {
		t.Errorf("100 000 products hold %.1f MB of heap, want ≤ 200 MB", mb(heap))
	}
	if perEntry > 512 {
		t.Errorf("overhead %d B per entry, want ≤ 512 B", perEntry)
	}
	// Hand the 200 MB back before the timing tests that follow.
	c.Close()
	debug.FreeOSMemory()
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// rss returns the process's resident set from /proc (inflated under -race).
func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "RSS unknown"
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			return "RSS " + string(bytes.TrimSpace(v))
		}
	}
	return "RSS unknown"
}

// BenchmarkFetchHit is the cached path of a storefront request.
func BenchmarkFetchHit(b *testing.B) {
	c := newTestCache(b, Options{})
	p := readProduct(b)
	ctx := context.Background()
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = Key("a.myshopify.com", "product", fmt.Sprint(i))
		v := productJSON(b, &p, i)
		c.Set(ctx, keys[i], v, time.Hour)
	}
	load := func(context.Context) ([]byte, error) { return nil, nil }
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, _, err := c.Fetch(ctx, keys[i%len(keys)], time.Hour, load); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
