package message

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

func date(y int, m time.Month, d int) delivery.Date { return delivery.DateOf(y, m, d) }

// answer builds a product answer read on today: ships and arrives in the
// given windows, with the cutoff at 14:00 on day0.
func answer(today, shipsFrom, shipsTo, arrivesFrom, arrivesTo delivery.Date) *delivery.Answer {
	return &delivery.Answer{
		Available:  true,
		Processing: delivery.Processing{MinDays: 5, MaxDays: 8, Readiness: delivery.MadeToOrder, Source: delivery.SourceDefault, ShipsOn: delivery.NoDate},
		Ships:      delivery.Window{Earliest: shipsFrom, Latest: shipsTo},
		Delivery:   delivery.Window{Earliest: arrivesFrom, Latest: arrivesTo},
		Cutoff:     delivery.Cutoff{At: today.AddDays(2).At(14, 0, stockholm)},
		Today:      today,
		QuotedAt:   today.At(9, 15, stockholm),
		Route:      delivery.Route{Country: "SE", Zone: "Sweden", Method: "standard", MethodName: "PostNord"},
	}
}

// shipsToday makes an answer that ships today if ordered before 14:00,
// processed in 0 to max days.
func shipsToday(a *delivery.Answer, max int) *delivery.Answer {
	a.Processing.MinDays, a.Processing.MaxDays = 0, max
	a.Cutoff = delivery.Cutoff{At: a.Today.At(14, 0, stockholm), ShipsToday: true}
	return a
}

type scenario struct {
	name string
	say  func(locale string) Message
}

// scenarios are the cases every locale is read in: the date shapes of
// issue 3 (same month, across months, across years), relative days, every
// kind, and the countdown.
func scenarios() []scenario {
	sat := date(2026, time.November, 28) // DESIGN §4's example day
	product := func(a *delivery.Answer) func(string) Message {
		return func(l string) Message { return ForAnswer(a, l) }
	}
	preorder := answer(sat, date(2027, time.March, 2), date(2027, time.March, 3), date(2027, time.March, 3), date(2027, time.March, 8))
	preorder.Processing.ShipsOn = date(2027, time.March, 1)
	firstOfMonth := answer(sat, date(2026, time.December, 1), date(2026, time.December, 4), date(2026, time.December, 2), date(2026, time.December, 8))
	firstOfMonth.Processing.ShipsOn = date(2026, time.December, 1)
	backorder := answer(sat, date(2026, time.December, 14), date(2026, time.December, 21), date(2026, time.December, 15), date(2026, time.December, 23))
	backorder.Processing.Backorder = true
	soldOut := &delivery.Answer{Today: sat, Ships: delivery.Window{Earliest: delivery.NoDate, Latest: delivery.NoDate},
		Delivery: delivery.Window{Earliest: delivery.NoDate, Latest: delivery.NoDate}, Processing: delivery.Processing{ShipsOn: delivery.NoDate}}
	tue := date(2026, time.December, 1)
	fri := date(2026, time.December, 4)
	cart := &delivery.Cart{
		Available: true, Today: sat,
		Ships:    delivery.Window{Earliest: date(2026, time.December, 7), Latest: date(2026, time.December, 10)},
		Delivery: delivery.Window{Earliest: date(2026, time.December, 8), Latest: date(2026, time.December, 15)},
		Cutoff:   delivery.Cutoff{At: date(2026, time.November, 30).At(14, 0, stockholm)},
		Route:    delivery.Route{Country: "SE", Method: "standard", MethodName: "PostNord"},
	}
	emptyCart := &delivery.Cart{Today: sat, Ships: soldOut.Ships, Delivery: soldOut.Delivery}
	demo := answer(sat, date(2026, time.December, 7), date(2026, time.December, 10), date(2026, time.December, 8), date(2026, time.December, 15))
	return []scenario{
		{"product/same-month", product(demo)},
		{"product/across-months", product(answer(date(2026, time.November, 24), date(2026, time.November, 30), date(2026, time.December, 3), date(2026, time.December, 1), date(2026, time.December, 7)))},
		{"product/across-years", product(answer(date(2026, time.December, 21), date(2026, time.December, 30), date(2027, time.January, 4), date(2027, time.January, 5), date(2027, time.January, 8)))},
		{"product/far-ahead", product(answer(date(2026, time.June, 1), date(2027, time.May, 28), date(2027, time.June, 3), date(2027, time.June, 4), date(2027, time.June, 10)))},
		{"product/far-across-years", product(answer(date(2026, time.June, 1), date(2027, time.December, 28), date(2028, time.January, 3), date(2028, time.January, 4), date(2028, time.January, 7)))},
		{"product/today-to-thursday", product(shipsToday(answer(tue, tue, tue+2, tue+1, tue+5), 3))},
		{"product/first-of-month", product(answer(sat, date(2026, time.December, 1), date(2026, time.December, 4), date(2026, time.December, 2), date(2026, time.December, 8)))},
		{"product/single-days", product(answer(sat, date(2026, time.December, 7), date(2026, time.December, 7), date(2026, time.December, 8), date(2026, time.December, 8)))},
		{"product/today", product(shipsToday(answer(tue, tue, tue, tue+1, tue+1), 0))},
		{"product/today-or-tomorrow", product(shipsToday(answer(tue, tue, tue+1, tue+1, tue+3), 1))},
		{"product/today-or-monday", product(shipsToday(answer(fri, fri, fri+3, fri+3, fri+5), 1))},
		{"product/tomorrow-on", product(answer(tue, tue+1, tue+3, tue+2, tue+6))},
		{"preorder", product(preorder)},
		{"preorder/first-of-month", product(firstOfMonth)},
		{"backorder", product(backorder)},
		{"unavailable", product(soldOut)},
		{"cart", func(l string) Message { return ForCart(cart, l) }},
		{"cart/unavailable", func(l string) Message { return ForCart(emptyCart, l) }},
		{"email/range", func(l string) Message { return Email(nil, demo, l) }},
		{"email/across-months", func(l string) Message {
			return Email(nil, answer(date(2026, time.November, 24), date(2026, time.November, 30), date(2026, time.December, 3), date(2026, time.December, 1), date(2026, time.December, 7)), l)
		}},
		{"email/single-day-today", func(l string) Message { return Email(nil, shipsToday(answer(tue, tue, tue, tue+1, tue+1), 0), l) }},
	}
}

// goldenText is everything one locale says, one line per case.
func goldenText(locale string) string {
	var b strings.Builder
	for _, sc := range scenarios() {
		m := sc.say(locale)
		fmt.Fprintf(&b, "%-26s [%s] %s\n", sc.name, m.Kind, m.Text)
		if m.Countdown != "" {
			fmt.Fprintf(&b, "%-26s %s\n", "  countdown", m.Countdown)
		}
	}
	l := langs[locale]
	d := Durations{Hours: l.hoursMinutes, Minutes: l.minutesOnly}
	fmt.Fprintf(&b, "%-26s %s | %s | %s\n", "remaining", d.Format(192), d.Format(45), d.Format(0))
	fmt.Fprintf(&b, "%-26s %s | %s | %s | %s | %s | %s\n", "days", l.days(0, 0), l.days(1, 1), l.days(2, 2), l.days(0, 1), l.days(1, 3), l.days(5, 8))
	fmt.Fprintf(&b, "%-26s %s | %s | %s\n", "clock", l.clock(14*60), l.clock(9*60+5), l.clock(0))
	fmt.Fprintf(&b, "%-26s %s\n", "weekdays", strings.Join(l.weekdays[:], " "))
	fmt.Fprintf(&b, "%-26s %s\n", "months", strings.Join(l.months[:], " "))
	return b.String()
}

// TestGoldenMessages compares every locale's texts with
// testdata/golden/<locale>.txt. Run with -update to rewrite them, then
// read the diff as a native speaker would.
func TestGoldenMessages(t *testing.T) {
	for _, locale := range Locales() {
		t.Run(locale, func(t *testing.T) {
			got := goldenText(locale)
			path := filepath.Join("testdata", "golden", locale+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./message -run Golden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file; got:\n%s", path, diffLines(string(want), got))
			}
		})
	}
}

// diffLines shows the lines that differ, for a readable failure.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "- %s\n+ %s\n", wl, gl)
		}
	}
	return b.String()
}
