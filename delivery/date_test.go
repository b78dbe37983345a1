package delivery_test

import (
	"errors"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// TestDateRoundTrip checks every day of 1970–2199 against the standard
// library's calendar: DateOf and Civil are inverse, the count of days is
// that of Unix time, and Weekday, String and ParseDate agree with time.
func TestDateRoundTrip(t *testing.T) {
	day := time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2200, time.January, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for ; day.Before(end); day = day.AddDate(0, 0, 1) {
		y, m, d := day.Date()
		got := delivery.DateOf(y, m, d)
		if want := delivery.Date(day.Unix() / 86400); got != want {
			t.Fatalf("DateOf(%d, %s, %d) = %d, want %d days since 1970-01-01", y, m, d, int32(got), int32(want))
		}
		if gy, gm, gd := got.Civil(); gy != y || gm != m || gd != d {
			t.Fatalf("DateOf(%d, %s, %d).Civil() = %d, %s, %d", y, m, d, gy, gm, gd)
		}
		if got.Year() != y {
			t.Fatalf("%s.Year() = %d, want %d", day.Format(time.DateOnly), got.Year(), y)
		}
		if got.Weekday() != day.Weekday() {
			t.Fatalf("%s.Weekday() = %s, want %s", day.Format(time.DateOnly), got.Weekday(), day.Weekday())
		}
		s := got.String()
		if want := day.Format(time.DateOnly); s != want {
			t.Fatalf("DateOf(%d, %s, %d).String() = %q, want %q", y, m, d, s, want)
		}
		if back, err := delivery.ParseDate(s); err != nil || back != got {
			t.Fatalf("ParseDate(%q) = %d, %v, want %d", s, int32(back), err, int32(got))
		}
		n++
	}
	if n != 84006 { // 230 years, 56 of them leap (2100 is not)
		t.Errorf("checked %d days, want 84006", n)
	}
}

func TestDateWeekday(t *testing.T) {
	tests := []struct {
		date string
		want time.Weekday
	}{
		{"1970-01-01", time.Thursday},
		{"1969-12-31", time.Wednesday}, // before the epoch: a negative Date
		{"1969-12-28", time.Sunday},
		{"2000-02-29", time.Tuesday},
		{"2026-12-24", time.Thursday}, // Julafton 2026
		{"2027-03-26", time.Friday},   // Långfredagen 2027
		{"2027-05-06", time.Thursday}, // Kristi himmelsfärd 2027
		{"2027-05-17", time.Monday},   // Grunnlovsdag 2027
		{"2027-06-25", time.Friday},   // Midsommarafton 2027
		{"2027-11-25", time.Thursday}, // Thanksgiving 2027
		{"2100-03-01", time.Monday},   // 2100 is not a leap year
	}
	for _, tt := range tests {
		if tm, _ := time.Parse(time.DateOnly, tt.date); tm.Weekday() != tt.want {
			t.Fatalf("test table: %s is a %s", tt.date, tm.Weekday())
		}
		d, err := delivery.ParseDate(tt.date)
		if err != nil {
			t.Fatalf("ParseDate(%q): %v", tt.date, err)
		}
		if got := d.Weekday(); got != tt.want {
			t.Errorf("ParseDate(%q).Weekday() = %s, want %s", tt.date, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want delivery.Date // ignored when bad
		bad  bool
	}{
		{"2027-05-06", delivery.DateOf(2027, time.May, 6), false},
		{"1970-01-01", 0, false},
		{"2024-02-29", delivery.DateOf(2024, time.February, 29), false}, // leap year
		{"2000-02-29", delivery.DateOf(2000, time.February, 29), false}, // divisible by 400
		{"2027-12-31", delivery.DateOf(2027, time.December, 31), false},
		{"2027-02-29", 0, true}, // 2027 is not a leap year
		{"2100-02-29", 0, true}, // divisible by 100, not by 400
		{"2027-13-01", 0, true},
		{"2027-00-10", 0, true},
		{"2027-04-31", 0, true},
		{"2027-05-00", 0, true},
		{"2027-05-32", 0, true},
		{"2027-1-01", 0, true},
		{"2027-01-1", 0, true},
		{"27-01-01", 0, true},
		{"2027/05/06", 0, true},
		{"20270506", 0, true},
		{" 2027-05-06", 0, true},
		{"2027-05-06 ", 0, true},
		{"2027-05-06T00:00:00Z", 0, true},
		{"-027-05-06", 0, true},
		{"2027-+5-06", 0, true},
		{"2027-05-0a", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := delivery.ParseDate(tt.in)
		if tt.bad {
			if err == nil || !errors.Is(err, delivery.ErrBadDate) || got != delivery.NoDate {
				t.Errorf("ParseDate(%q) = %s, %v, want NoDate and ErrBadDate", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %s, %v, want %s", tt.in, got, err, tt.want)
		}
	}
}

// TestDateOfNormalises: out-of-range months and days roll over as time.Date does.
func TestDateOfNormalises(t *testing.T) {
	tests := []struct {
		year  int
		month time.Month
		day   int
		want  string
	}{
		{2027, time.November, 31, "2027-12-01"},
		{2027, time.February, 29, "2027-03-01"},
		{2027, 13, 1, "2028-01-01"},
		{2027, 0, 1, "2026-12-01"},
		{2027, time.January, 0, "2026-12-31"},
		{2027, time.January, -1, "2026-12-30"},
		{2027, 25, 1, "2029-01-01"},
		{2027, -11, 1, "2026-01-01"},
		{2027, time.March, 0, "2027-02-28"},
		{2028, time.March, 0, "2028-02-29"},
	}
	for _, tt := range tests {
		if got := delivery.DateOf(tt.year, tt.month, tt.day).String(); got != tt.want {
			t.Errorf("DateOf(%d, %d, %d) = %s, want %s", tt.year, tt.month, tt.day, got, tt.want)
		}
		if want := time.Date(tt.year, tt.month, tt.day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly); want != tt.want {
			t.Errorf("test table: time.Date(%d, %d, %d) is %s", tt.year, tt.month, tt.day, want)
		}
	}
}

func TestDateAddDays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-31", 1, "2027-01-01"},
		{"2027-02-28", 1, "2027-03-01"},
		{"2028-02-28", 1, "2028-02-29"},
		{"2027-03-27", 1, "2027-03-28"}, // across a DST change: a day, not 24 hours
		{"2027-03-28", 1, "2027-03-29"},
		{"2027-10-31", 1, "2027-11-01"},
		{"2027-01-01", -1, "2026-12-31"},
		{"2027-01-01", 365, "2028-01-01"},
	}
	for _, tt := range tests {
		if got := mustDate(tt.from).AddDays(tt.n).String(); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

// TestDateIn: the civil date of an instant depends on the zone, and the
// shop's zone is the one that counts.
func TestDateIn(t *testing.T) {
	sthlm, _ := time.LoadLocation("Europe/Stockholm")
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		at   string
		loc  *time.Location
		want string
	}{
		{"2027-09-19T22:15:00Z", sthlm, "2027-09-20"}, // 00:15 CEST
		{"2027-09-19T22:15:00Z", ny, "2027-09-19"},    // 18:15 EDT
		{"2027-09-19T22:15:00Z", time.UTC, "2027-09-19"},
		{"2026-03-28T23:00:00Z", sthlm, "2026-03-29"}, // 00:00 CET, the first instant of the short Sunday
		{"2026-03-28T22:59:59Z", sthlm, "2026-03-28"},
		{"2026-10-25T22:59:59Z", sthlm, "2026-10-25"}, // 23:59:59 CET, the last second of the long Sunday
		{"2026-10-25T23:00:00Z", sthlm, "2026-10-26"},
		{"2026-11-02T04:59:59Z", ny, "2026-11-01"}, // 23:59:59 EST
		{"2026-11-02T05:00:00Z", ny, "2026-11-02"},
		{"2027-01-01T04:59:59Z", ny, "2026-12-31"}, // New Year's Eve in New York, already 2027 in UTC
	}
	for _, tt := range tests {
		if got := delivery.DateIn(instant(t, tt.at), tt.loc).String(); got != tt.want {
			t.Errorf("DateIn(%s, %s) = %s, want %s", tt.at, tt.loc, got, tt.want)
		}
	}
}

// TestDateAt: a wall-clock time on a civil date, across DST changes.
func TestDateAt(t *testing.T) {
	sthlm, _ := time.LoadLocation("Europe/Stockholm")
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		date       string
		hour, min  int
		loc        *time.Location
		wantUTC    string
		wantOffset string
	}{
		{"2026-03-29", 0, 0, sthlm, "2026-03-28T23:00:00Z", "+01:00"},
		{"2026-03-29", 14, 0, sthlm, "2026-03-29T12:00:00Z", "+02:00"},
		{"2026-03-30", 0, 0, sthlm, "2026-03-29T22:00:00Z", "+02:00"},
		{"2026-10-25", 0, 0, sthlm, "2026-10-24T22:00:00Z", "+02:00"},
		{"2026-10-25", 14, 0, sthlm, "2026-10-25T13:00:00Z", "+01:00"},
		{"2026-10-26", 0, 0, sthlm, "2026-10-25T23:00:00Z", "+01:00"},
		{"2026-03-08", 13, 0, ny, "2026-03-08T17:00:00Z", "-04:00"},
		{"2026-03-09", 0, 0, ny, "2026-03-09T04:00:00Z", "-04:00"},
		{"2026-11-01", 13, 0, ny, "2026-11-01T18:00:00Z", "-05:00"},
		{"2026-11-02", 0, 0, ny, "2026-11-02T05:00:00Z", "-05:00"},
	}
	for _, tt := range tests {
		got := mustDate(tt.date).At(tt.hour, tt.min, tt.loc)
		if u := got.UTC().Format(time.RFC3339); u != tt.wantUTC {
			t.Errorf("%s.At(%02d:%02d, %s) = %s, want %s", tt.date, tt.hour, tt.min, tt.loc, u, tt.wantUTC)
		}
		if off := got.Format("-07:00"); off != tt.wantOffset {
			t.Errorf("%s.At(%02d:%02d, %s) offset = %s, want %s", tt.date, tt.hour, tt.min, tt.loc, off, tt.wantOffset)
		}
	}
}

func TestDateText(t *testing.T) {
	if got := delivery.NoDate.String(); got != "" {
		t.Errorf("NoDate.String() = %q, want \"\"", got)
	}
	d := delivery.DateOf(2027, time.July, 12)
	b, err := d.MarshalText()
	if err != nil || string(b) != "2027-07-12" {
		t.Errorf("MarshalText(2027-07-12) = %q, %v", b, err)
	}
	var back delivery.Date
	if err := back.UnmarshalText([]byte("2027-07-12")); err != nil || back != d {
		t.Errorf("UnmarshalText(2027-07-12) = %s, %v, want %s", back, err, d)
	}
	back = d
	if err := back.UnmarshalText([]byte("2027-02-29")); err == nil || back != d {
		t.Errorf("UnmarshalText(2027-02-29) = %s, %v, want an error and no change", back, err)
	}
	if got := string(delivery.DateOf(1969, time.December, 31).AppendFormat(nil)); got != "1969-12-31" {
		t.Errorf("AppendFormat(1969-12-31) = %q", got)
	}
}
