package health

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// The report's two windows, in days up to and including today.
const (
	Window30 = 30
	Window90 = 90
)

// MinFulfillments is how many fulfilments a rule, product or route needs
// before a suggestion is made: below that a percentile is noise.
const MinFulfillments = 10

// maxBucket caps the histograms: real times beyond it count in its bucket.
const maxBucket = 120

// ShopReport is the promise health of one shop over a window of days.
type ShopReport struct {
	Shop       string        `json:"shop"`
	Timezone   string        `json:"timezone"`
	WindowDays int           `json:"window_days"`
	From       delivery.Date `json:"from"` // first ship date counted
	To         delivery.Date `json:"to"`   // today, in the shop's zone
	// Skipped counts records left out because their day0 could not be
	// found (a calendar closed for years).
	Skipped int   `json:"skipped,omitempty"`
	Overall Stats `json:"overall"`
	// Rules groups lines by what gave their promise: a rule, the shop's
	// default, or a product or variant metafield.
	Rules []Group `json:"rules"`
	// Products groups lines by product.
	Products []Group `json:"products"`
	// Routes groups lines by zone and shipping method.
	Routes      []Group      `json:"routes"`
	Suggestions []Suggestion `json:"suggestions"`
}

// Group is the Stats of one rule, product or route. Groups come worst
// kept rate first.
type Group struct {
	Key       string          `json:"key"`   // "rule:handmade", "default", "product:1001", "route:Sweden/standard"
	Label     string          `json:"label"` // for people
	Source    delivery.Source `json:"source,omitempty"`
	Rule      string          `json:"rule,omitempty"`
	ProductID int64           `json:"product_id,omitempty"`
	Zone      string          `json:"zone,omitempty"`
	Method    string          `json:"method,omitempty"`
	Stats
}

// Stats counts the order lines shipped in the window.
type Stats struct {
	Lines        int `json:"lines"`
	Fulfillments int `json:"fulfillments"`
	// Reconstructed counts lines whose promise was quoted afterwards
	// (orders placed before the install), not frozen at the order.
	Reconstructed int `json:"reconstructed"`
	// ShippedOnTime counts lines shipped on or before ships.latest (the
	// kept promises); ShippedEarly, a part of them, before ships.earliest.
	ShippedOnTime int     `json:"shipped_on_time"`
	ShippedEarly  int     `json:"shipped_early"`
	ShippedLate   int     `json:"shipped_late"`
	KeptRate      float64 `json:"kept_rate"` // ShippedOnTime / Lines; 0 with no lines
	// LateBy counts late lines by how many processing days late.
	LateBy []Count `json:"late_by"`
	// Delivered counts lines whose delivery date is known.
	Delivered         int     `json:"delivered"`
	DeliveredOnTime   int     `json:"delivered_on_time"`
	DeliveredKeptRate float64 `json:"delivered_kept_rate"`
	// Processing is the distribution of real processing days (backorder
	// lines left out, as their wait for stock is not processing);
	// Transit that of real carrier days, for delivered lines.
	Processing Distribution `json:"processing"`
	Transit    Distribution `json:"transit"`
	// Promised is the promised processing time of the latest line.
	Promised delivery.Days `json:"promised"`
	// Weeks is the kept rate per week (Monday to Sunday, by ship date),
	// every week of the window, oldest first.
	Weeks []Week `json:"weeks"`
}

// Count is a number of lines with a given number of days.
type Count struct {
	Days  int `json:"days"`
	Lines int `json:"lines"`
}

// Distribution is a histogram of days with its percentiles (nearest rank).
type Distribution struct {
	N int `json:"n"`
	// Counts[d] is the number of lines that took d days; the last bucket
	// (maxBucket) also holds anything longer.
	Counts []int `json:"counts"`
	P5     int   `json:"p5"`
	P50    int   `json:"p50"`
	P95    int   `json:"p95"`
}

// Week is the kept rate of the lines shipped in one week.
type Week struct {
	Start    delivery.Date `json:"start"` // a Monday
	Lines    int           `json:"lines"`
	OnTime   int           `json:"on_time"`
	KeptRate float64       `json:"kept_rate"`
}

// Suggestion is a processing or transit time that would have kept 95 % of
// the promises of a rule, product or route, beside the current one.
type Suggestion struct {
	Kind         string        `json:"kind"` // "processing" or "transit"
	Key          string        `json:"key"`  // the Group's key
	Label        string        `json:"label"`
	Fulfillments int           `json:"fulfillments"`
	Current      delivery.Days `json:"current"`
	// Suggested is p5–p95 of the real days.
	Suggested delivery.Days `json:"suggested"`
	// KeptRate is the share of lines kept with the current max (for
	// transit: carried within it); WouldKeep the share whose real days are
	// within the suggested max.
	KeptRate  float64 `json:"kept_rate"`
	WouldKeep float64 `json:"would_keep"`
	// Path is the settings document path the suggestion changes
	// ("rules[1].processing", "processing", "shipping.zones[0].methods[1]",
	// "catalog[2].metafields"); "" when it lives in Shopify (a product
	// metafield, edited on the product's page in Shopify admin).
	Path string `json:"path,omitempty"`
	// Changes is false when the suggestion equals the current setting.
	Changes bool `json:"changes"`
}

// Report measures records against the shop's calendars over the windowDays
// days up to and including today (the civil date of now in the shop's
// zone); a record counts by its ship date. It is pure and deterministic.
func Report(shop *delivery.Shop, records []Record, now time.Time, windowDays int) *ShopReport {
	windowDays = max(windowDays, 1)
	to := delivery.DateIn(now, shop.Location())
	from := to.AddDays(1 - windowDays)
	rep := &ShopReport{Shop: shop.Domain(), Timezone: shop.Settings().Timezone, WindowDays: windowDays, From: from, To: to}
	firstWeek := mondayOf(from)
	nWeeks := int(mondayOf(to)-firstWeek)/7 + 1
	overall := newAcc(nWeeks)
	groups := map[string]*acc{}
	var order []string
	get := func(key string, fill func(*Group)) *acc {
		a, ok := groups[key]
		if !ok {
			a = newAcc(nWeeks)
			a.group.Key = key
			fill(&a.group)
			groups[key] = a
			order = append(order, key)
		}
		return a
	}
	for i := range records {
		r := &records[i]
		if r.ShippedOn < from || r.ShippedOn > to {
			continue
		}
		m, ok := Measure(shop, r)
		if !ok {
			rep.Skipped++
			continue
		}
		week := int(mondayOf(r.ShippedOn)-firstWeek) / 7
		overall.add(r, &m, week)
		get(ruleKey(r), func(g *Group) { g.Source, g.Rule, g.Label = r.Source, r.Rule, ruleLabel(r) }).add(r, &m, week)
		get("product:"+strconv.FormatInt(r.ProductID, 10), func(g *Group) {
			g.ProductID, g.Label = r.ProductID, productLabel(shop, r.ProductID)
		}).add(r, &m, week)
		get("route:"+r.Zone+"/"+r.Method, func(g *Group) {
			g.Zone, g.Method, g.Label = r.Zone, r.Method, r.Zone+" · "+r.Method
		}).add(r, &m, week)
	}
	rep.Overall = overall.stats(firstWeek)
	for _, key := range order {
		a := groups[key]
		g := a.group
		g.Stats = a.stats(firstWeek)
		switch {
		case g.ProductID != 0:
			g.Source = a.latestSource // what gave the product its latest promise
			rep.Products = append(rep.Products, g)
		case g.Zone != "" || g.Method != "":
			rep.Routes = append(rep.Routes, g)
		default:
			rep.Rules = append(rep.Rules, g)
		}
	}
	for _, gs := range [][]Group{rep.Rules, rep.Products, rep.Routes} {
		slices.SortFunc(gs, worstFirst)
	}
	rep.Suggestions = suggest(shop, rep)
	return rep
}

func worstFirst(a, b Group) int {
	return cmp.Or(cmp.Compare(a.KeptRate, b.KeptRate), cmp.Compare(b.Lines, a.Lines), cmp.Compare(a.Key, b.Key))
}

func ruleKey(r *Record) string {
	if r.Source == delivery.SourceRule {
		return "rule:" + r.Rule
	}
	return string(r.Source)
}

func ruleLabel(r *Record) string {
	switch r.Source {
	case delivery.SourceRule:
		return "Rule " + strconv.Quote(r.Rule)
	case delivery.SourceDefault:
		return "Shop default"
	case delivery.SourceProductMetafield:
		return "Product metafields"
	case delivery.SourceVariantMetafield:
		return "Variant metafields"
	}
	return string(r.Source)
}

func productLabel(shop *delivery.Shop, id int64) string {
	if p, ok := shop.ProductByID(id); ok && p.Title != "" {
		return p.Title
	}
	if p, ok := shop.ProductByID(id); ok {
		return p.Handle
	}
	return fmt.Sprintf("Product %d", id)
}

// mondayOf returns the Monday of d's week (ISO weeks start on Monday).
func mondayOf(d delivery.Date) delivery.Date {
	return d.AddDays(-((int(d.Weekday()) + 6) % 7))
}

// acc accumulates one group's lines.
type acc struct {
	group        Group
	s            Stats
	fulfillments map[int64]struct{}
	lateBy       map[int]int
	processing   [maxBucket + 1]int
	transit      [maxBucket + 1]int
	weeks        []Week
	latestOrder  time.Time
	latestSource delivery.Source
}

func newAcc(nWeeks int) *acc {
	return &acc{fulfillments: map[int64]struct{}{}, weeks: make([]Week, nWeeks)}
}

func (a *acc) add(r *Record, m *Measurement, week int) {
	a.s.Lines++
	if r.Reconstructed {
		a.s.Reconstructed++
	}
	a.fulfillments[r.FulfillmentID] = struct{}{}
	w := &a.weeks[week]
	w.Lines++
	if m.OnTime {
		a.s.ShippedOnTime++
		w.OnTime++
	} else {
		a.s.ShippedLate++
		if a.lateBy == nil {
			a.lateBy = map[int]int{}
		}
		a.lateBy[m.LateBy]++
	}
	if m.Early {
		a.s.ShippedEarly++
	}
	if !r.Backorder {
		a.processing[min(m.ProcessingDays, maxBucket)]++
	}
	if m.Delivered {
		a.s.Delivered++
		if m.DeliveredOnTime {
			a.s.DeliveredOnTime++
		}
		a.transit[min(m.TransitDays, maxBucket)]++
	}
	if !r.OrderedAt.Before(a.latestOrder) {
		a.latestOrder, a.s.Promised, a.latestSource = r.OrderedAt, r.Processing, r.Source
	}
}

func (a *acc) stats(firstWeek delivery.Date) Stats {
	s := a.s
	s.Fulfillments = len(a.fulfillments)
	s.KeptRate = ratio(s.ShippedOnTime, s.Lines)
	s.DeliveredKeptRate = ratio(s.DeliveredOnTime, s.Delivered)
	s.LateBy = []Count{}
	for days, n := range a.lateBy {
		s.LateBy = append(s.LateBy, Count{Days: days, Lines: n})
	}
	slices.SortFunc(s.LateBy, func(x, y Count) int { return cmp.Compare(x.Days, y.Days) })
	s.Processing = distribution(a.processing[:])
	s.Transit = distribution(a.transit[:])
	s.Weeks = slices.Clone(a.weeks)
	for i := range s.Weeks {
		s.Weeks[i].Start = firstWeek.AddDays(7 * i)
		s.Weeks[i].KeptRate = ratio(s.Weeks[i].OnTime, s.Weeks[i].Lines)
	}
	return s
}

func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// distribution trims a histogram after its last non-empty bucket and
// reads its percentiles.
func distribution(hist []int) Distribution {
	last, n := -1, 0
	for d, c := range hist {
		if c > 0 {
			last = d
			n += c
		}
	}
	d := Distribution{N: n, Counts: slices.Clone(hist[:last+1])}
	d.P5, d.P50, d.P95 = percentile(hist, n, 5), percentile(hist, n, 50), percentile(hist, n, 95)
	return d
}

// percentile is the nearest-rank percentile p of a histogram of n values:
// the smallest d such that at least p % of the values are ≤ d.
func percentile(hist []int, n, p int) int {
	if n == 0 {
		return 0
	}
	rank := (n*p + 99) / 100 // ceil(n·p/100)
	rank = max(rank, 1)
	seen := 0
	for d, c := range hist {
		if seen += c; seen >= rank {
			return d
		}
	}
	return len(hist) - 1
}

// share returns the fraction of a histogram's values ≤ limit.
func share(hist []int, n, limit int) float64 {
	k := 0
	for d := 0; d <= limit && d < len(hist); d++ {
		k += hist[d]
	}
	return ratio(k, n)
}
