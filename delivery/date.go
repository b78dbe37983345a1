package delivery

import (
	"errors"
	"fmt"
	"time"
)

// Date is a civil date: a day on the calendar with no time and no zone,
// counted in days since 1970-01-01. All day arithmetic in Leadtime is on
// Dates, never on 24-hour durations, so a DST change cannot shift a date.
//
// The zero value is 1970-01-01; callers that need "no date" keep a separate
// flag or use NoDate.
type Date int32

// NoDate marks the absence of a date where a Date field must say "none".
const NoDate Date = -1 << 31

// DateOf returns the Date of year, month and day. Out-of-range months and
// days are normalised as time.Date does (31 Nov is 1 Dec).
func DateOf(year int, month time.Month, day int) Date {
	return Date(daysFromCivil(year, int(month), day))
}

// DateIn returns the civil date of the instant t in loc.
func DateIn(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return DateOf(y, m, d)
}

// Civil returns the year, month and day of d.
func (d Date) Civil() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(int64(d))
	return y, time.Month(m), dd
}

// Year returns the year of d.
func (d Date) Year() int {
	y, _, _ := civilFromDays(int64(d))
	return y
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int64(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays returns d plus n calendar days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// At returns the instant of the wall-clock time hour:minute on d in loc.
// A wall time that a DST change skips is normalised as time.Date does.
func (d Date) At(hour, minute int, loc *time.Location) time.Time {
	y, m, dd := d.Civil()
	return time.Date(y, m, dd, hour, minute, 0, 0, loc)
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	if d == NoDate {
		return ""
	}
	return string(d.AppendFormat(make([]byte, 0, 10)))
}

// AppendFormat appends d as YYYY-MM-DD to b.
func (d Date) AppendFormat(b []byte) []byte {
	y, m, dd := d.Civil()
	if y < 0 || y > 9999 {
		return fmt.Appendf(b, "%04d-%02d-%02d", y, int(m), dd)
	}
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+int(m)/10), byte('0'+int(m)%10), '-')
	return append(b, byte('0'+dd/10), byte('0'+dd%10))
}

// ErrBadDate is returned when a date is not in the form YYYY-MM-DD.
var ErrBadDate = errors.New("not a date in the form YYYY-MM-DD")

// ParseDate parses YYYY-MM-DD strictly: the day must exist on the calendar.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return NoDate, fmt.Errorf("%q: %w", s, ErrBadDate)
	}
	num := func(p string) int {
		n := 0
		for _, c := range []byte(p) {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return NoDate, fmt.Errorf("%q: %w", s, ErrBadDate)
	}
	return DateOf(y, time.Month(m), d), nil
}

// MarshalText formats d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return d.AppendFormat(make([]byte, 0, 10)), nil }

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil and civilFromDays are Howard Hinnant's algorithms for the
// proleptic Gregorian calendar: exact, branch-light and allocation-free.
func daysFromCivil(y, m, d int) int64 {
	// Normalise month overflow the way time.Date does.
	y += (m - 1) / 12
	m = (m-1)%12 + 1
	if m <= 0 {
		m += 12
		y--
	}
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func civilFromDays(z int64) (int, int, int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}
