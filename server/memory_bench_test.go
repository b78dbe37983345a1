package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// BenchmarkMemory100kProducts measures the memory of 100 000 cached
// products (DESIGN §8: ≤ 200 MB RSS), as the server keeps them: the
// product facts as catalog.Shopify caches them (delivery.Product JSON, as
// the real client loads the demo's wool sweater from the fake: 3 variants,
// tags, collections, metafields), their inventory index entries, and then
// one cached answer per product, asked through the handler. It runs once
// (-benchtime 1x) and logs the heap and the process's RSS at each step:
//
//	go test -run '^$' -bench Memory100k -benchtime 1x ./server/
func BenchmarkMemory100kProducts(b *testing.B) {
	for range b.N {
		memory100k(b)
	}
}

func memory100k(b *testing.B) {
	const n = products100k
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	shop, err := delivery.LoadShop(data)
	if err != nil {
		b.Fatal(err)
	}
	domain := shop.Domain()
	template := loadThroughFake(b, shop, 1001)
	one, _ := json.Marshal(template)

	discard := slog.New(slog.DiscardHandler)
	base := snapshotMemory()
	// As serve.go makes them, but with an L1 that holds every product (the
	// inventory index is kept apart from the L1, in a compact map).
	shared := cache.New(cache.Options{Logger: discard, Size: n})
	defer shared.Close()
	products := &catalog.Shopify{Cache: shared, Log: discard,
		Clients: func(context.Context, *delivery.Shop) (*shopify.Client, error) {
			// Never used: every product is cached (a load would fail, and
			// the answer would say stale).
			return shopify.NewClient(domain, "shpat_memory", shopify.Options{Endpoint: "http://127.0.0.1:9", Retry: shopify.RetryPolicy{MaxAttempts: 1}})
		}}
	srv := New(Config{
		Engine: &promise.Engine{Shops: promise.StaticShops{domain: shop}, Products: products},
		Shared: shared, Logger: discard, Limits: &Limits{},
		Now: func() time.Time { return time.Date(2026, 11, 28, 9, 15, 0, 0, time.UTC) },
	})

	payload := fill100k(b, products, domain, template, false)
	withFacts := snapshotMemory()
	index100k(products, domain, template)
	withIndex := snapshotMemory()

	h := srv.Handler()
	w := &nullWriter{h: http.Header{}}
	for i := range n {
		req := httptest.NewRequest(http.MethodGet, "/storefront/v1/product?shop="+domain+"&product_id="+strconv.Itoa(10_000_000+i)+"&country=SE", nil)
		clear(w.h)
		w.code = 0
		h.ServeHTTP(w, req)
		if w.code != http.StatusOK {
			b.Fatalf("product %d: status %d", i, w.code)
		}
	}
	withAnswers := snapshotMemory()
	kept := keptByDefaultSize(b, domain, template) // after the measures, which it would inflate
	b.ReportMetric(mib(withFacts.rss), "RSS-MB-facts")
	b.ReportMetric(mib(withAnswers.rss), "RSS-MB-all")
	b.Logf("product facts as cached (delivery.Product JSON of the demo's wool sweater from the fake): %d B; %d products: %.1f MB of JSON, %.0f B on average",
		len(one), n, mib(int64(payload)), float64(payload)/n)
	b.Logf("an L1 of cache.DefaultSize = %d entries keeps %d of the %d products with their inventory index",
		cache.DefaultSize, kept, n)
	b.Logf("heap: %.1f MB at start; facts +%.1f MB; inventory index +%.1f MB; an answer each +%.1f MB",
		mib(base.heap), mib(withFacts.heap-base.heap), mib(withIndex.heap-withFacts.heap), mib(withAnswers.heap-withIndex.heap))
	b.Logf("process RSS: %.1f MB at start; %.1f MB with the facts; %.1f MB with the inventory index; %.1f MB with an answer each too (peak %.1f MB); target ≤ 200 MB",
		mib(base.rss), mib(withFacts.rss), mib(withIndex.rss), mib(withAnswers.rss), mib(withAnswers.peak))
	for _, step := range []struct {
		what string
		rss  int64
	}{{"the facts", withFacts.rss}, {"the facts and their inventory index", withIndex.rss}, {"the facts, their index and an answer each", withAnswers.rss}} {
		verdict := "ok"
		if step.rss > 200<<20 {
			verdict = "MISSED"
			if os.Getenv("BENCH_STRICT") == "1" {
				b.Errorf("RSS %.1f MB with %s of 100 000 products, want ≤ 200 MB", mib(step.rss), step.what)
			}
		}
		b.Logf("RSS with %s of 100 000 products: %.1f MB (target ≤ 200 MB) %s", step.what, mib(step.rss), verdict)
	}
	runtime.KeepAlive(srv)
}

// products100k is how many products memory100k caches.
const products100k = 100_000

// product100k is product i of the 100 000: template with ids, a handle and
// variant ids of its own.
func product100k(template *delivery.Product, i int) *delivery.Product {
	p := *template
	p.ID, p.Handle = 10_000_000+int64(i), template.Handle+"-"+strconv.Itoa(i)
	p.Variants = make([]delivery.Variant, len(template.Variants))
	for j, v := range template.Variants {
		v.ID, v.InventoryItemID = 20_000_000+int64(i*8+j), 30_000_000+int64(i*8+j)
		p.Variants[j] = v
	}
	return &p
}

// fill100k caches the facts of the 100 000 products as
// catalog.Shopify.Product does, and returns their total size. With index,
// it also writes their inventory index entries, as the loader does.
func fill100k(b *testing.B, products *catalog.Shopify, domain string, template *delivery.Product, index bool) int {
	ctx := context.Background()
	payload := 0
	for i := range products100k {
		p := product100k(template, i)
		facts, err := json.Marshal(p)
		if err != nil {
			b.Fatal(err)
		}
		payload += len(facts)
		key := catalog.FactsKey(domain, p.ID)
		if _, _, err := products.Cache.Fetch(ctx, key, catalog.ProductFactsTTL, func(context.Context) ([]byte, error) {
			if index {
				products.IndexInventory(ctx, domain, p, key)
			}
			return facts, nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	return payload
}

// index100k writes the inventory index entries of the 100 000 products.
func index100k(products *catalog.Shopify, domain string, template *delivery.Product) {
	for i := range products100k {
		p := product100k(template, i)
		products.IndexInventory(context.Background(), domain, p, catalog.FactsKey(domain, p.ID))
	}
}

// keptByDefaultSize fills an L1 of the default size as fill100k does and
// counts the products it still holds.
func keptByDefaultSize(b *testing.B, domain string, template *delivery.Product) int {
	c := cache.New(cache.Options{Logger: slog.New(slog.DiscardHandler)})
	defer c.Close()
	fill100k(b, &catalog.Shopify{Cache: c}, domain, template, true)
	kept := 0
	for i := range products100k {
		if _, ok := c.Get(context.Background(), catalog.FactsKey(domain, 10_000_000+int64(i))); ok {
			kept++
		}
	}
	return kept
}

// loadThroughFake returns product id of shop's catalog as the real client
// loads it from the fake Admin API.
func loadThroughFake(b *testing.B, shop *delivery.Shop, id int64) *delivery.Product {
	fake := shopifytest.NewServer()
	defer fake.Close()
	domain := shop.Domain()
	fake.AddShop(domain, "shpat_memory", shopifytest.Shop{})
	for _, p := range shop.Catalog() {
		fake.AddProduct(domain, shopifytest.ProductFrom(p))
	}
	client, err := shopify.NewClient(domain, "shpat_memory", shopify.Options{Endpoint: fake.URL})
	if err != nil {
		b.Fatal(err)
	}
	p, err := client.Product(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

type memory struct{ heap, rss, peak int64 }

// snapshotMemory collects garbage, returns what it can to the OS, and
// reads the live heap and the process's resident set (now and peak).
func snapshotMemory() memory {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := memory{heap: int64(ms.HeapAlloc)}
	status, _ := os.ReadFile("/proc/self/status")
	for line := range bytes.Lines(status) {
		for name, dst := range map[string]*int64{"VmRSS:": &m.rss, "VmHWM:": &m.peak} {
			if v, ok := bytes.CutPrefix(line, []byte(name)); ok {
				kb, _ := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
				*dst = kb << 10
			}
		}
	}
	return m
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// nullWriter keeps only the status.
type nullWriter struct {
	h    http.Header
	code int
}

func (w *nullWriter) Header() http.Header { return w.h }
func (w *nullWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(p), nil
}
func (w *nullWriter) WriteHeader(code int) { w.code = code }
