package cache

import (
	"encoding/binary"
	"errors"
)

// entry is one cached value, kept by value in L1 so that it costs no
// allocation of its own: 72 bytes beside the value and the LRU's own
// bookkeeping.
type entry struct {
	val   []byte
	err   error // non-nil for a cached "not found" (a *notFoundError)
	fresh int64 // Unix ns: served as fresh before this
	stale int64 // Unix ns: kept as a fallback for failed loads before this
	gen   int64 // the shop's generation when the entry was written
	epoch uint32
}

// usableStale reports whether e can stand in for a value whose load failed.
func (e *entry) usableStale(now int64) bool {
	return e.err == nil && now < e.stale
}

// An L2 value is a header followed by the value (or a tombstone's message):
//
//	version 1 | kind 1 | fresh 8 | stale 8 | gen 8 | payload
//
// Times are Unix nanoseconds, big-endian. Redis expires the key at stale.
const (
	l2Version   = 1
	l2Header    = 26
	kindValue   = 'v'
	kindMissing = 'n'
)

var errBadL2Value = errors.New("malformed L2 value")

func encodeL2(e *entry) []byte {
	payload := e.val
	kind := byte(kindValue)
	if e.err != nil {
		kind = kindMissing
		if nf, ok := e.err.(*notFoundError); ok {
			payload = []byte(nf.msg)
		} else {
			payload = []byte(e.err.Error())
		}
	}
	b := make([]byte, l2Header, l2Header+len(payload))
	b[0], b[1] = l2Version, kind
	binary.BigEndian.PutUint64(b[2:], uint64(e.fresh))
	binary.BigEndian.PutUint64(b[10:], uint64(e.stale))
	binary.BigEndian.PutUint64(b[18:], uint64(e.gen))
	return append(b, payload...)
}

func decodeL2(key, raw string) (entry, error) {
	if len(raw) < l2Header || raw[0] != l2Version {
		return entry{}, errBadL2Value
	}
	e := entry{
		fresh: int64(binary.BigEndian.Uint64([]byte(raw[2:10]))),
		stale: int64(binary.BigEndian.Uint64([]byte(raw[10:18]))),
		gen:   int64(binary.BigEndian.Uint64([]byte(raw[18:26]))),
	}
	switch raw[1] {
	case kindValue:
		e.val = []byte(raw[l2Header:])
	case kindMissing:
		e.err = &notFoundError{key: key, msg: raw[l2Header:]}
	default:
		return entry{}, errBadL2Value
	}
	return e, nil
}
