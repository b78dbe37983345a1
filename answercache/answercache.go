// Package answercache keeps encoded storefront answers in memory until
// they expire: the first tier in front of the promise engine, bounded by
// count and bytes, in all and per shop.
package answercache

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Answer is an encoded answer, ready to write.
type Answer struct {
	Body        []byte
	ContentType string
	ETag        string
	ExpiresAt   time.Time // from the answer: nothing in it changes before then
	Shop        string    // whose answer it is, for the per-shop bound of Memory

	size int64 // as Memory counts it, set by its Set

	// The header values, made once when the answer is encoded: a cached
	// answer is written many times, and net/http never modifies them.
	etagHeader, typeHeader []string
}

// NewAnswer is an answer with its header values made once (see Headers).
func NewAnswer(body []byte, contentType, etag string, expiresAt time.Time) *Answer {
	return &Answer{Body: body, ContentType: contentType, ETag: etag, ExpiresAt: expiresAt,
		etagHeader: []string{etag}, typeHeader: []string{contentType}}
}

// Headers returns the ETag and Content-Type header values, shared by every
// write of the answer (net/http never modifies them).
func (a *Answer) Headers() (etag, contentType []string) {
	if a.etagHeader == nil {
		return []string{a.ETag}, []string{a.ContentType}
	}
	return a.etagHeader, a.typeHeader
}

// Cache holds encoded answers until their ExpiresAt. It is the seam
// for the shared Redis tier: the in-process Memory is the first tier.
type Cache interface {
	// Get returns the answer under key if it has not expired at now.
	Get(key string, now time.Time) (*Answer, bool)
	// Set stores an answer under key until its ExpiresAt.
	Set(key string, a *Answer)
}

// Memory is an in-process LRU of answers, bounded by count and by
// bytes, in all and per shop, so that no flood of distinct answers (one
// shop's 20 000 carts of 250 lines, say) can take the process's memory or
// evict every other shop's answers. It is safe for concurrent use. Entries
// also leave after maxAnswerAge, so that memory held by answers no one asks
// for again is returned.
type Memory struct {
	lru    *expirable.LRU[string, *Answer]
	limits Limits

	setMu sync.Mutex // one Set at a time, so that a replaced answer's bytes are counted out

	mu     sync.Mutex // guards bytes and byShop; taken inside the LRU's eviction callback
	bytes  int64
	byShop map[string]int64
}

// Limits bound a Memory.
type Limits struct {
	Entries   int   // answers in all
	Bytes     int64 // bytes of answers in all (body, key and bookkeeping)
	ShopBytes int64 // bytes of one shop's answers
	// EntryBytes is the largest answer kept: a bigger one (a cart of
	// hundreds of lines) is computed for each request, as it is rarely
	// asked for twice.
	EntryBytes int64
}

// DefaultLimits are the limits of NewMemory: 100 000
// answers or 256 MiB, a shop at most half of it, answers up to 64 KiB (a
// cart of about 80 lines).
var DefaultLimits = Limits{Entries: 100_000, Bytes: 256 << 20, ShopBytes: 128 << 20, EntryBytes: 64 << 10}

// maxAnswerAge bounds how long an answer stays in memory, even when its
// ExpiresAt is later (a product answer can stay true until midnight).
const maxAnswerAge = 10 * time.Minute

// answerOverhead approximates what an entry costs beyond its body and key:
// the Answer, its header slices, the LRU's element and map slot.
const answerOverhead = 320

// NewMemory returns a cache of at most size answers, within
// DefaultLimits' bytes. Create it once at start-up: each one
// runs a goroutine that removes expired entries.
func NewMemory(size int) *Memory {
	l := DefaultLimits
	l.Entries = size
	return NewBounded(l)
}

// NewBounded returns a cache within limits (a zero field takes
// DefaultLimits' value).
func NewBounded(l Limits) *Memory {
	d := DefaultLimits
	l.Entries, l.Bytes, l.ShopBytes, l.EntryBytes = orDefault(l.Entries, d.Entries), orDefault(l.Bytes, d.Bytes), orDefault(l.ShopBytes, d.ShopBytes), orDefault(l.EntryBytes, d.EntryBytes)
	m := &Memory{limits: l, byShop: map[string]int64{}}
	m.lru = expirable.NewLRU[string, *Answer](l.Entries, m.evicted, maxAnswerAge)
	return m
}

func orDefault[T int | int64](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// Get implements Cache.
func (m *Memory) Get(key string, now time.Time) (*Answer, bool) {
	a, ok := m.lru.Get(key)
	if !ok || !now.Before(a.ExpiresAt) {
		return nil, false
	}
	return a, true
}

// Set implements Cache. An answer above EntryBytes, or of a shop
// whose share is full, is not kept (the shop's older answers leave within
// maxAnswerAge and make room).
func (m *Memory) Set(key string, a *Answer) {
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
func (m *Memory) evicted(_ string, a *Answer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bytes -= a.size
	if m.byShop[a.Shop] -= a.size; m.byShop[a.Shop] <= 0 {
		delete(m.byShop, a.Shop)
	}
}

// Bytes is what the cached answers take, as the limits count it.
func (m *Memory) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// ShopBytes is what shop's cached answers take.
func (m *Memory) ShopBytes(shop string) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byShop[shop]
}

// Purge drops every answer, e.g. after settings change.
func (m *Memory) Purge() { m.lru.Purge() }
