package message

import (
	"fmt"

	"github.com/leadtime-app/leadtime/delivery"
)

// lang is one built-in language: its calendar words, its plurals and its
// texts. Every value is a constant of this package; the table is built once
// at start-up and only read afterwards, so a *lang is safe to share.
type lang struct {
	tag string // the locale it answers as: "sv", "en-GB"

	// Dates, after CLDR (abbreviated names, format context).
	months       [12]string
	weekdays     [7]string // Sunday first, as time.Weekday
	weekdaysLong [7]string // Sunday first
	style        dateStyle
	weekdaySep   string // between weekday and date: "Tue, Dec 8", "tis 8 dec"
	spacedDash   bool   // "30 Nov – 3 Dec" rather than "30 nov–3 dec"
	firstOfMonth string // "1er" in French; "" for the plain number
	rangeFmt     string // a range as a phrase, "du %s au %s"; "" joins with a dash
	onFmt        string // a single day in a sentence, "le %s"; "" for the date alone
	twelveHour   bool
	clockSep     string // "14:00", "14.00"
	clockNoPad   bool   // "9:05" rather than "09:05" (CLDR H:mm)
	clockSuffix  string // after a time of day in prose: " Uhr"

	// Words relative to the shop's day.
	today, tomorrow, todayOrTomorrow string
	betweenFmt                       string // "mellan %s och %s"
	orFmt                            string // "%s eller %s": today or a date

	plural       pluralRule
	businessDays forms
	and, or      string    // list conjunctions: "och", "eller"
	quote        [2]string // quotation marks: ”…”, „…“, « … »

	// Countdown durations, with {h} and {m}.
	hoursMinutes, minutesOnly string

	// Texts: fmt formats of the ships and delivery phrases.
	product, cart, preorder, backorder, email string
	fromFmt                                   string // "från %s": a pre-order's first day
	countdown                                 string // with {remaining}
	soldOut, cartUnavailable                  string
	// The email sentence says a single day with emailOnFmt ("am %s") and,
	// when emailRangeFmt is set, a range with it ("zwischen dem %s und %s").
	emailOnFmt, emailRangeFmt string

	page pageText
}

func (l *lang) on(date string) string {
	if l.onFmt == "" {
		return date
	}
	return fmt.Sprintf(l.onFmt, date)
}

func (l *lang) rangePhrase(a, b string) string { return fmt.Sprintf(l.rangeFmt, a, b) }

func (l *lang) between(a, b string) string { return fmt.Sprintf(l.betweenFmt, a, b) }

func (l *lang) from(date string) string { return fmt.Sprintf(l.fromFmt, date) }

func (l *lang) quoted(s string) string { return l.quote[0] + s + l.quote[1] }

// list joins items as a sentence does: "a, b and c".
func (l *lang) list(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	s := items[0]
	for _, it := range items[1 : len(items)-1] {
		s += ", " + it
	}
	return s + " " + conj + " " + items[len(items)-1]
}

// emailWindow says a window inside the email sentence: no relative words
// (an email is read days later), and the language's prepositions.
func (l *lang) emailWindow(w delivery.Window, today delivery.Date) string {
	if w.Earliest == delivery.NoDate {
		return ""
	}
	withYear := needsYear(w.Earliest, today) || needsYear(w.Latest, today)
	if w.Earliest == w.Latest {
		d := l.weekdayDate(w.Earliest, withYear)
		if l.emailOnFmt != "" {
			return fmt.Sprintf(l.emailOnFmt, d)
		}
		return l.on(d)
	}
	if l.emailRangeFmt == "" {
		return l.interval(w.Earliest, w.Latest, withYear, true)
	}
	ya, ma, da := w.Earliest.Civil()
	yb, mb, _ := w.Latest.Civil()
	first := l.date(w.Earliest, ya != yb)
	if ya == yb && ma == mb {
		first = l.dayOnly(da)
	}
	return fmt.Sprintf(l.emailRangeFmt, first, l.date(w.Latest, withYear))
}

// dayOnly writes the first day of a same-month range: "7", "7.".
func (l *lang) dayOnly(d int) string {
	if l.style == dayDotMonth || l.style == numeric {
		return fmt.Sprint(d) + "."
	}
	return l.day(d)
}
