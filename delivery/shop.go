package delivery

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// MaxDays bounds every processing, backorder and transit time.
const MaxDays = 365

// Shop is a shop's settings compiled for quoting: validated, with its time
// zone loaded, cutoffs parsed, rules ordered by precedence and calendars
// ready. A Shop is immutable and safe for concurrent use.
type Shop struct {
	settings *Settings

	loc              *time.Location
	cutoffs          [7]int // minutes after local midnight, by time.Weekday
	processingCal    *calendar
	processing       Days
	backorder        Days
	rules            []compiledRule
	carrierDays      weekdays
	destHolidays     bool
	zones            []compiledZone
	zoneByCountry    map[string]int // index into zones
	wildcardZone     int            // -1 when no zone has "*"
	catalog          []Product
	productByID      map[int64]int
	productByHandle  map[string]int
	productByVariant map[int64]int
}

type compiledZone struct {
	name    string
	methods []Method
}

// Settings returns the document the Shop was compiled from. Callers must
// not modify it.
func (s *Shop) Settings() *Settings { return s.settings }

// Domain returns the shop's myshopify.com domain.
func (s *Shop) Domain() string { return s.settings.Shop }

// Location returns the shop's time zone.
func (s *Shop) Location() *time.Location { return s.loc }

// Country returns the shop's origin country.
func (s *Shop) Country() string { return s.settings.Country }

// LoadShop parses and compiles a settings document in one step. A document
// with problems of form (unknown keys, wrong types) is still checked for
// problems of meaning, so that every problem is reported at once (DESIGN §3).
// opts add checks of other packages (WithCheck), as for Compile.
func LoadShop(data []byte, opts ...Option) (*Shop, error) {
	st, parsed, err := parseSettings(data)
	if err != nil {
		return nil, err
	}
	shop, err := Compile(st, opts...)
	if len(parsed) == 0 {
		return shop, err
	}
	all := parsed
	var ve *ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			if !parsed.explains(p.Path) {
				all = append(all, p)
			}
		}
	}
	return nil, all.err()
}

var (
	methodCodeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
	localeRE     = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// ValidShopDomain reports whether domain is a myshopify.com shop domain,
// ^[a-z0-9][a-z0-9-]*\.myshopify\.com$. It runs on every storefront
// request, so it is a loop rather than a regexp.
func ValidShopDomain(domain string) bool {
	name, ok := strings.CutSuffix(domain, ".myshopify.com")
	if !ok || name == "" || name[0] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// Compile validates st in full and, only if it has no problem at all,
// returns the Shop it describes. Every problem is reported at once, by
// path, in a *ValidationError; nothing is half-applied. Compile keeps st:
// the caller must not modify it afterwards. opts add checks of other
// packages (WithCheck): Compile runs them after its own, and their problems
// refuse st as its own do.
func Compile(st *Settings, opts ...Option) (*Shop, error) {
	var ps problems
	s := &Shop{settings: st, wildcardZone: -1}

	if st.Shop == "" {
		ps.add("shop", "is required")
	} else if !ValidShopDomain(st.Shop) {
		ps.add("shop", "%q is not a shop domain like example.myshopify.com", st.Shop)
	}
	s.loc = checkTimezone(&ps, st.Timezone)
	if !KnownCountry(st.Country) {
		ps.add("country", "%q is not an ISO 3166 country code (upper case, like SE)", st.Country)
	}
	if st.Locale != "" && !localeRE.MatchString(st.Locale) {
		ps.add("locale", "%q is not a locale like en or pt-BR", st.Locale)
	}
	holidays := st.Holidays
	if holidays == nil && KnownCalendar(st.Country) {
		holidays = []string{st.Country}
	}
	for i, code := range st.Holidays {
		if !KnownCalendar(code) {
			ps.add(fmt.Sprintf("holidays[%d]", i), "no holiday calendar %q; known: %s", code, strings.Join(Calendars(), ", "))
		}
	}
	s.cutoffs = checkCutoffs(&ps, st.Cutoff, st.CutoffByWeekday)
	procDays := checkWeekdays(&ps, "processing_days", st.ProcessingDays)
	closures := checkClosures(&ps, st.Closures)
	s.processing = checkDays(&ps, "processing", st.Processing, Days{Min: 1, Max: 3})
	s.backorder = checkDays(&ps, "backorder", st.Backorder, Days{})
	checkRules(&ps, st.Rules)
	s.carrierDays = checkWeekdays(&ps, "shipping.carrier_days", st.Shipping.CarrierDays)
	s.destHolidays = st.Shipping.DestinationHolidays == nil || *st.Shipping.DestinationHolidays
	s.checkZones(&ps, st.Shipping.Zones)
	s.checkCatalog(&ps, st.Catalog)
	checkFeed(&ps, st.Feed)
	checkOrigins(&ps, st.StorefrontOrigins)
	runChecks(&ps, st, opts)
	if err := ps.err(); err != nil {
		return nil, err
	}
	s.processingCal = newCalendar(procDays, holidays, closures)
	s.rules = compileRules(st.Rules)
	s.catalog = st.Catalog
	return s, nil
}

func checkTimezone(ps *problems, tz string) *time.Location {
	switch {
	case tz == "":
		ps.add("timezone", "is required (an IANA zone like Europe/Stockholm)")
	case tz == "Local" || strings.HasPrefix(tz, "/") || strings.Contains(tz, ".."):
		ps.add("timezone", "%q is not an IANA time zone", tz)
	default:
		loc, err := time.LoadLocation(tz)
		if err != nil {
			ps.add("timezone", "%q is not an IANA time zone", tz)
			return time.UTC
		}
		return loc
	}
	return time.UTC
}

// parseClock parses "HH:MM" (24-hour) into minutes after midnight.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

func checkCutoffs(ps *problems, cutoff string, byWeekday map[string]string) [7]int {
	var out [7]int
	base := 14 * 60
	if cutoff != "" {
		if m, ok := parseClock(cutoff); ok {
			base = m
		} else {
			ps.add("cutoff", "%q is not a time like 14:00", cutoff)
		}
	}
	for i := range out {
		out[i] = base
	}
	for _, day := range sortedStringKeys(byWeekday) {
		wd, ok := weekdayNames[strings.ToLower(day)]
		if !ok {
			ps.add("cutoff_by_weekday."+day, "unknown weekday; use mon, tue, wed, thu, fri, sat or sun")
			continue
		}
		m, ok := parseClock(byWeekday[day])
		if !ok {
			ps.add("cutoff_by_weekday."+day, "%q is not a time like 11:00", byWeekday[day])
			continue
		}
		out[wd] = m
	}
	return out
}

func checkWeekdays(ps *problems, path string, names []string) weekdays {
	if names == nil {
		return 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	}
	var w weekdays
	for i, n := range names {
		wd, ok := weekdayNames[strings.ToLower(n)]
		if !ok {
			ps.add(fmt.Sprintf("%s[%d]", path, i), "unknown weekday %q; use mon, tue, wed, thu, fri, sat or sun", n)
			continue
		}
		if w.has(wd) {
			ps.add(fmt.Sprintf("%s[%d]", path, i), "%q is listed twice", n)
		}
		w |= 1 << wd
	}
	if w == 0 {
		ps.add(path, "needs at least one day")
	}
	return w
}

func checkClosures(ps *problems, cs []Closure) []dateRange {
	out := make([]dateRange, 0, len(cs))
	for i, c := range cs {
		path := fmt.Sprintf("closures[%d]", i)
		switch {
		case c.To < c.From:
			ps.add(path+".to", "%s is before from (%s)", c.To, c.From)
		case int(c.To-c.From) >= 366:
			ps.add(path, "a closure may last at most 366 days")
		case c.From.Year() < firstYear || c.To.Year() > lastYear:
			ps.add(path, "dates must be between %d and %d", firstYear, lastYear)
		}
		out = append(out, dateRange{c.From, c.To})
	}
	return out
}

func checkDays(ps *problems, path string, d *Days, def Days) Days {
	if d == nil {
		return def
	}
	checkRange(ps, path, *d)
	return *d
}

func checkRange(ps *problems, path string, d Days) {
	switch {
	case d.Min < 0:
		ps.add(path+".min", "must not be negative")
	case d.Min > d.Max:
		ps.add(path+".min", "must be ≤ max (%d)", d.Max)
	}
	if d.Max > MaxDays {
		ps.add(path+".max", "must be ≤ %d", MaxDays)
	} else if d.Max < 0 {
		ps.add(path+".max", "must not be negative")
	}
}

func checkReadiness(ps *problems, path string, r Readiness) {
	if r != "" && r != ReadyToShip && r != MadeToOrder {
		ps.add(path, "%q is not ready_to_ship or made_to_order", r)
	}
}

func checkRules(ps *problems, rules []Rule) {
	names := map[string]int{}
	for i, r := range rules {
		path := fmt.Sprintf("rules[%d]", i)
		if r.Name == "" {
			ps.add(path+".name", "is required")
		} else if j, dup := names[r.Name]; dup {
			ps.add(path+".name", "%q is already the name of rules[%d]", r.Name, j)
		} else {
			names[r.Name] = i
		}
		checkMatch(ps, path+".match", r.Match)
		if r.Processing != nil {
			checkRange(ps, path+".processing", *r.Processing)
		}
		checkReadiness(ps, path+".readiness", r.Readiness)
		if r.Processing == nil && r.Readiness == "" && r.ShipsOn == nil {
			ps.add(path, "sets nothing: give processing, readiness or ships_on")
		}
	}
}

func checkMatch(ps *problems, path string, m Match) {
	keys := []struct {
		name   string
		values []Ref
	}{
		{"variants", m.Variants}, {"products", m.Products}, {"collections", m.Collections},
		{"tags", m.Tags}, {"vendors", m.Vendors}, {"product_types", m.ProductTypes},
	}
	empty := true
	for _, k := range keys {
		if k.values == nil {
			continue
		}
		empty = false
		if len(k.values) == 0 {
			ps.add(path+"."+k.name, "is an empty list, which would match nothing")
		}
		for j, v := range k.values {
			vp := fmt.Sprintf("%s.%s[%d]", path, k.name, j)
			switch {
			case strings.TrimSpace(string(v)) == "":
				ps.add(vp, "is empty")
			case k.name == "variants":
				if _, ok := parseResourceID(string(v)); !ok {
					ps.add(vp, "%q is not a variant id", v)
				}
			}
		}
	}
	if empty {
		ps.add(path, "is empty: give at least one of variants, products, collections, tags, vendors, product_types")
	}
}

func (s *Shop) checkZones(ps *problems, zones []Zone) {
	if len(zones) == 0 {
		ps.add("shipping.zones", "needs at least one zone")
	}
	s.zoneByCountry = map[string]int{}
	claimed := map[string]string{}
	for i, z := range zones {
		path := fmt.Sprintf("shipping.zones[%d]", i)
		if z.Name == "" {
			ps.add(path+".name", "is required")
		}
		if len(z.Countries) == 0 {
			ps.add(path+".countries", "needs at least one country, or \"*\" for the rest of the world")
		}
		for j, c := range z.Countries {
			cp := fmt.Sprintf("%s.countries[%d]", path, j)
			if c != "*" && !KnownCountry(c) {
				ps.add(cp, "%q is not an ISO 3166 country code (upper case, like SE)", c)
				continue
			}
			if other, dup := claimed[c]; dup {
				ps.add(cp, "%q is already in zone %s", c, other)
				continue
			}
			claimed[c] = fmt.Sprintf("%q", z.Name)
			if c == "*" {
				s.wildcardZone = i
			} else {
				s.zoneByCountry[c] = i
			}
		}
		if len(z.Methods) == 0 {
			ps.add(path+".methods", "needs at least one method")
		}
		codes := map[string]bool{}
		titles := map[string]string{} // folded title → the path that claimed it
		for j, m := range z.Methods {
			mp := fmt.Sprintf("%s.methods[%d]", path, j)
			if !methodCodeRE.MatchString(m.Code) {
				ps.add(mp+".code", "%q is not a code of lower-case letters, digits, - and _", m.Code)
			} else if codes[m.Code] {
				ps.add(mp+".code", "%q is already used in this zone", m.Code)
			}
			codes[m.Code] = true
			checkRange(ps, mp, Days{Min: m.Min, Max: m.Max})
			checkCheckoutTitles(ps, mp+".checkout_titles", m.CheckoutTitles, titles)
		}
		s.zones = append(s.zones, compiledZone{name: z.Name, methods: z.Methods})
	}
}

func (s *Shop) checkCatalog(ps *problems, products []Product) {
	s.productByID = make(map[int64]int, len(products))
	s.productByHandle = make(map[string]int, len(products))
	s.productByVariant = map[int64]int{}
	for i, p := range products {
		path := fmt.Sprintf("catalog[%d]", i)
		if p.ID <= 0 {
			ps.add(path+".id", "must be a positive number")
		} else if _, dup := s.productByID[p.ID]; dup {
			ps.add(path+".id", "%d is already used", p.ID)
		}
		s.productByID[p.ID] = i
		if p.Handle == "" {
			ps.add(path+".handle", "is required")
		} else if _, dup := s.productByHandle[p.Handle]; dup {
			ps.add(path+".handle", "%q is already used", p.Handle)
		}
		s.productByHandle[p.Handle] = i
		checkMetafields(ps, path+".metafields", p.Metafields)
		if len(p.Variants) == 0 {
			ps.add(path+".variants", "needs at least one variant, as in Shopify")
		}
		for j, v := range p.Variants {
			vp := fmt.Sprintf("%s.variants[%d]", path, j)
			if v.ID <= 0 {
				ps.add(vp+".id", "must be a positive number")
			} else if _, dup := s.productByVariant[v.ID]; dup {
				ps.add(vp+".id", "%d is already used", v.ID)
			}
			s.productByVariant[v.ID] = i
			switch v.InventoryPolicy {
			case "", PolicyDeny, PolicyContinue:
			default:
				ps.add(vp+".inventory_policy", "%q is not deny or continue", v.InventoryPolicy)
			}
			checkMetafields(ps, vp+".metafields", v.Metafields)
		}
	}
}

func checkMetafields(ps *problems, path string, m Metafields) {
	for _, f := range []struct {
		name string
		v    *int
	}{{"processing_min_days", m.ProcessingMinDays}, {"processing_max_days", m.ProcessingMaxDays}} {
		if f.v != nil && (*f.v < 0 || *f.v > MaxDays) {
			ps.add(path+"."+f.name, "must be between 0 and %d", MaxDays)
		}
	}
	if m.ProcessingMinDays != nil && m.ProcessingMaxDays != nil && *m.ProcessingMinDays > *m.ProcessingMaxDays {
		ps.add(path+".processing_min_days", "must be ≤ processing_max_days (%d)", *m.ProcessingMaxDays)
	}
	checkReadiness(ps, path+".readiness", m.Readiness)
}

func sortedStringKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// maxCheckoutTitle is Shopify's longest delivery option title.
const maxCheckoutTitle = 255

// checkCheckoutTitles checks a method's checkout titles: each non-empty, no
// longer than Shopify allows, and claimed by one method of the zone only,
// so that an option never matches two methods.
func checkCheckoutTitles(ps *problems, path string, list []string, claimed map[string]string) {
	for i, t := range list {
		tp := fmt.Sprintf("%s[%d]", path, i)
		folded := strings.ToLower(strings.TrimSpace(t))
		switch {
		case folded == "":
			ps.add(tp, "is empty")
		case len(t) > maxCheckoutTitle:
			ps.add(tp, "is longer than %d bytes", maxCheckoutTitle)
		default:
			if other, dup := claimed[folded]; dup {
				ps.add(tp, "%q is already matched by %s", t, other)
				continue
			}
			claimed[folded] = tp
		}
	}
}
