package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
)

// Limits on what a caller may send (promise.MaxCartLines and MaxQuantity
// bound the carts in them).
const (
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
		if req.ProductID, err = promise.ParseID(s); err != nil {
			return req, common, BadParam("invalid_product_id", "product_id %q is not a product id", echo.Short(s))
		}
	}
	if h := q.Get("handle"); h != "" {
		if !promise.ValidHandle(h) {
			return req, common, BadParam("invalid_handle", "handle %q is not a product handle", echo.Short(h))
		}
		req.Handle = h
	}
	if req.ProductID == 0 && req.Handle == "" {
		return req, common, BadParam("missing_product", "give product_id or handle")
	}
	if s := q.Get("variant_id"); s != "" {
		if req.VariantID, err = promise.ParseID(s); err != nil {
			return req, common, BadParam("invalid_variant_id", "variant_id %q is not a variant id", echo.Short(s))
		}
	}
	return req, common, nil
}

// readCartJS reads the body of POST /proxy/cart: Shopify's /cart.js JSON.
func readCartJS(contentType string, body io.Reader) ([]promise.CartLine, error) {
	data, err := ReadJSONBody(contentType, false, body, MaxCartBodySize, "the body of /cart.js")
	if err != nil {
		return nil, err
	}
	return promise.ParseCartJS(data)
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
