package shopifytest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/leadtime-app/leadtime/shopify/shopifytest/internal/querycost"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// The fake executes GraphQL for real: the request is parsed and validated
// with gqlparser against schema.graphql (a faithful subset of Shopify's
// Admin schema), its cost computed as Shopify does, and its selection sets
// resolved field by field against the in-memory shop. A field outside the
// subset is a validation error, never a silent null.

//go:embed schema.graphql
var schemaSDL string

// Schema is the subset of Shopify's Admin API 2026-07 the fake serves, as
// SDL. shopify/schema_test.go checks it against the real schema.
func Schema() string { return schemaSDL }

var schema = gqlparser.MustLoadSchema(&ast.Source{Name: "shopifytest/schema.graphql", Input: schemaSDL})

// gqlError is one entry of an answer's "errors", in Shopify's shape.
type gqlError struct {
	Message    string         `json:"message"`
	Locations  []location     `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// fieldError is a resolver's failure, with a Shopify error code.
type fieldError struct {
	code string
	msg  string
	ext  map[string]any
}

func (e *fieldError) Error() string { return e.msg }

func errorf(code, format string, args ...any) *fieldError {
	return &fieldError{code: code, msg: fmt.Sprintf(format, args...)}
}

// object is a value of a GraphQL object type that can resolve its fields.
type object interface {
	typeName() string
	field(ec *execution, name string, args map[string]any) (any, error)
}

// execution is the state of one request's execution.
type execution struct {
	srv    *Server
	shop   *shopState
	vars   map[string]any
	errors []gqlError
	// bulk is set while a bulk query runs: connections have no page limit.
	bulk bool
}

// orderedObject is a JSON object whose keys keep the query's order, as
// Shopify's answers do.
type orderedObject []member

type member struct {
	key string
	val any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.val)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (ec *execution) addError(err error, f *ast.Field, path []any) {
	e := gqlError{Message: err.Error(), Path: append([]any(nil), path...)}
	if f != nil && f.Position != nil {
		e.Locations = []location{{f.Position.Line, f.Position.Column}}
	}
	if fe, ok := err.(*fieldError); ok {
		e.Extensions = map[string]any{"code": fe.code}
		for k, v := range fe.ext {
			e.Extensions[k] = v
		}
	}
	ec.errors = append(ec.errors, e)
}

// validationErrors turns gqlparser's errors into Shopify-shaped ones.
func validationErrors(list gqlerror.List) []gqlError {
	out := make([]gqlError, 0, len(list))
	for _, e := range list {
		g := gqlError{Message: e.Message, Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}
		for _, l := range e.Locations {
			g.Locations = append(g.Locations, location{l.Line, l.Column})
		}
		out = append(out, g)
	}
	return out
}

// collected is one response key with the fields that share it.
type collected struct {
	key    string
	fields []*ast.Field
}

// collectFields flattens a selection set for an object of typeName:
// fragments whose type condition the type satisfies are inlined, @skip and
// @include honoured, and fields with the same response key merged.
func (ec *execution) collectFields(typeName string, set ast.SelectionSet, out []collected) []collected {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !ec.included(s.Directives) {
				continue
			}
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			found := false
			for i := range out {
				if out[i].key == key {
					out[i].fields = append(out[i].fields, s)
					found = true
					break
				}
			}
			if !found {
				out = append(out, collected{key: key, fields: []*ast.Field{s}})
			}
		case *ast.InlineFragment:
			if ec.included(s.Directives) && applies(typeName, s.TypeCondition) {
				out = ec.collectFields(typeName, s.SelectionSet, out)
			}
		case *ast.FragmentSpread:
			if ec.included(s.Directives) && s.Definition != nil && applies(typeName, s.Definition.TypeCondition) {
				out = ec.collectFields(typeName, s.Definition.SelectionSet, out)
			}
		}
	}
	return out
}

func (ec *execution) included(ds ast.DirectiveList) bool {
	if d := ds.ForName("skip"); d != nil && d.ArgumentMap(ec.vars)["if"] == true {
		return false
	}
	if d := ds.ForName("include"); d != nil && d.ArgumentMap(ec.vars)["if"] == false {
		return false
	}
	return true
}

// applies reports whether a fragment on cond applies to an object of
// typeName: the same type, or an interface or union it belongs to.
func applies(typeName, cond string) bool {
	if cond == "" || cond == typeName {
		return true
	}
	def := schema.Types[cond]
	if def == nil {
		return false
	}
	for _, t := range schema.GetPossibleTypes(def) {
		if t.Name == typeName {
			return true
		}
	}
	return false
}

// selectionSet executes set on obj. ok is false when a non-null field
// came out null, which makes obj itself null (GraphQL's null propagation).
func (ec *execution) selectionSet(obj object, set ast.SelectionSet, path []any) (orderedObject, bool) {
	fields := ec.collectFields(obj.typeName(), set, nil)
	out := make(orderedObject, 0, len(fields))
	for _, c := range fields {
		f := c.fields[0]
		fpath := append(path[:len(path):len(path)], c.key)
		if f.Name == "__typename" {
			out = append(out, member{c.key, obj.typeName()})
			continue
		}
		val, err := obj.field(ec, f.Name, f.ArgumentMap(ec.vars))
		if err != nil {
			ec.addError(err, f, fpath)
			val = nil
		}
		var sub ast.SelectionSet
		for _, g := range c.fields {
			sub = append(sub, g.SelectionSet...)
		}
		v, ok := ec.complete(f, f.Definition.Type, val, sub, fpath)
		if !ok {
			return nil, false
		}
		out = append(out, member{c.key, v})
	}
	return out, true
}

// complete turns a resolved value into its JSON form for typ. ok is false
// when a non-null position is null.
func (ec *execution) complete(f *ast.Field, typ *ast.Type, val any, sub ast.SelectionSet, path []any) (any, bool) {
	if isNil(val) {
		if typ.NonNull {
			if len(ec.errors) == 0 || !samePath(ec.errors[len(ec.errors)-1].Path, path) {
				ec.addError(fmt.Errorf("Cannot return null for non-nullable field %s.%s", f.ObjectDefinition.Name, f.Name), f, path)
			}
			return nil, false
		}
		return nil, true
	}
	if typ.Elem != nil {
		items, ok := val.([]any)
		if !ok {
			ec.addError(fmt.Errorf("shopifytest: %s is not a list", f.Name), f, path)
			return nil, !typ.NonNull
		}
		out := make([]any, len(items))
		for i, it := range items {
			v, ok := ec.complete(f, typ.Elem, it, sub, append(path[:len(path):len(path)], i))
			if !ok {
				return nil, !typ.NonNull
			}
			out[i] = v
		}
		return out, true
	}
	if obj, ok := val.(object); ok {
		v, ok := ec.selectionSet(obj, sub, path)
		if !ok {
			return nil, !typ.NonNull
		}
		return v, true
	}
	return val, true // a scalar or an enum value
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch v := v.(type) {
	case *string:
		return v == nil
	case *int:
		return v == nil
	}
	return false
}

func samePath(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// operation finds the operation to run, as a GraphQL server does.
func operation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, error) {
	if name != "" {
		if op := doc.Operations.ForName(name); op != nil {
			return op, nil
		}
		return nil, fmt.Errorf("No operation named %q", name)
	}
	if len(doc.Operations) != 1 {
		return nil, fmt.Errorf("An operation name is required")
	}
	return doc.Operations[0], nil
}

func lookup(o orderedObject, key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, m.val != nil
		}
	}
	return nil, false
}

// Field is lookup, for querycost.Object.
func (o orderedObject) Field(key string) (any, bool) { return lookup(o, key) }

// costs prices requests as Shopify does, against the fake's schema.
var costs = querycost.Model{Schema: schema}

// request is the body of a GraphQL request.
type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// parse parses and validates a request against the schema, picks its
// operation and coerces its variables. Its errors are Shopify-shaped.
func parse(req request) (*ast.OperationDefinition, map[string]any, []gqlError) {
	doc, errs := gqlparser.LoadQuery(schema, req.Query)
	if len(errs) > 0 {
		return nil, nil, validationErrors(errs)
	}
	op, err := operation(doc, req.OperationName)
	if err != nil {
		return nil, nil, []gqlError{{Message: err.Error(), Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}}
	}
	vars, err := validator.VariableValues(schema, op, req.Variables)
	if err != nil {
		return nil, nil, []gqlError{{Message: err.Error(), Extensions: map[string]any{"code": "INVALID_VARIABLE"}}}
	}
	return op, vars, nil
}
