package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

func TestSnippetRoute(t *testing.T) {
	shop, err := demoShop()
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Engine: &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}}, DefaultShop: shop.Domain()})
	for _, tc := range []struct {
		name string
		code int
		has  string
	}{
		{"leadtime-order-confirmation.liquid", 200, "Settings → Notifications"},
		{"leadtime-jsonld", 200, "OfferShippingDetails"},
		{"nope.liquid", 404, `"code":"not_found"`},
		{"..", 404, `"code":"not_found"`},
	} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/snippets/"+tc.name, nil))
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.has) {
			t.Errorf("/snippets/%s = %d %.80q, want %d with %q", tc.name, rec.Code, rec.Body, tc.code, tc.has)
		}
		if tc.code == 200 && rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("/snippets/%s: Content-Type %q", tc.name, rec.Header().Get("Content-Type"))
		}
	}
}
