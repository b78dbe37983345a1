package health

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// jsonTime is a time as JSON decoding makes it (a fixed zone with no name),
// the kind every record stored by earlier versions holds.
func jsonTime(t testing.TB, s string) time.Time {
	t.Helper()
	var v time.Time
	if err := json.Unmarshal([]byte(`"`+s+`"`), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func datePtr(d delivery.Date) *delivery.Date { return &d }

// codecCases are varied fulfilments: nil and set pointers, empty strings,
// negative, zero and extreme values, and times in several zones.
func codecCases(t testing.TB) []struct {
	name  string
	lines []Record
} {
	d := delivery.DateOf
	full := Record{
		FulfillmentID: 5_123_456_789_012, OrderID: 6_000_000_000_001, LineItemID: 14_000_000_000_003,
		ProductID: 8_000_000_000_004, VariantID: 45_000_000_000_005,
		Source: delivery.SourceRule, Rule: "made-to-order", Zone: "Europe", Method: "standard", Country: "DE",
		OrderedAt:  time.Date(2026, 3, 28, 23, 30, 0, 0, time.FixedZone("CET", 3600)),
		Processing: delivery.Days{Min: 4, Max: 7},
		ShipsOn:    datePtr(d(2026, 4, 2)), Backorder: true,
		Ships:     Window{d(2026, 4, 6), d(2026, 4, 9)},
		Delivery:  Window{d(2026, 4, 9), d(2026, 4, 16)},
		ShippedOn: d(2026, 4, 8), DeliveredOn: datePtr(d(2026, 4, 13)), Reconstructed: true,
	}
	with := func(f func(r *Record)) Record {
		r := full
		f(&r)
		return r
	}
	return []struct {
		name  string
		lines []Record
	}{
		{"no lines", nil},
		{"zero record", []Record{{}}},
		{"every field, +01:00", []Record{full}},
		{"nil pointers, empty strings, UTC", []Record{with(func(r *Record) {
			r.ShipsOn, r.DeliveredOn, r.Backorder, r.Reconstructed = nil, nil, false, false
			r.Source, r.Rule, r.Zone, r.Method, r.Country = "", "", "", "", ""
			r.OrderedAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		})}},
		{"only ships_on", []Record{with(func(r *Record) { r.DeliveredOn = nil })}},
		{"only delivered_on, +02:00 with nanoseconds", []Record{with(func(r *Record) {
			r.ShipsOn = nil
			r.OrderedAt = time.Date(2026, 7, 1, 9, 0, 0, 123_456_789, time.FixedZone("CEST", 7200))
		})}},
		{"decoded from JSON", []Record{with(func(r *Record) {
			r.OrderedAt = jsonTime(t, "2026-10-25T02:30:00.5+02:00")
		}), with(func(r *Record) {
			r.OrderedAt = jsonTime(t, "2026-10-25T02:30:00Z")
		})}},
		{"negative offset, not whole hours", []Record{with(func(r *Record) {
			r.OrderedAt = time.Date(2026, 11, 1, 12, 0, 0, 0, time.FixedZone("NST", -(3*3600+30*60)))
		})}},
		{"negative and zero values", []Record{with(func(r *Record) {
			r.FulfillmentID, r.OrderID, r.LineItemID, r.ProductID, r.VariantID = -1, 0, math.MinInt64, math.MaxInt64, -42
			r.Processing = delivery.Days{Min: -3, Max: 0}
			r.ShippedOn = d(1969, 12, 31)
			r.OrderedAt = time.Date(1960, 1, 1, 0, 0, 0, 1, time.UTC)
		})}},
		{"extreme dates", []Record{with(func(r *Record) {
			r.ShippedOn = delivery.NoDate
			r.Ships = Window{math.MaxInt32, delivery.NoDate}
			r.ShipsOn, r.DeliveredOn = datePtr(math.MaxInt32), datePtr(0)
		})}},
		{"the same string bytes, split differently", []Record{
			with(func(r *Record) { r.Rule, r.Zone, r.Method, r.Country = "ab", "", "c", "" }),
			with(func(r *Record) { r.Rule, r.Zone, r.Method, r.Country = "a", "b", "", "c" }),
		}},
		{"several lines", []Record{full, with(func(r *Record) { r.LineItemID++; r.ShipsOn = nil }), with(func(r *Record) {
			r.LineItemID += 2
			r.Rule = "ünïcödé ✓"
		})}},
	}
}

// sameLines reports whether got holds the lines of want: the same fields,
// the same instants and UTC offsets (a time's Location comes back as a
// fixed zone, as from JSON).
func sameLines(got, want []Record) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		_, gOff := g.OrderedAt.Zone()
		_, wOff := w.OrderedAt.Zone()
		if !g.OrderedAt.Equal(w.OrderedAt) || gOff != wOff {
			return false
		}
		g.OrderedAt, w.OrderedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			return false
		}
	}
	return true
}

func TestFulfillmentBinaryRoundTrip(t *testing.T) {
	for _, c := range codecCases(t) {
		t.Run(c.name, func(t *testing.T) {
			b, err := EncodeFulfillment(c.lines)
			if err != nil {
				t.Fatal(err)
			}
			if b[0] != binaryV1 {
				t.Errorf("EncodeFulfillment(…)[0] = %#x, want %#x", b[0], binaryV1)
			}
			got, err := DecodeFulfillment(b)
			if err != nil {
				t.Fatalf("DecodeFulfillment(% x) = %v", b, err)
			}
			if !sameLines(got, c.lines) {
				t.Errorf("DecodeFulfillment(EncodeFulfillment(x)) =\n %+v\nwant\n %+v", got, c.lines)
			}
			// The records marshal to the JSON text they always did (where
			// JSON can hold them at all).
			wantJSON, err := json.Marshal(c.lines)
			if err != nil {
				return
			}
			if gotJSON, _ := json.Marshal(got); len(c.lines) > 0 && !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("json.Marshal(decoded) =\n %s\nwant\n %s", gotJSON, wantJSON)
			}
		})
	}
}

func TestEncodeFulfillmentIsDeterministic(t *testing.T) {
	for _, c := range codecCases(t) {
		t.Run(c.name, func(t *testing.T) {
			a, _ := EncodeFulfillment(c.lines)
			b, _ := EncodeFulfillment(c.lines)
			if !bytes.Equal(a, b) {
				t.Errorf("EncodeFulfillment twice = % x and % x, want equal", a, b)
			}
			// Decoding and re-encoding changes nothing either: the store
			// sees a re-recorded fulfilment as unchanged.
			lines, err := DecodeFulfillment(a)
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := EncodeFulfillment(lines); !bytes.Equal(again, a) {
				t.Errorf("EncodeFulfillment(DecodeFulfillment(b)) = % x, want % x", again, a)
			}
		})
	}
}

// TestDecodeFulfillmentOldJSON: records that earlier versions stored as a
// JSON array still decode.
func TestDecodeFulfillmentOldJSON(t *testing.T) {
	d := delivery.DateOf
	for _, c := range []struct {
		name, in string
		want     []Record
	}{
		{"every field", `[{"fulfillment_id":5123456789012,"order_id":6000000000001,"line_item_id":14000000000003,` +
			`"product_id":8000000000004,"variant_id":45000000000005,"source":"rule","rule":"made-to-order",` +
			`"zone":"Europe","method":"standard","country":"DE","ordered_at":"2026-03-28T23:30:00+01:00",` +
			`"processing":{"min":4,"max":7},"ships_on":"2026-04-02","backorder":true,` +
			`"ships":{"earliest":"2026-04-06","latest":"2026-04-09"},` +
			`"delivery":{"earliest":"2026-04-09","latest":"2026-04-16"},"shipped_on":"2026-04-08",` +
			`"delivered_on":"2026-04-13","reconstructed":true}]`,
			[]Record{{
				FulfillmentID: 5123456789012, OrderID: 6000000000001, LineItemID: 14000000000003,
				ProductID: 8000000000004, VariantID: 45000000000005,
				Source: delivery.SourceRule, Rule: "made-to-order", Zone: "Europe", Method: "standard", Country: "DE",
				OrderedAt:  time.Date(2026, 3, 28, 23, 30, 0, 0, time.FixedZone("", 3600)),
				Processing: delivery.Days{Min: 4, Max: 7}, ShipsOn: datePtr(d(2026, 4, 2)), Backorder: true,
				Ships: Window{d(2026, 4, 6), d(2026, 4, 9)}, Delivery: Window{d(2026, 4, 9), d(2026, 4, 16)},
				ShippedOn: d(2026, 4, 8), DeliveredOn: datePtr(d(2026, 4, 13)), Reconstructed: true,
			}}},
		{"two sparse lines, leading space", ` [{"fulfillment_id":1,"ordered_at":"2026-01-02T03:04:05Z","shipped_on":"2026-01-03"},` +
			`{"fulfillment_id":1,"line_item_id":2,"ordered_at":"2026-01-02T03:04:05Z","shipped_on":"2026-01-03"}]`,
			[]Record{
				{FulfillmentID: 1, OrderedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), ShippedOn: d(2026, 1, 3)},
				{FulfillmentID: 1, LineItemID: 2, OrderedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), ShippedOn: d(2026, 1, 3)},
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeFulfillment([]byte(c.in))
			if err != nil {
				t.Fatalf("DecodeFulfillment(%s) = %v", c.in, err)
			}
			if !sameLines(got, c.want) {
				t.Errorf("DecodeFulfillment(%s) =\n %+v\nwant\n %+v", c.in, got, c.want)
			}
			// Re-encoded in binary, the old records keep their JSON text.
			b, _ := EncodeFulfillment(got)
			again, err := DecodeFulfillment(b)
			if err != nil {
				t.Fatal(err)
			}
			gotJSON, _ := json.Marshal(again)
			wantJSON, _ := json.Marshal(got)
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("JSON of the binary re-encoding =\n %s\nwant\n %s", gotJSON, wantJSON)
			}
		})
	}
}

// TestDecodeFulfillmentTruncated: every proper prefix of a binary record
// is an error, not a panic and not fewer lines.
func TestDecodeFulfillmentTruncated(t *testing.T) {
	for _, c := range codecCases(t) {
		b, _ := EncodeFulfillment(c.lines)
		for n := range len(b) {
			if got, err := DecodeFulfillment(b[:n]); !errors.Is(err, ErrCorruptRecord) {
				t.Errorf("%s: DecodeFulfillment(% x) = %v, %v; want an ErrCorruptRecord", c.name, b[:n], got, err)
			}
		}
	}
}

// TestDecodeFulfillmentGarbage: malformed records are errors that match
// ErrCorruptRecord.
func TestDecodeFulfillmentGarbage(t *testing.T) {
	good, _ := EncodeFulfillment(codecCases(t)[2].lines)
	// head is a one-line record up to its strings' lengths: no flags and
	// five ids; pad makes a record long enough for one line, so that the
	// error is the one the case is about.
	head := []byte{binaryV1, 1, 0, 2, 2, 2, 2, 2}
	pad := func(b []byte) []byte { return append(b, make([]byte, minBinaryLine)...) }
	uv := binary.AppendUvarint
	for _, c := range []struct {
		name string
		in   []byte
		want string // in the message
	}{
		{"nil", nil, "unexpected end of JSON"},
		{"empty", []byte{}, "unexpected end of JSON"},
		{"unknown version", append([]byte{0x02}, good[1:]...), "unknown encoding version 0x2"},
		{"version 0", []byte{0x00}, "unknown encoding version"},
		{"not JSON", []byte("{"), "unexpected end of JSON"},
		{"JSON object", []byte(`{"fulfillment_id":1}`), "cannot unmarshal object"},
		{"trailing byte", append(bytes.Clone(good), 0), "1 bytes after the last line"},
		{"too many lines for the bytes", uv([]byte{binaryV1}, 1<<40), "lines in 0 bytes"},
		{"overlong count", append([]byte{binaryV1}, bytes.Repeat([]byte{0xff}, 11)...), "overlong varint"},
		{"unknown flag", pad([]byte{binaryV1, 1, 0x80}), "unknown flags 0x80"},
		{"huge string", pad(uv(bytes.Clone(head), math.MaxUint64)), "string of 18446744073709551615 bytes"},
		{"strings longer than the rest", pad(append(bytes.Clone(head), 10, 10, 10, 10, 10)), "strings of 50 bytes"},
		{"nanoseconds out of range", pad(uv(append(bytes.Clone(head), 0, 0, 0, 0, 0, 0, 0), 1e9)), "1000000000 ns"},
		{"UTC offset out of range", pad(binary.AppendVarint(append(bytes.Clone(head), 0, 0, 0, 0, 0, 0, 0, 0), math.MaxInt32+1)), "UTC offset 2147483648"},
		{"ship date out of range", pad(binary.AppendVarint(append(bytes.Clone(head), 0, 0, 0, 0, 0), math.MaxInt32+1)), "date 2147483648+0 out of range"},
		{"window out of range", pad(binary.AppendVarint(append(binary.AppendVarint(append(bytes.Clone(head), 0, 0, 0, 0, 0), math.MinInt32), 0, 0, 0, 0, 0), -1)), "date -2147483648-1 out of range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeFulfillment(c.in)
			if !errors.Is(err, ErrCorruptRecord) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("DecodeFulfillment(% x) = %v, %v; want an ErrCorruptRecord saying %q", c.in, got, err, c.want)
			}
		})
	}
}

// FuzzDecodeFulfillment: no input makes DecodeFulfillment panic, and
// whatever decodes re-encodes to bytes that decode to the same lines.
func FuzzDecodeFulfillment(f *testing.F) {
	for _, c := range codecCases(f) {
		b, _ := EncodeFulfillment(c.lines)
		f.Add(b)
		if j, err := json.Marshal(c.lines); err == nil {
			f.Add(j)
		}
	}
	f.Add([]byte(`[{"fulfillment_id":1,"ordered_at":"2026-01-02T03:04:05.999+05:45","ships_on":"2026-01-03"}]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		lines, err := DecodeFulfillment(in)
		if err != nil {
			if !errors.Is(err, ErrCorruptRecord) {
				t.Errorf("DecodeFulfillment(% x) = %v, want an ErrCorruptRecord", in, err)
			}
			return
		}
		b, err := EncodeFulfillment(lines)
		if err != nil {
			t.Fatalf("EncodeFulfillment(DecodeFulfillment(% x)) = %v", in, err)
		}
		again, err := DecodeFulfillment(b)
		if err != nil {
			t.Fatalf("DecodeFulfillment(% x), re-encoded from % x = %v", b, in, err)
		}
		if !sameLines(again, lines) {
			t.Errorf("re-decoded =\n %+v\nwant\n %+v", again, lines)
		}
	})
}
