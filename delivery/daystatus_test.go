package delivery_test

import (
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// dayStatusShop is seSettings (Stockholm, Mon–Fri, holidays [SE] by
// default) with closures 24 Dec 2026–1 Jan 2027 "Julstängt" and an
// unlabelled one on Tue 2 Mar 2027, and holidays and processing days
// changed by edit.
func dayStatusShop(t *testing.T, edit func(*delivery.Settings)) *delivery.Shop {
	t.Helper()
	st := seSettings()
	st.Closures = []delivery.Closure{
		{From: mustDate("2026-12-24"), To: mustDate("2027-01-01"), Label: "Julstängt"},
		{From: mustDate("2027-03-02"), To: mustDate("2027-03-02")},
	}
	if edit != nil {
		edit(st)
	}
	shop, err := delivery.Compile(st)
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

// TestDayStatus: what each day is, checked on a calendar. Every row names
// its weekday, which the test checks too.
func TestDayStatus(t *testing.T) {
	t.Parallel()
	se := dayStatusShop(t, nil)
	seNO := dayStatusShop(t, func(st *delivery.Settings) {
		st.Holidays = []string{"SE", "NO"} // listed SE first: names still come in code order
		st.ProcessingDays = []string{"mon", "tue", "wed", "thu", "fri", "sat"}
	})
	none := dayStatusShop(t, func(st *delivery.Settings) { st.Holidays = []string{} })
	for _, tc := range []struct {
		name    string
		shop    *delivery.Shop
		date    string
		weekday time.Weekday
		kind    delivery.DayKind
		reason  string
	}{
		{"a normal Wednesday", se, "2026-12-23", time.Wednesday, delivery.DayProcessing, ""},
		{"a normal Monday", se, "2027-01-11", time.Monday, delivery.DayProcessing, ""},
		{"a Saturday", se, "2027-01-09", time.Saturday, delivery.DayWeekend, ""},
		{"Saturday, processed on", seNO, "2027-01-09", time.Saturday, delivery.DayProcessing, ""},
		{"a Sunday", seNO, "2027-01-10", time.Sunday, delivery.DayWeekend, ""},
		{"Trettondedag jul", se, "2027-01-06", time.Wednesday, delivery.DayHoliday, "Trettondedag jul"},
		{"Midsommarafton", se, "2026-06-19", time.Friday, delivery.DayHoliday, "Midsommarafton"},
		{"a holiday on a Saturday is a holiday", se, "2026-06-20", time.Saturday, delivery.DayHoliday, "Midsommardagen"},
		{"Norway's Constitution Day", seNO, "2027-05-17", time.Monday, delivery.DayHoliday, "Grunnlovsdag / Andre pinsedag"}, // and Whit Monday: Easter 28 Mar + 50
		{"a holiday of SE only", seNO, "2027-01-06", time.Wednesday, delivery.DayHoliday, "Trettondedag jul"},
		{"first day of the closure (also Julafton)", se, "2026-12-24", time.Thursday, delivery.DayClosure, "Julstängt"},
		{"a Saturday in the closure", se, "2026-12-26", time.Saturday, delivery.DayClosure, "Julstängt"},
		{"last day of the closure (Nyårsdagen)", se, "2027-01-01", time.Friday, delivery.DayClosure, "Julstängt"},
		{"the day after the closure", se, "2027-01-02", time.Saturday, delivery.DayWeekend, ""},
		{"an unlabelled closure", se, "2027-03-02", time.Tuesday, delivery.DayClosure, ""},
		{"Christmas Day without holidays", none, "2027-12-24", time.Friday, delivery.DayProcessing, ""},
		{"before the supported years (Nyårsafton too)", se, "1969-12-31", time.Wednesday, delivery.DayOutOfRange, ""},
		{"after the supported years", se, "2200-01-07", time.Tuesday, delivery.DayOutOfRange, ""},
	} {
		d := mustDate(tc.date)
		if d.Weekday() != tc.weekday {
			t.Fatalf("%s: %s is a %s, not a %s: fix the table", tc.name, tc.date, d.Weekday(), tc.weekday)
		}
		got := tc.shop.DayStatus(d)
		if got.Kind != tc.kind || got.Name != tc.reason || got.Open() != (tc.kind == delivery.DayProcessing) {
			t.Errorf("%s: DayStatus(%s) = %v %q, want %v %q", tc.name, tc.date, got.Kind, got.Name, tc.kind, tc.reason)
		}
	}
}

// TestDayStatusNamesEveryCalendar: a day off in two calendars names both,
// in the order of their codes, whatever order the settings list them in.
func TestDayStatusNamesEveryCalendar(t *testing.T) {
	t.Parallel()
	for _, holidays := range [][]string{{"SE", "NO"}, {"NO", "SE"}} {
		shop := dayStatusShop(t, func(st *delivery.Settings) { st.Holidays = holidays })
		got := shop.DayStatus(mustDate("2027-12-26")) // Sunday: Annandag jul, Andre juledag
		if want := "Andre juledag / Annandag jul"; got.Kind != delivery.DayHoliday || got.Name != want {
			t.Errorf("holidays %v: DayStatus(2027-12-26) = %v %q, want holiday %q", holidays, got.Kind, got.Name, want)
		}
	}
}

// TestDayStatusIsTheQuotes: DayStatus is open exactly on the days a quote
// starts processing an order placed that morning, for two years.
func TestDayStatusIsTheQuotes(t *testing.T) {
	t.Parallel()
	shop := dayStatusShop(t, nil)
	route, err := shop.Route(delivery.Destination{Country: "SE"})
	if err != nil {
		t.Fatal(err)
	}
	item := delivery.Item{Product: &delivery.Product{Variants: []delivery.Variant{{}}}}
	for d := mustDate("2026-01-01"); d <= mustDate("2027-12-31"); d++ {
		a, err := shop.QuoteRoute(item, route, d.At(8, 0, shop.Location()))
		if err != nil {
			t.Fatal(err)
		}
		startsToday := delivery.DateIn(a.Cutoff.At, shop.Location()) == d
		if got := shop.DayStatus(d); got.Open() != startsToday {
			t.Errorf("DayStatus(%s) = %v, but an order at 08:00 starts processing today: %v", d, got.Kind, startsToday)
		}
	}
}

func TestDayKindString(t *testing.T) {
	t.Parallel()
	for k, want := range map[delivery.DayKind]string{
		delivery.DayProcessing: "processing", delivery.DayWeekend: "weekend", delivery.DayHoliday: "holiday",
		delivery.DayClosure: "closure", delivery.DayOutOfRange: "out_of_range", 99: "unknown",
	} {
		if got := k.String(); got != want {
			t.Errorf("DayKind(%d).String() = %q, want %q", k, got, want)
		}
	}
}
