package delivery

import (
	"strconv"
	"strings"
)

// FeedSettings configures the Google Merchant Center supplemental feed
// (the feed package). The zero value is the default.
type FeedSettings struct {
	// IDFormat makes a row's id, which must equal the id of the same variant
	// in the merchant's primary feed. Placeholders: {country}, {product_id},
	// {variant_id}, {handle}. Default DefaultFeedIDFormat.
	IDFormat string `json:"id_format,omitempty"`
	// Shipping adds the shipping attribute with each method's transit time.
	// Off by default: in Merchant Center a product's shipping attribute
	// replaces the account's shipping settings for that product.
	Shipping bool `json:"shipping,omitempty"`
}

// DefaultFeedIDFormat is the id Shopify's Google & YouTube channel gives a
// variant in the primary feed it sends to Merchant Center, e.g.
// shopify_SE_1001_2001.
const DefaultFeedIDFormat = "shopify_{country}_{product_id}_{variant_id}"

// feedIDMaxLen is Merchant Center's limit on an id.
const feedIDMaxLen = 50

// feedPlaceholders are what an id format may contain.
var feedPlaceholders = []string{"{country}", "{product_id}", "{variant_id}", "{handle}"}

// Format returns the id format in use.
func (f *FeedSettings) Format() string {
	if f == nil || f.IDFormat == "" {
		return DefaultFeedIDFormat
	}
	return f.IDFormat
}

// ID returns the feed id of variant v of p in the feed for country.
func (f *FeedSettings) ID(country string, p *Product, v *Variant) string {
	return strings.NewReplacer(
		"{country}", country,
		"{product_id}", strconv.FormatInt(p.ID, 10),
		"{variant_id}", strconv.FormatInt(v.ID, 10),
		"{handle}", p.Handle,
	).Replace(f.Format())
}

// checkFeed validates the feed settings: an id format must name the variant
// (two variants with one id would overwrite each other in Merchant Center),
// use only known placeholders, and hold nothing that breaks a TSV row.
func checkFeed(ps *problems, f *FeedSettings) {
	if f == nil || f.IDFormat == "" {
		return
	}
	const path = "feed.id_format"
	format := f.IDFormat
	if !strings.Contains(format, "{variant_id}") {
		ps.add(path, "%q must contain {variant_id}, so that every variant has its own id", format)
	}
	rest := format
	for _, ph := range feedPlaceholders {
		rest = strings.ReplaceAll(rest, ph, "")
	}
	if i := strings.IndexAny(rest, "{}"); i >= 0 {
		ps.add(path, "%q has an unknown placeholder; known: %s", format, strings.Join(feedPlaceholders, ", "))
	}
	if strings.ContainsAny(format, "\t\r\n") || strings.TrimSpace(format) != format {
		ps.add(path, "must not contain tabs, line breaks or surrounding spaces")
	}
	if len(rest) > feedIDMaxLen-20 {
		ps.add(path, "is too long: Merchant Center ids have at most %d characters", feedIDMaxLen)
	}
}
