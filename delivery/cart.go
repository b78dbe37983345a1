package delivery

import "time"

// Line is one line of a cart answer: its own answer, or why it has none.
type Line struct {
	Answer
	// Err is set when the line could not be quoted (an unknown product or
	// variant). Such a line is left out of the cart's window.
	Err error
}

// Cart is the promise for a whole cart (DESIGN §3 step 8). The cart ships
// together, so its window is that of its slowest line.
type Cart struct {
	Lines []Line
	// Available is true when at least one line can be quoted and sold.
	Available bool
	Ships     Window
	Delivery  Window
	// Cutoff is that of the latest-shipping line, with ShipsToday true only
	// if every available line ships today.
	Cutoff    Cutoff
	ExpiresAt time.Time
	QuotedAt  time.Time
	Today     Date
	Route     Route
}

// QuoteCart quotes each item and the cart as a whole. A line without its own
// data uses the shop default; an unknown or unavailable line never blanks
// the cart: it is reported and left out. Only a bad destination fails the
// whole cart.
func QuoteCart(s *Shop, items []Item, dest Destination, now time.Time) (Cart, error) {
	r, err := s.Route(dest)
	if err != nil {
		return Cart{}, err
	}
	return s.QuoteCartRoute(items, r, now), nil
}

// QuoteCartRoute is QuoteCart for an already resolved route.
func (s *Shop) QuoteCartRoute(items []Item, r Route, now time.Time) Cart {
	// Every line is quoted at the same instant: work out once what that means.
	ck := s.clockAt(now)
	local, today, midnight := ck.local, ck.today, ck.midnight
	c := Cart{
		Lines: make([]Line, len(items)), QuotedAt: local, Today: today, Route: r,
		Ships: Window{NoDate, NoDate}, Delivery: Window{NoDate, NoDate},
		ExpiresAt: midnight,
	}
	slowest := -1
	allToday := true
	for i, item := range items {
		a, err := s.quote(item, r, &ck)
		c.Lines[i] = Line{Answer: a, Err: err}
		if err != nil {
			// Like an unavailable answer: no dates (not the zero Date,
			// 1970-01-01), and valid until the next midnight.
			c.Lines[i].Answer = Answer{
				ProductID: productID(item), VariantID: item.VariantID, Quantity: max(item.Quantity, 1),
				Ships: Window{NoDate, NoDate}, Delivery: Window{NoDate, NoDate},
				ExpiresAt: midnight, QuotedAt: local, Today: today, Route: r,
			}
			continue
		}
		if !a.Available {
			continue
		}
		if slowest < 0 {
			c.Available, c.ExpiresAt = true, a.ExpiresAt
			c.Ships = a.Ships
		}
		c.Ships.Earliest = max(c.Ships.Earliest, a.Ships.Earliest)
		c.Ships.Latest = max(c.Ships.Latest, a.Ships.Latest)
		if a.ExpiresAt.Before(c.ExpiresAt) {
			c.ExpiresAt = a.ExpiresAt
		}
		allToday = allToday && a.Cutoff.ShipsToday
		if slowest < 0 || shipsLater(a, c.Lines[slowest].Answer) {
			slowest = i
		}
	}
	if !c.Available {
		return c
	}
	// The cart's delivery follows from the cart's own shipping window, not
	// from any one line's.
	c.Delivery, _ = r.deliveryFor(c.Ships)
	c.Cutoff = Cutoff{At: c.Lines[slowest].Cutoff.At, ShipsToday: allToday}
	return c
}

// shipsLater orders lines for the cart's cutoff: the greatest ships.latest,
// then the greatest ships.earliest; on a tie the earlier line stays.
func shipsLater(a, than Answer) bool {
	if a.Ships.Latest != than.Ships.Latest {
		return a.Ships.Latest > than.Ships.Latest
	}
	return a.Ships.Earliest > than.Ships.Earliest
}

func productID(item Item) int64 {
	if item.Product == nil {
		return 0
	}
	return item.Product.ID
}
