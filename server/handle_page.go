package server

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
)

// handleShippingPage handles "GET /proxy/": the storefront page "Shipping &
// processing times" (DESIGN §4), built from the shop's settings on the
// shop's date: processing days and cutoffs, typical processing per rule,
// transit times by zone and method, and the coming year's holidays and
// closures. It is application/liquid without "{% layout none %}", so that
// Shopify renders it inside the theme's layout, like any page of the shop.
// It takes shop and locale; nothing else of the request reaches the page.
func (s *Server) handleShippingPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		domain, err := s.shopParam(q)
		if err != nil {
			WriteError(c, err)
			return
		}
		requested := q.Get("locale")
		if requested != "" && !localeRE.MatchString(requested) {
			WriteError(c, BadParam("invalid_locale", "locale %q is not a locale such as sv or pt-BR", echo.Short(requested)))
			return
		}
		shop, err := s.engine.Shops.Shop(c.Request.Context(), domain)
		if err != nil {
			WriteError(c, err)
			return
		}
		now := s.now()
		today := delivery.DateIn(now, shop.Location())
		page := message.ShippingPageFor(shop.Settings(), today, promise.ResolveLocale(shop, requested))
		body := renderShippingPage(&page)
		sum := sha256.Sum256(body)
		// Not stored in the answer cache: the page is cheap and rarely
		// asked for. It changes at the shop's midnight at the latest.
		writeCached(c, &answercache.Answer{
			Body: body, ContentType: "application/liquid; charset=utf-8",
			ETag:      `"` + hex.EncodeToString(sum[:12]) + `"`,
			ExpiresAt: today.AddDays(1).At(0, 0, shop.Location()),
		}, now)
	}
}

// pageStyle is scoped to .leadtime-page and uses the theme's own colours
// where it has them (Dawn's --color-foreground), so the page looks like the
// theme's own pages. It has no "{{" or "{%": Shopify renders the page as
// Liquid.
const pageStyle = `<style>
.leadtime-page{padding-top:2.5em;padding-bottom:3em;line-height:1.6}
.leadtime-page h1{margin:0 0 1em;overflow-wrap:break-word;hyphens:auto}
.leadtime-page h2{margin:2.2em 0 .6em}
.leadtime-page p{margin:0 0 .8em;max-width:65ch}
.leadtime-page .leadtime-page__note{font-size:.9em;opacity:.75}
.leadtime-page__table{overflow-x:auto;margin:0 0 1em}
.leadtime-page table{width:100%;border-collapse:collapse;table-layout:auto;margin:0;border:0}
.leadtime-page th,.leadtime-page td{text-align:left;vertical-align:top;padding:.6em 1em .6em 0;border:0;border-bottom:1px solid rgba(var(--color-foreground,18,18,18),.12)}
.leadtime-page thead th{font-weight:600;border-bottom:2px solid rgba(var(--color-foreground,18,18,18),.25)}
.leadtime-page tbody th{font-weight:600}
.leadtime-page small{display:block;font-size:.85em;font-weight:400;opacity:.7}
.leadtime-page ul{list-style:none;margin:0 0 1em;padding:0}
.leadtime-page li{display:flex;gap:1.5em;margin:0;padding:.5em 0;border-bottom:1px solid rgba(var(--color-foreground,18,18,18),.08)}
.leadtime-page li time{flex:0 0 11em;font-variant-numeric:tabular-nums}
@media screen and (min-width:750px){.leadtime-page .leadtime-page__days{white-space:nowrap}}
@media screen and (max-width:749px){.leadtime-page th,.leadtime-page td{padding-right:.6em}.leadtime-page li{flex-direction:column;gap:0}.leadtime-page li time{flex-basis:auto;font-weight:600}}
</style>
`

// renderShippingPage writes the page as HTML in the theme's page width
// (Dawn's page-width classes; other themes ignore them). Every text goes
// through text(): HTML-escaped and neutralised for Liquid, since zone,
// method, rule and closure names are merchant-written.
func renderShippingPage(p *message.ShippingPage) []byte {
	var b strings.Builder
	text := func(s string) { b.WriteString(liquidNeutral.Replace(html.EscapeString(s))) }
	tag := func(open, s, close string) {
		b.WriteString(open)
		text(s)
		b.WriteString(close)
	}
	b.WriteString(`<div class="leadtime-page page-width page-width--narrow" lang="`)
	text(p.Locale)
	b.WriteString("\">\n")
	b.WriteString(pageStyle)
	tag(`<h1 class="main-page-title page-title h0">`, p.Title, "</h1>\n")
	tag("<p>", p.Intro, "</p>\n")
	tag(`<p class="leadtime-page__note">`, p.TimeZone, "</p>\n")

	tag("<h2>", p.ProcessingHeading, "</h2>\n")
	tag("<p>", p.Usually, "</p>\n")
	if p.Backorder != "" {
		tag("<p>", p.Backorder, "</p>\n")
	}
	b.WriteString(`<div class="leadtime-page__table"><table>` + "\n<thead><tr>")
	for _, h := range p.RulesHead {
		tag(`<th scope="col">`, h, "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range p.Rules {
		tag(`<tr><th scope="row">`, r.Name, "</th>")
		tag("<td>", r.AppliesTo, "</td>")
		tag(`<td><span class="leadtime-page__days">`, r.Time, "</span>")
		if r.Note != "" {
			tag("<small>", r.Note, "</small>")
		}
		b.WriteString("</td></tr>\n")
	}
	b.WriteString("</tbody>\n</table></div>\n")

	tag("<h2>", p.TransitHeading, "</h2>\n")
	b.WriteString(`<div class="leadtime-page__table"><table>` + "\n<thead><tr>")
	for _, h := range p.TransitHead {
		tag(`<th scope="col">`, h, "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, z := range p.Zones {
		for i, m := range z.Methods {
			b.WriteString("<tr>")
			if i == 0 {
				b.WriteString(`<th scope="rowgroup"`)
				if len(z.Methods) > 1 {
					b.WriteString(` rowspan="` + strconv.Itoa(len(z.Methods)) + `"`)
				}
				b.WriteString(">")
				text(z.Name)
				if z.Countries != "" && z.Countries != z.Name {
					tag("<small>", z.Countries, "</small>")
				}
				b.WriteString("</th>")
			}
			tag("<td>", m[0], "</td>")
			tag(`<td class="leadtime-page__days">`, m[1], "</td></tr>\n")
		}
	}
	b.WriteString("</tbody>\n</table></div>\n")
	tag(`<p class="leadtime-page__note">`, p.TransitNote, "</p>\n")

	tag("<h2>", p.ClosedHeading, "</h2>\n")
	if len(p.Closed) == 0 {
		tag("<p>", p.ClosedNone, "</p>\n")
	} else {
		tag("<p>", p.ClosedIntro, "</p>\n<ul>\n")
		for _, cl := range p.Closed {
			b.WriteString(`<li><time datetime="` + cl.From.String() + `">`)
			text(cl.When)
			b.WriteString("</time>")
			tag("<span>", cl.What, "</span></li>\n")
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("</div>\n")
	return []byte(b.String())
}
