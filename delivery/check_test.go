package delivery_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
)

// TestWithCheck: a check given through WithCheck runs with Compile's own
// and reports at its path; without it the same document passes.
func TestWithCheck(t *testing.T) {
	var seen string
	check := func(st *delivery.Settings, report func(path, message string)) {
		seen = st.Shop
		report("messages.sv.product", "is not liked")
	}
	if _, err := delivery.LoadShop([]byte(validYAML)); err != nil {
		t.Fatalf("LoadShop(validYAML) = %v, want nil", err)
	}
	_, err := delivery.LoadShop([]byte(validYAML), delivery.WithCheck(check))
	var verr *delivery.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("LoadShop(validYAML, WithCheck) = %v, want a *ValidationError", err)
	}
	if got, want := problemList(verr), "messages.sv.product: is not liked"; got != want {
		t.Errorf("LoadShop(validYAML, WithCheck) problems = %q, want %q", got, want)
	}
	if seen != "test-valid.myshopify.com" {
		t.Errorf("the check saw shop %q, want test-valid.myshopify.com", seen)
	}
	// Compile runs it too, after its own checks: every problem at once.
	st := &delivery.Settings{Shop: "nope"}
	_, err = delivery.Compile(st, delivery.WithCheck(check))
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "messages.sv.product: is not liked") || !strings.Contains(err.Error(), "shop:") {
		t.Errorf("Compile(bad, WithCheck) = %v, want the shop's problem and the check's", err)
	}
}

func problemList(verr *delivery.ValidationError) string {
	var out []string
	for _, p := range verr.Problems {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}
