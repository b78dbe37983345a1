package health

import (
	"bytes"
	"reflect"
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
