// Package message says the promise in words: the text and HTML that a
// customer reads on the product page, in the cart and in emails.
package message

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// Message is a promise in words, as plain text and as escaped HTML.
type Message struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// ForAnswer says a product answer in the locale. Only English exists for
// now; every locale falls back to it.
func ForAnswer(a *delivery.Answer, locale string) Message {
	if !a.Available {
		return plain("Sold out")
	}
	return promise(a.Ships, a.Delivery, a.Today, a.Processing.ShipsOn, a.Cutoff.ShipsToday)
}

// ForCart says a cart answer in the locale.
func ForCart(c *delivery.Cart, locale string) Message {
	if !c.Available {
		return plain("Nothing in the cart can ship")
	}
	return promise(c.Ships, c.Delivery, c.Today, delivery.NoDate, c.Cutoff.ShipsToday)
}

func promise(ships, arrives delivery.Window, today, shipsOn delivery.Date, shipsToday bool) Message {
	var b strings.Builder
	switch {
	case shipsToday && ships.Earliest == today:
		b.WriteString("Ships today")
		if ships.Latest != today {
			b.WriteString(" or by " + dayName(ships.Latest, today))
		}
	case shipsOn != delivery.NoDate && shipsOn > today:
		b.WriteString("Pre-order · ships " + rangeText(ships, today))
	default:
		b.WriteString("Ships " + rangeText(ships, today))
	}
	b.WriteString(" · Arrives " + rangeText(arrives, today))
	return plain(b.String())
}

func plain(text string) Message {
	return Message{Text: text, HTML: `<span class="leadtime-message">` + html.EscapeString(text) + `</span>`}
}

// rangeText writes a window as "Dec 7–10", "Nov 30 – Dec 3" or, across
// years, "Dec 30, 2026 – Jan 4, 2027".
func rangeText(w delivery.Window, today delivery.Date) string {
	if w.Earliest == w.Latest {
		return dayName(w.Earliest, today)
	}
	y1, m1, d1 := w.Earliest.Civil()
	y2, m2, d2 := w.Latest.Civil()
	switch {
	case y1 == y2 && m1 == m2:
		return short(m1) + " " + strconv.Itoa(d1) + "–" + strconv.Itoa(d2) + yearSuffix(y1, today)
	case y1 == y2:
		return short(m1) + " " + strconv.Itoa(d1) + " – " + short(m2) + " " + strconv.Itoa(d2) + yearSuffix(y1, today)
	}
	return short(m1) + " " + strconv.Itoa(d1) + ", " + strconv.Itoa(y1) + " – " + short(m2) + " " + strconv.Itoa(d2) + ", " + strconv.Itoa(y2)
}

func dayName(d, today delivery.Date) string {
	switch d {
	case today:
		return "today"
	case today + 1:
		return "tomorrow"
	}
	_, m, day := d.Civil()
	return d.Weekday().String()[:3] + ", " + short(m) + " " + strconv.Itoa(day) + yearSuffix(d.Year(), today)
}

func yearSuffix(y int, today delivery.Date) string {
	if y == today.Year() || y == today.Year()+1 && today.AddDays(183).Year() == y {
		return ""
	}
	return ", " + strconv.Itoa(y)
}

func short(m time.Month) string { return m.String()[:3] }
