package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
)

// Limits on what a caller may send.
const (
	MaxCartLines    = 250     // Shopify carts hold at most a few hundred lines
	MaxQuantity     = 100_000 // per line
	MaxQueryBytes   = 8 << 10
	MaxCartBodySize = 512 << 10
)

var (
	methodRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
	localeRE = regexp.MustCompile(`^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$`)
)

// Format is how an answer is written.
type Format string

// The answer formats of the proxy.
const (
	FormatJSON   Format = "json"
	FormatHTML   Format = "html"
	FormatLiquid Format = "liquid"
)

// commonParams are the parameters every answer route takes.
type commonParams struct {
	dest   delivery.Destination
	locale string
	format Format
}

func parseCommon(q url.Values) (commonParams, error) {
	var p commonParams
	if c := q.Get("country"); c != "" {
		c = strings.ToUpper(c)
		if !delivery.KnownCountry(c) {
			return p, BadParam("invalid_country", "country %q is not an ISO 3166 country code such as SE", echo.Short(q.Get("country")))
		}
		p.dest.Country = c
	}
	if m := q.Get("method"); m != "" {
		if !methodRE.MatchString(m) {
			return p, BadParam("invalid_method", "method %q is not a shipping method code", echo.Short(m))
		}
		p.dest.Method = m
	}
	if l := q.Get("locale"); l != "" {
		if !localeRE.MatchString(l) {
			return p, BadParam("invalid_locale", "locale %q is not a locale such as sv or pt-BR", echo.Short(l))
		}
		p.locale = strings.ReplaceAll(l, "_", "-")
	}
	switch f := Format(q.Get("format")); f {
	case "":
		p.format = FormatJSON
	case FormatJSON, FormatHTML, FormatLiquid:
		p.format = f
	default:
		return p, BadParam("invalid_format", "format %q is not json, html or liquid", echo.Short(string(f)))
	}
	return p, nil
}

// parseProductQuery reads /proxy/product's parameters.
func parseProductQuery(q url.Values) (promise.ProductRequest, commonParams, error) {
	var req promise.ProductRequest
	common, err := parseCommon(q)
	if err != nil {
		return req, common, err
	}
	req.Dest, req.Locale = common.dest, common.locale
	if s := q.Get("product_id"); s != "" {
		if req.ProductID, err = ParseID(s); err != nil {
			return req, common, BadParam("invalid_product_id", "product_id %q is not a product id", echo.Short(s))
		}
	}
	if h := q.Get("handle"); h != "" {
		if !validHandle(h) {
			return req, common, BadParam("invalid_handle", "handle %q is not a product handle", echo.Short(h))
		}
		req.Handle = h
	}
	if req.ProductID == 0 && req.Handle == "" {
		return req, common, BadParam("missing_product", "give product_id or handle")
	}
	if s := q.Get("variant_id"); s != "" {
		if req.VariantID, err = ParseID(s); err != nil {
			return req, common, BadParam("invalid_variant_id", "variant_id %q is not a variant id", echo.Short(s))
		}
	}
	return req, common, nil
}

// validHandle reports whether h can be a Shopify product handle: lower-case
// letters (any script), digits, "-", "_" and ".", at most 255 runes, not
// starting with a dot. It runs on every product request, so it is a loop,
// not a regexp.
func validHandle(h string) bool {
	if h == "" || len(h) > 4*255 || h[0] == '.' {
		return false
	}
	n := 0
	for _, r := range h {
		n++
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		case r < utf8.RuneSelf:
			return false
		case unicode.IsLower(r), unicode.In(r, unicode.Lo, unicode.Nd, unicode.Mn):
		default:
			return false
		}
	}
	return n <= 255
}

// ParseID accepts a positive decimal id or a Shopify GID.
func ParseID(s string) (int64, error) {
	if i := strings.LastIndexByte(s, '/'); i >= 0 && strings.HasPrefix(s, "gid://shopify/") {
		s = s[i+1:]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errors.New("not a positive id")
	}
	return id, nil
}

// ParseItems parses the items parameter of GET /proxy/cart:
// "VARIANT:QTY,VARIANT:QTY,..."; a missing ":QTY" means 1.
func ParseItems(s string) ([]promise.CartLine, error) {
	if s == "" {
		return nil, BadParam("missing_items", "give items=VARIANT:QTY,...")
	}
	if n := strings.Count(s, ",") + 1; n > MaxCartLines {
		return nil, BadParam("too_many_lines", "a cart has at most %d lines, not %d", MaxCartLines, n)
	}
	parts := strings.Split(s, ",")
	lines := make([]promise.CartLine, 0, len(parts))
	for i, part := range parts {
		idText, qtyText, hasQty := strings.Cut(part, ":")
		id, err := ParseID(idText)
		if err != nil {
			return nil, BadParam("invalid_items", "items[%d]: %q is not a variant id", i, echo.Short(idText))
		}
		qty := 1
		if hasQty {
			if qty, err = parseQuantity(qtyText); err != nil {
				return nil, BadParam("invalid_quantity", "items[%d]: %v", i, err)
			}
		}
		lines = append(lines, promise.CartLine{VariantID: id, Quantity: qty})
	}
	return lines, nil
}

func parseQuantity(s string) (int, error) {
	q, err := strconv.Atoi(s)
	if err != nil || q < 1 || q > MaxQuantity {
		return 0, fmt.Errorf("quantity %q must be a whole number from 1 to %d", echo.Short(s), MaxQuantity)
	}
	return q, nil
}

// cartJS is the part of Shopify's /cart.js body that a promise needs.
type cartJS struct {
	Items *[]struct {
		ID        json.Number `json:"id"`
		VariantID json.Number `json:"variant_id"`
		ProductID json.Number `json:"product_id"`
		Quantity  json.Number `json:"quantity"`
	} `json:"items"`
}

// ParseCartJS reads the body of POST /proxy/cart: Shopify's /cart.js JSON.
func ParseCartJS(contentType string, body io.Reader) ([]promise.CartLine, error) {
	data, err := ReadJSONBody(contentType, false, body, MaxCartBodySize, "the body of /cart.js")
	if err != nil {
		return nil, err
	}
	var cart cartJS
	if err := json.Unmarshal(data, &cart); err != nil {
		return nil, BadParam("invalid_body", "the body is not the JSON of /cart.js: %v", err)
	}
	if cart.Items == nil {
		return nil, BadParam("invalid_body", "the body has no items list")
	}
	items := *cart.Items
	if len(items) > MaxCartLines {
		return nil, BadParam("too_many_lines", "a cart has at most %d lines, not %d", MaxCartLines, len(items))
	}
	lines := make([]promise.CartLine, 0, len(items))
	for i, it := range items {
		v := it.VariantID
		if v == "" {
			v = it.ID
		}
		vid, err := ParseID(v.String())
		if err != nil {
			return nil, BadParam("invalid_items", "items[%d].variant_id %q is not a variant id", i, echo.Short(v.String()))
		}
		var pid int64
		if it.ProductID != "" {
			if pid, err = ParseID(it.ProductID.String()); err != nil {
				return nil, BadParam("invalid_items", "items[%d].product_id %q is not a product id", i, echo.Short(it.ProductID.String()))
			}
		}
		qty := 1
		if it.Quantity != "" {
			if qty, err = parseQuantity(it.Quantity.String()); err != nil {
				return nil, BadParam("invalid_quantity", "items[%d]: %v", i, err)
			}
		}
		lines = append(lines, promise.CartLine{ProductID: pid, VariantID: vid, Quantity: qty})
	}
	return lines, nil
}

// ReadJSONBody reads a request body of at most limit bytes that must be
// application/json (with any parameters). With optional, a request that
// names no content type is read too. what names the body in the error for
// a wrong content type. Every JSON route reads its body through it, so
// that each answers 415, 413 and 400 alike.
func ReadJSONBody(contentType string, optional bool, body io.Reader, limit int, what string) ([]byte, error) {
	if contentType != "" || !optional {
		if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/json" {
			return nil, &fieldError{code: "unsupported_content_type", msg: "send " + what + " as application/json", kind: ErrUnsupportedType}
		}
	}
	data, err := io.ReadAll(io.LimitReader(body, int64(limit)+1))
	var tooLarge *http.MaxBytesError
	if len(data) > limit || errors.As(err, &tooLarge) {
		return nil, &fieldError{code: "too_large", msg: fmt.Sprintf("the body is larger than %d bytes", limit), kind: ErrTooLarge}
	}
	if err != nil {
		return nil, BadParam("invalid_body", "reading the body: %v", err)
	}
	return data, nil
}
