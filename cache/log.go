package cache

import (
	"sync/atomic"
	"time"
)

// limitedLog lets one message of a kind through per period and counts the
// rest. It is safe for concurrent use.
type limitedLog struct {
	every      time.Duration
	last       atomic.Int64 // Unix ns of the last message let through
	suppressed atomic.Int64
}

// allow reports whether to log now, and how many messages were held back
// since the last one.
func (l *limitedLog) allow() (ok bool, suppressed int64) {
	now := time.Now().UnixNano()
	last := l.last.Load()
	if (last != 0 && now-last < int64(l.every)) || !l.last.CompareAndSwap(last, now) {
		l.suppressed.Add(1)
		return false, 0
	}
	return true, l.suppressed.Swap(0)
}
