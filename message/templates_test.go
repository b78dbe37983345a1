package message

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/liquidsandbox"
)

const shopYAML = `
shop: demo-handmade.myshopify.com
timezone: Europe/Stockholm
country: SE
locale: sv
shipping:
  zones:
    - name: Sweden
      countries: [SE]
      methods: [{code: standard, name: PostNord, min: 1, max: 3}]
`

func loadShop(t *testing.T, messages string) (*delivery.Shop, error) {
	t.Helper()
	return delivery.LoadShop([]byte(shopYAML+messages), delivery.WithCheck(Check(nil)))
}

// TestLoadShopRunsMessageChecksOnlyWhenGiven: what LoadShop accepts is
// what its caller composes, not what the binary links: without
// WithCheck(Check(…)) a bad template passes, with it the shop is refused.
func TestLoadShopRunsMessageChecksOnlyWhenGiven(t *testing.T) {
	doc := []byte(shopYAML + "messages: {sv: {product: \"Skickas {{ ship.range }}\"}}")
	if _, err := delivery.LoadShop(doc); err != nil {
		t.Errorf("LoadShop without the message check = %v, want nil", err)
	}
	_, err := delivery.LoadShop(doc, delivery.WithCheck(Check(nil)))
	var verr *delivery.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 || verr.Problems[0].Path != "messages.sv.product" {
		t.Errorf("LoadShop with the message check = %v, want one problem at messages.sv.product", err)
	}
}

// TestCheckReportsTemplatesByPath: Compile (and so `leadtime check` and
// the admin API) rejects a bad template with its path, line and column.
func TestCheckReportsTemplatesByPath(t *testing.T) {
	_, err := loadShop(t, `
messages:
  sv:
    product: "Skickas {{ ship.range }}"
    cart: "{% include 'x' %}"
    countdown: "ok {{ remaining }}"
    prodcut: "x"
  de:
    email: "{% for i in (1..20000) %}{% endfor %}"
    backorder: "{{ shop | upcaes }}"
    preorder: "line one\n{% if available %}"
  pt:
    product: "x"
`)
	var verr *delivery.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("LoadShop = %v, want a *ValidationError", err)
	}
	want := []string{
		"messages.de.backorder: line 1, column 11: unknown filter “upcaes”; did you mean “upcase”?",
		"messages.de.email: line 1, column 1: the loop runs more than 10000 times; at most 10000",
		"messages.de.preorder: line 2, column 1: unterminated \"if\" block",
		"messages.pt: no built-in locale \"pt\"; use one of en, en-GB, sv, de, fr, es, nl, da, nb, fi",
		"messages.sv.cart: line 1, column 1: include is not allowed in a message: a message cannot read other templates or files",
		"messages.sv.prodcut: no message kind \"prodcut\"; use one of product, cart, email, countdown, preorder, backorder, unavailable",
		"messages.sv.product: line 1, column 12: unknown variable “ship”; did you mean “ships”?",
	}
	var got []string
	for _, p := range verr.Problems {
		if strings.HasPrefix(p.Path, "messages") {
			got = append(got, p.String())
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	big := strings.Repeat("x", liquidsandbox.MaxTemplateSize+1)
	if _, err := loadShop(t, "messages: {en: {product: \""+big+"\"}}"); err == nil || !strings.Contains(err.Error(), "messages.en.product: is 4097 bytes long; a message template may have at most 4096") {
		t.Errorf("an oversized template: %v", err)
	}
}

func TestOverride(t *testing.T) {
	shop, err := loadShop(t, `
messages:
  sv:
    product: "Skickas {{ ships.range }} · Levereras {{ delivery.range }} med {{ method }}"
    countdown: "Hinner du före {{ cutoff.at }}? {{ remaining }} kvar!"
  en:
    product: |
      {% if processing.readiness == 'made_to_order' %}
        Made for you, ships {{ ships.range }}
      {% else %}
        Ships {{ ships.range }}
      {% endif %}
`)
	if err != nil {
		t.Fatal(err)
	}
	st := shop.Settings()
	sat := date(2026, time.November, 28)
	a := answer(sat, date(2026, time.December, 7), date(2026, time.December, 10), date(2026, time.December, 8), date(2026, time.December, 15))
	if got := Override(st, a, "sv", ForAnswer(a, "sv")); got.Text != "Skickas 7–10 dec · Levereras 8–15 dec med PostNord" || got.Kind != KindProduct {
		t.Errorf("sv = %+v", got)
	}
	// One line, whatever the template's layout; en templates serve en-GB.
	for _, locale := range []string{"en", "en-GB"} {
		want := map[string]string{"en": "Made for you, ships Dec 7–10", "en-GB": "Made for you, ships 7–10 Dec"}[locale]
		if got := Override(st, a, locale, ForAnswer(a, locale)); got.Text != want {
			t.Errorf("%s = %q, want %q", locale, got.Text, want)
		}
	}
	// No template for de: the built-in text.
	if got := Override(st, a, "de", ForAnswer(a, "de")); got != ForAnswer(a, "de") {
		t.Errorf("de = %+v", got)
	}
	// The countdown template applies only when there is a countdown.
	if got := Override(st, a, "sv", ForAnswer(a, "sv")); got.Countdown != "" {
		t.Errorf("countdown without ships_today: %q", got.Countdown)
	}
	tue := date(2026, time.December, 1)
	today := shipsToday(answer(tue, tue, tue+1, tue+1, tue+3), 1)
	got := Override(st, today, "sv", ForAnswer(today, "sv"))
	if got.Countdown != "Hinner du före 14:00? {remaining} kvar!" {
		t.Errorf("countdown = %q", got.Countdown)
	}
	if s, _ := got.CountdownAt(today.Cutoff.At, today.Cutoff.At.Add(-100*time.Minute)); s != "Hinner du före 14:00? 1 tim 40 min kvar!" {
		t.Errorf("CountdownAt = %q", s)
	}
	// Compiled once per settings document.
	if compiledTemplates(st, nil) != compiledTemplates(st, nil) {
		t.Error("templates compiled twice")
	}
}

// TestBrokenTemplateFallsBack: a template that cannot work never fails a
// storefront request: the built-in text is said, and the failure is logged
// once.
func TestBrokenTemplateFallsBack(t *testing.T) {
	var logs bytes.Buffer
	// Settings whose problems were ignored, as a bug or an old store could
	// hand over; the check compiled their templates with its logger.
	st := &delivery.Settings{Shop: "x.myshopify.com", Messages: map[string]map[string]string{
		"sv": {"product": "Skickas {{ ship.range }}"},
		"en": {"product": "{% for i in (1..3) %}{{ 10 | divided_by: processing.min_days | minus: i }}{% endfor %}"},
	}}
	Check(slog.New(slog.NewTextHandler(&logs, nil)))(st, func(path, message string) {})
	sat := date(2026, time.November, 28)
	a := answer(sat, date(2026, time.December, 7), date(2026, time.December, 10), date(2026, time.December, 8), date(2026, time.December, 15))
	a.Processing.MinDays = 0 // the en template divides by it
	for range 3 {
		if got, want := Override(st, a, "sv", ForAnswer(a, "sv")), ForAnswer(a, "sv"); got != want {
			t.Errorf("sv = %+v, want the built-in %+v", got, want)
		}
		if got, want := Override(st, a, "en", ForAnswer(a, "en")), ForAnswer(a, "en"); got != want {
			t.Errorf("en = %+v, want the built-in %+v", got, want)
		}
	}
	for _, path := range []string{"messages.sv.product", "messages.en.product"} {
		if n := strings.Count(logs.String(), "template="+path); n != 1 {
			t.Errorf("%s logged %d times, want once:\n%s", path, n, logs.String())
		}
	}
}
