package message

import (
	"errors"
	"fmt"
	"maps"
	"strings"
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
//   - a render that passes RenderDeadline is stopped at its next loop step
//     and fails;
//   - a panic inside the library is recovered into an error.
//
// The tags and filters follow Shopify's Liquid (ruby-liquid 5.4 in strict
// mode) so that a template says the same in the shop's own Liquid; the
// parity test checks it.
const (
	MaxTemplateSize = 4096
	MaxOutputSize   = 4096
	MaxIterations   = 10_000
	RenderDeadline  = 50 * time.Millisecond
	maxValueSize    = 16 << 10
	maxItems        = 1000
)

// liquidConfig is the sandbox's Liquid: built once, then only read, so that
// renders may share it.
var liquidConfig = func() render.Config {
	// Undefined variables are found when a template is parsed (checkNames),
	// so that the library's strictness, which also rejects a nil value
	// (Shopify's Liquid does not), is not needed.
	cfg := render.NewConfig()
	registerTags(&cfg)
	registerFilters(&cfg)
	return cfg
}()

// Errors a render can end with.
var (
	ErrTooLong       = fmt.Errorf("the text is longer than %d bytes", MaxOutputSize)
	ErrTooManySteps  = fmt.Errorf("the loops run more than %d times", MaxIterations)
	ErrTooSlow       = fmt.Errorf("rendering took longer than %v", RenderDeadline)
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
// documented Variables (and the variables it assigns itself). A problem is
// a *TemplateError with its line and column.
func ParseTemplate(source string) (_ *Template, err error) {
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
	if err := toks.checkNames(); err != nil {
		return nil, err
	}
	return &Template{source: source, root: root}, nil
}

// Source returns the template's text.
func (t *Template) Source() string { return t.source }

// run is the budget of one render. Tags find it among the bindings under
// runKey, which is no Liquid identifier: no template can read or replace it.
type run struct {
	deadline   time.Time
	iterations int
	out        limitedBuffer
}

const runKey = "\x00run"

// step is called before each loop iteration.
func (r *run) step() error {
	r.iterations++
	switch {
	case r.iterations > MaxIterations:
		return ErrTooManySteps
	case r.out.full:
		return ErrTooLong
	case time.Now().After(r.deadline):
		return ErrTooSlow
	}
	return nil
}

func runOf(ctx render.Context) *run {
	r, _ := ctx.Get(runKey).(*run)
	if r == nil {
		// Only reachable if a tag runs outside Render; keep a budget anyway.
		r = &run{deadline: time.Now().Add(RenderDeadline), out: limitedBuffer{max: MaxOutputSize}}
	}
	return r
}

// Render renders the template with vars, within the sandbox's limits. It
// never panics; every failure is an error.
func (t *Template) Render(vars map[string]any) (text string, err error) {
	r := &run{deadline: time.Now().Add(RenderDeadline), out: limitedBuffer{max: MaxOutputSize}}
	b := make(map[string]any, len(vars)+1)
	maps.Copy(b, vars)
	b[runKey] = r
	defer func() {
		if v := recover(); v != nil {
			text, err = "", fmt.Errorf("the template failed: %s", firstLine(fmt.Sprint(v)))
		}
	}()
	if rerr := render.Render(t.root, &r.out, b, liquidConfig); rerr != nil {
		return "", renderError(t.source, rerr)
	}
	switch {
	case r.out.full:
		return "", ErrTooLong
	case time.Now().After(r.deadline):
		return "", ErrTooSlow
	}
	return string(r.out.buf), nil
}

// renderError turns a library error into a TemplateError at its line, with
// the library's decoration ("Liquid error (line 1): ... in {{ x }}")
// removed and our own limit errors kept as they are.
func renderError(source string, err render.Error) error {
	for c := error(err); c != nil; c = cause(c) {
		for _, limit := range []error{ErrTooLong, ErrTooManySteps, ErrTooSlow, errValueTooLarge} {
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
// loop step checks it too.
type limitedBuffer struct {
	buf  []byte
	max  int
	full bool
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	if w.full || len(w.buf)+len(p) > w.max {
		w.full = true
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}
