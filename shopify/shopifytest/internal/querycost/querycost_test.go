package querycost

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const sdl = `
type Query { product(id: ID!): Product  products(first: Int, last: Int): ProductConnection  nodes(ids: [ID!]!): [Product] }
type Mutation { tagsAdd(id: ID!): Product  other(id: ID!): Product }
type Product { id: ID!  title: String  variants(first: Int): VariantConnection }
type ProductConnection { nodes: [Product!]!  edges: [ProductEdge!]! }
type ProductEdge { node: Product! }
type Variant { id: ID! }
type VariantConnection { nodes: [Variant!]! }
`

// answer is an object of an answer, as the fake builds them.
type answer map[string]any

func (a answer) Field(key string) (any, bool) { v, ok := a[key]; return v, ok && v != nil }

// TestCosts prices queries a person can count by hand: an object is 1, a
// connection 2 plus its page size times one node, ids one object each,
// scalars nothing, every mutation field 10; the actual cost counts what
// came back.
func TestCosts(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: sdl})
	m := Model{Schema: schema}
	variants := func(n int) answer {
		var nodes []any
		for range n {
			nodes = append(nodes, answer{"id": "v"})
		}
		return answer{"nodes": nodes}
	}
	for _, tc := range []struct {
		name            string
		query           string
		vars            map[string]any
		data            answer
		requested, real int
	}{
		{"one object", `{ product(id: "1") { id title } }`, nil,
			answer{"product": answer{"id": "1"}}, 1, 1},
		{"missing object", `{ product(id: "1") { id } }`, nil,
			answer{"product": nil}, 1, 0},
		// 1 for the product, 2 + 10 × 1 for its variants; two came back.
		{"nested connection", `{ product(id: "1") { variants(first: 10) { nodes { id } } } }`, nil,
			answer{"product": answer{"variants": variants(2)}}, 13, 1 + 2 + 2},
		// 2 + 5 × (1 + 2 + 3 × 1): page size from a variable, edges too.
		{"connection of connections", `query($n: Int) { products(first: $n) { edges { node { variants(first: 3) { nodes { id } } } } } }`, map[string]any{"n": 5},
			answer{"products": answer{"edges": []any{answer{"node": answer{"variants": variants(1)}}}}}, 2 + 5*(1+2+3), 2 + 1 + 2 + 1},
		{"ids", `{ nodes(ids: ["1", "2", "3"]) { id } }`, nil,
			answer{"nodes": []any{answer{"id": "1"}, nil, answer{"id": "3"}}}, 3, 2},
		{"mutations", `mutation { tagsAdd(id: "1") { id } other(id: "2") { id } }`, nil, nil, 2 * MutationCost, 2 * MutationCost},
	} {
		doc, errs := gqlparser.LoadQuery(schema, tc.query)
		if errs != nil {
			t.Fatalf("%s: %v", tc.name, errs)
		}
		op := doc.Operations[0]
		if got := m.Requested(op, tc.vars); got != tc.requested {
			t.Errorf("Requested(%s) = %d, want %d", tc.name, got, tc.requested)
		}
		if got := m.Actual(op, tc.data); got != tc.real {
			t.Errorf("Actual(%s) = %d, want %d", tc.name, got, tc.real)
		}
	}
}
