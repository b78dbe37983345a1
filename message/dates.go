package message

import (
	"fmt"
	"strconv"

	"github.com/leadtime-app/leadtime/delivery"
)

// dateStyle is how a language writes a day and a month, after CLDR's
// MMMd, MMMEd and yMMMd patterns and their interval formats.
type dateStyle uint8

const (
	// monthDay is US English: "Dec 8", "Dec 7–10", "Nov 30 – Dec 3",
	// "Dec 8, 2027".
	monthDay dateStyle = iota
	// dayMonth is "8 dec", "7–10 dec", "30 nov–3 dec", "8 dec 2027"
	// (sv, en-GB, fr, es, nl).
	dayMonth
	// dayDotMonth is "8. Dez.", "7.–10. Dez.", "30. Nov. – 3. Dez."
	// (de, da, nb).
	dayDotMonth
	// numeric is Finnish: "8.12.", "7.–10.12.", "30.11.–3.12.",
	// "8.12.2027".
	numeric
)

// yearHorizon is how far ahead a date may be and still be written without
// its year. Nearer dates read naturally as "the next 1 Mar"; a date half a
// year or more away, in another year, gets its year.
const yearHorizon = 183

// needsYear reports whether d must be written with its year when read on
// today.
func needsYear(d, today delivery.Date) bool {
	return d.Year() != today.Year() && int(d-today) >= yearHorizon
}

// day writes the day of the month: "1er" on the first in French.
func (l *lang) day(d int) string {
	if d == 1 && l.firstOfMonth != "" {
		return l.firstOfMonth
	}
	return strconv.Itoa(d)
}

// date writes d without its weekday: "Dec 8", "8 dec", "8. Dez.", "8.12.".
func (l *lang) date(d delivery.Date, withYear bool) string {
	y, m, dd := d.Civil()
	var s string
	switch l.style {
	case monthDay:
		s = l.months[m-1] + " " + l.day(dd)
		if withYear {
			s += ", " + strconv.Itoa(y)
		}
		return s
	case dayMonth:
		s = l.day(dd) + " " + l.months[m-1]
	case dayDotMonth:
		s = strconv.Itoa(dd) + ". " + l.months[m-1]
	case numeric:
		s = strconv.Itoa(dd) + "." + strconv.Itoa(int(m)) + "."
		if withYear {
			return s + strconv.Itoa(y)
		}
		return s
	}
	if withYear {
		s += " " + strconv.Itoa(y)
	}
	return s
}

// weekdayDate writes d with its abbreviated weekday: "Tue, Dec 8",
// "tis 8 dec", "Di., 8. Dez.", "mar. 8 déc.".
func (l *lang) weekdayDate(d delivery.Date, withYear bool) string {
	return l.weekdays[d.Weekday()] + l.weekdaySep + l.date(d, withYear)
}

// interval writes the span from a to b (a < b) as CLDR's interval formats
// do: the shared month and year are written once. With phrase set, a
// language that says a range with words in a sentence does so ("du 7 au
// 10 déc." rather than "7–10 déc.").
func (l *lang) interval(a, b delivery.Date, withYear, phrase bool) string {
	ya, ma, da := a.Civil()
	yb, mb, db := b.Civil()
	if ya != yb {
		// "30 dec–4 jan" when near, "30 dec 2026–4 jan 2027" when the
		// years are needed.
		return l.join(l.date(a, withYear), l.date(b, withYear), true, phrase)
	}
	if ma == mb {
		var first string
		switch l.style {
		case monthDay:
			// "Dec 7–10" and "Dec 7–10, 2027".
			s := l.months[ma-1] + " " + l.day(da) + "–" + l.day(db)
			if withYear {
				s += ", " + strconv.Itoa(yb)
			}
			return s
		case dayMonth:
			first = l.day(da)
		case dayDotMonth, numeric:
			first = l.dayOnly(da)
		}
		return l.join(first, l.date(b, withYear), false, phrase)
	}
	if l.style == monthDay && withYear {
		// "Nov 30 – Dec 3, 2027".
		return l.join(l.date(a, false), l.date(b, true), true, phrase)
	}
	return l.join(l.date(a, false), l.date(b, withYear), true, phrase)
}

// join puts two ends of a range together: with the language's phrase ("du
// 7 au 10 déc."), else with an en dash, spaced across months where the
// language spaces it ("30. Nov. – 3. Dez.", but "30 nov–3 dec").
func (l *lang) join(a, b string, acrossMonths, phrase bool) string {
	if phrase && l.rangeFmt != "" {
		return l.rangePhrase(a, b)
	}
	if acrossMonths && l.spacedDash {
		return a + " – " + b
	}
	return a + "–" + b
}

// window says a span of dates as a customer reads it on today. With
// relative set, today and tomorrow are named as such ("idag", "morgen").
// A single day gets its weekday; a span does not. pair says the window
// holds exactly its two ends (two consecutive processing days), so that a
// window from today reads "today or Monday" rather than a span.
func (l *lang) window(w delivery.Window, today delivery.Date, relative, pair bool) string {
	if w.Earliest == delivery.NoDate {
		return ""
	}
	withYear := needsYear(w.Earliest, today) || needsYear(w.Latest, today)
	if relative {
		switch {
		case w.Earliest == today && w.Latest == today:
			return l.today
		case w.Earliest == today+1 && w.Latest == today+1:
			return l.tomorrow
		case w.Earliest == today && w.Latest == today+1:
			return l.todayOrTomorrow
		case pair && w.Earliest == today:
			return fmt.Sprintf(l.orFmt, l.today, l.weekdayDate(w.Latest, withYear))
		case pair && w.Earliest == today+1:
			return fmt.Sprintf(l.orFmt, l.tomorrow, l.weekdayDate(w.Latest, withYear))
		case w.Earliest == today:
			return l.between(l.today, l.weekdayDate(w.Latest, withYear))
		case w.Earliest == today+1:
			return l.between(l.tomorrow, l.weekdayDate(w.Latest, withYear))
		}
	}
	if w.Earliest == w.Latest {
		return l.on(l.weekdayDate(w.Earliest, withYear))
	}
	return l.interval(w.Earliest, w.Latest, withYear, true)
}

// span is window without relative words and without a sentence's
// preposition: the page's closures, "24 dec–1 jan".
func (l *lang) span(from, to, today delivery.Date) string {
	withYear := needsYear(from, today) || needsYear(to, today)
	if from == to {
		return l.weekdayDate(from, withYear)
	}
	return l.interval(from, to, withYear, false)
}

// clock writes a time of day given in minutes after midnight: "14:00",
// "14.00", "2:00 PM".
func (l *lang) clock(minutes int) string {
	h, m := minutes/60, minutes%60
	mm := strconv.Itoa(m)
	if m < 10 {
		mm = "0" + mm
	}
	if l.twelveHour {
		suffix := "AM"
		if h >= 12 {
			suffix = "PM"
		}
		h %= 12
		if h == 0 {
			h = 12
		}
		return strconv.Itoa(h) + ":" + mm + " " + suffix
	}
	hh := strconv.Itoa(h)
	if h < 10 && !l.clockNoPad {
		hh = "0" + hh
	}
	return hh + l.clockSep + mm
}

// days says a number of business days, or a range of them, with the right
// plural: "1 arbetsdag", "3 arbetsdagar", "1–3 Werktage", "0–1 jour ouvré".
func (l *lang) days(min, max int) string {
	if min == max {
		return strconv.Itoa(max) + " " + l.businessDays.of(l.plural(max))
	}
	return strconv.Itoa(min) + "–" + strconv.Itoa(max) + " " + l.businessDays.of(rangeCategory(l.plural, min, max))
}
