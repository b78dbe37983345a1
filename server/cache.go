package server

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// CachedAnswer is an encoded answer, ready to write.
type CachedAnswer struct {
	Body        []byte
	ContentType string
	ETag        string
	ExpiresAt   time.Time // from the answer: nothing in it changes before then
	Shop        string    // whose answer it is, for the per-shop bound of MemoryCache

	size int64 // as MemoryCache counts it, set by its Set

	// The header values, made once when the answer is encoded: a cached
	// answer is written many times, and net/http never modifies them.
	etagHeader, typeHeader []string
}

// AnswerCache holds encoded answers until their ExpiresAt. It is the seam
// for the shared Redis tier: the in-process MemoryCache is the first tier.
type AnswerCache interface {
	// Get returns the answer under key if it has not expired at now.
	Get(key string, now time.Time) (*CachedAnswer, bool)
	// Set stores an answer under key until its ExpiresAt.
	Set(key string, a *CachedAnswer)
}

// MemoryCache is an in-process LRU of answers, bounded by count and by
// bytes, in all and per shop, so that no flood of distinct answers (one
// shop's 20 000 carts of 250 lines, say) can take the process's memory or
// evict every other shop's answers. It is safe for concurrent use. Entries
// also leave after maxAnswerAge, so that memory held by answers no one asks
// for again is returned.
type MemoryCache struct {
	lru    *expirable.LRU[string, *CachedAnswer]
	limits AnswerCacheLimits

	setMu sync.Mutex // one Set at a time, so that a replaced answer's bytes are counted out

	mu     sync.Mutex // guards bytes and byShop; taken inside the LRU's eviction callback
	bytes  int64
	byShop map[string]int64
}

// AnswerCacheLimits bound a MemoryCache.
type AnswerCacheLimits struct {
	Entries   int   // answers in all
	Bytes     int64 // bytes of answers in all (body, key and bookkeeping)
	ShopBytes int64 // bytes of one shop's answers
	// EntryBytes is the largest answer kept: a bigger one (a cart of
	// hundreds of lines) is computed for each request, as it is rarely
	// asked for twice.
	EntryBytes int64
}

// DefaultAnswerCacheLimits are the limits of NewMemoryCache: 100 000
// answers or 256 MiB, a shop at most half of it, answers up to 64 KiB (a
// cart of about 80 lines).
var DefaultAnswerCacheLimits = AnswerCacheLimits{Entries: 100_000, Bytes: 256 << 20, ShopBytes: 128 << 20, EntryBytes: 64 << 10}

// maxAnswerAge bounds how long an answer stays in memory, even when its
// ExpiresAt is later (a product answer can stay true until midnight).
const maxAnswerAge = 10 * time.Minute

// answerOverhead approximates what an entry costs beyond its body and key:
// the CachedAnswer, its header slices, the LRU's element and map slot.
const answerOverhead = 320

// NewMemoryCache returns a cache of at most size answers, within
// DefaultAnswerCacheLimits' bytes. Create it once at start-up: each one
// runs a goroutine that removes expired entries.
func NewMemoryCache(size int) *MemoryCache {
	l := DefaultAnswerCacheLimits
	l.Entries = size
	return NewBoundedMemoryCache(l)
}

// NewBoundedMemoryCache returns a cache within limits (a zero field takes
// DefaultAnswerCacheLimits' value).
func NewBoundedMemoryCache(l AnswerCacheLimits) *MemoryCache {
	d := DefaultAnswerCacheLimits
	l.Entries, l.Bytes, l.ShopBytes, l.EntryBytes = orDefault(l.Entries, d.Entries), orDefault(l.Bytes, d.Bytes), orDefault(l.ShopBytes, d.ShopBytes), orDefault(l.EntryBytes, d.EntryBytes)
	m := &MemoryCache{limits: l, byShop: map[string]int64{}}
	m.lru = expirable.NewLRU[string, *CachedAnswer](l.Entries, m.evicted, maxAnswerAge)
	return m
}

func orDefault[T int | int64](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// Get implements AnswerCache.
func (m *MemoryCache) Get(key string, now time.Time) (*CachedAnswer, bool) {
	a, ok := m.lru.Get(key)
	if !ok || !now.Before(a.ExpiresAt) {
		return nil, false
	}
	return a, true
}

// Set implements AnswerCache. An answer above EntryBytes, or of a shop
// whose share is full, is not kept (the shop's older answers leave within
// maxAnswerAge and make room).
func (m *MemoryCache) Set(key string, a *CachedAnswer) {
	a.size = int64(len(a.Body)+len(key)+len(a.ETag)+len(a.ContentType)) + answerOverhead
	if a.size > m.limits.EntryBytes {
		return
	}
	m.setMu.Lock()
	defer m.setMu.Unlock()
	m.lru.Remove(key) // counted out by evicted, so the new answer replaces it
	m.mu.Lock()
	full := m.byShop[a.Shop]+a.size > m.limits.ShopBytes
	if !full {
		m.bytes += a.size
		m.byShop[a.Shop] += a.size
	}
	m.mu.Unlock()
	if full {
		return
	}
	m.lru.Add(key, a)
	for m.Bytes() > m.limits.Bytes {
		if _, _, ok := m.lru.RemoveOldest(); !ok {
			break
		}
	}
}

// evicted counts an answer out; the LRU calls it for every removal.
func (m *MemoryCache) evicted(_ string, a *CachedAnswer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bytes -= a.size
	if m.byShop[a.Shop] -= a.size; m.byShop[a.Shop] <= 0 {
		delete(m.byShop, a.Shop)
	}
}

// Bytes is what the cached answers take, as the limits count it.
func (m *MemoryCache) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// ShopBytes is what shop's cached answers take.
func (m *MemoryCache) ShopBytes(shop string) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byShop[shop]
}

// Purge drops every answer, e.g. after settings change.
func (m *MemoryCache) Purge() { m.lru.Purge() }
