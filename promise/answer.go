package promise

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
)

// Header is what every answer starts with: whose promise it is, when and
// where it was quoted, and in which language. Product and cart answers, and
// each line of a cart, embed it, so its fields come first in their JSON.
type Header struct {
	Shop     string    `json:"shop"`
	QuotedAt time.Time `json:"quoted_at"`
	Timezone string    `json:"timezone"`
	Country  string    `json:"country"`
	Zone     string    `json:"zone"`
	Method   string    `json:"method"`
	Locale   string    `json:"locale"`
}

func newHeader(shop *delivery.Shop, quotedAt time.Time, route delivery.Route, locale string) Header {
	return Header{
		Shop: shop.Domain(), QuotedAt: quotedAt, Timezone: shop.Location().String(),
		Country: route.Country, Zone: route.Zone, Method: route.Method, Locale: locale,
	}
}

// Summary is the part of an answer that its renderings (the HTML and Liquid
// fragments, the HTTP cache) need, whichever the answer is.
type Summary struct {
	Available bool
	Message   *message.Message
	Cutoff    *CutoffJSON
	ExpiresAt time.Time
	Stale     bool
}

// Answer is a product or a cart answer.
type Answer interface {
	// Summary returns what every rendering of the answer needs.
	Summary() Summary
}

// ProductAnswer is the JSON answer for one product (ARCHITECTURE §4). Field
// order is the documented order.
type ProductAnswer struct {
	Header
	ProductID  int64            `json:"product_id"`
	VariantID  int64            `json:"variant_id"`
	Quantity   int              `json:"quantity,omitempty"`
	Available  bool             `json:"available"`
	Processing *ProcessingJSON  `json:"processing"`
	Ships      *WindowJSON      `json:"ships"`
	Delivery   *WindowJSON      `json:"delivery"`
	Cutoff     *CutoffJSON      `json:"cutoff"`
	Message    *message.Message `json:"message,omitempty"`
	ExpiresAt  time.Time        `json:"expires_at"`
	Stale      bool             `json:"stale"`
	Error      *ErrorBody       `json:"error,omitempty"` // cart lines only
}

// CartAnswer is the JSON answer for a cart: the product answer's shape for
// the cart as a whole, plus its lines.
type CartAnswer struct {
	Header
	Available bool             `json:"available"`
	Ships     *WindowJSON      `json:"ships"`
	Delivery  *WindowJSON      `json:"delivery"`
	Cutoff    *CutoffJSON      `json:"cutoff"`
	Message   *message.Message `json:"message"`
	ExpiresAt time.Time        `json:"expires_at"`
	Stale     bool             `json:"stale"`
	Lines     []*ProductAnswer `json:"lines"`
}

// ProcessingJSON says what processing time applied and why.
type ProcessingJSON struct {
	MinDays   int                `json:"min_days"`
	MaxDays   int                `json:"max_days"`
	Readiness delivery.Readiness `json:"readiness"`
	Source    delivery.Source    `json:"source"`
	Rule      string             `json:"rule,omitempty"`
	ShipsOn   *delivery.Date     `json:"ships_on,omitempty"`
	Backorder bool               `json:"backorder,omitempty"`
}

// WindowJSON is a span of civil dates, YYYY-MM-DD.
type WindowJSON struct {
	Earliest delivery.Date `json:"earliest"`
	Latest   delivery.Date `json:"latest"`
}

// CutoffJSON is the order cutoff of day0.
type CutoffJSON struct {
	At         time.Time `json:"at"`
	ShipsToday bool      `json:"ships_today"`
}

// ErrorBody is the body of every JSON error, and of a cart line's error.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func newProductAnswer(shop *delivery.Shop, a *delivery.Answer, locale string, msg message.Message) *ProductAnswer {
	// msg is the built-in text; the shop's own templates, if any, replace it.
	msg = message.Override(shop.Settings(), a, locale, msg)
	out := &ProductAnswer{
		Header:    newHeader(shop, a.QuotedAt, a.Route, locale),
		ProductID: a.ProductID, VariantID: a.VariantID, Available: a.Available,
		ExpiresAt: a.ExpiresAt, Message: &msg,
	}
	p := a.Processing
	out.Processing = &ProcessingJSON{
		MinDays: p.MinDays, MaxDays: p.MaxDays, Readiness: p.Readiness,
		Source: p.Source, Rule: p.Rule, Backorder: p.Backorder,
	}
	if p.ShipsOn != delivery.NoDate {
		out.Processing.ShipsOn = &p.ShipsOn
	}
	if a.Available {
		out.Ships = &WindowJSON{a.Ships.Earliest, a.Ships.Latest}
		out.Delivery = &WindowJSON{a.Delivery.Earliest, a.Delivery.Latest}
		out.Cutoff = &CutoffJSON{a.Cutoff.At, a.Cutoff.ShipsToday}
	}
	return out
}

func newCartAnswer(shop *delivery.Shop, c *delivery.Cart, locale string) *CartAnswer {
	msg := message.OverrideCart(shop.Settings(), c, locale, message.ForCart(c, locale))
	out := &CartAnswer{
		Header:    newHeader(shop, c.QuotedAt, c.Route, locale),
		Available: c.Available, ExpiresAt: c.ExpiresAt, Message: &msg,
		Lines: make([]*ProductAnswer, len(c.Lines)),
	}
	if c.Available {
		out.Ships = &WindowJSON{c.Ships.Earliest, c.Ships.Latest}
		out.Delivery = &WindowJSON{c.Delivery.Earliest, c.Delivery.Latest}
		out.Cutoff = &CutoffJSON{c.Cutoff.At, c.Cutoff.ShipsToday}
	}
	for i := range c.Lines {
		l := &c.Lines[i]
		if l.Err != nil {
			out.Lines[i] = &ProductAnswer{
				Header:    newHeader(shop, c.QuotedAt, c.Route, locale),
				ProductID: l.ProductID, VariantID: l.VariantID, Quantity: l.Quantity,
				ExpiresAt: c.ExpiresAt, Error: LineError(l.Err),
			}
			continue
		}
		line := newProductAnswer(shop, &l.Answer, locale, message.ForAnswer(&l.Answer, locale))
		line.Quantity = l.Quantity
		out.Lines[i] = line
	}
	return out
}

// Summary implements Answer.
func (a *ProductAnswer) Summary() Summary {
	return Summary{Available: a.Available, Message: a.Message, Cutoff: a.Cutoff, ExpiresAt: a.ExpiresAt, Stale: a.Stale}
}

// Summary implements Answer.
func (a *CartAnswer) Summary() Summary {
	return Summary{Available: a.Available, Message: a.Message, Cutoff: a.Cutoff, ExpiresAt: a.ExpiresAt, Stale: a.Stale}
}

// MarshalAnswer encodes an answer exactly as the HTTP API sends it: compact
// JSON, HTML-safe, with a final newline. `leadtime quote` prints the same
// bytes.
func MarshalAnswer(v Answer) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
