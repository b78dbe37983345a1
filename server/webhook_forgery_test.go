package server_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// TestWebhookForgedFromOtherSignatures is issue 16.1: any HMAC-SHA256 that
// Shopify made with the app's secret used to pass for a webhook signature,
// since the topic and the shop come in unsigned headers. The attacker is
// the merchant of e2eOther, an installed shop; the victim is e2eShop. What
// each attack sends, as POST /webhooks with X-Shopify-Topic shop/redact or
// app/uninstalled and X-Shopify-Shop-Domain e2e-knits.myshopify.com:
//
//   - oauth: body = the attacker's own OAuth callback query without hmac
//     ("code=…&host=…&shop=e2e-other…&state=…&timestamp=…"),
//     X-Shopify-Hmac-Sha256 = that callback's hmac, hex turned to base64.
//   - session token: body = a checkout session token's "header.payload"
//     (minted for the attacker's shop, as any shopper sees one),
//     X-Shopify-Hmac-Sha256 = its signature, base64url turned to base64.
//   - replayed JSON: a genuine-looking JSON body naming the attacker's shop
//     (shop_domain / myshopify_domain e2e-other…), signed with the secret,
//     sent with the victim's shop header: what a leaked delivery allows.
//   - no shop: a signed JSON object that does not name a shop at all.
//
// Each must get 401 and change nothing: the victim's store record, the
// fake's calls and mutations, and its storefront, which still answers.
func TestWebhookForgedFromOtherSignatures(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.install(t, e2eShop)
	sweater := url.Values{"product_id": {strconv.Itoa(sweaterID)}}
	answerOf(t, "victim's product", e.proxy("product", e2eShop, sweater))

	// The attacker installs its own shop and keeps the callback's query.
	authorizeURL, cookie := e.startAuth(t, e2eOther)
	back := e.authorize(t, authorizeURL)
	callback := back.Query()
	if w := e.get("/auth/callback?"+back.RawQuery, cookie); w.Code != http.StatusFound {
		t.Fatalf("the attacker's install: status %d\n%s", w.Code, w.Body)
	}
	oauthSig, err := hex.DecodeString(callback.Get("hmac"))
	if err != nil {
		t.Fatal(err)
	}
	callback.Del("hmac")
	oauthBody := []byte(callback.Encode())

	token := shopifytest.CheckoutToken(e2eAPIKey, e2eAPISecret, e2eOther, e.wall.Now())
	parts := strings.Split(token, ".")
	tokenSig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	tokenBody := []byte(parts[0] + "." + parts[1])

	attacks := []struct {
		name string
		body []byte
		sig  string
	}{
		{"oauth callback hmac", oauthBody, base64.StdEncoding.EncodeToString(oauthSig)},
		{"session token signature", tokenBody, base64.StdEncoding.EncodeToString(tokenSig)},
		{"JSON naming the attacker (shop_domain)", []byte(`{"shop_id":2,"shop_domain":"` + e2eOther + `"}`), ""},
		{"JSON naming the attacker (myshopify_domain)", []byte(`{"id":2,"domain":"` + e2eShop + `","myshopify_domain":"` + e2eOther + `"}`), ""},
		{"JSON naming no shop", []byte(`{"id":2}`), ""},
		{"a JSON array", []byte(`[{"shop_domain":"` + e2eShop + `"}]`), ""},
	}
	for _, a := range attacks {
		if a.sig == "" {
			a.sig = shopify.SignWebhook(a.body, e2eAPISecret)
		}
		// The attack is real: the signature is valid for the body.
		if err := shopify.VerifyWebhook(a.body, a.sig, e2eAPISecret); err != nil {
			t.Fatalf("%s: the forged signature does not verify (%v): the test would prove nothing", a.name, err)
		}
		for _, topic := range []string{"shop/redact", "app/uninstalled", "shop/update", "customers/redact", "orders/create", "products/update"} {
			t.Run(a.name+" as "+topic, func(t *testing.T) {
				before := e.sideEffects(t, e2eShop, e2eOther)
				req := shopifytest.WebhookRequest("/webhooks", topic, e2eShop, e2eAPISecret, a.body)
				req.Header.Set("X-Shopify-Hmac-Sha256", a.sig)
				w := e.serve(req)
				switch {
				case (topic == "orders/create" || topic == "products/update") && a.name == "JSON naming no shop":
					// These payloads never name the shop, so a signed
					// object of their shape is taken; its effect stays
					// inside the header's shop (a cache drop; a metafield
					// Shopify scopes to the shop's own order), checked below.
					if w.Code >= 500 {
						t.Errorf("%s: status %d, want no 5xx\n%s", topic, w.Code, w.Body)
					}
				case topic == "orders/create" || topic == "products/update":
					checkError(t, "POST /webhooks "+topic+", "+a.name, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
				default:
					checkError(t, "POST /webhooks "+topic+", "+a.name, w.Code, w.Header(), w.Body.Bytes(), http.StatusUnauthorized, "unauthorized")
				}
				if after := e.sideEffects(t, e2eShop, e2eOther); after != before {
					t.Errorf("%s changed something:\nbefore %s\nafter  %s", a.name, before, after)
				}
				if n := e.calls(func() { answerOf(t, "victim's product", e.proxy("product", e2eShop, sweater)) }); n != 0 {
					t.Errorf("the victim's product cost %d Admin API calls after the attack, want 0 (still cached)", n)
				}
			})
		}
	}

	// The genuine deliveries, naming the victim, still work.
	for _, tc := range []struct{ topic, body string }{
		{"shop/update", `{"id":1,"domain":"knits.example.com","myshopify_domain":"` + e2eShop + `"}`},
		{"customers/redact", `{"shop_id":1,"shop_domain":"` + e2eShop + `","customer":{"id":1}}`},
	} {
		if w := e.webhook(tc.topic, e2eShop, "", []byte(tc.body)); w.Code != http.StatusOK {
			t.Errorf("a genuine %s: status %d, want 200\n%s", tc.topic, w.Code, w.Body)
		}
	}
}

// TestOrderPromiseSurvivesReplay (issue 16 item 5): orders/create is
// delivered, the service restarts (a new instance: its cache, where
// de-duplication lives, is empty), the merchant changes the product's
// processing time, and the same delivery is replayed, with its webhook
// id. The promise the buyer was given stays as written, and nothing is
// written again.
func TestOrderPromiseSurvivesReplay(t *testing.T) {
	e := newE2E(t)
	e.install(t, e2eShop)
	const orderID = 820982911946154600
	order := []byte(fmt.Sprintf(`{"id":%d,"created_at":"2026-11-23T09:00:00+01:00","customer_locale":"en",
		"line_items":[{"product_id":%d,"variant_id":%d,"quantity":1}],
		"shipping_address":{"country_code":"SE"},"shipping_lines":[{"code":"standard"}]}`,
		orderID, sweaterID, sweaterVariant))
	if w := e.webhook("orders/create", e2eShop, "order-created-1", order); w.Code != http.StatusOK {
		t.Fatalf("orders/create: %d %s", w.Code, w.Body)
	}
	owner := shopify.GID("Order", orderID)
	first, ok := e.fake.Metafield(e2eShop, owner, "leadtime", "promise")
	if !ok {
		t.Fatal("orders/create wrote no leadtime.promise")
	}

	e.h, e.shared = e.instance(t) // restarted: nothing remembered in memory
	sweater := e2eProducts()[0]
	sweater.Metafields = map[string]string{"leadtime.processing_min_days": "20", "leadtime.processing_max_days": "30"}
	e.fake.UpdateProduct(e2eShop, sweater)
	before := len(e.fake.Mutations())
	for _, id := range []string{"order-created-1", "order-created-2"} { // the replay, and a second delivery
		if w := e.webhook("orders/create", e2eShop, id, order); w.Code != http.StatusOK {
			t.Fatalf("orders/create replayed (id %s): %d %s", id, w.Code, w.Body)
		}
	}
	if n := len(e.fake.Mutations()) - before; n != 0 {
		t.Errorf("replayed orders/create ran %d mutations, want 0", n)
	}
	if got, _ := e.fake.Metafield(e2eShop, owner, "leadtime", "promise"); got.Value != first.Value {
		t.Errorf("leadtime.promise after the replay =\n%s\nwant it unchanged:\n%s", got.Value, first.Value)
	}
}

// TestUninstallReplayIgnored (issue 16 item 5): a genuine app/uninstalled
// and shop/redact, replayed with their signed bodies while the shop is
// installed (Shopify accepts its token), change nothing: the token, the
// settings and the storefront stay. Once Shopify has revoked the token,
// the same app/uninstalled is carried out.
func TestUninstallReplayIgnored(t *testing.T) {
	e := newE2E(t)
	e.install(t, e2eShop)
	uninstalled := []byte(`{"id":1,"domain":"` + e2eShop + `","myshopify_domain":"` + e2eShop + `"}`)
	redact := []byte(`{"shop_id":1,"shop_domain":"` + e2eShop + `"}`)
	for _, wh := range []struct {
		topic string
		body  []byte
	}{{"app/uninstalled", uninstalled}, {"shop/redact", redact}} {
		if w := e.webhook(wh.topic, e2eShop, "replayed-"+wh.topic, wh.body); w.Code != http.StatusOK {
			t.Fatalf("replayed %s: %d %s, want 200 (ignored)", wh.topic, w.Code, w.Body)
		}
		rec, err := e.store.Get(t.Context(), e2eShop)
		if err != nil || !rec.Installed() || len(rec.Settings) == 0 {
			t.Fatalf("after a replayed %s while installed: %v, %v; want the shop kept, token and settings", wh.topic, rec, err)
		}
	}
	if w := e.proxy("product", e2eShop, url.Values{"product_id": {strconv.Itoa(sweaterID)}}); w.Code != http.StatusOK {
		t.Errorf("storefront after the replays: %d %s, want 200", w.Code, w.Body)
	}

	e.fake.RevokeToken(e2eShop) // the merchant uninstalls for real
	if w := e.webhook("app/uninstalled", e2eShop, "real-uninstall", uninstalled); w.Code != http.StatusOK {
		t.Fatalf("app/uninstalled: %d %s", w.Code, w.Body)
	}
	if rec, err := e.store.Get(t.Context(), e2eShop); err != nil || rec.Installed() {
		t.Errorf("after a real app/uninstalled: %v, %v; want the token gone", rec, err)
	}
}
