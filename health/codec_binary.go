package health

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// ErrCorruptRecord is matched by every DecodeFulfillment error: the stored
// bytes are truncated, garbage or of an unknown encoding version.
var ErrCorruptRecord = errors.New("corrupt fulfilment record")

// binaryV1 is the first byte of a version-1 binary record. It can never
// start a JSON text (which starts with '[', 'n' or white space), so records
// written as JSON by earlier versions still decode.
const binaryV1 = 0x01

// The flags byte that starts every line of a binary record.
const (
	flagShipsOn = 1 << iota
	flagDeliveredOn
	flagBackorder
	flagReconstructed
	flagsKnown = flagShipsOn | flagDeliveredOn | flagBackorder | flagReconstructed
)

// minBinaryLine is the fewest bytes a line of a binary record takes (each
// varint at least one byte, every string empty): the count of lines is
// checked against it before anything is allocated.
const minBinaryLine = 1 + 5 + 5 + 3 + 2 + 5

// The layout of a version-1 record, all integers as encoding/binary
// (u)varints:
//
//	0x01 uvarint(lines) then, per line:
//	flags
//	varint FulfillmentID OrderID LineItemID ProductID VariantID
//	uvarint len(Source) len(Rule) len(Zone) len(Method) len(Country)
//	the five strings' bytes, back to back (at most one allocation on
//	  decoding)
//	varint ShippedOn
//	varint OrderedAt's Unix seconds − ShippedOn·86400, uvarint its
//	  nanoseconds, varint its UTC offset in seconds
//	varint Processing.Min Processing.Max
//	varint Ships.Earliest Ships.Latest Delivery.Earliest Delivery.Latest,
//	  [ShipsOn], [DeliveredOn], each − ShippedOn
//
// Dates are stored relative to the ship date, which keeps them one byte
// each; the layout is a pure function of the fields, so it is
// deterministic.
func encodeBinary(lines []Record) []byte {
	b := make([]byte, 0, 8+len(lines)*64)
	b = append(b, binaryV1)
	b = binary.AppendUvarint(b, uint64(len(lines)))
	for i := range lines {
		b = appendLine(b, &lines[i])
	}
	return b
}

func appendLine(b []byte, r *Record) []byte {
	var flags byte
	if r.ShipsOn != nil {
		flags |= flagShipsOn
	}
	if r.DeliveredOn != nil {
		flags |= flagDeliveredOn
	}
	if r.Backorder {
		flags |= flagBackorder
	}
	if r.Reconstructed {
		flags |= flagReconstructed
	}
	b = append(b, flags)
	for _, id := range [...]int64{r.FulfillmentID, r.OrderID, r.LineItemID, r.ProductID, r.VariantID} {
		b = binary.AppendVarint(b, id)
	}
	strs := [...]string{string(r.Source), r.Rule, r.Zone, r.Method, r.Country}
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	for _, s := range strs {
		b = append(b, s...)
	}
	base := int64(r.ShippedOn)
	b = binary.AppendVarint(b, base)
	_, offset := r.OrderedAt.Zone()
	// Wrapping arithmetic: decoding adds the same base back.
	b = binary.AppendVarint(b, r.OrderedAt.Unix()-base*secondsPerDay)
	b = binary.AppendUvarint(b, uint64(r.OrderedAt.Nanosecond()))
	b = binary.AppendVarint(b, int64(offset))
	b = binary.AppendVarint(b, int64(r.Processing.Min))
	b = binary.AppendVarint(b, int64(r.Processing.Max))
	for _, d := range [...]delivery.Date{r.Ships.Earliest, r.Ships.Latest, r.Delivery.Earliest, r.Delivery.Latest} {
		b = binary.AppendVarint(b, int64(d)-base)
	}
	if r.ShipsOn != nil {
		b = binary.AppendVarint(b, int64(*r.ShipsOn)-base)
	}
	if r.DeliveredOn != nil {
		b = binary.AppendVarint(b, int64(*r.DeliveredOn)-base)
	}
	return b
}

const secondsPerDay = 24 * 60 * 60

// lineDecoder reads binary records. It is reused across the records of one
// DecodeFulfillments worker, so that the optional dates of many lines share
// a few allocations.
type lineDecoder struct {
	b     []byte
	err   error
	dates []delivery.Date // backing store of ShipsOn and DeliveredOn
	// seen interns the strings of a line: a shop's lines share a few
	// sources, rules, zones, methods and countries.
	seen map[string]string
}

// maxInterned bounds a decoder's interned strings, whatever the input.
const maxInterned = 256

// strings is blob as a string, the one already made for the same bytes
// when there is one.
func (d *lineDecoder) strings(blob []byte) string {
	if len(blob) == 0 {
		return ""
	}
	if s, ok := d.seen[string(blob)]; ok {
		return s
	}
	s := string(blob)
	if d.seen == nil {
		d.seen = make(map[string]string)
	}
	if len(d.seen) < maxInterned {
		d.seen[s] = s
	}
	return s
}

// appendBinary decodes the binary record b (its version byte included) and
// appends its lines to dst. On error it returns dst as it was.
func (d *lineDecoder) appendBinary(dst []Record, b []byte) ([]Record, error) {
	d.b, d.err = b[1:], nil
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)/minBinaryLine) {
		d.fail("%d lines in %d bytes", n, len(d.b))
	}
	if d.err != nil {
		return dst, d.err
	}
	kept := len(dst)
	dst = grow(dst, int(n))
	for i := range int(n) {
		dst = append(dst, Record{})
		d.line(&dst[len(dst)-1], int(n)-i)
		if d.err != nil {
			return dst[:kept], d.err
		}
	}
	if len(d.b) != 0 {
		d.fail("%d bytes after the last line", len(d.b))
		return dst[:kept], d.err
	}
	return dst, nil
}

// grow makes room for n more records in dst.
func grow(dst []Record, n int) []Record {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	out := make([]Record, len(dst), len(dst)+max(n, len(dst)))
	copy(out, dst)
	return out
}

// line decodes one line into r; left is the lines still to decode, this one
// included, to size the dates' backing store.
func (d *lineDecoder) line(r *Record, left int) {
	flags := d.byte()
	if flags&^flagsKnown != 0 {
		d.fail("unknown flags %#x", flags)
		return
	}
	r.FulfillmentID = d.varint()
	r.OrderID = d.varint()
	r.LineItemID = d.varint()
	r.ProductID = d.varint()
	r.VariantID = d.varint()
	var lens [5]int
	total := 0
	for i := range lens {
		l := d.uvarint()
		if l > uint64(len(d.b)) {
			d.fail("string of %d bytes in %d", l, len(d.b))
		}
		if d.err != nil {
			return
		}
		lens[i] = int(l)
		total += lens[i]
	}
	if total > len(d.b) {
		d.fail("strings of %d bytes in %d", total, len(d.b))
		return
	}
	s := d.strings(d.b[:total])
	d.b = d.b[total:]
	next := func(i int) string {
		part := s[:lens[i]]
		s = s[lens[i]:]
		return part
	}
	r.Source = delivery.Source(next(0))
	r.Rule, r.Zone, r.Method, r.Country = next(1), next(2), next(3), next(4)

	base := d.varint()
	r.ShippedOn = d.date(base, 0)
	sec := d.varint() + base*secondsPerDay
	nsec := d.uvarint()
	offset := d.varint()
	if nsec >= 1e9 || offset < math.MinInt32 || offset > math.MaxInt32 {
		d.fail("ordered_at has %d ns, UTC offset %d s", nsec, offset)
		return
	}
	r.OrderedAt = timeAt(sec, int64(nsec), int(offset))
	r.Processing.Min = d.int()
	r.Processing.Max = d.int()
	r.Ships.Earliest = d.date(base, d.varint())
	r.Ships.Latest = d.date(base, d.varint())
	r.Delivery.Earliest = d.date(base, d.varint())
	r.Delivery.Latest = d.date(base, d.varint())
	if flags&flagShipsOn != 0 {
		r.ShipsOn = d.datePtr(d.date(base, d.varint()), left)
	}
	if flags&flagDeliveredOn != 0 {
		r.DeliveredOn = d.datePtr(d.date(base, d.varint()), left)
	}
	r.Backorder = flags&flagBackorder != 0
	r.Reconstructed = flags&flagReconstructed != 0
}

func (d *lineDecoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrCorruptRecord}, args...)...)
	}
}

func (d *lineDecoder) byte() byte {
	if len(d.b) == 0 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *lineDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *lineDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// int reads a varint that must fit an int (always, on 64-bit machines).
func (d *lineDecoder) int() int {
	v := d.varint()
	if int64(int(v)) != v {
		d.fail("%d does not fit an int", v)
	}
	return int(v)
}

// date is base+delta, which must fit a Date.
func (d *lineDecoder) date(base, delta int64) delivery.Date {
	v := base + delta
	if base < math.MinInt32 || base > math.MaxInt32 || v < math.MinInt32 || v > math.MaxInt32 {
		d.fail("date %d%+d out of range", base, delta)
		return 0
	}
	return delivery.Date(v)
}

// datePtr points at a copy of v in the decoder's backing store, which is
// made for the lines still left so that a fulfilment's dates take one
// allocation.
func (d *lineDecoder) datePtr(v delivery.Date, left int) *delivery.Date {
	if len(d.dates) == cap(d.dates) {
		d.dates = make([]delivery.Date, 0, max(64, 2*left))
	}
	d.dates = append(d.dates, v)
	return &d.dates[len(d.dates)-1]
}

// timeAt is the instant sec.nsec after the Unix epoch in a zone offset
// seconds east of UTC, located as JSON decoding locates it: UTC for offset
// 0, else a fixed zone, so that the time marshals to the same JSON text.
func timeAt(sec, nsec int64, offset int) time.Time {
	t := time.Unix(sec, nsec)
	if offset == 0 {
		return t.UTC()
	}
	return t.In(fixedZone(offset))
}

// zoneCache holds the fixed zones of whole-minute offsets within a day, so
// that decoding does not make a Location per line: there are at most
// 2·1439+1 of them, whatever the input.
var zoneCache [2*1439 + 1]atomic.Pointer[time.Location]

func fixedZone(offset int) *time.Location {
	if offset%60 != 0 || offset <= -secondsPerDay || offset >= secondsPerDay {
		return time.FixedZone("", offset)
	}
	slot := &zoneCache[offset/60+1439]
	if loc := slot.Load(); loc != nil {
		return loc
	}
	loc := time.FixedZone("", offset)
	slot.Store(loc)
	return loc
}
