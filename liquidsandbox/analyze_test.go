package liquidsandbox

import (
	"errors"
	"strings"
	"testing"
)

// dateBomb is the attack of issue 16 item 3: a 4 KB template of date
// directives a megabyte wide each, which took the preview seconds and
// 1.5 GB before the widths were capped.
var dateBomb = strings.Repeat("{{ today_iso | date: '%1000000d' }}", MaxTemplateSize/len("{{ today_iso | date: '%1000000d' }}"))

// hiddenBomb hides the bomb in the branch that the save-time trial render
// (with the sample shop example.myshopify.com) did not take.
const hiddenBomb = `{% if shop == "example.myshopify.com" %}ok{% else %}{{ today_iso | date: "%1000000d%1000000d%1000000d" }}{% endif %}`

// TestAnalyze: ParseTemplate refuses, by analysis of every branch, what
// would be refused or too costly at render time, with its position.
func TestAnalyze(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string // want "": accepted
	}{
		{"the date bomb", dateBomb, "line 1, column 22: date: the width 1000000 in “%1000000d” is more than 32"},
		{"a bomb in the other branch", hiddenBomb, "line 1, column 74: date: the width 1000000 in “%1000000d” is more than 32"},
		{"a bomb in an unless", "{% unless available %}{% else %}{{ today_iso | date: '%99d' }}{% endunless %}", "line 1, column 54: date: the width 99 in “%99d” is more than 32"},
		{"a bomb in a case", "{% case locale %}{% when 'sv' %}x{% when 'xx' %}{{ today_iso | date: '%-1000H' }}{% endcase %}", "line 1, column 70: date: the width 1000 in “%-1000H” is more than 32"},
		{"a bomb in a condition", "{% if today_iso | date: '%_1000d' %}x{% endif %}", "line 1, column 25: date: the width 1000 in “%_1000d” is more than 32"},
		{"an assigned bomb", "{% assign f = '%1000000d' %}{% if false %}{{ today_iso | date: f }}{% endif %}", "line 1, column 64: date: the width 1000000 in “%1000000d” is more than 32"},
		{"a width too long to read", "{{ today_iso | date: '%99999999999999999999999d' }}", "line 1, column 22: date: the width 99999999999999999999999 in “%99999999999999999999999d” is more than 32"},
		{"too many directives", "{{ today_iso | date: '" + strings.Repeat("%c", 500) + "' }}", "line 1, column 22: date: the format could write more than 16384 bytes"},
		{"a long loop", "{% for i in (1..10001) %}{% endfor %}", "line 1, column 1: the loop runs more than 10000 times; at most 10000"},
		{"an endless loop", "{% for i in (1..999999999999) %}{{ i }}{% endfor %}", "line 1, column 1: the loop runs more than 10000 times; at most 10000"},
		{"a negative range", "{% for i in (-9223372036854775808..9223372036854775807) %}{% endfor %}", "line 1, column 1: the loop runs more than 10000 times; at most 10000"},
		{"nested loops", "{% for i in (1..200) %}{% if true %}{% for j in (1..200) %}{% endfor %}{% endif %}{% endfor %}", "line 1, column 37: the loops run more than 10000 times (200 times inside loops that run 200 times); at most 10000"},
		{"deep nesting", strings.Repeat("{% if true %}", 9) + strings.Repeat("{% endif %}", 9), "line 1, column 105: blocks nest more than 8 deep"},
		{"include", "{% if false %}{% include 'x' %}{% endif %}", "line 1, column 15: include is not allowed in a message: a message cannot read other templates or files"},

		{"a typical template", "{% if cutoff.ships_today %}Order by {{ cutoff.at }}{% else %}Ships {{ ships.range }}{% endif %}", ""},
		{"common widths", "{{ ships.earliest_iso | date: '%-d %B %Y, %02d/%02m, %3N %:z %^a %32d' }}", ""},
		{"a loop within the limit", "{% for i in (1..100) %}{% for j in (1..100) %}{% endfor %}{% endfor %}", ""},
		{"a limit makes it small", "{% for i in (1..1000000) limit: 10 %}{% endfor %}", ""},
		{"an offset makes it small", "{% for i in (1..10005) offset: 10 %}{% endfor %}", ""},
		{"a range the answer bounds", "{% for i in (1..processing.max_days) %}.{% endfor %}", ""},
		{"an empty range", "{% for i in (5..1) %}{% for j in (1..1000000) %}{% endfor %}{% endfor %}", "line 1, column 22: the loop runs more than 10000 times; at most 10000"},
		{"eight deep", strings.Repeat("{% if true %}", 8) + strings.Repeat("{% endif %}", 8), ""},
		{"tags in raw and comments", "{% raw %}{% include 'x' %}{{ x | date: '%1000d' }}{% endraw %}{% comment %}{% for i in (1..99999) %}{% endcomment %}", ""},
	} {
		_, err := ParseTemplate(tc.src, testScope)
		got := ""
		if err != nil {
			got = err.Error()
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Errorf("%s: ParseTemplate = %T, want a *TemplateError", tc.name, err)
			}
		}
		if got != tc.want {
			t.Errorf("%s: ParseTemplate(%.60q, testScope) = %q, want %q", tc.name, tc.src, got, tc.want)
		}
	}
}

// TestAnalyzeReportsEveryProblem: the analysis lists every problem, in
// source order, not only the first.
func TestAnalyzeReportsEveryProblem(t *testing.T) {
	src := "{% for i in (1..99999) %}{% endfor %}\n{% if false %}{{ today_iso | date: '%99d' }}{% endif %}"
	var got []string
	for _, p := range analyze(src) {
		got = append(got, p.Error())
	}
	want := []string{
		"line 1, column 1: the loop runs more than 10000 times; at most 10000",
		"line 2, column 36: date: the width 99 in “%99d” is more than 32",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("analyze = %q, want %q", got, want)
	}
}

// TestDateBombRenderIsBounded: the bombs, compiled without the analysis
// (as a format built at render time gets past it), fail inside the date
// filter, before the text is built: the render allocates kilobytes, not
// the gigabyte it took before.
func TestDateBombRenderIsBounded(t *testing.T) {
	vars := sampleVars()
	vars["shop"] = "attacker.myshopify.com" // the branch the bomb hides in
	for name, src := range map[string]string{"4 KB of wide directives": dateBomb, "hidden in a branch": hiddenBomb} {
		tmpl, err := compile(src, testScope)
		if err != nil {
			t.Fatalf("%s: compile: %v", name, err)
		}
		var out string
		// A stopped clock: the width check, not the deadline, must refuse it.
		alloc := allocated(func() { out, err = tmpl.render(vars, newRun(stoppedClock)) })
		if err == nil || !strings.Contains(err.Error(), "is more than 32") {
			t.Errorf("%s: Render = %.40q, %v; want the width refused", name, out, err)
		}
		if limit := uint64(256<<10) * allocSlack; alloc > limit {
			t.Errorf("%s: Render allocated %d bytes, want at most %d", name, alloc, limit)
		}
	}
}
