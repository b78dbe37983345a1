package preview_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/preview"
	"github.com/leadtime-app/leadtime/promise"
)

// testSettings is a Stockholm shop: cutoff 14:00, Mon–Fri, holidays [SE]
// by default, processing 1–3 days, closures 24 Dec 2026–1 Jan 2027
// "Julstängt" and (unlabelled) Tue 12 Jan 2027; a mug with the
// "ready-made" tag (rule: 0–1 days), a sold-out print and a wallet.
const testSettings = `{
  "shop": "preview-test.myshopify.com",
  "timezone": "Europe/Stockholm",
  "country": "SE",
  "cutoff": "14:00",
  "processing": {"min": 1, "max": 3},
  "closures": [
    {"from": "2026-12-24", "to": "2027-01-01", "label": "Julstängt"},
    {"from": "2027-01-12", "to": "2027-01-12"}
  ],
  "rules": [
    {"name": "ready-made", "match": {"tags": ["ready-made"]}, "processing": {"min": 0, "max": 1}},
    {"name": "by hand", "match": {"products": ["wallet"], "vendors": ["Lera", "Ull"]}, "processing": {"min": 5, "max": 8}}
  ],
  "shipping": {"zones": [{"name": "Sverige", "countries": ["SE"], "methods": [{"code": "standard", "min": 1, "max": 2}]}]},
  "catalog": [
    {"id": 1, "handle": "mug", "title": "Mug", "tags": ["ready-made"], "variants": [{"id": 11}]},
    {"id": 2, "handle": "print", "title": "Print", "variants": [{"id": 21, "inventory_quantity": 0}]},
    {"id": 3, "handle": "wallet", "title": "Wallet", "vendor": "Lera", "variants": [{"id": 31}, {"id": 32}]}
  ]
}`

func testShop(t *testing.T) *delivery.Shop {
	t.Helper()
	shop, err := delivery.LoadShop([]byte(testSettings))
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

func stockholm(t *testing.T, local string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", local, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func run(t *testing.T, req preview.Request, now time.Time) *preview.Answer {
	t.Helper()
	a, err := preview.Preview(context.Background(), testShop(t), promise.Catalog{}, req, now)
	if err != nil {
		t.Fatalf("Preview(%+v) = %v", req, err)
	}
	return a
}

// TestPreviewStrip: the strip from Mon 21 Dec 2026 10:00, checked on a
// calendar: 21–23 Dec are processing days, the closure runs 24 Dec–1 Jan
// (over Julafton, Juldagen and the weekend), Sat 2 and Sun 3 Jan are the
// weekend.
func TestPreviewStrip(t *testing.T) {
	t.Parallel()
	a := run(t, preview.Request{At: "2026-12-21T10:00", Products: []delivery.Ref{"mug"}}, time.Time{})
	want := []struct{ date, closed, reason string }{
		{"2026-12-21", "", ""}, {"2026-12-22", "", ""}, {"2026-12-23", "", ""},
		{"2026-12-24", "closure", "Julstängt"}, {"2026-12-25", "closure", "Julstängt"},
		{"2026-12-26", "closure", "Julstängt"}, {"2026-12-27", "closure", "Julstängt"},
		{"2026-12-28", "closure", "Julstängt"}, {"2026-12-29", "closure", "Julstängt"},
		{"2026-12-30", "closure", "Julstängt"}, {"2026-12-31", "closure", "Julstängt"},
		{"2027-01-01", "closure", "Julstängt"},
		{"2027-01-02", "weekend", "Not a processing day"}, {"2027-01-03", "weekend", "Not a processing day"},
	}
	if a.Strip.Product != "mug" || len(a.Strip.Days) != len(want) {
		t.Fatalf("strip of %q with %d days, want the mug's %d", a.Strip.Product, len(a.Strip.Days), len(want))
	}
	for i, w := range want {
		d := a.Strip.Days[i]
		if d.Date.String() != w.date || d.Open != (w.closed == "") || d.Closed != w.closed || d.Reason != w.reason {
			t.Errorf("strip day %d = %s open %v %q %q, want %s %q %q", i, d.Date, d.Open, d.Closed, d.Reason, w.date, w.closed, w.reason)
		}
	}
}

// TestPreviewStripMarks: holidays by name and an unlabelled closure, from
// Mon 4 Jan 2027: Trettondedag jul is Wed 6 Jan, the closure Tue 12 Jan.
func TestPreviewStripMarks(t *testing.T) {
	t.Parallel()
	a := run(t, preview.Request{At: "2027-01-04T10:00", Products: []delivery.Ref{"mug"}}, time.Time{})
	marks := map[string]string{}
	for _, d := range a.Strip.Days {
		marks[d.Date.String()] = d.Closed + ":" + d.Reason
	}
	for date, want := range map[string]string{
		"2027-01-04": ":", "2027-01-06": "holiday:Trettondedag jul", "2027-01-09": "weekend:Not a processing day",
		"2027-01-12": "closure:Closed", "2027-01-13": ":",
	} {
		if marks[date] != want {
			t.Errorf("strip %s marked %q, want %q", date, marks[date], want)
		}
	}
}

// TestPreviewStart: when processing starts, in words, for an order placed
// on a normal day before and after the cutoff, on a holiday, in a closure
// and on a weekend.
func TestPreviewStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ at, want string }{
		{"2027-01-05T10:00", "An order placed Tue 5 Jan 2027 at 10:00 (shop time) is before today's cutoff (14:00), so processing starts today."},
		{"2027-01-05T15:00", "An order placed Tue 5 Jan 2027 at 15:00 (shop time) is after today's cutoff, so processing starts on the next processing day, Thu 7 Jan."},
		{"2027-01-06T10:00", "An order placed Wed 6 Jan 2027 at 10:00 (shop time) waits: today is a holiday (Trettondedag jul), so processing starts Thu 7 Jan."},
		{"2026-12-24T10:00", "An order placed Thu 24 Dec 2026 at 10:00 (shop time) waits: the shop is closed today (Julstängt), so processing starts Mon 4 Jan."},
		{"2027-01-12T10:00", "An order placed Tue 12 Jan 2027 at 10:00 (shop time) waits: the shop is closed today (Closed), so processing starts Wed 13 Jan."},
		{"2027-01-09T10:00", "An order placed Sat 9 Jan 2027 at 10:00 (shop time) waits: Saturday is not a processing day, so processing starts Mon 11 Jan."},
	} {
		if got := run(t, preview.Request{At: tc.at, Products: []delivery.Ref{"mug"}}, time.Time{}).Start; got != tc.want {
			t.Errorf("Preview(at %s).Start = %q, want %q", tc.at, got, tc.want)
		}
	}
}

// TestPreviewProducts: each sample says why, a sold-out product has no
// dates (and nothing to count down to), an unknown one is an entry's
// error, and rules list the products they match.
func TestPreviewProducts(t *testing.T) {
	t.Parallel()
	a := run(t, preview.Request{At: "2027-01-05T10:00", Products: []delivery.Ref{"mug", "2", "wallet", "nope"}}, time.Time{})
	if len(a.Products) != 4 {
		t.Fatalf("%d products, want 4", len(a.Products))
	}
	mug, print, wallet, nope := a.Products[0], a.Products[1], a.Products[2], a.Products[3]
	if want := "Rule “ready-made” applies: 0–1 processing days, because the product matches tag “ready-made”."; mug.Why != want {
		t.Errorf("mug's why = %q, want %q", mug.Why, want)
	}
	if len(mug.Messages) != 1 || mug.Messages[0].Countdown == "" {
		t.Errorf("mug's messages %+v, want one with a countdown to 14:00", mug.Messages)
	}
	if print.Answer == nil || print.Answer.Available || !strings.Contains(print.Why, "sold out") || len(print.Messages) != 1 || print.Messages[0].Countdown != "" {
		t.Errorf("sold-out print = %+v, want an unavailable answer, why sold out, no countdown", print)
	}
	if want := "Rule “by hand” applies: 5–8 processing days, because the product matches product “wallet” and one of the vendors “Lera”, “Ull”."; wallet.Why != want {
		t.Errorf("wallet's why = %q, want %q", wallet.Why, want)
	}
	if nope.Error == nil || nope.Error.Code != "unknown_product" || nope.Answer != nil {
		t.Errorf("unknown product = %+v, want unknown_product in its entry", nope)
	}
	if a.Known != (preview.Known{Source: "catalog", Count: 3}) {
		t.Errorf("known = %+v, want the catalog's 3", a.Known)
	}
	if len(a.Rules) != 2 || len(a.Rules[0].Matches) != 1 || a.Rules[0].Matches[0].Handle != "mug" ||
		len(a.Rules[1].Matches) != 1 || a.Rules[1].Matches[0] != (preview.RuleMatch{ID: 3, Handle: "wallet", Title: "Wallet", Variants: 2, Of: 2}) {
		t.Errorf("rules = %+v, want ready-made → mug, by hand → wallet", a.Rules)
	}
}

// TestPreviewDefaults: without products the catalog's first are the
// samples and the first of them the strip's; "now" is now.
func TestPreviewDefaults(t *testing.T) {
	t.Parallel()
	now := stockholm(t, "2027-01-05T10:00")
	a := run(t, preview.Request{}, now)
	if !a.QuotedAt.Equal(now) || a.Timezone != "Europe/Stockholm" || a.Country != "SE" || a.Method != "standard" {
		t.Errorf("answer at %v in %s to %s/%s, want now in Stockholm to SE/standard", a.QuotedAt, a.Timezone, a.Country, a.Method)
	}
	var refs []string
	for _, p := range a.Products {
		refs = append(refs, p.Ref)
	}
	if !slices.Equal(refs, []string{"mug", "print", "wallet"}) || a.Strip.Product != "mug" {
		t.Errorf("samples %v, strip %q; want the catalog and the mug", refs, a.Strip.Product)
	}
	if b := run(t, preview.Request{StripProduct: "wallet"}, now); b.Strip.Product != "wallet" {
		t.Errorf("strip_product wallet: strip of %q", b.Strip.Product)
	}
	if b := run(t, preview.Request{StripProduct: "nope"}, now); b.Strip.Product != "" || b.Strip.Title == "" {
		t.Errorf("strip_product unknown: strip %+v, want the stand-in", b.Strip)
	}
}

// TestPreviewErrors: the preview's own bad parameters are ParamErrors
// matching ErrBadParam with their code; a route's errors are delivery's.
func TestPreviewErrors(t *testing.T) {
	t.Parallel()
	many := make([]delivery.Ref, preview.MaxProducts+1)
	for i := range many {
		many[i] = "mug"
	}
	for _, tc := range []struct {
		req  preview.Request
		code string
	}{
		{preview.Request{At: "yesterday"}, "invalid_at"},
		{preview.Request{Products: many}, "too_many_products"},
		{preview.Request{Products: []delivery.Ref{" "}}, "invalid_product"},
	} {
		_, err := preview.Preview(context.Background(), testShop(t), promise.Catalog{}, tc.req, time.Time{})
		var pe *preview.ParamError
		if !errors.Is(err, preview.ErrBadParam) || !errors.As(err, &pe) || pe.ErrorCode() != tc.code {
			t.Errorf("Preview(%+v) = %v, want a ParamError %s", tc.req, err, tc.code)
		}
	}
	if _, err := preview.Preview(context.Background(), testShop(t), promise.Catalog{}, preview.Request{Country: "US"}, time.Time{}); !errors.Is(err, delivery.ErrCountryNotServed) {
		t.Errorf("Preview(country US) = %v, want ErrCountryNotServed", err)
	}
}

func TestInstant(t *testing.T) {
	t.Parallel()
	now := stockholm(t, "2026-11-28T09:30")
	loc := now.Location()
	for _, tc := range []struct {
		at   string
		want time.Time
	}{
		{"", now}, {"now", now}, {" NOW ", now},
		{"2026-12-21T10:00", stockholm(t, "2026-12-21T10:00")},
		{"2026-12-21T10:00:00", stockholm(t, "2026-12-21T10:00")},
		{"2026-12-21T09:00:00Z", stockholm(t, "2026-12-21T10:00")},
	} {
		got, err := preview.Instant(tc.at, loc, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("Instant(%q) = %v, %v, want %v", tc.at, got, err, tc.want)
		}
	}
	if _, err := preview.Instant(strings.Repeat("x", 100), loc, now); err == nil || !strings.Contains(err.Error(), strings.Repeat("x", 64)+"…") {
		t.Errorf("Instant(100 x) = %v, want an error echoing 64 of them", err)
	}
}

func TestLocales(t *testing.T) {
	t.Parallel()
	many := map[string]map[string]string{}
	for _, l := range []string{"sv", "de", "fr", "nb", "da", "fi", "it", "es", "nl", "pl", "pt", "cs", "ja"} {
		many[l] = map[string]string{}
	}
	for _, tc := range []struct {
		st   delivery.Settings
		want []string
	}{
		{delivery.Settings{}, []string{"en"}},
		{delivery.Settings{Locale: "sv"}, []string{"sv", "en"}},
		{delivery.Settings{Locale: "sv", Messages: map[string]map[string]string{"de": {}, "en": {}, "sv": {}}}, []string{"sv", "de", "en"}},
		// Locales without built-in texts (cs, it, ja, pl, pt) speak English.
		{delivery.Settings{Messages: many}, []string{"en", "da", "de", "es", "fi", "fr", "nb", "nl", "sv"}},
	} {
		if got := preview.Locales(&tc.st); !slices.Equal(got, tc.want) {
			t.Errorf("Locales(locale %q, messages %d) = %v, want %v", tc.st.Locale, len(tc.st.Messages), got, tc.want)
		}
	}
}
