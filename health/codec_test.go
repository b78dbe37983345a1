package health

import (
	"bytes"
	"reflect"
	"strconv"
	"testing"
)

func TestFulfillmentCodec(t *testing.T) {
	shop := loadShop(t, calendarShop)
	lines := []Record{calendarCases[3].record(t, shop, 9), calendarCases[4].record(t, shop, 9)}
	b, err := EncodeFulfillment(lines)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := EncodeFulfillment(lines)
	if !bytes.Equal(b, again) {
		t.Errorf("two encodings differ:\n%s\n%s", b, again)
	}
	got, err := DecodeFulfillment(b)
	if err != nil {
		t.Fatal(err)
	}
	// Times come back as the same instants; compare them so.
	for i := range got {
		if !got[i].OrderedAt.Equal(lines[i].OrderedAt) {
			t.Errorf("line %d ordered_at = %s, want %s", i, got[i].OrderedAt, lines[i].OrderedAt)
		}
		got[i].OrderedAt = lines[i].OrderedAt
	}
	if !reflect.DeepEqual(got, lines) {
		t.Errorf("DecodeFulfillment(EncodeFulfillment(x)) =\n %+v\nwant\n %+v", got, lines)
	}
	t.Logf("%d bytes for %d lines", len(b), len(lines))
	if _, err := DecodeFulfillment([]byte("{")); err == nil {
		t.Error("DecodeFulfillment({) = nil error")
	}
}

// TestDecodeFulfillments: many records decode in their stored order on any
// number of workers, and one that does not decode is counted, not kept.
func TestDecodeFulfillments(t *testing.T) {
	for _, c := range []struct {
		name    string
		n       int // records stored, fulfilment ids 1…n
		corrupt int // this one (1-based) does not decode; 0 for none
	}{
		{"none", 0, 0},
		{"one", 1, 0},
		{"one worker's worth, one bad", 400, 17},
		{"several workers' worth, the last bad", 2001, 2001},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := make([][]byte, c.n)
			for i := range raw {
				// Stores hold both encodings: JSON from earlier versions.
				raw[i] = []byte(`[{"fulfillment_id":` + strconv.Itoa(i+1) + `}]`)
				if i%2 == 1 {
					raw[i], _ = EncodeFulfillment([]Record{{FulfillmentID: int64(i + 1)}})
				}
				if i+1 == c.corrupt {
					raw[i] = []byte("{")
				}
			}
			lines, bad := DecodeFulfillments(raw)
			wantBad := 0
			if c.corrupt != 0 {
				wantBad = 1
			}
			if bad != wantBad || len(lines) != c.n-wantBad {
				t.Fatalf("got %d lines, %d bad; want %d lines, %d bad", len(lines), bad, c.n-wantBad, wantBad)
			}
			want := int64(1)
			for _, l := range lines {
				if want == int64(c.corrupt) {
					want++
				}
				if l.FulfillmentID != want {
					t.Fatalf("line has fulfilment %d, want %d (stored order)", l.FulfillmentID, want)
				}
				want++
			}
		})
	}
}
