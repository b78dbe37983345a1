// Package functionconfig precomputes what Leadtime's checkout function
// (extensions/leadtime-delivery-dates, a Shopify Delivery Customization
// function) needs to rename delivery options with their delivery window.
//
// A function cannot call Leadtime and must be deterministic, so the date
// engine stays here, in package delivery: Build writes its answers down as
// data (the shop's processing days and each served country's carrier days
// for the coming months as day bitmaps, the cutoff of each weekday, the
// zones and methods, the processing time of every rule level the function
// can see, the stock of tracked variants), and the function only reads
// them. The result is the JSON value of a metafield on the delivery
// customization; its top-level keys tags, collections and cutoff* are also
// the input query's variables.
package functionconfig

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// Namespace and Key name the delivery customization's metafield that holds
// the config, as shopify.extension.toml's [extensions.input.variables] and
// src/run.graphql name it.
const (
	Namespace = "$app:leadtime"
	Key       = "function-config"
)

// Version is the config's format; run.js leaves every title alone on a
// version it does not know.
const Version = 1

// Horizon is how many days from the build date the calendars cover. The
// config is rewritten daily, so a run never starts near its end; a window
// that reaches past it is left unsaid.
const Horizon = 184

// MaxSize is the largest metafield value a function input query can read
// (Shopify: 10,000 bytes). Build fails rather than write a config the
// function would not get.
const MaxSize = 10000

// ErrTooLarge is returned when a shop's config does not fit in MaxSize.
var ErrTooLarge = errors.New("function config is larger than a function can read")

// Config is the metafield's JSON value. Short keys keep it small: it shares
// the function input's 64,000 bytes with the cart.
type Config struct {
	V     int    `json:"v"`
	Start string `json:"start"` // the shop's date when built, day 0 of every bitmap
	Days  int    `json:"days"`
	// Locale is the shop's primary locale, the fallback of the buyer's.
	Locale string `json:"locale"`
	// Proc is the processing calendar: bit i (LSB first) of byte i/8 is
	// day i, base64.
	Proc string `json:"proc"`
	// CutoffSun … CutoffSat are each weekday's cutoff, "HH:MM:SS" local:
	// input query variables of shop.localTime.timeBefore.
	CutoffSun string `json:"cutoffSun"`
	CutoffMon string `json:"cutoffMon"`
	CutoffTue string `json:"cutoffTue"`
	CutoffWed string `json:"cutoffWed"`
	CutoffThu string `json:"cutoffThu"`
	CutoffFri string `json:"cutoffFri"`
	CutoffSat string `json:"cutoffSat"`
	// Tags and Collections are the values rules match on, input query
	// variables of product.hasTags and product.inCollections; rules name
	// them by index.
	Tags        []string `json:"tags"`
	Collections []string `json:"collections"`
	Default     [2]int   `json:"def"` // processing when nothing else sets it
	Backorder   [2]int   `json:"bo"`
	Rules       []Rule   `json:"rules"` // in the order Quote tries them
	// Carriers are the distinct carrier calendars, bitmaps like Proc.
	Carriers  []string          `json:"cal"`
	Zones     []Zone            `json:"zones"`
	Countries map[string][2]int `json:"cc"`             // country → [zone, carrier calendar]
	Rest      *[2]int           `json:"rest,omitempty"` // the "*" zone for other ISO countries
	// Stock is the inventory of tracked variants, by numeric id: [quantity,
	// 1 if sold on backorder]. Untracked variants are always in stock.
	Stock map[string][2]int `json:"inv"`
}

// Rule is a settings rule that sets processing or ships_on, reduced to what
// the function can check. Every key present must match; any value of a key.
type Rule struct {
	Processing *[2]int  `json:"p,omitempty"`
	ShipsOn    *int     `json:"s,omitempty"` // day index from Start; may be negative
	Variants   []string `json:"v,omitempty"` // numeric ids
	Handles    []string `json:"h,omitempty"`
	ProductIDs []string `json:"pi,omitempty"`
	Tags       []int    `json:"t,omitempty"` // indexes into Config.Tags
	// Collections index Config.Collections; CollectionUnknown is set when
	// some of the rule's collections have no known id, so that a product
	// in none of the known ones cannot be told apart from one in those.
	Collections       []int    `json:"c,omitempty"`
	CollectionUnknown bool     `json:"cu,omitempty"`
	Vendors           []string `json:"ve,omitempty"` // lower case
	Types             []string `json:"ty,omitempty"` // lower case
}

// Zone is a shipping zone's methods.
type Zone struct {
	Methods []Method `json:"m"`
}

// Method is a shipping method: the option titles or codes it answers to
// (lower case) and its transit in carrier days.
type Method struct {
	Titles []string `json:"t"`
	Code   string   `json:"code"`
	Min    int      `json:"min"`
	Max    int      `json:"max"`
}

// Catalog is what Build needs to know of the shop's products beyond the
// settings: the products (for stock) and the ids of the collections that
// rules name by handle. A real shop gets both from the Admin API.
type Catalog struct {
	Products []delivery.Product
	// CollectionIDs maps a collection handle to its GID
	// (gid://shopify/Collection/123). A rule's collection without one
	// makes the function leave titles alone for products it might match.
	CollectionIDs map[string]string
}

// Build precomputes the config of shop at now from its own offline catalog
// (the demo shop, `leadtime function-config`). See BuildFor.
func Build(shop *delivery.Shop, now time.Time) (*Config, error) {
	return BuildFor(shop, now, Catalog{Products: shop.Catalog()})
}

// BuildFor precomputes the config of shop at now for the given catalog. It
// fails with ErrTooLarge when the result would not fit in MaxSize.
func BuildFor(shop *delivery.Shop, now time.Time, cat Catalog) (*Config, error) {
	st := shop.Settings()
	start := delivery.DateIn(now, shop.Location())
	c := &Config{
		V: Version, Start: start.String(), Days: Horizon,
		Locale:    st.Locale,
		Proc:      bitmap(shop.ProcessingDaysFrom(start, Horizon)),
		Default:   pair(shop.DefaultProcessing()),
		Backorder: pair(shop.BackorderDays()),
		Countries: map[string][2]int{},
		Stock:     map[string][2]int{},
		Tags:      []string{}, Collections: []string{},
	}
	if c.Locale == "" {
		c.Locale = "en"
	}
	cutoffs := []*string{&c.CutoffSun, &c.CutoffMon, &c.CutoffTue, &c.CutoffWed, &c.CutoffThu, &c.CutoffFri, &c.CutoffSat}
	for wd, p := range cutoffs {
		m := shop.CutoffMinutes(time.Weekday(wd))
		*p = fmt.Sprintf("%02d:%02d:00", m/60, m%60)
	}
	c.addRules(st, shop.RulePrecedence(), start, cat.CollectionIDs)
	if err := c.addZones(shop, start); err != nil {
		return nil, err
	}
	for _, p := range cat.Products {
		for _, v := range p.Variants {
			if v.InventoryQuantity == nil {
				continue
			}
			backorder := 0
			if v.InventoryPolicy == delivery.PolicyContinue {
				backorder = 1
			}
			c.Stock[strconv.FormatInt(v.ID, 10)] = [2]int{*v.InventoryQuantity, backorder}
		}
	}
	data, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%d bytes, limit %d (fewer tracked variants, zones or rules would fit): %w", len(data), MaxSize, ErrTooLarge)
	}
	return c, nil
}

func pair(d delivery.Days) [2]int { return [2]int{d.Min, d.Max} }

// bitmap packs days LSB first and encodes them in standard base64.
func bitmap(open []bool) string {
	b := make([]byte, (len(open)+7)/8)
	for i, o := range open {
		if o {
			b[i>>3] |= 1 << (i & 7)
		}
	}
	return base64.StdEncoding.EncodeToString(b)
}

// addRules keeps the rules that can change a window (processing or
// ships_on; readiness changes only words), in precedence order.
func (c *Config) addRules(st *delivery.Settings, order []int, start delivery.Date, collectionIDs map[string]string) {
	tagIndex, collIndex := map[string]int{}, map[string]int{}
	index := func(list *[]string, seen map[string]int, key, value string) int {
		if i, ok := seen[key]; ok {
			return i
		}
		seen[key] = len(*list)
		*list = append(*list, value)
		return seen[key]
	}
	folded := map[string]string{}
	for h, id := range collectionIDs {
		folded[strings.ToLower(strings.TrimSpace(h))] = id
	}
	c.Rules = []Rule{}
	for _, i := range order {
		r := st.Rules[i]
		if r.Processing == nil && r.ShipsOn == nil {
			continue
		}
		var out Rule
		if r.Processing != nil {
			p := pair(*r.Processing)
			out.Processing = &p
		}
		if r.ShipsOn != nil {
			d := int(*r.ShipsOn - start)
			out.ShipsOn = &d
		}
		m := r.Match
		for _, v := range m.Variants {
			if id, ok := resourceID(string(v)); ok {
				out.Variants = append(out.Variants, id)
			}
		}
		for _, p := range m.Products {
			h := strings.TrimSpace(string(p))
			out.Handles = append(out.Handles, h)
			if id, ok := resourceID(h); ok {
				out.ProductIDs = append(out.ProductIDs, id)
			}
		}
		for _, t := range m.Tags {
			t := strings.TrimSpace(string(t))
			out.Tags = append(out.Tags, index(&c.Tags, tagIndex, strings.ToLower(t), t))
		}
		for _, h := range m.Collections {
			id, ok := folded[strings.ToLower(strings.TrimSpace(string(h)))]
			if !ok {
				out.CollectionUnknown = true
				continue
			}
			out.Collections = append(out.Collections, index(&c.Collections, collIndex, id, id))
		}
		if len(m.Collections) > 0 && len(out.Collections) == 0 {
			out.Collections = []int{} // the key is present: it must match
		}
		out.Vendors = lowered(m.Vendors)
		out.Types = lowered(m.ProductTypes)
		c.Rules = append(c.Rules, out)
	}
}

func lowered(refs []delivery.Ref) []string {
	var out []string
	for _, r := range refs {
		out = append(out, strings.ToLower(strings.TrimSpace(string(r))))
	}
	return out
}

// resourceID is delivery's reading of a rule's id: a number or a GID.
func resourceID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '/'); i >= 0 && strings.HasPrefix(s, "gid://shopify/") {
		s = s[i+1:]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return "", false
	}
	return strconv.FormatInt(id, 10), true
}

// addZones writes the zones, and for every country a zone serves (the "*"
// zone: every ISO country with a holiday calendar of its own) the carrier
// calendar that delivery.Route gives it. Equal calendars are stored once.
func (c *Config) addZones(shop *delivery.Shop, start delivery.Date) error {
	st := shop.Settings()
	calIndex := map[string]int{}
	calendarOf := func(country string) (int, error) {
		r, err := shop.Route(delivery.Destination{Country: country})
		if err != nil {
			return 0, err
		}
		b := bitmap(r.CarrierDaysFrom(start, Horizon))
		if i, ok := calIndex[b]; ok {
			return i, nil
		}
		calIndex[b] = len(c.Carriers)
		c.Carriers = append(c.Carriers, b)
		return calIndex[b], nil
	}
	wildcard := -1
	for zi, z := range st.Shipping.Zones {
		var zone Zone
		for _, m := range z.Methods {
			titles := m.CheckoutTitles
			if len(titles) == 0 {
				titles = []string{m.Name, m.Code}
			}
			var folded []string
			for _, t := range titles {
				if t := strings.ToLower(strings.TrimSpace(t)); t != "" && !slices.Contains(folded, t) {
					folded = append(folded, t)
				}
			}
			zone.Methods = append(zone.Methods, Method{Titles: folded, Code: m.Code, Min: m.Min, Max: m.Max})
		}
		c.Zones = append(c.Zones, zone)
		for _, country := range z.Countries {
			if country == "*" {
				wildcard = zi
				continue
			}
			cal, err := calendarOf(country)
			if err != nil {
				return err
			}
			c.Countries[country] = [2]int{zi, cal}
		}
	}
	if wildcard < 0 {
		return nil
	}
	// A country without a holiday calendar of its own gets the plain
	// carrier weekdays: "ZZ" is not a country, so Route cannot be asked;
	// any such country gives the same bitmap.
	for _, code := range delivery.Calendars() {
		if _, listed := c.Countries[code]; listed || len(code) != 2 || !delivery.KnownCountry(code) {
			continue
		}
		cal, err := calendarOf(code)
		if err != nil {
			return err
		}
		c.Countries[code] = [2]int{wildcard, cal}
	}
	plain, err := calendarOf(plainCountry())
	if err != nil {
		return err
	}
	c.Rest = &[2]int{wildcard, plain}
	return nil
}

// plainCountry is an ISO country with no holiday calendar, whose carrier
// calendar is therefore the plain carrier weekdays.
func plainCountry() string {
	for _, code := range []string{"AQ", "BV", "HM"} {
		if delivery.KnownCountry(code) && !delivery.KnownCalendar(code) {
			return code
		}
	}
	panic("functionconfig: no ISO country without a holiday calendar")
}
