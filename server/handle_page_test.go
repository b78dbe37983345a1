package server

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestShippingPage reads the demo shop's page in each of its languages: a
// page of the theme (application/liquid, no layout none), built from the
// settings, the same at every request of the same day.
func TestShippingPage(t *testing.T) {
	h := msgServer(t, msgDemoShop(t), msgSaturday)
	for _, locale := range []string{"sv", "en", "de", "fr"} {
		w := msgGet(t, h, "/proxy/?locale="+locale)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", locale, w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/liquid; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", locale, ct)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=300" || w.Header().Get("ETag") == "" {
			t.Errorf("%s: Cache-Control %q, ETag %q", locale, cc, w.Header().Get("ETag"))
		}
		body := w.Body.String()
		if !strings.HasPrefix(body, `<div class="leadtime-page`) || strings.Contains(body, "layout none") {
			t.Errorf("%s: the page must render inside the theme's layout:\n%.200s", locale, body)
		}
		msgCheckInert(t, "page "+locale, body, false)
		if strings.Contains(body, "{{") || strings.Contains(body, "{%") {
			t.Errorf("%s: the page holds Liquid", locale)
		}
		msgGolden(t, "shipping-page."+locale+".liquid", w.Body.Bytes())
	}
	sv := msgGet(t, h, "/proxy/?locale=sv-SE").Body.String()
	for _, want := range []string{
		`<div class="leadtime-page page-width page-width--narrow" lang="sv">`,
		`<h1 class="main-page-title page-title h0">Leverans- och handläggningstider</h1>`,
		"Vi hanterar beställningar måndag–fredag. Beställningar som läggs före 14:00 (fredag 12:00) börjar hanteras samma dag",
		"De flesta beställningar är klara att skickas inom 1–3 arbetsdagar.",
		"Restnoterade varor tar 7–14 arbetsdagar längre.",
		`<tr><th scope="row">wedding-collection</th><td>Produkter i kollektionen ”wedding”</td><td><span class="leadtime-page__days">6–10 arbetsdagar</span><small>tillverkas efter beställning</small></td></tr>`,
		`<th scope="rowgroup">Nordics<small>Norge, Danmark, Finland och Island</small></th><td>PostNord</td><td class="leadtime-page__days">2–5 arbetsdagar</td>`,
		"levererar måndag–fredag, utom på helgdagar i mottagarlandet.",
		`<li><time datetime="2026-12-24">24 dec–1 jan</time><span>Julstängt</span></li>`,
		`<li><time datetime="2027-03-26">fre 26 mars</time><span>Långfredagen</span></li>`,
		`<li><time datetime="2027-06-25">fre 25 juni</time><span>Midsommarafton</span></li>`,
		`<li><time datetime="2027-07-12">12 juli–1 aug</time><span>Sommarstängt</span></li>`,
	} {
		if !strings.Contains(sv, want) {
			t.Errorf("the Swedish page lacks %q", want)
		}
	}
	// Holidays on days the shop does not process anyway are not listed
	// (Nationaldagen falls on a Sunday in 2027), nor those inside a
	// closure (Juldagen), nor any beyond a year.
	for _, absent := range []string{"Nationaldagen", "Juldagen", "Midsommardagen", "2027-11-2", "2027-12"} {
		if strings.Contains(sv, absent) {
			t.Errorf("the Swedish page lists %q", absent)
		}
	}
	// A locale the shop does not speak falls back to its primary locale.
	if got := msgGet(t, h, "/proxy/?locale=pt-BR").Body.String(); !strings.Contains(got, `lang="en"`) {
		t.Errorf("pt-BR: %.120s", got)
	}
}

// TestShippingPageUsesTheShopsDay: the holidays listed are the next twelve
// months' from the shop's date, read from the injected clock.
func TestShippingPageUsesTheShopsDay(t *testing.T) {
	doc := msgDemoShop(t)
	march := msgGet(t, msgServer(t, doc, time.Date(2027, 3, 27, 12, 0, 0, 0, msgStockholm)), "/proxy/?locale=sv").Body.String()
	if strings.Contains(march, "Långfredagen") || !strings.Contains(march, "Annandag påsk") {
		t.Errorf("on 27 March 2027 the page should list Easter Monday but not Good Friday")
	}
	if strings.Contains(march, "Julstängt") {
		t.Errorf("on 27 March 2027 a past closure is listed")
	}
	// New Year's Eve 23:30 in New York is already 1 January in Stockholm.
	ny, _ := time.LoadLocation("America/New_York")
	jan := msgGet(t, msgServer(t, doc, time.Date(2026, 12, 31, 23, 30, 0, 0, ny)), "/proxy/?locale=en").Body.String()
	if !strings.Contains(jan, "Dec 24 – Jan 1") {
		t.Errorf("on the shop's 1 January the closure that ends that day is missing")
	}
}

// TestShippingPageHolidays: holidays come from the shop's calendars, the
// shop's country when it names none, and none when it lists none.
func TestShippingPageHolidays(t *testing.T) {
	base := strings.Replace(msgShopYAML, "messages:", "holidays: []\nmessages:", 1)
	none := msgGet(t, msgServer(t, base, msgSaturday), "/proxy/").Body.String()
	if strings.Contains(none, "Trettondedag") {
		t.Errorf("holidays: [] lists a public holiday")
	}
	de := strings.Replace(msgShopYAML, "messages:", "holidays: [DE]\nmessages:", 1)
	if page := msgGet(t, msgServer(t, de, msgSaturday), "/proxy/?locale=de").Body.String(); !strings.Contains(page, "Neujahr") && !strings.Contains(page, "Karfreitag") {
		t.Errorf("holidays: [DE] lists no German holiday:\n%s", page)
	}
	page := msgGet(t, msgServer(t, msgShopYAML, msgSaturday), "/proxy/?locale=sv").Body.String()
	if !strings.Contains(page, "Trettondedag jul") {
		t.Errorf("without holidays, the shop's country's calendar is not used")
	}
	// The closure without a label, and a pre-order rule.
	for _, want := range []string{"<span>Stängt</span>", "Förhandsbeställning, skickas från 1 mars", "”Spring &lt;vase&gt;”"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestShippingPageIsInert: merchant names with Liquid, HTML and script are
// text on the page.
func TestShippingPageIsInert(t *testing.T) {
	h := msgServer(t, msgShopYAML, msgSaturday)
	for _, locale := range []string{"sv", "en", "fi"} {
		body := msgGet(t, h, "/proxy/?locale="+locale).Body.String()
		msgCheckInert(t, "page "+locale, body, false)
		if strings.Contains(body, "{{") || strings.Contains(body, "{%") {
			t.Errorf("%s: the page holds Liquid:\n%s", locale, body)
		}
		for _, want := range []string{"&lt;script&gt;alert(&#39;method&#39;)&lt;/script&gt;", "Sverige &#123;&#123; &#39;x&#39; &#125;&#125;", "&lt;b&gt;handmade&lt;/b&gt;"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the page lacks %q", locale, want)
			}
		}
	}
}

func TestShippingPageBadRequests(t *testing.T) {
	h := msgServer(t, msgDemoShop(t), msgSaturday)
	for _, tc := range []struct {
		target string
		status int
		code   string
	}{
		{"/proxy/?locale={{x}}", http.StatusBadRequest, "invalid_locale"},
		{"/proxy/?shop=other.myshopify.com", http.StatusNotFound, "shop_not_installed"},
		{"/proxy/?shop=<script>", http.StatusBadRequest, "invalid_shop"},
	} {
		w := msgGet(t, h, tc.target)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), `"code":"`+tc.code+`"`) {
			t.Errorf("GET %s: %d %s, want %d %s", tc.target, w.Code, w.Body, tc.status, tc.code)
		}
		if strings.Contains(w.Body.String(), "<script") {
			t.Errorf("GET %s echoes the request: %s", tc.target, w.Body)
		}
	}
}
