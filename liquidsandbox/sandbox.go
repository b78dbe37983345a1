// Package liquidsandbox runs untrusted Liquid templates, a merchant's
// message templates, safely: osteele/liquid with its own tags and filters
// that follow Shopify's Liquid, size, step, work and time limits on every
// render, and a save-time analysis of every branch. It knows nothing of
// what a template says: the variables a template may read are a Scope
// that its caller (package message) gives.
package liquidsandbox

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/parser"
	"github.com/osteele/liquid/render"
)

// Merchant templates run in a sandbox. osteele/liquid is unsafe on
// untrusted templates as it comes (TOOLS.md): its include reads any file,
// a self-include overflows the stack, it has no step or time limit, and a
// failing writer panics. So this package registers its own tags and
// filters on a bare configuration instead of the library's standard ones:
//
//   - include and render do not exist: no template can read a file or
//     another template, so recursion is impossible;
//   - a template has at most MaxTemplateSize bytes;
//   - all loops of one render together run at most MaxIterations times;
//   - the output has at most MaxOutputSize bytes, and no string or array a
//     template builds (assign, capture, filters) exceeds maxValueSize bytes
//     or maxItems items, so a few doublings cannot exhaust memory;
//   - a filter refuses a result over those limits before building it (the
//     date filter's strftime widths are at most liquidfmt.MaxWidth), so no single
//     step allocates more than a small multiple of maxValueSize;
//   - all the values one render builds together (filter results, assigned,
//     captured and written text) are at most MaxWork bytes, so that the
//     memory a render allocates is bounded, not only what it keeps;
//   - a render that passes RenderDeadline is stopped at its next step (a
//     loop iteration, a filter, a tag, a write) and fails;
//   - a panic inside the library is recovered into an error.
//
// ParseTemplate also refuses, by analysis of every branch, what could
// only fail or work too hard at render time (analyze.go), so that a
// template is judged when it is saved, whatever the answer it renders.
//
// The tags and filters follow Shopify's Liquid (ruby-liquid 5.4 in strict
// mode) so that a template says the same in the shop's own Liquid; the
// parity test checks it.
const (
	MaxTemplateSize = 4096
	MaxOutputSize   = 4096
	MaxIterations   = 10_000
	RenderDeadline  = 50 * time.Millisecond
	// MaxWork is how many bytes one render may build in all. A message
	// template builds a few hundred; this leaves room for loops over the
	// dates of an answer while bounding what a hostile template allocates.
	MaxWork      = 1 << 20
	maxValueSize = 16 << 10
	maxItems     = 1000
)

// liquidConfig is the sandbox's Liquid: built once, then only read, so that
// renders may share it.
var liquidConfig = func() render.Config {
	// Undefined variables are found when a template is parsed (checkNames),
	// so that the library's strictness, which also rejects a nil value
	// (Shopify's Liquid does not), is not needed.
	// Its filters are each render's own (sandbox); compiling needs none.
	cfg := render.NewConfig()
	registerTags(&cfg)
	return cfg
}()

// Errors a render can end with.
var (
	ErrTooLong       = fmt.Errorf("the text is longer than %d bytes", MaxOutputSize)
	ErrTooManySteps  = fmt.Errorf("the loops run more than %d times", MaxIterations)
	ErrTooSlow       = fmt.Errorf("rendering took longer than %v", RenderDeadline)
	ErrTooMuchWork   = fmt.Errorf("the template builds more than %d bytes of text", MaxWork)
	errValueTooLarge = fmt.Errorf("a value is longer than %d bytes or %d items", maxValueSize, maxItems)
)

// Template is a compiled merchant template. It is immutable and safe for
// concurrent use.
type Template struct {
	source string
	root   render.Node
}

// TemplateError is a problem with a template, at a position in it (1-based;
// 0 when it concerns the whole template).
type TemplateError struct {
	Line, Column int
	Message      string
}

func (e *TemplateError) Error() string {
	if e.Line == 0 {
		return e.Message
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
}

// ParseTemplate compiles a merchant template and checks it: its size, its
// syntax, that it uses only the sandbox's tags and filters, and only the
// variables of scope (and the variables it assigns itself; a nil scope has
// none); then it analyses every branch for what would be refused or too
// costly at render time (analyze). A problem is a *TemplateError with its
// line and column.
func ParseTemplate(source string, scope *Scope) (*Template, error) {
	t, err := compile(source, scope)
	if err != nil {
		return nil, err
	}
	if problems := analyze(source); len(problems) > 0 {
		return nil, problems[0]
	}
	return t, nil
}

// compile is ParseTemplate without the analysis: what the render-time
// limits alone must make safe (the tests render through it).
func compile(source string, scope *Scope) (_ *Template, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &TemplateError{Message: "the template cannot be parsed: " + firstLine(fmt.Sprint(v))}
		}
	}()
	if len(source) > MaxTemplateSize {
		return nil, &TemplateError{Message: fmt.Sprintf("is %d bytes long; a message template may have at most %d", len(source), MaxTemplateSize)}
	}
	if !utf8.ValidString(source) {
		return nil, &TemplateError{Message: "is not valid UTF-8"}
	}
	toks := scanTokens(source)
	if err := toks.checkDelimiters(); err != nil {
		return nil, err
	}
	root, perr := liquidConfig.Compile(source, parser.SourceLoc{LineNo: 1})
	if perr != nil {
		return nil, toks.locate(perr)
	}
	if err := toks.checkNames(scope); err != nil {
		return nil, err
	}
	return &Template{source: source, root: root}, nil
}

// Source returns the template's text.
func (t *Template) Source() string { return t.source }

// run is the budget of one render. Tags find it among the bindings under
// runKey, which is no Liquid identifier: no template can read or replace it.
type run struct {
	now        func() time.Time // time.Now; a test's clock
	deadline   time.Time
	iterations int
	work       int // bytes built so far
	out        limitedBuffer
}

const runKey = "\x00run"

// newRun starts a render's budget at the instant now gives.
func newRun(now func() time.Time) *run {
	r := &run{now: now, deadline: now().Add(RenderDeadline)}
	r.out = limitedBuffer{max: MaxOutputSize, run: r}
	return r
}

// step is called before each loop iteration.
func (r *run) step() error {
	r.iterations++
	if r.iterations > MaxIterations {
		return ErrTooManySteps
	}
	return r.check()
}

// check is called before every filter and tag, and by step: it ends a
// render that has written too much, built too much or run too long, at
// the first step past the limit, not after the whole render.
func (r *run) check() error {
	switch {
	case r.out.full:
		return ErrTooLong
	case r.work > MaxWork:
		return ErrTooMuchWork
	case r.now().After(r.deadline):
		return ErrTooSlow
	}
	return nil
}

// charge counts n bytes built towards MaxWork.
func (r *run) charge(n int) error {
	r.work += n
	if r.work > MaxWork {
		return ErrTooMuchWork
	}
	return nil
}

func runOf(ctx render.Context) *run {
	r, _ := ctx.Get(runKey).(*run)
	if r == nil {
		// Only reachable if a tag runs outside Render; keep a budget anyway.
		r = newRun(time.Now)
	}
	return r
}

// Render renders the template with vars, within the sandbox's limits. It
// never panics; every failure is an error.
func (t *Template) Render(vars map[string]any) (text string, err error) {
	return t.render(vars, newRun(time.Now))
}

// render renders within the budget r.
func (t *Template) render(vars map[string]any, r *run) (text string, err error) {
	b := make(map[string]any, len(vars)+1)
	maps.Copy(b, vars)
	b[runKey] = r
	sb := sandboxes.Get().(*sandbox)
	sb.run = r
	defer func() {
		sb.run = nil
		sandboxes.Put(sb)
		if v := recover(); v != nil {
			if e, ok := v.(error); ok && errors.Is(e, errValueTooLarge) {
				text, err = "", errValueTooLarge
				return
			}
			text, err = "", fmt.Errorf("the template failed: %s", firstLine(fmt.Sprint(v)))
		}
	}()
	if rerr := render.Render(t.root, &r.out, b, sb.cfg); rerr != nil {
		return "", renderError(t.source, rerr)
	}
	if err := r.check(); err != nil {
		return "", err
	}
	return string(r.out.buf), nil
}

// sandbox is the Liquid configuration of one render at a time: the
// library gives a filter only its input and arguments, so each sandbox has
// its own filters, which charge the render in run. Sandboxes are pooled:
// building one costs a closure per filter.
type sandbox struct {
	cfg render.Config
	run *run
}

var sandboxes = sync.Pool{New: func() any { return newSandbox() }}

func newSandbox() *sandbox {
	sb := &sandbox{cfg: liquidConfig}
	// The tags are liquidConfig's (shared, read only); the filters are
	// this sandbox's own.
	sb.cfg.Config.Config = expressions.NewConfig()
	registerFilters(&sb.cfg, func() *run { return sb.run })
	return sb
}

// renderError turns a library error into a TemplateError at its line, with
// the library's decoration ("Liquid error (line 1): ... in {{ x }}")
// removed and our own limit errors kept as they are.
func renderError(source string, err render.Error) error {
	for c := error(err); c != nil; c = cause(c) {
		for _, limit := range []error{ErrTooLong, ErrTooManySteps, ErrTooSlow, ErrTooMuchWork, errValueTooLarge} {
			if errors.Is(c, limit) {
				return limit
			}
		}
	}
	return scanTokens(source).locate(err)
}

// cause unwraps one layer of the library's errors, which wrap with Cause
// or, for filters, in a FilterError.
func cause(err error) error {
	switch e := err.(type) {
	case interface{ Cause() error }:
		return e.Cause()
	case expressions.FilterError:
		return e.Err
	}
	return errors.Unwrap(err)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// limitedBuffer collects output up to max bytes. Past that it keeps
// accepting and discarding, so that the library (which panics on a failing
// writer) never sees an error; the render checks full afterwards, and every
// step checks it too. Every write is charged to run's work, if set.
type limitedBuffer struct {
	buf  []byte
	max  int
	full bool
	run  *run
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	if w.run != nil {
		w.run.work += len(p)
	}
	if w.full || len(w.buf)+len(p) > w.max {
		w.full = true
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}
