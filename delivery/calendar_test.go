package delivery

import (
	"sync"
	"testing"
	"time"
)

// These tests look inside the calendar: the per-year bitmaps that answer
// "is this a processing (or carrier) day?". The quote tests check the same
// rules end to end.

const monFri = weekdays(1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday)
const everyDay = weekdays(0x7f)

func day(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestCalendarIsOpen: a processing day is a weekday in processing_days, not
// a holiday of any listed calendar and not inside a closure (DESIGN §3).
// The calendar: Mon–Fri, holidays SE, closed 24 Dec 2026 – 1 Jan 2027.
func TestCalendarIsOpen(t *testing.T) {
	c := newCalendar(monFri, []string{"SE"}, []dateRange{{day("2026-12-24"), day("2027-01-01")}})
	tests := []struct {
		date string
		want bool
		why  string
	}{
		{"2026-12-23", true, "Wednesday before the closure"},
		{"2026-12-24", false, "Julafton, inside the closure"},
		{"2026-12-28", false, "a Monday, inside the closure only"},
		{"2026-12-31", false, "Nyårsafton, inside the closure"},
		{"2027-01-01", false, "Nyårsdagen, the closure's last day"},
		{"2027-01-02", false, "Saturday"},
		{"2027-01-04", true, "the first Monday after the closure"},
		{"2027-01-06", false, "Trettondedag jul (Wednesday)"},
		{"2027-01-07", true, "Thursday after Trettondedag"},
		{"2027-03-25", true, "Skärtorsdagen is a working day in Sweden"},
		{"2027-03-26", false, "Långfredagen"},
		{"2027-03-29", false, "Annandag påsk"},
		{"2027-03-30", true, "Tuesday after Easter"},
		{"2027-05-06", false, "Kristi himmelsfärds dag (Thursday)"},
		{"2027-05-07", true, "the Friday after it (no bridge day)"},
		{"2027-05-17", true, "Norway's day, not Sweden's"},
		{"2027-06-24", true, "Thursday before Midsommar"},
		{"2027-06-25", false, "Midsommarafton (Friday)"},
		{"2027-06-06", false, "Sveriges nationaldag falls on a Sunday"},
		{"2027-12-24", false, "Julafton (Friday)"},
		{"2027-12-27", true, "Monday after Christmas (no substitute day in Sweden)"},
		{"2027-12-31", false, "Nyårsafton (Friday)"},
		{"1969-12-31", false, "before the supported years"},
		{"2200-01-01", false, "after the supported years"},
	}
	for _, tt := range tests {
		if got := c.isOpen(day(tt.date)); got != tt.want {
			t.Errorf("isOpen(%s) = %v, want %v: %s", tt.date, got, tt.want, tt.why)
		}
	}
}

// TestCalendarClosureEdges: a closure is inclusive at both ends, and one that
// runs into a new year closes days in both years. Mon–Fri, holidays SE;
// closed Mon 2 – Fri 6 Aug 2027 (no Swedish holiday in August) and Mon 27 Dec
// 2027 – Fri 7 Jan 2028 (Thu 6 Jan 2028 is Trettondedag anyway).
func TestCalendarClosureEdges(t *testing.T) {
	c := newCalendar(monFri, []string{"SE"}, []dateRange{
		{day("2027-08-02"), day("2027-08-06")},
		{day("2027-12-27"), day("2028-01-07")},
	})
	tests := []struct {
		date string
		want bool
	}{
		{"2027-07-30", true},  // the Friday before
		{"2027-08-02", false}, // first day
		{"2027-08-04", false},
		{"2027-08-06", false}, // last day, a working Friday
		{"2027-08-09", true},  // the Monday after
		{"2027-12-23", true},  // Thursday before Julafton
		{"2027-12-27", false}, // first day, a working Monday
		{"2027-12-30", false},
		{"2028-01-03", false}, // a working Monday, in the closure's second year
		{"2028-01-05", false},
		{"2028-01-07", false}, // last day, a working Friday
		{"2028-01-10", true},
	}
	for _, tt := range tests {
		if got := c.isOpen(day(tt.date)); got != tt.want {
			t.Errorf("isOpen(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
	// Thu 23 Dec 2027 + 1 processing day: (Fri 24 Julafton, the closure to Fri 7 Jan)
	// Mon 10 Jan 2028.
	if got, ok := c.addOpenDays(day("2027-12-23"), 1); !ok || got.String() != "2028-01-10" {
		t.Errorf("addOpenDays(2027-12-23, 1) = %s, %v, want 2028-01-10", got, ok)
	}
}

// TestCalendarUnion: several holiday calendars close the days of each.
func TestCalendarUnion(t *testing.T) {
	seNo := newCalendar(monFri, []string{"SE", "NO"}, nil)
	se := newCalendar(monFri, []string{"SE"}, nil)
	none := newCalendar(monFri, nil, nil)
	tests := []struct {
		date           string
		seNo, se, none bool
	}{
		{"2027-03-25", false, true, true},  // Skjærtorsdag (NO only)
		{"2027-03-26", false, false, true}, // Good Friday in both
		{"2027-05-17", false, true, true},  // Grunnlovsdag and Andre pinsedag (NO)
		{"2027-06-25", false, false, true}, // Midsommarafton (SE)
		{"2027-06-24", true, true, true},
	}
	for _, tt := range tests {
		d := day(tt.date)
		if got := seNo.isOpen(d); got != tt.seNo {
			t.Errorf("[SE NO].isOpen(%s) = %v, want %v", tt.date, got, tt.seNo)
		}
		if got := se.isOpen(d); got != tt.se {
			t.Errorf("[SE].isOpen(%s) = %v, want %v", tt.date, got, tt.se)
		}
		if got := none.isOpen(d); got != tt.none {
			t.Errorf("[].isOpen(%s) = %v, want %v", tt.date, got, tt.none)
		}
	}
}

// TestCalendarArithmetic: "+ n processing days" is the n-th open day after
// d, and n = 0 is d itself (DESIGN §3 step 3). Same calendar as
// TestCalendarIsOpen.
func TestCalendarArithmetic(t *testing.T) {
	c := newCalendar(monFri, []string{"SE"}, []dateRange{{day("2026-12-24"), day("2027-01-01")}})
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-23", 0, "2026-12-23"},
		{"2026-12-24", 0, "2026-12-24"}, // n = 0 is the day itself, open or not
		{"2026-12-22", 1, "2026-12-23"},
		{"2026-12-23", 1, "2027-01-04"}, // across the closure and the year end
		{"2026-12-23", 2, "2027-01-05"},
		{"2026-12-23", 3, "2027-01-07"},  // Wed 6 Jan is Trettondedag
		{"2027-03-25", 1, "2027-03-30"},  // Easter: Fri 26, Mon 29
		{"2027-12-30", 1, "2028-01-03"},  // Fri 31 Nyårsafton, then the weekend
		{"2027-01-04", 20, "2027-02-02"}, // four weeks of weekdays, less Wed 6 Jan (Trettondedag)
	}
	for _, tt := range tests {
		got, ok := c.addOpenDays(day(tt.from), tt.n)
		if !ok || got.String() != tt.want {
			t.Errorf("addOpenDays(%s, %d) = %s, %v, want %s", tt.from, tt.n, got, ok, tt.want)
		}
	}
	onOrAfter := []struct{ from, want string }{
		{"2026-12-24", "2027-01-04"},
		{"2027-01-04", "2027-01-04"},
		{"2027-01-06", "2027-01-07"},
		{"2027-06-25", "2027-06-28"},
	}
	for _, tt := range onOrAfter {
		if got, ok := c.onOrAfter(day(tt.from)); !ok || got.String() != tt.want {
			t.Errorf("onOrAfter(%s) = %s, %v, want %s", tt.from, got, ok, tt.want)
		}
	}
}

// TestCalendarEveryDay walks a calendar open every day across all supported
// years: after(d) must be d+1, which exercises every bit and word boundary of
// the bitmaps, leap years and year ends included.
func TestCalendarEveryDay(t *testing.T) {
	c := newCalendar(everyDay, nil, nil)
	last := DateOf(lastYear, time.December, 31)
	for d := DateOf(firstYear, time.January, 1); d < last; d++ {
		if !c.isOpen(d) {
			t.Fatalf("isOpen(%s) = false on a calendar open every day", d)
		}
		if got, ok := c.after(d); !ok || got != d+1 {
			t.Fatalf("after(%s) = %s, %v, want %s", d, got, ok, d+1)
		}
	}
	if got, ok := c.after(last); ok {
		t.Errorf("after(%s) = %s, want none: beyond the supported years", last, got)
	}
}

// TestCalendarMatchesDefinition compares the bitmaps of 2026–2028 with the
// definition, day by day: weekday, holiday list, closure.
func TestCalendarMatchesDefinition(t *testing.T) {
	closure := dateRange{day("2027-07-12"), day("2027-08-01")}
	c := newCalendar(monFri, []string{"SE"}, []dateRange{closure})
	for y := 2026; y <= 2028; y++ {
		holidays := map[Date]bool{}
		for _, h := range HolidaysIn("SE", y) {
			holidays[h.Date] = true
		}
		for d := DateOf(y, time.January, 1); d < DateOf(y+1, time.January, 1); d++ {
			want := monFri.has(d.Weekday()) && !holidays[d] && !(d >= closure.from && d <= closure.to)
			if got := c.isOpen(d); got != want {
				t.Errorf("isOpen(%s) = %v, want %v", d, got, want)
			}
		}
	}
}

// TestCalendarGivesUp: a calendar closed for years ends the search rather
// than looping (a quote then fails: no date beats a wrong one).
func TestCalendarGivesUp(t *testing.T) {
	var closures []dateRange
	for y := 2027; y <= 2030; y++ {
		closures = append(closures, dateRange{DateOf(y, time.January, 1), DateOf(y, time.December, 31)})
	}
	c := newCalendar(monFri, nil, closures)
	if got, ok := c.onOrAfter(day("2027-01-01")); ok {
		t.Errorf("onOrAfter(2027-01-01) = %s, want none within three years", got)
	}
	if got, ok := c.addOpenDays(day("2026-12-30"), 3); ok {
		t.Errorf("addOpenDays(2026-12-30, 3) = %s, want none", got)
	}
	if got, ok := c.onOrAfter(day("2031-01-01")); !ok || got.String() != "2031-01-01" {
		t.Errorf("onOrAfter(2031-01-01) = %s, %v, want 2031-01-01", got, ok)
	}
}

// TestCarrierCalendar: carrier calendars are shared by weekday set and
// destination country; a country without holiday data, or none, gets the
// calendar of weekdays only.
func TestCarrierCalendar(t *testing.T) {
	no := carrierCalendar(monFri, "NO")
	if again := carrierCalendar(monFri, "NO"); again != no {
		t.Errorf("carrierCalendar(Mon–Fri, NO) gave two calendars")
	}
	plain := carrierCalendar(monFri, "")
	for _, country := range []string{"IS", "se", "*", "XYZ"} {
		if got := carrierCalendar(monFri, country); got != plain {
			t.Errorf("carrierCalendar(Mon–Fri, %q) is not the weekdays-only calendar", country)
		}
	}
	if carrierCalendar(everyDay, "NO") == no {
		t.Errorf("carrierCalendar(every day, NO) is the Mon–Fri calendar")
	}
	tests := []struct {
		cal  *calendar
		name string
		date string
		want bool
	}{
		{no, "NO", "2027-05-17", false}, // Grunnlovsdag, a Monday
		{no, "NO", "2027-05-18", true},
		{plain, "none", "2027-05-17", true},
		{plain, "none", "2027-05-15", false},                       // Saturday
		{carrierCalendar(monFri, "US"), "US", "2026-07-03", false}, // Independence Day observed
		{carrierCalendar(monFri, "SE"), "SE", "2027-06-25", false}, // Midsommarafton
		{carrierCalendar(everyDay, "NO"), "NO every day", "2027-05-16", true},
	}
	for _, tt := range tests {
		if got := tt.cal.isOpen(day(tt.date)); got != tt.want {
			t.Errorf("carrier calendar %s: isOpen(%s) = %v, want %v", tt.name, tt.date, got, tt.want)
		}
	}
}

// TestCalendarConcurrent computes the same years from many goroutines at
// once (run with -race): every caller must see one, complete bitmap.
func TestCalendarConcurrent(t *testing.T) {
	c := newCalendar(monFri, []string{"SE"}, nil)
	var wg sync.WaitGroup
	results := make([][]*yearBits, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := 2026; y <= 2030; y++ {
				results[g] = append(results[g], c.year(y))
			}
		}()
	}
	wg.Wait()
	for g := range results {
		for i := range results[g] {
			if results[g][i] != results[0][i] {
				t.Fatalf("goroutine %d saw another bitmap for %d", g, 2026+i)
			}
		}
	}
	if c.isOpen(day("2027-06-25")) {
		t.Errorf("isOpen(2027-06-25) = true, want false (Midsommarafton)")
	}
}
