package message

import (
	"strings"

	"github.com/leadtime-app/leadtime/delivery"
)

// The checkout function (extensions/leadtime-delivery-dates) says a cart's
// delivery window inside a delivery option's title: "Standard · Arrives
// Dec 8–15". It runs in Shopify, not here, so it carries these words as
// data (Words) and says them as Arrival does; a test in package
// functionconfig holds the two to the same text.

// Arrival says when a cart arrives, as the second half of the cart message
// says it: "Arrives Dec 8–15", "Levereras imorgon", "livraison du 7 au 10
// déc.". It is empty when the cart has no dates.
func Arrival(c *delivery.Cart, locale string) string {
	if !c.Available || c.Delivery.Earliest == delivery.NoDate {
		return ""
	}
	l := langOf(locale)
	text := strings.ReplaceAll(arrivalFormat(l), "%s", l.window(c.Delivery, c.Today, true, false))
	if strings.HasSuffix(text, "..") {
		text = text[:len(text)-1]
	}
	return text
}

// arrivalFormat is the part of the cart message after its last " · ":
// "Arrives %s".
func arrivalFormat(l *lang) string {
	f := l.cart
	if i := strings.LastIndex(f, " · "); i >= 0 {
		f = f[i+len(" · "):]
	}
	return f
}

// Words are what a language needs to say a delivery window the way Arrival
// does, for a reader that cannot call this package.
type Words struct {
	Months          [12]string `json:"months"`
	Weekdays        [7]string  `json:"weekdays"` // Sunday first
	Style           string     `json:"style"`    // monthDay, dayMonth, dayDotMonth or numeric
	WeekdaySep      string     `json:"weekdaySep"`
	SpacedDash      bool       `json:"spacedDash"`
	FirstOfMonth    string     `json:"firstOfMonth"`
	RangeFmt        string     `json:"rangeFmt"` // with two %s; "" joins with a dash
	OnFmt           string     `json:"onFmt"`    // with one %s; "" for the date alone
	Today           string     `json:"today"`
	Tomorrow        string     `json:"tomorrow"`
	TodayOrTomorrow string     `json:"todayOrTomorrow"`
	BetweenFmt      string     `json:"betweenFmt"` // with two %s
	Arrives         string     `json:"arrives"`    // with one %s
}

var styleNames = map[dateStyle]string{monthDay: "monthDay", dayMonth: "dayMonth", dayDotMonth: "dayDotMonth", numeric: "numeric"}

// WordsFor returns the words of a built-in locale (one of Locales), falling
// back as Resolve does.
func WordsFor(locale string) Words {
	l := langOf(locale)
	return Words{
		Months: l.months, Weekdays: l.weekdays, Style: styleNames[l.style],
		WeekdaySep: l.weekdaySep, SpacedDash: l.spacedDash, FirstOfMonth: l.firstOfMonth,
		RangeFmt: l.rangeFmt, OnFmt: l.onFmt,
		Today: l.today, Tomorrow: l.tomorrow, TodayOrTomorrow: l.todayOrTomorrow,
		BetweenFmt: l.betweenFmt, Arrives: arrivalFormat(l),
	}
}

// Aliases returns the locales that read one of the built-in languages,
// mapped to it ("en-AU" → "en-GB", "nn" → "nb"), as Resolve uses them.
func Aliases() map[string]string {
	out := make(map[string]string, len(aliases))
	for k, v := range aliases {
		out[k] = v
	}
	return out
}
