package health

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints a report for people, as `leadtime health` does: the
// whole shop, then each rule, product and route worst first, then the
// suggestions.
func WriteText(w io.Writer, rep *ShopReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Promise health of %s, the last %d days (%s to %s, %s)\n\n",
		rep.Shop, rep.WindowDays, rep.From, rep.To, rep.Timezone)
	o := rep.Overall
	if o.Lines == 0 {
		b.WriteString("No fulfilled line in this window.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "Shipped on time  %s of %d lines in %d fulfilments (%d early, %d late%s)\n",
		pct(o.KeptRate), o.Lines, o.Fulfillments, o.ShippedEarly, o.ShippedLate, lateBy(o.LateBy))
	if o.Delivered > 0 {
		fmt.Fprintf(&b, "Delivered on time %s of %d lines with a known delivery\n", pct(o.DeliveredKeptRate), o.Delivered)
	}
	fmt.Fprintf(&b, "Real processing  %s processing days\n", spread(o.Processing))
	if o.Transit.N > 0 {
		fmt.Fprintf(&b, "Real transit     %s carrier days\n", spread(o.Transit))
	}
	b.WriteString("Weekly kept rate")
	for _, wk := range o.Weeks {
		if wk.Lines == 0 {
			fmt.Fprintf(&b, "  %s –", wk.Start.String()[5:])
			continue
		}
		fmt.Fprintf(&b, "  %s %s", wk.Start.String()[5:], pct(wk.KeptRate))
	}
	b.WriteString("\n")
	for _, sec := range []struct {
		title  string
		groups []Group
	}{{"By rule", rep.Rules}, {"By product", rep.Products}, {"By zone and method", rep.Routes}} {
		fmt.Fprintf(&b, "\n%s\n  %-6s %6s %5s %9s %13s  %s\n", sec.title, "kept", "lines", "late", "promised", "real p5–p95", "")
		for _, g := range sec.groups {
			promised, real := fmt.Sprintf("%d–%d", g.Promised.Min, g.Promised.Max), "–"
			if g.Processing.N > 0 {
				real = fmt.Sprintf("%d–%d", g.Processing.P5, g.Processing.P95)
			}
			if g.Zone != "" || g.Method != "" {
				promised, real = "", transitRange(g)
			}
			fmt.Fprintf(&b, "  %-6s %6d %5d %9s %13s  %s\n", pct(g.KeptRate), g.Lines, g.ShippedLate, promised, real, g.Label)
		}
	}
	b.WriteString("\nSuggestions (95 % kept: p5–p95 of the real days, with at least 10 fulfilments)\n")
	if len(rep.Suggestions) == 0 {
		b.WriteString("  none yet\n")
	}
	for _, s := range rep.Suggestions {
		unit := "processing days"
		if s.Kind == "transit" {
			unit = "carrier days in transit"
		}
		verdict := "keep it"
		if s.Changes {
			verdict = fmt.Sprintf("%d–%d would have kept %s", s.Suggested.Min, s.Suggested.Max, pct(s.WouldKeep))
		}
		where := s.Path
		if where == "" {
			where = "the product's metafields in Shopify admin"
		}
		fmt.Fprintf(&b, "  %s: now %d–%d %s, %s kept; %s (%s)\n",
			s.Label, s.Current.Min, s.Current.Max, unit, pct(s.KeptRate), verdict, where)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(r float64) string { return fmt.Sprintf("%.0f%%", r*100) }

func spread(d Distribution) string {
	return fmt.Sprintf("p5 %d · median %d · p95 %d", d.P5, d.P50, d.P95)
}

func transitRange(g Group) string {
	if g.Transit.N == 0 {
		return "transit ?"
	}
	return fmt.Sprintf("transit %d–%d", g.Transit.P5, g.Transit.P95)
}

func lateBy(counts []Count) string {
	if len(counts) == 0 {
		return ""
	}
	parts := make([]string, len(counts))
	for i, c := range counts {
		unit := "days"
		if c.Days == 1 {
			unit = "day"
		}
		parts[i] = fmt.Sprintf("%d by %d %s", c.Lines, c.Days, unit)
	}
	return ": " + strings.Join(parts, ", ")
}
