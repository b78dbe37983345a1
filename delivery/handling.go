package delivery

import (
	"fmt"
	"time"
)

// Handling is a variant's handling time as Google Merchant Center counts it
// (min_handling_time, max_handling_time): business days from the order to
// the day it ships. Leadtime's processing days are those business days, so
// the numbers are Quote's, counted from day0 instead of written as dates.
type Handling struct {
	ProductID, VariantID int64
	// Available is false when the variant is out of stock and not sold on
	// backorder: a feed leaves it out, as the storefront shows no dates.
	Available bool
	// MinDays and MaxDays count processing days after day0: ships.earliest
	// is day0 + MinDays processing days, ships.latest day0 + MaxDays, exactly
	// as Quote gives them at the same instant.
	MinDays, MaxDays int
	Source           Source
	Rule             string // the rule's name when Source is SourceRule
	Backorder        bool   // out of stock and sold anyway: backorder days included
	// Preorder is true when a ships_on date later than day0 holds processing
	// back (DESIGN §3 step 2). MinDays and MaxDays then include the
	// processing days until it, and ShipsFrom is the day processing starts.
	Preorder  bool
	ShipsFrom Date // the first processing day on or after ships_on; NoDate unless Preorder
}

// Handling returns the handling time of variant v of p for an order placed
// at now. It follows the rule precedence and backorder rule of Quote, with
// which it always agrees; only a pre-order depends on now, because the days
// until its ships_on shrink as time passes. It is pure.
func (s *Shop) Handling(p *Product, v *Variant, now time.Time) (Handling, error) {
	if p == nil || v == nil {
		return Handling{}, ErrUnknownProduct
	}
	h := Handling{ProductID: p.ID, VariantID: v.ID, ShipsFrom: NoDate}
	pr, available := s.processingFor(p, v, 1)
	if !available {
		return h, nil
	}
	h.Available, h.MinDays, h.MaxDays = true, pr.MinDays, pr.MaxDays
	h.Source, h.Rule, h.Backorder = pr.Source, pr.Rule, pr.Backorder
	if pr.ShipsOn == NoDate {
		return h, nil
	}
	ck := s.clockAt(now)
	if ck.err != nil {
		return Handling{}, ck.err
	}
	if pr.ShipsOn <= ck.day0 {
		return h, nil // a ships_on already reached holds nothing back
	}
	from, ok := s.processingCal.onOrAfter(pr.ShipsOn)
	if !ok {
		return Handling{}, fmt.Errorf("ships_on %s: %w", pr.ShipsOn, ErrNoProcessingDay)
	}
	wait, ok := s.processingCal.openDaysBetween(ck.day0, from)
	if !ok {
		return Handling{}, fmt.Errorf("ships_on %s: %w", pr.ShipsOn, ErrNoProcessingDay)
	}
	// Google counts handling from the order, so the wait for the pre-order's
	// day is part of it: day0 + wait is the day processing can start.
	h.MinDays += wait
	h.MaxDays += wait
	h.Preorder, h.ShipsFrom = true, from
	return h, nil
}

// openDaysBetween counts the open days after from, up to and including to,
// which must be open: the n for which addOpenDays(from, n) == to.
func (c *calendar) openDaysBetween(from, to Date) (int, bool) {
	n := 0
	for d := from; d < to; n++ {
		var ok bool
		if d, ok = c.after(d); !ok || d > to {
			return 0, false
		}
	}
	return n, true
}
