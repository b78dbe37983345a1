package delivery

import (
	"slices"
	"strings"
)

// DayKind is what a day is for a shop's processing calendar: a processing
// day, or the reason it is not one.
type DayKind uint8

const (
	// DayProcessing is a processing day: orders are worked on.
	DayProcessing DayKind = iota
	// DayWeekend is a weekday the shop does not process on (not in
	// processing_days): the weekend, for most shops.
	DayWeekend
	// DayHoliday is a day off of one of the shop's holiday calendars.
	DayHoliday
	// DayClosure is a day within one of the shop's closures.
	DayClosure
	// DayOutOfRange is a day outside the years Leadtime has calendars for
	// (1970 to 2199): never a processing day, whatever else it is.
	DayOutOfRange
)

var dayKindNames = [...]string{
	DayProcessing: "processing", DayWeekend: "weekend", DayHoliday: "holiday",
	DayClosure: "closure", DayOutOfRange: "out_of_range",
}

// String returns the kind's word: processing, weekend, holiday, closure or
// out_of_range.
func (k DayKind) String() string {
	if int(k) < len(dayKindNames) {
		return dayKindNames[k]
	}
	return "unknown"
}

// DayStatus says what one civil date is for a shop's processing calendar.
type DayStatus struct {
	Kind DayKind
	// Name is the holiday's name (the distinct names of every calendar that
	// has the day off, joined by " / ", in the order of the calendar codes)
	// or the closure's label, "" when the closure has none. It is empty for
	// the other kinds.
	Name string
}

// Open reports whether the day is a processing day.
func (s DayStatus) Open() bool { return s.Kind == DayProcessing }

// DayStatus says whether d is a processing day for the shop and, if not,
// why. It reads the calendar quotes count processing days on, so the
// answer is the quote's. A day that is not a processing day for several
// reasons gets the most specific one: a closure, then a holiday, then a
// weekday the shop does not process on.
func (s *Shop) DayStatus(d Date) DayStatus {
	return s.processingCal.status(d, s.settings.Closures)
}

// status is DayStatus for the calendar. closures are the settings' closures
// the calendar's ranges were made from, one for one, for their labels.
func (c *calendar) status(d Date, closures []Closure) DayStatus {
	if c.year(d.Year()) == nil {
		return DayStatus{Kind: DayOutOfRange}
	}
	if c.isOpen(d) {
		return DayStatus{Kind: DayProcessing}
	}
	for i, r := range c.closures {
		if d >= r.from && d <= r.to {
			st := DayStatus{Kind: DayClosure}
			if i < len(closures) {
				st.Name = closures[i].Label
			}
			return st
		}
	}
	if name := c.holidayName(d); name != "" {
		return DayStatus{Kind: DayHoliday, Name: name}
	}
	return DayStatus{Kind: DayWeekend} // the only reason left
}

// holidayName names the holidays on d of the calendar's holiday calendars,
// "" when d is none. The calendars are read in code order, so that the
// name does not depend on the order the settings list them in.
func (c *calendar) holidayName(d Date) string {
	var names []string
	for _, code := range slices.Sorted(slices.Values(c.holidays)) {
		hs := holidayDays(code, d.Year())
		i, found := slices.BinarySearchFunc(hs, d, func(h Holiday, d Date) int { return int(h.Date - d) })
		if !found {
			continue
		}
		for name := range strings.SplitSeq(hs[i].Name, " / ") {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	return strings.Join(names, " / ")
}
