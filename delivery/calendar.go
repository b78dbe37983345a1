package delivery

import (
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
)

// Calendars are answered from per-year bitmaps: bit i of a year is set when
// day i of that year is open (a processing day, or a carrier day). A year is
// computed once, on first use, from the weekdays, the holiday calendars and
// the closures; after that a lookup is a few instructions and no allocation.
// rickar/cal computes holidays on every call (about 6 µs per WorkdaysFrom),
// which is why nothing on the request path calls it.

const (
	firstYear = 1970
	lastYear  = 2199
	// maxSearchDays bounds every scan for an open day, so a calendar that is
	// closed for years (a very long closure) ends a quote instead of looping.
	maxSearchDays = 3 * 366
)

// weekdays is a set of weekdays: bit time.Weekday is set when included.
type weekdays uint8

func (w weekdays) has(d time.Weekday) bool { return w&(1<<d) != 0 }

// yearBits is one year of a calendar.
type yearBits struct {
	year  int
	start Date // 1 January
	days  int  // 365 or 366
	open  [6]uint64
}

func (y *yearBits) isOpen(i int) bool { return y.open[i>>6]&(1<<(i&63)) != 0 }

// nextOpen returns the first open day index ≥ i in the year, or -1.
func (y *yearBits) nextOpen(i int) int {
	for w := i >> 6; w < len(y.open); w++ {
		word := y.open[w]
		if w == i>>6 {
			word &= ^uint64(0) << (i & 63)
		}
		if word != 0 {
			j := w<<6 + bits.TrailingZeros64(word)
			if j < y.days {
				return j
			}
			return -1
		}
	}
	return -1
}

// calendar answers "is this day open?" for a fixed set of weekdays minus
// holidays and closures. It is safe for concurrent use.
type calendar struct {
	weekdays weekdays
	holidays []string    // holiday calendar codes, as for HolidaysIn
	closures []dateRange // inclusive
	years    [lastYear - firstYear + 1]atomic.Pointer[yearBits]
}

type dateRange struct{ from, to Date }

func newCalendar(w weekdays, holidays []string, closures []dateRange) *calendar {
	return &calendar{weekdays: w, holidays: holidays, closures: closures}
}

// year returns the bitmap of year y, computing it on first use; nil when y
// is outside the supported range.
func (c *calendar) year(y int) *yearBits {
	if y < firstYear || y > lastYear {
		return nil
	}
	slot := &c.years[y-firstYear]
	if yb := slot.Load(); yb != nil {
		return yb
	}
	// Two goroutines may compute the same year; both results are equal.
	yb := c.compute(y)
	slot.CompareAndSwap(nil, yb)
	return slot.Load()
}

func (c *calendar) compute(y int) *yearBits {
	start := DateOf(y, time.January, 1)
	yb := &yearBits{year: y, start: start, days: int(DateOf(y+1, time.January, 1) - start)}
	for i := range yb.days {
		if c.weekdays.has((start + Date(i)).Weekday()) {
			yb.open[i>>6] |= 1 << (i & 63)
		}
	}
	clear := func(d Date) {
		if i := int(d - start); i >= 0 && i < yb.days {
			yb.open[i>>6] &^= 1 << (i & 63)
		}
	}
	for _, code := range c.holidays {
		for _, h := range holidayDays(code, y) {
			clear(h.Date)
		}
	}
	end := start + Date(yb.days-1)
	for _, r := range c.closures {
		for d := max(r.from, start); d <= min(r.to, end); d++ {
			clear(d)
		}
	}
	return yb
}

// isOpen reports whether d is open. Days outside the supported years are not.
func (c *calendar) isOpen(d Date) bool {
	yb := c.year(d.Year())
	return yb != nil && yb.isOpen(int(d-yb.start))
}

// onOrAfter returns the first open day on or after d.
func (c *calendar) onOrAfter(d Date) (Date, bool) {
	d, _, ok := c.scan(d, nil)
	return d, ok
}

// scan returns the first open day on or after d, within maxSearchDays, and
// the year it is in. yb, when not nil, is a year to try first: passing the
// year of the previous step saves working out the year of d (a
// civil-from-days conversion) on every step of addOpenDays.
func (c *calendar) scan(d Date, yb *yearBits) (Date, *yearBits, bool) {
	limit := d + maxSearchDays
	if yb == nil || d < yb.start || d >= yb.start+Date(yb.days) {
		if yb = c.year(d.Year()); yb == nil {
			return NoDate, nil, false
		}
	}
	for {
		if i := yb.nextOpen(int(d - yb.start)); i >= 0 {
			found := yb.start + Date(i)
			return found, yb, found <= limit
		}
		d = yb.start + Date(yb.days) // 1 January of the next year
		if d > limit {
			return NoDate, nil, false
		}
		if yb = c.year(yb.year + 1); yb == nil {
			return NoDate, nil, false
		}
	}
}

// after returns the first open day strictly after d.
func (c *calendar) after(d Date) (Date, bool) { return c.onOrAfter(d + 1) }

// addOpenDays returns the n-th open day after d; n = 0 is d itself, whether
// or not d is open (DESIGN §3 step 3: day0 is a processing day already).
func (c *calendar) addOpenDays(d Date, n int) (Date, bool) {
	var yb *yearBits
	ok := true
	for ; n > 0 && ok; n-- {
		d, yb, ok = c.scan(d+1, yb)
	}
	return d, ok
}

// holidayYears caches HolidaysIn by holidayKey, process-wide:
// holidays do not depend on the shop.
var holidayYears sync.Map // string(code)+year → []Holiday

type holidayKey struct {
	code string
	year int
}

func holidayDays(code string, year int) []Holiday {
	k := holidayKey{code, year}
	if v, ok := holidayYears.Load(k); ok {
		return v.([]Holiday)
	}
	v, _ := holidayYears.LoadOrStore(k, HolidaysIn(code, year))
	return v.([]Holiday)
}

// carrierCalendars shares carrier calendars between shops: one per set of
// carrier weekdays and destination country, found without locks or
// allocation on the request path. Slot noCountry holds the calendar that
// ignores holidays.
const noCountry = 26 * 26

var carrierCalendars [1 << 7]atomic.Pointer[[noCountry + 1]atomic.Pointer[calendar]]

// carrierCalendar returns the carrier calendar for weekdays w and the
// destination country (ISO code; "" to ignore holidays).
func carrierCalendar(w weekdays, country string) *calendar {
	slot := noCountry
	if len(country) == 2 && country[0] >= 'A' && country[0] <= 'Z' && country[1] >= 'A' && country[1] <= 'Z' && KnownCalendar(country) {
		slot = int(country[0]-'A')*26 + int(country[1]-'A')
	}
	byMask := &carrierCalendars[w&0x7f]
	table := byMask.Load()
	if table == nil {
		byMask.CompareAndSwap(nil, new([noCountry + 1]atomic.Pointer[calendar]))
		table = byMask.Load()
	}
	if c := table[slot].Load(); c != nil {
		return c
	}
	var hol []string
	if slot != noCountry {
		hol = []string{country}
	}
	table[slot].CompareAndSwap(nil, newCalendar(w, hol, nil))
	return table[slot].Load()
}
