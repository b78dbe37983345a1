package delivery

import (
	"errors"
	"fmt"
	"time"
)

// Errors a quote can end with. The server maps each to an HTTP status in
// one table.
var (
	ErrUnknownProduct   = errors.New("unknown product")
	ErrUnknownVariant   = errors.New("unknown variant")
	ErrUnknownCountry   = errors.New("unknown country")
	ErrCountryNotServed = errors.New("the shop does not ship to this country")
	ErrUnknownMethod    = errors.New("unknown shipping method")
	ErrOutOfRange       = errors.New("date out of the supported range")
	ErrNoProcessingDay  = errors.New("no processing day within three years")
)

// Item is one thing to quote: a product, optionally one of its variants,
// and a quantity.
type Item struct {
	Product *Product
	// VariantID picks a variant; 0 means the first available variant, else
	// the first (DESIGN §3).
	VariantID int64
	// Quantity is the number ordered; 0 counts as 1. A quantity above the
	// variant's inventory makes the line out of stock.
	Quantity int
}

// Destination is where an order goes and how.
type Destination struct {
	Country string // ISO 3166 alpha-2; "" means the shop's own country
	Method  string // a method code; "" means the zone's first method
}

// Route is a resolved Destination: the zone and method that serve it.
type Route struct {
	Country    string
	Zone       string
	Method     string // code
	MethodName string
	Transit    Days // in carrier days

	carriers *calendar
}

// Window is a span of civil dates, both inclusive.
type Window struct {
	Earliest Date
	Latest   Date
}

// Processing is what applied to an item, and why.
type Processing struct {
	MinDays   int // processing plus backorder days
	MaxDays   int
	Readiness Readiness
	Source    Source
	Rule      string // the rule's name when Source is SourceRule
	ShipsOn   Date   // a pre-order's date, or NoDate
	Backorder bool   // out of stock and sold on backorder
}

// Cutoff is the order cutoff that day0 depends on.
type Cutoff struct {
	At time.Time // day0's cutoff instant, in the shop's zone
	// ShipsToday is true when day0 is today and min is 0: only then may a
	// countdown be shown.
	ShipsToday bool
}

// Answer is the promise for one item (DESIGN §3–§4). When Available is
// false there are no dates: Ships and Delivery are NoDate and Cutoff.At is
// zero.
type Answer struct {
	ProductID  int64
	VariantID  int64
	Quantity   int
	Available  bool
	Processing Processing
	Ships      Window
	Delivery   Window
	Cutoff     Cutoff
	// ExpiresAt is the earlier of Cutoff.At and the next local midnight:
	// until then no date or word of the answer can change.
	ExpiresAt time.Time
	QuotedAt  time.Time // now, in the shop's zone
	Today     Date      // the shop's civil date at QuotedAt
	Route     Route
}

// Route resolves a destination to its zone and method (DESIGN §3 step 5).
func (s *Shop) Route(dest Destination) (Route, error) {
	country := dest.Country
	if country == "" {
		country = s.settings.Country
	}
	if !KnownCountry(country) {
		return Route{}, fmt.Errorf("%q: %w", country, ErrUnknownCountry)
	}
	zi, ok := s.zoneByCountry[country]
	if !ok {
		if zi = s.wildcardZone; zi < 0 {
			return Route{}, fmt.Errorf("%s: %w", country, ErrCountryNotServed)
		}
	}
	z := &s.zones[zi]
	m := &z.methods[0]
	if dest.Method != "" {
		m = nil
		for i := range z.methods {
			if z.methods[i].Code == dest.Method {
				m = &z.methods[i]
				break
			}
		}
		if m == nil {
			return Route{}, fmt.Errorf("%q for %s: %w", dest.Method, country, ErrUnknownMethod)
		}
	}
	holidayCountry := ""
	if s.destHolidays {
		holidayCountry = country
	}
	return Route{
		Country: country, Zone: z.name, Method: m.Code, MethodName: m.Name,
		Transit:  Days{Min: m.Min, Max: m.Max},
		carriers: carrierCalendar(s.carrierDays, holidayCountry),
	}, nil
}

// Quote answers when item ships and arrives at dest if ordered at now
// (DESIGN §3). It is pure: now is the only time it knows.
func Quote(s *Shop, item Item, dest Destination, now time.Time) (Answer, error) {
	r, err := s.Route(dest)
	if err != nil {
		return Answer{}, err
	}
	return s.QuoteRoute(item, r, now)
}

// QuoteRoute is Quote for an already resolved route, so that a cart
// resolves its destination once.
func (s *Shop) QuoteRoute(item Item, r Route, now time.Time) (Answer, error) {
	ck := s.clockAt(now)
	return s.quote(item, r, &ck)
}

// clock is what an answer needs to know of now (DESIGN §3 steps 1, 6 and
// 7). It is the same for every line of a cart, which works it out once.
type clock struct {
	now      time.Time
	local    time.Time // now in the shop's zone, in whole seconds
	today    Date
	midnight time.Time // the next local midnight
	day0     Date      // step 1, before any pre-order moves it
	cutoff   time.Time // day0's cutoff
	err      error     // why there is no day0
}

func (s *Shop) clockAt(now time.Time) clock {
	local := now.In(s.loc).Truncate(time.Second) // answers speak in whole seconds
	today := DateOf(local.Date())
	ck := clock{now: now, local: local, today: today, midnight: today.AddDays(1).At(0, 0, s.loc), day0: NoDate}
	if y := today.Year(); y < firstYear || y > lastYear-4 {
		ck.err = fmt.Errorf("%s: %w", today, ErrOutOfRange)
		return ck
	}
	d0, ok := s.day0(now, today)
	if !ok {
		ck.err = ErrNoProcessingDay
		return ck
	}
	ck.day0, ck.cutoff = d0, s.cutoffOn(d0)
	return ck
}

// quote answers for one item at the clock's now.
func (s *Shop) quote(item Item, r Route, ck *clock) (Answer, error) {
	p := item.Product
	if p == nil || len(p.Variants) == 0 {
		return Answer{}, ErrUnknownProduct
	}
	v, err := pickVariant(p, item.VariantID)
	if err != nil {
		return Answer{}, err
	}
	a := Answer{
		ProductID: p.ID, VariantID: v.ID, Quantity: max(item.Quantity, 1),
		QuotedAt: ck.local, Today: ck.today, Route: r,
		Ships: Window{NoDate, NoDate}, Delivery: Window{NoDate, NoDate},
		ExpiresAt: ck.midnight,
	}
	var available bool
	if a.Processing, available = s.processingFor(p, v, a.Quantity); !available {
		return a, nil // sold out: no dates
	}
	if err := s.schedule(&a, ck); err != nil {
		return Answer{}, err
	}
	a.Available = true
	return a, nil
}

// processingFor is what applies to q of variant v of p: the terms of the
// most specific level, plus the shop's backorder days when v is out of stock
// and sold anyway (DESIGN §3 step 4). available is false when v is out of
// stock and not sold on backorder. Quote and Handling both use it, so the
// storefront and the Merchant Center feed cannot disagree.
func (s *Shop) processingFor(p *Product, v *Variant, q int) (pr Processing, available bool) {
	t := s.resolveTerms(p, v)
	pr = Processing{
		MinDays: t.processing.Min, MaxDays: t.processing.Max,
		Readiness: t.readiness, Source: t.source, Rule: t.rule, ShipsOn: t.shipsOn,
	}
	if !inStock(v, q) {
		if v.InventoryPolicy != PolicyContinue {
			return pr, false
		}
		// Sold on backorder, so the wait for stock is added.
		pr.Backorder = true
		pr.MinDays += s.backorder.Min
		pr.MaxDays += s.backorder.Max
	}
	return pr, true
}

// schedule fills in the dates, cutoff and expiry of an available answer
// (DESIGN §3 steps 1–7).
func (s *Shop) schedule(a *Answer, ck *clock) error {
	if ck.err != nil {
		return ck.err
	}
	d0, cutoff := ck.day0, ck.cutoff
	// Step 2: a pre-order cannot start before its ships_on date.
	if a.Processing.ShipsOn != NoDate && a.Processing.ShipsOn > d0 {
		var ok bool
		if d0, ok = s.processingCal.onOrAfter(a.Processing.ShipsOn); !ok {
			return ErrNoProcessingDay
		}
		cutoff = s.cutoffOn(d0)
	}
	// Step 3: "+ n processing days" is the n-th processing day after day0.
	earliest, ok1 := s.processingCal.addOpenDays(d0, a.Processing.MinDays)
	latest, ok2 := s.processingCal.addOpenDays(d0, a.Processing.MaxDays)
	if !ok1 || !ok2 {
		return ErrNoProcessingDay
	}
	a.Ships = Window{earliest, latest}
	delivery, ok := a.Route.deliveryFor(a.Ships)
	if !ok {
		return fmt.Errorf("delivery after %s: %w", latest, ErrOutOfRange)
	}
	a.Delivery = delivery
	// Steps 6–7.
	a.Cutoff = Cutoff{At: cutoff, ShipsToday: d0 == ck.today && a.Processing.MinDays == 0}
	if a.Cutoff.At.Before(a.ExpiresAt) {
		a.ExpiresAt = a.Cutoff.At
	}
	return nil
}

// day0 is the day processing starts (step 1): today if it is a processing
// day and now is before today's cutoff, in the shop's zone; otherwise the
// next processing day.
func (s *Shop) day0(now time.Time, today Date) (Date, bool) {
	if s.processingCal.isOpen(today) && now.Before(s.cutoffOn(today)) {
		return today, true
	}
	return s.processingCal.after(today)
}

// cutoffOn returns the instant of the order cutoff on day d, local time.
func (s *Shop) cutoffOn(d Date) time.Time {
	m := s.cutoffs[d.Weekday()]
	return d.At(m/60, m%60, s.loc)
}

// deliveryFor applies transit to a shipping window (step 5).
func (r *Route) deliveryFor(ships Window) (Window, bool) {
	earliest, ok1 := addCarrierDays(r.carriers, ships.Earliest, r.Transit.Min)
	latest, ok2 := addCarrierDays(r.carriers, ships.Latest, r.Transit.Max)
	return Window{earliest, latest}, ok1 && ok2
}

// addCarrierDays returns the n-th carrier day after d. For n = 0 it is d if
// d is a carrier day, else the next one: a parcel handed over on a day the
// carrier does not work moves on the carrier's next day.
func addCarrierDays(c *calendar, d Date, n int) (Date, bool) {
	if n == 0 {
		return c.onOrAfter(d)
	}
	return c.addOpenDays(d, n)
}

// pickVariant returns the asked-for variant, or the first available one,
// else the first.
func pickVariant(p *Product, id int64) (*Variant, error) {
	if id != 0 {
		for i := range p.Variants {
			if p.Variants[i].ID == id {
				return &p.Variants[i], nil
			}
		}
		return nil, fmt.Errorf("variant %d of product %d: %w", id, p.ID, ErrUnknownVariant)
	}
	for i := range p.Variants {
		if v := &p.Variants[i]; v.Available() {
			return v, nil
		}
	}
	return &p.Variants[0], nil
}

// inStock reports whether q of v can ship from stock. A variant whose
// inventory is not tracked is always in stock.
func inStock(v *Variant, q int) bool {
	return v.InventoryQuantity == nil || *v.InventoryQuantity >= q
}

// Available reports whether v can be sold: in stock, untracked, or sold on
// backorder, as Shopify's availableForSale counts it.
func (v *Variant) Available() bool { return inStock(v, 1) || v.InventoryPolicy == PolicyContinue }

// ProductByID returns the catalog product with the id.
func (s *Shop) ProductByID(id int64) (*Product, bool) {
	i, ok := s.productByID[id]
	if !ok {
		return nil, false
	}
	return &s.catalog[i], true
}

// ProductByHandle returns the catalog product with the handle.
func (s *Shop) ProductByHandle(handle string) (*Product, bool) {
	i, ok := s.productByHandle[handle]
	if !ok {
		return nil, false
	}
	return &s.catalog[i], true
}

// ProductByVariant returns the catalog product that has the variant.
func (s *Shop) ProductByVariant(id int64) (*Product, bool) {
	i, ok := s.productByVariant[id]
	if !ok {
		return nil, false
	}
	return &s.catalog[i], true
}

// Catalog returns the offline catalog. Callers must not modify it.
func (s *Shop) Catalog() []Product { return s.catalog }
