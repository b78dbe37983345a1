package answercache

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// saturdayMorning is a fixed instant: Sat 27 Nov 2027 09:00 UTC.
var saturdayMorning = time.Date(2027, 11, 27, 9, 0, 0, 0, time.UTC)

func TestMemoryCache(t *testing.T) {
	t.Parallel()
	c := NewMemory(10)
	expires := saturdayMorning.Add(time.Hour)
	a := &Answer{Body: []byte("{}\n"), ContentType: "application/json", ETag: `"1"`, ExpiresAt: expires}
	if _, ok := c.Get("k", saturdayMorning); ok {
		t.Errorf("Get(%q) on an empty cache: found, want a miss", "k")
	}
	c.Set("k", a)
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{
		{saturdayMorning, true},
		{expires.Add(-time.Nanosecond), true},
		{expires, false}, // expires_at is the first instant the answer may be wrong
		{expires.Add(time.Hour), false},
	} {
		got, ok := c.Get("k", tc.now)
		if ok != tc.want || (ok && got != a) {
			t.Errorf("Get(%q) at %s = %v, %v; want found %v", "k", tc.now.Format(time.RFC3339Nano), got, ok, tc.want)
		}
	}
	b := &Answer{Body: []byte("[]\n"), ETag: `"2"`, ExpiresAt: expires}
	c.Set("k", b)
	if got, ok := c.Get("k", saturdayMorning); !ok || got != b {
		t.Errorf("Get(%q) after a second Set = %v, %v; want the second answer", "k", got, ok)
	}
	c.Purge()
	if _, ok := c.Get("k", saturdayMorning); ok {
		t.Errorf("Get(%q) after Purge: found, want a miss", "k")
	}
}

func TestMemoryCacheBounded(t *testing.T) {
	t.Parallel()
	c := NewMemory(3)
	expires := saturdayMorning.Add(time.Hour)
	for i := range 5 {
		c.Set(fmt.Sprint(i), &Answer{ExpiresAt: expires})
	}
	for i := range 5 {
		_, ok := c.Get(fmt.Sprint(i), saturdayMorning)
		if want := i >= 2; ok != want {
			t.Errorf("Get(%q) in a cache of 3 after 5 Sets: found %v, want %v", fmt.Sprint(i), ok, want)
		}
	}
}

// TestMemoryCacheConcurrent is for the race detector.
func TestMemoryCacheConcurrent(t *testing.T) {
	t.Parallel()
	c := NewMemory(50)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				key := fmt.Sprint((g + i) % 100)
				c.Set(key, &Answer{ExpiresAt: saturdayMorning.Add(time.Minute)})
				c.Get(key, saturdayMorning)
			}
		})
	}
	wg.Wait()
}

// TestMemoryCacheBytes (issue 16 item 2): a flood of distinct large
// answers, as 20 000 unique carts made, stays within the byte budget; an
// answer above EntryBytes is not kept; one shop filling its share evicts
// nothing of another's.
func TestMemoryCacheBytes(t *testing.T) {
	expires := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	now := expires.Add(-time.Hour)
	limits := Limits{Entries: 100_000, Bytes: 4 << 20, ShopBytes: 2 << 20, EntryBytes: 64 << 10}
	c := NewBounded(limits)
	answer := func(shop string, n int) *Answer {
		return &Answer{Shop: shop, Body: make([]byte, n), ExpiresAt: expires}
	}
	c.Set("victim", answer("victim.myshopify.com", 1000))
	for i := range 20_000 {
		c.Set(fmt.Sprint("flood-", i), answer("attacker.myshopify.com", 40<<10))
		if got := c.Bytes(); got > limits.Bytes {
			t.Fatalf("after %d answers of 40 KB: %d bytes cached, want at most %d", i+1, got, limits.Bytes)
		}
	}
	if got := c.ShopBytes("attacker.myshopify.com"); got > limits.ShopBytes {
		t.Errorf("the flooding shop holds %d bytes, want at most its share %d", got, limits.ShopBytes)
	}
	if _, ok := c.Get("victim", now); !ok {
		t.Errorf("another shop's answer was evicted by the flood")
	}
	c.Set("huge", answer("victim.myshopify.com", 200<<10)) // a 250-line cart's answer
	if _, ok := c.Get("huge", now); ok {
		t.Errorf("a 200 KB answer was cached, want answers above %d bytes left out", limits.EntryBytes)
	}
	// Replacing an answer counts the old one out.
	before := c.ShopBytes("victim.myshopify.com")
	for range 100 {
		c.Set("victim", answer("victim.myshopify.com", 1000))
	}
	if got := c.ShopBytes("victim.myshopify.com"); got != before {
		t.Errorf("after replacing one answer 100 times the shop holds %d bytes, want %d", got, before)
	}
	// Many shops at once: the total bound evicts the oldest.
	for i := range 5_000 {
		c.Set(fmt.Sprint("many-", i), answer(fmt.Sprintf("shop-%d.myshopify.com", i%10), 40<<10))
		if got := c.Bytes(); got > limits.Bytes {
			t.Fatalf("ten shops, after %d answers: %d bytes cached, want at most %d", i+1, got, limits.Bytes)
		}
	}
	c.Purge()
	if got := c.Bytes(); got != 0 {
		t.Errorf("after Purge: %d bytes counted, want 0", got)
	}
}
