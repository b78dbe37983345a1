package server_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

// TestProductServedFromCache: the second request is answered without
// loading the product again, with the same bytes and ETag.
func TestProductServedFromCache(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const target = "/proxy/product?handle=wool-sweater"
	first := f.get(t, target)
	second := f.get(t, target)
	if first.Code != http.StatusOK || second.Code != http.StatusOK {
		t.Fatalf("GET %s twice: status = %d, %d; want %d", target, first.Code, second.Code, http.StatusOK)
	}
	if got := f.products.loads(); got != 1 {
		t.Errorf("GET %s twice: %d product loads, want 1", target, got)
	}
	if first.Body.String() != second.Body.String() || first.Header().Get("ETag") != second.Header().Get("ETag") {
		t.Errorf("GET %s twice: the cached answer differs:\n%s\n%s", target, first.Body, second.Body)
	}
}

// TestCartServedFromCache: the same for both forms of the cart.
func TestCartServedFromCache(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for range 2 {
		if w := f.get(t, "/proxy/cart?items=2001:1,2011:2"); w.Code != http.StatusOK {
			t.Fatalf("GET /proxy/cart: status = %d, want %d", w.Code, http.StatusOK)
		}
		if w := f.do(t, http.MethodPost, "/proxy/cart", cartJS(t), nil); w.Code != http.StatusOK {
			t.Fatalf("POST /proxy/cart: status = %d, want %d", w.Code, http.StatusOK)
		}
	}
	if got := f.products.loads(); got != 2 {
		t.Errorf("GET and POST /proxy/cart twice each: %d loads, want 2", got)
	}
}

// TestAnswerExpires: an answer is never served after its expires_at. The
// mug ships today until Monday's 14:00 cutoff; one second later it ships
// tomorrow, and the server says so.
func TestAnswerExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const target = "/proxy/product?handle=stoneware-mug"
	f.clock.Set(time.Date(2026, 11, 30, 13, 59, 0, 0, stockholm))
	var before productJSON
	decodeInto(t, "GET "+target, f.get(t, target).Body.Bytes(), &before)
	if before.ExpiresAt != "2026-11-30T14:00:00+01:00" || before.Ships.String() != "2026-11-30..2026-12-01" {
		t.Fatalf("GET %s at 13:59: expires_at %s, ships %s; want 2026-11-30T14:00:00+01:00, 2026-11-30..2026-12-01", target, before.ExpiresAt, before.Ships)
	}

	f.clock.Set(time.Date(2026, 11, 30, 13, 59, 59, 0, stockholm))
	f.get(t, target)
	if got := f.products.loads(); got != 1 {
		t.Errorf("GET %s before expires_at: %d loads, want 1 (from the cache)", target, got)
	}

	for i, now := range []time.Time{
		time.Date(2026, 11, 30, 14, 0, 0, 0, stockholm), // exactly expires_at
		time.Date(2026, 11, 30, 14, 0, 1, 0, stockholm),
	} {
		f := newFixture(t)
		f.clock.Set(time.Date(2026, 11, 30, 13, 59, 0, 0, stockholm))
		f.get(t, target)
		f.clock.Set(now)
		var after productJSON
		decodeInto(t, "GET "+target, f.get(t, target).Body.Bytes(), &after)
		if got := f.products.loads(); got != 2 {
			t.Errorf("[%d] GET %s at %s: %d loads, want 2 (recomputed)", i, target, now.Format(time.TimeOnly), got)
		}
		if want := now.Format(time.RFC3339); after.QuotedAt != want {
			t.Errorf("[%d] GET %s at %s: quoted_at = %s, want %s", i, target, now.Format(time.TimeOnly), after.QuotedAt, want)
		}
		if after.Ships.String() != "2026-12-01..2026-12-02" || after.Cutoff == nil || after.Cutoff.ShipsToday {
			t.Errorf("[%d] GET %s after the cutoff: ships %s, cutoff %+v; want 2026-12-01..2026-12-02, not today", i, target, after.Ships, after.Cutoff)
		}
	}
}

// TestCacheKeys: parameters that do not change the answer share a cache
// entry; parameters that do, do not.
func TestCacheKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		targets []string
		loads   int
	}{
		{"ignored parameters", []string{
			"/proxy/product?handle=wool-sweater",
			"/proxy/product?handle=wool-sweater&timestamp=1764317700&signature=abc",
			"/proxy/product?handle=wool-sweater&shop=" + demoDomain,
			"/proxy/product?signature=def&handle=wool-sweater&path_prefix=%2Fapps%2Fleadtime",
		}, 1},
		{"country case", []string{
			"/proxy/product?handle=wool-sweater&country=de",
			"/proxy/product?handle=wool-sweater&country=DE",
		}, 1},
		{"answers that differ", []string{
			"/proxy/product?handle=wool-sweater",
			"/proxy/product?handle=wool-sweater&country=DE",
			"/proxy/product?handle=wool-sweater&method=express",
			"/proxy/product?handle=wool-sweater&locale=sv",
			"/proxy/product?handle=wool-sweater&format=html",
			"/proxy/product?handle=wool-sweater&format=liquid",
			"/proxy/product?handle=wool-sweater&variant_id=2002",
			"/proxy/product?product_id=1001",
		}, 8},
		{"cart quantities", []string{
			"/proxy/cart?items=2001:1",
			"/proxy/cart?items=2001",
			"/proxy/cart?items=2001:4",
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			for _, target := range tc.targets {
				if w := f.get(t, target); w.Code != http.StatusOK {
					t.Fatalf("GET %s: status = %d, want %d\n%s", target, w.Code, http.StatusOK, w.Body)
				}
			}
			if got := f.products.loads(); got != tc.loads {
				t.Errorf("GET %v: %d loads, want %d", tc.targets, got, tc.loads)
			}
		})
	}
}

// recordingCache is an AnswerCache that remembers what the server stored:
// the seam for the shared tier.
type recordingCache struct {
	mu   sync.Mutex
	m    map[string]*answercache.Answer
	sets int
	gets int
}

func (c *recordingCache) Get(key string, now time.Time) (*answercache.Answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets++
	a, ok := c.m[key]
	if !ok || !now.Before(a.ExpiresAt) {
		return nil, false
	}
	return a, true
}

func (c *recordingCache) Set(key string, a *answercache.Answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sets++
	c.m[key] = a
}

// TestInjectedCache: the server reads and writes answers through
// Config.Cache, with the answer's expires_at.
func TestInjectedCache(t *testing.T) {
	t.Parallel()
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	cache := &recordingCache{m: map[string]*answercache.Answer{}}
	products := &countingProducts{}
	srv := server.New(server.Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: products},
		DefaultShop: shop.Domain(),
		Now:         func() time.Time { return saturdayMorning },
		Cache:       cache,
	})
	f := &fixture{srv: srv, products: products}
	const target = "/proxy/product?handle=wool-sweater"
	first, second := f.get(t, target), f.get(t, target)
	if first.Code != http.StatusOK || second.Code != http.StatusOK {
		t.Fatalf("GET %s twice: status = %d, %d; want %d", target, first.Code, second.Code, http.StatusOK)
	}
	if cache.gets != 2 || cache.sets != 1 || products.loads() != 1 {
		t.Errorf("GET %s twice: %d Gets, %d Sets, %d loads; want 2, 1, 1", target, cache.gets, cache.sets, products.loads())
	}
	for key, a := range cache.m {
		want := time.Date(2026, 11, 29, 0, 0, 0, 0, stockholm)
		if !a.ExpiresAt.Equal(want) || a.ETag != first.Header().Get("ETag") || string(a.Body) != first.Body.String() {
			t.Errorf("cached %q = expires %s, ETag %s; want %s, %s and the body sent", key, a.ExpiresAt, a.ETag, want, first.Header().Get("ETag"))
		}
	}
}
