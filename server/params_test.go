package server

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/leadtime-app/leadtime/promise"
)

func TestParseItems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []promise.CartLine // nil: an error with wantCode
		code string
	}{
		{"2001:1,2011:2", []promise.CartLine{{VariantID: 2001, Quantity: 1}, {VariantID: 2011, Quantity: 2}}, ""},
		{"2001", []promise.CartLine{{VariantID: 2001, Quantity: 1}}, ""},
		{"2001:100000", []promise.CartLine{{VariantID: 2001, Quantity: MaxQuantity}}, ""},
		{"2001:1,2001:2", []promise.CartLine{{VariantID: 2001, Quantity: 1}, {VariantID: 2001, Quantity: 2}}, ""},
		{"9223372036854775807:1", []promise.CartLine{{VariantID: 1<<63 - 1, Quantity: 1}}, ""},
		{strings.TrimSuffix(strings.Repeat("7:1,", MaxCartLines), ","), slices.Repeat([]promise.CartLine{{VariantID: 7, Quantity: 1}}, MaxCartLines), ""},
		{"", nil, "missing_items"},
		{strings.Repeat(",", MaxCartLines), nil, "too_many_lines"},
		{strings.Repeat("1,", 10_000), nil, "too_many_lines"},
		{"abc", nil, "invalid_items"},
		{",", nil, "invalid_items"},
		{"2001:1,", nil, "invalid_items"},
		{":1", nil, "invalid_items"},
		{"0:1", nil, "invalid_items"},
		{"-1:1", nil, "invalid_items"},
		{"9223372036854775808:1", nil, "invalid_items"},
		{"2001:0", nil, "invalid_quantity"},
		{"2001:-1", nil, "invalid_quantity"},
		{"2001:100001", nil, "invalid_quantity"},
		{"2001:", nil, "invalid_quantity"},
		{"2001:1:1", nil, "invalid_quantity"},
		{"2001: 1", nil, "invalid_quantity"},
		{"2001:1e3", nil, "invalid_quantity"},
	} {
		got, err := ParseItems(tc.in)
		if tc.want == nil {
			if err == nil {
				t.Errorf("ParseItems(%q) = %v, want error %s", shortIn(tc.in), got, tc.code)
				continue
			}
			if status, code := errorStatus(err); status != 400 || code != tc.code {
				t.Errorf("ParseItems(%q) error = %d %s (%v), want 400 %s", shortIn(tc.in), status, code, err, tc.code)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseItems(%q) = %v, %v; want %v", shortIn(tc.in), got, err, tc.want)
		}
	}
}

func shortIn(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func TestParseCartJS(t *testing.T) {
	t.Parallel()
	realCart, err := os.ReadFile(filepath.Join("testdata", "cart.js.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, contentType, body string
		want                    []promise.CartLine
		status                  int
		code                    string
	}{
		{"a real /cart.js", "application/json", string(realCart),
			[]promise.CartLine{{ProductID: 1001, VariantID: 2001, Quantity: 1}, {ProductID: 1002, VariantID: 2011, Quantity: 2}}, 0, ""},
		{"charset", "application/json; charset=UTF-8", `{"items":[{"id":2001,"quantity":3}]}`,
			[]promise.CartLine{{VariantID: 2001, Quantity: 3}}, 0, ""},
		{"variant_id wins over id", "application/json", `{"items":[{"id":1,"variant_id":2001,"product_id":1001,"quantity":1}]}`,
			[]promise.CartLine{{ProductID: 1001, VariantID: 2001, Quantity: 1}}, 0, ""},
		{"numbers as strings", "application/json", `{"items":[{"id":"2001","quantity":"2"}]}`,
			[]promise.CartLine{{VariantID: 2001, Quantity: 2}}, 0, ""},
		{"no quantity means 1", "application/json", `{"items":[{"id":2001}]}`,
			[]promise.CartLine{{VariantID: 2001, Quantity: 1}}, 0, ""},
		{"an empty cart", "application/json", `{"token":"x","items":[],"item_count":0}`, []promise.CartLine{}, 0, ""},
		{"text/plain", "text/plain", `{"items":[]}`, nil, 415, "unsupported_content_type"},
		{"no content type", "", `{"items":[]}`, nil, 415, "unsupported_content_type"},
		{"too large", "application/json", `{"items":[],"note":"` + strings.Repeat("x", MaxCartBodySize) + `"}`, nil, 413, "too_large"},
		{"not JSON", "application/json", `items=2001`, nil, 400, "invalid_body"},
		{"trailing garbage", "application/json", `{"items":[]} x`, nil, 400, "invalid_body"},
		{"no items", "application/json", `{}`, nil, 400, "invalid_body"},
		{"id is text", "application/json", `{"items":[{"id":"two"}]}`, nil, 400, "invalid_body"},
		{"id is a float", "application/json", `{"items":[{"id":2001.5}]}`, nil, 400, "invalid_items"},
		{"no id", "application/json", `{"items":[{"quantity":1}]}`, nil, 400, "invalid_items"},
		{"bad product id", "application/json", `{"items":[{"id":2001,"product_id":0}]}`, nil, 400, "invalid_items"},
		{"quantity 0", "application/json", `{"items":[{"id":2001,"quantity":0}]}`, nil, 400, "invalid_quantity"},
		{"quantity 1.5", "application/json", `{"items":[{"id":2001,"quantity":1.5}]}`, nil, 400, "invalid_quantity"},
		{"too many lines", "application/json", `{"items":[` + strings.TrimSuffix(strings.Repeat(`{"id":1},`, MaxCartLines+1), ",") + `]}`, nil, 400, "too_many_lines"},
	} {
		got, err := ParseCartJS(tc.contentType, strings.NewReader(tc.body))
		if tc.want == nil {
			if err == nil {
				t.Errorf("%s: ParseCartJS = %v, want error %d %s", tc.name, got, tc.status, tc.code)
				continue
			}
			if status, code := errorStatus(err); status != tc.status || code != tc.code {
				t.Errorf("%s: ParseCartJS error = %d %s (%v), want %d %s", tc.name, status, code, err, tc.status, tc.code)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: ParseCartJS = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}

// TestParseCartJSReadError: a body that fails while being read is the
// caller's problem (a client gone away), not ours.
func TestParseCartJSReadError(t *testing.T) {
	t.Parallel()
	_, err := ParseCartJS("application/json", iotest.ErrReader(errors.New("connection reset")))
	if status, code := errorStatus(err); status != 400 || code != "invalid_body" {
		t.Errorf("ParseCartJS(failing reader) error = %d %s (%v), want 400 invalid_body", status, code, err)
	}
}

// checkParsedLines checks what every successful parse promises the engine.
func checkParsedLines(t *testing.T, what string, lines []promise.CartLine) {
	t.Helper()
	if len(lines) > MaxCartLines {
		t.Fatalf("%s: %d lines, want at most %d", what, len(lines), MaxCartLines)
	}
	for i, l := range lines {
		if l.VariantID <= 0 || l.ProductID < 0 || l.Quantity < 1 || l.Quantity > MaxQuantity || l.Handle != "" {
			t.Fatalf("%s: line %d = %+v, want a positive variant, a product id ≥ 0 and 1 ≤ quantity ≤ %d", what, i, l, MaxQuantity)
		}
	}
}

// checkCallerError checks that a parse error is a 4xx with a code and a
// short message: bad input never makes a 5xx.
func checkCallerError(t *testing.T, what string, err error) {
	t.Helper()
	status, code := errorStatus(err)
	if status < 400 || status > 499 || code == "" || code == "internal" {
		t.Fatalf("%s: error %v maps to %d %q, want a 4xx with a code", what, err, status, code)
	}
	if n := len(err.Error()); n > 400 {
		t.Fatalf("%s: error message is %d bytes long, want it short", what, n)
	}
}

// FuzzParseItems: ParseItems never panics; what it accepts is a cart the
// engine can quote; what it rejects is the caller's error. `make test`
// runs it.
func FuzzParseItems(f *testing.F) {
	for _, s := range []string{
		"2001:1,2011:2", "2001", "", ",", "abc", "2001:0", "2001:-1", "2001:100000", "2001:100001",
		"0:1", "-1:1", "9223372036854775807:1", "9223372036854775808:1", "99999999999999999999:1",
		"2001:1,", ":", "::", "1:1:1", "gid://shopify/ProductVariant/2001:1", "gid://shopify/ProductVariant/2001",
		"+1:+1", "0x10:1", "1_000:1", "１:１", "2001:1\x00", strings.Repeat("1:1,", MaxCartLines),
		strings.TrimSuffix(strings.Repeat("1:1,", MaxCartLines), ","), url.QueryEscape("2001:1,2011:2"),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := ParseItems(s)
		if err != nil {
			if lines != nil {
				t.Fatalf("ParseItems(%q) = %v with error %v, want no lines", s, lines, err)
			}
			checkCallerError(t, "ParseItems", err)
			return
		}
		if len(lines) == 0 {
			t.Fatalf("ParseItems(%q) = no lines and no error", s)
		}
		checkParsedLines(t, "ParseItems", lines)
	})
}

// FuzzParseCartJS: the same for the body of POST /proxy/cart.
func FuzzParseCartJS(f *testing.F) {
	realCart, err := os.ReadFile(filepath.Join("testdata", "cart.js.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("application/json", realCart)
	for _, body := range []string{
		`{"items":[{"id":2001,"quantity":1}]}`,
		`{"items":[{"id":"2001","variant_id":"2001","product_id":"1001","quantity":"2"}]}`,
		`{"items":[]}`, `{}`, `null`, `[]`, `{"items":null}`, `{"items":{}}`, `{"items":[null]}`,
		`{"items":[{"id":-1}]}`, `{"items":[{"id":1e3}]}`, `{"items":[{"id":1,"quantity":1e999}]}`,
		`{"items":[{"id":9223372036854775808}]}`, `{"items":[{"id":"gid://shopify/ProductVariant/1"}]}`,
		`{"items":[{"id":1,"product_id":"gid://shopify/Product/2"}]}`, `{"items":[{"id":1}]`, "\xff",
	} {
		f.Add("application/json", []byte(body))
	}
	f.Add("text/plain", []byte(`{"items":[]}`))
	f.Add("application/json; charset=utf-8", []byte(`{"items":[{"id":1}]}`))
	f.Add("", []byte(`{"items":[{"id":1}]}`))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		lines, err := ParseCartJS(contentType, bytes.NewReader(body))
		if err != nil {
			if lines != nil {
				t.Fatalf("ParseCartJS = %v with error %v, want no lines", lines, err)
			}
			checkCallerError(t, "ParseCartJS", err)
			return
		}
		checkParsedLines(t, "ParseCartJS", lines)
	})
}
