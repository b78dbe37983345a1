package functionconfig_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// The function's input query and every output are checked against
// Shopify's real Function schema for the Delivery Customization API
// 2026-07, as @shopify/dev-mcp@1.16.0 ships it (an introspection result,
// converted to SDL with graphql@16 from the root package.json).

const (
	devMCPVersion = "1.16.0"
	schemaName    = "functions_delivery_customization_2026-07"
	extensionDir  = "../extensions/leadtime-delivery-dates"
	outputType    = "CartDeliveryOptionsTransformRunResult"
	outputField   = "cartDeliveryOptionsTransformRun"
)

var function struct {
	once   sync.Once
	schema *ast.Schema
	// emptyInputs are the input objects without fields, which the SDL
	// gives a placeholder field _noFields.
	emptyInputs []string
	err         error
}

func functionSchema(t testing.TB) *ast.Schema {
	t.Helper()
	function.once.Do(func() {
		out := filepath.Join(os.TempDir(), fmt.Sprintf("leadtime-%s-%d.graphql", schemaName, os.Getpid()))
		defer os.Remove(out)
		raw, err := node(t, "..", nil, filepath.Join("functionconfig", "testdata", "schema-sdl.js"), schemaName, out)
		if err != nil {
			function.err = err
			return
		}
		var info struct {
			DevMCP      string   `json:"devMcp"`
			EmptyInputs []string `json:"emptyInputs"`
		}
		if err := json.Unmarshal(raw, &info); err != nil {
			function.err = err
			return
		}
		function.emptyInputs = info.EmptyInputs
		if info.DevMCP != devMCPVersion {
			function.err = fmt.Errorf("@shopify/dev-mcp is %s, want %s (run `npm ci`)", info.DevMCP, devMCPVersion)
			return
		}
		sdl, err := os.ReadFile(out)
		if err != nil {
			function.err = err
			return
		}
		function.schema, function.err = gqlparser.LoadSchema(&ast.Source{Name: schemaName + ".graphql", Input: string(sdl)})
	})
	if function.err != nil {
		t.Fatalf("loading Shopify's %s schema: %v", schemaName, function.err)
	}
	return function.schema
}

// node runs a node script in dir and returns its stdout. Without node the
// test fails: the function is JavaScript, and a skipped check would hide
// a broken checkout.
func node(t testing.TB, dir string, stdin []byte, args ...string) ([]byte, error) {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is required to check the delivery function (make deps): %w", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// inputQuery loads src/run.graphql, validated against the schema.
func inputQuery(t testing.TB) *ast.QueryDocument {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(extensionDir, "src", "run.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	doc, errs := gqlparser.LoadQuery(functionSchema(t), string(src))
	if len(errs) > 0 {
		t.Fatalf("src/run.graphql does not match Shopify's %s schema:\n%v", schemaName, errs)
	}
	return doc
}

// TestInputQueryMatchesSchema: every field, argument and variable of the
// input query exists with its type, and none is deprecated.
func TestInputQueryMatchesSchema(t *testing.T) {
	doc := inputQuery(t)
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Definition != nil && s.Definition.Directives.ForName("deprecated") != nil {
					t.Errorf("src/run.graphql uses the deprecated field %s.%s", s.ObjectDefinition.Name, s.Name)
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			}
		}
	}
	walk(doc.Operations[0].SelectionSet)
}

// TestSchemaCatchesMistakes makes sure the checks are not vacuous: a
// misspelt field, the 2026-07 rename shape of the old target and a bad
// output are all rejected.
func TestSchemaCatchesMistakes(t *testing.T) {
	s := functionSchema(t)
	for _, doc := range []string{
		`{ cart { deliveryGroups { deliveryOptions { hanlde } } } }`,
		`{ shop { localTime { timeBefore } } }`,
		`query($t: [Int!]) { cart { lines { merchandise { ... on ProductVariant { product { hasTags(tags: $t) { tag } } } } } } }`,
	} {
		if _, errs := gqlparser.LoadQuery(s, doc); len(errs) == 0 {
			t.Errorf("LoadQuery(%s) = no error, want one", doc)
		}
	}
	for _, out := range []any{
		map[string]any{"operations": []any{map[string]any{"rename": map[string]any{"deliveryOptionHandle": "h", "title": "t"}}}},
		map[string]any{"operations": []any{map[string]any{"deliveryOptionRename": map[string]any{"deliveryOptionHandle": "h"}}}},
		map[string]any{},
	} {
		if err := validateOutput(t, out); err == nil {
			t.Errorf("validateOutput(%v) = nil, want an error", out)
		}
	}
	// The old target's result takes no operation at all in 2026-07.
	if s.Types["DeprecatedOperation"] == nil || !slices.Contains(function.emptyInputs, "DeprecatedOperation") {
		t.Errorf("DeprecatedOperation is not an input with no fields (inputs without fields: %v): reconsider the target", function.emptyInputs)
	}
}

var outputDoc struct {
	once sync.Once
	op   *ast.OperationDefinition
}

// validateOutput checks a function output as Shopify does: as the value
// of the target's result type.
func validateOutput(t testing.TB, out any) error {
	s := functionSchema(t)
	outputDoc.once.Do(func() {
		doc, errs := gqlparser.LoadQuery(s, fmt.Sprintf("mutation Out($result: %s!) { %s(result: $result) }", outputType, outputField))
		if len(errs) > 0 {
			t.Fatalf("the output document: %v", errs)
		}
		outputDoc.op = doc.Operations[0]
	})
	// Round trip through JSON, as Shopify reads the output.
	raw, err := json.Marshal(out)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	if _, gerr := validator.VariableValues(s, outputDoc.op, map[string]any{"result": v}); gerr != nil {
		return gerr
	}
	return nil
}

// validateVariables checks a config as the input query's variables.
func validateVariables(t testing.TB, doc *ast.QueryDocument, config []byte) error {
	var vars map[string]any
	if err := json.Unmarshal(config, &vars); err != nil {
		return err
	}
	s := functionSchema(t)
	if _, gerr := validator.VariableValues(s, doc.Operations[0], vars); gerr != nil {
		return gerr
	}
	return nil
}

// checkShape reports where an input is not what the query selects:
// a missing or extra key, a null where the schema says non-null, a value
// of the wrong kind, an enum value the schema does not have.
func checkShape(s *ast.Schema, path string, set ast.SelectionSet, v map[string]any, typename string) []string {
	var problems []string
	fields := selected(set, typename)
	for _, f := range fields {
		value, ok := v[f.Alias]
		if !ok {
			problems = append(problems, path+"."+f.Alias+" is missing")
			continue
		}
		problems = append(problems, checkValue(s, path+"."+f.Alias, f, f.Definition.Type, value)...)
	}
	for k := range v {
		if !slices.ContainsFunc(fields, func(f *ast.Field) bool { return f.Alias == k }) {
			problems = append(problems, path+"."+k+" is not in the query")
		}
	}
	return problems
}

// selected flattens a selection set for an object of typename: its fields
// and those of the inline fragments on that type.
func selected(set ast.SelectionSet, typename string) []*ast.Field {
	var out []*ast.Field
	for _, sel := range set {
		switch f := sel.(type) {
		case *ast.Field:
			out = append(out, f)
		case *ast.InlineFragment:
			if f.TypeCondition == typename {
				out = append(out, selected(f.SelectionSet, typename)...)
			}
		}
	}
	return out
}

func checkValue(s *ast.Schema, path string, f *ast.Field, typ *ast.Type, value any) []string {
	if value == nil {
		if typ.NonNull {
			return []string{path + " is null, but the schema says " + typ.String()}
		}
		return nil
	}
	if typ.Elem != nil {
		list, ok := value.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s = %v, want a list", path, value)}
		}
		var problems []string
		for i, e := range list {
			problems = append(problems, checkValue(s, fmt.Sprintf("%s[%d]", path, i), f, typ.Elem, e)...)
		}
		return problems
	}
	def := s.Types[typ.NamedType]
	switch def.Kind {
	case ast.Object, ast.Interface, ast.Union:
		obj, ok := value.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s = %v, want an object", path, value)}
		}
		typename := typ.NamedType
		if tn, ok := obj[typenameAlias(f.SelectionSet)].(string); ok {
			typename = tn
		}
		return checkShape(s, path, f.SelectionSet, obj, typename)
	case ast.Enum:
		str, _ := value.(string)
		if def.EnumValues.ForName(str) == nil {
			return []string{fmt.Sprintf("%s = %v, not a %s", path, value, def.Name)}
		}
	case ast.Scalar:
		var ok bool
		switch def.Name {
		case "Boolean":
			_, ok = value.(bool)
		case "Int", "Float":
			_, ok = value.(float64)
		case "JSON":
			ok = true
		default:
			_, ok = value.(string)
		}
		if !ok {
			return []string{fmt.Sprintf("%s = %v (%T), not a %s", path, value, value, def.Name)}
		}
	}
	return nil
}

// typenameAlias is the key under which set selects __typename (its alias,
// or "__typename").
func typenameAlias(set ast.SelectionSet) string {
	for _, sel := range set {
		if f, ok := sel.(*ast.Field); ok && f.Name == "__typename" {
			return f.Alias
		}
	}
	return "__typename"
}

// enumValues lists an enum of the schema.
func enumValues(t testing.TB, name string) []string {
	def := functionSchema(t).Types[name]
	if def == nil {
		t.Fatalf("the schema has no %s", name)
	}
	var out []string
	for _, v := range def.EnumValues {
		out = append(out, v.Name)
	}
	slices.Sort(out)
	return out
}
