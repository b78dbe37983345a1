package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/feed"
)

// runFeed prints the Merchant Center supplemental feed of a settings
// document's offline catalog for one country, as GET /feeds/google/… gives
// it.
func runFeed(args []string, now func() time.Time, stdout, stderr io.Writer) error {
	flags := newFlags("feed", stderr)
	configPath := flags.String("config", "", "settings document (required)")
	country := flags.String("country", "", "target country of the feed, e.g. SE (required)")
	format := flags.String("format", "tsv", "tsv or xml")
	at := flags.String("at", "", "the instant to build at, RFC 3339 (default: now); it matters for pre-orders")
	if err := flags.Parse(args); err != nil {
		return errReported
	}
	if *configPath == "" || *country == "" || flags.NArg() > 0 || (*format != "tsv" && *format != "xml") {
		fmt.Fprint(stderr, "feed needs --config and --country, --format tsv or xml, and no ITEM\n\n"+usage)
		return errReported
	}
	instant := now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return fmt.Errorf("--at: %w", err)
		}
		instant = t
	}
	shop, err := loadShopFile(*configPath)
	if err != nil {
		return err
	}
	f, err := feed.Build(shop, shop.Catalog(), strings.ToUpper(*country), instant)
	if err != nil {
		return err
	}
	for _, s := range f.Skipped {
		fmt.Fprintf(stderr, "left out: product %d variant %d: %v\n", s.ProductID, s.VariantID, s.Err)
	}
	if *format == "xml" {
		return f.WriteXML(stdout)
	}
	return f.WriteTSV(stdout)
}
