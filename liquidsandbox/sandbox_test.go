package liquidsandbox

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestSandboxRefusesFiles: include and render do not exist, whatever they
// name: no template reads a file or itself.
func TestSandboxRefusesFiles(t *testing.T) {
	if err := os.WriteFile(t.TempDir()+"/x.liquid", []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		"{% include 'x' %}",
		"{% include '../../../../etc/passwd' %}",
		"{% render 'x' %}",
		"{% include shop %}",
		"a{% if true %}{% include 'self' %}{% endif %}",
		"{% comment %}{% endcomment %}{% raw %}{% endraw %}{% include x %}",
	} {
		_, err := ParseTemplate(src, testScope)
		if err == nil || !strings.Contains(err.Error(), "not allowed in a message") {
			t.Errorf("ParseTemplate(%q, testScope) = %v, want include/render refused", src, err)
		}
	}
}

// TestSandboxLimits: the render's own limits hold for templates that the
// analysis would refuse at save time (compile skips it), as a template
// that builds its loops or values at render time gets past the analysis.
func TestSandboxLimits(t *testing.T) {
	vars := sampleVars()
	for _, tc := range []struct {
		name, src string
		want      error
	}{
		{"a long loop", "{% for i in (1..10001) %}{% endfor %}", ErrTooManySteps},
		{"nested loops", "{% for i in (1..200) %}{% for j in (1..200) %}{% endfor %}{% endfor %}", ErrTooManySteps},
		{"an endless range", "{% for i in (1..999999999999) %}{{ i }}{% endfor %}", ErrTooLong},
		{"a huge output", "{% for i in (1..5000) %}{{ shop }}{% endfor %}", ErrTooLong},
		{"doubling a string", "{% assign s = 'xxxxxxxx' %}{% for i in (1..20) %}{% assign s = s | append: s %}{% endfor %}", errValueTooLarge},
		{"doubling without a loop", "{% assign s = 'xxxxxxxxxxxxxxxx' %}" + strings.Repeat("{% assign s = s | append: s %}", 12), errValueTooLarge},
		{"doubling by capture", "{% assign s = 'xxxxxxxxxxxxxxxx' %}" + strings.Repeat("{% capture s %}{{ s }}{{ s }}{% endcapture %}", 12), errValueTooLarge},
		{"a growing replace", "{% assign s = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | replace: 'x', shop %}{% assign s = s | replace: 'm', s %}", errValueTooLarge},
		{"a huge array", "{% assign a = 'x' | split: ',' %}{% for i in (1..12) %}{% assign a = a | concat: a %}{% endfor %}", errValueTooLarge},
		{"a range turned array", "{{ (1..100000000) | join }}", errValueTooLarge},
		{"a built date width", "{% assign f = '%1000000' | append: 'd' %}{{ today_iso | date: f }}", nil},
		{"a wide date directive", "{{ today_iso | date: '%1000000d' }}", nil},
		{"a wide %N", "{{ today_iso | date: '%1000000N' }}", nil},
		{"many date directives", "{{ today_iso | date: '" + strings.Repeat("%32d", 600) + "' }}", nil},
		{"a split into characters", "{% assign s = 'xxxxxxxxxxxxxxxx' %}" + strings.Repeat("{% assign s = s | append: s %}", 9) + "{{ s | split: '' | size }}", errValueTooLarge},
		{"an array inspected", "{% assign s = 'xxxxxxxxxxxxxxxx' %}" + strings.Repeat("{% assign s = s | append: s %}", 9) +
			"{% assign a = s | split: ',' %}{% for i in (1..9) %}{% assign a = a | concat: a %}{% endfor %}{{ a | append: '' }}", errValueTooLarge},
		{"rework in a loop", "{% assign s = 'xxxxxxxxxxxxxxxx' %}" + strings.Repeat("{% assign s = s | append: s %}", 9) +
			"{% for i in (1..10000) %}{% assign t = s | replace: 'x', 'y' | upcase | downcase | escape | remove: 'y' %}{% endfor %}", ErrTooMuchWork},
		{"captures in a loop", "{% assign s = 'xxxxxxxxxxxxxxxx' %}" + strings.Repeat("{% assign s = s | append: s %}", 9) +
			"{% for i in (1..10000) %}{% capture c %}{{ s }}{% endcapture %}{% endfor %}", ErrTooMuchWork},
	} {
		tmpl, err := compile(tc.src, testScope)
		if err != nil {
			t.Errorf("%s: compile: %v", tc.name, err)
			continue
		}
		var out string
		// A stopped clock: the limits, not the machine's speed, decide
		// (TestSandboxDeadline covers the deadline).
		alloc := allocated(func() { out, err = tmpl.render(vars, newRun(stoppedClock)) })
		switch {
		case tc.want == nil && err == nil:
			t.Errorf("%s: Render = %.40q, want an error", tc.name, out)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: Render = %.40q, %v; want %v", tc.name, out, err, tc.want)
		}
		t.Logf("%s: %v, %d bytes allocated", tc.name, err, alloc)
		if alloc > maxRenderAlloc*allocSlack {
			t.Errorf("%s: Render allocated %d bytes, want at most %d", tc.name, alloc, maxRenderAlloc*allocSlack)
		}
	}
	if _, err := ParseTemplate(strings.Repeat("x", MaxTemplateSize+1), testScope); err == nil {
		t.Errorf("a template over %d bytes is accepted", MaxTemplateSize)
	}
}

// TestSandboxDeadline: a render is stopped at its first step past the
// deadline, whether the steps are loop iterations, tags or the filters of
// one expression. The clock advances 10 ms each time it is read: the
// budget starts at 10 ms, so the deadline is 60 ms, and the sixth check
// (at 70 ms) is the first past it.
func TestSandboxDeadline(t *testing.T) {
	for _, tc := range []struct {
		name, src string
	}{
		{"a loop", "{% for i in (1..10000) %}{{ i }}{% endfor %}"},
		{"one long filter chain", "{{ shop" + strings.Repeat(" | upcase | downcase", 50) + " }}"},
		{"tags", strings.Repeat("{% assign x = shop %}", 100)},
		{"conditions", strings.Repeat("{% if shop %}{% endif %}", 100)},
	} {
		tmpl, err := compile(tc.src, testScope)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		reads := 0
		now := func() time.Time {
			reads++
			clock = clock.Add(10 * time.Millisecond)
			return clock
		}
		_, err = tmpl.render(sampleVars(), newRun(now))
		if !errors.Is(err, ErrTooSlow) {
			t.Errorf("%s: render = %v, want %v", tc.name, err, ErrTooSlow)
		}
		if want := 1 + 6; reads != want {
			t.Errorf("%s: the clock was read %d times, want %d", tc.name, reads, want)
		}
	}
}

// maxRenderAlloc bounds what one render of a hostile template allocates:
// the work budget, plus one filter's result and the library's overhead.
const maxRenderAlloc = 4 * MaxWork

// allocated is the bytes f allocates. Tests that use it do not run in
// parallel, so nothing else allocates meanwhile.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// panicky is a value whose every use panics, as a bug deep in the library
// would.
type panicky struct{}

func (panicky) ToLiquid() any { panic("boom") }

func TestSandboxRecovers(t *testing.T) {
	tmpl, err := ParseTemplate("Skickas {{ shop }}", testScope)
	if err != nil {
		t.Fatal(err)
	}
	vars := sampleVars()
	vars["shop"] = panicky{}
	out, err := tmpl.Render(vars)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Render = %q, %v; want the panic as an error", out, err)
	}
}

// TestTemplateErrorsHavePositions: a merchant is told where.
func TestTemplateErrorsHavePositions(t *testing.T) {
	for src, want := range map[string]string{
		"Skickas {{ ship.range }}": "line 1, column 12: unknown variable “ship”; did you mean “ships”?",
		"ok\n\n  {{ ships.rang }}": "line 3, column 6: ships has no “rang”; did you mean “range”?",
		"{{ shop | upcaes }}":      "line 1, column 11: unknown filter “upcaes”; did you mean “upcase”?",
		"Order {{ remaining ":      "line 1, column 7: “{{” is not closed with “}}”",
		"x\n{% echo 'x' %}":        "line 2, column 1: echo is not supported in a message; use assign, capture, case, comment, for, if, raw or unless",
		"x\n  {% bogus %}":         "line 2, column 3: unknown tag \"bogus\"",
		"{% if available %}x":      "line 1, column 1: unterminated \"if\" block",
		"{% endif %}":              "line 1, column 1: endif closes no if",
		"{% for i in (1..3) %}{{ forloop.idx }}{% endfor %}": "line 1, column 25: forloop has no “idx”; it has first, last, index, index0, rindex, rindex0, length, parentloop",
		"{% if x == 1 %}{% endif %}":                         "line 1, column 7: unknown variable “x”",
		"{% assign x = 1 %}{{ x.y }}":                        "",
		"{% capture c %}a{% endcapture %}{{ c }}":            "",
		"é {{ shop | nope }}":                                "line 1, column 13: unknown filter “nope”",
	} {
		_, err := ParseTemplate(src, testScope)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("ParseTemplate(%q, testScope) = %q, want %q", src, got, want)
		}
	}
}

func BenchmarkRenderTemplate(b *testing.B) {
	tmpl, err := ParseTemplate("{% if cutoff.ships_today %}Beställ före {{ cutoff.at }}{% else %}Skickas {{ ships.range }} · Levereras {{ delivery.range }}{% endif %}", testScope)
	if err != nil {
		b.Fatal(err)
	}
	vars := sampleVars()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tmpl.Render(vars); err != nil {
			b.Fatal(err)
		}
	}
}

// stoppedClock never moves, so no render reaches its deadline.
func stoppedClock() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) }
