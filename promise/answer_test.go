package promise_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestCode: every error a quote can end in has its code, wrapped or not;
// any other error has none.
func TestCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{delivery.ErrUnknownCountry, "invalid_country"},
		{delivery.ErrUnknownMethod, "invalid_method"},
		{delivery.ErrCountryNotServed, "country_not_served"},
		{delivery.ErrOutOfRange, "date_out_of_range"},
		{delivery.ErrNoProcessingDay, "no_processing_day"},
		{delivery.ErrInvalidSettings, "invalid_settings"},
		{delivery.ErrUnknownProduct, "unknown_product"},
		{delivery.ErrUnknownVariant, "unknown_product"},
		{promise.ErrShopNotInstalled, "shop_not_installed"},
		{fmt.Errorf("product 7: %w", delivery.ErrUnknownProduct), "unknown_product"},
		{fmt.Errorf("outer: %w", fmt.Errorf("%q: %w", "x.myshopify.com", promise.ErrShopNotInstalled)), "shop_not_installed"},
		{errors.New("unknown product"), ""}, // the same words are not the error
		{errUpstream, ""},
		{nil, ""},
	} {
		if got := promise.Code(tc.err); got != tc.want {
			t.Errorf("Code(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestLineError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want promise.ErrorBody
	}{
		{fmt.Errorf("variant 9: %w", delivery.ErrUnknownVariant), promise.ErrorBody{Code: "unknown_product", Message: "variant 9: unknown variant"}},
		{errUpstream, promise.ErrorBody{Code: "internal", Message: "upstream failed"}},
	} {
		if got := promise.LineError(tc.err); *got != tc.want {
			t.Errorf("LineError(%v) = %+v, want %+v", tc.err, *got, tc.want)
		}
	}
}

// TestSummary: an answer's summary is its own availability, message,
// cutoff, expiry and staleness, for products and carts alike.
func TestSummary(t *testing.T) {
	e := catalogEngine(t)
	now := at(t, "2027-09-14T10:00:00+02:00")
	p, err := e.Product(context.Background(), promise.ProductRequest{Shop: testShop, Handle: "vase"}, now)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.Cart(context.Background(), promise.CartRequest{Shop: testShop, Lines: []promise.CartLine{{VariantID: 202}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a    promise.Answer
		want promise.Summary
	}{
		{"product", p, promise.Summary{Available: true, Message: p.Message, Cutoff: p.Cutoff, ExpiresAt: p.ExpiresAt}},
		{"cart", c, promise.Summary{Available: false, Message: c.Message, Cutoff: nil, ExpiresAt: c.ExpiresAt}},
	} {
		got := tc.a.Summary()
		if got.Available != tc.want.Available || got.Message != tc.want.Message || got.Cutoff != tc.want.Cutoff ||
			!got.ExpiresAt.Equal(tc.want.ExpiresAt) || got.Stale != tc.want.Stale {
			t.Errorf("%s: Summary() = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestMarshalAnswer: the bytes of the HTTP API, field by field in the
// documented order, compared with golden files (go test -update rewrites
// them).
func TestMarshalAnswer(t *testing.T) {
	e := catalogEngine(t)
	now := at(t, "2027-09-14T10:00:00+02:00")
	product, err := e.Product(context.Background(), promise.ProductRequest{Shop: testShop, Handle: "mug", Locale: "en"}, now)
	if err != nil {
		t.Fatal(err)
	}
	cart, err := e.Cart(context.Background(), promise.CartRequest{
		Shop: testShop, Locale: "en", Lines: []promise.CartLine{{Handle: "vase", Quantity: 2}, {VariantID: 203}, {VariantID: 999}},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		golden string
		a      promise.Answer
	}{
		{"product-mug.golden", product},
		{"cart.golden", cart},
	} {
		got, err := promise.MarshalAnswer(tc.a)
		if err != nil {
			t.Fatalf("MarshalAnswer(%s): %v", tc.golden, err)
		}
		path := filepath.Join("testdata", tc.golden)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("MarshalAnswer(%s) =\n%s\nwant\n%s", tc.golden, got, want)
		}
		if !bytes.HasSuffix(got, []byte("}\n")) || bytes.Count(got, []byte("\n")) != 1 {
			t.Errorf("MarshalAnswer(%s): want compact JSON on one line with a final newline", tc.golden)
		}
	}
}
