package liquidsandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leadtime-app/leadtime/liquidfmt"
	"github.com/osteele/liquid/parser"
)

// A template is judged when it is saved by analysis, not by rendering it
// once: a render takes one branch for one answer, and a template can hide
// what it does in the branch the sample does not take ({% if shop ==
// "example.myshopify.com" %}ok{% else %}…{% endif %}). The analysis walks
// every token of every branch of a compiled template and refuses:
//
//   - a tag the sandbox does not run (compiling refuses these already;
//     the analysis does not rely on it);
//   - blocks nested deeper than maxNesting;
//   - loops over literal ranges that, with the loops around them, run more
//     than MaxIterations times;
//   - a date format (a literal, or a variable assigned only literals) with
//     a directive wider than liquidfmt.MaxWidth or that could write more than
//     maxValueSize bytes.
//
// What it cannot know (a range bounded by a variable, a format built at
// render time) the render's own limits bound (sandbox.go).

// maxNesting is how deep blocks may nest: a message needs two or three.
const maxNesting = 8

// Tags a template may use: the blocks that open a level, their clauses,
// and the simple tags.
var (
	blockTags  = []string{"capture", "case", "for", "if", "unless"}
	clauseTags = []string{"else", "elsif", "when"}
	simpleTags = []string{"assign", "break", "continue"}
)

// analysis is the state of one walk: the open blocks and what the
// template assigns.
type analysis struct {
	toks     tokens
	open     []frame
	literals map[string][]string // variable → the string literals assigned to it
	problems []*TemplateError
}

// frame is an open block; for a loop, runs is how many times its body runs
// in all (its iterations times those of the loops around it), or -1 when
// that is not known before rendering.
type frame struct {
	name string
	runs int
}

// analyze returns the problems of a compiled template, in source order.
func analyze(source string) []*TemplateError {
	a := &analysis{toks: scanTokens(source), literals: map[string][]string{}}
	a.toks.walk(func(tok *token) {
		if tok.Type == parser.TagTokenType && tok.Name == "assign" {
			a.noteAssign(tok)
		}
	})
	a.toks.walk(a.visit)
	return a.problems
}

func (a *analysis) report(offset int, format string, args ...any) {
	a.problems = append(a.problems, a.toks.errorAt(offset, format, args...))
}

// runs is how many times the innermost open block's body runs, or -1.
func (a *analysis) runs() int {
	for i := len(a.open) - 1; i >= 0; i-- {
		if a.open[i].name == "for" {
			return a.open[i].runs
		}
	}
	return 1
}

func (a *analysis) visit(tok *token) {
	if tok.Type == parser.TagTokenType {
		a.visitTag(tok)
	}
	if expr, base := tok.expression(); expr != "" {
		a.checkDateFormats(expr, base)
	}
}

func (a *analysis) visitTag(tok *token) {
	name := tok.Name
	switch {
	case name == "comment" || name == "raw":
		// walk skips their contents and their end tag.
	case slices.Contains(blockTags, name):
		f := frame{name: name}
		if name == "for" {
			f.runs = a.loopRuns(tok)
		}
		a.open = append(a.open, f)
		if len(a.open) == maxNesting+1 {
			a.report(tok.offset, "blocks nest more than %d deep", maxNesting)
		}
	case strings.HasPrefix(name, "end") && slices.Contains(blockTags, name[3:]):
		if len(a.open) > 0 {
			a.open = a.open[:len(a.open)-1]
		}
	case slices.Contains(clauseTags, name), slices.Contains(simpleTags, name):
	default:
		a.report(tok.offset, "%s is not allowed in a message; use assign, capture, case, comment, for, if, raw or unless", name)
	}
}

// loopRuns is how many times a for loop's body runs in all, reporting a
// loop that would run more than MaxIterations times. Only a literal range
// ("(1..5)") or a literal limit is known.
func (a *analysis) loopRuns(tok *token) int {
	outer := a.runs()
	n := -1
	lx := lex(tok.Args)
	if len(lx) >= 2 && lx[1].text == "in" {
		n = literalRangeLen(lx[2:])
	}
	// Liquid slices by offset, then by limit.
	offset, limit := literalParam(lx, "offset"), literalParam(lx, "limit")
	if n >= 0 && offset > 0 {
		n = max(n-offset, 0)
	}
	if limit >= 0 && (n < 0 || limit < n) {
		n = limit
	}
	if n > MaxIterations {
		a.report(tok.offset, "the loop runs %s; at most %d", runsText(n), MaxIterations)
		return -1 // reported once, not again for every loop inside
	}
	if n >= 0 && outer > 0 && n > MaxIterations/outer {
		a.report(tok.offset, "the loops run more than %d times (%d times inside loops that run %d times); at most %d", MaxIterations, n, outer, MaxIterations)
		return -1
	}
	if n < 0 || outer < 0 {
		return -1
	}
	return n * outer
}

// literalParam is a loop's "name: 3" parameter given as a literal, or -1.
func literalParam(lx []lexeme, name string) int {
	for i := 0; i+2 < len(lx); i++ {
		if lx[i].kind == 'k' && lx[i].text == name && lx[i+2].kind == 'n' {
			if v, ok := literalInt(lx[i+2].text); ok {
				return max(v, 0)
			}
		}
	}
	return -1
}

func runsText(n int) string {
	if n > MaxIterations {
		return fmt.Sprintf("more than %d times", MaxIterations)
	}
	return fmt.Sprintf("%d times", n)
}

// literalRangeLen is the length of "(a..b)" with integer literals, capped
// at MaxIterations+1; -1 for anything else.
func literalRangeLen(lx []lexeme) int {
	if len(lx) < 5 || lx[0].text != "(" || lx[1].kind != 'n' || lx[2].text != ".." || lx[3].kind != 'n' || lx[4].text != ")" {
		return -1
	}
	lo, okLo := literalInt(lx[1].text)
	hi, okHi := literalInt(lx[3].text)
	if !okLo || !okHi {
		return -1
	}
	if hi < lo {
		return 0
	}
	if hi-lo >= MaxIterations {
		return MaxIterations + 1
	}
	return hi - lo + 1
}

// literalInt reads an integer literal; one too large for an int is
// MaxIterations+1 (or its negative), which is all a bound needs.
func literalInt(s string) (int, bool) {
	if strings.Contains(s, ".") {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		if strings.HasPrefix(s, "-") {
			return -MaxIterations - 1, true
		}
		return MaxIterations + 1, true
	}
	return min(max(n, -1<<40), 1<<40), true
}

// noteAssign remembers the string literal an assign gives a variable, or
// that it gives something else ("" stands for a value not known).
func (a *analysis) noteAssign(tok *token) {
	name, value, ok := strings.Cut(tok.Args, "=")
	if !ok {
		return
	}
	name = strings.TrimSpace(name)
	lx := lex(value)
	lit := ""
	if len(lx) == 1 && lx[0].kind == 's' {
		lit = unquote(lx[0].text)
	}
	a.literals[name] = append(a.literals[name], lit)
}

// checkDateFormats checks each date filter's format in an expression: a
// string literal, or a variable the template assigns string literals to.
func (a *analysis) checkDateFormats(expr string, base int) {
	lx := lex(expr)
	for i := 0; i+3 < len(lx); i++ {
		if lx[i].text != "|" || lx[i+1].text != "date" || lx[i+2].text != ":" {
			continue
		}
		arg := lx[i+3]
		var formats []string
		switch arg.kind {
		case 's':
			formats = []string{unquote(arg.text)}
		case 'i':
			formats = a.literals[arg.text]
		}
		for _, f := range formats {
			if msg := liquidfmt.FormatProblem(f); msg != "" {
				a.report(base+arg.pos, "date: %s", msg)
				break
			}
		}
	}
}

// unquote strips a string literal's quotes (Liquid has no escapes).
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	if len(s) >= 1 && (s[0] == '"' || s[0] == '\'') {
		return s[1:]
	}
	return s
}
