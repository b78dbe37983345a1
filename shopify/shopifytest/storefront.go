package shopifytest

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/leadtime-app/leadtime/shopify/internal/sign"
)

// What Shopify sends to the app rather than answers: app proxy requests
// and webhook deliveries, signed as Shopify signs them, for tests of the
// server's handlers.

// ProxyQuery returns the raw query Shopify's app proxy forwards for a
// storefront request with params: the params plus shop, path_prefix
// (/apps/leadtime), timestamp (now), an empty logged_in_customer_id and
// the signature made with the app's secret.
func ProxyQuery(shop, secret string, params url.Values, now time.Time) string {
	q := url.Values{}
	for k, vs := range params {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("shop", shop)
	q.Set("path_prefix", "/apps/leadtime")
	q.Set("timestamp", strconv.FormatInt(now.Unix(), 10))
	q.Set("logged_in_customer_id", "")
	raw := q.Encode()
	return raw + "&signature=" + sign.HexHMAC(secret, sign.ProxyMessage(sign.ParseQuery(raw)))
}

// WebhookRequest builds a webhook delivery to target as Shopify sends it:
// the JSON body, X-Shopify-Hmac-Sha256 made with the app's secret, and the
// topic, shop, API version, webhook id and event id headers.
func WebhookRequest(target, topic, shop, secret string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		panic("shopifytest.WebhookRequest: " + err.Error())
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("X-Shopify-Hmac-Sha256", sign.Base64HMAC(secret, body))
	h.Set("X-Shopify-Topic", topic)
	h.Set("X-Shopify-Shop-Domain", shop)
	h.Set("X-Shopify-Api-Version", APIVersion)
	h.Set("X-Shopify-Webhook-Id", randomUUID())
	h.Set("X-Shopify-Event-Id", randomUUID())
	h.Set("X-Shopify-Triggered-At", time.Now().UTC().Format(time.RFC3339Nano))
	return req
}

func randomUUID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}
