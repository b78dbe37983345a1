package delivery

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Source names where an item's processing time came from (DESIGN §3).
type Source string

// The sources, most specific first.
const (
	SourceVariantMetafield Source = "variant_metafield"
	SourceProductMetafield Source = "product_metafield"
	SourceRule             Source = "rule"
	SourceDefault          Source = "default"
)

// matchLevel orders rules: a rule's level is that of its most specific
// match key, and a lower level wins.
type matchLevel uint8

const (
	levelVariant matchLevel = iota
	levelProduct
	levelCollection
	levelTag
	levelVendor
	levelProductType
)

// compiledRule is a Rule ready to match: values normalised once, at load.
type compiledRule struct {
	name       string
	index      int // position in the settings' list
	level      matchLevel
	variants   []int64
	products   []string // handles (and ids, which are written as handles too)
	productIDs []int64  // the values of products that are ids, parsed once
	collection []string
	tags       []string
	vendors    []string
	types      []string

	hasProcessing bool
	processing    Days
	readiness     Readiness
	shipsOn       Date // NoDate when unset
}

func compileRules(rules []Rule) []compiledRule {
	out := make([]compiledRule, 0, len(rules))
	for i, r := range rules {
		c := compiledRule{name: r.Name, index: i, readiness: r.Readiness, shipsOn: NoDate, level: levelProductType}
		m := r.Match
		for _, v := range m.Variants {
			if id, ok := parseResourceID(string(v)); ok {
				c.variants = append(c.variants, id)
			}
		}
		c.products = refs(m.Products)
		for _, v := range c.products {
			if id, ok := parseResourceID(v); ok {
				c.productIDs = append(c.productIDs, id)
			}
		}
		c.collection = refs(m.Collections)
		c.tags, c.vendors, c.types = refs(m.Tags), refs(m.Vendors), refs(m.ProductTypes)
		for _, k := range []struct {
			set   bool
			level matchLevel
		}{
			{len(m.ProductTypes) > 0, levelProductType},
			{len(m.Vendors) > 0, levelVendor},
			{len(m.Tags) > 0, levelTag},
			{len(m.Collections) > 0, levelCollection},
			{len(m.Products) > 0, levelProduct},
			{len(m.Variants) > 0, levelVariant},
		} {
			if k.set {
				c.level = k.level
			}
		}
		if r.Processing != nil {
			c.hasProcessing, c.processing = true, *r.Processing
		}
		if r.ShipsOn != nil {
			c.shipsOn = *r.ShipsOn
		}
		out = append(out, c)
	}
	// Most specific level first; within a level, the order of the list.
	sort.SliceStable(out, func(i, j int) bool { return out[i].level < out[j].level })
	return out
}

func refs(rs []Ref) []string {
	if len(rs) == 0 {
		return nil
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = strings.TrimSpace(string(r))
	}
	return out
}

// parseResourceID accepts a numeric id or a Shopify GID
// ("gid://shopify/ProductVariant/123").
func parseResourceID(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '/'); i >= 0 && strings.HasPrefix(s, "gid://shopify/") {
		s = s[i+1:]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// matches reports whether the rule matches the variant of p: every key
// present must match (AND), and any value of a key will do (OR).
func (r *compiledRule) matches(p *Product, v *Variant) bool {
	if len(r.variants) > 0 && !slices.Contains(r.variants, v.ID) {
		return false
	}
	if len(r.products) > 0 && !slices.Contains(r.products, p.Handle) && !slices.Contains(r.productIDs, p.ID) {
		return false
	}
	if len(r.collection) > 0 && !anyFold(r.collection, p.Collections) {
		return false
	}
	if len(r.tags) > 0 && !anyFold(r.tags, p.Tags) {
		return false
	}
	if len(r.vendors) > 0 && !oneFold(r.vendors, p.Vendor) {
		return false
	}
	if len(r.types) > 0 && !oneFold(r.types, p.ProductType) {
		return false
	}
	return true
}

// Tags, vendors, types and collection handles match case-insensitively, as
// Shopify treats tags.
func anyFold(want, have []string) bool {
	for _, h := range have {
		if oneFold(want, h) {
			return true
		}
	}
	return false
}

func oneFold(want []string, have string) bool {
	have = strings.TrimSpace(have)
	for _, w := range want {
		if strings.EqualFold(w, have) {
			return true
		}
	}
	return false
}

// terms is what applies to one variant: processing time, readiness and a
// ships-on date, each from the most specific level that sets it.
type terms struct {
	processing Days
	source     Source
	rule       string
	readiness  Readiness
	shipsOn    Date // NoDate when none
}

// resolveTerms implements DESIGN §3 "Which processing time applies".
// processing_min_days and processing_max_days are read as a pair from one
// level; a level that sets only one uses it for both. readiness and ships_on
// are resolved each on its own.
func (s *Shop) resolveTerms(p *Product, v *Variant) terms {
	t := terms{shipsOn: NoDate}
	haveProcessing := false
	if d, ok := v.Metafields.days(); ok {
		t.processing, t.source, haveProcessing = d, SourceVariantMetafield, true
	} else if d, ok := p.Metafields.days(); ok {
		t.processing, t.source, haveProcessing = d, SourceProductMetafield, true
	}
	t.readiness = firstReadiness(v.Metafields.Readiness, p.Metafields.Readiness)
	t.shipsOn = firstDate(v.Metafields.ShipsOn, p.Metafields.ShipsOn)

	for i := range s.rules {
		if haveProcessing && t.readiness != "" && t.shipsOn != NoDate {
			break
		}
		r := &s.rules[i]
		// Matching costs string comparisons: skip a rule that could only
		// set what a more specific level has set already.
		useful := (!haveProcessing && r.hasProcessing) || (t.readiness == "" && r.readiness != "") || (t.shipsOn == NoDate && r.shipsOn != NoDate)
		if !useful || !r.matches(p, v) {
			continue
		}
		if !haveProcessing && r.hasProcessing {
			t.processing, t.source, t.rule, haveProcessing = r.processing, SourceRule, r.name, true
		}
		if t.readiness == "" {
			t.readiness = r.readiness
		}
		if t.shipsOn == NoDate {
			t.shipsOn = r.shipsOn
		}
	}
	if !haveProcessing {
		t.processing, t.source = s.processing, SourceDefault
	}
	if t.readiness == "" {
		t.readiness = ReadyToShip
	}
	return t
}

func (m *Metafields) days() (Days, bool) {
	var d Days
	switch {
	case m.ProcessingMinDays != nil && m.ProcessingMaxDays != nil:
		d = Days{Min: *m.ProcessingMinDays, Max: *m.ProcessingMaxDays}
	case m.ProcessingMinDays != nil:
		d = Days{Min: *m.ProcessingMinDays, Max: *m.ProcessingMinDays}
	case m.ProcessingMaxDays != nil:
		d = Days{Min: *m.ProcessingMaxDays, Max: *m.ProcessingMaxDays}
	default:
		return Days{}, false
	}
	return d.sane(), true
}

// sane bounds metafield values, which Shopify does not validate for us:
// clamped to 0–MaxDays, and a reversed pair put in order.
func (d Days) sane() Days {
	d.Min, d.Max = min(max(d.Min, 0), MaxDays), min(max(d.Max, 0), MaxDays)
	if d.Min > d.Max {
		d.Min, d.Max = d.Max, d.Min
	}
	return d
}

func firstReadiness(rs ...Readiness) Readiness {
	for _, r := range rs {
		if r != "" {
			return r
		}
	}
	return ""
}

func firstDate(ds ...*Date) Date {
	for _, d := range ds {
		if d != nil {
			return *d
		}
	}
	return NoDate
}
