package health_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/store"
)

// storedShop is the demo-like shop the store benchmark reports on.
const storedShop = `
shop: bench.myshopify.com
timezone: Europe/Stockholm
country: SE
holidays: [SE]
processing: {min: 1, max: 3}
rules:
  - {name: made-to-order, match: {tags: [made-to-order]}, processing: {min: 4, max: 7}}
shipping:
  zones:
    - {name: Sweden, countries: [SE], methods: [{code: standard, min: 1, max: 3}]}
    - {name: Europe, countries: [NO, DK, FI, DE, FR, NL, GB], methods: [{code: standard, min: 3, max: 7}]}
    - {name: World, countries: ["*"], methods: [{code: standard, min: 5, max: 12}]}
catalog:
  - {id: 1, handle: sweater, title: Sweater, tags: [made-to-order], variants: [{id: 11}, {id: 12}]}
  - {id: 2, handle: mug, title: Mug, variants: [{id: 21}]}
  - {id: 3, handle: apron, title: Apron, tags: [made-to-order], variants: [{id: 31}]}
`

// BenchmarkReportFromStore10k is the whole path of GET /admin/api/health
// for a shop with 10 000 recorded fulfilments (one line each, generated as
// the demo's are): read them from a bbolt store, decode them, and build the
// 90-day report. The target is well under 50 ms on two cores; with the
// JSON records of earlier versions decoding was most of it. It reports the
// store's growth per fulfilment: the bbolt file's size after the 10 000
// over the size of an empty store, and the mean encoded record.
func BenchmarkReportFromStore10k(b *testing.B) {
	ctx := context.Background()
	shop, now, records := storedRecords(b)
	batch := make(map[int64][]byte, len(records))
	encoded := 0
	for i := range records {
		rec, err := health.EncodeFulfillment(records[i : i+1])
		if err != nil {
			b.Fatal(err)
		}
		batch[records[i].FulfillmentID] = rec
		encoded += len(rec)
	}
	dir := b.TempDir()
	path := filepath.Join(dir, store.BoltFileName)
	st, err := store.OpenBolt(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	empty := fileSize(b, path)
	if _, err := st.PutFulfillments(ctx, shop.Domain(), batch); err != nil {
		b.Fatal(err)
	}
	grown := fileSize(b, path) - empty

	b.ReportAllocs()
	for b.Loop() {
		raw, err := st.Fulfillments(ctx, shop.Domain())
		if err != nil {
			b.Fatal(err)
		}
		lines, bad := health.DecodeFulfillments(raw)
		if bad != 0 {
			b.Fatalf("%d records do not decode", bad)
		}
		rep := health.Report(shop, lines, now, health.Window90)
		if rep.Overall.Lines < 9000 {
			b.Fatalf("%d lines in the 90-day window, want nearly all 10 000", rep.Overall.Lines)
		}
	}
	// After the loop: b.Loop resets the timer, and with it any metric
	// reported before.
	b.ReportMetric(float64(grown)/float64(len(batch)), "file-bytes/fulfilment")
	b.ReportMetric(float64(encoded)/float64(len(batch)), "record-bytes/fulfilment")
}

// storedRecords are the benchmark shop and 10 000 fulfilments of one line
// each, generated as of now.
func storedRecords(tb testing.TB) (*delivery.Shop, time.Time, []health.Record) {
	tb.Helper()
	shop, err := delivery.LoadShop([]byte(storedShop))
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2026, 12, 18, 12, 0, 0, 0, shop.Location())
	var records []health.Record
	for seed := uint64(1); len(records) < 10000; seed++ {
		records = append(records, health.Generate(shop, now, seed, 2000, health.Slowdown{Rule: "made-to-order", Extra: 3})...)
	}
	records = records[:10000]
	for i := range records {
		records[i].FulfillmentID = int64(i + 1) // Generate's ids repeat across seeds
	}
	return shop, now, records
}

// BenchmarkDecodeFulfillments10k is the decoding step of
// BenchmarkReportFromStore10k alone, for records stored in the binary
// encoding and in the JSON of earlier versions, which still decodes.
func BenchmarkDecodeFulfillments10k(b *testing.B) {
	_, _, records := storedRecords(b)
	for _, c := range []struct {
		name   string
		encode func([]health.Record) ([]byte, error)
	}{
		{"binary", health.EncodeFulfillment},
		{"json", func(lines []health.Record) ([]byte, error) { return json.Marshal(lines) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			raw := make([][]byte, len(records))
			for i := range records {
				var err error
				if raw[i], err = c.encode(records[i : i+1]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if lines, bad := health.DecodeFulfillments(raw); bad != 0 || len(lines) != len(raw) {
					b.Fatalf("%d lines, %d bad; want %d, 0", len(lines), bad, len(raw))
				}
			}
		})
	}
}

func fileSize(tb testing.TB, path string) int64 {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}
