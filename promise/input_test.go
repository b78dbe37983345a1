package promise_test

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
		{"2001:100000", []promise.CartLine{{VariantID: 2001, Quantity: promise.MaxQuantity}}, ""},
		{"2001:1,2001:2", []promise.CartLine{{VariantID: 2001, Quantity: 1}, {VariantID: 2001, Quantity: 2}}, ""},
		{"9223372036854775807:1", []promise.CartLine{{VariantID: 1<<63 - 1, Quantity: 1}}, ""},
		{strings.TrimSuffix(strings.Repeat("7:1,", promise.MaxCartLines), ","), slices.Repeat([]promise.CartLine{{VariantID: 7, Quantity: 1}}, promise.MaxCartLines), ""},
		{"", nil, "missing_items"},
		{strings.Repeat(",", promise.MaxCartLines), nil, "too_many_lines"},
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
		got, err := promise.ParseItems(tc.in)
		if tc.want == nil {
			if err == nil {
				t.Errorf("ParseItems(%q) = %v, want error %s", shortIn(tc.in), got, tc.code)
				continue
			}
			if code := inputCode(err); code != tc.code {
				t.Errorf("ParseItems(%q) error = %s (%v), want %s", shortIn(tc.in), code, err, tc.code)
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

// inputCode is the code of an InputError, or "" for any other error.
func inputCode(err error) string {
	var ie *promise.InputError
	if !errors.As(err, &ie) || !errors.Is(err, promise.ErrBadInput) {
		return ""
	}
	return ie.Code
}

// checkParsedLines checks what every successful parse promises the engine.
func checkParsedLines(t *testing.T, what string, lines []promise.CartLine) {
	t.Helper()
	if len(lines) > promise.MaxCartLines {
		t.Fatalf("%s: %d lines, want at most %d", what, len(lines), promise.MaxCartLines)
	}
	for i, l := range lines {
		if l.VariantID <= 0 || l.ProductID < 0 || l.Quantity < 1 || l.Quantity > promise.MaxQuantity || l.Handle != "" {
			t.Fatalf("%s: line %d = %+v, want a positive variant, a product id ≥ 0 and 1 ≤ quantity ≤ %d", what, i, l, promise.MaxQuantity)
		}
	}
}

// checkCallerError checks that a parse error is an InputError with a code
// and a short message: bad input never makes a 5xx.
func checkCallerError(t *testing.T, what string, err error) {
	t.Helper()
	if code := inputCode(err); code == "" {
		t.Fatalf("%s: error %v is not an InputError with a code", what, err)
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
		"+1:+1", "0x10:1", "1_000:1", "１:１", "2001:1\x00", strings.Repeat("1:1,", promise.MaxCartLines),
		strings.TrimSuffix(strings.Repeat("1:1,", promise.MaxCartLines), ","), url.QueryEscape("2001:1,2011:2"),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := promise.ParseItems(s)
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

// FuzzParseCartJS: the same for the body of POST /proxy/cart, /cart.js.
func FuzzParseCartJS(f *testing.F) {
	realCart, err := os.ReadFile(filepath.Join("..", "server", "testdata", "cart.js.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(realCart)
	for _, body := range []string{
		`{"items":[{"id":2001,"quantity":1}]}`,
		`{"items":[{"id":"2001","variant_id":"2001","product_id":"1001","quantity":"2"}]}`,
		`{"items":[]}`, `{}`, `null`, `[]`, `{"items":null}`, `{"items":{}}`, `{"items":[null]}`,
		`{"items":[{"id":-1}]}`, `{"items":[{"id":1e3}]}`, `{"items":[{"id":1,"quantity":1e999}]}`,
		`{"items":[{"id":9223372036854775808}]}`, `{"items":[{"id":"gid://shopify/ProductVariant/1"}]}`,
		`{"items":[{"id":1,"product_id":"gid://shopify/Product/2"}]}`, `{"items":[{"id":1}]`, "\xff",
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		lines, err := promise.ParseCartJS(body)
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
