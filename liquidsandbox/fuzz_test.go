package liquidsandbox

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzRenderTemplate feeds arbitrary templates to the sandbox: parsing and
// rendering never panic and never hang, and whatever renders respects the
// output limit.
func FuzzRenderTemplate(f *testing.F) {
	for _, src := range parityTemplates {
		f.Add(src)
	}
	for _, src := range parityFailures {
		f.Add(src)
	}
	for _, src := range []string{
		"{% for i in (1..999999999) %}{% for j in (1..999999999) %}{{ i }}{% endfor %}{% endfor %}",
		"{% assign s = 'xx' %}{% for i in (1..64) %}{% assign s = s | append: s | append: s %}{% endfor %}{{ s }}",
		"{% capture x %}{% capture y %}{{ shop }}{% endcapture %}{{ y }}{{ y }}{% endcapture %}{{ x | size }}",
		"{{ 'a' | truncate: -99999999999 }}{{ 'a' | truncatewords: 99999999999999999999 }}{{ 'a' | slice: -9999999999, -1 }}",
		"{{ 9223372036854775807 | plus: 1 | times: 9223372036854775807 | divided_by: -1 | modulo: 0 }}",
		"{{ 1.5 | round: 99999 }}{{ 1e400 }}{{ -0.0 | abs }}",
		"{% for i in (9223372036854775807..-9223372036854775808) %}{% endfor %}",
		"{% if (1..3) contains 2 %}{% endif %}{% case %}{% endcase %}",
		"{{ ships | join }}{{ ships.range[0] }}{{ ships['range'] }}{{ processing.min_days.size }}",
		"{%- raw -%}{{{%- endraw -%}}}",
		"{{ '%' | date: '%Y' }}{{ today_iso | date: '%%%' }}{{ '0000-00-00' | date: '%c' }}",
		"{% for x in ships %}{{ x }}{% endfor %}",
		"{% break %}{% continue %}",
		"{{",
		"{%",
		"}}{%%}{{}}",
	} {
		f.Add(src)
	}
	vars := sampleVars()
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := ParseTemplate(src, testScope)
		if err != nil {
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("ParseTemplate(%q, testScope) = %T %v, want a *TemplateError", src, err, err)
			}
			return
		}
		start := time.Now()
		out, err := tmpl.Render(vars)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Render took %v", d)
		}
		if err == nil && len(out) > MaxOutputSize {
			t.Fatalf("output of %d bytes", len(out))
		}
	})
}

// FuzzAnalyze feeds arbitrary templates to the save-time analysis: it never
// panics, reports every problem at a real position of the template, in
// source order, and a template it accepts renders within the sandbox's
// limits.
func FuzzAnalyze(f *testing.F) {
	for _, src := range []string{
		dateBomb, hiddenBomb,
		"{% for i in (1..200) %}{% if true %}{% for j in (1..200) %}{% endfor %}{% endif %}{% endfor %}",
		"{% for i in (1..1000000) limit: 10 offset: -3 reversed %}{% endfor %}",
		"{% for i in (-9223372036854775808..9223372036854775807) %}{% endfor %}",
		"{% assign f = '%99d' %}{% assign f = 'x' %}{{ today_iso | date: f }}",
		"{{ x | date : '%1000d' }}{{ x | date: }}{{ | date: '%5' }}",
		strings.Repeat("{% if true %}", 9) + strings.Repeat("{% endif %}", 9),
		"{% raw %}{% for i in (1..99999) %}{% endraw %}{% comment %}{% include 'x' %}{% endcomment %}",
		"{% case x %}{% when '%1000d' %}{% endcase %}{% capture c %}{% for i in (1..5) %}{% endfor %}{% endcapture %}",
		"{{ today_iso | date: '%c%+%N%9N%32N%::z%:::z%-_^#0d' }}",
	} {
		f.Add(src)
	}
	vars := sampleVars()
	f.Fuzz(func(t *testing.T, src string) {
		problems := analyze(src)
		lines := 1 + strings.Count(src, "\n")
		for i, p := range problems {
			if p.Line < 1 || p.Line > lines || p.Column < 1 {
				t.Fatalf("analyze(%q): problem at line %d, column %d of %d lines: %v", src, p.Line, p.Column, lines, p)
			}
			if i > 0 && (p.Line < problems[i-1].Line || p.Line == problems[i-1].Line && p.Column < problems[i-1].Column) {
				t.Fatalf("analyze(%q): problems out of order: %v after %v", src, p, problems[i-1])
			}
		}
		tmpl, err := ParseTemplate(src, testScope)
		if err != nil {
			return
		}
		if len(problems) > 0 {
			t.Fatalf("ParseTemplate(%q, testScope) accepts a template with problems %v", src, problems)
		}
		out, err := tmpl.Render(vars)
		if err == nil && len(out) > MaxOutputSize {
			t.Fatalf("output of %d bytes", len(out))
		}
	})
}
