package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// TestTagOrdersAtRisk: POST /admin/api/health/at-risk/tag tags exactly
// the orders Promise health lists at risk, most urgent first, and no
// other; a second call changes nothing. The demo, without Shopify, says
// so with a 409.
func TestTagOrdersAtRisk(t *testing.T) {
	e := newE2E(t)
	e.install(t, e2eShop)
	e.fake.FinishBulkOperations(e2eShop) // the install's own backfill, of no orders yet
	placeBackfillOrders(t, e)            // three orders with frozen promises, none fulfilled through webhooks

	// Wed 2 Dec: #7004 was due Fri 27 Nov (overdue), #7001 is due
	// tomorrow, the next processing day; #7002 is due later.
	e.now.t = at("2026-12-02T10:00:00Z")
	res := e.adminDo(t, http.MethodGet, "/admin/api/health", e2eShop, nil)
	var report struct {
		AtRisk []health.AtRisk `json:"at_risk"`
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &report) != nil {
		t.Fatalf("GET /admin/api/health = %d %s", res.StatusCode, body)
	}
	var want []int64
	for _, r := range report.AtRisk {
		want = append(want, r.OrderID)
	}
	var notAtRisk []int64
	for _, o := range backfillShopOrders {
		if !slices.Contains(want, o.ID) {
			notAtRisk = append(notAtRisk, o.ID)
		}
	}
	if !slices.Equal(want, []int64{7004, 7001}) || !slices.Equal(notAtRisk, []int64{7002}) {
		t.Fatalf("at risk %v, not at risk %v; want [7004 7001] and [7002]", want, notAtRisk)
	}

	for call := 1; call <= 2; call++ {
		res := e.adminDo(t, http.MethodPost, "/admin/api/health/at-risk/tag", e2eShop, nil)
		body, _ := io.ReadAll(res.Body)
		var got shopifyapp.Tagged
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &got) != nil {
			t.Fatalf("POST /admin/api/health/at-risk/tag (call %d) = %d %s", call, res.StatusCode, body)
		}
		if got.Tag != shopifyapp.AtRiskTag || !slices.Equal(got.Orders, want) || len(got.Refused) != 0 || got.Left != 0 {
			t.Errorf("call %d tagged %+v, want %v with %q", call, got, want, shopifyapp.AtRiskTag)
		}
	}
	for _, id := range want {
		if got := e.fake.OrderTags(e2eShop, id); !slices.Equal(got, []string{shopifyapp.AtRiskTag}) {
			t.Errorf("order %d at risk has tags %q, want [%s] once", id, got, shopifyapp.AtRiskTag)
		}
	}
	for _, id := range notAtRisk {
		if got := e.fake.OrderTags(e2eShop, id); len(got) != 0 {
			t.Errorf("order %d, not at risk, has tags %q, want none", id, got)
		}
	}
}

func TestTagOrdersAtRiskDemo(t *testing.T) {
	e := newAdminEnv(t, adminOptions{})
	w := e.do(t, http.MethodPost, "/admin/api/health/at-risk/tag", nil)
	if w.Code != http.StatusConflict || !bytes.Contains(w.Body.Bytes(), []byte(`"no_shopify_connection"`)) {
		t.Errorf("POST /admin/api/health/at-risk/tag in the demo = %d %s, want 409 no_shopify_connection", w.Code, w.Body)
	}
}
