package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
)

// The live preview (POST /admin/api/preview): what customers would be told
// if the settings on the page, saved or not, were live. It quotes with a
// Shop compiled from those settings and the server's own product loader
// (the catalog, or Shopify behind the cache), through a temporary Engine,
// so the preview is the storefront's answer, not a second implementation.

// previewRequest is the body of POST /admin/api/preview.
type previewRequest struct {
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

// previewAnswer is the answer of POST /admin/api/preview.
type previewAnswer struct {
	QuotedAt time.Time        `json:"quoted_at"`
	Timezone string           `json:"timezone"`
	Country  string           `json:"country"`
	Zone     string           `json:"zone"`
	Method   string           `json:"method"`
	Locales  []string         `json:"locales"`
	Start    string           `json:"start"` // when processing starts, in words
	Products []previewProduct `json:"products"`
	Strip    previewStrip     `json:"strip"`
	Rules    []previewRule    `json:"rules"`
	Known    previewKnown     `json:"known"`
}

// previewProduct is one sample product: its answer in the shop's primary
// locale, its message in every enabled locale, and why it got what it got.
type previewProduct struct {
	Ref      string                 `json:"ref"`
	Title    string                 `json:"title,omitempty"`
	Answer   *promise.ProductAnswer `json:"answer,omitempty"`
	Messages []previewMessage       `json:"messages,omitempty"`
	Why      string                 `json:"why,omitempty"`
	Error    *promise.ErrorBody     `json:"error,omitempty"`
}

// previewMessage is a product's message in one locale.
type previewMessage struct {
	Locale    string       `json:"locale"`
	Kind      message.Kind `json:"kind"`
	Text      string       `json:"text"`
	Countdown string       `json:"countdown,omitempty"` // rendered at the preview's instant
}

// previewStrip is the 14-day strip: for each day from the preview's date,
// the dates an order placed at 10:00 that day would get.
type previewStrip struct {
	Product string     `json:"product"`
	Title   string     `json:"title,omitempty"`
	Days    []stripDay `json:"days"`
}

// stripDay is one day of the strip.
type stripDay struct {
	Date     delivery.Date       `json:"date"`
	Weekday  string              `json:"weekday"`
	OrderAt  time.Time           `json:"order_at"`
	Open     bool                `json:"open"`             // a processing day
	Closed   string              `json:"closed,omitempty"` // weekend | holiday | closure
	Reason   string              `json:"reason,omitempty"` // the holiday's name or the closure's label
	Ships    *promise.WindowJSON `json:"ships"`
	Delivery *promise.WindowJSON `json:"delivery"`
	Starts   *delivery.Date      `json:"starts,omitempty"` // day0: the day processing starts
}

// previewRule is one rule with the products it matches.
type previewRule struct {
	Index   int             `json:"index"`
	Name    string          `json:"name"`
	Matches []previewRefOut `json:"matches"`
}

type previewRefOut struct {
	ID       int64  `json:"id"`
	Handle   string `json:"handle"`
	Title    string `json:"title,omitempty"`
	Variants int    `json:"variants"` // how many of its variants match
	Of       int    `json:"of"`       // of how many
}

// previewKnown says which products rule matches were checked against: the
// whole offline catalog, or (with Shopify, which Leadtime reads one product
// at a time and never lists) only the preview's sample products.
type previewKnown struct {
	Source string `json:"source"` // "catalog" or "samples"
	Count  int    `json:"count"`
}

// handleAdminPreview handles "POST /admin/api/preview". Invalid settings
// are a 422 with every problem by path, so the page also uses it to
// validate as the merchant types.
func (s *Server) handleAdminPreview() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, shop := c.Request.Context(), c.GetString(adminShopKey)
		body, err := readAdminBody(c)
		if err != nil {
			WriteError(c, err)
			return
		}
		var req previewRequest
		if err := json.Unmarshal(body, &req); err != nil {
			WriteError(c, BadParam("invalid_body", "the preview body is not valid JSON: %v", err))
			return
		}
		if len(req.Settings) == 0 || string(req.Settings) == "null" {
			WriteError(c, BadParam("invalid_body", `send {"settings": {...}, "at": "now", "products": [...]}`))
			return
		}
		compiled, _, err := compileDocument(req.Settings, shop)
		if err != nil {
			writeAdminError(c, err)
			return
		}
		answer, err := s.preview(ctx, compiled, req)
		if err != nil {
			WriteError(c, err)
			return
		}
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, answer)
	}
}

func (s *Server) preview(ctx context.Context, shop *delivery.Shop, req previewRequest) (*previewAnswer, error) {
	at, err := previewInstant(req.At, shop.Location(), s.now())
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
			if len(refs) == maxPreviewProducts/2 {
				break
			}
			refs = append(refs, delivery.Ref(p.Handle))
		}
	}
	if len(refs) > maxPreviewProducts {
		return nil, BadParam("too_many_products", "at most %d products in a preview", maxPreviewProducts)
	}
	// The storefront's own engine, with the unsaved settings.
	engine := &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: s.engine.Products}
	locales := previewLocales(shop.Settings())
	out := &previewAnswer{
		QuotedAt: at.In(shop.Location()), Timezone: shop.Location().String(),
		Country: route.Country, Zone: route.Zone, Method: route.Method, Locales: locales,
		Products: []previewProduct{}, Rules: []previewRule{},
	}
	var samples []*delivery.Product
	for _, ref := range refs {
		pp, p, err := s.previewProduct(ctx, engine, shop, string(ref), dest, locales, at)
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
		p, _, err := s.engine.Products.Product(ctx, shop, id, handle)
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
	out.Known = previewKnown{Source: "catalog", Count: len(known)}
	if len(known) == 0 {
		out.Known = previewKnown{Source: "samples", Count: len(samples)}
		for _, p := range samples {
			known = append(known, *p)
		}
	}
	out.Rules = ruleMatches(shop, known)
	return out, nil
}

// previewInstant parses the preview's "at".
func previewInstant(at string, loc *time.Location, now time.Time) (time.Time, error) {
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
	return time.Time{}, BadParam("invalid_at", "at %q is not \"now\", an RFC 3339 instant or a local date and time like 2026-12-21T10:00", Truncate(at))
}

// previewLocales are the locales a preview speaks: the shop's primary
// locale, every locale the shop overrides messages in, and English.
func previewLocales(st *delivery.Settings) []string {
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
	if len(out) > maxPreviewLocales {
		out = out[:maxPreviewLocales]
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

// previewProduct quotes one sample product in every locale. An unknown
// product is reported in the entry, not as an error of the preview.
func (s *Server) previewProduct(ctx context.Context, engine *promise.Engine, shop *delivery.Shop, ref string, dest delivery.Destination, locales []string, at time.Time) (previewProduct, *delivery.Product, error) {
	out := previewProduct{Ref: ref}
	id, handle := productRef(ref)
	if id == 0 && handle == "" {
		return out, nil, BadParam("invalid_product", "a product is empty: give a handle or an id")
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
		m := previewMessage{Locale: locale}
		if a.Message != nil {
			m.Kind, m.Text = a.Message.Kind, a.Message.Text
			if text, ok := a.Message.CountdownAt(a.Cutoff.At, at); ok {
				m.Countdown = text
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

// why says in a sentence which processing time applied to a and why
// (DESIGN §3, "Which processing time applies").
func why(shop *delivery.Shop, p *delivery.Product, a *promise.ProductAnswer) string {
	if a == nil || a.Processing == nil {
		return ""
	}
	st := shop.Settings()
	pr := a.Processing
	var b strings.Builder
	span := daysPhrase(pr.MinDays, pr.MaxDays)
	if pr.Backorder {
		span = daysPhrase(pr.MinDays-backorderOf(st).Min, pr.MaxDays-backorderOf(st).Max)
	}
	switch pr.Source {
	case delivery.SourceVariantMetafield:
		fmt.Fprintf(&b, "This variant sets its own processing time, %s, in its leadtime metafields; a metafield wins over every rule.", span)
	case delivery.SourceProductMetafield:
		fmt.Fprintf(&b, "The product sets its own processing time, %s, in its leadtime metafields; a metafield wins over every rule.", span)
	case delivery.SourceRule:
		fmt.Fprintf(&b, "Rule “%s” applies: %s", pr.Rule, span)
		if r := ruleNamed(st, pr.Rule); r != nil {
			fmt.Fprintf(&b, ", because the product matches %s.", matchWords(r.Match))
		} else {
			b.WriteString(".")
		}
		var also []string
		for _, m := range shop.RulesMatching(p) {
			if name := st.Rules[m.Index].Name; name != pr.Rule && st.Rules[m.Index].Processing != nil {
				also = append(also, "“"+name+"”")
			}
		}
		if len(also) > 0 {
			fmt.Fprintf(&b, " %s match%s too, but a more specific rule (variant, product, collection, tag, vendor, then type) or the one higher in the list wins.",
				strings.Join(also, ", "), map[bool]string{true: "es", false: ""}[len(also) == 1])
		}
	default:
		fmt.Fprintf(&b, "No metafield or rule sets a processing time for this product, so the shop's default applies: %s.", span)
	}
	if pr.Backorder {
		bo := backorderOf(st)
		fmt.Fprintf(&b, " It is out of stock but sold on backorder, so the backorder time (%s) is added: %s in all.", daysPhrase(bo.Min, bo.Max), daysPhrase(pr.MinDays, pr.MaxDays))
	}
	if pr.ShipsOn != nil {
		fmt.Fprintf(&b, " It is a pre-order: nothing ships before %s.", pr.ShipsOn)
	}
	if !a.Available {
		b.WriteString(" It is sold out and not sold on backorder, so customers see no dates.")
	}
	return b.String()
}

func backorderOf(st *delivery.Settings) delivery.Days {
	if st.Backorder != nil {
		return *st.Backorder
	}
	return delivery.Days{}
}

func daysPhrase(lo, hi int) string {
	switch {
	case lo == hi && lo == 1:
		return "1 processing day"
	case lo == hi:
		return fmt.Sprintf("%d processing days", lo)
	default:
		return fmt.Sprintf("%d–%d processing days", lo, hi)
	}
}

func ruleNamed(st *delivery.Settings, name string) *delivery.Rule {
	for i := range st.Rules {
		if st.Rules[i].Name == name {
			return &st.Rules[i]
		}
	}
	return nil
}

// matchWords says a rule's match: "tag “handmade” and vendor “Lera”".
func matchWords(m delivery.Match) string {
	var parts []string
	for _, k := range []struct {
		one, many string
		values    []delivery.Ref
	}{
		{"variant", "variants", m.Variants}, {"product", "products", m.Products},
		{"collection", "collections", m.Collections}, {"tag", "tags", m.Tags},
		{"vendor", "vendors", m.Vendors}, {"product type", "product types", m.ProductTypes},
	} {
		if len(k.values) == 0 {
			continue
		}
		quoted := make([]string, len(k.values))
		for i, v := range k.values {
			quoted[i] = "“" + string(v) + "”"
		}
		if len(quoted) == 1 {
			parts = append(parts, k.one+" "+quoted[0])
		} else {
			parts = append(parts, "one of the "+k.many+" "+strings.Join(quoted, ", "))
		}
	}
	return strings.Join(parts, " and ")
}

// dayCalendar says which days are processing days, and why the others
// are not, from the settings (DESIGN §3: a processing day is a weekday in
// processing_days that is not a holiday of any calendar in holidays and not
// in a closure).
type dayCalendar struct {
	weekdays [7]bool
	holidays map[delivery.Date]string
	closures []delivery.Closure
}

func newDayCalendar(st *delivery.Settings, from, to delivery.Date) *dayCalendar {
	dc := &dayCalendar{holidays: map[delivery.Date]string{}, closures: st.Closures}
	days := st.ProcessingDays
	if days == nil {
		days = []string{"mon", "tue", "wed", "thu", "fri"}
	}
	for _, d := range days {
		for i, wd := range []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
			if strings.EqualFold(d, wd) {
				dc.weekdays[i] = true
			}
		}
	}
	codes := st.Holidays
	if codes == nil && delivery.KnownCalendar(st.Country) {
		codes = []string{st.Country}
	}
	for _, h := range upcomingHolidays(codes, from, to) {
		if name, ok := dc.holidays[h.Date]; ok && !strings.Contains(name, h.Name) {
			dc.holidays[h.Date] = name + " / " + h.Name
		} else if !ok {
			dc.holidays[h.Date] = h.Name
		}
	}
	return dc
}

// status says whether d is a processing day, and if not why.
func (dc *dayCalendar) status(d delivery.Date) (open bool, closed, reason string) {
	for _, c := range dc.closures {
		if d >= c.From && d <= c.To {
			label := c.Label
			if label == "" {
				label = "Closed"
			}
			return false, "closure", label
		}
	}
	if name, ok := dc.holidays[d]; ok {
		return false, "holiday", name
	}
	if !dc.weekdays[d.Weekday()] {
		return false, "weekend", "Not a processing day"
	}
	return true, "", ""
}

// startSentence says when processing of an order placed at the instant
// starts, and why (DESIGN §3 step 1).
func startSentence(shop *delivery.Shop, at time.Time) string {
	loc := shop.Location()
	local := at.In(loc)
	today := delivery.DateIn(at, loc)
	probe := &delivery.Product{Variants: []delivery.Variant{{}}}
	r, err := shop.Route(delivery.Destination{})
	if err != nil {
		return ""
	}
	a, err := shop.QuoteRoute(delivery.Item{Product: probe}, r, at)
	if err != nil || a.Cutoff.At.IsZero() {
		return ""
	}
	day0 := delivery.DateIn(a.Cutoff.At, loc)
	when := local.Format("Mon 2 Jan 2006 at 15:04")
	cutoff := a.Cutoff.At.Format("15:04")
	if day0 == today {
		return fmt.Sprintf("An order placed %s (shop time) is before today's cutoff (%s), so processing starts today.", when, cutoff)
	}
	start := day0.At(0, 0, loc).Format("Mon 2 Jan")
	dc := newDayCalendar(shop.Settings(), today, today)
	switch open, closed, reason := dc.status(today); {
	case open:
	case closed == "holiday":
		return fmt.Sprintf("An order placed %s (shop time) waits: today is a holiday (%s), so processing starts %s.", when, reason, start)
	case closed == "closure":
		return fmt.Sprintf("An order placed %s (shop time) waits: the shop is closed today (%s), so processing starts %s.", when, reason, start)
	default:
		return fmt.Sprintf("An order placed %s (shop time) waits: %s is not a processing day, so processing starts %s.", when, local.Format("Monday"), start)
	}
	return fmt.Sprintf("An order placed %s (shop time) is after today's cutoff, so processing starts on the next processing day, %s.", when, start)
}

// fourteenDays builds the strip: for each of the 14 days from the
// preview's date, the dates of an order placed at 10:00 shop time, with
// the days that are not processing days marked.
func fourteenDays(shop *delivery.Shop, p *delivery.Product, route delivery.Route, at time.Time) (previewStrip, error) {
	loc := shop.Location()
	today := delivery.DateIn(at, loc)
	strip := previewStrip{Days: make([]stripDay, 0, stripDays)}
	if p == nil {
		p = promise.StandIn(0, "", 0) // no data: the shop's default processing time
		strip.Title = "A product without processing time of its own"
	} else {
		strip.Product, strip.Title = p.Handle, p.Title
	}
	dc := newDayCalendar(shop.Settings(), today, today.AddDays(stripDays))
	for i := range stripDays {
		d := today.AddDays(i)
		orderAt := d.At(stripOrderHour, 0, loc)
		a, err := shop.QuoteRoute(delivery.Item{Product: p}, route, orderAt)
		if err != nil {
			return strip, err
		}
		day := stripDay{Date: d, Weekday: d.Weekday().String(), OrderAt: orderAt}
		day.Open, day.Closed, day.Reason = dc.status(d)
		if a.Available {
			day.Ships = &promise.WindowJSON{Earliest: a.Ships.Earliest, Latest: a.Ships.Latest}
			day.Delivery = &promise.WindowJSON{Earliest: a.Delivery.Earliest, Latest: a.Delivery.Latest}
			day0 := delivery.DateIn(a.Cutoff.At, loc)
			day.Starts = &day0
		}
		strip.Days = append(strip.Days, day)
	}
	return strip, nil
}

// ruleMatches lists each rule with the known products it matches.
func ruleMatches(shop *delivery.Shop, known []delivery.Product) []previewRule {
	rules := shop.Settings().Rules
	out := make([]previewRule, len(rules))
	for i, r := range rules {
		out[i] = previewRule{Index: i, Name: r.Name, Matches: []previewRefOut{}}
	}
	for i := range known {
		p := &known[i]
		for _, m := range shop.RulesMatching(p) {
			out[m.Index].Matches = append(out[m.Index].Matches, previewRefOut{
				ID: p.ID, Handle: p.Handle, Title: p.Title, Variants: len(m.Variants), Of: len(p.Variants),
			})
		}
	}
	return out
}
