// Package querycost is the cost model of Shopify's Admin GraphQL API
// (shopify.dev/docs/api/usage/limits), for the fake Admin API in
// shopifytest: what a query is charged before it runs, and what it
// really cost once its answer is known.
package querycost

import (
	"encoding/json"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Model prices operations against one schema, whose types say which
// fields are objects and which connections.
type Model struct{ Schema *ast.Schema }

// Object is an object of an answer: its fields by response key.
type Object interface {
	Field(key string) (any, bool)
}

func field(o Object, key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	return o.Field(key)
}

// List is the list under a field of o, by its alias or else its name.
func List(o Object, alias, name string) ([]any, bool) {
	key := alias
	if key == "" {
		key = name
	}
	v, ok := field(o, key)
	if !ok {
		return nil, false
	}
	l, ok := v.([]any)
	return l, ok
}

// The cost model of Shopify's Admin API (shopify.dev/docs/api/usage/limits):
// scalars and enums cost 0, an object 1, a connection 2 plus its page size
// times the cost of one node, a list of objects fetched by ids (nodes) the
// number of ids times one object, and every mutation field 10.
const MutationCost = 10

// Requested is the cost Shopify computes before running op.
func (m Model) Requested(op *ast.OperationDefinition, vars map[string]any) int {
	if op.Operation == ast.Mutation {
		return MutationCost * len(op.SelectionSet)
	}
	return m.setCost(op.SelectionSet, vars)
}

func (m Model) setCost(set ast.SelectionSet, vars map[string]any) int {
	total := 0
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				if seen[key] {
					continue
				}
				seen[key] = true
				total += m.fieldCost(s, vars)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return total
}

func (m Model) fieldCost(f *ast.Field, vars map[string]any) int {
	if f.Definition == nil || f.Name == "__typename" {
		return 0
	}
	typ := f.Definition.Type
	def := m.Schema.Types[typ.Name()]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return 0
	}
	args := f.ArgumentMap(vars)
	if strings.HasSuffix(def.Name, "Connection") {
		return 2 + pageSize(args)*m.connectionNodeCost(f.SelectionSet, vars)
	}
	one := 1 + m.setCost(f.SelectionSet, vars)
	if ids, ok := args["ids"].([]any); ok && typ.Elem != nil {
		return len(ids) * one
	}
	return one
}

// connectionNodeCost is the cost of one node of a connection, read from its
// nodes { … } or edges { node { … } } selection.
func (m Model) connectionNodeCost(set ast.SelectionSet, vars map[string]any) int {
	best := 0
	for _, c := range FlatFields(set) {
		switch c.Name {
		case "nodes":
			best = max(best, 1+m.setCost(c.SelectionSet, vars))
		case "edges":
			for _, e := range FlatFields(c.SelectionSet) {
				if e.Name == "node" {
					best = max(best, 1+m.setCost(e.SelectionSet, vars))
				}
			}
		}
	}
	return best
}

// FlatFields are the fields of set, with those of its fragments in line.
func FlatFields(set ast.SelectionSet) []*ast.Field {
	var out []*ast.Field
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.InlineFragment:
			out = append(out, FlatFields(s.SelectionSet)...)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				out = append(out, FlatFields(s.Definition.SelectionSet)...)
			}
		}
	}
	return out
}

func pageSize(args map[string]any) int {
	for _, k := range []string{"first", "last"} {
		if n, ok := Int(args[k]); ok {
			return n
		}
	}
	return 0
}

// Int reads a GraphQL argument as an int: decoded JSON gives float64 or
// json.Number, Go callers int or int64.
func Int(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// Actual is the cost of what was returned: connections and id lists
// count the nodes they hold, null objects nothing.
func (m Model) Actual(op *ast.OperationDefinition, data Object) int {
	if op.Operation == ast.Mutation {
		return MutationCost * len(op.SelectionSet)
	}
	return m.actualSetCost(op.SelectionSet, data)
}

func (m Model) actualSetCost(set ast.SelectionSet, data Object) int {
	total := 0
	for _, f := range FlatFields(set) {
		key := f.Alias
		if key == "" {
			key = f.Name
		}
		v, ok := field(data, key)
		if !ok || f.Definition == nil {
			continue
		}
		def := m.Schema.Types[f.Definition.Type.Name()]
		if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
			continue
		}
		if strings.HasSuffix(def.Name, "Connection") {
			total += 2
			conn, _ := v.(Object)
			for _, c := range FlatFields(f.SelectionSet) {
				items, _ := List(conn, c.Alias, c.Name)
				for _, it := range items {
					switch c.Name {
					case "nodes":
						node, _ := it.(Object)
						total += 1 + m.actualSetCost(c.SelectionSet, node)
					case "edges":
						edge, _ := it.(Object)
						for _, e := range FlatFields(c.SelectionSet) {
							if node, ok := field(edge, e.Name); ok && e.Name == "node" {
								n, _ := node.(Object)
								total += 1 + m.actualSetCost(e.SelectionSet, n)
							}
						}
					}
				}
			}
			continue
		}
		total += m.objectsCost(f.SelectionSet, v)
	}
	return total
}

// objectsCost is the cost of an object, or of a list of them, as returned.
func (m Model) objectsCost(set ast.SelectionSet, v any) int {
	switch v := v.(type) {
	case Object:
		return 1 + m.actualSetCost(set, v)
	case []any:
		n := 0
		for _, it := range v {
			n += m.objectsCost(set, it)
		}
		return n
	}
	return 0
}
