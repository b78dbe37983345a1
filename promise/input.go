package promise

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadtime-app/leadtime/internal/echo"
)

// Limits on the carts a caller may ask about.
const (
	MaxCartLines = 250     // Shopify carts hold at most a few hundred lines
	MaxQuantity  = 100_000 // per line
)

// ErrBadInput is a request the caller got wrong: every InputError
// matches it.
var ErrBadInput = errors.New("bad input")

// InputError is a caller's mistake in one field of a request, with the
// code its error body names (invalid_items, invalid_quantity, ...).
type InputError struct {
	Code    string
	Message string
}

func (e *InputError) Error() string { return e.Message }

// Unwrap makes an InputError match ErrBadInput.
func (e *InputError) Unwrap() error { return ErrBadInput }

// ErrorCode is the error's code, for the HTTP layer's error body.
func (e *InputError) ErrorCode() string { return e.Code }

func badInput(code, format string, args ...any) error {
	return &InputError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ValidHandle reports whether h can be a Shopify product handle: lower-case
// letters (any script), digits, "-", "_" and ".", at most 255 runes, not
// starting with a dot. It runs on every product request, so it is a loop,
// not a regexp.
func ValidHandle(h string) bool {
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
func ParseItems(s string) ([]CartLine, error) {
	if s == "" {
		return nil, badInput("missing_items", "give items=VARIANT:QTY,...")
	}
	if n := strings.Count(s, ",") + 1; n > MaxCartLines {
		return nil, badInput("too_many_lines", "a cart has at most %d lines, not %d", MaxCartLines, n)
	}
	parts := strings.Split(s, ",")
	lines := make([]CartLine, 0, len(parts))
	for i, part := range parts {
		idText, qtyText, hasQty := strings.Cut(part, ":")
		id, err := ParseID(idText)
		if err != nil {
			return nil, badInput("invalid_items", "items[%d]: %q is not a variant id", i, echo.Short(idText))
		}
		qty := 1
		if hasQty {
			if qty, err = ParseQuantity(qtyText); err != nil {
				return nil, badInput("invalid_quantity", "items[%d]: %v", i, err)
			}
		}
		lines = append(lines, CartLine{VariantID: id, Quantity: qty})
	}
	return lines, nil
}

// ParseQuantity parses a line's quantity, a whole number from 1 to
// MaxQuantity.
func ParseQuantity(s string) (int, error) {
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

// ParseCartJS parses Shopify's /cart.js JSON (the body of POST
// /proxy/cart) into cart lines.
func ParseCartJS(data []byte) ([]CartLine, error) {
	var cart cartJS
	if err := json.Unmarshal(data, &cart); err != nil {
		return nil, badInput("invalid_body", "the body is not the JSON of /cart.js: %v", err)
	}
	if cart.Items == nil {
		return nil, badInput("invalid_body", "the body has no items list")
	}
	items := *cart.Items
	if len(items) > MaxCartLines {
		return nil, badInput("too_many_lines", "a cart has at most %d lines, not %d", MaxCartLines, len(items))
	}
	lines := make([]CartLine, 0, len(items))
	for i, it := range items {
		v := it.VariantID
		if v == "" {
			v = it.ID
		}
		vid, err := ParseID(v.String())
		if err != nil {
			return nil, badInput("invalid_items", "items[%d].variant_id %q is not a variant id", i, echo.Short(v.String()))
		}
		var pid int64
		if it.ProductID != "" {
			if pid, err = ParseID(it.ProductID.String()); err != nil {
				return nil, badInput("invalid_items", "items[%d].product_id %q is not a product id", i, echo.Short(it.ProductID.String()))
			}
		}
		qty := 1
		if it.Quantity != "" {
			if qty, err = ParseQuantity(it.Quantity.String()); err != nil {
				return nil, badInput("invalid_quantity", "items[%d]: %v", i, err)
			}
		}
		lines = append(lines, CartLine{ProductID: pid, VariantID: vid, Quantity: qty})
	}
	return lines, nil
}
