package health

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

var update = flag.Bool("update", false, "rewrite the files in ../testdata/health")

const testdataDir = "../testdata/health"

// golden compares got with the file, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(testdataDir, name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./health -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code makes now (go test ./health -update rewrites it):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCalendarFiles: the example history is the calendar cases, its shop
// is the cases' shop, and its report reads as the golden text.
func TestCalendarFiles(t *testing.T) {
	shop := loadShop(t, string(readFile(t, filepath.Join(testdataDir, "calendar-shop.yaml"))))
	if got, want := shop.Settings().Shop, loadShop(t, calendarShop).Settings().Shop; got != want {
		t.Fatalf("calendar-shop.yaml is shop %s, want %s", got, want)
	}
	var records []Record
	for i, c := range calendarCases {
		records = append(records, c.record(t, shop, int64(i+1)))
	}
	var jsonl bytes.Buffer
	if err := WriteJSONL(&jsonl, records); err != nil {
		t.Fatal(err)
	}
	golden(t, "calendar-history.jsonl", jsonl.Bytes())

	read, err := ReadJSONL(bytes.NewReader(jsonl.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := WriteText(&text, Report(shop, read, instant(t, "2026-12-18T12:00:00-05:00"), Window90)); err != nil {
		t.Fatal(err)
	}
	golden(t, "calendar-report.txt", text.Bytes())
}

// demoNow is the instant of the generated demo history in testdata.
var demoNow = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// TestDemoHistory: the seeded generator makes the demo shop's history, in
// which made-to-order (promised 4–7) really takes longer: it comes first
// among the rules, late, with a suggestion of a longer max.
func TestDemoHistory(t *testing.T) {
	shop := loadShop(t, string(readFile(t, "../examples/demo-shop.yaml")))
	records := Generate(shop, demoNow, 1, 400, DemoSlowdown)
	again := Generate(shop, demoNow, 1, 400, DemoSlowdown)
	var a, b bytes.Buffer
	WriteJSONL(&a, records)
	WriteJSONL(&b, again)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("Generate with one seed gave two histories")
	}
	golden(t, "demo-history.jsonl", a.Bytes())

	rep := Report(shop, records, demoNow, Window90)
	if got, want := rep.Rules[0].Key, "rule:made-to-order"; got != want {
		t.Errorf("worst rule = %s (%.2f kept), want %s", got, rep.Rules[0].KeptRate, want)
	}
	var found bool
	for _, s := range rep.Suggestions {
		if s.Key == "rule:made-to-order" {
			found = true
			if s.Suggested.Max <= s.Current.Max || s.Path != "rules[1].processing" || !s.Changes {
				t.Errorf("made-to-order suggestion = %+v, want a longer max at rules[1].processing", s)
			}
		}
	}
	if !found {
		t.Errorf("no suggestion for made-to-order in %+v", rep.Suggestions)
	}
	var text bytes.Buffer
	WriteText(&text, rep)
	golden(t, "demo-report.txt", text.Bytes())
	t.Logf("%d records; made-to-order kept %.0f%%", len(records), rep.Rules[0].KeptRate*100)
}

func TestReadJSONLErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"not JSON", "{\n"},
		{"unknown field", `{"fulfillment_id":1,"customer":"x"}`},
		{"invalid record", `{"fulfillment_id":0}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ReadJSONL(bytes.NewReader([]byte(tc.in))); err == nil {
				t.Errorf("ReadJSONL(%q) = nil error", tc.in)
			}
		})
	}
	// A replay counts once.
	line := `{"fulfillment_id":1,"order_id":2,"product_id":1,"variant_id":11,"source":"default","zone":"US","method":"standard","country":"US","ordered_at":"2026-11-24T09:00:00-05:00","processing":{"min":1,"max":3},"ships":{"earliest":"2026-11-25","latest":"2026-11-30"},"delivery":{"earliest":"2026-11-30","latest":"2026-12-07"},"shipped_on":"2026-11-27"}`
	recs, err := ReadJSONL(bytes.NewReader([]byte(line + "\n\n" + line + "\n")))
	if err != nil || len(recs) != 1 {
		t.Errorf("ReadJSONL(a line twice) = %d records, %v; want 1", len(recs), err)
	}
	_ = delivery.SourceDefault
}
