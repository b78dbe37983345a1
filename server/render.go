package server

import (
	"bytes"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/promise"
)

// renderHTML writes an answer as an HTML fragment (format=html):
//
//	<div class="leadtime-promise" data-available="true"><span class="leadtime-message
//	leadtime-message--product" lang="sv">Skickas 7–10 dec · Levereras 8–15 dec</span></div>
//
// When the order can still ship today it also carries the countdown, as a
// hidden element for a script to fill and show: the fragment is cached
// until expires_at, so it holds the cutoff instant and the pattern, never a
// remaining time. Every piece of text is computed or merchant-written, and
// escaped; nothing comes from the request.
func renderHTML(answer promise.Answer) []byte {
	sum := answer.Summary()
	available, msg, cutoff := sum.Available, sum.Message, sum.Cutoff
	var b bytes.Buffer
	b.WriteString(`<div class="leadtime-promise" data-available="` + strconv.FormatBool(available) + `">`)
	if msg != nil {
		b.WriteString(msg.HTML)
		if msg.Countdown != "" && msg.Remaining != nil && cutoff != nil {
			b.WriteString(`<span class="leadtime-countdown" data-cutoff="` + cutoff.At.Format(time.RFC3339) +
				`" data-countdown="` + html.EscapeString(msg.Countdown) +
				`" data-hours="` + html.EscapeString(msg.Remaining.Hours) +
				`" data-minutes="` + html.EscapeString(msg.Remaining.Minutes) + `" hidden></span>`)
		}
	}
	b.WriteString("</div>\n")
	return b.Bytes()
}

// liquidNeutral makes text inert as Liquid: Shopify renders an
// application/liquid answer, so no "{{" or "{%" may reach it, whatever a
// merchant wrote. HTML entities read the same to the customer, in text and
// in attribute values alike.
var liquidNeutral = strings.NewReplacer("{", "&#123;", "}", "&#125;")

// renderLiquid writes an answer for Shopify to render in the theme
// (format=liquid): the HTML fragment, neutralised, without the theme's
// layout. It carries no byte of the request: only computed values.
func renderLiquid(answer promise.Answer) []byte {
	return []byte("{% layout none %}\n" + liquidNeutral.Replace(string(renderHTML(answer))))
}
