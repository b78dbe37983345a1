package server

import (
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// CachedAnswer is an encoded answer, ready to write.
type CachedAnswer struct {
	Body        []byte
	ContentType string
	ETag        string
	ExpiresAt   time.Time // from the answer: nothing in it changes before then

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

// MemoryCache is an in-process LRU of answers. It is safe for concurrent
// use. Entries also leave after maxAnswerAge, so that memory held by
// answers no one asks for again is returned.
type MemoryCache struct {
	lru *expirable.LRU[string, *CachedAnswer]
}

// maxAnswerAge bounds how long an answer stays in memory, even when its
// ExpiresAt is later (a product answer can stay true until midnight).
const maxAnswerAge = 10 * time.Minute

// NewMemoryCache returns a cache of at most size answers. Create it once at
// start-up: each one runs a goroutine that removes expired entries.
func NewMemoryCache(size int) *MemoryCache {
	return &MemoryCache{lru: expirable.NewLRU[string, *CachedAnswer](size, nil, maxAnswerAge)}
}

// Get implements AnswerCache.
func (m *MemoryCache) Get(key string, now time.Time) (*CachedAnswer, bool) {
	a, ok := m.lru.Get(key)
	if !ok || !now.Before(a.ExpiresAt) {
		return nil, false
	}
	return a, true
}

// Set implements AnswerCache.
func (m *MemoryCache) Set(key string, a *CachedAnswer) { m.lru.Add(key, a) }

// Purge drops every answer, e.g. after settings change.
func (m *MemoryCache) Purge() { m.lru.Purge() }
