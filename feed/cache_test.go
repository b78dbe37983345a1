package feed

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// cacheShop is a Stockholm shop serving SE with one product, a mug of
// 1–3 processing days.
func cacheShop(t *testing.T) *delivery.Shop {
	t.Helper()
	shop, err := delivery.LoadShop([]byte(`{
  "shop": "feed-cache.myshopify.com", "timezone": "Europe/Stockholm", "country": "SE",
  "shipping": {"zones": [{"name": "Sverige", "countries": ["SE"], "methods": [{"code": "standard", "min": 1, "max": 2}]}]},
  "catalog": [{"id": 1, "handle": "mug", "title": "Mug", "variants": [{"id": 11}]}]
}`))
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

// products is a Catalog that counts its calls and, when gate is not nil,
// waits for it to be closed.
type products struct {
	calls atomic.Int32
	gate  chan struct{}
	err   error
	list  []delivery.Product
}

func (p *products) load(ctx context.Context, shop *delivery.Shop) ([]delivery.Product, error) {
	p.calls.Add(1)
	if p.gate != nil {
		<-p.gate
	}
	return p.list, p.err
}

// idle waits for the running build of shop|country, if any, to end.
func idle(c *Cache, shop *delivery.Shop, country string) {
	c.mu.Lock()
	e := c.entries[shop.Domain()+"|"+country]
	var done chan struct{}
	if e != nil {
		done = e.building
	}
	c.mu.Unlock()
	if done != nil {
		<-done
	}
}

var cacheNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) // Monday

// TestCacheGet: the first Get builds and waits; the same generation and
// day are answered from the cache without loading products again; a new
// generation gets the previous feed while the next is built, then the next.
func TestCacheGet(t *testing.T) {
	t.Parallel()
	shop := cacheShop(t)
	p := &products{list: shop.Catalog()}
	var c Cache
	req := Request{Shop: shop, Country: "SE", Generation: 1, Now: cacheNow, Catalog: p.load}
	first, err := c.Get(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(first.TSV, []byte("shopify_SE_1_11")) || !bytes.Contains(first.XML, []byte("shopify_SE_1_11")) {
		t.Errorf("feed TSV %q XML %q, want the mug's variant", first.TSV, first.XML)
	}
	if first.ETag != ETag(first.TSV) || !first.Modified.Equal(cacheNow) {
		t.Errorf("ETag %q modified %v, want %q %v", first.ETag, first.Modified, ETag(first.TSV), cacheNow)
	}
	if again, err := c.Get(context.Background(), req); err != nil || again.ETag != first.ETag || p.calls.Load() != 1 {
		t.Errorf("second Get = %q, %v after %d loads, want the cached feed after 1", again.ETag, err, p.calls.Load())
	}

	// Generation 2: a second product. The previous feed meanwhile.
	p.gate = make(chan struct{})
	p.list = append(shop.Catalog(), delivery.Product{ID: 2, Handle: "bowl", Variants: []delivery.Variant{{ID: 21}}})
	req.Generation, req.Now = 2, cacheNow.Add(time.Hour)
	meanwhile, err := c.Get(context.Background(), req)
	if err != nil || meanwhile.ETag != first.ETag {
		t.Errorf("Get during the rebuild = %q, %v, want the previous feed %q", meanwhile.ETag, err, first.ETag)
	}
	close(p.gate)
	idle(&c, shop, "SE")
	next, err := c.Get(context.Background(), req)
	if err != nil || !bytes.Contains(next.TSV, []byte("shopify_SE_2_21")) || next.ETag == first.ETag || !next.Modified.Equal(req.Now) {
		t.Errorf("Get after the rebuild = %q (modified %v), %v, want the bowl's feed modified %v", next.ETag, next.Modified, err, req.Now)
	}
	if n := p.calls.Load(); n != 2 {
		t.Errorf("%d loads, want 2 (one per generation)", n)
	}

	// The next day rebuilds; unchanged content keeps its Modified.
	req.Now = cacheNow.Add(24 * time.Hour)
	_, _ = c.Get(context.Background(), req)
	idle(&c, shop, "SE")
	if same, err := c.Get(context.Background(), req); err != nil || same.ETag != next.ETag || !same.Modified.Equal(next.Modified) || p.calls.Load() != 3 {
		t.Errorf("the next day: %q modified %v, %v after %d loads, want %q modified %v after 3", same.ETag, same.Modified, err, p.calls.Load(), next.ETag, next.Modified)
	}
}

// TestCacheBuilding: a first feed not built within Wait is ErrBuilding; a
// failed build is retried by the next Get.
func TestCacheBuilding(t *testing.T) {
	t.Parallel()
	shop := cacheShop(t)
	p := &products{gate: make(chan struct{}), err: errors.New("Shopify is down")}
	c := Cache{Wait: time.Nanosecond}
	req := Request{Shop: shop, Country: "SE", Generation: 1, Now: cacheNow, Catalog: p.load}
	if _, err := c.Get(context.Background(), req); !errors.Is(err, ErrBuilding) {
		t.Errorf("Get before the build ends = %v, want ErrBuilding", err)
	}
	close(p.gate)
	idle(&c, shop, "SE")
	if _, err := c.Get(context.Background(), req); !errors.Is(err, ErrBuilding) {
		t.Errorf("Get after a failed build = %v, want ErrBuilding again", err)
	}
	idle(&c, shop, "SE")
	if n := p.calls.Load(); n != 2 {
		t.Errorf("%d loads, want 2: a failed build is tried again", n)
	}
	p.err, p.list = nil, shop.Catalog()
	c.Wait = time.Hour
	if f, err := c.Get(context.Background(), req); err != nil || len(f.TSV) == 0 {
		t.Errorf("Get once the catalog loads = %d bytes, %v, want the feed", len(f.TSV), err)
	}
}

// TestCacheSettingsCatalog: without a Catalog, the settings' products.
func TestCacheSettingsCatalog(t *testing.T) {
	t.Parallel()
	shop := cacheShop(t)
	var c Cache
	f, err := c.Get(context.Background(), Request{Shop: shop, Country: "SE", Now: cacheNow})
	if err != nil || !bytes.Contains(f.TSV, []byte("shopify_SE_1_11")) {
		t.Errorf("Get = %q, %v, want the settings' mug", f.TSV, err)
	}
}
