package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
)

// POST /checkout/v1/cart is the checkout UI extension's API
// (extensions/leadtime-checkout): checkout, the thank-you page and the
// order-status page ask it for the cart's promise. It answers exactly what
// the app proxy answers for the same cart at the same instant (serveCart,
// one cache), but it is authenticated by the extension's session token
// instead of the proxy's signature, and browsers call it cross-origin.

// MaxCheckoutBodySize bounds the extension's JSON body: promise.MaxCartLines lines
// of about 80 bytes each fit in a quarter of it.
const MaxCheckoutBodySize = 64 << 10

// Cross-origin access. A checkout UI extension runs in a Web Worker whose
// origin Shopify does not fix: "UI extensions run in a Web Worker but the
// exact origin they run on may change without notice. When receiving
// network requests from extensions, your server must support [CORS] for
// any origin by always returning this response header:
// Access-Control-Allow-Origin: *" (Shopify, "Checkout UI extensions:
// configuration", Network access, Required CORS headers,
// https://shopify.dev/docs/api/checkout-ui-extensions/latest/configuration#network-access;
// source: github.com/Shopify/ui-extensions,
// packages/ui-extensions/docs/surfaces/checkout/staticPages/configuration.doc.ts).
// Today the worker's origin is https://extensions.shopifycdn.com, and
// checkout itself runs on the shop's own domain or checkout.shopify.com,
// but an allow-list of those would break the day the worker moves. Shopify's
// own app libraries answer "*" for the same reason (@shopify/shopify-app-remix,
// authenticate.public.checkout's ensureCORSHeaders).
//
// "*" is safe here because the request's credential is the bearer token in
// Authorization, which a page can only send if it holds a token that
// Shopify signed with our secret for one shop. Credentials in the CORS
// sense (cookies) are never allowed: no Access-Control-Allow-Credentials,
// and browsers refuse "*" together with credentials anyway.
const (
	checkoutAllowOrigin   = "*"
	checkoutAllowMethods  = "POST, OPTIONS"
	checkoutAllowHeaders  = "Authorization, Content-Type"
	checkoutExposeHeaders = "ETag, Retry-After, WWW-Authenticate"
	// Browsers cap this (Chromium at 2 h); the preflight is the same for
	// every request, so a buyer's browser asks once per checkout.
	checkoutPreflightMaxAge = "7200"
)

// checkoutCORS sets the CORS headers of /checkout/v1 on every answer,
// errors included, so that the extension can read a 401 or a 400.
func checkoutCORS() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", checkoutAllowOrigin)
		h.Set("Access-Control-Expose-Headers", checkoutExposeHeaders)
		c.Next()
	}
}

// handleCheckoutPreflight handles "OPTIONS /checkout/v1/cart": the CORS
// preflight that the Authorization header and the JSON body cause. It needs
// no token: browsers never send one with a preflight.
func handleCheckoutPreflight() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Methods", checkoutAllowMethods)
		h.Set("Access-Control-Allow-Headers", checkoutAllowHeaders)
		h.Set("Access-Control-Max-Age", checkoutPreflightMaxAge)
		c.Status(http.StatusNoContent)
	}
}

// checkoutIP keys the per-client rate limit of /checkout/v1. It has the
// storefront's rate but buckets of its own.
func checkoutIP(c *gin.Context) string { return "checkout|" + clientIPOf(c) }

// handleCheckoutCart handles "POST /checkout/v1/cart" with the body
// {"items":[{"variant_id":"gid://shopify/ProductVariant/1","quantity":1}],
// "country":"SE","locale":"sv"}; "method" is optional, as on the proxy.
func (s *Server) handleCheckoutCart() gin.HandlerFunc {
	return func(c *gin.Context) {
		// Authenticate before reading the body: nobody else's body is parsed.
		shop, _, err := s.sessionShop(c, checkoutAPI)
		if err != nil {
			if errors.Is(err, ErrUnauthorized) {
				c.Header("WWW-Authenticate", `Bearer realm="leadtime"`) // RFC 6750 §3
			}
			WriteError(c, err)
			return
		}
		// The token's shop must be installed: a shop that uninstalled the
		// app still holds tokens signed with our secret for a minute.
		if _, err := s.engine.Shops.Shop(c.Request.Context(), shop); errors.Is(err, promise.ErrShopNotInstalled) {
			c.Header("WWW-Authenticate", `Bearer realm="leadtime"`)
			WriteError(c, fmt.Errorf("checkout: the token's shop %s is not installed: %w", shop, ErrUnauthorized))
			return
		} else if err != nil {
			WriteError(c, err)
			return
		}
		body, err := parseCheckoutBody(c.ContentType(), http.MaxBytesReader(c.Writer, c.Request.Body, MaxCheckoutBodySize+1))
		if err != nil {
			WriteError(c, err)
			return
		}
		// The proxy's own parameter checks and answer, from the body's fields.
		q := url.Values{"shop": {shop}}
		for k, v := range map[string]string{"country": body.country, "locale": body.locale, "method": body.method} {
			if v != "" {
				q.Set(k, v)
			}
		}
		c.Writer = privateAnswer{c.Writer}
		s.serveCart(c, q, body.lines)
	}
}

// checkoutBody is a parsed request body.
type checkoutBody struct {
	lines                   []promise.CartLine
	country, locale, method string
}

// checkoutJSON is the body the extension sends. Unknown fields are
// ignored, as in /cart.js, so that a newer extension can send more.
type checkoutJSON struct {
	Items *[]struct {
		VariantID json.RawMessage `json:"variant_id"`
		Quantity  json.Number     `json:"quantity"`
	} `json:"items"`
	Country string `json:"country"`
	Locale  string `json:"locale"`
	Method  string `json:"method"`
}

// parseCheckoutBody reads the extension's JSON body, with the proxy's
// limits and error codes. A variant is a ProductVariant GID (as checkout
// names it) or a number; a missing quantity means 1.
func parseCheckoutBody(contentType string, body io.Reader) (checkoutBody, error) {
	var out checkoutBody
	data, err := ReadJSONBody(contentType, false, body, MaxCheckoutBodySize, "the body")
	if err != nil {
		return out, err
	}
	var in checkoutJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&in); err != nil {
		return out, BadParam("invalid_body", "the body is not {\"items\":[{\"variant_id\",\"quantity\"}],\"country\",\"locale\"}: %v", err)
	}
	if dec.More() {
		return out, BadParam("invalid_body", "the body holds more than one JSON value")
	}
	if in.Items == nil {
		return out, BadParam("invalid_body", "the body has no items list")
	}
	items := *in.Items
	if len(items) > promise.MaxCartLines {
		return out, BadParam("too_many_lines", "a cart has at most %d lines, not %d", promise.MaxCartLines, len(items))
	}
	out.lines = make([]promise.CartLine, 0, len(items))
	for i, it := range items {
		id, err := checkoutVariantID(it.VariantID)
		if err != nil {
			return out, BadParam("invalid_items", "items[%d].variant_id %s is not a variant id or gid://shopify/ProductVariant/ID", i, echo.Short(string(it.VariantID)))
		}
		qty := 1
		if it.Quantity != "" {
			if qty, err = promise.ParseQuantity(it.Quantity.String()); err != nil {
				return out, BadParam("invalid_quantity", "items[%d]: %v", i, err)
			}
		}
		out.lines = append(out.lines, promise.CartLine{VariantID: id, Quantity: qty})
	}
	out.country, out.locale, out.method = in.Country, in.Locale, in.Method
	return out, nil
}

// checkoutVariantID reads a variant_id: a JSON number, or a string holding
// a number or a ProductVariant GID. A GID of another type (a Product's, a
// CartLine's) is refused rather than read as a variant's number.
func checkoutVariantID(raw json.RawMessage) (int64, error) {
	s := string(raw)
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		if strings.HasPrefix(s, "gid://") && !strings.HasPrefix(s, "gid://shopify/ProductVariant/") {
			return 0, errors.New("not a ProductVariant GID")
		}
	}
	return promise.ParseID(s)
}

// privateAnswer marks the cached answer "private" instead of "public": the
// body is the proxy's, but this request carried a session token, and a
// shared cache may reuse a response to an authorized request only when it
// is public (RFC 9111 §3.5).
type privateAnswer struct{ gin.ResponseWriter }

func (w privateAnswer) WriteHeader(code int) {
	h := w.Header()
	if cc, ok := strings.CutPrefix(h.Get("Cache-Control"), "public"); ok {
		h.Set("Cache-Control", "private"+cc)
	}
	w.ResponseWriter.WriteHeader(code)
}
