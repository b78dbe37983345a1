package delivery

import "time"

// The accessors below let a reader outside this package see a Shop's
// compiled calendars and precedence exactly as Quote uses them, so that a
// precomputed copy (the checkout function's config, package functionconfig)
// is the same date engine written down, not a second one.

// ProcessingDaysFrom reports, for the n days from start, whether each is a
// processing day (weekdays, holidays and closures applied).
func (s *Shop) ProcessingDaysFrom(start Date, n int) []bool {
	return s.processingCal.openDays(start, n)
}

// CarrierDaysFrom reports, for the n days from start, whether the route's
// carrier works each day (carrier weekdays, destination holidays applied).
func (r *Route) CarrierDaysFrom(start Date, n int) []bool {
	if r.carriers == nil {
		return make([]bool, n)
	}
	return r.carriers.openDays(start, n)
}

// CutoffMinutes returns the order cutoff on a weekday, in minutes after
// local midnight.
func (s *Shop) CutoffMinutes(wd time.Weekday) int { return s.cutoffs[wd] }

// DefaultProcessing returns the processing time of an item that no
// metafield or rule sets.
func (s *Shop) DefaultProcessing() Days { return s.processing }

// BackorderDays returns the days added to an item sold on backorder.
func (s *Shop) BackorderDays() Days { return s.backorder }

// RulePrecedence returns the indexes into Settings().Rules in the order
// Quote tries them: most specific match level first, then the list's order.
func (s *Shop) RulePrecedence() []int {
	out := make([]int, len(s.rules))
	for i := range s.rules {
		out[i] = s.rules[i].index
	}
	return out
}

func (c *calendar) openDays(start Date, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = c.isOpen(start + Date(i))
	}
	return out
}
