package feed_test

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/feed"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// demoAt is DESIGN §4's instant: Saturday 28 Nov 2026, 09:15 in Stockholm.
var demoAt = time.Date(2026, 11, 28, 9, 15, 0, 0, time.FixedZone("CET", 3600))

func demoShop(t testing.TB, change func(*delivery.Settings)) *delivery.Shop {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := delivery.ParseSettings(data)
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(st)
	}
	shop, err := delivery.Compile(st)
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

func withShipping(st *delivery.Settings) { st.Feed = &delivery.FeedSettings{Shipping: true} }

// TestBuildDemo: the demo catalog's rows, counted by hand. Processing starts
// Mon 30 Nov (a Saturday order). Processing days from there: Dec 1 T, 2 W,
// 3 T, 4 F, 7 M, ...; closed 24 Dec – 1 Jan.
func TestBuildDemo(t *testing.T) {
	f, err := feed.Build(demoShop(t, nil), demoShop(t, nil).Catalog(), "SE", demoAt)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"shopify_SE_1001_2001": "5-8",  // product metafields
		"shopify_SE_1002_2011": "0-1",  // tag rule ready-made
		"shopify_SE_1003_2021": "4-7",  // tag rule made-to-order
		"shopify_SE_1004_2031": "6-10", // collection rule wedding
		"shopify_SE_1005_2041": "1-3",  // shop default
		"shopify_SE_1005_2042": "5-7",  // variant metafields
		"shopify_SE_1007_2061": "8-17", // backorder: 1+7, 3+14
		"shopify_SE_1009_2081": "0-1",  // untracked, ready-made
		// Pre-order, ships_on Mon 1 Mar 2027. Processing days after Mon 30 Nov
		// up to it: Dec 1–4 (4), 7–11 (5), 14–18 (5), 21–23 (3; closed 24 Dec –
		// 1 Jan, 24 Dec Julafton anyway), Jan 4, 5 (2; 6 Jan Trettondedag jul),
		// 7, 8 (2), then 5 whole weeks 11 Jan – 12 Feb (25), 15–19, 22–26 Feb
		// (10) and Mon 1 Mar (1): 57. So 57+1 and 57+2.
		"shopify_SE_1006_2051": "58-59 preorder 2027-03-01T00:00+0100",
	}
	got := map[string]string{}
	for _, r := range f.Rows {
		s := strconv.Itoa(r.MinHandling) + "-" + strconv.Itoa(r.MaxHandling)
		if r.Availability != "" {
			s += " " + r.Availability + " " + r.AvailabilityDate
		}
		got[r.ID] = s
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("row %s = %q, want %q", id, got[id], w)
		}
	}
	// The sold-out carafe (2071) is left out; every other variant is there.
	if _, ok := got["shopify_SE_1008_2071"]; ok {
		t.Errorf("sold-out variant 2071 is in the feed")
	}
	if n, want := len(f.Rows), 13; n != want {
		t.Errorf("%d rows, want %d", n, want)
	}
	if len(f.Skipped) != 0 {
		t.Errorf("skipped %v", f.Skipped)
	}
}

func TestBuildErrors(t *testing.T) {
	shop := demoShop(t, nil)
	if _, err := feed.Build(shop, shop.Catalog(), "XX", demoAt); !errors.Is(err, delivery.ErrUnknownCountry) {
		t.Errorf("Build(XX) = %v, want ErrUnknownCountry", err)
	}
}

// TestIDTooLong: a row whose id Merchant Center would reject is skipped and
// reported, never written.
func TestIDTooLong(t *testing.T) {
	shop := demoShop(t, func(st *delivery.Settings) {
		st.Feed = &delivery.FeedSettings{IDFormat: "{handle}_{handle}_{variant_id}"}
	})
	products := []delivery.Product{{ID: 1, Handle: strings.Repeat("h", 30), Variants: []delivery.Variant{{ID: 11}}}}
	f, err := feed.Build(shop, products, "SE", demoAt)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 0 || len(f.Skipped) != 1 || !errors.Is(f.Skipped[0].Err, feed.ErrIDTooLong) {
		t.Errorf("rows %v, skipped %v; want none and one ErrIDTooLong", f.Rows, f.Skipped)
	}
}

// TestGolden: the demo feed in both formats, with and without shipping.
func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name    string
		country string
		change  func(*delivery.Settings)
	}{
		{"demo-SE", "SE", nil},
		{"demo-SE-shipping", "SE", withShipping},
		{"demo-US-shipping", "US", withShipping},
	} {
		shop := demoShop(t, tt.change)
		f, err := feed.Build(shop, shop.Catalog(), tt.country, demoAt)
		if err != nil {
			t.Fatal(err)
		}
		for ext, write := range map[string]func(io.Writer) error{".tsv": f.WriteTSV, ".xml": f.WriteXML} {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", tt.name+ext), buf.Bytes())
		}
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./feed -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./feed -update rewrites it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestTSVParses reads the TSV back with encoding/csv, as Merchant Center's
// tab-separated format: a header row, the same number of fields in every
// row, no empty or repeated id, whole-number handling times with min ≤ max,
// and the shipping groups split back into their four sub-attributes.
func TestTSVParses(t *testing.T) {
	shop := demoShop(t, withShipping)
	f, err := feed.Build(shop, shop.Catalog(), "SE", demoAt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.WriteTSV(&buf); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	r.Comma = '\t'
	records, err := r.ReadAll() // FieldsPerRecord 0: every row as long as the header
	if err != nil {
		t.Fatalf("not TSV: %v", err)
	}
	wantHeader := "id min_handling_time max_handling_time availability availability_date shipping(country:service:min_transit_time:max_transit_time)"
	if got := strings.Join(records[0], " "); got != wantHeader {
		t.Errorf("header %q, want %q", got, wantHeader)
	}
	if len(records)-1 != len(f.Rows) {
		t.Errorf("%d rows read back, %d built", len(records)-1, len(f.Rows))
	}
	seen := map[string]bool{}
	for i, rec := range records[1:] {
		if rec[0] == "" || seen[rec[0]] {
			t.Errorf("row %d: empty or repeated id %q", i+1, rec[0])
		}
		seen[rec[0]] = true
		lo, err1 := strconv.Atoi(rec[1])
		hi, err2 := strconv.Atoi(rec[2])
		if err1 != nil || err2 != nil || lo < 0 || lo > hi {
			t.Errorf("row %d: handling %q–%q, want whole numbers, min ≤ max", i+1, rec[1], rec[2])
		}
		if (rec[3] == "") != (rec[4] == "") || (rec[3] != "" && rec[3] != "preorder") {
			t.Errorf("row %d: availability %q, date %q", i+1, rec[3], rec[4])
		}
		if rec[4] != "" {
			if _, err := time.Parse("2006-01-02T15:04-0700", rec[4]); err != nil {
				t.Errorf("row %d: availability_date %q: %v", i+1, rec[4], err)
			}
		}
		groups := strings.Split(rec[5], ",")
		if got, want := rec[5], "SE:PostNord:1:3,SE:PostNord Express:1:1"; got != want {
			t.Errorf("row %d: shipping %q, want %q", i+1, got, want)
		}
		for _, g := range groups {
			if n := len(strings.Split(g, ":")); n != 4 {
				t.Errorf("row %d: shipping group %q has %d sub-attributes, want 4", i+1, g, n)
			}
		}
	}
}

// TestXMLParses reads the XML back: RSS 2.0 whose items, in Google's
// namespace, say what the TSV says.
func TestXMLParses(t *testing.T) {
	shop := demoShop(t, nil)
	f, err := feed.Build(shop, shop.Catalog(), "SE", demoAt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.WriteXML(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Items   []struct {
			ID           string `xml:"http://base.google.com/ns/1.0 id"`
			Min          int    `xml:"http://base.google.com/ns/1.0 min_handling_time"`
			Max          int    `xml:"http://base.google.com/ns/1.0 max_handling_time"`
			Availability string `xml:"http://base.google.com/ns/1.0 availability"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if doc.Version != "2.0" || len(doc.Items) != len(f.Rows) {
		t.Fatalf("rss version %q with %d items, want 2.0 with %d", doc.Version, len(doc.Items), len(f.Rows))
	}
	for i, it := range doc.Items {
		r := f.Rows[i]
		if it.ID != r.ID || it.Min != r.MinHandling || it.Max != r.MaxHandling || it.Availability != r.Availability {
			t.Errorf("item %d = %+v, want %+v", i, it, r)
		}
	}
}
