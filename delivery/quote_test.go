package delivery_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// Every expected date in these tables was counted by hand on a calendar from
// the rules of DESIGN §3; each row's comment says how, so that a person can
// check it. The holidays relied on are those of Sweden (SE), Norway (NO) and
// the United States (US) as listed in the comments.

// The shops under test. seSettings is a small Stockholm shop:
//
//	cutoff 14:00 (so 12:00Z in summer time, 13:00Z in winter time), Mon–Fri,
//	holidays [SE] (by default), default processing 1–3, backorder 7–14,
//	carriers Mon–Fri, destination holidays on;
//	Sverige [SE]: standard 1–3, express 1–1, pickup 0–0;
//	Norden [NO, DK, FI]: standard 2–4, courier 0–2;
//	"*": standard 5–12.
func seSettings() *delivery.Settings {
	return &delivery.Settings{
		Shop:           "test-sthlm.myshopify.com",
		Timezone:       "Europe/Stockholm",
		Country:        "SE",
		Cutoff:         "14:00",
		ProcessingDays: []string{"mon", "tue", "wed", "thu", "fri"},
		Processing:     &delivery.Days{Min: 1, Max: 3},
		Backorder:      &delivery.Days{Min: 7, Max: 14},
		Shipping: delivery.Shipping{
			CarrierDays: []string{"mon", "tue", "wed", "thu", "fri"},
			Zones: []delivery.Zone{
				{Name: "Sverige", Countries: []string{"SE"}, Methods: []delivery.Method{
					{Code: "standard", Name: "PostNord", Min: 1, Max: 3},
					{Code: "express", Name: "Express", Min: 1, Max: 1},
					{Code: "pickup", Name: "Ombud", Min: 0, Max: 0},
				}},
				{Name: "Norden", Countries: []string{"NO", "DK", "FI"}, Methods: []delivery.Method{
					{Code: "standard", Name: "Bring", Min: 2, Max: 4},
					{Code: "courier", Name: "Bud", Min: 0, Max: 2},
				}},
				{Name: "Resten av världen", Countries: []string{"*"}, Methods: []delivery.Method{
					{Code: "standard", Name: "DHL", Min: 5, Max: 12},
				}},
			},
		},
	}
}

// nySettings is a small New York shop: cutoff 13:00 (17:00Z in summer time,
// 18:00Z in winter time), Mon–Fri, holidays [US], default processing 1–3,
// backorder 10–15; United States [US]: ground 2–4, two-day 2–2; "*": intl 6–12.
func nySettings() *delivery.Settings {
	return &delivery.Settings{
		Shop:       "test-hudson.myshopify.com",
		Timezone:   "America/New_York",
		Country:    "US",
		Holidays:   []string{"US"},
		Cutoff:     "13:00",
		Processing: &delivery.Days{Min: 1, Max: 3},
		Backorder:  &delivery.Days{Min: 10, Max: 15},
		Shipping: delivery.Shipping{
			Zones: []delivery.Zone{
				{Name: "United States", Countries: []string{"US"}, Methods: []delivery.Method{
					{Code: "ground", Min: 2, Max: 4},
					{Code: "two-day", Min: 2, Max: 2},
				}},
				{Name: "International", Countries: []string{"*"}, Methods: []delivery.Method{
					{Code: "intl", Min: 6, Max: 12},
				}},
			},
		},
	}
}

// with returns st after change, for one-line variations of a shop.
func with(st *delivery.Settings, change func(*delivery.Settings)) *delivery.Settings {
	change(st)
	return st
}

func mustCompile(st *delivery.Settings) *delivery.Shop {
	shop, err := delivery.Compile(st)
	if err != nil {
		panic(fmt.Sprintf("Compile(%s): %v", st.Shop, err))
	}
	return shop
}

var (
	seShop = mustCompile(seSettings())
	// seSatShop also processes on Saturdays, with an 11:00 Saturday cutoff.
	seSatShop = mustCompile(with(seSettings(), func(st *delivery.Settings) {
		st.ProcessingDays = []string{"mon", "tue", "wed", "thu", "fri", "sat"}
		st.CutoffByWeekday = map[string]string{"sat": "11:00"}
	}))
	// seSevenShop processes every day and observes no holidays, so that a
	// cutoff falls on the Sunday of a DST change.
	seSevenShop = mustCompile(with(seSettings(), func(st *delivery.Settings) {
		st.ProcessingDays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
		st.Holidays = []string{}
	}))
	// seJulShop closes for Christmas across the new year.
	seJulShop = mustCompile(with(seSettings(), func(st *delivery.Settings) {
		st.Closures = []delivery.Closure{{From: mustDate("2026-12-24"), To: mustDate("2027-01-01"), Label: "Julstängt"}}
	}))
	// seSummerShop closes for three summer weeks.
	seSummerShop = mustCompile(with(seSettings(), func(st *delivery.Settings) {
		st.Closures = []delivery.Closure{{From: mustDate("2027-07-12"), To: mustDate("2027-08-01"), Label: "Sommarstängt"}}
	}))
	// seNoDestHolShop ignores the destination's holidays in transit.
	seNoDestHolShop = mustCompile(with(seSettings(), func(st *delivery.Settings) {
		st.Shipping.DestinationHolidays = new(false)
	}))
	nyShop = mustCompile(nySettings())
	// nySevenShop processes every day and observes no holidays (its carriers
	// still skip US holidays).
	nySevenShop = mustCompile(with(nySettings(), func(st *delivery.Settings) {
		st.ProcessingDays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
		st.Holidays = []string{}
	}))
)

func mustDate(s string) delivery.Date {
	d, err := delivery.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func datep(s string) *delivery.Date {
	d := mustDate(s)
	return &d
}

func intp(n int) *int { return &n }

// The products. Variants without inventory_quantity are untracked, so always
// in stock.
var (
	// mug has no data of its own: the shop default applies.
	mug = &delivery.Product{ID: 1, Handle: "mug", Variants: []delivery.Variant{{ID: 11}}}
	// quick takes 0–2 processing days (product metafields).
	quick = withMeta(2, "quick", delivery.Metafields{ProcessingMinDays: intp(0), ProcessingMaxDays: intp(2)})
)

// withMeta returns an untracked product with one variant (id*10+1) and the
// product metafields m.
func withMeta(id int64, handle string, m delivery.Metafields) *delivery.Product {
	return &delivery.Product{ID: id, Handle: handle, Metafields: m, Variants: []delivery.Variant{{ID: id*10 + 1}}}
}

// preorder returns an untracked product that ships on shipsOn, with the shop
// default processing time.
func preorder(id int64, shipsOn string) *delivery.Product {
	return withMeta(id, "preorder-"+shipsOn, delivery.Metafields{ShipsOn: datep(shipsOn)})
}

// stocked returns a product with one tracked variant.
func stocked(id int64, qty int, policy string) *delivery.Product {
	return &delivery.Product{ID: id, Handle: fmt.Sprintf("stocked-%d", id), Variants: []delivery.Variant{
		{ID: id*10 + 1, InventoryQuantity: intp(qty), InventoryPolicy: policy},
	}}
}

func instant(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad instant in test table: %v", err)
	}
	return at
}

// window formats w as "EARLIEST..LATEST", or "" when it has no dates.
func window(w delivery.Window) string {
	if w.Earliest == delivery.NoDate && w.Latest == delivery.NoDate {
		return ""
	}
	return w.Earliest.String() + ".." + w.Latest.String()
}

// want is what an answer must say. Windows are "EARLIEST..LATEST" ("" for
// no dates); instants are RFC 3339 ("" for none) and compare as instants.
type want struct {
	ships, delivery string
	cutoff          string
	today           bool // cutoff.ships_today
	expires         string
}

// checkWant compares the dates, cutoff and expiry of an answer or a cart
// with w. call names the call for the messages.
func checkWant(t *testing.T, call string, loc *time.Location, ships, deliv delivery.Window, c delivery.Cutoff, expires time.Time, w want) {
	t.Helper()
	if got := window(ships); got != w.ships {
		t.Errorf("%s ships = %q, want %q", call, got, w.ships)
	}
	if got := window(deliv); got != w.delivery {
		t.Errorf("%s delivery = %q, want %q", call, got, w.delivery)
	}
	checkInstant(t, call+" cutoff.at", loc, c.At, w.cutoff)
	if c.ShipsToday != w.today {
		t.Errorf("%s cutoff.ships_today = %v, want %v", call, c.ShipsToday, w.today)
	}
	checkInstant(t, call+" expires_at", loc, expires, w.expires)
}

func checkInstant(t *testing.T, what string, loc *time.Location, got time.Time, want string) {
	t.Helper()
	if want == "" {
		if !got.IsZero() {
			t.Errorf("%s = %s, want none", what, got.Format(time.RFC3339))
		}
		return
	}
	if w := instant(t, want); !got.Equal(w) {
		t.Errorf("%s = %s (%s), want %s", what, got.Format(time.RFC3339), got.UTC().Format(time.RFC3339), want)
	}
	// Instants are given in the shop's zone, so that they print as the
	// shop's clock shows them (DESIGN §4).
	if got.Location().String() != loc.String() {
		t.Errorf("%s is in zone %s, want the shop's %s", what, got.Location(), loc)
	}
}

// quoteRow is one product answer to check.
type quoteRow struct {
	name string
	shop *delivery.Shop
	item delivery.Item
	dest delivery.Destination
	at   string // the instant quoted, RFC 3339
	want
}

func runQuoteRows(t *testing.T, rows []quoteRow) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			call := fmt.Sprintf("Quote(%s to %+v at %s)", r.item.Product.Handle, r.dest, r.at)
			a, err := delivery.Quote(r.shop, r.item, r.dest, instant(t, r.at))
			if err != nil {
				t.Fatalf("%s: %v", call, err)
			}
			if want := r.ships != ""; a.Available != want {
				t.Errorf("%s available = %v, want %v", call, a.Available, want)
			}
			checkWant(t, call, r.shop.Location(), a.Ships, a.Delivery, a.Cutoff, a.ExpiresAt, r.want)
		})
	}
}

// TestQuoteCutoff: day0 is today only before today's cutoff in the shop's
// zone (DESIGN §3 step 1); the cutoff is that of day0 (step 6); the answer
// expires at the earlier of cutoff.at and the next local midnight (step 7).
// Tue 14 Sep 2027 is an ordinary week in Sweden (no holiday in September);
// Stockholm is on CEST (UTC+2), so 14:00 there is 12:00Z.
func TestQuoteCutoff(t *testing.T) {
	mugItem := delivery.Item{Product: mug}
	runQuoteRows(t, []quoteRow{
		// 13:59:59 CEST Tue 14, before 14:00: day0 Tue 14. +1 Wed 15, +3 Fri 17.
		// Transit 1–3: Thu 16; Fri 17 → Mon 20, Tue 21, Wed 22. Expires at the cutoff.
		{"before cutoff", seShop, mugItem, delivery.Destination{}, "2027-09-14T11:59:59Z",
			want{"2027-09-15..2027-09-17", "2027-09-16..2027-09-22", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}},
		// Exactly 14:00 is not before the cutoff: day0 Wed 15. +1 Thu 16, +3 Mon 20.
		// Transit: Fri 17; Mon 20 → Tue 21, Wed 22, Thu 23. Expires at midnight (Wed 15 00:00).
		{"at cutoff", seShop, mugItem, delivery.Destination{}, "2027-09-14T12:00:00Z",
			want{"2027-09-16..2027-09-20", "2027-09-17..2027-09-23", "2027-09-15T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
		// One second later: the same as at the cutoff.
		{"after cutoff", seShop, mugItem, delivery.Destination{}, "2027-09-14T12:00:01Z",
			want{"2027-09-16..2027-09-20", "2027-09-17..2027-09-23", "2027-09-15T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
		// The same instant written in New York's offset (08:59:59-04:00 is
		// 14:59:59 in Stockholm): the shop's clock counts, so after the cutoff.
		{"visitor offset ignored", seShop, mugItem, delivery.Destination{}, "2027-09-14T08:59:59-04:00",
			want{"2027-09-16..2027-09-20", "2027-09-17..2027-09-23", "2027-09-15T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
		// Fri 17 Sep 19:30 CEST: day0 the next processing day, Mon 20. +1 Tue 21,
		// +3 Thu 23. Transit: Wed 22; Thu 23 → Fri 24, Mon 27, Tue 28. Expires Sat 18 00:00.
		{"friday evening", seShop, mugItem, delivery.Destination{}, "2027-09-17T17:30:00Z",
			want{"2027-09-21..2027-09-23", "2027-09-22..2027-09-28", "2027-09-20T14:00:00+02:00", false, "2027-09-18T00:00:00+02:00"}},
		// Sat 18 Sep 10:00 (not a processing day): day0 Mon 20, as on Friday evening.
		// Expires Sun 19 00:00.
		{"saturday", seShop, mugItem, delivery.Destination{}, "2027-09-18T08:00:00Z",
			want{"2027-09-21..2027-09-23", "2027-09-22..2027-09-28", "2027-09-20T14:00:00+02:00", false, "2027-09-19T00:00:00+02:00"}},
		// 22:15Z on Sun 19 Sep is Mon 20 00:15 in Stockholm: today is a processing
		// day, before the cutoff. +1 Tue 21, +3 Thu 23. Transit: Wed 22; Thu 23 → Tue 28.
		{"sunday night in UTC is monday", seShop, mugItem, delivery.Destination{}, "2027-09-19T22:15:00Z",
			want{"2027-09-21..2027-09-23", "2027-09-22..2027-09-28", "2027-09-20T14:00:00+02:00", false, "2027-09-20T14:00:00+02:00"}},

		// Saturday shop (Mon–Sat, Saturday cutoff 11:00, other days 14:00).
		// Sat 18 Sep 10:59 is before Saturday's 11:00: day0 Sat 18. +1 Mon 20 (Sunday
		// is closed), +3 Wed 22. Transit: Tue 21; Wed 22 → Thu 23, Fri 24, Mon 27.
		{"saturday before its cutoff", seSatShop, mugItem, delivery.Destination{}, "2027-09-18T08:59:00Z",
			want{"2027-09-20..2027-09-22", "2027-09-21..2027-09-27", "2027-09-18T11:00:00+02:00", false, "2027-09-18T11:00:00+02:00"}},
		// Sat 11:00 exactly: after Saturday's cutoff. day0 Mon 20: ships Tue 21 – Thu 23,
		// delivery Wed 22 – Tue 28. Expires Sun 19 00:00.
		{"saturday at its cutoff", seSatShop, mugItem, delivery.Destination{}, "2027-09-18T09:00:00Z",
			want{"2027-09-21..2027-09-23", "2027-09-22..2027-09-28", "2027-09-20T14:00:00+02:00", false, "2027-09-19T00:00:00+02:00"}},
		// Sat 12:30: before the usual 14:00 but after Saturday's 11:00, so as above.
		{"saturday between the two cutoffs", seSatShop, mugItem, delivery.Destination{}, "2027-09-18T10:30:00Z",
			want{"2027-09-21..2027-09-23", "2027-09-22..2027-09-28", "2027-09-20T14:00:00+02:00", false, "2027-09-19T00:00:00+02:00"}},
		// Fri 17 13:00: Friday keeps 14:00. day0 Fri 17, +1 Sat 18, +3 Tue 21 (Sat 18,
		// Mon 20, Tue 21). Transit: Sat 18 + 1 carrier day = Mon 20; Tue 21 → Fri 24.
		{"friday in a saturday shop", seSatShop, mugItem, delivery.Destination{}, "2027-09-17T11:00:00Z",
			want{"2027-09-18..2027-09-21", "2027-09-20..2027-09-24", "2027-09-17T14:00:00+02:00", false, "2027-09-17T14:00:00+02:00"}},
		// Fri 17 14:30: day0 Sat 18, whose cutoff is 11:00. +1 Mon 20, +3 Wed 22.
		// Transit: Tue 21; Wed 22 → Mon 27. Expires Sat 18 00:00.
		{"friday evening in a saturday shop", seSatShop, mugItem, delivery.Destination{}, "2027-09-17T12:30:00Z",
			want{"2027-09-20..2027-09-22", "2027-09-21..2027-09-27", "2027-09-18T11:00:00+02:00", false, "2027-09-18T00:00:00+02:00"}},

		// quick takes 0–2 days. Tue 14 09:00: day0 Tue 14 and min 0, so it ships
		// today: ships Tue 14 – Thu 16, delivery Wed 15 – Tue 21 (Thu 16 → Fri 17,
		// Mon 20, Tue 21). The countdown is allowed: ships_today.
		{"ships today", seShop, delivery.Item{Product: quick}, delivery.Destination{}, "2027-09-14T07:00:00Z",
			want{"2027-09-14..2027-09-16", "2027-09-15..2027-09-21", "2027-09-14T14:00:00+02:00", true, "2027-09-14T14:00:00+02:00"}},
		// Tue 14 15:00: day0 Wed 15 is not today, so no countdown. Ships Wed 15 –
		// Fri 17, delivery Thu 16 – Wed 22.
		{"min 0 after cutoff", seShop, delivery.Item{Product: quick}, delivery.Destination{}, "2027-09-14T13:00:00Z",
			want{"2027-09-15..2027-09-17", "2027-09-16..2027-09-22", "2027-09-15T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
		// Sat 18 10:00: day0 Mon 20, not today. Ships Mon 20 – Wed 22, delivery
		// Tue 21 – Mon 27 (Wed 22 → Thu 23, Fri 24, Mon 27).
		{"min 0 on a saturday", seShop, delivery.Item{Product: quick}, delivery.Destination{}, "2027-09-18T08:00:00Z",
			want{"2027-09-20..2027-09-22", "2027-09-21..2027-09-27", "2027-09-20T14:00:00+02:00", false, "2027-09-19T00:00:00+02:00"}},
	})
}

// TestQuoteDSTStockholm: cutoffs and expiry around the four EU DST changes
// of 2026–2027 (the last Sundays of March and October, at 01:00Z). Stockholm
// is UTC+1 in winter and UTC+2 in summer; the Sundays of 29 Mar 2026 and
// 28 Mar 2027 last 23 hours, those of 25 Oct 2026 and 31 Oct 2027 25 hours.
// SE holidays used: Långfredagen Fri 3 Apr 2026 and Fri 26 Mar 2027,
// Annandag påsk Mon 6 Apr 2026 and Mon 29 Mar 2027, Alla helgons dag Sat
// 31 Oct 2026 and Sat 6 Nov 2027.
func TestQuoteDSTStockholm(t *testing.T) {
	item := delivery.Item{Product: mug}
	se := delivery.Destination{Country: "SE"}
	runQuoteRows(t, []quoteRow{
		// Spring 2026. Fri 27 Mar 13:59 CET, before 14:00 CET (13:00Z): day0 Fri 27.
		// +1 Mon 30, +3 Wed 1 Apr. Transit: Tue 31; Wed 1 → Thu 2, (Fri 3 Långfredagen,
		// Mon 6 Annandag påsk) Tue 7, Wed 8.
		{"2026-03-27 friday before cutoff", seShop, item, se, "2026-03-27T12:59:00Z",
			want{"2026-03-30..2026-04-01", "2026-03-31..2026-04-08", "2026-03-27T14:00:00+01:00", false, "2026-03-27T14:00:00+01:00"}},
		// Sun 29 Mar 01:30 CET, before the change: day0 Mon 30. +1 Tue 31, +3 Thu 2 Apr.
		// Transit: Wed 1; Thu 2 → (Fri 3, Mon 6 holidays) Tue 7, Wed 8, Thu 9.
		// Expires Mon 30 00:00 CEST = 22:00Z: this Sunday has 23 hours.
		{"2026-03-29 sunday before the change", seShop, item, se, "2026-03-29T00:30:00Z",
			want{"2026-03-31..2026-04-02", "2026-04-01..2026-04-09", "2026-03-30T14:00:00+02:00", false, "2026-03-30T00:00:00+02:00"}},
		// Sun 29 Mar 12:00 CEST, after the change: the same answer and expiry.
		{"2026-03-29 sunday after the change", seShop, item, se, "2026-03-29T10:00:00Z",
			want{"2026-03-31..2026-04-02", "2026-04-01..2026-04-09", "2026-03-30T14:00:00+02:00", false, "2026-03-30T00:00:00+02:00"}},
		// Mon 30 Mar 11:59Z = 13:59 CEST: before. day0 Mon 30, as above; expires at 12:00Z.
		{"2026-03-30 monday before cutoff", seShop, item, se, "2026-03-30T11:59:00Z",
			want{"2026-03-31..2026-04-02", "2026-04-01..2026-04-09", "2026-03-30T14:00:00+02:00", false, "2026-03-30T14:00:00+02:00"}},
		// Mon 30 Mar 12:30Z = 14:30 CEST (13:30 with a stale winter offset): after.
		// day0 Tue 31. +1 Wed 1, +3 Tue 7 (Wed 1, Thu 2, Tue 7). Transit: Thu 2;
		// Tue 7 → Wed 8, Thu 9, Fri 10.
		{"2026-03-30 monday after cutoff", seShop, item, se, "2026-03-30T12:30:00Z",
			want{"2026-04-01..2026-04-07", "2026-04-02..2026-04-10", "2026-03-31T14:00:00+02:00", false, "2026-03-31T00:00:00+02:00"}},
		// Seven-day shop without holidays: a cutoff on the short Sunday itself.
		// 11:30Z = 13:30 CEST: day0 Sun 29. +1 Mon 30, +3 Wed 1. Transit (carriers
		// Mon–Fri, SE holidays): Tue 31; Wed 1 → Thu 2, Tue 7, Wed 8.
		{"2026-03-29 seven-day before cutoff", seSevenShop, item, se, "2026-03-29T11:30:00Z",
			want{"2026-03-30..2026-04-01", "2026-03-31..2026-04-08", "2026-03-29T14:00:00+02:00", false, "2026-03-29T14:00:00+02:00"}},
		// 12:30Z = 14:30 CEST (13:30 with a stale winter offset): after. day0 Mon 30,
		// ships Tue 31 – Thu 2, delivery Wed 1 – Thu 9. Expires Mon 30 00:00 CEST.
		{"2026-03-29 seven-day after cutoff", seSevenShop, item, se, "2026-03-29T12:30:00Z",
			want{"2026-03-31..2026-04-02", "2026-04-01..2026-04-09", "2026-03-30T14:00:00+02:00", false, "2026-03-30T00:00:00+02:00"}},

		// Autumn 2026. Fri 23 Oct 12:30Z = 14:30 CEST: after. day0 Mon 26, whose
		// cutoff is 14:00 CET = 13:00Z. +1 Tue 27, +3 Thu 29. Transit: Wed 28;
		// Thu 29 → Fri 30, Mon 2 Nov, Tue 3. Expires Sat 24 00:00 CEST.
		{"2026-10-23 friday after cutoff", seShop, item, se, "2026-10-23T12:30:00Z",
			want{"2026-10-27..2026-10-29", "2026-10-28..2026-11-03", "2026-10-26T14:00:00+01:00", false, "2026-10-24T00:00:00+02:00"}},
		// Sun 25 Oct 02:30 CEST (00:30Z), the first pass of the repeated hour: day0
		// Mon 26 as above. Expires Mon 26 00:00 CET = 23:00Z: this Sunday has 25 hours.
		{"2026-10-25 sunday first 02:30", seShop, item, se, "2026-10-25T00:30:00Z",
			want{"2026-10-27..2026-10-29", "2026-10-28..2026-11-03", "2026-10-26T14:00:00+01:00", false, "2026-10-26T00:00:00+01:00"}},
		// 02:30 CET (01:30Z), the second pass: the same.
		{"2026-10-25 sunday second 02:30", seShop, item, se, "2026-10-25T01:30:00Z",
			want{"2026-10-27..2026-10-29", "2026-10-28..2026-11-03", "2026-10-26T14:00:00+01:00", false, "2026-10-26T00:00:00+01:00"}},
		// 23:30 CET on the long Sunday: midnight is 30 minutes away.
		{"2026-10-25 sunday late evening", seShop, item, se, "2026-10-25T22:30:00Z",
			want{"2026-10-27..2026-10-29", "2026-10-28..2026-11-03", "2026-10-26T14:00:00+01:00", false, "2026-10-26T00:00:00+01:00"}},
		// Mon 26 Oct 12:30Z = 13:30 CET (14:30 with a stale summer offset): before.
		// day0 Mon 26; expires at the cutoff, 13:00Z.
		{"2026-10-26 monday before cutoff", seShop, item, se, "2026-10-26T12:30:00Z",
			want{"2026-10-27..2026-10-29", "2026-10-28..2026-11-03", "2026-10-26T14:00:00+01:00", false, "2026-10-26T14:00:00+01:00"}},
		// Seven-day shop, Sun 25 Oct 12:30Z = 13:30 CET: before. day0 Sun 25. +1 Mon 26,
		// +3 Wed 28. Transit: Tue 27; Wed 28 → Thu 29, Fri 30, Mon 2 Nov.
		{"2026-10-25 seven-day before cutoff", seSevenShop, item, se, "2026-10-25T12:30:00Z",
			want{"2026-10-26..2026-10-28", "2026-10-27..2026-11-02", "2026-10-25T14:00:00+01:00", false, "2026-10-25T14:00:00+01:00"}},
		// 13:00Z = 14:00 CET: at the cutoff. day0 Mon 26: ships Tue 27 – Thu 29,
		// delivery Wed 28 – Tue 3 Nov.
		{"2026-10-25 seven-day at cutoff", seSevenShop, item, se, "2026-10-25T13:00:00Z",
			want{"2026-10-27..2026-10-29", "2026-10-28..2026-11-03", "2026-10-26T14:00:00+01:00", false, "2026-10-26T00:00:00+01:00"}},

		// Spring 2027, Easter weekend. Thu 25 Mar 13:30 CET (12:30Z): before. day0
		// Thu 25. +1: (Fri 26 Långfredagen, Mon 29 Annandag påsk) Tue 30; +3 Thu 1 Apr.
		// Transit: Wed 31; Thu 1 → Fri 2, Mon 5, Tue 6.
		{"2027-03-25 maundy thursday before cutoff", seShop, item, se, "2027-03-25T12:30:00Z",
			want{"2027-03-30..2027-04-01", "2027-03-31..2027-04-06", "2027-03-25T14:00:00+01:00", false, "2027-03-25T14:00:00+01:00"}},
		// Good Friday 26 Mar 10:00 CET: a holiday, so day0 is Tue 30 (Mon 29 is
		// Annandag påsk), whose cutoff is in summer time. +1 Wed 31, +3 Fri 2 Apr.
		// Transit: Thu 1; Fri 2 → Mon 5, Tue 6, Wed 7. Expires Sat 27 00:00 CET.
		{"2027-03-26 good friday", seShop, item, se, "2027-03-26T09:00:00Z",
			want{"2027-03-31..2027-04-02", "2027-04-01..2027-04-07", "2027-03-30T14:00:00+02:00", false, "2027-03-27T00:00:00+01:00"}},
		// Sat 27 Mar 23:30Z is Sun 28 00:30 CET, Easter Sunday and the short day:
		// day0 Tue 30 as above. Expires Mon 29 00:00 CEST = 28 Mar 22:00Z.
		{"2027-03-28 easter sunday just after midnight", seShop, item, se, "2027-03-27T23:30:00Z",
			want{"2027-03-31..2027-04-02", "2027-04-01..2027-04-07", "2027-03-30T14:00:00+02:00", false, "2027-03-29T00:00:00+02:00"}},
		// Sun 28 Mar 14:00 CEST (12:00Z): the same.
		{"2027-03-28 easter sunday afternoon", seShop, item, se, "2027-03-28T12:00:00Z",
			want{"2027-03-31..2027-04-02", "2027-04-01..2027-04-07", "2027-03-30T14:00:00+02:00", false, "2027-03-29T00:00:00+02:00"}},
		// Seven-day shop without holidays, Sun 28 Mar 13:30 CEST (11:30Z): day0 Sun 28.
		// +1 Mon 29, +3 Wed 31. Transit (SE carriers skip Annandag påsk): Mon 29 → Tue 30;
		// Wed 31 → Thu 1, Fri 2, Mon 5.
		{"2027-03-28 seven-day before cutoff", seSevenShop, item, se, "2027-03-28T11:30:00Z",
			want{"2027-03-29..2027-03-31", "2027-03-30..2027-04-05", "2027-03-28T14:00:00+02:00", false, "2027-03-28T14:00:00+02:00"}},

		// Autumn 2027. Fri 29 Oct 12:30Z = 14:30 CEST: after. day0 Mon 1 Nov, cutoff
		// 14:00 CET = 13:00Z. +1 Tue 2, +3 Thu 4. Transit: Wed 3; Thu 4 → Fri 5,
		// (Sat 6 Alla helgons dag) Mon 8, Tue 9. Expires Sat 30 00:00 CEST.
		{"2027-10-29 friday after cutoff", seShop, item, se, "2027-10-29T12:30:00Z",
			want{"2027-11-02..2027-11-04", "2027-11-03..2027-11-09", "2027-11-01T14:00:00+01:00", false, "2027-10-30T00:00:00+02:00"}},
		// Sat 30 Oct 22:30Z = Sun 31 00:30 CEST: day0 Mon 1 Nov. The long Sunday
		// ends at Mon 1 Nov 00:00 CET = 31 Oct 23:00Z, 25 hours after it began.
		{"2027-10-31 sunday just after midnight", seShop, item, se, "2027-10-30T22:30:00Z",
			want{"2027-11-02..2027-11-04", "2027-11-03..2027-11-09", "2027-11-01T14:00:00+01:00", false, "2027-11-01T00:00:00+01:00"}},
		// Sun 31 Oct 11:00 CET (10:00Z): the same.
		{"2027-10-31 sunday morning", seShop, item, se, "2027-10-31T10:00:00Z",
			want{"2027-11-02..2027-11-04", "2027-11-03..2027-11-09", "2027-11-01T14:00:00+01:00", false, "2027-11-01T00:00:00+01:00"}},
		// Seven-day shop, Sun 31 Oct 12:30Z = 13:30 CET: before. day0 Sun 31. +1 Mon 1,
		// +3 Wed 3. Transit: Tue 2; Wed 3 → Thu 4, Fri 5, Mon 8.
		{"2027-10-31 seven-day before cutoff", seSevenShop, item, se, "2027-10-31T12:30:00Z",
			want{"2027-11-01..2027-11-03", "2027-11-02..2027-11-08", "2027-10-31T14:00:00+01:00", false, "2027-10-31T14:00:00+01:00"}},
		// 13:00Z = 14:00 CET: day0 Mon 1. Ships Tue 2 – Thu 4, delivery Wed 3 – Tue 9.
		{"2027-10-31 seven-day at cutoff", seSevenShop, item, se, "2027-10-31T13:00:00Z",
			want{"2027-11-02..2027-11-04", "2027-11-03..2027-11-09", "2027-11-01T14:00:00+01:00", false, "2027-11-01T00:00:00+01:00"}},
	})
}

// TestQuoteDSTNewYork: the four US DST changes of 2026–2027 (second Sunday
// of March, first Sunday of November, at 02:00 local). New York is UTC-5
// (EST) in winter and UTC-4 (EDT) in summer; the cutoff 13:00 is 18:00Z in
// winter and 17:00Z in summer. US holidays used: Veterans Day Wed 11 Nov
// 2026 and Thu 11 Nov 2027 (none fall in March).
func TestQuoteDSTNewYork(t *testing.T) {
	item := delivery.Item{Product: mug}
	us := delivery.Destination{Country: "US"}
	runQuoteRows(t, []quoteRow{
		// Fri 6 Mar 2026 12:59 EST: before. day0 Fri 6. +1 Mon 9, +3 Wed 11.
		// Ground 2–4: Mon 9 → Tue 10, Wed 11; Wed 11 → Thu 12, Fri 13, Mon 16, Tue 17.
		{"2026-03-06 friday before cutoff", nyShop, item, us, "2026-03-06T17:59:00Z",
			want{"2026-03-09..2026-03-11", "2026-03-11..2026-03-17", "2026-03-06T13:00:00-05:00", false, "2026-03-06T13:00:00-05:00"}},
		// Sun 8 Mar 01:30 EST (06:30Z), half an hour before the change: day0 Mon 9,
		// cutoff 13:00 EDT = 17:00Z. +1 Tue 10, +3 Thu 12. Transit: Thu 12; Thu 12 →
		// Fri 13, Mon 16, Tue 17, Wed 18. Expires Mon 9 00:00 EDT = 04:00Z (23-hour Sunday).
		{"2026-03-08 sunday before the change", nyShop, item, us, "2026-03-08T06:30:00Z",
			want{"2026-03-10..2026-03-12", "2026-03-12..2026-03-18", "2026-03-09T13:00:00-04:00", false, "2026-03-09T00:00:00-04:00"}},
		// Mon 9 Mar 17:30Z = 13:30 EDT (12:30 with a stale EST offset): after. day0
		// Tue 10. +1 Wed 11, +3 Fri 13. Transit: Wed 11 → Thu 12, Fri 13; Fri 13 →
		// Mon 16, Tue 17, Wed 18, Thu 19.
		{"2026-03-09 monday after cutoff", nyShop, item, us, "2026-03-09T17:30:00Z",
			want{"2026-03-11..2026-03-13", "2026-03-13..2026-03-19", "2026-03-10T13:00:00-04:00", false, "2026-03-10T00:00:00-04:00"}},
		// Seven-day shop, Sun 8 Mar 16:30Z = 12:30 EDT: before. day0 Sun 8. +1 Mon 9,
		// +3 Wed 11. Transit: Mon 9 → Wed 11; Wed 11 → Tue 17.
		{"2026-03-08 seven-day before cutoff", nySevenShop, item, us, "2026-03-08T16:30:00Z",
			want{"2026-03-09..2026-03-11", "2026-03-11..2026-03-17", "2026-03-08T13:00:00-04:00", false, "2026-03-08T13:00:00-04:00"}},
		// 17:30Z = 13:30 EDT (12:30 with a stale EST offset): after. day0 Mon 9:
		// ships Tue 10 – Thu 12, delivery Thu 12 – Wed 18.
		{"2026-03-08 seven-day after cutoff", nySevenShop, item, us, "2026-03-08T17:30:00Z",
			want{"2026-03-10..2026-03-12", "2026-03-12..2026-03-18", "2026-03-09T13:00:00-04:00", false, "2026-03-09T00:00:00-04:00"}},

		// Fri 30 Oct 2026 17:30Z = 13:30 EDT: after. day0 Mon 2 Nov, cutoff 13:00 EST
		// = 18:00Z. +1 Tue 3, +3 Thu 5. Transit: Tue 3 → Wed 4, Thu 5; Thu 5 → Fri 6,
		// Mon 9, Tue 10, (Wed 11 Veterans Day) Thu 12. Expires Sat 31 Oct 00:00 EDT.
		{"2026-10-30 friday after cutoff", nyShop, item, us, "2026-10-30T17:30:00Z",
			want{"2026-11-03..2026-11-05", "2026-11-05..2026-11-12", "2026-11-02T13:00:00-05:00", false, "2026-10-31T00:00:00-04:00"}},
		// Sun 1 Nov 01:30 EDT (05:30Z), the first pass of the repeated hour: day0
		// Mon 2 as above. Expires Mon 2 00:00 EST = 05:00Z, 25 hours after the
		// Sunday began (04:00Z).
		{"2026-11-01 sunday first 01:30", nyShop, item, us, "2026-11-01T05:30:00Z",
			want{"2026-11-03..2026-11-05", "2026-11-05..2026-11-12", "2026-11-02T13:00:00-05:00", false, "2026-11-02T00:00:00-05:00"}},
		// 01:30 EST (06:30Z), the second pass: the same.
		{"2026-11-01 sunday second 01:30", nyShop, item, us, "2026-11-01T06:30:00Z",
			want{"2026-11-03..2026-11-05", "2026-11-05..2026-11-12", "2026-11-02T13:00:00-05:00", false, "2026-11-02T00:00:00-05:00"}},
		// Mon 2 Nov 17:30Z = 12:30 EST (13:30 with a stale EDT offset): before. day0
		// Mon 2; expires at the cutoff.
		{"2026-11-02 monday before cutoff", nyShop, item, us, "2026-11-02T17:30:00Z",
			want{"2026-11-03..2026-11-05", "2026-11-05..2026-11-12", "2026-11-02T13:00:00-05:00", false, "2026-11-02T13:00:00-05:00"}},
		// Seven-day shop, Sun 1 Nov 17:30Z = 12:30 EST: before. day0 Sun 1. +1 Mon 2,
		// +3 Wed 4. Transit: Mon 2 → Tue 3, Wed 4; Wed 4 → Thu 5, Fri 6, Mon 9, Tue 10.
		{"2026-11-01 seven-day before cutoff", nySevenShop, item, us, "2026-11-01T17:30:00Z",
			want{"2026-11-02..2026-11-04", "2026-11-04..2026-11-10", "2026-11-01T13:00:00-05:00", false, "2026-11-01T13:00:00-05:00"}},
		// 18:00Z = 13:00 EST: at the cutoff. day0 Mon 2: ships Tue 3 – Thu 5,
		// delivery Thu 5 – Thu 12 (Wed 11 Veterans Day skipped by the carrier).
		{"2026-11-01 seven-day at cutoff", nySevenShop, item, us, "2026-11-01T18:00:00Z",
			want{"2026-11-03..2026-11-05", "2026-11-05..2026-11-12", "2026-11-02T13:00:00-05:00", false, "2026-11-02T00:00:00-05:00"}},

		// Sat 13 Mar 2027 15:00 EST: day0 Mon 15 (cutoff 13:00 EDT = 17:00Z). +1 Tue 16,
		// +3 Thu 18. Transit: Tue 16 → Thu 18; Thu 18 → Fri 19, Mon 22, Tue 23, Wed 24.
		// Expires Sun 14 00:00 EST = 05:00Z.
		{"2027-03-13 saturday", nyShop, item, us, "2027-03-13T20:00:00Z",
			want{"2027-03-16..2027-03-18", "2027-03-18..2027-03-24", "2027-03-15T13:00:00-04:00", false, "2027-03-14T00:00:00-05:00"}},
		// Sun 14 Mar 08:00 EDT: the same dates; the short Sunday ends at Mon 15
		// 00:00 EDT = 04:00Z.
		{"2027-03-14 sunday after the change", nyShop, item, us, "2027-03-14T12:00:00Z",
			want{"2027-03-16..2027-03-18", "2027-03-18..2027-03-24", "2027-03-15T13:00:00-04:00", false, "2027-03-15T00:00:00-04:00"}},
		// Mon 15 Mar 16:30Z = 12:30 EDT: before. day0 Mon 15, the same dates.
		{"2027-03-15 monday before cutoff", nyShop, item, us, "2027-03-15T16:30:00Z",
			want{"2027-03-16..2027-03-18", "2027-03-18..2027-03-24", "2027-03-15T13:00:00-04:00", false, "2027-03-15T13:00:00-04:00"}},
		// Seven-day shop, Sun 14 Mar 17:30Z = 13:30 EDT: after. day0 Mon 15, the
		// same dates; expires Mon 15 00:00 EDT.
		{"2027-03-14 seven-day after cutoff", nySevenShop, item, us, "2027-03-14T17:30:00Z",
			want{"2027-03-16..2027-03-18", "2027-03-18..2027-03-24", "2027-03-15T13:00:00-04:00", false, "2027-03-15T00:00:00-04:00"}},

		// Fri 5 Nov 2027 17:30Z = 13:30 EDT: after. day0 Mon 8 (cutoff 18:00Z, EST).
		// +1 Tue 9, +3: Tue 9, Wed 10, (Thu 11 Veterans Day) Fri 12. Transit: Tue 9 →
		// Wed 10, Fri 12; Fri 12 → Mon 15, Tue 16, Wed 17, Thu 18. Expires Sat 6 00:00 EDT.
		{"2027-11-05 friday after cutoff", nyShop, item, us, "2027-11-05T17:30:00Z",
			want{"2027-11-09..2027-11-12", "2027-11-12..2027-11-18", "2027-11-08T13:00:00-05:00", false, "2027-11-06T00:00:00-04:00"}},
		// Sun 7 Nov 10:00 EST: the same dates; the long Sunday ends at Mon 8 00:00
		// EST = 05:00Z.
		{"2027-11-07 sunday after the change", nyShop, item, us, "2027-11-07T15:00:00Z",
			want{"2027-11-09..2027-11-12", "2027-11-12..2027-11-18", "2027-11-08T13:00:00-05:00", false, "2027-11-08T00:00:00-05:00"}},
		// Seven-day shop (no processing holidays), Sun 7 Nov 17:30Z = 12:30 EST:
		// before. day0 Sun 7. +1 Mon 8, +3 Wed 10. Transit: Mon 8 → Tue 9, Wed 10;
		// Wed 10 → (Thu 11 Veterans Day) Fri 12, Mon 15, Tue 16, Wed 17.
		{"2027-11-07 seven-day before cutoff", nySevenShop, item, us, "2027-11-07T17:30:00Z",
			want{"2027-11-08..2027-11-10", "2027-11-10..2027-11-17", "2027-11-07T13:00:00-05:00", false, "2027-11-07T13:00:00-05:00"}},
	})
}

// TestQuoteHolidaysAndClosures: holidays and closures close processing days
// (DESIGN §3 "processing day"), and destination holidays close carrier days.
func TestQuoteHolidaysAndClosures(t *testing.T) {
	item := delivery.Item{Product: mug}
	se := delivery.Destination{}
	us := delivery.Destination{Country: "US"}
	runQuoteRows(t, []quoteRow{
		// Julstängt 24 Dec 2026 – 1 Jan 2027. Mon 21 Dec 10:00 CET: day0 Mon 21. +1 Tue 22,
		// +2 Wed 23, +3: (Thu 24 – Fri 1 Jan closed) Mon 4 Jan. Transit: Wed 23 Dec;
		// Mon 4 → Tue 5, (Wed 6 Trettondedag jul) Thu 7, Fri 8.
		{"closure across the new year", seJulShop, item, se, "2026-12-21T09:00:00Z",
			want{"2026-12-22..2027-01-04", "2026-12-23..2027-01-08", "2026-12-21T14:00:00+01:00", false, "2026-12-21T14:00:00+01:00"}},
		// Wed 23 Dec 14:30 CET: after; day0 is the first open day, Mon 4 Jan. +1 Tue 5,
		// +3: Tue 5, (Wed 6 Trettondedag) Thu 7, Fri 8. Transit: Tue 5 → Thu 7;
		// Fri 8 → Mon 11, Tue 12, Wed 13. Expires Thu 24 00:00.
		{"after the last cutoff before the closure", seJulShop, item, se, "2026-12-23T13:30:00Z",
			want{"2027-01-05..2027-01-08", "2027-01-07..2027-01-13", "2027-01-04T14:00:00+01:00", false, "2026-12-24T00:00:00+01:00"}},
		// Tue 29 Dec 10:00 CET, inside the closure: day0 Mon 4 Jan as above;
		// expires Wed 30 00:00.
		{"inside the closure", seJulShop, item, se, "2026-12-29T09:00:00Z",
			want{"2027-01-05..2027-01-08", "2027-01-07..2027-01-13", "2027-01-04T14:00:00+01:00", false, "2026-12-30T00:00:00+01:00"}},
		// No closure, Wed 23 Dec 2026 15:00 CET: after. day0: (Thu 24 Julafton, Fri 25
		// Juldagen) Mon 28. +1 Tue 29, +3: Wed 30, (Thu 31 Nyårsafton, Fri 1 Nyårsdagen)
		// Mon 4 Jan. Transit: Wed 30; Mon 4 → Tue 5, (Wed 6) Thu 7, Fri 8.
		{"julafton and nyårsafton", seShop, item, se, "2026-12-23T14:00:00Z",
			want{"2026-12-29..2027-01-04", "2026-12-30..2027-01-08", "2026-12-28T14:00:00+01:00", false, "2026-12-24T00:00:00+01:00"}},
		// Thu 23 Dec 2027 10:00 CET: day0 Thu 23. +1: (Fri 24 Julafton) Mon 27, +3 Wed 29.
		// Transit: Tue 28; Wed 29 → Thu 30, (Fri 31 Nyårsafton) Mon 3, Tue 4 Jan 2028.
		{"julafton on a friday", seShop, item, se, "2027-12-23T09:00:00Z",
			want{"2027-12-27..2027-12-29", "2027-12-28..2028-01-04", "2027-12-23T14:00:00+01:00", false, "2027-12-23T14:00:00+01:00"}},
		// Kristi himmelsfärd Thu 6 May 2027. Tue 4 May 10:00 CEST: day0 Tue 4. +1 Wed 5,
		// +3: (Thu 6) Fri 7, Mon 10. Transit: Wed 5 → (Thu 6) Fri 7; Mon 10 → Thu 13.
		{"ascension 2027 in the window", seShop, item, se, "2027-05-04T08:00:00Z",
			want{"2027-05-05..2027-05-10", "2027-05-07..2027-05-13", "2027-05-04T14:00:00+02:00", false, "2027-05-04T14:00:00+02:00"}},
		// Wed 5 May 15:00 CEST: after. day0: (Thu 6) Fri 7. +1 Mon 10, +3 Wed 12.
		// Transit: Tue 11; Wed 12 → Thu 13, Fri 14, Mon 17 (17 May is no Swedish
		// holiday). Expires Thu 6 00:00.
		{"ascension 2027 is not day0", seShop, item, se, "2027-05-05T13:00:00Z",
			want{"2027-05-10..2027-05-12", "2027-05-11..2027-05-17", "2027-05-07T14:00:00+02:00", false, "2027-05-06T00:00:00+02:00"}},
		// Midsommarafton Fri 25 Jun 2027. Thu 24 Jun 10:00 CEST: day0 Thu 24. +1: (Fri 25)
		// Mon 28, +3 Wed 30. Transit: Tue 29; Wed 30 → Thu 1 Jul, Fri 2, Mon 5.
		{"midsommarafton 2027", seShop, item, se, "2027-06-24T08:00:00Z",
			want{"2027-06-28..2027-06-30", "2027-06-29..2027-07-05", "2027-06-24T14:00:00+02:00", false, "2027-06-24T14:00:00+02:00"}},
		// Thu 24 Jun 14:00 CEST: at the cutoff. day0: (Fri 25) Mon 28. +1 Tue 29,
		// +3 Thu 1 Jul. Transit: Wed 30; Thu 1 → Fri 2, Mon 5, Tue 6. Expires Fri 25 00:00.
		{"midsommarafton 2027 after cutoff", seShop, item, se, "2027-06-24T12:00:00Z",
			want{"2027-06-29..2027-07-01", "2027-06-30..2027-07-06", "2027-06-28T14:00:00+02:00", false, "2027-06-25T00:00:00+02:00"}},

		// Thanksgiving Thu 26 Nov 2026 (the Friday after is a working day). Wed 25 Nov
		// 12:00 EST: before. day0 Wed 25. +1: (Thu 26) Fri 27, +3: Mon 30, Tue 1 Dec.
		// Ground 2–4: Fri 27 → Mon 30, Tue 1; Tue 1 → Wed 2, Thu 3, Fri 4, Mon 7.
		{"thanksgiving 2026", nyShop, item, us, "2026-11-25T17:00:00Z",
			want{"2026-11-27..2026-12-01", "2026-12-01..2026-12-07", "2026-11-25T13:00:00-05:00", false, "2026-11-25T13:00:00-05:00"}},
		// Thanksgiving Thu 25 Nov 2027. Wed 24 Nov 14:00 EST: after. day0: (Thu 25)
		// Fri 26. +1 Mon 29, +3 Wed 1 Dec. Transit: Mon 29 → Tue 30, Wed 1; Wed 1 →
		// Thu 2, Fri 3, Mon 6, Tue 7. Expires Thu 25 00:00 EST.
		{"thanksgiving 2027", nyShop, item, us, "2027-11-24T19:00:00Z",
			want{"2027-11-29..2027-12-01", "2027-12-01..2027-12-07", "2027-11-26T13:00:00-05:00", false, "2027-11-25T00:00:00-05:00"}},
		// Independence Day Sat 4 Jul 2026 is observed Fri 3 Jul. Wed 1 Jul 10:00 EDT:
		// day0 Wed 1. +1 Thu 2, +3: (Fri 3) Mon 6, Tue 7. Transit: Thu 2 → (Fri 3)
		// Mon 6, Tue 7; Tue 7 → Wed 8, Thu 9, Fri 10, Mon 13.
		{"4 july 2026 observed on friday", nyShop, item, us, "2026-07-01T14:00:00Z",
			want{"2026-07-02..2026-07-07", "2026-07-07..2026-07-13", "2026-07-01T13:00:00-04:00", false, "2026-07-01T13:00:00-04:00"}},
		// Thu 2 Jul 14:00 EDT: after. day0: (Fri 3 observed) Mon 6. +1 Tue 7, +3 Thu 9.
		// Transit: Tue 7 → Thu 9; Thu 9 → Fri 10, Mon 13, Tue 14, Wed 15. Expires Fri 3 00:00.
		{"4 july 2026 observed is not day0", nyShop, item, us, "2026-07-02T18:00:00Z",
			want{"2026-07-07..2026-07-09", "2026-07-09..2026-07-15", "2026-07-06T13:00:00-04:00", false, "2026-07-03T00:00:00-04:00"}},
	})
}

// TestQuotePreorder: a ships_on later than day0 moves day0 to the first
// processing day on or after it (DESIGN §3 step 2). mug-like products with
// the default 1–3, quoted on Tue 14 Sep 2027 (an ordinary week) unless said.
func TestQuotePreorder(t *testing.T) {
	se := delivery.Destination{}
	zeroToOne := withMeta(40, "zero-to-one", delivery.Metafields{ProcessingMinDays: intp(0), ProcessingMaxDays: intp(1), ShipsOn: datep("2027-09-16")})
	runQuoteRows(t, []quoteRow{
		// ships_on Wed 1 Sep is in the past: no effect. day0 Tue 14 (10:00): ships
		// Wed 15 – Fri 17, delivery Thu 16 – Wed 22.
		{"ships_on in the past", seShop, delivery.Item{Product: preorder(41, "2027-09-01")}, se, "2027-09-14T08:00:00Z",
			want{"2027-09-15..2027-09-17", "2027-09-16..2027-09-22", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}},
		// ships_on today, before the cutoff: not later than day0, no effect.
		{"ships_on today", seShop, delivery.Item{Product: preorder(42, "2027-09-14")}, se, "2027-09-14T08:00:00Z",
			want{"2027-09-15..2027-09-17", "2027-09-16..2027-09-22", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}},
		// ships_on today, after the cutoff: day0 Wed 15 already. Ships Thu 16 – Mon 20,
		// delivery Fri 17 – Thu 23.
		{"ships_on today after cutoff", seShop, delivery.Item{Product: preorder(42, "2027-09-14")}, se, "2027-09-14T13:00:00Z",
			want{"2027-09-16..2027-09-20", "2027-09-17..2027-09-23", "2027-09-15T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
		// ships_on tomorrow, after today's cutoff: day0 is Wed 15 anyway.
		{"ships_on equal to day0", seShop, delivery.Item{Product: preorder(43, "2027-09-15")}, se, "2027-09-14T13:00:00Z",
			want{"2027-09-16..2027-09-20", "2027-09-17..2027-09-23", "2027-09-15T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
		// ships_on Wed 22 Sep: day0 Wed 22. +1 Thu 23, +3 Mon 27. Transit: Fri 24;
		// Mon 27 → Tue 28, Wed 29, Thu 30. cutoff.at is day0's; expires at midnight.
		{"ships_on in the future", seShop, delivery.Item{Product: preorder(44, "2027-09-22")}, se, "2027-09-14T08:00:00Z",
			want{"2027-09-23..2027-09-27", "2027-09-24..2027-09-30", "2027-09-22T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
		// ships_on Sat 25 Sep: the first processing day on or after it is Mon 27.
		// +1 Tue 28, +3 Thu 30. Transit: Wed 29; Thu 30 → Fri 1 Oct, Mon 4, Tue 5.
		{"ships_on on a saturday", seShop, delivery.Item{Product: preorder(45, "2027-09-25")}, se, "2027-09-14T08:00:00Z",
			want{"2027-09-28..2027-09-30", "2027-09-29..2027-10-05", "2027-09-27T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
		// Summer closure 12 Jul – 1 Aug 2027; ships_on Tue 20 Jul is inside it. Mon 5 Jul
		// 10:00: day0 becomes the first open day, Mon 2 Aug. +1 Tue 3, +3 Thu 5. Transit:
		// Wed 4; Thu 5 → Fri 6, Mon 9, Tue 10.
		{"ships_on inside a closure", seSummerShop, delivery.Item{Product: preorder(46, "2027-07-20")}, se, "2027-07-05T08:00:00Z",
			want{"2027-08-03..2027-08-05", "2027-08-04..2027-08-10", "2027-08-02T14:00:00+02:00", false, "2027-07-06T00:00:00+02:00"}},
		// 0–1 days from Thu 16: ships Thu 16 – Fri 17, delivery Fri 17 – Wed 22
		// (Fri 17 → Mon 20, Tue 21, Wed 22). min is 0 but day0 is not today: no
		// countdown for a pre-order.
		{"ships_on with min 0", seShop, delivery.Item{Product: zeroToOne}, se, "2027-09-14T08:00:00Z",
			want{"2027-09-16..2027-09-17", "2027-09-17..2027-09-22", "2027-09-16T14:00:00+02:00", false, "2027-09-15T00:00:00+02:00"}},
	})
}

// TestQuoteInventory: backorder adds the shop's backorder days (DESIGN §3
// step 4); sold out (deny) means no dates. Tue 14 Sep 2027 10:00 CEST, an
// ordinary fortnight (no SE holiday in Sep or early Oct 2027); backorder 7–14.
func TestQuoteInventory(t *testing.T) {
	se := delivery.Destination{}
	// Backorder: 1+7 = 8 and 3+14 = 17 processing days from Tue 14: +8 Fri 24 Sep,
	// +17 Thu 7 Oct. Transit: Fri 24 → Mon 27; Thu 7 → Fri 8, Mon 11, Tue 12.
	backorder := want{"2027-09-24..2027-10-07", "2027-09-27..2027-10-12", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}
	inStock := want{"2027-09-15..2027-09-17", "2027-09-16..2027-09-22", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}
	// Sold out: no dates, no cutoff, expires at the next midnight.
	soldOut := want{expires: "2027-09-15T00:00:00+02:00"}
	runQuoteRows(t, []quoteRow{
		{"continue, none in stock", seShop, delivery.Item{Product: stocked(50, 0, delivery.PolicyContinue)}, se, "2027-09-14T08:00:00Z", backorder},
		{"continue, negative stock", seShop, delivery.Item{Product: stocked(51, -3, delivery.PolicyContinue)}, se, "2027-09-14T08:00:00Z", backorder},
		{"continue, quantity above stock", seShop, delivery.Item{Product: stocked(52, 2, delivery.PolicyContinue), Quantity: 3}, se, "2027-09-14T08:00:00Z", backorder},
		{"continue, quantity equal to stock", seShop, delivery.Item{Product: stocked(53, 2, delivery.PolicyContinue), Quantity: 2}, se, "2027-09-14T08:00:00Z", inStock},
		{"deny, none in stock", seShop, delivery.Item{Product: stocked(54, 0, delivery.PolicyDeny)}, se, "2027-09-14T08:00:00Z", soldOut},
		{"no policy means deny", seShop, delivery.Item{Product: stocked(55, 0, "")}, se, "2027-09-14T08:00:00Z", soldOut},
		{"deny, quantity above stock", seShop, delivery.Item{Product: stocked(56, 2, delivery.PolicyDeny), Quantity: 3}, se, "2027-09-14T08:00:00Z", soldOut},
		{"deny, quantity equal to stock", seShop, delivery.Item{Product: stocked(57, 2, delivery.PolicyDeny), Quantity: 2}, se, "2027-09-14T08:00:00Z", inStock},
		{"quantity 0 counts as 1", seShop, delivery.Item{Product: stocked(58, 1, delivery.PolicyDeny), Quantity: 0}, se, "2027-09-14T08:00:00Z", inStock},
		// Sold out after the cutoff: still the next midnight.
		{"deny after cutoff", seShop, delivery.Item{Product: stocked(54, 0, delivery.PolicyDeny)}, se, "2027-09-14T20:00:00Z", soldOut},
	})
}

func TestQuoteBackorderProcessing(t *testing.T) {
	at := instant(t, "2027-09-14T08:00:00Z")
	tests := []struct {
		item          delivery.Item
		min, max      int
		backorder     bool
		wantAvailable bool
	}{
		{delivery.Item{Product: stocked(60, 0, delivery.PolicyContinue)}, 8, 17, true, true}, // 1+7, 3+14
		{delivery.Item{Product: stocked(61, 5, delivery.PolicyContinue)}, 1, 3, false, true},
		{delivery.Item{Product: mug, Quantity: 1000}, 1, 3, false, true}, // untracked: always in stock
		{delivery.Item{Product: stocked(62, 0, delivery.PolicyDeny)}, 1, 3, false, false},
	}
	for _, tt := range tests {
		a, err := delivery.Quote(seShop, tt.item, delivery.Destination{}, at)
		if err != nil {
			t.Fatalf("Quote(%s): %v", tt.item.Product.Handle, err)
		}
		p := a.Processing
		if p.MinDays != tt.min || p.MaxDays != tt.max || p.Backorder != tt.backorder || a.Available != tt.wantAvailable {
			t.Errorf("Quote(%s x%d) processing = %d–%d backorder %v available %v, want %d–%d backorder %v available %v",
				tt.item.Product.Handle, tt.item.Quantity, p.MinDays, p.MaxDays, p.Backorder, a.Available, tt.min, tt.max, tt.backorder, tt.wantAvailable)
		}
	}
}

// TestQuoteVariant: a product asked for without a variant is quoted for its
// first available variant, else its first (DESIGN §3).
func TestQuoteVariant(t *testing.T) {
	v := func(id int64, qty *int, policy string) delivery.Variant {
		return delivery.Variant{ID: id, InventoryQuantity: qty, InventoryPolicy: policy}
	}
	at := instant(t, "2027-09-14T08:00:00Z")
	tests := []struct {
		name      string
		variants  []delivery.Variant
		variantID int64
		want      int64 // the variant quoted
		available bool
		backorder bool
	}{
		{"first is sold out, second in stock", []delivery.Variant{v(1, intp(0), "deny"), v(2, intp(5), "deny")}, 0, 2, true, false},
		{"first is sold out, second on backorder", []delivery.Variant{v(1, intp(0), "deny"), v(2, intp(0), "continue")}, 0, 2, true, true},
		{"first is untracked", []delivery.Variant{v(1, nil, "deny"), v(2, intp(5), "deny")}, 0, 1, true, false},
		{"first on backorder counts as available", []delivery.Variant{v(1, intp(0), "continue"), v(2, intp(5), "deny")}, 0, 1, true, true},
		{"all sold out: the first", []delivery.Variant{v(1, intp(0), "deny"), v(2, intp(0), "deny")}, 0, 1, false, false},
		{"asked for a sold-out variant", []delivery.Variant{v(1, intp(0), "deny"), v(2, intp(5), "deny")}, 1, 1, false, false},
		{"asked for the second", []delivery.Variant{v(1, intp(5), "deny"), v(2, intp(0), "continue")}, 2, 2, true, true},
	}
	for _, tt := range tests {
		p := &delivery.Product{ID: 70, Handle: "variants", Variants: tt.variants}
		a, err := delivery.Quote(seShop, delivery.Item{Product: p, VariantID: tt.variantID}, delivery.Destination{}, at)
		if err != nil {
			t.Fatalf("Quote(%s, variant %d): %v", tt.name, tt.variantID, err)
		}
		if a.VariantID != tt.want || a.Available != tt.available || a.Processing.Backorder != tt.backorder {
			t.Errorf("Quote(%s, variant %d) = variant %d available %v backorder %v, want variant %d available %v backorder %v",
				tt.name, tt.variantID, a.VariantID, a.Available, a.Processing.Backorder, tt.want, tt.available, tt.backorder)
		}
	}
}

func TestQuoteErrors(t *testing.T) {
	at := instant(t, "2027-09-14T08:00:00Z")
	noWorld := mustCompile(with(seSettings(), func(st *delivery.Settings) { st.Shipping.Zones = st.Shipping.Zones[:2] }))
	// Closed for four whole years: there is no processing day within the three
	// years a quote looks ahead, and no date is better than a wrong one.
	closed := mustCompile(with(seSettings(), func(st *delivery.Settings) {
		for y := 2027; y <= 2030; y++ {
			st.Closures = append(st.Closures, delivery.Closure{From: delivery.DateOf(y, time.January, 1), To: delivery.DateOf(y, time.December, 31)})
		}
	}))
	tests := []struct {
		name string
		shop *delivery.Shop
		item delivery.Item
		dest delivery.Destination
		at   time.Time
		want error
	}{
		{"unknown country", seShop, delivery.Item{Product: mug}, delivery.Destination{Country: "XX"}, at, delivery.ErrUnknownCountry},
		{"lower-case country", seShop, delivery.Item{Product: mug}, delivery.Destination{Country: "se"}, at, delivery.ErrUnknownCountry},
		{"reserved code UK", seShop, delivery.Item{Product: mug}, delivery.Destination{Country: "UK"}, at, delivery.ErrUnknownCountry},
		{"the wildcard is no country", seShop, delivery.Item{Product: mug}, delivery.Destination{Country: "*"}, at, delivery.ErrUnknownCountry},
		{"not served without a * zone", noWorld, delivery.Item{Product: mug}, delivery.Destination{Country: "US"}, at, delivery.ErrCountryNotServed},
		{"unknown method", seShop, delivery.Item{Product: mug}, delivery.Destination{Country: "SE", Method: "drone"}, at, delivery.ErrUnknownMethod},
		{"method of another zone", seShop, delivery.Item{Product: mug}, delivery.Destination{Country: "SE", Method: "courier"}, at, delivery.ErrUnknownMethod},
		{"method of another zone, default country", seShop, delivery.Item{Product: mug}, delivery.Destination{Method: "courier"}, at, delivery.ErrUnknownMethod},
		{"no product", seShop, delivery.Item{}, delivery.Destination{}, at, delivery.ErrUnknownProduct},
		{"no variants", seShop, delivery.Item{Product: &delivery.Product{ID: 80, Handle: "empty"}}, delivery.Destination{}, at, delivery.ErrUnknownProduct},
		{"unknown variant", seShop, delivery.Item{Product: mug, VariantID: 999}, delivery.Destination{}, at, delivery.ErrUnknownVariant},
		{"closed for years", closed, delivery.Item{Product: mug}, delivery.Destination{}, instant(t, "2026-12-31T20:00:00Z"), delivery.ErrNoProcessingDay},
		{"before 1970", seShop, delivery.Item{Product: mug}, delivery.Destination{}, instant(t, "1969-12-31T12:00:00Z"), delivery.ErrOutOfRange},
		{"too far ahead", seShop, delivery.Item{Product: mug}, delivery.Destination{}, instant(t, "2196-06-01T12:00:00Z"), delivery.ErrOutOfRange},
	}
	for _, tt := range tests {
		_, err := delivery.Quote(tt.shop, tt.item, tt.dest, tt.at)
		if !errors.Is(err, tt.want) {
			t.Errorf("Quote(%s: %+v) error = %v, want %v", tt.name, tt.dest, err, tt.want)
		}
	}
}

// TestQuoteTransit: delivery = ship dates + transit carrier days (DESIGN §3
// step 5). NO holidays used: Grunnlovsdag Mon 17 May 2027, which is also
// Andre pinsedag that year; 17 May is an ordinary day in Sweden. US: Fri 3 Jul
// 2026, Independence Day observed.
func TestQuoteTransit(t *testing.T) {
	item := delivery.Item{Product: mug}
	runQuoteRows(t, []quoteRow{
		// Tue 14 Sep 2027 10:00: ships Wed 15 – Fri 17. Pickup 0–0 on carrier days is
		// the ship date itself.
		{"+0 on a carrier day", seShop, item, delivery.Destination{Method: "pickup"}, "2027-09-14T08:00:00Z",
			want{"2027-09-15..2027-09-17", "2027-09-15..2027-09-17", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}},
		// Saturday shop, Fri 17 Sep 10:00: day0 Fri 17, +1 Sat 18, +3 Tue 21 (Sat 18,
		// Mon 20, Tue 21). Pickup 0–0: Saturday is no carrier day, so Mon 20; Tue 21.
		{"+0 on a non-carrier day", seSatShop, item, delivery.Destination{Method: "pickup"}, "2027-09-17T08:00:00Z",
			want{"2027-09-18..2027-09-21", "2027-09-20..2027-09-21", "2027-09-17T14:00:00+02:00", false, "2027-09-17T14:00:00+02:00"}},
		// Express 1–1 from Wed 15 – Fri 17: Thu 16 – Mon 20.
		{"second method", seShop, item, delivery.Destination{Country: "SE", Method: "express"}, "2027-09-14T08:00:00Z",
			want{"2027-09-15..2027-09-17", "2027-09-16..2027-09-20", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}},
		// Tue 11 May 2027 10:00 CEST: day0 Tue 11, ships Wed 12 – Fri 14. Bring 2–4 to
		// NO: Wed 12 → Thu 13, Fri 14; Fri 14 → (Mon 17 Grunnlovsdag) Tue 18, Wed 19,
		// Thu 20, Fri 21.
		{"NO window across 17 May", seShop, item, delivery.Destination{Country: "NO"}, "2027-05-11T08:00:00Z",
			want{"2027-05-12..2027-05-14", "2027-05-14..2027-05-21", "2027-05-11T14:00:00+02:00", false, "2027-05-11T14:00:00+02:00"}},
		// destination_holidays: false: Fri 14 → Mon 17, Tue 18, Wed 19, Thu 20.
		{"NO window across 17 May, holidays off", seNoDestHolShop, item, delivery.Destination{Country: "NO"}, "2027-05-11T08:00:00Z",
			want{"2027-05-12..2027-05-14", "2027-05-14..2027-05-20", "2027-05-11T14:00:00+02:00", false, "2027-05-11T14:00:00+02:00"}},
		// Courier 0–2: Wed 12 is a carrier day, so Wed 12; Fri 14 → (Mon 17) Tue 18, Wed 19.
		{"NO courier across 17 May", seShop, item, delivery.Destination{Country: "NO", Method: "courier"}, "2027-05-11T08:00:00Z",
			want{"2027-05-12..2027-05-14", "2027-05-12..2027-05-19", "2027-05-11T14:00:00+02:00", false, "2027-05-11T14:00:00+02:00"}},
		{"NO courier across 17 May, holidays off", seNoDestHolShop, item, delivery.Destination{Country: "NO", Method: "courier"}, "2027-05-11T08:00:00Z",
			want{"2027-05-12..2027-05-14", "2027-05-12..2027-05-18", "2027-05-11T14:00:00+02:00", false, "2027-05-11T14:00:00+02:00"}},
		// Fri 14 May 10:00: day0 Fri 14, ships Mon 17 (a Swedish working day) – Wed 19.
		// Courier +0 from Mon 17, a Norwegian holiday: Tue 18; Wed 19 → Thu 20, Fri 21.
		{"+0 on a destination holiday", seShop, item, delivery.Destination{Country: "NO", Method: "courier"}, "2027-05-14T08:00:00Z",
			want{"2027-05-17..2027-05-19", "2027-05-18..2027-05-21", "2027-05-14T14:00:00+02:00", false, "2027-05-14T14:00:00+02:00"}},
		{"+0 on a destination holiday, holidays off", seNoDestHolShop, item, delivery.Destination{Country: "NO", Method: "courier"}, "2027-05-14T08:00:00Z",
			want{"2027-05-17..2027-05-19", "2027-05-17..2027-05-21", "2027-05-14T14:00:00+02:00", false, "2027-05-14T14:00:00+02:00"}},
		// The same to Sweden: 17 May is no holiday there. PostNord 1–3: Tue 18;
		// Wed 19 → Thu 20, Fri 21, Mon 24.
		{"17 May to Sweden", seShop, item, delivery.Destination{Country: "SE"}, "2027-05-14T08:00:00Z",
			want{"2027-05-17..2027-05-19", "2027-05-18..2027-05-24", "2027-05-14T14:00:00+02:00", false, "2027-05-14T14:00:00+02:00"}},
		// To the US through "*" (5–12). Mon 29 Jun 2026 10:00 CEST: ships Tue 30 Jun –
		// Thu 2 Jul. Tue 30 → Wed 1, Thu 2, (Fri 3 observed) Mon 6, Tue 7, Wed 8;
		// Thu 2 → Mon 6 … Tue 21 (twelve carrier days, Fri 3 skipped).
		{"US through the * zone", seShop, item, delivery.Destination{Country: "US"}, "2026-06-29T08:00:00Z",
			want{"2026-06-30..2026-07-02", "2026-07-08..2026-07-21", "2026-06-29T14:00:00+02:00", false, "2026-06-29T14:00:00+02:00"}},
		// Holidays off: Tue 30 → Wed 1 … Tue 7 (five); Thu 2 → Fri 3 … Mon 20 (twelve).
		{"US through the * zone, holidays off", seNoDestHolShop, item, delivery.Destination{Country: "US"}, "2026-06-29T08:00:00Z",
			want{"2026-06-30..2026-07-02", "2026-07-07..2026-07-20", "2026-06-29T14:00:00+02:00", false, "2026-06-29T14:00:00+02:00"}},
		// Iceland has no holiday data: weekdays only. Tue 14 Sep 2027: ships Wed 15 –
		// Fri 17; Wed 15 + 5 = Wed 22; Fri 17 + 12 = Tue 5 Oct.
		{"destination without holiday data", seShop, item, delivery.Destination{Country: "IS"}, "2027-09-14T08:00:00Z",
			want{"2027-09-15..2027-09-17", "2027-09-22..2027-10-05", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}},
	})
}

// TestQuoteRoute: the zone is the one that lists the country, else "*"; the
// method the one asked for, else the zone's first; the country the one asked
// for, else the shop's (DESIGN §3 step 5).
func TestQuoteRoute(t *testing.T) {
	tests := []struct {
		dest                  delivery.Destination
		country, zone, method string
		transit               delivery.Days
	}{
		{delivery.Destination{}, "SE", "Sverige", "standard", delivery.Days{Min: 1, Max: 3}},
		{delivery.Destination{Method: "express"}, "SE", "Sverige", "express", delivery.Days{Min: 1, Max: 1}},
		{delivery.Destination{Country: "DK"}, "DK", "Norden", "standard", delivery.Days{Min: 2, Max: 4}},
		{delivery.Destination{Country: "FI", Method: "courier"}, "FI", "Norden", "courier", delivery.Days{Min: 0, Max: 2}},
		{delivery.Destination{Country: "JP"}, "JP", "Resten av världen", "standard", delivery.Days{Min: 5, Max: 12}},
	}
	for _, tt := range tests {
		r, err := seShop.Route(tt.dest)
		if err != nil {
			t.Fatalf("Route(%+v): %v", tt.dest, err)
		}
		if r.Country != tt.country || r.Zone != tt.zone || r.Method != tt.method || r.Transit != tt.transit {
			t.Errorf("Route(%+v) = %s/%s/%s %v, want %s/%s/%s %v", tt.dest, r.Country, r.Zone, r.Method, r.Transit, tt.country, tt.zone, tt.method, tt.transit)
		}
	}
}

// TestQuoteIsPure: the same inputs give the same answer, and quoting does
// not depend on which zone now is expressed in.
func TestQuoteIsPure(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	at := instant(t, "2027-09-14T11:59:59Z")
	first, err := delivery.Quote(seShop, delivery.Item{Product: quick}, delivery.Destination{}, at)
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{at, at.In(ny), at.In(time.UTC), at.Local()} {
		again, err := delivery.Quote(seShop, delivery.Item{Product: quick}, delivery.Destination{}, now)
		if err != nil {
			t.Fatal(err)
		}
		if again.Ships != first.Ships || again.Delivery != first.Delivery || !again.Cutoff.At.Equal(first.Cutoff.At) ||
			!again.ExpiresAt.Equal(first.ExpiresAt) || again.Today != first.Today || again.Processing != first.Processing {
			t.Errorf("Quote(quick at %s) = %+v, want %+v", now, again, first)
		}
	}
	if want := delivery.DateOf(2027, time.September, 14); first.Today != want {
		t.Errorf("Quote(quick at %s) today = %s, want %s", at, first.Today, want)
	}
	if !strings.HasPrefix(first.QuotedAt.Format(time.RFC3339), "2027-09-14T13:59:59+02:00") {
		t.Errorf("Quote(quick at %s) quoted_at = %s, want the shop's clock 2027-09-14T13:59:59+02:00", at, first.QuotedAt.Format(time.RFC3339))
	}
}
