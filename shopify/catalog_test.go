package shopify

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// virtualClock is a clock that only Sleep moves: the fake's cost bucket
// refills by it, and the Client waits on it, so a crawl that would take
// twenty minutes at Shopify's restore rate is measured in simulated seconds
// at once, the same on any machine.
type virtualClock struct{ ns atomic.Int64 }

func newVirtualClock() *virtualClock {
	c := &virtualClock{}
	c.ns.Store(time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *virtualClock) Now() time.Time { return time.Unix(0, c.ns.Load()) }

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	c.ns.Add(int64(d))
	return ctx.Err()
}

func (c *virtualClock) since(t time.Time) time.Duration { return c.Now().Sub(t) }

// TestCatalog: every variant of the active products, grouped by product in
// the order their first variant came (Shopify sorts productVariants by id),
// mapped as the product loader maps them; a draft product is left out.
func TestCatalog(t *testing.T) {
	for _, lean := range []bool{false, true} {
		t.Run(fmt.Sprintf("lean=%v", lean), func(t *testing.T) {
			srv := newFake(t)
			srv.AddProduct(testShop, shopifytest.Product{ID: 1003, Handle: "draft", Status: "DRAFT",
				Variants: []shopifytest.Variant{{ID: 2020}}})
			c := newClient(t, srv, Options{SkipCollections: lean})
			products, stats, err := c.Catalog(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(products) != 2 || products[0].ID != 1001 || products[1].ID != 1002 {
				t.Fatalf("Catalog = %+v, want the sweater and the mug", products)
			}
			// The same as the product loader reads them.
			for _, want := range []int64{1001, 1002} {
				one, err := c.Product(context.Background(), want)
				if err != nil {
					t.Fatal(err)
				}
				got := products[0]
				if want == 1002 {
					got = products[1]
				}
				if !reflect.DeepEqual(got, *one) {
					t.Errorf("Catalog's product %d:\n%+v\nProduct(%d):\n%+v", want, got, want, *one)
				}
			}
			if stats.Calls != 1 {
				t.Errorf("%d calls, want 1", stats.Calls)
			}
		})
	}
}

// addProducts adds n products to the fake, product i with i%3+1 variants
// (so 2 on average), every third made to order by its metafields, every
// fifth variant tracked and out of stock on backorder.
func addProducts(srv *shopifytest.Server, n int) (variants int) {
	for i := range n {
		p := shopifytest.Product{ID: int64(100_000 + i), Handle: fmt.Sprintf("p-%d", i), Title: "P", Vendor: "V",
			ProductType: "T", Tags: []string{"t"}, Collections: []string{"c"}}
		if i%3 == 0 {
			p.Metafields = map[string]string{"leadtime.processing_min_days": "4", "leadtime.processing_max_days": "7"}
		}
		for j := range i%3 + 1 {
			v := shopifytest.Variant{ID: int64(1_000_000 + 10*i + j), Title: "V"}
			if variants%5 == 0 {
				v.Tracked, v.InventoryQuantity, v.InventoryPolicy = true, 0, "CONTINUE"
			}
			p.Variants = append(p.Variants, v)
			variants++
		}
		srv.AddProduct(testShop, p)
	}
	return variants
}

// catalogRun loads the catalog of the fake on a virtual clock with Shopify's
// Standard plan bucket (1000 points, 50 a second), and returns its stats,
// the requests the fake answered and the simulated seconds it took.
func catalogRun(t testing.TB, srv *shopifytest.Server, lean bool) (int, CatalogStats, int, time.Duration) {
	clock := newVirtualClock()
	srv.SetClock(clock.Now)
	srv.SetThrottle(shopifytest.DefaultMaximumAvailable, shopifytest.DefaultRestoreRate)
	before := srv.Calls()
	var maxRequested float64
	c := newClient(t, srv, Options{SkipCollections: lean, Sleep: clock.Sleep,
		OnCost: func(requested, _, _ float64) { maxRequested = max(maxRequested, requested) }})
	start := clock.Now()
	products, stats, err := c.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if maxRequested > maxQueryCost {
		t.Errorf("a page requested %v points, over Shopify's %d", maxRequested, maxQueryCost)
	}
	return len(products), stats, srv.Calls() - before, clock.since(start)
}

// TestCatalog10000Products measures a 10 000-product shop (19 999
// variants) on the fake with the Standard plan's bucket, on a virtual
// clock, with the lean documents (no rule on collections): every page
// within the 1000-point limit, never throttled (the fake answered exactly
// one request per page), and the time is that of the bucket's refill at 50
// points a second. BenchmarkCatalog10000Products measures both documents.
func TestCatalog10000Products(t *testing.T) {
	srv := shopifytest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddShop(testShop, testToken, shopifytest.Shop{Timezone: "Europe/Stockholm", Country: "SE"})
	variants := addProducts(srv, 10_000)
	n, stats, requests, took := catalogRun(t, srv, true)
	wantCalls := (variants + leanCatalogPageSize - 1) / leanCatalogPageSize
	if n != 10_000 || stats.Calls != wantCalls || requests != wantCalls {
		t.Errorf("%d products in %d pages (%d requests), want 10000 in %d (one request each)", n, stats.Calls, requests, wantCalls)
	}
	// The bucket starts full: what the crawl spends beyond it is refilled at
	// 50 points a second, give or take the last page's headroom.
	refill := time.Duration((stats.Actual - shopifytest.DefaultMaximumAvailable) / shopifytest.DefaultRestoreRate * float64(time.Second))
	if took < refill-30*time.Second || took > refill+30*time.Second {
		t.Errorf("took %v simulated, want about %v (the actual points beyond the bucket at 50/s)", took, refill)
	}
	t.Logf("%d variants, %d calls, %.0f points requested, %.0f actual, %.0f s simulated at 50 points/s",
		variants, stats.Calls, stats.Requested, stats.Actual, took.Seconds())
}

// BenchmarkCatalog10000Products reports, per document, the calls, points
// and simulated seconds of a 10 000-product catalog (run with
// -benchtime=1x: the figures are the same on every run).
func BenchmarkCatalog10000Products(b *testing.B) {
	srv := shopifytest.NewServer()
	b.Cleanup(srv.Close)
	srv.AddShop(testShop, testToken, shopifytest.Shop{Timezone: "Europe/Stockholm", Country: "SE"})
	addProducts(srv, 10_000)
	for _, lean := range []bool{true, false} {
		b.Run(fmt.Sprintf("lean=%v", lean), func(b *testing.B) {
			for b.Loop() {
				_, stats, _, took := catalogRun(b, srv, lean)
				b.ReportMetric(float64(stats.Calls), "calls")
				b.ReportMetric(stats.Requested, "requested-points")
				b.ReportMetric(stats.Actual, "actual-points")
				b.ReportMetric(took.Seconds(), "simulated-s")
			}
		})
	}
}
