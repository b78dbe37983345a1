package delivery

import "time"

// These let package health measure a promise after the fact with the very
// calendars that made it, so that "3 processing days" means the same thing
// in a promise and in its measurement.

// Day0 returns the day processing starts for an order placed at now
// (DESIGN §3 step 1), in the shop's calendar.
func (s *Shop) Day0(now time.Time) (Date, bool) {
	return s.day0(now, DateIn(now, s.loc))
}

// IsProcessingDay reports whether d is a processing day of the shop.
func (s *Shop) IsProcessingDay(d Date) bool { return s.processingCal.isOpen(d) }

// FirstProcessingDayOnOrAfter returns the first processing day on or after
// d, as a pre-order's ships_on moves day0 (DESIGN §3 step 2).
func (s *Shop) FirstProcessingDayOnOrAfter(d Date) (Date, bool) {
	return s.processingCal.onOrAfter(d)
}

// AddProcessingDays returns the n-th processing day after d (n = 0 is d).
func (s *Shop) AddProcessingDays(d Date, n int) (Date, bool) {
	return s.processingCal.addOpenDays(d, n)
}

// ProcessingDaysBetween counts the processing days d with from < d ≤ to:
// the n for which to is day0 + n processing days when to is a processing
// day. It is 0 when to is not after from.
func (s *Shop) ProcessingDaysBetween(from, to Date) int {
	return countOpen(s.processingCal, from, to)
}

// CarrierDaysBetween counts the carrier days d with from < d ≤ to, for a
// parcel to country (whose holidays count when destination_holidays is
// on): the transit a delivery on to took after a handover on from.
func (s *Shop) CarrierDaysBetween(country string, from, to Date) int {
	holidayCountry := ""
	if s.destHolidays {
		holidayCountry = country
	}
	return countOpen(carrierCalendar(s.carrierDays, holidayCountry), from, to)
}

// countOpen counts the open days in (from, to]. Spans are a few weeks at
// most, so a day-by-day walk on the year bitmaps is cheap.
func countOpen(c *calendar, from, to Date) int {
	n := 0
	var yb *yearBits
	for d := from + 1; d <= to; d++ {
		if yb == nil || d < yb.start || d >= yb.start+Date(yb.days) {
			if yb = c.year(d.Year()); yb == nil {
				return n
			}
		}
		if yb.isOpen(int(d - yb.start)) {
			n++
		}
	}
	return n
}
