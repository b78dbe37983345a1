package health

import (
	"strings"
	"testing"
)

// TestOrdersAtRisk follows calendarShop (New York, Monday to Friday,
// Thanksgiving Thu 26 Nov 2026, closed Mon 7 – Wed 9 Dec) on a calendar.
func TestOrdersAtRisk(t *testing.T) {
	shop := loadShop(t, calendarShop)
	// Each open order: name, created_at, ships.latest.
	orders := []struct{ name, created, latest string }{
		{"#1", "2026-11-20T10:00:00-05:00", "2026-11-25"}, // Wed before Thanksgiving
		{"#2", "2026-11-23T10:00:00-05:00", "2026-11-27"}, // Fri after Thanksgiving
		{"#3", "2026-11-24T10:00:00-05:00", "2026-11-27"}, // the same day, a newer order
		{"#4", "2026-11-24T11:00:00-05:00", "2026-11-30"}, // Mon 30 Nov
		{"#5", "2026-11-25T10:00:00-05:00", "2026-12-01"}, // Tue 1 Dec
		{"#6", "2026-10-01T10:00:00-04:00", "2026-10-09"}, // Fri 9 Oct: over 30 days past in every case
		{"#7", "2026-12-02T10:00:00-05:00", "2026-12-10"}, // Thu 10 Dec, after the closure
	}
	var open []OpenOrder
	for i, o := range orders {
		open = append(open, OpenOrder{OrderID: int64(i + 1), Name: o.name, CreatedAt: instant(t, o.created),
			Ships: Window{Earliest: date(t, o.latest).AddDays(-2), Latest: date(t, o.latest)}})
	}
	cases := []struct {
		name, now, want string // want: name, "!" when overdue
	}{
		// Wed 25 Nov 09:00: the next processing day is Fri 27 Nov
		// (Thanksgiving Thu 26 is a holiday): #1 today, #3 and #2 Fri,
		// #3 first as the newer order.
		{"the day before Thanksgiving", "2026-11-25T09:00:00-05:00", "#1 #3 #2"},
		// Fri 27 Nov: today #3 #2; next processing day Mon 30 Nov (#4);
		// #1 is two days overdue.
		{"a Friday: Monday is next", "2026-11-27T09:00:00-05:00", "#1! #3 #2 #4"},
		// Sat 28 Nov: nothing ships today; Mon 30 Nov is next.
		{"a Saturday", "2026-11-28T09:00:00-05:00", "#1! #3! #2! #4"},
		// Fri 4 Dec 23:30 EST is already Sat 5 Dec in UTC, still Friday
		// in New York: the next processing day is Thu 10 Dec (closed
		// Mon 7 – Wed 9), so #7 is at risk.
		{"a Friday before the closure, late evening", "2026-12-05T04:30:00Z", "#1! #3! #2! #4! #5! #7"},
		// Mon 16 Nov: #1 is 9 days off, nothing at risk; #6 is too old.
		{"nothing soon", "2026-11-16T09:00:00-05:00", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, r := range OrdersAtRisk(shop, open, instant(t, c.now)) {
				s := r.Name
				if r.Overdue {
					s += "!"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("OrdersAtRisk at %s = %q, want %q", c.now, g, c.want)
			}
		})
	}
}

func TestOpenOrderCodec(t *testing.T) {
	o := OpenOrder{OrderID: 5, Name: "#1005", CreatedAt: instant(t, "2026-11-25T10:00:00-05:00"),
		Ships: Window{date(t, "2026-11-27"), date(t, "2026-12-01")}, Delivery: Window{date(t, "2026-11-30"), date(t, "2026-12-08")}}
	b, err := EncodeOpenOrder(&o)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeOpenOrder(b)
	if err != nil || got.OrderID != o.OrderID || got.Name != o.Name || !got.CreatedAt.Equal(o.CreatedAt) || got.Ships != o.Ships || got.Delivery != o.Delivery {
		t.Errorf("round trip = %+v, %v; want %+v", got, err, o)
	}
	if _, err := EncodeOpenOrder(&OpenOrder{Name: "#0"}); err == nil {
		t.Error("EncodeOpenOrder without an order id = nil error, want one")
	}
}
