// Package preview is the admin page's live preview: what customers would
// be told if the settings on the page, saved or not, were live. It quotes
// with a Shop compiled from those settings and the server's own product
// loader (the catalog, or Shopify behind the cache), through a temporary
// promise.Engine, so the preview is the storefront's answer, not a second
// implementation. The HTTP handler (POST /admin/api/preview) is in package
// server; this package knows nothing of HTTP.
package preview

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
)

// Limits of the preview, which quotes every product in every locale, and a
// 14-day strip.
const (
	// MaxProducts bounds the sample products of one preview; without any,
	// the preview takes the first MaxProducts/2 of the catalog.
	MaxProducts = 20
	// MaxLocales bounds the locales a preview speaks.
	MaxLocales = 12
	// StripDays is the length of the strip.
	StripDays = 14
	// StripOrderHour is the hour, shop time, of the strip's orders.
	StripOrderHour = 10
)

// Request is the body of POST /admin/api/preview.
type Request struct {
	Settings json.RawMessage `json:"settings"`
	// At is "now" (or empty), RFC 3339, or a local date and time in the
	// shop's zone as a datetime-local input gives it: "2026-12-21T10:00".
	At string `json:"at"`
	// Products are handles or ids; none means the catalog's first products.
	Products []delivery.Ref `json:"products"`
	Country  string         `json:"country"`
	Method   string         `json:"method"`
	// StripProduct picks the product of the 14-day strip; default the first.
	StripProduct delivery.Ref `json:"strip_product"`
}

// Answer is the answer of POST /admin/api/preview.
type Answer struct {
	QuotedAt time.Time `json:"quoted_at"`
	Timezone string    `json:"timezone"`
	Country  string    `json:"country"`
	Zone     string    `json:"zone"`
	Method   string    `json:"method"`
	Locales  []string  `json:"locales"`
	Start    string    `json:"start"` // when processing starts, in words
	Products []Product `json:"products"`
	Strip    Strip     `json:"strip"`
	Rules    []Rule    `json:"rules"`
	Known    Known     `json:"known"`
}

// Product is one sample product: its answer in the shop's primary locale,
// its message in every enabled locale, and why it got what it got.
type Product struct {
	Ref      string                 `json:"ref"`
	Title    string                 `json:"title,omitempty"`
	Answer   *promise.ProductAnswer `json:"answer,omitempty"`
	Messages []Message              `json:"messages,omitempty"`
	Why      string                 `json:"why,omitempty"`
	Error    *promise.ErrorBody     `json:"error,omitempty"`
}

// Message is a product's message in one locale.
type Message struct {
	Locale    string       `json:"locale"`
	Kind      message.Kind `json:"kind"`
	Text      string       `json:"text"`
	Countdown string       `json:"countdown,omitempty"` // rendered at the preview's instant
}

// Rule is one rule with the products it matches.
type Rule struct {
	Index   int         `json:"index"`
	Name    string      `json:"name"`
	Matches []RuleMatch `json:"matches"`
}

// RuleMatch is one product a rule matches.
type RuleMatch struct {
	ID       int64  `json:"id"`
	Handle   string `json:"handle"`
	Title    string `json:"title,omitempty"`
	Variants int    `json:"variants"` // how many of its variants match
	Of       int    `json:"of"`       // of how many
}

// Known says which products rule matches were checked against: the whole
// offline catalog, or (with Shopify, which Leadtime reads one product at a
// time and never lists) only the preview's sample products.
type Known struct {
	Source string `json:"source"` // "catalog" or "samples"
	Count  int    `json:"count"`
}

// ErrBadParam is the kind of every error of the preview's own parameters
// (not the settings', which Compile reports): the caller's mistake.
var ErrBadParam = errors.New("bad preview parameter")

// ParamError is a bad parameter of the preview. It matches ErrBadParam.
type ParamError struct {
	Code    string // invalid_at, too_many_products or invalid_product
	Message string
}

func (e *ParamError) Error() string { return e.Message }

// Unwrap makes a ParamError match ErrBadParam.
func (e *ParamError) Unwrap() error { return ErrBadParam }

// ErrorCode is the error's code, for the HTTP layer's error body.
func (e *ParamError) ErrorCode() string { return e.Code }

// Preview answers req for shop, which is compiled from req.Settings, at
// now (the instant "now" means), loading products with products as the
// storefront does. Nothing is saved.
func Preview(ctx context.Context, shop *delivery.Shop, products promise.Products, req Request, now time.Time) (*Answer, error) {
	at, err := Instant(req.At, shop.Location(), now)
	if err != nil {
		return nil, err
	}
	dest := delivery.Destination{Country: strings.ToUpper(strings.TrimSpace(req.Country)), Method: strings.TrimSpace(req.Method)}
	route, err := shop.Route(dest)
	if err != nil {
		return nil, err
	}
	refs := req.Products
	if len(refs) == 0 {
		for _, p := range shop.Catalog() {
			if len(refs) == MaxProducts/2 {
				break
			}
			refs = append(refs, delivery.Ref(p.Handle))
		}
	}
	if len(refs) > MaxProducts {
		return nil, &ParamError{Code: "too_many_products", Message: "at most " + strconv.Itoa(MaxProducts) + " products in a preview"}
	}
	// The storefront's own engine, with the unsaved settings.
	engine := &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: products}
	locales := Locales(shop.Settings())
	out := &Answer{
		QuotedAt: at.In(shop.Location()), Timezone: shop.Location().String(),
		Country: route.Country, Zone: route.Zone, Method: route.Method, Locales: locales,
		Products: []Product{}, Rules: []Rule{},
	}
	var samples []*delivery.Product
	for _, ref := range refs {
		pp, p, err := sampleProduct(ctx, engine, shop, string(ref), dest, locales, at)
		if err != nil {
			return nil, err
		}
		out.Products = append(out.Products, pp)
		if p != nil {
			samples = append(samples, p)
		}
	}
	out.Start = startSentence(shop, at)

	stripFor := samples
	if req.StripProduct != "" {
		stripFor = nil
		id, handle := productRef(string(req.StripProduct))
		p, _, err := products.Product(ctx, shop, id, handle)
		if err != nil && !errors.Is(err, delivery.ErrUnknownProduct) {
			return nil, err
		}
		if p != nil {
			stripFor = []*delivery.Product{p}
		}
	}
	var stripProduct *delivery.Product
	if len(stripFor) > 0 {
		stripProduct = stripFor[0]
	}
	if out.Strip, err = fourteenDays(shop, stripProduct, route, at); err != nil {
		return nil, err
	}

	known := shop.Catalog()
	out.Known = Known{Source: "catalog", Count: len(known)}
	if len(known) == 0 {
		out.Known = Known{Source: "samples", Count: len(samples)}
		for _, p := range samples {
			known = append(known, *p)
		}
	}
	out.Rules = ruleMatches(shop, known)
	return out, nil
}

// Instant parses a preview's "at": "now" or empty (now), an RFC 3339
// instant, or a local date and time in loc.
func Instant(at string, loc *time.Location, now time.Time) (time.Time, error) {
	at = strings.TrimSpace(at)
	if at == "" || strings.EqualFold(at, "now") {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, at, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &ParamError{Code: "invalid_at", Message: "at " + strconv.Quote(echo.Short(at)) + ` is not "now", an RFC 3339 instant or a local date and time like 2026-12-21T10:00`}
}

// Locales are the locales a preview speaks: the shop's primary locale,
// every locale the shop overrides messages in, and English, at most
// MaxLocales.
func Locales(st *delivery.Settings) []string {
	primary := message.Resolve("", st.Locale)
	out := []string{primary}
	var others []string
	for locale := range st.Messages {
		if l := message.Resolve(locale, "en"); !slices.Contains(out, l) && !slices.Contains(others, l) {
			others = append(others, l)
		}
	}
	slices.Sort(others)
	out = append(out, others...)
	if !slices.Contains(out, "en") {
		out = append(out, "en")
	}
	if len(out) > MaxLocales {
		out = out[:MaxLocales]
	}
	return out
}

// productRef reads a handle or a numeric id.
func productRef(ref string) (id int64, handle string) {
	ref = strings.TrimSpace(ref)
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil && n > 0 {
		return n, ""
	}
	return 0, ref
}

// sampleProduct quotes one sample product in every locale. An unknown
// product is reported in the entry, not as an error of the preview.
func sampleProduct(ctx context.Context, engine *promise.Engine, shop *delivery.Shop, ref string, dest delivery.Destination, locales []string, at time.Time) (Product, *delivery.Product, error) {
	out := Product{Ref: ref}
	id, handle := productRef(ref)
	if id == 0 && handle == "" {
		return out, nil, &ParamError{Code: "invalid_product", Message: "a product is empty: give a handle or an id"}
	}
	for i, locale := range locales {
		a, err := engine.Product(ctx, promise.ProductRequest{Shop: shop.Domain(), ProductID: id, Handle: handle, Dest: dest, Locale: locale}, at)
		if errors.Is(err, delivery.ErrUnknownProduct) || errors.Is(err, delivery.ErrUnknownVariant) {
			out.Error = promise.LineError(err)
			return out, nil, nil
		}
		if err != nil {
			return out, nil, err
		}
		m := Message{Locale: locale}
		if a.Message != nil {
			m.Kind, m.Text = a.Message.Kind, a.Message.Text
			// A sold-out product has no cutoff, so nothing to count down to.
			if a.Cutoff != nil {
				if text, ok := a.Message.CountdownAt(a.Cutoff.At, at); ok {
					m.Countdown = text
				}
			}
		}
		out.Messages = append(out.Messages, m)
		if i == 0 {
			out.Answer = a
		}
	}
	p, _, err := engine.Products.Product(ctx, shop, id, handle)
	if err != nil {
		return out, nil, err
	}
	out.Title = p.Title
	out.Why = why(shop, p, out.Answer)
	return out, p, nil
}

// ruleMatches lists each rule with the known products it matches.
func ruleMatches(shop *delivery.Shop, known []delivery.Product) []Rule {
	rules := shop.Settings().Rules
	out := make([]Rule, len(rules))
	for i, r := range rules {
		out[i] = Rule{Index: i, Name: r.Name, Matches: []RuleMatch{}}
	}
	for i := range known {
		p := &known[i]
		for _, m := range shop.RulesMatching(p) {
			out[m.Index].Matches = append(out[m.Index].Matches, RuleMatch{
				ID: p.ID, Handle: p.Handle, Title: p.Title, Variants: len(m.Variants), Of: len(p.Variants),
			})
		}
	}
	return out
}
