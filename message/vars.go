package message

import (
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/liquidsandbox"
)

// Variables documents what a merchant's template can use. Every variable
// always exists: a value that does not apply (the dates of a sold-out
// product, a pre-order date of a product that has none) is "" or false,
// never missing, so a template that works once works for every answer.
// Dates are written in the message's locale; the *_iso variables are
// YYYY-MM-DD (cutoff.at_iso is RFC 3339) for the date filter.
var Variables = []Variable{
	{"ships.range", "when the order ships, as the built-in text says it: “7–10 dec”, “idag”, “du 7 au 10 déc.”"},
	{"ships.earliest", "the first day it can ship, with its weekday: “mån 7 dec”"},
	{"ships.latest", "the last day it ships by: “tors 10 dec”"},
	{"ships.earliest_iso", "2026-12-07"},
	{"ships.latest_iso", "2026-12-10"},
	{"delivery.range", "when it arrives: “8–15 dec”"},
	{"delivery.earliest", "the first day it can arrive: “tis 8 dec”"},
	{"delivery.latest", "the last day it arrives by: “tis 15 dec”"},
	{"delivery.earliest_iso", "2026-12-08"},
	{"delivery.latest_iso", "2026-12-15"},
	{"processing.min_days", "processing days at least (a number; backorder days included)"},
	{"processing.max_days", "processing days at most (a number)"},
	{"processing.days", "the processing time in words: “5–8 arbetsdagar”, “1 Werktag”"},
	{"processing.readiness", "made_to_order or ready_to_ship"},
	{"processing.backorder", "true when the item waits for stock"},
	{"processing.ships_on", "a pre-order's release date: “1 mars”, or \"\""},
	{"processing.ships_on_iso", "2027-03-01, or \"\""},
	{"cutoff.at", "today's order cutoff, as the shop's clock reads it: “14:00”, “2:00 PM”"},
	{"cutoff.at_iso", "the cutoff instant: 2026-11-30T14:00:00+01:00"},
	{"cutoff.ships_today", "true when an order placed before the cutoff ships today"},
	{"remaining", "the placeholder “{remaining}”, which the storefront replaces with the time left to the cutoff (countdown templates)"},
	{"shop", "the shop (its myshopify.com domain until the shop's name is synced)"},
	{"country", "the destination country code: SE"},
	{"country_name", "the destination country in the message's language: “Sverige”, “Schweden”"},
	{"method", "the shipping method's name: PostNord"},
	{"locale", "the message's locale: sv"},
	{"available", "false when the product (or every line of the cart) is sold out"},
	{"today_iso", "the shop's date today: 2026-11-28"},
}

// Variable is one documented template variable.
type Variable struct {
	Name  string
	About string
}

// scope is Variables, for the sandbox's check that a template reads only
// them.
var scope = func() *liquidsandbox.Scope {
	names := make([]string, len(Variables))
	for i, v := range Variables {
		names[i] = v.Name
	}
	return liquidsandbox.NewScope(names...)
}()

// bindings are the values of Variables for s, said in l. relative says
// whether ranges may use "today" and "tomorrow" (not in emails).
func bindings(l *lang, s *subject, shop string, relative bool) map[string]any {
	window := func(w delivery.Window, pair bool) map[string]any {
		if !s.available || w.Earliest == delivery.NoDate {
			return map[string]any{"range": "", "earliest": "", "latest": "", "earliest_iso": "", "latest_iso": ""}
		}
		withYear := needsYear(w.Earliest, s.today) || needsYear(w.Latest, s.today)
		return map[string]any{
			"range":        l.window(w, s.today, relative, pair),
			"earliest":     l.weekdayDate(w.Earliest, withYear),
			"latest":       l.weekdayDate(w.Latest, withYear),
			"earliest_iso": w.Earliest.String(),
			"latest_iso":   w.Latest.String(),
		}
	}
	shipsOn, shipsOnISO := "", ""
	if s.shipsOn != delivery.NoDate {
		shipsOn, shipsOnISO = l.date(s.shipsOn, needsYear(s.shipsOn, s.today)), s.shipsOn.String()
	}
	cutoffAt, cutoffISO := "", ""
	if s.available && !s.cutoffAt.IsZero() {
		cutoffAt = l.clock(s.cutoffAt.Hour()*60 + s.cutoffAt.Minute())
		cutoffISO = s.cutoffAt.Format(time.RFC3339)
	}
	days := ""
	if s.available {
		days = l.days(s.minDays, s.maxDays)
	}
	readiness := string(s.readiness)
	if readiness == "" {
		readiness = string(delivery.ReadyToShip)
	}
	return map[string]any{
		"ships":    window(s.ships, s.pair()),
		"delivery": window(s.delivery, false),
		"processing": map[string]any{
			"min_days": s.minDays, "max_days": s.maxDays, "days": days,
			"readiness": readiness, "backorder": s.backorder,
			"ships_on": shipsOn, "ships_on_iso": shipsOnISO,
		},
		"cutoff": map[string]any{
			"at": cutoffAt, "at_iso": cutoffISO, "ships_today": s.available && s.shipsToday,
		},
		"remaining":    "{remaining}",
		"shop":         shop,
		"country":      s.country,
		"country_name": countryName(l.tag, s.country),
		"method":       s.method,
		"locale":       l.tag,
		"available":    s.available,
		"today_iso":    s.today.String(),
		// Liquid's empty and blank, as they compare with our values (all
		// strings, numbers and booleans): x == empty when x is "".
		"empty": "", "blank": "",
	}
}

// sampleSubject is a typical answer, for checking templates when they are
// saved: Saturday 28 Nov 2026, made to order in 5–8 days.
func sampleSubject() subject {
	today := delivery.DateOf(2026, time.November, 28)
	return subject{
		available: true, today: today,
		ships:    delivery.Window{Earliest: today + 9, Latest: today + 12},
		delivery: delivery.Window{Earliest: today + 10, Latest: today + 17},
		minDays:  5, maxDays: 8, readiness: delivery.MadeToOrder, shipsOn: delivery.NoDate,
		cutoffAt: time.Date(2026, time.November, 30, 14, 0, 0, 0, time.UTC),
		country:  "SE", method: "PostNord",
	}
}
