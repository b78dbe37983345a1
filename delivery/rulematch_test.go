package delivery_test

import (
	"slices"
	"testing"

	"github.com/leadtime-app/leadtime/delivery"
)

func TestRulesMatching(t *testing.T) {
	t.Parallel()
	got := map[string][]int64{}
	for _, m := range rulesShop.RulesMatching(vase(nil)) {
		got[rulesShop.Settings().Rules[m.Index].Name] = m.Variants
	}
	all := []int64{6001, 6002, 6003, 6004}
	want := map[string][]int64{
		"type-vase": all, "vendor-keramik": all, "tag-handmade": all, "collection-gifts": all,
		"product-by-id": all, "product-by-handle": all, "variant-6001": {6001},
		"tag-handmade-again": all, "variant-gid": {6004},
	}
	if len(got) != len(want) {
		t.Errorf("RulesMatching(vase) = %v, want %v", got, want)
	}
	for name, vs := range want {
		if !slices.Equal(got[name], vs) {
			t.Errorf("RulesMatching(vase)[%s] = %v, want %v", name, got[name], vs)
		}
	}

	// In the settings' order, not by precedence.
	ms := rulesShop.RulesMatching(vase(nil))
	if !slices.IsSortedFunc(ms, func(a, b delivery.RuleMatch) int { return a.Index - b.Index }) {
		t.Errorf("RulesMatching(vase) not in list order: %v", ms)
	}

	// AND across keys: Svarvat without the oak tag matches only vendor-svarvat.
	board := &delivery.Product{ID: 7001, Handle: "board", Vendor: "svarvat", Variants: []delivery.Variant{{ID: 8001}}}
	ms = rulesShop.RulesMatching(board)
	if len(ms) != 1 || rulesShop.Settings().Rules[ms[0].Index].Name != "vendor-svarvat" {
		t.Errorf("RulesMatching(board) = %v, want only vendor-svarvat", ms)
	}
}
