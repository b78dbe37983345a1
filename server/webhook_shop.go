package server

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/leadtime-app/leadtime/internal/echo"
)

// Why the body must name the shop: X-Shopify-Hmac-Sha256 signs the raw
// body only, while the topic and the shop come in unsigned headers. Any
// HMAC-SHA256 that Shopify made with the app's secret would otherwise pass
// for a webhook of any topic and any shop: an OAuth callback's hmac with
// its query as the body, or a session token's signature with
// "header.payload" as the body (every shopper sees a checkout token). None
// of those messages is a JSON object, and none names the victim shop, so
// requiring both ties the signature to a webhook of that shop.

// webhookShopField says, per topic, which top-level field of Shopify's
// payload names the shop. Topics not listed (products, collections,
// inventory levels, orders) carry no shop in their payload: their body must
// still be a JSON object of the topic's shape, any of the shop fields that
// does appear must name the header's shop, and their effects stay inside
// the header's shop (dropping its caches; writing a metafield that Shopify
// refuses when the order is not that shop's).
var webhookShopField = map[string]string{
	"app/uninstalled":        "myshopify_domain", // the Shop resource; domain may be a custom one
	"shop/update":            "myshopify_domain",
	"shop/redact":            "shop_domain",
	"customers/data_request": "shop_domain",
	"customers/redact":       "shop_domain",
}

// webhookShops are the top-level fields of a payload that can name a shop.
type webhookShops struct {
	ShopDomain      *string `json:"shop_domain"`
	MyshopifyDomain *string `json:"myshopify_domain"`
}

func (w *webhookShops) field(name string) *string {
	if name == "shop_domain" {
		return w.ShopDomain
	}
	return w.MyshopifyDomain
}

// checkWebhookShop refuses a webhook body that is not one JSON object, or
// that names another shop than shop (the X-Shopify-Shop-Domain header), or
// that does not name the shop where the topic's payload always does. Every
// refusal wraps ErrUnauthorized: the body is signed, so a mismatch means a
// signature made for something else.
func checkWebhookShop(topic, shop string, body []byte) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(body) {
		return fmt.Errorf("webhook %s: the body is not a JSON object: %w", topic, ErrUnauthorized)
	}
	var named webhookShops
	if err := json.Unmarshal(body, &named); err != nil {
		return fmt.Errorf("webhook %s: %v: %w", topic, err, ErrUnauthorized)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"shop_domain", named.ShopDomain}, {"myshopify_domain", named.MyshopifyDomain}} {
		if f.v != nil && *f.v != shop {
			return fmt.Errorf("webhook %s: %s %q is not the shop of the delivery: %w", topic, f.name, echo.Short(*f.v), ErrUnauthorized)
		}
	}
	if field, ok := webhookShopField[topic]; ok && named.field(field) == nil {
		return fmt.Errorf("webhook %s: the body does not name the shop (%s): %w", topic, field, ErrUnauthorized)
	}
	return nil
}
