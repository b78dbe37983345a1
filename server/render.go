package server

import (
	"bytes"
	"html"
	"strings"
)

// renderHTML writes an answer as an HTML fragment. Every piece of text is
// computed or merchant-written, and escaped.
func renderHTML(answer any) []byte {
	var b bytes.Buffer
	available, msgHTML := "false", ""
	switch a := answer.(type) {
	case *ProductAnswer:
		if a.Available {
			available = "true"
		}
		if a.Message != nil {
			msgHTML = a.Message.HTML
		}
	case *CartAnswer:
		if a.Available {
			available = "true"
		}
		if a.Message != nil {
			msgHTML = a.Message.HTML
		}
	}
	b.WriteString(`<div class="leadtime-promise" data-available="` + html.EscapeString(available) + `">`)
	b.WriteString(msgHTML)
	b.WriteString("</div>\n")
	return b.Bytes()
}

// liquidNeutral makes text inert as Liquid: Shopify renders an
// application/liquid answer, so no "{{" or "{%" may reach it. HTML
// entities read the same to the customer.
var liquidNeutral = strings.NewReplacer("{", "&#123;", "}", "&#125;")

// renderLiquid writes an answer for Shopify to render inside the theme. It
// carries no byte of the request: only computed values, neutralised.
func renderLiquid(answer any) []byte {
	return []byte("{% layout none %}\n" + liquidNeutral.Replace(string(renderHTML(answer))))
}
