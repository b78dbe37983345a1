package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
)

// msgShopYAML is a shop whose merchant texts try everything: Liquid, HTML
// and script, in its message templates and in every name the storefront
// page shows.
const msgShopYAML = `
shop: hostile-merchant.myshopify.com
timezone: Europe/Stockholm
country: SE
locale: sv
cutoff: "14:00"
cutoff_by_weekday: {fri: "12:00", sat: "10:00"}
closures:
  - {from: 2026-12-24, to: 2027-01-01, label: "Julstängt {{ shop.name }} <script>alert('closure')</script>"}
  - {from: 2027-02-01, to: 2027-02-02}
rules:
  - name: "<b>handmade</b> {% raw %}"
    match: {tags: ["{{ 7*7 }}", handmade], vendors: ["<i>Lera</i>"]}
    processing: {min: 3, max: 5}
    readiness: made_to_order
  - name: spring
    match: {products: [spring-vase]}
    ships_on: 2027-03-01
  - name: mugs
    match: {products: [mug]}
    processing: {min: 0, max: 1}
shipping:
  zones:
    - name: "Sverige {{ 'x' }}"
      countries: [SE]
      methods:
        - {code: standard, name: "<script>alert('method')</script>", min: 1, max: 3}
        - {code: express, name: "{% layout 'evil' %}", min: 1, max: 1}
    - name: "Världen"
      countries: ["*"]
      methods: [{code: standard, min: 5, max: 12}]
messages:
  sv:
    product: "Skickas {{ ships.range }} {{ '{{' }} shop.name }} {% raw %}{% layout 'x' %}{% endraw %} <script>alert(1)</script> & co"
  en:
    countdown: "{{ '{%' }} hurry {{ '%}' }} {{ remaining }}"
catalog:
  - id: 1
    handle: wool-sweater
    title: "Wool {{ sweater }}"
    tags: [handmade]
    variants: [{id: 11}]
  - id: 2
    handle: mug
    title: Mug
    variants: [{id: 21}]
  - id: 3
    handle: spring-vase
    title: "Spring <vase>"
    variants: [{id: 31}]
`

// msgServer serves one shop at a fixed instant.
func msgServer(t *testing.T, doc string, now time.Time) http.Handler {
	t.Helper()
	shop, err := delivery.LoadShop([]byte(doc))
	if err != nil {
		t.Fatalf("LoadShop: %v", err)
	}
	return New(Config{
		Engine:      &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}},
		DefaultShop: shop.Domain(),
		Now:         func() time.Time { return now },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Cache:       answercache.NewMemory(100),
	}).Handler()
}

func msgDemoShop(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "examples", "demo-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(doc)
}

func msgGet(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w
}

var msgStockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

// msgSaturday is DESIGN §4's example instant; msgMonday a morning on which
// a ready-made product still ships today.
var (
	msgSaturday = time.Date(2026, 11, 28, 9, 15, 0, 0, msgStockholm)
	msgMonday   = time.Date(2026, 11, 30, 10, 48, 0, 0, msgStockholm)
)

// TestMessageInAnswer reads the demo shop's answers as a Swede, a German
// and a French customer would, with the locale falling back as issue 3
// says.
func TestMessageInAnswer(t *testing.T) {
	h := msgServer(t, msgDemoShop(t), msgSaturday)
	for _, tc := range []struct {
		query, locale, kind, text string
	}{
		{"handle=wool-sweater&locale=sv", "sv", "product", "Skickas 7–10 dec · Levereras 8–15 dec"},
		{"handle=wool-sweater&locale=sv-SE", "sv", "product", "Skickas 7–10 dec · Levereras 8–15 dec"},
		{"handle=wool-sweater&locale=de", "de", "product", "Versand 7.–10. Dez. · Lieferung 8.–15. Dez."},
		{"handle=wool-sweater&locale=fr-CA", "fr", "product", "Expédition du 7 au 10 déc. · Livraison du 8 au 15 déc."},
		{"handle=wool-sweater&locale=pt-BR", "en", "product", "Ships Dec 7–10 · Arrives Dec 8–15"}, // the demo shop's primary locale is en
		{"handle=wool-sweater", "en", "product", "Ships Dec 7–10 · Arrives Dec 8–15"},
		{"handle=spring-vase&locale=sv", "sv", "preorder", "Förhandsbeställning · Skickas från 2 mars · Levereras 3–8 mars"},
		{"handle=oak-cutting-board&locale=sv", "sv", "backorder", "Restnoterad · Skickas 10–23 dec · Levereras 11–30 dec"},
		{"handle=glass-carafe&locale=sv", "sv", "unavailable", "Slutsåld"},
	} {
		w := msgGet(t, h, "/proxy/product?"+tc.query)
		var a promise.ProductAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%s: %d %v\n%s", tc.query, w.Code, err, w.Body)
		}
		if a.Locale != tc.locale || a.Message == nil || string(a.Message.Kind) != tc.kind || a.Message.Text != tc.text {
			t.Errorf("%s: locale %q, message %+v\nwant %s [%s] %q", tc.query, a.Locale, a.Message, tc.locale, tc.kind, tc.text)
		}
		if a.Message != nil && a.Message.Countdown != "" {
			t.Errorf("%s: a countdown on Saturday: %q", tc.query, a.Message.Countdown)
		}
	}
	// An unknown or malformed locale is never an error... unless it is
	// not a locale at all, which the parameter check rejects.
	if w := msgGet(t, h, "/proxy/product?handle=wool-sweater&locale=zz-ZZ"); w.Code != http.StatusOK {
		t.Errorf("locale=zz-ZZ: %d", w.Code)
	}
}

// TestCountdownInAnswer: on Monday morning the ready-made mug ships today,
// and the cached answer carries the countdown's pattern, not a time left.
func TestCountdownInAnswer(t *testing.T) {
	h := msgServer(t, msgDemoShop(t), msgMonday)
	w := msgGet(t, h, "/proxy/product?handle=stoneware-mug&locale=sv")
	var a promise.ProductAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	m := a.Message
	if !a.Cutoff.ShipsToday || m.Countdown != "Beställ inom {remaining} så skickar vi idag" || m.Remaining == nil || m.Remaining.Hours != "{h} tim {m} min" {
		t.Fatalf("answer: ships_today %v, message %+v", a.Cutoff.ShipsToday, m)
	}
	if got, _ := m.CountdownAt(a.Cutoff.At, msgMonday); got != "Beställ inom 3 tim 12 min så skickar vi idag" {
		t.Errorf("CountdownAt = %q", got)
	}
	if m.Text != "Skickas idag eller imorgon · Levereras mellan imorgon och fre 4 dec" {
		t.Errorf("text = %q", m.Text)
	}
	html := msgGet(t, h, "/proxy/product?handle=stoneware-mug&locale=sv&format=html").Body.String()
	want := `<span class="leadtime-countdown" data-cutoff="2026-11-30T14:00:00+01:00" data-countdown="Beställ inom {remaining} så skickar vi idag" data-hours="{h} tim {m} min" data-minutes="{m} min" hidden></span>`
	if !strings.Contains(html, want) {
		t.Errorf("format=html = %s\nwant it to contain %s", html, want)
	}
	// Not for a product that cannot ship today.
	if body := msgGet(t, h, "/proxy/product?handle=wool-sweater&format=html").Body.String(); strings.Contains(body, "countdown") {
		t.Errorf("wool sweater: %s", body)
	}
}

// TestMerchantTextIsInert: whatever a merchant's template says reaches
// JSON as text, HTML escaped, and Liquid neutralised.
func TestMerchantTextIsInert(t *testing.T) {
	h := msgServer(t, msgShopYAML, msgSaturday)
	w := msgGet(t, h, "/proxy/product?handle=wool-sweater&locale=sv")
	var a promise.ProductAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatalf("%v\n%s", err, w.Body)
	}
	wantText := "Skickas 1–3 dec {{ shop.name }} {% layout 'x' %} <script>alert(1)</script> & co"
	if a.Message.Text != wantText {
		t.Errorf("text = %q\nwant   %q", a.Message.Text, wantText)
	}
	if strings.Contains(a.Message.HTML, "<script") || !strings.Contains(a.Message.HTML, "&lt;script&gt;") {
		t.Errorf("html = %q", a.Message.HTML)
	}
	html := msgGet(t, h, "/proxy/product?handle=wool-sweater&locale=sv&format=html").Body.String()
	liquid := msgGet(t, h, "/proxy/product?handle=wool-sweater&locale=sv&format=liquid").Body.String()
	msgCheckInert(t, "format=html", html, false)
	msgCheckInert(t, "format=liquid", liquid, true)

	// The en countdown template writes "{%" and "%}" into the countdown.
	mon := msgServer(t, msgShopYAML, msgMonday)
	liquid = msgGet(t, mon, "/proxy/product?handle=mug&locale=en&format=liquid").Body.String()
	if !strings.Contains(liquid, "data-countdown=\"&#123;% hurry %&#125; &#123;remaining&#125;\"") {
		t.Errorf("countdown in format=liquid: %s", liquid)
	}
	msgCheckInert(t, "countdown", liquid, true)
}

// msgCheckInert fails if a body could run as Liquid or script in the shop.
func msgCheckInert(t *testing.T, what, body string, liquid bool) {
	t.Helper()
	if liquid {
		first, rest, _ := strings.Cut(body, "\n")
		if first != "{% layout none %}" {
			t.Errorf("%s: first line %q, want {%% layout none %%}", what, first)
		}
		body = rest
	}
	for _, bad := range []string{"<script", "<b>", "<i>"} {
		if strings.Contains(body, bad) {
			t.Errorf("%s contains %q:\n%s", what, bad, body)
		}
	}
	if liquid {
		for _, bad := range []string{"{{", "{%", "}}", "%}"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s contains %q:\n%s", what, bad, body)
			}
		}
	}
}

// TestRequestNeverReachesLiquid: no query parameter, however hostile, puts
// a byte into a Liquid answer; what is not a valid parameter is a JSON
// error, never Liquid.
func TestRequestNeverReachesLiquid(t *testing.T) {
	h := msgServer(t, msgDemoShop(t), msgSaturday)
	hostile := []string{"{{7*7}}", "{%raw%}", "<script>alert(1)</script>", "sv\"><script>", "'\"><img src=x>", "%7B%7B"}
	for _, param := range []string{"locale", "handle", "country", "method", "variant_id", "shop", "format", "zzz"} {
		for _, v := range hostile {
			q := url.Values{"handle": {"wool-sweater"}, "format": {"liquid"}}
			q.Set(param, v)
			w := msgGet(t, h, "/proxy/product?"+q.Encode())
			body := w.Body.String()
			if w.Code == http.StatusOK {
				msgCheckInert(t, param+"="+v, body, strings.HasPrefix(w.Header().Get("Content-Type"), "application/liquid"))
			} else if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s=%s: %d with Content-Type %q", param, v, w.Code, ct)
			}
			if strings.Contains(body, "<script") || strings.Contains(body, "7*7") && w.Code == http.StatusOK {
				t.Errorf("%s=%s: the body echoes it: %s", param, v, body)
			}
		}
	}
}

// TestLiquidAnswersRenderInShopifyLiquid renders format=liquid answers and
// the storefront page with ruby-liquid, as Shopify would: they parse in
// strict mode, and what the customer gets is exactly the HTML we meant
// (format=html), merchant text included.
func TestLiquidAnswersRenderInShopifyLiquid(t *testing.T) {
	demo := msgServer(t, msgDemoShop(t), msgMonday)
	hostile := msgServer(t, msgShopYAML, msgMonday)
	type pair struct {
		h      http.Handler
		liquid string
		want   string // the HTML it must render as; "" means the body without Liquid
	}
	var cases []pair
	for _, q := range []string{
		"/proxy/product?handle=wool-sweater",
		"/proxy/product?handle=stoneware-mug&locale=sv",
		"/proxy/product?handle=glass-carafe&locale=de",
		"/proxy/cart?items=2001:1,2011:2,999999:1&locale=fr",
	} {
		cases = append(cases, pair{demo, q + "&format=liquid", q + "&format=html"})
	}
	for _, q := range []string{"/proxy/product?handle=wool-sweater&locale=sv", "/proxy/product?handle=mug&locale=en"} {
		cases = append(cases, pair{hostile, q + "&format=liquid", q + "&format=html"})
	}
	for _, q := range []string{"/proxy/?locale=sv", "/proxy/?locale=fr"} {
		cases = append(cases, pair{demo, q, ""}, pair{hostile, q, ""})
	}
	var batch []map[string]any
	wants := map[string]string{}
	for i, c := range cases {
		body := msgGet(t, c.h, c.liquid).Body.String()
		name := c.liquid + "#" + string(rune('a'+i))
		batch = append(batch, map[string]any{"name": name, "template": body, "vars": map[string]any{}})
		// A page has no Liquid: it renders as itself. An answer renders as
		// its format=html twin after the empty line of {% layout none %},
		// with braces as entities, which a browser reads as braces.
		wants[name] = body
		if c.want != "" {
			html := msgGet(t, c.h, c.want).Body.String()
			wants[name] = "\n" + strings.NewReplacer("{", "&#123;", "}", "&#125;").Replace(html)
		}
	}
	for name, out := range msgRubyLiquid(t, batch) {
		if out != wants[name] {
			t.Errorf("%s: ruby-liquid renders\n%s\nwant\n%s", name, out, wants[name])
		}
	}
}

// msgRubyLiquid renders a batch with ruby-liquid in one process (the
// liquidsandbox package's script). It fails when ruby or ruby-liquid is missing:
// `make test` installs them.
func msgRubyLiquid(t *testing.T, batch []map[string]any) map[string]string {
	t.Helper()
	ruby, err := exec.LookPath("ruby")
	if err != nil {
		t.Fatalf("ruby is required (scripts/install-deps.sh installs ruby and ruby-liquid): %v", err)
	}
	in, err := json.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ruby, filepath.Join("..", "liquidsandbox", "testdata", "parity.rb"))
	cmd.Env = append(os.Environ(), "TZ=UTC", "LANG=C.UTF-8")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby parity.rb: %v\n%s", err, stderr.String())
	}
	var results []struct {
		Name   string   `json:"name"`
		Output *string  `json:"output"`
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range results {
		if r.Output == nil || len(r.Errors) > 0 {
			t.Errorf("%s: ruby-liquid fails: %v", r.Name, r.Errors)
			continue
		}
		got[r.Name] = *r.Output
	}
	return got
}

// msgUpdating reports whether the tests run with -update (the flag of the
// package's golden tests).
func msgUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// msgGolden compares got with a golden file under testdata/golden/messages.
func msgGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", "messages", name)
	if msgUpdating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./server -run Page -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and read the diff):\n%s", path, got)
	}
}
