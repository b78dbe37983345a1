package delivery

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/ar"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/au"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/mw"
	"github.com/rickar/cal/v2/nc"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/nz"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/ru"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"
	"github.com/rickar/cal/v2/ua"
	"github.com/rickar/cal/v2/us"
	"github.com/rickar/cal/v2/za"
)

// Holiday is one day off of a holiday calendar: a public holiday, an observed
// substitute, or a de-facto day off.
type Holiday struct {
	Date Date   `json:"date"`
	Name string `json:"name"` // local name, e.g. "Midsommarafton"
}

// Where the data comes from, and the choices made:
//
//   - A country calendar is rickar/cal's national Holidays list, upper-cased
//     as the ISO 3166-1 code ("GB" is rickar's gb: England and Wales bank
//     holidays). ecb and aa are not countries and are left out.
//   - Every entry of a list counts as a day off, whatever its ObservanceType:
//     rickar marks real public holidays as ObservanceUnknown in several
//     countries (BR Tiradentes, IE, NL Koningsdag...), and Sweden's de-facto
//     days off Julafton, Midsommarafton and Nyårsafton as ObservanceOther,
//     which DESIGN §3 says count.
//   - When a holiday is observed on another day (US Independence Day on a
//     Saturday is observed the Friday before), both days are off; the
//     substitute is named "<name> (observed)". A substitute can fall in the
//     neighbouring year (New Year's Day on a Saturday, observed 31 Dec), so
//     each year also looks at the holidays of the years either side.
//   - Two holidays on one date give one Holiday whose names are joined by " / ".
//   - Subdivisions use ISO 3166-2 codes. "DE-BY" etc. are Germany's national
//     list plus the state's list. "AU-NSW" etc. and "CH-ZH" etc. are rickar's
//     state and canton lists, which are complete on their own.
//   - "AU" and "CH" are the days off common to all their states or cantons.
//     rickar has no national list for Australia, and its ch.Holidays is the
//     union of cantonal holidays (Josefstag, Fronleichnam...), not days off
//     nationwide. The common days are what a carrier can be expected to
//     observe everywhere; a shop in one state or canton should use its code.
//   - "FI" is not in rickar; it is defined below from the official list.
//   - Two upstream errors are patched in holidayFixes.
//
// holCalendars is built once at start-up and only read afterwards, and each
// Calc runs on a private copy of the cal.Holiday, so HolidaysIn is safe for
// concurrent use. Nothing here uses cal.BusinessCalendar (its cache races).
var holCalendars = buildHolCalendars()

// holCalendarCodes lists the keys of holCalendars, sorted.
var holCalendarCodes = func() []string {
	codes := make([]string, 0, len(holCalendars))
	for code := range holCalendars {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return codes
}()

// holCalendar is one holiday calendar: the days of all of lists, or, when
// allOf is set, the days common to all of those calendars.
type holCalendar struct {
	lists [][]*cal.Holiday
	allOf []string
}

// holidayFixes replaces upstream holidays that rickar v2.1.13 gets wrong.
var holidayFixes = map[*cal.Holiday]*cal.Holiday{
	// ar.EasternsDay, "Viernes Santo", is Easter-3: Thursday, not Good Friday.
	ar.EasternsDay: aa.GoodFriday.Clone(&cal.Holiday{Name: "Viernes Santo", Type: cal.ObservancePublic}),
	// gr.Protoxronia, 1 January, is named "Xristougenna" (Christmas).
	gr.Protoxronia: gr.Protoxronia.Clone(&cal.Holiday{Name: "Πρωτοχρονιά"}),
}

func buildHolCalendars() map[string]*holCalendar {
	national := map[string][]*cal.Holiday{
		"AR": ar.Holidays, "AT": at.Holidays, "BE": be.Holidays, "BG": bg.Holidays,
		"BR": br.Holidays, "CA": ca.Holidays, "CZ": cz.Holidays, "DE": de.Holidays,
		"DK": dk.Holidays, "ES": es.Holidays, "FI": fiHolidays, "FR": fr.Holidays,
		"GB": gb.Holidays, "GR": gr.Holidays, "HR": hr.Holidays, "IE": ie.Holidays,
		"IT": it.Holidays, "JP": jp.Holidays, "LT": lt.Holidays, "LV": lv.Holidays,
		"MW": mw.Holidays, "NC": nc.Holidays, "NL": nl.Holidays, "NO": no.Holidays,
		"NZ": nz.Holidays, "PL": pl.Holidays, "RO": ro.Holidays, "RU": ru.Holidays,
		"SE": se.Holidays, "SI": si.Holidays, "SK": sk.Holidays, "UA": ua.Holidays,
		"US": us.Holidays, "ZA": za.Holidays,
	}
	deStates := map[string][]*cal.Holiday{
		"BB": de.HolidaysBB, "BE": de.HolidaysBE, "BW": de.HolidaysBW, "BY": de.HolidaysBY,
		"HB": de.HolidaysHB, "HE": de.HolidaysHE, "HH": de.HolidaysHH, "MV": de.HolidaysMV,
		"NI": de.HolidaysNI, "NW": de.HolidaysNW, "RP": de.HolidaysRP, "SH": de.HolidaysSH,
		"SL": de.HolidaysSL, "SN": de.HolidaysSN, "ST": de.HolidaysST, "TH": de.HolidaysTH,
	}
	auStates := map[string][]*cal.Holiday{
		"ACT": au.HolidaysACT, "NSW": au.HolidaysNSW, "NT": au.HolidaysNT, "QLD": au.HolidaysQLD,
		"SA": au.HolidaysSA, "TAS": au.HolidaysTAS, "VIC": au.HolidaysVIC, "WA": au.HolidaysWA,
	}
	chCantons := map[string][]*cal.Holiday{
		"AG": ch.HolidaysAG, "AI": ch.HolidaysAI, "AR": ch.HolidaysAR, "BE": ch.HolidaysBE,
		"BL": ch.HolidaysBL, "BS": ch.HolidaysBS, "FR": ch.HolidaysFR, "GE": ch.HolidaysGE,
		"GL": ch.HolidaysGL, "GR": ch.HolidaysGR, "JU": ch.HolidaysJU, "LU": ch.HolidaysLU,
		"NE": ch.HolidaysNE, "NW": ch.HolidaysNW, "OW": ch.HolidaysOW, "SG": ch.HolidaysSG,
		"SH": ch.HolidaysSH, "SO": ch.HolidaysSO, "SZ": ch.HolidaysSZ, "TG": ch.HolidaysTG,
		"TI": ch.HolidaysTI, "UR": ch.HolidaysUR, "VD": ch.HolidaysVD, "VS": ch.HolidaysVS,
		"ZG": ch.HolidaysZG, "ZH": ch.HolidaysZH,
	}

	m := make(map[string]*holCalendar)
	add := func(code string, lists ...[]*cal.Holiday) {
		for i, list := range lists {
			fixed := make([]*cal.Holiday, len(list))
			for j, h := range list {
				if f, ok := holidayFixes[h]; ok {
					h = f
				}
				fixed[j] = h
			}
			lists[i] = fixed
		}
		m[code] = &holCalendar{lists: lists}
	}
	for code, list := range national {
		add(code, list)
	}
	for state, list := range deStates {
		add("DE-"+state, de.Holidays, list)
	}
	subdivisions := func(country string, lists map[string][]*cal.Holiday) {
		all := make([]string, 0, len(lists))
		for sub, list := range lists {
			add(country+"-"+sub, list)
			all = append(all, country+"-"+sub)
		}
		slices.Sort(all)
		m[country] = &holCalendar{allOf: all}
	}
	subdivisions("AU", auStates)
	subdivisions("CH", chCantons)
	return m
}

// KnownCalendar reports whether Leadtime has holiday data for the calendar code.
func KnownCalendar(code string) bool {
	_, ok := holCalendars[code]
	return ok
}

// Calendars lists every supported calendar code, sorted.
func Calendars() []string { return slices.Clone(holCalendarCodes) }

// HolidaysIn returns the days off of calendar code in year, sorted by date,
// without duplicates. An unknown code gives nil.
//
// It is safe for concurrent use. Each call computes the year afresh and
// returns a new slice; cache the result if it is needed often.
func HolidaysIn(code string, year int) []Holiday {
	c, ok := holCalendars[code]
	if !ok {
		return nil
	}
	return c.days(year)
}

func (c *holCalendar) days(year int) []Holiday {
	if c.allOf != nil {
		return commonHolidays(c.allOf, year)
	}
	out := []Holiday{}
	for _, list := range c.lists {
		for _, h := range list {
			// An observed substitute can cross a year boundary either way.
			for y := year - 1; y <= year+1; y++ {
				// Calc runs on a private copy: some upstream Funcs write to
				// their *cal.Holiday (jp.VernalEquinoxDay sets h.Day), which
				// would race on the shared package variable.
				hc := *h
				actual, observed := hc.Calc(y)
				if actual.IsZero() {
					continue
				}
				a := dateOfTime(actual)
				if a.Year() == year {
					out = append(out, Holiday{Date: a, Name: h.Name})
				}
				if observed.IsZero() {
					continue
				}
				if o := dateOfTime(observed); o != a && o.Year() == year {
					out = append(out, Holiday{Date: o, Name: h.Name + " (observed)"})
				}
			}
		}
	}
	return mergeHolidays(out)
}

// commonHolidays returns the days off of year that every calendar of codes
// has, named as in the first.
func commonHolidays(codes []string, year int) []Holiday {
	out := holCalendars[codes[0]].days(year)
	for _, code := range codes[1:] {
		other := holCalendars[code].days(year)
		out = slices.DeleteFunc(out, func(h Holiday) bool {
			_, found := slices.BinarySearchFunc(other, h.Date, func(o Holiday, d Date) int { return cmp.Compare(o.Date, d) })
			return !found
		})
	}
	return out
}

// mergeHolidays sorts hs by date and folds days that appear more than once
// into one, joining their distinct names with " / ".
func mergeHolidays(hs []Holiday) []Holiday {
	slices.SortStableFunc(hs, func(a, b Holiday) int { return cmp.Compare(a.Date, b.Date) })
	out := hs[:0]
	for _, h := range hs {
		if n := len(out); n > 0 && out[n-1].Date == h.Date {
			last := &out[n-1]
			if !slices.Contains(strings.Split(last.Name, " / "), h.Name) {
				last.Name += " / " + h.Name
			}
			continue
		}
		out = append(out, h)
	}
	return slices.Clip(out)
}

// dateOfTime is the calendar day of t as rickar/cal reports it: the start of
// a day in cal.DefaultLoc, read in its own location.
func dateOfTime(t time.Time) Date {
	y, m, d := t.Date()
	return DateOf(y, m, d)
}

// Finland, which rickar/cal v2.1.13 lacks: the public holidays of the
// Finnish holiday act plus the de-facto days off Juhannusaatto and
// Jouluaatto, which most workplaces and carriers keep as Sweden's eves.
var (
	fiUudenvuodenpaiva = aa.NewYear.Clone(&cal.Holiday{Name: "Uudenvuodenpäivä", Type: cal.ObservancePublic})
	fiLoppiainen       = aa.Epiphany.Clone(&cal.Holiday{Name: "Loppiainen", Type: cal.ObservancePublic})
	fiPitkaperjantai   = aa.GoodFriday.Clone(&cal.Holiday{Name: "Pitkäperjantai", Type: cal.ObservancePublic})
	fiPaasiaispaiva    = aa.Easter.Clone(&cal.Holiday{Name: "Pääsiäispäivä", Type: cal.ObservancePublic})
	fiToinenPaasiais   = aa.EasterMonday.Clone(&cal.Holiday{Name: "2. pääsiäispäivä", Type: cal.ObservancePublic})
	fiVappu            = aa.WorkersDay.Clone(&cal.Holiday{Name: "Vappu", Type: cal.ObservancePublic})
	fiHelatorstai      = aa.AscensionDay.Clone(&cal.Holiday{Name: "Helatorstai", Type: cal.ObservancePublic})
	fiHelluntaipaiva   = aa.Pentecost.Clone(&cal.Holiday{Name: "Helluntaipäivä", Type: cal.ObservancePublic})
	// Juhannusaatto is the Friday between 19 and 25 June.
	fiJuhannusaatto = &cal.Holiday{
		Name: "Juhannusaatto", Type: cal.ObservanceOther,
		Month: time.June, Day: 19, Weekday: time.Friday, Offset: 1, Func: cal.CalcWeekdayFrom,
	}
	// Juhannuspäivä is the Saturday between 20 and 26 June.
	fiJuhannuspaiva = &cal.Holiday{
		Name: "Juhannuspäivä", Type: cal.ObservancePublic,
		Month: time.June, Day: 20, Weekday: time.Saturday, Offset: 1, Func: cal.CalcWeekdayFrom,
	}
	// Pyhäinpäivä is the Saturday between 31 October and 6 November.
	fiPyhainpaiva = &cal.Holiday{
		Name: "Pyhäinpäivä", Type: cal.ObservancePublic,
		Month: time.October, Day: 31, Weekday: time.Saturday, Offset: 1, Func: cal.CalcWeekdayFrom,
	}
	fiItsenaisyyspaiva = &cal.Holiday{
		Name: "Itsenäisyyspäivä", Type: cal.ObservancePublic,
		Month: time.December, Day: 6, Func: cal.CalcDayOfMonth,
	}
	fiJouluaatto = &cal.Holiday{
		Name: "Jouluaatto", Type: cal.ObservanceOther,
		Month: time.December, Day: 24, Func: cal.CalcDayOfMonth,
	}
	fiJoulupaiva   = aa.ChristmasDay.Clone(&cal.Holiday{Name: "Joulupäivä", Type: cal.ObservancePublic})
	fiTapaninpaiva = aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Tapaninpäivä", Type: cal.ObservancePublic})

	fiHolidays = []*cal.Holiday{
		fiUudenvuodenpaiva,
		fiLoppiainen,
		fiPitkaperjantai,
		fiPaasiaispaiva,
		fiToinenPaasiais,
		fiVappu,
		fiHelatorstai,
		fiHelluntaipaiva,
		fiJuhannusaatto,
		fiJuhannuspaiva,
		fiPyhainpaiva,
		fiItsenaisyyspaiva,
		fiJouluaatto,
		fiJoulupaiva,
		fiTapaninpaiva,
	}
)
