package server

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/leadtime-app/leadtime/promise"
)

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
		{"too many lines", "application/json", `{"items":[` + strings.TrimSuffix(strings.Repeat(`{"id":1},`, promise.MaxCartLines+1), ",") + `]}`, nil, 400, "too_many_lines"},
	} {
		got, err := readCartJS(tc.contentType, strings.NewReader(tc.body))
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
	_, err := readCartJS("application/json", iotest.ErrReader(errors.New("connection reset")))
	if status, code := errorStatus(err); status != 400 || code != "invalid_body" {
		t.Errorf("ParseCartJS(failing reader) error = %d %s (%v), want 400 invalid_body", status, code, err)
	}
}
