package feed

import (
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The columns, as Merchant Center names the attributes. In a TSV the
// shipping column names its sub-attributes in the header, which is how
// Merchant Center reads a shipping value without a price.
const (
	colID               = "id"
	colMinHandling      = "min_handling_time"
	colMaxHandling      = "max_handling_time"
	colAvailability     = "availability"
	colAvailabilityDate = "availability_date"
	colShipping         = "shipping(country:service:min_transit_time:max_transit_time)"
)

// Header returns the TSV's column names.
func (f *Feed) Header() []string {
	h := []string{colID, colMinHandling, colMaxHandling}
	if f.withAvailability {
		h = append(h, colAvailability, colAvailabilityDate)
	}
	if f.withShipping {
		h = append(h, colShipping)
	}
	return h
}

// WriteTSV writes the feed as Merchant Center's tab-separated text: a
// header row, then one row per variant, handling times as whole numbers.
func (f *Feed) WriteTSV(w io.Writer) error {
	tw := csv.NewWriter(w)
	tw.Comma = '\t'
	if err := tw.Write(f.Header()); err != nil {
		return fmt.Errorf("feed tsv: %w", err)
	}
	for i := range f.Rows {
		if err := tw.Write(f.record(&f.Rows[i])); err != nil {
			return fmt.Errorf("feed tsv: %w", err)
		}
	}
	tw.Flush()
	if err := tw.Error(); err != nil {
		return fmt.Errorf("feed tsv: %w", err)
	}
	return nil
}

func (f *Feed) record(r *Row) []string {
	rec := []string{r.ID, strconv.Itoa(r.MinHandling), strconv.Itoa(r.MaxHandling)}
	if f.withAvailability {
		rec = append(rec, r.Availability, r.AvailabilityDate)
	}
	if f.withShipping {
		groups := make([]string, len(r.Shipping))
		for i, s := range r.Shipping {
			groups[i] = strings.Join([]string{s.Country, subAttributeText.Replace(s.Service),
				strconv.Itoa(s.MinTransit), strconv.Itoa(s.MaxTransit)}, ":")
		}
		rec = append(rec, strings.Join(groups, ","))
	}
	return rec
}

// The XML feed: RSS 2.0 with Google's g: namespace, one <item> per row.
type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	NS      string     `xml:"xmlns:g,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	ID               string        `xml:"g:id"`
	MinHandling      int           `xml:"g:min_handling_time"`
	MaxHandling      int           `xml:"g:max_handling_time"`
	Availability     string        `xml:"g:availability,omitempty"`
	AvailabilityDate string        `xml:"g:availability_date,omitempty"`
	Shipping         []rssShipping `xml:"g:shipping"`
}

type rssShipping struct {
	Country    string `xml:"g:country"`
	Service    string `xml:"g:service"`
	MinTransit int    `xml:"g:min_transit_time"`
	MaxTransit int    `xml:"g:max_transit_time"`
}

// googleNS is the namespace of Merchant Center's product attributes.
const googleNS = "http://base.google.com/ns/1.0"

// WriteXML writes the feed as RSS 2.0 with the g: namespace. An item
// carries availability only when it is a pre-order, so the primary feed's
// value stands for every other.
func (f *Feed) WriteXML(w io.Writer) error {
	doc := rss{Version: "2.0", NS: googleNS, Channel: rssChannel{
		Title:       "Leadtime handling times: " + f.Shop + " (" + f.Country + ")",
		Link:        "https://" + f.Shop,
		Description: "Supplemental feed: min_handling_time and max_handling_time per variant",
		Items:       make([]rssItem, len(f.Rows)),
	}}
	for i, r := range f.Rows {
		it := rssItem{ID: r.ID, MinHandling: r.MinHandling, MaxHandling: r.MaxHandling,
			Availability: r.Availability, AvailabilityDate: r.AvailabilityDate}
		for _, s := range r.Shipping {
			it.Shipping = append(it.Shipping, rssShipping(s))
		}
		doc.Channel.Items[i] = it
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("feed xml: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("feed xml: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("feed xml: %w", err)
	}
	return nil
}
