package delivery

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// holidayOn returns the Holiday of calendar code on d, if there is one.
func holidayOn(code string, d Date) (Holiday, bool) {
	for _, h := range HolidaysIn(code, d.Year()) {
		if h.Date == d {
			return h, true
		}
	}
	return Holiday{}, false
}

func TestHolidaysIn(t *testing.T) {
	tests := []struct {
		code    string
		date    string
		weekday time.Weekday // checks the row itself against the calendar
		name    string       // "" means the day is not a holiday
	}{
		// Sweden, including the de-facto days off rickar marks ObservanceOther.
		{"SE", "2027-03-26", time.Friday, "Långfredagen"},
		{"SE", "2027-03-29", time.Monday, "Annandag påsk"},
		{"SE", "2027-05-06", time.Thursday, "Kristi himmelsfärds dag"},
		{"SE", "2027-06-06", time.Sunday, "Sveriges nationaldag"},
		{"SE", "2027-06-25", time.Friday, "Midsommarafton"},
		{"SE", "2027-06-26", time.Saturday, "Midsommardagen"},
		{"SE", "2027-12-24", time.Friday, "Julafton"},
		{"SE", "2027-12-31", time.Friday, "Nyårsafton"},
		{"SE", "2028-04-13", time.Thursday, ""}, // Skärtorsdagen is a working day in Sweden
		{"SE", "2028-04-14", time.Friday, "Långfredagen"},
		{"SE", "2028-04-17", time.Monday, "Annandag påsk"},
		{"SE", "2028-06-23", time.Friday, "Midsommarafton"},
		{"SE", "2028-06-22", time.Thursday, ""},

		// Norway keeps Maundy Thursday.
		{"NO", "2028-04-13", time.Thursday, "Skjærtorsdag"},
		{"NO", "2028-04-14", time.Friday, "Langfredag"},
		{"NO", "2028-04-17", time.Monday, "Andre påskedag"},
		{"NO", "2028-05-17", time.Wednesday, "Grunnlovsdag"},
		{"NO", "2028-06-05", time.Monday, "Andre pinsedag"},

		// United States, with observed substitutes on both sides of a year end.
		{"US", "2026-11-26", time.Thursday, "Thanksgiving Day"},
		{"US", "2027-11-25", time.Thursday, "Thanksgiving Day"},
		{"US", "2026-07-03", time.Friday, "Independence Day (observed)"},
		{"US", "2026-07-04", time.Saturday, "Independence Day"},
		{"US", "2027-05-31", time.Monday, "Memorial Day"},
		{"US", "2027-11-11", time.Thursday, "Veterans Day"},
		{"US", "2027-12-24", time.Friday, "Christmas Day (observed)"},
		{"US", "2027-12-31", time.Friday, "New Year's Day (observed)"}, // for Sat 1 Jan 2028
		{"US", "2028-01-01", time.Saturday, "New Year's Day"},
		{"US", "2026-12-31", time.Thursday, ""},

		// Finland, defined in our code.
		{"FI", "2027-01-01", time.Friday, "Uudenvuodenpäivä"},
		{"FI", "2027-01-06", time.Wednesday, "Loppiainen"},
		{"FI", "2027-03-26", time.Friday, "Pitkäperjantai"},
		{"FI", "2027-03-28", time.Sunday, "Pääsiäispäivä"},
		{"FI", "2027-03-29", time.Monday, "2. pääsiäispäivä"},
		{"FI", "2027-05-01", time.Saturday, "Vappu"},
		{"FI", "2027-05-06", time.Thursday, "Helatorstai"},
		{"FI", "2027-05-16", time.Sunday, "Helluntaipäivä"},
		{"FI", "2027-06-25", time.Friday, "Juhannusaatto"},
		{"FI", "2027-06-26", time.Saturday, "Juhannuspäivä"},
		{"FI", "2027-11-06", time.Saturday, "Pyhäinpäivä"},
		{"FI", "2027-12-06", time.Monday, "Itsenäisyyspäivä"},
		{"FI", "2027-12-24", time.Friday, "Jouluaatto"},
		{"FI", "2027-12-25", time.Saturday, "Joulupäivä"},
		{"FI", "2027-12-26", time.Sunday, "Tapaninpäivä"},
		{"FI", "2026-06-19", time.Friday, "Juhannusaatto"},
		{"FI", "2026-10-31", time.Saturday, "Pyhäinpäivä"},
		{"FI", "2027-04-01", time.Thursday, ""},
		{"FI", "2027-12-31", time.Friday, ""},

		// Germany: Corpus Christi is a Bavarian holiday, not a national one.
		{"DE-BY", "2027-05-27", time.Thursday, "Fronleichnam"},
		{"DE-BY", "2027-01-06", time.Wednesday, "Heilige Drei Könige"},
		{"DE-BY", "2027-10-03", time.Sunday, "Tag der Deutschen Einheit"},
		{"DE-BY", "2027-03-26", time.Friday, "Karfreitag"},
		{"DE", "2027-05-27", time.Thursday, ""},
		{"DE", "2027-10-03", time.Sunday, "Tag der Deutschen Einheit"},
		{"DE-BE", "2027-03-08", time.Monday, "Frauentag"},
		{"DE-BY", "2027-03-08", time.Monday, ""},

		// Australia: AU is what all states share; Melbourne Cup is Victoria's.
		{"AU", "2026-01-26", time.Monday, "Australia Day"},
		{"AU", "2026-04-03", time.Friday, "Good Friday"},
		{"AU", "2026-12-28", time.Monday, "Boxing Day (observed)"},
		{"AU", "2026-11-03", time.Tuesday, ""},
		{"AU-VIC", "2026-11-03", time.Tuesday, "Melbourne Cup"},
		{"AU-NSW", "2026-11-03", time.Tuesday, ""},

		// Switzerland: CH is what all cantons share.
		{"CH", "2026-08-01", time.Saturday, "Bundesfeiertag"},
		{"CH", "2026-05-14", time.Thursday, "Auffahrt"},
		{"CH", "2026-06-04", time.Thursday, ""}, // Fronleichnam, cantonal only
		{"CH-LU", "2027-05-27", time.Thursday, "Fronleichnam"},
		{"CH-ZH", "2027-05-27", time.Thursday, ""},

		// Upstream errors we patch.
		{"AR", "2026-04-03", time.Friday, "Viernes Santo"},
		{"AR", "2026-04-02", time.Thursday, "Día de los Veteranos de la Guerra de Malvinas"},
		{"AR", "2027-03-25", time.Thursday, ""},
		{"AR", "2027-03-26", time.Friday, "Viernes Santo"},
		{"GR", "2026-01-01", time.Thursday, "Πρωτοχρονιά"},

		// Two holidays on one day are one day off.
		{"RO", "2026-06-01", time.Monday, "Ziua Copilului / Luni după Rusalii"},

		// Others, from rickar's national lists.
		{"GB", "2027-12-27", time.Monday, "Christmas Day (observed)"},
		{"GB", "2027-12-28", time.Tuesday, "Boxing Day (observed)"},
		{"DK", "2026-04-02", time.Thursday, "Skærtorsdag"},
		{"DK", "2026-05-01", time.Friday, ""}, // Store bededag was abolished in 2024
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.date)
		if err != nil {
			t.Fatalf("bad test date %q: %v", tt.date, err)
		}
		if d.Weekday() != tt.weekday {
			t.Fatalf("test row %s %s: is a %v, not a %v", tt.code, tt.date, d.Weekday(), tt.weekday)
		}
		h, ok := holidayOn(tt.code, d)
		switch {
		case tt.name == "" && ok:
			t.Errorf("HolidaysIn(%q, %d) has %v %q, want no holiday", tt.code, d.Year(), d, h.Name)
		case tt.name != "" && !ok:
			t.Errorf("HolidaysIn(%q, %d) has no holiday on %v, want %q", tt.code, d.Year(), d, tt.name)
		case tt.name != "" && h.Name != tt.name:
			t.Errorf("HolidaysIn(%q, %d) on %v = %q, want %q", tt.code, d.Year(), d, h.Name, tt.name)
		}
	}
}

func TestHolidaysInSwedenDeFacto(t *testing.T) {
	// DESIGN §3: Julafton, Nyårsafton and Midsommarafton count as days off.
	for year := 2020; year <= 2040; year++ {
		names := map[string]bool{}
		for _, h := range HolidaysIn("SE", year) {
			names[h.Name] = true
		}
		for _, want := range []string{"Julafton", "Nyårsafton", "Midsommarafton"} {
			if !names[want] {
				t.Errorf("HolidaysIn(%q, %d) = %v, want it to include %s", "SE", year, HolidaysIn("SE", year), want)
			}
		}
	}
}

func TestHolidaysInWellFormed(t *testing.T) {
	for _, code := range Calendars() {
		for year := 2000; year <= 2060; year++ {
			hs := HolidaysIn(code, year)
			if len(hs) < 4 {
				t.Errorf("HolidaysIn(%q, %d) = %v, want at least 4 days", code, year, hs)
			}
			for i, h := range hs {
				if h.Date.Year() != year {
					t.Errorf("HolidaysIn(%q, %d)[%d] = %v %q, not in %d", code, year, i, h.Date, h.Name, year)
				}
				if strings.TrimSpace(h.Name) == "" {
					t.Errorf("HolidaysIn(%q, %d)[%d] on %v has no name", code, year, i, h.Date)
				}
				if i > 0 && hs[i-1].Date >= h.Date {
					t.Errorf("HolidaysIn(%q, %d): %v then %v, want strictly increasing dates", code, year, hs[i-1].Date, h.Date)
				}
			}
		}
	}
}

func TestHolidaysInSubdivisions(t *testing.T) {
	has := func(code string, year int) map[Date]bool {
		m := map[Date]bool{}
		for _, h := range HolidaysIn(code, year) {
			m[h.Date] = true
		}
		return m
	}
	for _, code := range Calendars() {
		country, _, ok := strings.Cut(code, "-")
		if !ok {
			continue
		}
		for _, year := range []int{2026, 2027, 2028} {
			// Every national day off is a day off in each subdivision.
			sub := has(code, year)
			for _, h := range HolidaysIn(country, year) {
				if !sub[h.Date] {
					t.Errorf("HolidaysIn(%q, %d) lacks %v %q, which %s has", code, year, h.Date, h.Name, country)
				}
			}
		}
	}
}

func TestHolidaysInUnknown(t *testing.T) {
	for _, code := range []string{"", "XX", "se", "de-by", "DE-XX", "AU-", "*", "EU", "ECB", "AA"} {
		if got := HolidaysIn(code, 2027); got != nil {
			t.Errorf("HolidaysIn(%q, 2027) = %v, want nil", code, got)
		}
	}
}

func TestHolidaysInFreshSlice(t *testing.T) {
	a := HolidaysIn("SE", 2027)
	a[0].Name = "changed"
	if b := HolidaysIn("SE", 2027); b[0].Name == "changed" {
		t.Errorf("HolidaysIn(%q, %d) shares its result between calls", "SE", 2027)
	}
}

func TestHolidayJSON(t *testing.T) {
	b, err := json.Marshal(Holiday{Date: DateOf(2027, time.June, 25), Name: "Midsommarafton"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"date":"2027-06-25","name":"Midsommarafton"}`; got != want {
		t.Errorf("json.Marshal(Holiday) = %s, want %s", got, want)
	}
}

func TestKnownCalendar(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"SE", true}, {"FI", true}, {"NO", true}, {"US", true}, {"GB", true},
		{"DE", true}, {"DE-BY", true}, {"DE-TH", true},
		{"AU", true}, {"AU-NSW", true}, {"AU-ACT", true},
		{"CH", true}, {"CH-ZH", true}, {"CH-GE", true},
		{"XX", false}, {"se", false}, {"de-by", false}, {"", false}, {"*", false},
		{"UK", false}, {"EU", false}, {"ECB", false}, {"DE-XX", false}, {"SE-AB", false},
	}
	for _, tt := range tests {
		if got := KnownCalendar(tt.code); got != tt.want {
			t.Errorf("KnownCalendar(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestCalendars(t *testing.T) {
	codes := Calendars()
	if !slices.IsSorted(codes) {
		t.Errorf("Calendars() = %v, want sorted", codes)
	}
	if len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Errorf("Calendars() = %v, want no duplicates", codes)
	}
	for _, want := range []string{"AR", "AT", "AU", "BE", "BG", "BR", "CA", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "GR", "HR", "IE", "IT", "JP", "LT", "LV", "MW", "NC", "NL", "NO", "NZ", "PL", "RO", "RU", "SE", "SI", "SK", "UA", "US", "ZA"} {
		if !slices.Contains(codes, want) {
			t.Errorf("Calendars() = %v, want it to include %s", codes, want)
		}
	}
	for _, code := range codes {
		if !KnownCalendar(code) {
			t.Errorf("KnownCalendar(%q) = false for a code in Calendars()", code)
		}
		country, _, _ := strings.Cut(code, "-")
		if !KnownCountry(country) {
			t.Errorf("calendar %q: KnownCountry(%q) = false", code, country)
		}
	}
	codes[0] = "changed"
	if Calendars()[0] == "changed" {
		t.Errorf("Calendars() shares its result between calls")
	}
}

func TestHolidaysInConcurrent(t *testing.T) {
	// Run with -race: HolidaysIn must not share mutable state.
	codes := Calendars()
	want := make(map[string][]Holiday, len(codes))
	for _, code := range codes {
		want[code] = HolidaysIn(code, 2027)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range codes {
				code := codes[(i+g*7)%len(codes)]
				for year := 2026; year <= 2028; year++ {
					got := HolidaysIn(code, year)
					if year == 2027 && !slices.Equal(got, want[code]) {
						t.Errorf("HolidaysIn(%q, %d) concurrently = %v, want %v", code, year, got, want[code])
					}
				}
				_ = KnownCalendar(code)
				_ = Calendars()
			}
		}()
	}
	wg.Wait()
}
