package message

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// pageText is the wording of the storefront page "Shipping & processing
// times" in one language.
type pageText struct {
	title, intro, weekdayRangeFmt, everyDay, timezone                string
	processingHeading, usually, backorder                            string
	category, appliesTo, processingTime, standard, otherProducts     string
	madeToOrder, preorderCell                                        string
	productsPrefix, tagged, inCollection, byVendor, ofType, variants string
	transitHeading, destination, method, deliveryTime, restOfWorld   string
	transitNote, transitNoteHolidays                                 string
	closedHeading, closedIntro, closedNone, closed                   string
}

// ShippingPage is everything the storefront page "Shipping & processing
// times" says, in one locale, computed from a shop's settings on the
// shop's date. All of it is plain text; the server escapes it.
type ShippingPage struct {
	Locale            string
	Title             string
	Intro             string // processing days and the cutoff
	TimeZone          string
	ProcessingHeading string
	Usually           string // the default processing time
	Backorder         string // "" when backorders add nothing
	RulesHead         [3]string
	Rules             []PageRule
	TransitHeading    string
	TransitHead       [3]string
	Zones             []PageZone
	TransitNote       string
	ClosedHeading     string
	ClosedIntro       string
	Closed            []PageClosure // in date order
	ClosedNone        string        // what to say when Closed is empty
}

// PageRule is one row of the processing table.
type PageRule struct {
	Name      string // the rule's name, or "Standard" for the default
	AppliesTo string // what it matches, in plain words
	Time      string // "4–7 arbetsdagar", "Förhandsbeställning, skickas från 1 mars"
	Note      string // "tillverkas efter beställning", or ""
}

// PageZone is one shipping zone of the transit table.
type PageZone struct {
	Name      string
	Countries string // "Norge, Danmark, Finland och Island"; "" for the rest of the world
	Methods   [][2]string
}

// PageClosure is a day or span on which the shop does not process orders.
type PageClosure struct {
	From, To delivery.Date
	When     string // "fre 25 dec", "24 dec–1 jan"
	What     string // the holiday's or closure's name
}

// mondayFirst is the week as Europe writes it (and as a range of weekdays
// reads best in every built-in language).
var mondayFirst = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// pageHorizon is how far ahead the page lists holidays and closures.
const pageHorizon = 365

var weekdayCodes = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// weekdaySet reads a settings list of weekdays; nil means Monday–Friday.
func weekdaySet(names []string) [7]bool {
	var set [7]bool
	if names == nil {
		for d := time.Monday; d <= time.Friday; d++ {
			set[d] = true
		}
		return set
	}
	for _, n := range names {
		if d, ok := weekdayCodes[strings.ToLower(n)]; ok {
			set[d] = true
		}
	}
	return set
}

// weekdaysPhrase says a set of weekdays: "Monday to Friday", "måndag,
// onsdag och fredag", "du lundi au vendredi", "every day".
func (l *lang) weekdaysPhrase(set [7]bool) string {
	order := mondayFirst
	var parts []string
	all := true
	for i := 0; i < len(order); {
		if !set[order[i]] {
			all = false
			i++
			continue
		}
		j := i
		for j+1 < len(order) && set[order[j+1]] {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, fmt.Sprintf(l.page.weekdayRangeFmt, l.weekdaysLong[order[i]], l.weekdaysLong[order[j]]))
		default:
			for k := i; k <= j; k++ {
				parts = append(parts, l.weekdaysLong[order[k]])
			}
		}
		i = j + 1
	}
	if all {
		return l.page.everyDay
	}
	return l.list(parts, l.and)
}

// ShippingPageFor says a shop's shipping page in locale (falling back as
// Resolve does) on the shop's date today.
func ShippingPageFor(st *delivery.Settings, today delivery.Date, locale string) ShippingPage {
	l := langOf(locale)
	t := &l.page
	p := ShippingPage{
		Locale: l.tag, Title: t.title, ProcessingHeading: t.processingHeading,
		TimeZone:       fmt.Sprintf(t.timezone, st.Timezone),
		RulesHead:      [3]string{t.category, t.appliesTo, t.processingTime},
		TransitHeading: t.transitHeading,
		TransitHead:    [3]string{t.destination, t.method, t.deliveryTime},
		ClosedHeading:  t.closedHeading, ClosedIntro: t.closedIntro, ClosedNone: t.closedNone,
	}
	procDays := weekdaySet(st.ProcessingDays)
	p.Intro = fmt.Sprintf(t.intro, l.weekdaysPhrase(procDays), l.cutoffPhrase(st, procDays))

	def := delivery.Days{Min: 1, Max: 3}
	if st.Processing != nil {
		def = *st.Processing
	}
	p.Usually = fmt.Sprintf(t.usually, l.days(def.Min, def.Max))
	if b := st.Backorder; b != nil && b.Max > 0 {
		p.Backorder = fmt.Sprintf(t.backorder, l.days(b.Min, b.Max))
	}
	for _, r := range st.Rules {
		if time, note := l.ruleTime(r, today); time != "" {
			p.Rules = append(p.Rules, PageRule{r.Name, l.matchPhrase(r.Match, st.Catalog), time, note})
		}
	}
	p.Rules = append(p.Rules, PageRule{t.standard, t.otherProducts, l.days(def.Min, def.Max), ""})

	for _, z := range st.Shipping.Zones {
		pz := PageZone{Name: z.Name}
		var names []string
		for _, c := range z.Countries {
			if c != "*" {
				names = append(names, countryName(l.tag, c))
			}
		}
		if slices.Contains(z.Countries, "*") {
			if len(names) == 0 && z.Name == "" {
				pz.Name = t.restOfWorld
			}
			names = append(names, t.restOfWorld)
		}
		pz.Countries = l.list(names, l.and)
		for _, m := range z.Methods {
			name := m.Name
			if name == "" {
				name = m.Code
			}
			pz.Methods = append(pz.Methods, [2]string{name, l.days(m.Min, m.Max)})
		}
		p.Zones = append(p.Zones, pz)
	}
	note := t.transitNote
	if st.Shipping.DestinationHolidays == nil || *st.Shipping.DestinationHolidays {
		note = t.transitNoteHolidays
	}
	p.TransitNote = fmt.Sprintf(note, l.weekdaysPhrase(weekdaySet(st.Shipping.CarrierDays)))
	p.Closed = l.closures(st, procDays, today)
	return p
}

// cutoffPhrase says the cutoff and the weekdays that differ from it:
// "14:00 (fredag 12:00)". Only processing days count: an order on another
// day waits for the next processing day whatever the clock says.
func (l *lang) cutoffPhrase(st *delivery.Settings, procDays [7]bool) string {
	base := clockMinutes(st.Cutoff, 14*60)
	s := l.clock(base) + l.clockSuffix
	byDay := map[time.Weekday]int{}
	for key, v := range st.CutoffByWeekday {
		if d, ok := weekdayCodes[strings.ToLower(key)]; ok {
			byDay[d] = clockMinutes(v, base)
		}
	}
	var except []string
	for _, d := range mondayFirst {
		if m, ok := byDay[d]; ok && procDays[d] && m != base {
			except = append(except, l.weekdaysLong[d]+" "+l.clock(m)+l.clockSuffix)
		}
	}
	if len(except) > 0 {
		s += " (" + strings.Join(except, ", ") + ")"
	}
	return s
}

// clockMinutes reads "HH:MM"; def when it is empty or not a time.
func clockMinutes(s string, def int) int {
	if len(s) != 5 || s[2] != ':' {
		return def
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return def
	}
	return h*60 + m
}

// ruleTime is a rule's time in the processing table: its days and whether
// it is made to order, or its pre-order date while that is ahead; "" for a
// rule that sets neither.
func (l *lang) ruleTime(r delivery.Rule, today delivery.Date) (time, note string) {
	if r.ShipsOn != nil && *r.ShipsOn > today {
		return fmt.Sprintf(l.page.preorderCell, l.from(l.date(*r.ShipsOn, needsYear(*r.ShipsOn, today)))), ""
	}
	if r.Processing == nil {
		return "", ""
	}
	if r.Readiness == delivery.MadeToOrder {
		note = l.page.madeToOrder
	}
	return l.days(r.Processing.Min, r.Processing.Max), note
}

// matchPhrase says in plain words what a rule matches: "Products tagged
// “handmade”", "Produkter i kollektionen ”wedding”", a product's title.
func (l *lang) matchPhrase(m delivery.Match, catalog []delivery.Product) string {
	quoted := func(refs []delivery.Ref) string {
		items := make([]string, len(refs))
		for i, r := range refs {
			items[i] = l.quoted(string(r))
		}
		return l.list(items, l.or)
	}
	t := &l.page
	var preds []string
	if len(m.Tags) > 0 {
		preds = append(preds, fmt.Sprintf(t.tagged, quoted(m.Tags)))
	}
	if len(m.Collections) > 0 {
		preds = append(preds, fmt.Sprintf(t.inCollection, quoted(m.Collections)))
	}
	if len(m.Vendors) > 0 {
		names := make([]string, len(m.Vendors))
		for i, v := range m.Vendors {
			names[i] = string(v)
		}
		preds = append(preds, fmt.Sprintf(t.byVendor, l.list(names, l.or)))
	}
	if len(m.ProductTypes) > 0 {
		preds = append(preds, fmt.Sprintf(t.ofType, quoted(m.ProductTypes)))
	}
	var parts []string
	if len(m.Products) > 0 {
		titles := make([]string, len(m.Products))
		for i, ref := range m.Products {
			titles[i] = l.quoted(productTitle(ref, catalog))
		}
		parts = append(parts, l.list(titles, l.or))
	}
	if len(preds) > 0 {
		parts = append(parts, fmt.Sprintf(t.productsPrefix, l.list(preds, l.and)))
	}
	if len(m.Variants) > 0 {
		parts = append(parts, t.variants)
	}
	return strings.Join(parts, " · ")
}

// productTitle names a product by its title when the catalog has it, else
// by the handle or id the rule gives.
func productTitle(ref delivery.Ref, catalog []delivery.Product) string {
	for i := range catalog {
		p := &catalog[i]
		if p.Handle == string(ref) || strconv.FormatInt(p.ID, 10) == string(ref) {
			if p.Title != "" {
				return p.Title
			}
			break
		}
	}
	return string(ref)
}

// closures lists the days in the coming year on which the shop processes
// nothing: its closures, and the public holidays of its holiday calendars
// that fall on a processing day outside them (a holiday on a day the shop
// is closed anyway changes nothing).
func (l *lang) closures(st *delivery.Settings, procDays [7]bool, today delivery.Date) []PageClosure {
	end := today.AddDays(pageHorizon)
	type span struct {
		from, to delivery.Date
		what     string
	}
	var spans []span
	for _, c := range st.Closures {
		if c.To < today || c.From >= end {
			continue
		}
		what := c.Label
		if what == "" {
			what = l.page.closed
		}
		spans = append(spans, span{c.From, c.To, what})
	}
	closed := func(d delivery.Date) bool {
		for _, c := range st.Closures {
			if d >= c.From && d <= c.To {
				return true
			}
		}
		return false
	}
	calendars := st.Holidays
	if calendars == nil && delivery.KnownCalendar(st.Country) {
		calendars = []string{st.Country}
	}
	names := map[delivery.Date][]string{}
	for _, code := range calendars {
		for y := today.Year(); y <= end.Year(); y++ {
			for _, h := range delivery.HolidaysIn(code, y) {
				if h.Date < today || h.Date >= end || !procDays[h.Date.Weekday()] || closed(h.Date) {
					continue
				}
				if !slices.Contains(names[h.Date], h.Name) {
					names[h.Date] = append(names[h.Date], h.Name)
				}
			}
		}
	}
	for d, n := range names {
		spans = append(spans, span{d, d, strings.Join(n, " / ")})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to)) })
	out := make([]PageClosure, len(spans))
	for i, s := range spans {
		// Within a year ahead a day and month are unambiguous: no years.
		out[i] = PageClosure{From: s.from, To: s.to, When: l.span(s.from, s.to, s.from), What: s.what}
	}
	return out
}
