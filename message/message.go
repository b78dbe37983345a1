// Package message says the promise in words: the text and HTML that a
// customer reads on the product page, in the cart and in emails, in the
// shop's languages (DESIGN §2, issue 3).
//
// Built-in texts exist for en, en-GB, sv, de, fr, es, nl, da, nb and fi,
// with CLDR plurals and localized dates. A merchant can override any kind
// of message per locale with a Liquid template (Settings.Messages), which
// package liquidsandbox checks and renders; see Variables for what a
// template can use.
//
// Every text is computed from an answer and the shop's civil date
// (Answer.Today): nothing here reads a clock.
package message

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// Kind says what a message is for. A merchant overrides messages by kind.
type Kind string

// The kinds of message. ForAnswer and ForCart choose among product, cart,
// preorder, backorder and unavailable; email is for order emails (Email);
// countdown is the line that counts down to the cutoff (Message.Countdown).
const (
	KindProduct     Kind = "product"
	KindCart        Kind = "cart"
	KindEmail       Kind = "email"
	KindCountdown   Kind = "countdown"
	KindPreorder    Kind = "preorder"
	KindBackorder   Kind = "backorder"
	KindUnavailable Kind = "unavailable"
)

// Kinds lists every kind, as Settings.Messages may name them.
func Kinds() []Kind {
	return []Kind{KindProduct, KindCart, KindEmail, KindCountdown, KindPreorder, KindBackorder, KindUnavailable}
}

// Message is a promise in words. It is part of the JSON answer, which is
// cached until the answer's expires_at; so it never holds a live remaining
// time, only the countdown's pattern.
type Message struct {
	// Kind is the kind of message Text says.
	Kind Kind `json:"kind"`
	// Text is the message as plain text; show it with textContent.
	Text string `json:"text"`
	// HTML is Text escaped, in a <span class="leadtime-message">.
	HTML string `json:"html"`
	// Countdown is present only when the order can still ship today
	// (cutoff.ships_today): a sentence with a "{remaining}" placeholder,
	// such as "Order within {remaining} to ship today". A client fills it
	// from cutoff.at, using Remaining, and hides it once the cutoff passes.
	Countdown string `json:"countdown,omitempty"`
	// Remaining says how to write the time left in Countdown; present with
	// Countdown.
	Remaining *Durations `json:"remaining,omitempty"`
}

// Durations are the patterns of a remaining time: Hours with {h} and {m}
// ("{h} h {m} min", "{h} tim {m} min", "{h} Std. {m} Min."), Minutes with
// {m} for less than an hour.
type Durations struct {
	Hours   string `json:"hours"`
	Minutes string `json:"minutes"`
}

// Format writes a duration of whole minutes: "3 h 12 min", "45 min". Less
// than a minute reads "1 min".
func (d Durations) Format(minutes int) string {
	minutes = max(minutes, 1)
	h, m := minutes/60, minutes%60
	if h == 0 {
		return strings.ReplaceAll(d.Minutes, "{m}", strconv.Itoa(m))
	}
	return strings.NewReplacer("{h}", strconv.Itoa(h), "{m}", strconv.Itoa(m)).Replace(d.Hours)
}

// CountdownAt renders the countdown for the instant now, given the cutoff
// it counts down to (cutoff.at): "Order within 3 h 12 min to ship today".
// It gives false when the message has no countdown or the cutoff has
// passed. Minutes are rounded down, so that "within" stays true. It is for
// previews, emails and tests; storefronts fill the pattern client-side.
func (m Message) CountdownAt(cutoff, now time.Time) (string, bool) {
	if m.Countdown == "" || m.Remaining == nil || !now.Before(cutoff) {
		return "", false
	}
	left := int(cutoff.Sub(now) / time.Minute)
	return strings.ReplaceAll(m.Countdown, "{remaining}", m.Remaining.Format(left)), true
}

// subject is what a message speaks about: a product answer or a cart,
// reduced to what the words need.
type subject struct {
	cart       bool
	available  bool
	today      delivery.Date
	ships      delivery.Window
	delivery   delivery.Window
	minDays    int
	maxDays    int
	readiness  delivery.Readiness
	backorder  bool
	shipsOn    delivery.Date
	cutoffAt   time.Time
	shipsToday bool
	country    string
	method     string // the method's name, else its code
}

// pair says the ships window holds exactly its two ends: consecutive
// processing days, as a product's min and max one day apart give.
func (s *subject) pair() bool { return !s.cart && s.maxDays-s.minDays == 1 }

func answerSubject(a *delivery.Answer) subject {
	p := a.Processing
	return subject{
		available: a.Available, today: a.Today, ships: a.Ships, delivery: a.Delivery,
		minDays: p.MinDays, maxDays: p.MaxDays, readiness: p.Readiness, backorder: p.Backorder,
		shipsOn: p.ShipsOn, cutoffAt: a.Cutoff.At, shipsToday: a.Cutoff.ShipsToday,
		country: a.Route.Country, method: methodName(a.Route),
	}
}

// cartSubject sums a cart up: it ships together, so its processing is that
// of its slowest available line, and it is made to order, on backorder or
// a pre-order if any available line is.
func cartSubject(c *delivery.Cart) subject {
	s := subject{
		cart: true, available: c.Available, today: c.Today, ships: c.Ships, delivery: c.Delivery,
		shipsOn: delivery.NoDate, cutoffAt: c.Cutoff.At, shipsToday: c.Cutoff.ShipsToday,
		country: c.Route.Country, method: methodName(c.Route), readiness: delivery.ReadyToShip,
	}
	for i := range c.Lines {
		l := &c.Lines[i]
		if l.Err != nil || !l.Available {
			continue
		}
		p := l.Processing
		s.minDays, s.maxDays = max(s.minDays, p.MinDays), max(s.maxDays, p.MaxDays)
		s.backorder = s.backorder || p.Backorder
		if p.Readiness == delivery.MadeToOrder {
			s.readiness = delivery.MadeToOrder
		}
		if p.ShipsOn != delivery.NoDate && p.ShipsOn > s.shipsOn {
			s.shipsOn = p.ShipsOn
		}
	}
	return s
}

func methodName(r delivery.Route) string {
	if r.MethodName != "" {
		return r.MethodName
	}
	return r.Method
}

// kind chooses the message for a subject (issue 3): unavailable when it
// cannot be sold; for a product, preorder while its ships_on date is still
// ahead, else backorder when it waits for stock, else product; for a cart,
// cart.
func (s *subject) kind() Kind {
	switch {
	case !s.available:
		return KindUnavailable
	case s.cart:
		return KindCart
	case s.shipsOn != delivery.NoDate && s.shipsOn > s.today:
		return KindPreorder
	case s.backorder:
		return KindBackorder
	}
	return KindProduct
}

// KindOf returns the kind of message ForAnswer says for a.
func KindOf(a *delivery.Answer) Kind {
	s := answerSubject(a)
	return s.kind()
}

// ForAnswer says a product answer in locale with the built-in texts. The
// locale falls back as Resolve does.
func ForAnswer(a *delivery.Answer, locale string) Message {
	s := answerSubject(a)
	return builtin(langOf(locale), s.kind(), &s)
}

// ForCart says a cart answer in locale with the built-in texts.
func ForCart(c *delivery.Cart, locale string) Message {
	s := cartSubject(c)
	return builtin(langOf(locale), s.kind(), &s)
}

// Email says a product answer for an order email: with dates only, never
// "today" or "tomorrow" (an email is read later), and without a countdown.
// The shop's own email template, if any, is used.
func Email(st *delivery.Settings, a *delivery.Answer, locale string) Message {
	s := answerSubject(a)
	return sayEmail(st, locale, &s)
}

// EmailCart is Email for a cart, as an order confirmation says it.
func EmailCart(st *delivery.Settings, c *delivery.Cart, locale string) Message {
	s := cartSubject(c)
	return sayEmail(st, locale, &s)
}

func sayEmail(st *delivery.Settings, locale string, s *subject) Message {
	l := langOf(locale)
	kind := KindEmail
	if !s.available {
		kind = KindUnavailable
	}
	return customize(st, l, s, builtin(l, kind, s))
}

// Override returns the message for a with the shop's own templates
// (Settings.Messages) applied to builtin, which must be ForAnswer(a,
// locale): the template for builtin's kind replaces its text, and a
// countdown template its countdown. A template that fails leaves the
// built-in text, and the failure is logged once; a storefront request
// never fails because of a template.
func Override(st *delivery.Settings, a *delivery.Answer, locale string, builtin Message) Message {
	if st == nil || len(st.Messages) == 0 {
		return builtin
	}
	s := answerSubject(a)
	return customize(st, langOf(locale), &s, builtin)
}

// OverrideCart is Override for a cart; builtin must be ForCart(c, locale).
func OverrideCart(st *delivery.Settings, c *delivery.Cart, locale string, builtin Message) Message {
	if st == nil || len(st.Messages) == 0 {
		return builtin
	}
	s := cartSubject(c)
	return customize(st, langOf(locale), &s, builtin)
}

// builtin says s as kind in l with the built-in texts.
func builtin(l *lang, kind Kind, s *subject) Message {
	var text string
	switch kind {
	case KindUnavailable:
		text = l.soldOut
		if s.cart {
			text = l.cartUnavailable
		}
	case KindEmail:
		text = fmt.Sprintf(l.email, l.emailWindow(s.ships, s.today), l.emailWindow(s.delivery, s.today))
	case KindPreorder:
		from := l.from(l.date(s.ships.Earliest, needsYear(s.ships.Earliest, s.today)))
		text = fmt.Sprintf(l.preorder, from, l.window(s.delivery, s.today, true, false))
	case KindBackorder:
		text = fmt.Sprintf(l.backorder, l.window(s.ships, s.today, true, s.pair()), l.window(s.delivery, s.today, true, false))
	case KindCart:
		text = fmt.Sprintf(l.cart, l.window(s.ships, s.today, true, false), l.window(s.delivery, s.today, true, false))
	default:
		kind = KindProduct
		text = fmt.Sprintf(l.product, l.window(s.ships, s.today, true, s.pair()), l.window(s.delivery, s.today, true, false))
	}
	// A sentence that ends on an abbreviation ends on its period: "déc.",
	// not "déc..".
	if strings.HasSuffix(text, "..") {
		text = text[:len(text)-1]
	}
	m := newMessage(l, kind, text)
	if kind != KindEmail && s.canCountDown() {
		m.Countdown = l.countdown
		m.Remaining = &Durations{Hours: l.hoursMinutes, Minutes: l.minutesOnly}
	}
	return m
}

// canCountDown reports whether a countdown may be shown: only when the
// order ships today if placed before the cutoff (DESIGN §3 step 6). A
// countdown that cannot come true is never shown.
func (s *subject) canCountDown() bool {
	return s.available && s.shipsToday && !s.cutoffAt.IsZero()
}

func newMessage(l *lang, kind Kind, text string) Message {
	return Message{Kind: kind, Text: text, HTML: messageHTML(l.tag, kind, text)}
}

// messageHTML wraps escaped text in a span that names the kind and the
// language, for styling and for screen readers.
func messageHTML(tag string, kind Kind, text string) string {
	return `<span class="leadtime-message leadtime-message--` + string(kind) + `" lang="` + tag + `">` +
		html.EscapeString(text) + `</span>`
}
