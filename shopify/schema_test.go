package shopify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

// The documents this package sends, and the fake's answers to them, are
// checked here against Shopify's real Admin API schema for APIVersion, as
// @shopify/dev-mcp@1.16.0 ships it. Without node or the npm package these
// tests fail: they are what keeps the queries and the fake honest.

const devMCPVersion = "1.16.0"

var admin struct {
	once   sync.Once
	schema *ast.Schema
	err    error
}

// adminSchema converts the introspection result to SDL with graphql@16
// (once per test binary, into a temporary directory) and loads it.
func adminSchema(t *testing.T) *ast.Schema {
	t.Helper()
	admin.once.Do(func() {
		out := filepath.Join(t.TempDir(), "admin_"+APIVersion+".graphql")
		var info struct {
			DevMCP string `json:"devMcp"`
			File   string `json:"file"`
		}
		// No t.Fatal in here: it would end the Once with nothing loaded
		// and no error for the next test to report.
		raw, err := nodeOutput("schema-sdl.js", nil, APIVersion, out)
		if err != nil {
			admin.err = err
			return
		}
		if err := json.Unmarshal(raw, &info); err != nil {
			admin.err = fmt.Errorf("schema-sdl.js: %w", err)
			return
		}
		if info.DevMCP != devMCPVersion {
			admin.err = fmt.Errorf("%s is from @shopify/dev-mcp %s, want %s (run `npm ci`)", info.File, info.DevMCP, devMCPVersion)
			return
		}
		sdl, err := os.ReadFile(out)
		if err != nil {
			admin.err = err
			return
		}
		admin.schema, admin.err = gqlparser.LoadSchema(&ast.Source{Name: "admin_" + APIVersion + ".graphql", Input: string(sdl)})
	})
	if admin.err != nil {
		t.Fatalf("loading Shopify's Admin schema %s: %v", APIVersion, admin.err)
	}
	return admin.schema
}

// TestDocumentsMatchShopifySchema validates every document of queries.go:
// an unknown field, a missing required argument or a wrong type fails,
// and so does a field Shopify has deprecated.
func TestDocumentsMatchShopifySchema(t *testing.T) {
	s := adminSchema(t)
	for _, name := range sortedKeys(documents) {
		doc, errs := gqlparser.LoadQuery(s, documents[name])
		if len(errs) > 0 {
			t.Errorf("%s does not match Shopify's %s schema:\n%v", name, APIVersion, errs)
			continue
		}
		for _, d := range deprecated(doc) {
			t.Errorf("%s uses %s", name, d)
		}
	}
}

// TestSchemaCatchesMistakes makes sure the validation above is not vacuous.
func TestSchemaCatchesMistakes(t *testing.T) {
	s := adminSchema(t)
	for _, tc := range []struct{ doc, want string }{
		{`{ deliveryPromiseSettings { procesingTime } }`, `Cannot query field "procesingTime" on type "DeliveryPromiseSetting"`},
		{`{ product { id } }`, `argument "id" of type "ID!" is required`},
		{`{ productByIdentifier(identifier: "wool-sweater") { id } }`, `ProductIdentifierInput`},
		{`{ product(id: "gid://shopify/Product/1") { collections { nodes { handle } } } }`, ``}, // valid: first is optional in the schema
		{`{ product(id: "gid://shopify/Product/1") { metafield(namespace: "leadtime") { value } } }`, `argument "key" of type "String!" is required`},
	} {
		_, errs := gqlparser.LoadQuery(s, tc.doc)
		got := errs.Error()
		if tc.want == "" && len(errs) > 0 || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("LoadQuery(%s) = %q, want an error containing %q", tc.doc, got, tc.want)
		}
	}
	doc, _ := gqlparser.LoadQuery(s, `{ productByHandle(handle: "x") { id } shop { billingAddress { countryCodeV2 } } }`)
	if got := deprecated(doc); len(got) != 2 {
		t.Errorf("deprecated(productByHandle, billingAddress) = %v, want both", got)
	}
}

// deprecated lists the deprecated fields a validated document selects.
func deprecated(doc *ast.QueryDocument) []string {
	var out []string
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Definition != nil && s.Definition.Directives.ForName("deprecated") != nil {
					out = append(out, fmt.Sprintf("deprecated field %s.%s", s.ObjectDefinition.Name, s.Name))
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet)
	}
	return out
}

// TestFakeSchemaIsShopifys checks that the fake's schema is a subset of
// the real one: every type, field, argument, input field and enum value it
// declares exists in Shopify's schema with the same type, and none of the
// real schema's required arguments or input fields is missing.
func TestFakeSchemaIsShopifys(t *testing.T) {
	real := adminSchema(t)
	fake, err := gqlparser.LoadSchema(&ast.Source{Name: "shopifytest/schema.graphql", Input: shopifytest.Schema()})
	if err != nil {
		t.Fatal(err)
	}
	if fake.Query.Name != real.Query.Name || fake.Mutation.Name != real.Mutation.Name {
		t.Errorf("roots %s/%s, Shopify's %s/%s", fake.Query.Name, fake.Mutation.Name, real.Query.Name, real.Mutation.Name)
	}
	for _, name := range sortedKeys(fake.Types) {
		f := fake.Types[name]
		if f.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		r := real.Types[name]
		if r == nil {
			t.Errorf("type %s is not in Shopify's schema", name)
			continue
		}
		if f.Kind != r.Kind {
			t.Errorf("%s is %s, Shopify's is %s", name, f.Kind, r.Kind)
			continue
		}
		for _, iface := range f.Interfaces {
			if !slices.Contains(r.Interfaces, iface) {
				t.Errorf("%s implements %s, Shopify's does not", name, iface)
			}
		}
		for _, v := range f.EnumValues {
			if r.EnumValues.ForName(v.Name) == nil {
				t.Errorf("enum value %s.%s is not Shopify's", name, v.Name)
			}
		}
		for _, ff := range f.Fields {
			if strings.HasPrefix(ff.Name, "__") {
				continue
			}
			rf := r.Fields.ForName(ff.Name)
			if rf == nil {
				t.Errorf("%s.%s is not in Shopify's schema", name, ff.Name)
				continue
			}
			if ff.Type.String() != rf.Type.String() {
				t.Errorf("%s.%s is %s, Shopify's is %s", name, ff.Name, ff.Type, rf.Type)
			}
			if defaultOf(ff.DefaultValue) != defaultOf(rf.DefaultValue) {
				t.Errorf("%s.%s defaults to %s, Shopify's to %s", name, ff.Name, defaultOf(ff.DefaultValue), defaultOf(rf.DefaultValue))
			}
			for _, fa := range ff.Arguments {
				ra := rf.Arguments.ForName(fa.Name)
				switch {
				case ra == nil:
					t.Errorf("%s.%s(%s:) is not in Shopify's schema", name, ff.Name, fa.Name)
				case fa.Type.String() != ra.Type.String() || defaultOf(fa.DefaultValue) != defaultOf(ra.DefaultValue):
					t.Errorf("%s.%s(%s: %s = %s), Shopify's is %s = %s", name, ff.Name, fa.Name, fa.Type, defaultOf(fa.DefaultValue), ra.Type, defaultOf(ra.DefaultValue))
				}
			}
			for _, ra := range rf.Arguments {
				if ra.Type.NonNull && ra.DefaultValue == nil && ff.Arguments.ForName(ra.Name) == nil {
					t.Errorf("%s.%s lacks Shopify's required argument %s", name, ff.Name, ra.Name)
				}
			}
		}
		if f.Kind == ast.InputObject {
			for _, rf := range r.Fields {
				if rf.Type.NonNull && rf.DefaultValue == nil && f.Fields.ForName(rf.Name) == nil {
					t.Errorf("input %s lacks Shopify's required field %s", name, rf.Name)
				}
			}
		}
	}
}

func defaultOf(v *ast.Value) string {
	if v == nil {
		return "none"
	}
	return v.String()
}

// TestQueryCosts pins the requested costs the loader's chunking relies on,
// against the fake's cost model (Shopify's rules).
func TestQueryCosts(t *testing.T) {
	srv := newFake(t)
	cost := func(doc string, vars map[string]any) int {
		resp := rawGraphQL(t, srv, doc, vars)
		ext, _ := resp["extensions"].(map[string]any)
		c, _ := ext["cost"].(map[string]any)
		n, err := strconv.Atoi(fmt.Sprint(c["requestedQueryCost"]))
		if err != nil {
			t.Fatalf("no cost in %v", resp)
		}
		return n
	}
	for _, tc := range []struct {
		name string
		doc  string
		vars map[string]any
		want int
	}{
		// At most 100 points for a product, whatever it has (issue 11 item 8).
		{"LeadtimeProduct", queryProduct, map[string]any{"id": GID("Product", 1001)}, 95},
		{"LeadtimeProductLean", queryProductLean, map[string]any{"id": GID("Product", 1001)}, 68},
		{"LeadtimeProductByHandle", queryProductByHandle, map[string]any{"handle": "wool-sweater"}, 95},
		{"LeadtimeProductByHandleLean", queryProductByHandleLean, map[string]any{"handle": "wool-sweater"}, 68},
		{"LeadtimeProductVariants of 3", queryProductVariants, map[string]any{"id": GID("Product", 1001), "first": 3, "after": "c9"}, 1 + 2 + 3*6},
		{"LeadtimeProductVariants of 90", queryProductVariants, map[string]any{"id": GID("Product", 1001), "first": 90, "after": "c9"}, 1 + 2 + 90*6},
		// Fulfilment reads (fulfillment.go, bulk.go): 20 events of 1 point.
		{"LeadtimeFulfillmentDelivery", queryFulfillmentDelivery, map[string]any{"id": GID("Fulfillment", 5500)}, 1 + 2 + 20},
		{"LeadtimeFulfillment", queryFulfillment, map[string]any{"id": GID("Fulfillment", 5500)}, 1 + (2 + 20) + (2 + 100*4) + 3},
		{"LeadtimeOrderFulfillmentLines", queryOrderFulfillmentLines, map[string]any{"id": GID("Order", 55)}, 1 + 1 + (2 + 20) + (2 + 250*2)},
	} {
		if got := cost(tc.doc, tc.vars); got != tc.want {
			t.Errorf("%s costs %d, want %d", tc.name, got, tc.want)
		}
	}
	for _, q := range []*productQueries{withCollections, withoutCollections} {
		nodeCost := map[*productQueries]int{withCollections: variantNodeCost, withoutCollections: leanVariantNodeCost}[q]
		for _, n := range []int{1, 7, q.maxNodes} {
			ids := make([]any, n)
			for i := range ids {
				ids[i] = GID("ProductVariant", int64(2001+i))
			}
			if got := cost(q.variants, map[string]any{"ids": ids}); got != n*nodeCost {
				t.Errorf("%s of %d ids costs %d, want %d × %d", q.variantsOp, n, got, n, nodeCost)
			}
		}
		if q.maxNodes*nodeCost > maxQueryCost || (q.maxNodes+1)*nodeCost <= maxQueryCost && q.maxNodes < 250 {
			t.Errorf("%s: %d ids is not the most under %d points at %d each", q.variantsOp, q.maxNodes, maxQueryCost, nodeCost)
		}
	}
	if variantNodeCost != 38 || maxNodesPerQuery != 26 || leanVariantNodeCost != 11 || leanMaxNodesPerQuery != 90 {
		t.Errorf("a cart line costs %d points (%d a query) with collections and %d (%d a query) without; want 38 (26) and 11 (90)",
			variantNodeCost, maxNodesPerQuery, leanVariantNodeCost, leanMaxNodesPerQuery)
	}
}

// TestProductQueries checks that each set of loader documents sends the
// operation it names, and that the lean set selects no collections.
func TestProductQueries(t *testing.T) {
	for _, q := range []*productQueries{withCollections, withoutCollections} {
		for doc, op := range map[string]string{q.product: q.productOp, q.byHandle: q.byHandleOp, q.variants: q.variantsOp} {
			if !strings.HasPrefix(doc, "query "+op+"(") {
				t.Errorf("document of %s does not define it:\n%s", op, doc)
			}
			if name := "Query" + strings.TrimPrefix(op, "Leadtime"); documents[name] != doc {
				t.Errorf("%s is not in documents as %s, so the schema test does not see it", op, name)
			}
			if got := strings.Contains(doc, "collections("); got != (q == withCollections) {
				t.Errorf("%s selects collections: %v", op, got)
			}
		}
	}
}

// TestFakeAnswersHaveShopifyShapes runs every document against the fake,
// with data that exercises nulls, lists and abstract types, and checks
// each answer against the real schema: every selected field present and
// nothing else, lists where lists are declared, objects where objects,
// scalars and enum values of the right kind, and no null where Shopify
// promises a value.
func TestFakeAnswersHaveShopifyShapes(t *testing.T) {
	s := adminSchema(t)
	srv := newFake(t)
	settings := []MetafieldInput{{Namespace: "leadtime", Key: "settings", Type: "json", Value: `{"shop":"x"}`}}
	if err := newClient(t, srv, Options{}).SetMetafields(t.Context(), settings); err != nil {
		t.Fatal(err)
	}
	for _, o := range backfillOrders {
		srv.AddOrder(testShop, o)
	}
	cases := []struct {
		name string
		doc  string
		vars map[string]any
	}{
		{"product", queryProduct, map[string]any{"id": GID("Product", 1001)}},
		{"product with bad metafields", queryProduct, map[string]any{"id": GID("Product", 1002)}},
		{"unknown product", queryProduct, map[string]any{"id": GID("Product", 9)}},
		{"product by handle", queryProductByHandle, map[string]any{"handle": "wool-sweater"}},
		{"unknown handle", queryProductByHandle, map[string]any{"handle": "nope"}},
		{"variants", queryVariantProducts, map[string]any{"ids": []any{
			GID("ProductVariant", 2001), GID("ProductVariant", 9999), GID("Product", 1002), GID("ProductVariant", 2010)}}},
		{"product lean", queryProductLean, map[string]any{"id": GID("Product", 1001)}},
		{"product by handle lean", queryProductByHandleLean, map[string]any{"handle": "wool-sweater"}},
		{"variants lean", queryVariantProductsLean, map[string]any{"ids": []any{
			GID("ProductVariant", 2001), GID("ProductVariant", 9999), GID("Product", 1002), GID("ProductVariant", 2010)}}},
		{"shop info", queryShopInfo, nil},
		{"shop basics", queryShopBasics, nil},
		{"shop settings", queryShopSettings, nil},
		{"definitions", mutationMetafieldDefinitions, metafieldDefinitionsVars()},
		{"definitions again (TAKEN)", mutationMetafieldDefinitions, metafieldDefinitionsVars()},
		{"one definition", mutationMetafieldDefinition, map[string]any{"definition": metafieldDefinitions()["orderPromise"]}},
		{"metafields set", mutationMetafieldsSet, map[string]any{"metafields": []any{
			map[string]any{"ownerId": GID("Order", 5), "namespace": "leadtime", "key": "promise", "type": "json", "value": `{"ships":{}}`},
		}}},
		{"metafields refused", mutationMetafieldsSet, map[string]any{"metafields": []any{
			map[string]any{"ownerId": GID("Product", 1001), "namespace": "leadtime", "key": "processing_min_days", "value": "soon"},
		}}},
		{"order promise", queryOrderPromise, map[string]any{"id": GID("Order", 5)}},
		{"unknown order", queryOrderPromise, map[string]any{"id": GID("Order", 6)}},
		{"bulk orders", mutationBulkRunQuery, map[string]any{"query": strings.Replace(queryBulkOrders, bulkSince, "2026-11-01", 1)}},
		{"bulk orders again (in progress)", mutationBulkRunQuery, map[string]any{"query": strings.Replace(queryBulkOrders, bulkSince, "2026-11-01", 1)}},
		{"unknown bulk operation", queryBulkOperation, map[string]any{"id": GID("BulkOperation", 999999)}},
		{"order fulfillment lines", queryOrderFulfillmentLines, map[string]any{"id": GID("Order", 52)}},
		{"order fulfillment lines and events", queryOrderFulfillmentLines, map[string]any{"id": GID("Order", 55)}},
		{"fulfillment", queryFulfillment, map[string]any{"id": GID("Fulfillment", 5500)}},
		{"tags added", mutationTagsAdd, map[string]any{"id": GID("Order", 5), "tags": []any{"leadtime-at-risk"}}},
		{"tags of an unknown order", mutationTagsAdd, map[string]any{"id": GID("Order", 999), "tags": []any{"leadtime-at-risk"}}},
		{"fulfillment delivered, no events", queryFulfillment, map[string]any{"id": GID("Fulfillment", 5100)}},
		{"unknown fulfillment", queryFulfillment, map[string]any{"id": GID("Fulfillment", 9)}},
		{"fulfillment delivery", queryFulfillmentDelivery, map[string]any{"id": GID("Fulfillment", 5500)}},
		{"unknown fulfillment delivery", queryFulfillmentDelivery, map[string]any{"id": GID("Fulfillment", 9)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(s, tc.doc)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			resp := rawGraphQL(t, srv, tc.doc, tc.vars)
			if errs, ok := resp["errors"]; ok {
				t.Fatalf("errors: %v", errs)
			}
			data, ok := resp["data"].(map[string]any)
			if !ok {
				t.Fatalf("no data in %v", resp)
			}
			for _, p := range checkShape(s, doc, data) {
				t.Error(p)
			}
		})
	}
}

// checkShape walks a validated operation's selection set alongside the
// answer's data and reports every departure from the schema.
func checkShape(s *ast.Schema, doc *ast.QueryDocument, data map[string]any) []string {
	op := doc.Operations[0]
	root := s.Query
	if op.Operation == ast.Mutation {
		root = s.Mutation
	}
	c := &shapeChecker{schema: s}
	c.object(op.SelectionSet, root, data, "data")
	return c.problems
}

type shapeChecker struct {
	schema   *ast.Schema
	problems []string
}

func (c *shapeChecker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *shapeChecker) object(set ast.SelectionSet, typ *ast.Definition, obj map[string]any, path string) {
	concrete := typ
	if typ.IsAbstractType() {
		name, _ := obj["__typename"].(string)
		concrete = c.schema.Types[name]
		if concrete == nil || !slices.Contains(c.schema.GetPossibleTypes(typ), concrete) {
			c.fail("%s: %q is not a type of %s (select __typename on abstract types)", path, name, typ.Name)
			return
		}
	}
	fields := map[string][]*ast.Field{}
	var keys []string
	var collect func(ast.SelectionSet)
	collect = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				key := cmp.Or(s.Alias, s.Name)
				if _, ok := fields[key]; !ok {
					keys = append(keys, key)
				}
				fields[key] = append(fields[key], s)
			case *ast.InlineFragment:
				if c.applies(concrete, s.TypeCondition) {
					collect(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				if c.applies(concrete, s.Definition.TypeCondition) {
					collect(s.Definition.SelectionSet)
				}
			}
		}
	}
	collect(set)
	for key := range obj {
		if _, ok := fields[key]; !ok {
			c.fail("%s.%s: answered but not selected", path, key)
		}
	}
	for _, key := range keys {
		v, ok := obj[key]
		if !ok {
			c.fail("%s.%s: selected but missing", path, key)
			continue
		}
		f := fields[key][0]
		if f.Name == "__typename" {
			if v != concrete.Name {
				c.fail("%s.%s: __typename %v, want %s", path, key, v, concrete.Name)
			}
			continue
		}
		def := concrete.Fields.ForName(f.Name)
		if def == nil {
			c.fail("%s.%s: %s has no field %s", path, key, concrete.Name, f.Name)
			continue
		}
		var sub ast.SelectionSet
		for _, g := range fields[key] {
			sub = append(sub, g.SelectionSet...)
		}
		c.value(def.Type, v, sub, path+"."+key)
	}
}

func (c *shapeChecker) applies(concrete *ast.Definition, cond string) bool {
	if cond == "" || cond == concrete.Name {
		return true
	}
	def := c.schema.Types[cond]
	return def != nil && slices.Contains(c.schema.GetPossibleTypes(def), concrete)
}

func (c *shapeChecker) value(typ *ast.Type, v any, set ast.SelectionSet, path string) {
	if v == nil {
		if typ.NonNull {
			c.fail("%s: null, but Shopify's type is %s", path, typ)
		}
		return
	}
	if typ.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			c.fail("%s: %T, want a list (%s)", path, v, typ)
			return
		}
		for i, e := range list {
			c.value(typ.Elem, e, set, fmt.Sprintf("%s[%d]", path, i))
		}
		return
	}
	def := c.schema.Types[typ.NamedType]
	switch def.Kind {
	case ast.Scalar:
		if !scalarOK(def.Name, v) {
			c.fail("%s: %#v is not a %s", path, v, def.Name)
		}
	case ast.Enum:
		if s, ok := v.(string); !ok || def.EnumValues.ForName(s) == nil {
			c.fail("%s: %#v is not a value of %s", path, v, def.Name)
		}
	default:
		obj, ok := v.(map[string]any)
		if !ok {
			c.fail("%s: %T, want an object (%s)", path, v, def.Name)
			return
		}
		c.object(set, def, obj, path)
	}
}

func scalarOK(name string, v any) bool {
	switch name {
	case "Int":
		n, ok := v.(json.Number)
		_, err := strconv.ParseInt(string(n), 10, 32)
		return ok && err == nil
	case "Float":
		_, ok := v.(json.Number)
		return ok
	case "Boolean":
		_, ok := v.(bool)
		return ok
	case "UnsignedInt64":
		s, ok := v.(string)
		_, err := strconv.ParseUint(s, 10, 64)
		return ok && err == nil
	case "JSON":
		return true
	}
	_, ok := v.(string) // String, ID and Shopify's string-encoded scalars
	return ok
}

// TestCheckShapeCatchesMistakes makes sure the shape check is not vacuous:
// each kind of departure from the schema is reported.
func TestCheckShapeCatchesMistakes(t *testing.T) {
	s := adminSchema(t)
	srv := newFake(t)
	doc, errs := gqlparser.LoadQuery(s, queryVariantProducts)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, tc := range []struct {
		name string
		edit func(variant map[string]any)
		want string
	}{
		{"missing field", func(v map[string]any) { delete(v["product"].(map[string]any), "handle") }, "selected but missing"},
		{"extra field", func(v map[string]any) { v["sku"] = "x" }, "answered but not selected"},
		{"null for non-null", func(v map[string]any) { v["title"] = nil }, "null, but Shopify's type is String!"},
		{"not a list", func(v map[string]any) { v["product"].(map[string]any)["tags"] = "handmade" }, "want a list"},
		{"bad enum", func(v map[string]any) { v["inventoryPolicy"] = "MAYBE" }, "not a value of ProductVariantInventoryPolicy"},
		{"bad scalar", func(v map[string]any) { v["inventoryQuantity"] = "3" }, "is not a Int"},
		{"scalar for object", func(v map[string]any) { v["inventoryItem"] = true }, "want an object"},
		{"no __typename", func(v map[string]any) { delete(v, "__typename") }, "select __typename"},
	} {
		resp := rawGraphQL(t, srv, queryVariantProducts, map[string]any{"ids": []any{GID("ProductVariant", 2001)}})
		data := resp["data"].(map[string]any)
		tc.edit(data["nodes"].([]any)[0].(map[string]any))
		got := strings.Join(checkShape(s, doc, data), "\n")
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: checkShape = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestPageSizes keeps the constants the loader reasons with in step with
// the documents.
func TestPageSizes(t *testing.T) {
	for _, doc := range []string{queryProduct, queryProductByHandle, queryProductLean, queryProductByHandleLean} {
		if !strings.Contains(doc, fmt.Sprintf("variants(first: %d)", firstVariants)) {
			t.Errorf("a product query does not ask for %d variants first", firstVariants)
		}
	}
	if !strings.Contains(fragmentLeadtimeCollections, fmt.Sprintf("collections(first: %d)", maxCollections)) {
		t.Errorf("the collections fragment does not ask for %d collections", maxCollections)
	}
}
