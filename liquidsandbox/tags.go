package liquidsandbox

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/render"
	"github.com/osteele/liquid/values"
)

// The sandbox's tags: Liquid's control flow and variables, nothing that
// reaches outside the template. Unknown tags fail at parse time.
func registerTags(cfg *render.Config) {
	cfg.AddTag("assign", assignTag)
	cfg.AddTag("break", signalTag(errBreak))
	cfg.AddTag("continue", signalTag(errContinue))
	cfg.AddBlock("capture").Compiler(captureCompiler)
	cfg.AddBlock("case").Clause("when").Clause("else").Compiler(caseCompiler)
	cfg.AddBlock("comment")
	cfg.AddBlock("raw")
	cfg.AddBlock("for").Clause("else").Compiler(forCompiler)
	cfg.AddBlock("if").Clause("elsif").Clause("else").Compiler(ifCompiler(true))
	cfg.AddBlock("unless").Clause("elsif").Clause("else").Compiler(ifCompiler(false))
	for _, name := range []string{"include", "render"} {
		cfg.AddTag(name, refuse(name+" is not allowed in a message: a message cannot read other templates or files"))
	}
	// Tags of Shopify's Liquid that a message does without.
	for _, name := range []string{
		"echo", "liquid", "cycle", "increment", "decrement", "tablerow", "ifchanged",
		"layout", "section", "sections", "schema", "form", "style", "javascript",
		"stylesheet", "paginate", "content_for", "doc",
	} {
		cfg.AddTag(name, refuse(name+" is not supported in a message; use assign, capture, case, comment, for, if, raw or unless"))
	}
}

func refuse(msg string) render.TagCompiler {
	return func(string) (func(io.Writer, render.Context) error, error) {
		return nil, errors.New(msg)
	}
}

var (
	errBreak    = errors.New("break outside a loop")
	errContinue = errors.New("continue outside a loop")
)

func signalTag(signal error) render.TagCompiler {
	return func(args string) (func(io.Writer, render.Context) error, error) {
		if args != "" {
			return nil, fmt.Errorf("%s takes no arguments", signal)
		}
		return func(_ io.Writer, ctx render.Context) error { return ctx.WrapError(signal) }, nil
	}
}

// isSignal reports whether err is a break or continue from inside a loop's
// body (the library re-wraps errors at each enclosing tag, keeping the
// cause).
func isSignal(err error, signal error) bool {
	for c := err; c != nil; c = cause(c) {
		if c == signal {
			return true
		}
	}
	return false
}

func assignTag(args string) (func(io.Writer, render.Context) error, error) {
	stmt, err := expressions.ParseStatement(expressions.AssignStatementSelector, args)
	if err != nil {
		return nil, err
	}
	a := stmt.Assignment
	return func(_ io.Writer, ctx render.Context) error {
		if err := runOf(ctx).check(); err != nil {
			return err
		}
		v, err := ctx.Evaluate(a.ValueFn)
		if err != nil {
			return err
		}
		if err := checkValue(v); err != nil {
			return err
		}
		ctx.Set(a.Variable, v)
		return nil
	}, nil
}

var captureNameRE = regexp.MustCompile(`^\s*(?:([A-Za-z_][\w-]*)|'([^']*)'|"([^"]*)")\s*$`)

// captureCompiler is {% capture name %}: the block's text, at most
// maxValueSize bytes, into a variable.
func captureCompiler(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
	m := captureNameRE.FindStringSubmatch(node.Args)
	if m == nil {
		return nil, fmt.Errorf("capture needs a variable name, not %q", node.Args)
	}
	name := m[1] + m[2] + m[3]
	return func(_ io.Writer, ctx render.Context) error {
		r := runOf(ctx)
		if err := r.check(); err != nil {
			return err
		}
		buf := limitedBuffer{max: maxValueSize, run: r}
		if err := ctx.RenderChildren(&buf); err != nil {
			return err
		}
		if buf.full {
			return errValueTooLarge
		}
		// The text was charged as it was written; the copy that becomes
		// the variable is built too.
		if err := r.charge(len(buf.buf)); err != nil {
			return err
		}
		ctx.Set(name, string(buf.buf))
		return nil
	}, nil
}

func caseCompiler(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
	subject, err := expressions.Parse(node.Args)
	if err != nil {
		return nil, err
	}
	type when struct {
		tests []expressions.Expression // none: else
		body  *render.BlockNode
	}
	var whens []when
	for i, c := range node.Clauses {
		if c.Name == "else" {
			if i != len(node.Clauses)-1 {
				return nil, errors.New("else must be the last clause of case")
			}
			whens = append(whens, when{body: c})
			continue
		}
		stmt, err := expressions.ParseStatement(expressions.WhenStatementSelector, whenCommas(c.Args))
		if err != nil {
			return nil, err
		}
		whens = append(whens, when{stmt.When.Exprs, c})
	}
	return func(w io.Writer, ctx render.Context) error {
		if err := runOf(ctx).check(); err != nil {
			return err
		}
		v, err := ctx.Evaluate(subject)
		if err != nil {
			return err
		}
		for _, wh := range whens {
			if wh.tests == nil {
				return ctx.RenderBlock(w, wh.body)
			}
			for _, t := range wh.tests {
				tv, err := ctx.Evaluate(t)
				if err != nil {
					return err
				}
				if values.Equal(v, tv) {
					return ctx.RenderBlock(w, wh.body)
				}
			}
		}
		return nil
	}, nil
}

// whenCommas writes "when 'a' or 'b'" as "when 'a', 'b'": Shopify's
// Liquid takes both, the library only commas.
func whenCommas(args string) string {
	lx := lex(args)
	var b strings.Builder
	last := 0
	for _, l := range lx {
		if l.kind == 'i' && l.text == "or" {
			b.WriteString(args[last:l.pos])
			b.WriteString(",")
			last = l.pos + len(l.text)
		}
	}
	b.WriteString(args[last:])
	return b.String()
}

// ifCompiler is {% if %} (polarity true) and {% unless %}, with elsif and
// else clauses. Only nil and false are false, as in Liquid.
func ifCompiler(polarity bool) render.BlockCompiler {
	return func(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
		type branch struct {
			test expressions.Expression
			body *render.BlockNode
		}
		test, err := expressions.Parse(node.Args)
		if err != nil {
			return nil, err
		}
		if !polarity {
			test = expressions.Not(test)
		}
		branches := []branch{{test, &node}}
		for i, c := range node.Clauses {
			switch c.Name {
			case "else":
				if i != len(node.Clauses)-1 {
					return nil, fmt.Errorf("else must be the last clause of %s", node.Name)
				}
				branches = append(branches, branch{expressions.Constant(true), c})
			case "elsif":
				t, err := expressions.Parse(c.Args)
				if err != nil {
					return nil, err
				}
				branches = append(branches, branch{t, c})
			}
		}
		return func(w io.Writer, ctx render.Context) error {
			if err := runOf(ctx).check(); err != nil {
				return err
			}
			for _, b := range branches {
				v, err := ctx.Evaluate(b.test)
				if err != nil {
					return err
				}
				if v != nil && v != false {
					return ctx.RenderBlock(w, b.body)
				}
			}
			return nil
		}, nil
	}
}

// forCompiler is {% for item in items offset: n limit: n reversed %} with
// an optional else, as Shopify's Liquid runs it: offset and limit slice the
// collection first, then reversed reverses the slice. Every iteration
// takes a step from the render's budget.
func forCompiler(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
	stmt, err := expressions.ParseStatement(expressions.LoopStatementSelector, node.Args)
	if err != nil {
		return nil, err
	}
	loop := stmt.Loop
	for _, l := range lex(node.Args) {
		if l.kind == 'p' && l.text == "|" {
			// Shopify's Liquid rejects a filtered collection.
			return nil, errors.New("a for loop cannot filter its collection; assign the filtered value first")
		}
	}
	if loop.Cols != nil {
		return nil, errors.New("cols is a tablerow parameter, not a for parameter")
	}
	var elseBody *render.BlockNode
	for _, c := range node.Clauses {
		if elseBody != nil {
			return nil, errors.New("a for loop has at most one else clause")
		}
		elseBody = c
	}
	return func(w io.Writer, ctx render.Context) error {
		v, err := ctx.Evaluate(loop.Expr)
		if err != nil {
			return err
		}
		items, err := sequenceOf(v)
		if err != nil {
			return err
		}
		from, n := 0, items.Len()
		if loop.Offset != nil {
			if from, err = intArg(ctx, loop.Offset); err != nil {
				return err
			}
			from = max(from, 0)
		}
		n = max(n-from, 0)
		if loop.Limit != nil {
			limit, err := intArg(ctx, loop.Limit)
			if err != nil {
				return err
			}
			n = min(n, max(limit, 0))
		}
		if n == 0 {
			if elseBody != nil {
				return ctx.RenderBlock(w, elseBody)
			}
			return nil
		}
		at := func(i int) any { return items.Index(from + i) }
		if loop.Reversed {
			at = func(i int) any { return items.Index(from + n - 1 - i) }
		}
		r := runOf(ctx)
		parent := ctx.Get("forloop")
		defer func(item, forloop any) {
			ctx.Set(loop.Variable, item)
			ctx.Set("forloop", forloop)
		}(ctx.Get(loop.Variable), parent)
		for i := range n {
			if err := r.step(); err != nil {
				return err
			}
			ctx.Set(loop.Variable, at(i))
			ctx.Set("forloop", map[string]any{
				"first": i == 0, "last": i == n-1, "index": i + 1, "index0": i,
				"rindex": n - i, "rindex0": n - i - 1, "length": n,
				"parentloop": parent,
			})
			err := ctx.RenderChildren(w)
			switch {
			case err == nil:
			case isSignal(err, errBreak):
				return nil
			case isSignal(err, errContinue):
			default:
				return err
			}
		}
		return nil
	}, nil
}

func intArg(ctx render.Context, e expressions.Expression) (int, error) {
	v, err := ctx.Evaluate(e)
	if err != nil {
		return 0, err
	}
	return toInteger(v)
}

// sequence is what a for loop walks without copying it: a range of
// integers, a slice, or a single value.
type sequence interface {
	Len() int
	Index(int) any
}

type sliceSeq reflect.Value

func (s sliceSeq) Len() int        { return reflect.Value(s).Len() }
func (s sliceSeq) Index(i int) any { return reflect.Value(s).Index(i).Interface() }

type oneSeq struct{ v any }

func (oneSeq) Len() int            { return 1 }
func (s oneSeq) Index(int) any     { return s.v }
func (emptySeq) Len() int          { return 0 }
func (emptySeq) Index(int) any     { return nil }
func (r rangeSeq) Len() int        { return max(values.Range(r).Len(), 0) }
func (r rangeSeq) Index(i int) any { return values.Range(r).Index(i) }

type (
	emptySeq struct{}
	rangeSeq values.Range
)

// sequenceOf is what Shopify's Liquid loops over: the items of an array or
// range; a string once, as a whole; nothing for nil. An object has no
// order here, so looping over one is an error rather than a surprise.
func sequenceOf(v any) (sequence, error) {
	switch v := v.(type) {
	case nil, bool:
		return emptySeq{}, nil
	case values.Range:
		return rangeSeq(v), nil
	case string:
		if v == "" {
			return emptySeq{}, nil
		}
		return oneSeq{v}, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return sliceSeq(rv), nil
	case reflect.Map:
		return nil, errors.New("a for loop cannot walk an object; loop over an array or a range")
	}
	return emptySeq{}, nil
}
