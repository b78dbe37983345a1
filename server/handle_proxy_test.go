package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// mondayMorning is two days after saturdayMorning: day0 is today, so a
// ready-made product ships today.
var mondayMorning = time.Date(2026, 11, 30, 9, 15, 0, 0, stockholm)

// productJSON is the product answer with its dates as written, so that a
// test compares them with the calendar.
type productJSON struct {
	Shop       string `json:"shop"`
	QuotedAt   string `json:"quoted_at"`
	Timezone   string `json:"timezone"`
	Country    string `json:"country"`
	Zone       string `json:"zone"`
	Method     string `json:"method"`
	Locale     string `json:"locale"`
	ProductID  int64  `json:"product_id"`
	VariantID  int64  `json:"variant_id"`
	Quantity   int    `json:"quantity"`
	Available  bool   `json:"available"`
	Processing *struct {
		MinDays   int    `json:"min_days"`
		MaxDays   int    `json:"max_days"`
		Readiness string `json:"readiness"`
		Source    string `json:"source"`
		Rule      string `json:"rule"`
		ShipsOn   string `json:"ships_on"`
		Backorder bool   `json:"backorder"`
	} `json:"processing"`
	Ships    *windowJSON `json:"ships"`
	Delivery *windowJSON `json:"delivery"`
	Cutoff   *struct {
		At         string `json:"at"`
		ShipsToday bool   `json:"ships_today"`
	} `json:"cutoff"`
	// Message's own shape belongs to package message; text and html are
	// what every client reads.
	Message   map[string]any `json:"message"`
	ExpiresAt string         `json:"expires_at"`
	Stale     bool           `json:"stale"`
	Error     *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type windowJSON struct {
	Earliest string `json:"earliest"`
	Latest   string `json:"latest"`
}

type cartJSON struct {
	productJSON
	Lines []productJSON `json:"lines"`
}

func (w *windowJSON) String() string {
	if w == nil {
		return "null"
	}
	return w.Earliest + ".." + w.Latest
}

func decodeInto(t *testing.T, what string, body []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, body)
	}
}

// TestProductShape checks the product answer key by key against DESIGN §4:
// every key present, ids as JSON numbers, and null dates for a product
// that cannot be sold.
func TestProductShape(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		target    string
		available bool
		rule      bool
	}{
		{"/proxy/product?handle=wool-sweater", true, false},
		{"/proxy/product?product_id=1002", true, true},
		{"/proxy/product?handle=glass-carafe", false, false},
	} {
		w := f.get(t, tc.target)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: status = %d, want %d\n%s", tc.target, w.Code, http.StatusOK, w.Body)
		}
		if got := w.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Errorf("GET %s: Content-Type = %q, want application/json; charset=utf-8", tc.target, got)
		}
		m := decodeJSON(t, "GET "+tc.target, w.Body.Bytes())
		// DESIGN §4's keys, plus "zone" (the matched zone's name).
		wantKeys := []string{"shop", "quoted_at", "timezone", "country", "zone", "method", "locale",
			"product_id", "variant_id", "available", "processing", "ships", "delivery", "cutoff",
			"message", "expires_at", "stale"}
		if got := sortedKeys(m); !slices.Equal(got, sorted(wantKeys)) {
			t.Errorf("GET %s: keys = %v, want %v", tc.target, got, sorted(wantKeys))
		}
		for _, k := range []string{"product_id", "variant_id"} {
			if _, ok := m[k].(json.Number); !ok {
				t.Errorf("GET %s: %s = %#v, want a JSON number", tc.target, k, m[k])
			}
		}
		for _, k := range []string{"shop", "quoted_at", "timezone", "country", "method", "locale", "expires_at"} {
			if s, ok := m[k].(string); !ok || s == "" {
				t.Errorf("GET %s: %s = %#v, want a non-empty string", tc.target, k, m[k])
			}
		}
		if m["available"] != tc.available || m["stale"] != false {
			t.Errorf("GET %s: available, stale = %v, %v; want %v, false", tc.target, m["available"], m["stale"], tc.available)
		}
		proc, _ := m["processing"].(map[string]any)
		wantProc := []string{"min_days", "max_days", "readiness", "source"}
		if tc.rule {
			wantProc = append(wantProc, "rule")
		}
		if got := sortedKeys(proc); !slices.Equal(got, sorted(wantProc)) {
			t.Errorf("GET %s: processing keys = %v, want %v", tc.target, got, sorted(wantProc))
		}
		msg, _ := m["message"].(map[string]any)
		for _, k := range []string{"text", "html"} {
			if s, _ := msg[k].(string); s == "" {
				t.Errorf("GET %s: message.%s = %#v, want a non-empty string", tc.target, k, msg[k])
			}
		}
		for _, k := range []string{"ships", "delivery", "cutoff"} {
			v, present := m[k]
			switch {
			case !present:
				t.Errorf("GET %s: %s is missing", tc.target, k)
			case !tc.available && v != nil:
				t.Errorf("GET %s: %s = %v, want null for a sold-out product", tc.target, k, v)
			case tc.available && v == nil:
				t.Errorf("GET %s: %s = null, want a value", tc.target, k)
			}
		}
		if tc.available {
			for k, want := range map[string][]string{
				"ships": {"earliest", "latest"}, "delivery": {"earliest", "latest"}, "cutoff": {"at", "ships_today"},
			} {
				obj, _ := m[k].(map[string]any)
				if got := sortedKeys(obj); !slices.Equal(got, want) {
					t.Errorf("GET %s: %s keys = %v, want %v", tc.target, k, got, want)
				}
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sorted(keys)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestProductDates quotes every case of the demo shop at instants a person
// can check on a calendar. November 2026: Saturday 28, Monday 30; December
// 24 (Julafton) and 25 are Swedish days off, and the workshop is closed
// 24 Dec–1 Jan.
func TestProductDates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		now               time.Time
		target            string
		productID         int64
		variantID         int64
		available         bool
		source, rule      string
		minDays, maxDays  int
		ships, delivery   string // "earliest..latest", or "null"
		cutoff            string
		shipsToday        bool
		expires           string
		country, zone, mt string
	}{
		{
			name: "DESIGN §4: metafields, Saturday morning", now: saturdayMorning,
			target: "/proxy/product?handle=wool-sweater", productID: 1001, variantID: 2001, available: true,
			source: "product_metafield", minDays: 5, maxDays: 8,
			ships: "2026-12-07..2026-12-10", delivery: "2026-12-08..2026-12-15",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "by id and variant", now: saturdayMorning,
			target: "/proxy/product?product_id=1001&variant_id=2003", productID: 1001, variantID: 2003, available: true,
			source: "product_metafield", minDays: 5, maxDays: 8,
			ships: "2026-12-07..2026-12-10", delivery: "2026-12-08..2026-12-15",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "Shopify GIDs", now: saturdayMorning,
			target: "/proxy/product?product_id=gid://shopify/Product/1001&variant_id=gid://shopify/ProductVariant/2002", productID: 1001, variantID: 2002, available: true,
			source: "product_metafield", minDays: 5, maxDays: 8,
			ships: "2026-12-07..2026-12-10", delivery: "2026-12-08..2026-12-15",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "tag rule, ready to ship, Saturday", now: saturdayMorning,
			target: "/proxy/product?handle=stoneware-mug", productID: 1002, variantID: 2011, available: true,
			source: "rule", rule: "ready-made", minDays: 0, maxDays: 1,
			ships: "2026-11-30..2026-12-01", delivery: "2026-12-01..2026-12-04",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "ships today on Monday morning, until the cutoff", now: mondayMorning,
			target: "/proxy/product?handle=stoneware-mug", productID: 1002, variantID: 2011, available: true,
			source: "rule", rule: "ready-made", minDays: 0, maxDays: 1,
			ships: "2026-11-30..2026-12-01", delivery: "2026-12-01..2026-12-04",
			cutoff: "2026-11-30T14:00:00+01:00", shipsToday: true, expires: "2026-11-30T14:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "Monday after the cutoff", now: time.Date(2026, 11, 30, 14, 0, 0, 0, stockholm),
			target: "/proxy/product?handle=stoneware-mug", productID: 1002, variantID: 2011, available: true,
			source: "rule", rule: "ready-made", minDays: 0, maxDays: 1,
			ships: "2026-12-01..2026-12-02", delivery: "2026-12-02..2026-12-07",
			cutoff: "2026-12-01T14:00:00+01:00", expires: "2026-12-01T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "US express, US carrier days", now: mondayMorning,
			target: "/proxy/product?handle=stoneware-mug&country=us&method=express", productID: 1002, variantID: 2011, available: true,
			source: "rule", rule: "ready-made", minDays: 0, maxDays: 1,
			ships: "2026-11-30..2026-12-01", delivery: "2026-12-02..2026-12-07",
			cutoff: "2026-11-30T14:00:00+01:00", shipsToday: true, expires: "2026-11-30T14:00:00+01:00",
			country: "US", zone: "United States", mt: "express",
		},
		{
			// 7–21 Japanese carrier days: New Year's Day and Coming of Age
			// Day (Monday 11 January 2027) are not carrier days.
			name: "rest of the world, Japanese holidays", now: saturdayMorning,
			target: "/proxy/product?handle=wool-sweater&country=JP", productID: 1001, variantID: 2001, available: true,
			source: "product_metafield", minDays: 5, maxDays: 8,
			ships: "2026-12-07..2026-12-10", delivery: "2026-12-16..2027-01-12",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "JP", zone: "Rest of the world", mt: "standard",
		},
		{
			name: "made to order by tag", now: saturdayMorning,
			target: "/proxy/product?handle=linen-apron", productID: 1003, variantID: 2021, available: true,
			source: "rule", rule: "made-to-order", minDays: 4, maxDays: 7,
			ships: "2026-12-04..2026-12-09", delivery: "2026-12-07..2026-12-14",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "collection rule", now: saturdayMorning,
			target: "/proxy/product?handle=wedding-bowl", productID: 1004, variantID: 2031, available: true,
			source: "rule", rule: "wedding-collection", minDays: 6, maxDays: 10,
			ships: "2026-12-08..2026-12-14", delivery: "2026-12-09..2026-12-17",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "shop default", now: saturdayMorning,
			target: "/proxy/product?handle=leather-wallet", productID: 1005, variantID: 2041, available: true,
			source: "default", minDays: 1, maxDays: 3,
			ships: "2026-12-01..2026-12-03", delivery: "2026-12-02..2026-12-08",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "variant metafield", now: saturdayMorning,
			target: "/proxy/product?handle=leather-wallet&variant_id=2042", productID: 1005, variantID: 2042, available: true,
			source: "variant_metafield", minDays: 5, maxDays: 7,
			ships: "2026-12-07..2026-12-09", delivery: "2026-12-08..2026-12-14",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "pre-order from Monday 1 March 2027", now: saturdayMorning,
			target: "/proxy/product?handle=spring-vase", productID: 1006, variantID: 2051, available: true,
			source: "product_metafield", minDays: 1, maxDays: 2,
			ships: "2027-03-02..2027-03-03", delivery: "2027-03-03..2027-03-08",
			cutoff: "2027-03-01T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "backorder across Julafton", now: saturdayMorning,
			target: "/proxy/product?handle=oak-cutting-board", productID: 1007, variantID: 2061, available: true,
			source: "default", minDays: 8, maxDays: 17,
			ships: "2026-12-10..2026-12-23", delivery: "2026-12-11..2026-12-30",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "sold out", now: saturdayMorning,
			target: "/proxy/product?handle=glass-carafe", productID: 1008, variantID: 2071, available: false,
			source: "default", minDays: 1, maxDays: 3,
			ships: "null", delivery: "null", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
		{
			name: "untracked inventory", now: saturdayMorning,
			target: "/proxy/product?handle=letterpress-card", productID: 1009, variantID: 2081, available: true,
			source: "rule", rule: "ready-made", minDays: 0, maxDays: 1,
			ships: "2026-11-30..2026-12-01", delivery: "2026-12-01..2026-12-04",
			cutoff: "2026-11-30T14:00:00+01:00", expires: "2026-11-29T00:00:00+01:00",
			country: "SE", zone: "Sweden", mt: "standard",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.clock.Set(tc.now)
			w := f.get(t, tc.target)
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s: status = %d, want %d\n%s", tc.target, w.Code, http.StatusOK, w.Body)
			}
			var a productJSON
			decodeInto(t, "GET "+tc.target, w.Body.Bytes(), &a)
			if a.Shop != demoDomain || a.Timezone != "Europe/Stockholm" || a.Stale {
				t.Errorf("GET %s: shop, timezone, stale = %q, %q, %v; want %q, Europe/Stockholm, false", tc.target, a.Shop, a.Timezone, a.Stale, demoDomain)
			}
			if want := tc.now.Format(time.RFC3339); a.QuotedAt != want {
				t.Errorf("GET %s: quoted_at = %s, want %s", tc.target, a.QuotedAt, want)
			}
			if a.ProductID != tc.productID || a.VariantID != tc.variantID || a.Available != tc.available {
				t.Errorf("GET %s: product, variant, available = %d, %d, %v; want %d, %d, %v",
					tc.target, a.ProductID, a.VariantID, a.Available, tc.productID, tc.variantID, tc.available)
			}
			if a.Country != tc.country || a.Zone != tc.zone || a.Method != tc.mt {
				t.Errorf("GET %s: country, zone, method = %s, %s, %s; want %s, %s, %s", tc.target, a.Country, a.Zone, a.Method, tc.country, tc.zone, tc.mt)
			}
			if p := a.Processing; p == nil || p.Source != tc.source || p.Rule != tc.rule || p.MinDays != tc.minDays || p.MaxDays != tc.maxDays {
				t.Errorf("GET %s: processing = %+v, want source %q, rule %q, %d–%d days", tc.target, p, tc.source, tc.rule, tc.minDays, tc.maxDays)
			}
			if got := a.Ships.String(); got != tc.ships {
				t.Errorf("GET %s: ships = %s, want %s", tc.target, got, tc.ships)
			}
			if got := a.Delivery.String(); got != tc.delivery {
				t.Errorf("GET %s: delivery = %s, want %s", tc.target, got, tc.delivery)
			}
			switch {
			case tc.cutoff == "" && a.Cutoff != nil:
				t.Errorf("GET %s: cutoff = %+v, want null", tc.target, a.Cutoff)
			case tc.cutoff != "" && (a.Cutoff == nil || a.Cutoff.At != tc.cutoff || a.Cutoff.ShipsToday != tc.shipsToday):
				t.Errorf("GET %s: cutoff = %+v, want at %s, ships_today %v", tc.target, a.Cutoff, tc.cutoff, tc.shipsToday)
			}
			if a.ExpiresAt != tc.expires {
				t.Errorf("GET %s: expires_at = %s, want %s", tc.target, a.ExpiresAt, tc.expires)
			}
			if text, _ := a.Message["text"].(string); text == "" {
				t.Errorf("GET %s: message = %v, want a text", tc.target, a.Message)
			}
			if html, _ := a.Message["html"].(string); html == "" {
				t.Errorf("GET %s: message = %+v, want an html", tc.target, a.Message)
			}
		})
	}
}

// TestProductParams: the parameters that only name the answer.
func TestProductParams(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		target, locale string
	}{
		{"/proxy/product?handle=wool-sweater", "en"}, // the shop's locale
		{"/proxy/product?handle=wool-sweater&locale=sv", "sv"},
		{"/proxy/product?handle=wool-sweater&locale=sv-SE", "sv"},    // its language
		{"/proxy/product?handle=wool-sweater&locale=de_AT", "de"},    // "_" is read as "-"
		{"/proxy/product?handle=wool-sweater&locale=pt_BR", "en"},    // no Portuguese: the shop's locale
		{"/proxy/product?handle=wool-sweater&locale=en-GB", "en-GB"}, // day-month order
		{"/proxy/product?handle=wool-sweater&shop=" + demoDomain + "&timestamp=1764317700&signature=ignored-in-demo-mode", "en"},
	} {
		w := f.get(t, tc.target)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: status = %d, want %d", tc.target, w.Code, http.StatusOK)
			continue
		}
		var a productJSON
		decodeInto(t, "GET "+tc.target, w.Body.Bytes(), &a)
		if a.Locale != tc.locale {
			t.Errorf("GET %s: locale = %q, want %q", tc.target, a.Locale, tc.locale)
		}
	}
}

func TestProductCacheControl(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		now    time.Time
		target string
		want   string
	}{
		{"capped at 300 s", saturdayMorning, "/proxy/product?handle=wool-sweater", "public, max-age=300"},
		{"two minutes to midnight", time.Date(2026, 11, 28, 23, 58, 0, 0, stockholm), "/proxy/product?handle=wool-sweater", "public, max-age=120"},
		{"150 s to the cutoff", time.Date(2026, 11, 30, 13, 57, 30, 0, stockholm), "/proxy/product?handle=stoneware-mug", "public, max-age=150"},
		{"under a second to midnight", time.Date(2026, 11, 28, 23, 59, 59, 500e6, stockholm), "/proxy/product?handle=wool-sweater", "public, max-age=0"},
		{"cart", time.Date(2026, 11, 30, 13, 57, 30, 0, stockholm), "/proxy/cart?items=2001:1,2011:1", "public, max-age=150"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.clock.Set(tc.now)
			w := f.get(t, tc.target)
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s: status = %d, want %d", tc.target, w.Code, http.StatusOK)
			}
			if got := w.Header().Get("Cache-Control"); got != tc.want {
				t.Errorf("GET %s at %s: Cache-Control = %q, want %q", tc.target, tc.now.Format(time.RFC3339Nano), got, tc.want)
			}
			// From the cache, 30 s later, the answer is younger by 30 s.
			if strings.HasSuffix(tc.want, "=300") {
				f.clock.Set(tc.now.Add(30 * time.Second))
				if got := f.get(t, tc.target).Header().Get("Cache-Control"); got != tc.want {
					t.Errorf("GET %s again: Cache-Control = %q, want %q", tc.target, got, tc.want)
				}
			}
		})
	}
}

func TestProductETag(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const target = "/proxy/product?handle=wool-sweater"
	w := f.get(t, target)
	etag := w.Header().Get("ETag")
	if w.Code != http.StatusOK || !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 3 {
		t.Fatalf("GET %s: status = %d, ETag = %q; want %d and a quoted ETag", target, w.Code, etag, http.StatusOK)
	}
	for _, tc := range []struct {
		ifNoneMatch string
		status      int
	}{
		{etag, http.StatusNotModified},
		{"W/" + etag, http.StatusNotModified},
		{`"other", ` + etag, http.StatusNotModified},
		{"*", http.StatusNotModified},
		{`"other"`, http.StatusOK},
		{strings.Trim(etag, `"`), http.StatusOK},
	} {
		w := f.do(t, http.MethodGet, target, nil, http.Header{"If-None-Match": {tc.ifNoneMatch}})
		if w.Code != tc.status {
			t.Errorf("GET %s with If-None-Match %s: status = %d, want %d", target, tc.ifNoneMatch, w.Code, tc.status)
		}
		if got := w.Header().Get("ETag"); got != etag {
			t.Errorf("GET %s with If-None-Match %s: ETag = %q, want %q", target, tc.ifNoneMatch, got, etag)
		}
		if tc.status == http.StatusNotModified && w.Body.Len() != 0 {
			t.Errorf("GET %s with If-None-Match %s: 304 with a body: %q", target, tc.ifNoneMatch, w.Body)
		}
	}
	// Another answer has another ETag.
	if other := f.get(t, target+"&country=DE").Header().Get("ETag"); other == etag {
		t.Errorf("GET %s&country=DE: ETag = %s, the same as for SE", target, other)
	}
}

// cartJS is a real /cart.js body: a wool sweater (2001) and two mugs (2011).
func cartJS(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "cart.js.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestCartGetAndPost: the query form and the /cart.js form of one cart get
// the same answer, byte for byte.
func TestCartGetAndPost(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const getTarget = "/proxy/cart?items=2001:1,2011:2"
	get := f.get(t, getTarget)
	if get.Code != http.StatusOK {
		t.Fatalf("GET %s: status = %d, want %d\n%s", getTarget, get.Code, http.StatusOK, get.Body)
	}
	post := f.do(t, http.MethodPost, "/proxy/cart", cartJS(t), http.Header{"Content-Type": {"application/json; charset=utf-8"}})
	if post.Code != http.StatusOK {
		t.Fatalf("POST /proxy/cart: status = %d, want %d\n%s", post.Code, http.StatusOK, post.Body)
	}
	if !bytes.Equal(get.Body.Bytes(), post.Body.Bytes()) {
		t.Errorf("GET %s and POST /proxy/cart differ:\nGET  %s\nPOST %s", getTarget, get.Body, post.Body)
	}
	var c cartJSON
	decodeInto(t, "GET "+getTarget, get.Body.Bytes(), &c)
	// The sweater ships 7–10 Dec and the mug 30 Nov–1 Dec: the cart ships
	// together, with the sweater, and its cutoff is the sweater's.
	if !c.Available || c.Ships.String() != "2026-12-07..2026-12-10" || c.Delivery.String() != "2026-12-08..2026-12-15" {
		t.Errorf("GET %s: available %v, ships %s, delivery %s; want true, 2026-12-07..2026-12-10, 2026-12-08..2026-12-15",
			getTarget, c.Available, c.Ships, c.Delivery)
	}
	if c.Cutoff == nil || c.Cutoff.At != "2026-11-30T14:00:00+01:00" || c.Cutoff.ShipsToday {
		t.Errorf("GET %s: cutoff = %+v, want 2026-11-30T14:00:00+01:00, not today", getTarget, c.Cutoff)
	}
	if len(c.Lines) != 2 {
		t.Fatalf("GET %s: %d lines, want 2", getTarget, len(c.Lines))
	}
	for i, want := range []struct {
		product, variant int64
		qty              int
		ships            string
	}{
		{1001, 2001, 1, "2026-12-07..2026-12-10"},
		{1002, 2011, 2, "2026-11-30..2026-12-01"},
	} {
		l := c.Lines[i]
		if l.ProductID != want.product || l.VariantID != want.variant || l.Quantity != want.qty || l.Ships.String() != want.ships || l.Error != nil {
			t.Errorf("GET %s: lines[%d] = product %d, variant %d, qty %d, ships %s, error %v; want %d, %d, %d, %s, none",
				getTarget, i, l.ProductID, l.VariantID, l.Quantity, l.Ships, l.Error, want.product, want.variant, want.qty, want.ships)
		}
	}
	// The shape of the cart answer: the product answer's keys for the
	// cart, plus lines; no ids of its own.
	m := decodeJSON(t, "GET "+getTarget, get.Body.Bytes())
	want := sorted([]string{"shop", "quoted_at", "timezone", "country", "zone", "method", "locale",
		"available", "ships", "delivery", "cutoff", "message", "expires_at", "stale", "lines"})
	if got := sortedKeys(m); !slices.Equal(got, want) {
		t.Errorf("GET %s: keys = %v, want %v", getTarget, got, want)
	}
	line, _ := m["lines"].([]any)[0].(map[string]any)
	if _, ok := line["variant_id"].(json.Number); !ok {
		t.Errorf("GET %s: lines[0].variant_id = %#v, want a JSON number", getTarget, line["variant_id"])
	}
}

// TestCartLines: unknown, sold-out and short-of-stock lines are reported
// and left out of the cart's window; the cart still answers 200.
func TestCartLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		target    string
		available bool
		ships     string
		expires   string
		lines     []string // per line: "ok", "unavailable" or an error code
	}{
		{"unknown variant", "/proxy/cart?items=2011:1,999999:1", true, "2026-11-30..2026-12-01", "2026-11-29T00:00:00+01:00", []string{"ok", "unknown_product"}},
		{"sold out", "/proxy/cart?items=2071:1,2011:1", true, "2026-11-30..2026-12-01", "2026-11-29T00:00:00+01:00", []string{"unavailable", "ok"}},
		{"more than in stock", "/proxy/cart?items=2001:4,2011:1", true, "2026-11-30..2026-12-01", "2026-11-29T00:00:00+01:00", []string{"unavailable", "ok"}},
		{"backorder line", "/proxy/cart?items=2061:1,2011:1", true, "2026-12-10..2026-12-23", "2026-11-29T00:00:00+01:00", []string{"ok", "ok"}},
		{"nothing available", "/proxy/cart?items=2071:1,999999:2", false, "null", "2026-11-29T00:00:00+01:00", []string{"unavailable", "unknown_product"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			w := f.get(t, tc.target)
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s: status = %d, want %d\n%s", tc.target, w.Code, http.StatusOK, w.Body)
			}
			var c cartJSON
			decodeInto(t, "GET "+tc.target, w.Body.Bytes(), &c)
			if c.Available != tc.available || c.Ships.String() != tc.ships || c.ExpiresAt != tc.expires {
				t.Errorf("GET %s: available %v, ships %s, expires %s; want %v, %s, %s", tc.target, c.Available, c.Ships, c.ExpiresAt, tc.available, tc.ships, tc.expires)
			}
			if !tc.available && (c.Delivery != nil || c.Cutoff != nil) {
				t.Errorf("GET %s: delivery %s, cutoff %+v; want null for a cart that cannot ship", tc.target, c.Delivery, c.Cutoff)
			}
			if len(c.Lines) != len(tc.lines) {
				t.Fatalf("GET %s: %d lines, want %d", tc.target, len(c.Lines), len(tc.lines))
			}
			for i, want := range tc.lines {
				l := c.Lines[i]
				got := "ok"
				switch {
				case l.Error != nil:
					got = l.Error.Code
					if l.Error.Message == "" {
						t.Errorf("GET %s: lines[%d].error has no message", tc.target, i)
					}
					if l.VariantID == 0 {
						t.Errorf("GET %s: lines[%d].variant_id = 0, want the variant asked for", tc.target, i)
					}
				case !l.Available:
					got = "unavailable"
					if l.Ships != nil || l.Delivery != nil || l.Cutoff != nil {
						t.Errorf("GET %s: lines[%d] is unavailable with dates: %s %s %+v", tc.target, i, l.Ships, l.Delivery, l.Cutoff)
					}
				}
				if got != want {
					t.Errorf("GET %s: lines[%d] = %s, want %s", tc.target, i, got, want)
				}
			}
		})
	}
}

// TestCartPostNamesProduct: a /cart.js line whose variant belongs to
// another product than its product_id is unknown, as on the product route.
func TestCartPostNamesProduct(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	body := []byte(`{"items":[{"id":2001,"variant_id":2001,"product_id":1002,"quantity":1},{"id":2011,"variant_id":2011,"product_id":1002,"quantity":1}]}`)
	w := f.do(t, http.MethodPost, "/proxy/cart", body, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("POST /proxy/cart: status = %d, want %d\n%s", w.Code, http.StatusOK, w.Body)
	}
	var c cartJSON
	decodeInto(t, "POST /proxy/cart", w.Body.Bytes(), &c)
	if len(c.Lines) != 2 || c.Lines[0].Error == nil || c.Lines[0].Error.Code != "unknown_product" || c.Lines[1].Error != nil {
		t.Fatalf("POST /proxy/cart: lines = %+v, want unknown_product then a quote", c.Lines)
	}
	if c.Lines[0].ProductID != 1002 || c.Lines[0].VariantID != 2001 {
		t.Errorf("POST /proxy/cart: lines[0] names product %d, variant %d; want 1002, 2001 as asked", c.Lines[0].ProductID, c.Lines[0].VariantID)
	}
}

// TestCartOneLoad: an uncached cart costs one catalog call whatever its
// size (DESIGN §8), in both forms.
func TestCartOneLoad(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, target string
		body           []byte
	}{
		{http.MethodGet, "/proxy/cart?items=2001:1,2011:2,2021:1,2031:1,2041:1,2051:1,2061:1,2071:1,2081:1,999:1", nil},
		{http.MethodPost, "/proxy/cart", cartJS(t)},
	} {
		f := newFixture(t)
		if w := f.do(t, tc.method, tc.target, tc.body, nil); w.Code != http.StatusOK {
			t.Fatalf("%s %s: status = %d, want %d", tc.method, tc.target, w.Code, http.StatusOK)
		}
		if got := f.products.loads(); got != 1 {
			t.Errorf("%s %s: %d catalog loads (%d Product, %d ProductsOfVariants), want 1",
				tc.method, tc.target, got, f.products.products.Load(), f.products.variants.Load())
		}
	}
}

// TestLiquidNeverEchoesRequest: format=liquid answers Liquid that Shopify
// renders, so nothing from the request may reach it (DESIGN §4).
func TestLiquidNeverEchoesRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		method, target string
		body           []byte
	}{
		{http.MethodGet, "/proxy/product?handle=wool-sweater&format=liquid&locale=en&country=SE&x={{7*7}}", nil},
		{http.MethodGet, "/proxy/product?handle=glass-carafe&format=liquid&y={%25raw%25}", nil},
		{http.MethodGet, "/proxy/cart?items=2001:1,999999:1&format=liquid&note={{shop.name}}", nil},
		{http.MethodPost, "/proxy/cart?format=liquid", cartJS(t)}, // carries {{ and {% in note and properties
	} {
		w := f.do(t, tc.method, tc.target, tc.body, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("%s %s: status = %d, want %d\n%s", tc.method, tc.target, w.Code, http.StatusOK, w.Body)
		}
		if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, "application/liquid") {
			t.Errorf("%s %s: Content-Type = %q, want application/liquid", tc.method, tc.target, got)
		}
		first, rest, _ := strings.Cut(w.Body.String(), "\n")
		if first != "{% layout none %}" {
			t.Errorf("%s %s: first line = %q, want {%% layout none %%}", tc.method, tc.target, first)
		}
		for _, bad := range []string{"{{", "{%", "7*7", "raw", "shop.name", "Monogram", "gift-wrap"} {
			if strings.Contains(rest, bad) {
				t.Errorf("%s %s: body after the first line contains %q:\n%s", tc.method, tc.target, bad, rest)
			}
		}
		if !strings.Contains(rest, "leadtime-promise") {
			t.Errorf("%s %s: body = %q, want the promise", tc.method, tc.target, rest)
		}
	}
}

func TestHTMLFormat(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		target, available string
	}{
		{"/proxy/product?handle=wool-sweater&format=html", "true"},
		{"/proxy/product?handle=glass-carafe&format=html", "false"},
		{"/proxy/cart?items=2001:1&format=html&x=<script>", "true"},
	} {
		w := f.get(t, tc.target)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: status = %d, want %d", tc.target, w.Code, http.StatusOK)
		}
		if got := w.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type = %q, want text/html; charset=utf-8", tc.target, got)
		}
		body := w.Body.String()
		if want := `<div class="leadtime-promise" data-available="` + tc.available + `">`; !strings.HasPrefix(body, want) {
			t.Errorf("GET %s: body = %q, want it to start with %q", tc.target, body, want)
		}
		if strings.Contains(body, "<script") {
			t.Errorf("GET %s: body echoes the request: %q", tc.target, body)
		}
	}
}

// TestGolden compares whole answers with the files in testdata. Run
// `go test ./server -run TestGolden -update` to rewrite them after a
// deliberate change, and read the diff.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, method, target string
		body                 []byte
	}{
		{"product-wool-sweater.golden", http.MethodGet, "/proxy/product?handle=wool-sweater&locale=en", nil},
		{"product-glass-carafe.golden", http.MethodGet, "/proxy/product?handle=glass-carafe&locale=en", nil},
		{"cart.golden", http.MethodGet, "/proxy/cart?items=2001:1,2011:2,2061:1,2071:1,999999:1&country=DE&method=express&locale=en", nil},
		{"cart-post.golden", http.MethodPost, "/proxy/cart?locale=en", cartJS(t)},
		{"product-wool-sweater.liquid.golden", http.MethodGet, "/proxy/product?handle=wool-sweater&locale=en&format=liquid", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			w := f.do(t, tc.method, tc.target, tc.body, nil)
			if w.Code != http.StatusOK {
				t.Fatalf("%s %s: status = %d, want %d\n%s", tc.method, tc.target, w.Code, http.StatusOK, w.Body)
			}
			compareGolden(t, filepath.Join("testdata", tc.file), w.Body.Bytes())
		})
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to rewrite it):\n got %s\nwant %s", path, got, want)
	}
}
