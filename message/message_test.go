package message

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

func TestResolveLocale(t *testing.T) {
	for _, tc := range []struct{ requested, primary, want string }{
		{"sv", "en", "sv"},
		{"sv-SE", "en", "sv"},
		{"SV_se", "en", "sv"},
		{"de-AT", "en", "de"},
		{"fr-CA", "sv", "fr"},
		{"en-GB", "sv", "en-GB"},
		{"en-gb", "sv", "en-GB"},
		{"en-AU", "sv", "en-GB"},
		{"en-US", "sv", "en"},
		{"no", "en", "nb"},
		{"nn-NO", "en", "nb"},
		{"nb-NO", "en", "nb"},
		{"pt-BR", "sv", "sv"},    // unknown language: the shop's primary locale
		{"pt-BR", "de-CH", "de"}, // whose language counts too
		{"pt-BR", "pt", "en"},    // neither: en
		{"", "fi", "fi"},         // none asked for
		{"", "", "en"},           // nothing at all
		{"zz-Latn-ZZ", "", "en"}, // well-formed but unknown
		{"{{x}}", "nl", "nl"},    // not a locale at all: never an error
		{strings.Repeat("a", 100), "da", "da"},
	} {
		if got := Resolve(tc.requested, tc.primary); got != tc.want {
			t.Errorf("Resolve(%q, %q) = %q, want %q", tc.requested, tc.primary, got, tc.want)
		}
	}
}

func TestPluralRules(t *testing.T) {
	// CLDR cardinal rules for whole numbers.
	for _, tc := range []struct {
		rule pluralRule
		name string
		ones []int
		rest []int
	}{
		{oneIsOne, "en/sv/de/nl/da/nb/fi", []int{1}, []int{0, 2, 3, 11, 21, 101}},
		{zeroAndOneAreOne, "fr", []int{0, 1}, []int{2, 3, 21, 101}},
		{spanishPlural, "es", []int{1}, []int{0, 2, 21}},
	} {
		for _, n := range tc.ones {
			if tc.rule(n) != one {
				t.Errorf("%s: %d is not singular", tc.name, n)
			}
		}
		for _, n := range tc.rest {
			if tc.rule(n) != other {
				t.Errorf("%s: %d is not plural", tc.name, n)
			}
		}
	}
	if zeroAndOneAreOne(1_000_000) != many || spanishPlural(2_000_000) != many {
		t.Error("fr and es: whole millions are not “many”")
	}
	for _, tc := range []struct {
		locale   string
		min, max int
		want     string
	}{
		{"sv", 1, 1, "1 arbetsdag"},
		{"sv", 3, 3, "3 arbetsdagar"},
		{"sv", 1, 3, "1–3 arbetsdagar"},
		{"sv", 0, 1, "0–1 arbetsdagar"},
		{"de", 1, 1, "1 Werktag"},
		{"de", 3, 3, "3 Werktage"},
		{"en", 1, 1, "1 business day"},
		{"en", 0, 0, "0 business days"},
		{"fr", 0, 0, "0 jour ouvré"},
		{"fr", 1, 1, "1 jour ouvré"},
		{"fr", 0, 1, "0–1 jour ouvré"},
		{"fr", 2, 2, "2 jours ouvrés"},
		{"fr", 1, 2, "1–2 jours ouvrés"},
		{"es", 1, 1, "1 día hábil"},
		{"es", 2, 5, "2–5 días hábiles"},
		{"nl", 1, 1, "1 werkdag"},
		{"nl", 2, 2, "2 werkdagen"},
		{"da", 1, 1, "1 hverdag"},
		{"da", 4, 4, "4 hverdage"},
		{"nb", 1, 1, "1 virkedag"},
		{"nb", 4, 4, "4 virkedager"},
		{"fi", 1, 1, "1 arkipäivä"},
		{"fi", 3, 3, "3 arkipäivää"},
	} {
		if got := langs[tc.locale].days(tc.min, tc.max); got != tc.want {
			t.Errorf("%s days(%d, %d) = %q, want %q", tc.locale, tc.min, tc.max, got, tc.want)
		}
	}
}

// TestDateRanges checks issue 3's examples and the shapes of ranges: the
// same month, across months, across years.
func TestDateRanges(t *testing.T) {
	today := date(2026, time.November, 20)
	dec3, dec5 := date(2026, time.December, 3), date(2026, time.December, 5)
	nov30 := date(2026, time.November, 30)
	dec30, jan4 := date(2026, time.December, 30), date(2027, time.January, 4)
	for _, tc := range []struct {
		locale            string
		sameMonth, months string
		years, yearsFar   string
	}{
		{"sv", "3–5 dec", "30 nov–3 dec", "30 dec–4 jan", "30 dec 2027–4 jan 2028"},
		{"en", "Dec 3–5", "Nov 30 – Dec 3", "Dec 30 – Jan 4", "Dec 30, 2027 – Jan 4, 2028"},
		{"en-GB", "3–5 Dec", "30 Nov – 3 Dec", "30 Dec – 4 Jan", "30 Dec 2027 – 4 Jan 2028"},
		{"de", "3.–5. Dez.", "30. Nov. – 3. Dez.", "30. Dez. – 4. Jan.", "30. Dez. 2027 – 4. Jan. 2028"},
		{"fr", "3–5 déc.", "30 nov. – 3 déc.", "30 déc. – 4 janv.", "30 déc. 2027 – 4 janv. 2028"},
		{"es", "3–5 dic", "30 nov – 3 dic", "30 dic – 4 ene", "30 dic 2027 – 4 ene 2028"},
		{"nl", "3–5 dec.", "30 nov. – 3 dec.", "30 dec. – 4 jan.", "30 dec. 2027 – 4 jan. 2028"},
		{"da", "3.–5. dec.", "30. nov.–3. dec.", "30. dec.–4. jan.", "30. dec. 2027–4. jan. 2028"},
		{"nb", "3.–5. des.", "30. nov.–3. des.", "30. des.–4. jan.", "30. des. 2027–4. jan. 2028"},
		{"fi", "3.–5.12.", "30.11.–3.12.", "30.12.–4.1.", "30.12.2027–4.1.2028"},
	} {
		l := langs[tc.locale]
		for _, c := range []struct {
			from, to delivery.Date
			want     string
		}{
			{dec3, dec5, tc.sameMonth},
			{nov30, dec3, tc.months},
			{dec30, jan4, tc.years},
			{dec30 + 365, jan4 + 365, tc.yearsFar},
		} {
			if got := l.span(c.from, c.to, today); got != c.want {
				t.Errorf("%s: %s..%s = %q, want %q", tc.locale, c.from, c.to, got, c.want)
			}
		}
	}
	// In a sentence, French and Spanish say a range with words.
	w := delivery.Window{Earliest: dec3, Latest: dec5}
	if got := french.window(w, today, true, false); got != "du 3 au 5 déc." {
		t.Errorf("fr window = %q", got)
	}
	if got := french.window(delivery.Window{Earliest: date(2026, time.December, 1), Latest: dec3}, today, true, false); got != "du 1er au 3 déc." {
		t.Errorf("fr window from the 1st = %q", got)
	}
	if got := spanish.window(w, today, true, false); got != "del 3 al 5 dic" {
		t.Errorf("es window = %q", got)
	}
}

func TestRelativeDays(t *testing.T) {
	tue := date(2026, time.December, 1)
	for _, tc := range []struct {
		locale                string
		today, tomorrow, both string
	}{
		{"en", "today", "tomorrow", "today or tomorrow"},
		{"sv", "idag", "imorgon", "idag eller imorgon"},
		{"de", "heute", "morgen", "heute oder morgen"},
		{"fr", "aujourd’hui", "demain", "aujourd’hui ou demain"},
		{"es", "hoy", "mañana", "hoy o mañana"},
		{"nl", "vandaag", "morgen", "vandaag of morgen"},
		{"da", "i dag", "i morgen", "i dag eller i morgen"},
		{"nb", "i dag", "i morgen", "i dag eller i morgen"},
		{"fi", "tänään", "huomenna", "tänään tai huomenna"},
	} {
		l := langs[tc.locale]
		for _, c := range []struct {
			w    delivery.Window
			want string
		}{
			{delivery.Window{Earliest: tue, Latest: tue}, tc.today},
			{delivery.Window{Earliest: tue + 1, Latest: tue + 1}, tc.tomorrow},
			{delivery.Window{Earliest: tue, Latest: tue + 1}, tc.both},
		} {
			if got := l.window(c.w, tue, true, false); got != c.want {
				t.Errorf("%s: %v = %q, want %q", tc.locale, c.w, got, c.want)
			}
		}
		// Words relative to the shop's day, not to the dates: read a day
		// later, tomorrow is today.
		if got := l.window(delivery.Window{Earliest: tue + 1, Latest: tue + 1}, tue+1, true, false); got != tc.today {
			t.Errorf("%s: read on the day = %q, want %q", tc.locale, got, tc.today)
		}
		// Emails never say today or tomorrow.
		if got := l.emailWindow(delivery.Window{Earliest: tue, Latest: tue}, tue); got == tc.today || strings.Contains(got, tc.today) {
			t.Errorf("%s: email says %q", tc.locale, got)
		}
	}
}

func TestKinds(t *testing.T) {
	sat := date(2026, time.November, 28)
	base := func() *delivery.Answer {
		return answer(sat, date(2026, time.December, 7), date(2026, time.December, 10), date(2026, time.December, 8), date(2026, time.December, 15))
	}
	pre := base()
	pre.Processing.ShipsOn = date(2027, time.March, 1)
	released := base()
	released.Processing.ShipsOn = sat // a ships_on date that has come is no pre-order
	back := base()
	back.Processing.Backorder = true
	preBack := base()
	preBack.Processing.ShipsOn, preBack.Processing.Backorder = date(2027, time.March, 1), true
	sold := base()
	sold.Available = false
	for _, tc := range []struct {
		name string
		a    *delivery.Answer
		want Kind
	}{
		{"product", base(), KindProduct},
		{"pre-order", pre, KindPreorder},
		{"released pre-order", released, KindProduct},
		{"backorder", back, KindBackorder},
		{"pre-order on backorder", preBack, KindPreorder},
		{"sold out", sold, KindUnavailable},
	} {
		if got := KindOf(tc.a); got != tc.want {
			t.Errorf("%s: KindOf = %s, want %s", tc.name, got, tc.want)
		}
		if got := ForAnswer(tc.a, "en").Kind; got != tc.want {
			t.Errorf("%s: ForAnswer().Kind = %s, want %s", tc.name, got, tc.want)
		}
	}
	if got, want := ForAnswer(pre, "en").Text, "Pre-order · Ships from Dec 7 · Arrives Dec 8–15"; got != want {
		t.Errorf("pre-order text = %q, want %q", got, want)
	}
}

// TestCountdownOnlyWhenItCanComeTrue: the countdown exists only when the
// order ships today if placed before the cutoff (cutoff.ships_today).
func TestCountdownOnlyWhenItCanComeTrue(t *testing.T) {
	tue := date(2026, time.December, 1)
	a := answer(tue, tue, tue+1, tue+1, tue+3)
	for _, locale := range Locales() {
		if m := ForAnswer(a, locale); m.Countdown != "" || m.Remaining != nil {
			t.Errorf("%s: a countdown (%q) although ships_today is false", locale, m.Countdown)
		}
	}
	shipsToday(a, 1)
	for _, locale := range Locales() {
		m := ForAnswer(a, locale)
		if !strings.Contains(m.Countdown, "{remaining}") || m.Remaining == nil {
			t.Errorf("%s: countdown = %q, %v; want a pattern with {remaining}", locale, m.Countdown, m.Remaining)
		}
		if e := Email(nil, a, locale); e.Countdown != "" {
			t.Errorf("%s: an email counts down: %q", locale, e.Countdown)
		}
	}
	sold := *a
	sold.Available = false
	if m := ForAnswer(&sold, "en"); m.Countdown != "" {
		t.Errorf("sold out: countdown %q", m.Countdown)
	}
	// The JSON answer is cached: it holds the pattern, never a time left.
	b, _ := json.Marshal(ForAnswer(a, "en"))
	if want := `"countdown":"Order within {remaining} to ship today","remaining":{"hours":"{h} h {m} min","minutes":"{m} min"}`; !strings.Contains(string(b), want) {
		t.Errorf("JSON = %s, want it to contain %s", b, want)
	}
}

func TestCountdownAt(t *testing.T) {
	tue := date(2026, time.December, 1)
	a := shipsToday(answer(tue, tue, tue+1, tue+1, tue+3), 1)
	cutoff := a.Cutoff.At
	for _, tc := range []struct {
		locale string
		left   time.Duration
		want   string
	}{
		{"en", 3*time.Hour + 12*time.Minute + 59*time.Second, "Order within 3 h 12 min to ship today"},
		{"sv", 3*time.Hour + 12*time.Minute, "Beställ inom 3 tim 12 min så skickar vi idag"},
		{"de", 3*time.Hour + 12*time.Minute, "Bestellen Sie innerhalb von 3 Std. 12 Min. – Versand noch heute"},
		{"fr", 3*time.Hour + 12*time.Minute, "Commandez dans les 3 h 12 min pour une expédition aujourd’hui"},
		{"sv", 45 * time.Minute, "Beställ inom 45 min så skickar vi idag"},
		{"en", 20 * time.Second, "Order within 1 min to ship today"},
		{"da", 61 * time.Minute, "Bestil inden for 1 t. 1 min., så sender vi i dag"},
	} {
		m := ForAnswer(a, tc.locale)
		got, ok := m.CountdownAt(cutoff, cutoff.Add(-tc.left))
		if !ok || got != tc.want {
			t.Errorf("%s, %v left: %q, %v; want %q", tc.locale, tc.left, got, ok, tc.want)
		}
	}
	m := ForAnswer(a, "en")
	for _, now := range []time.Time{cutoff, cutoff.Add(time.Second), cutoff.Add(24 * time.Hour)} {
		if got, ok := m.CountdownAt(cutoff, now); ok {
			t.Errorf("at %v, after the cutoff: %q", now, got)
		}
	}
}

// TestNoClock: a message depends on the answer's Today, never on when it
// is computed.
func TestNoClock(t *testing.T) {
	d := date(2030, time.June, 3)
	a := answer(d, d, d, d+1, d+1)
	if got := ForAnswer(a, "sv").Text; got != "Skickas idag · Levereras imorgon" {
		t.Errorf("read on %s: %q", d, got)
	}
}

func TestHTMLIsEscaped(t *testing.T) {
	m := newMessage(&english, KindProduct, `<script>alert("x")</script> & {{ shop }}`)
	want := `<span class="leadtime-message leadtime-message--product" lang="en">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; {{ shop }}</span>`
	if m.HTML != want {
		t.Errorf("HTML = %s\nwant   %s", m.HTML, want)
	}
}

func TestCountryNames(t *testing.T) {
	for _, tc := range []struct{ locale, code, want string }{
		{"sv", "SE", "Sverige"}, {"de", "SE", "Schweden"}, {"fr", "DE", "Allemagne"},
		{"fi", "SE", "Ruotsi"}, {"en", "US", "United States"}, {"en", "XX", "XX"}, {"en", "*", "*"},
	} {
		if got := countryName(tc.locale, tc.code); got != tc.want {
			t.Errorf("countryName(%s, %s) = %q, want %q", tc.locale, tc.code, got, tc.want)
		}
	}
}

func TestEveryLocaleIsComplete(t *testing.T) {
	for _, tag := range Locales() {
		l := langs[tag]
		if l == nil || l.tag != tag {
			t.Fatalf("%s: missing or mistagged", tag)
		}
		checkFilled(t, tag, *l)
	}
}

// checkFilled fails for an empty text of a language: every built-in
// language says everything.
func checkFilled(t *testing.T, tag string, l lang) {
	t.Helper()
	texts := map[string]string{
		"today": l.today, "tomorrow": l.tomorrow, "todayOrTomorrow": l.todayOrTomorrow, "betweenFmt": l.betweenFmt,
		"orFmt": l.orFmt, "product": l.product, "cart": l.cart, "preorder": l.preorder, "backorder": l.backorder,
		"email": l.email, "fromFmt": l.fromFmt, "countdown": l.countdown, "soldOut": l.soldOut,
		"cartUnavailable": l.cartUnavailable, "hoursMinutes": l.hoursMinutes, "minutesOnly": l.minutesOnly,
		"and": l.and, "or": l.or, "page.title": l.page.title, "page.intro": l.page.intro,
		"page.everyDay": l.page.everyDay, "page.closedNone": l.page.closedNone, "page.transitNote": l.page.transitNote,
	}
	for name, s := range texts {
		if s == "" {
			t.Errorf("%s: %s is empty", tag, name)
		}
	}
	for i, s := range append(l.months[:], append(l.weekdays[:], l.weekdaysLong[:]...)...) {
		if s == "" {
			t.Errorf("%s: calendar name %d is empty", tag, i)
		}
	}
}

func BenchmarkBuiltinMessage(b *testing.B) {
	sat := date(2026, time.November, 28)
	a := answer(sat, date(2026, time.December, 7), date(2026, time.December, 10), date(2026, time.December, 8), date(2026, time.December, 15))
	b.ReportAllocs()
	for b.Loop() {
		_ = ForAnswer(a, "sv")
	}
}
