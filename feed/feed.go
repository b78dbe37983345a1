// Package feed builds the Google Merchant Center supplemental feed: one row
// per available variant with its handling time (min_handling_time,
// max_handling_time), so that Shopping ads and free listings promise what
// the storefront promises. The numbers come from delivery.Shop.Handling,
// the same precedence and backorder rule as every quote.
package feed

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// Merchant Center's availability value for a pre-order.
const availabilityPreorder = "preorder"

// availabilityDateLayout is Merchant Center's ISO 8601 date and time with a
// UTC offset, e.g. 2027-03-01T00:00+0100.
const availabilityDateLayout = "2006-01-02T15:04-0700"

// maxIDLen is Merchant Center's limit on an id.
const maxIDLen = 50

// ErrIDTooLong is why a row is left out: Merchant Center would reject it.
var ErrIDTooLong = errors.New("id longer than 50 characters")

// Row is one variant in the feed.
type Row struct {
	ID                   string
	ProductID, VariantID int64
	MinHandling          int
	MaxHandling          int
	// Availability is "preorder" for a variant held back by a future
	// ships_on, with AvailabilityDate the day processing starts; both are
	// empty otherwise, so that the primary feed's availability stands.
	Availability     string
	AvailabilityDate string
	Shipping         []Shipping // only when the shop turned feed.shipping on
}

// Shipping is one shipping method to the feed's country with its transit
// time in carrier (business) days. Leadtime knows no rates, so it carries
// Merchant Center's transit-time sub-attributes and no price.
type Shipping struct {
	Country    string
	Service    string
	MinTransit int
	MaxTransit int
}

// Feed is the supplemental feed of one shop for one target country, as of
// one instant.
type Feed struct {
	Shop    string
	Country string
	BuiltAt time.Time
	Rows    []Row
	// Skipped lists the variants left out for a reason a merchant can fix
	// (an id Merchant Center would reject); sold-out variants are left out
	// silently, as the storefront gives them no dates.
	Skipped []Skip
	// withShipping and withAvailability say which optional columns the
	// TSV has: the same for every row, as a TSV needs.
	withShipping     bool
	withAvailability bool
}

// Skip is a variant left out of the feed, and why.
type Skip struct {
	ProductID, VariantID int64
	Err                  error
}

// Build returns the feed of products for the target country at now. The
// country must be one the shop ships to. It is pure: now is the only time
// it knows, and it matters only for pre-orders.
func Build(shop *delivery.Shop, products []delivery.Product, country string, now time.Time) (*Feed, error) {
	route, err := shop.Route(delivery.Destination{Country: country})
	if err != nil {
		return nil, fmt.Errorf("feed for %s: %w", country, err)
	}
	settings := shop.Settings()
	f := &Feed{Shop: shop.Domain(), Country: route.Country, BuiltAt: now.In(shop.Location())}
	var shipping []Shipping
	if settings.Feed != nil && settings.Feed.Shipping {
		if shipping, err = methodsTo(shop, route); err != nil {
			return nil, err
		}
		f.withShipping = true
	}
	for i := range products {
		p := &products[i]
		for j := range p.Variants {
			v := &p.Variants[j]
			row, ok, err := buildRow(shop, p, v, route.Country, now)
			switch {
			case err != nil:
				f.Skipped = append(f.Skipped, Skip{ProductID: p.ID, VariantID: v.ID, Err: err})
				continue
			case !ok:
				continue
			}
			row.Shipping = shipping
			f.withAvailability = f.withAvailability || row.Availability != ""
			f.Rows = append(f.Rows, row)
		}
	}
	return f, nil
}

// buildRow is one variant's row; ok is false for a variant that cannot be
// sold, which the feed leaves out.
func buildRow(shop *delivery.Shop, p *delivery.Product, v *delivery.Variant, country string, now time.Time) (Row, bool, error) {
	h, err := shop.Handling(p, v, now)
	if err != nil {
		return Row{}, false, err
	}
	if !h.Available {
		return Row{}, false, nil
	}
	id := shop.Settings().Feed.ID(country, p, v)
	if len(id) > maxIDLen {
		return Row{}, false, fmt.Errorf("%q: %w", id, ErrIDTooLong)
	}
	row := Row{ID: id, ProductID: p.ID, VariantID: v.ID, MinHandling: h.MinDays, MaxHandling: h.MaxDays}
	if h.Preorder {
		row.Availability = availabilityPreorder
		row.AvailabilityDate = h.ShipsFrom.At(0, 0, shop.Location()).Format(availabilityDateLayout)
	}
	return row, true, nil
}

// methodsTo lists every method of the zone that serves the route's country,
// in the settings' order, as quotes would resolve each.
func methodsTo(shop *delivery.Shop, route delivery.Route) ([]Shipping, error) {
	var out []Shipping
	for _, z := range shop.Settings().Shipping.Zones {
		if z.Name != route.Zone {
			continue
		}
		for _, m := range z.Methods {
			r, err := shop.Route(delivery.Destination{Country: route.Country, Method: m.Code})
			if err != nil {
				return nil, fmt.Errorf("feed shipping %s: %w", m.Code, err)
			}
			service := r.MethodName
			if service == "" {
				service = r.Method
			}
			out = append(out, Shipping{Country: r.Country, Service: service, MinTransit: r.Transit.Min, MaxTransit: r.Transit.Max})
		}
		break
	}
	return out, nil
}

// subAttributeText keeps a value from breaking the shipping attribute's
// text form, where ':' separates sub-attributes and ',' groups.
var subAttributeText = strings.NewReplacer(":", " ", ",", " ", "\t", " ", "\n", " ", "\r", " ")
