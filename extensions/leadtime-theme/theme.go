// Package theme holds Leadtime's theme app extension (blocks/, snippets/, assets/, locales/,
// as the Shopify CLI uploads them; this file is not part of the upload) and renders its blocks
// outside Shopify, for the demo storefront: the demo shows the blocks' own markup, not a copy.
//
// The blocks are written in the part of Shopify's Liquid that osteele/liquid also reads (no
// keyword arguments; {% render %} is provided here), and the Shopify-only filters they use are
// stood in for as the tests' reference renderer does (liquid-snippets/testdata/render_batch.rb).
// tests/theme renders the same blocks with the same objects in both engines and compares them.
// Blocks are trusted, embedded files; merchant data reaches them only as values, which the
// templates escape.
package theme

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osteele/liquid"
	"github.com/osteele/liquid/render"
	"github.com/osteele/tuesday"
)

//go:embed blocks/*.liquid snippets/*.liquid locales/*.json assets/*
var files embed.FS

// Files returns the extension's files: blocks/, snippets/, locales/ and assets/.
func Files() fs.FS { return files }

// schemaRE finds a block's {% schema %}.
var schemaRE = regexp.MustCompile(`(?s)\{%-?\s*schema\s*-?%\}(.*?)\{%-?\s*endschema\s*-?%\}`)

// Schema is the part of a block's {% schema %} that rendering needs.
type Schema struct {
	Name     string           `json:"name"`
	Target   string           `json:"target"`
	Settings []map[string]any `json:"settings"`
}

// BlockSchema reads the {% schema %} of the block called name ("product-promise").
func BlockSchema(name string) (*Schema, error) {
	src, err := fs.ReadFile(files, "blocks/"+name+".liquid")
	if err != nil {
		return nil, err
	}
	m := schemaRE.FindSubmatch(src)
	if m == nil {
		return nil, fmt.Errorf("blocks/%s.liquid: no {%% schema %%}", name)
	}
	var s Schema
	if err := json.Unmarshal(m[1], &s); err != nil {
		return nil, fmt.Errorf("blocks/%s.liquid: schema: %w", name, err)
	}
	return &s, nil
}

// Defaults returns the default value of each of the schema's settings, as Shopify fills
// block.settings until the merchant changes them.
func (s *Schema) Defaults() map[string]any {
	out := map[string]any{}
	for _, st := range s.Settings {
		if id, ok := st["id"].(string); ok {
			if v, ok := st["default"]; ok {
				out[id] = v
			}
		}
	}
	return out
}

// Options configure a Renderer.
type Options struct {
	// Locale is the storefront language: en, sv, de or fr.
	Locale string
	// Now is the shop's clock ("now" in the date filter); nil means time.Now.
	Now func() time.Time
	// Location is the shop's time zone; nil means UTC.
	Location *time.Location
	// AssetURL returns the URL of an extension asset; nil means "/assets/NAME".
	AssetURL func(name string) string
}

// Renderer renders the extension's blocks. It is safe for concurrent use.
type Renderer struct {
	opts     Options
	engine   *liquid.Engine
	locale   map[string]any
	mu       sync.Mutex
	compiled map[string]*liquid.Template // by path, parsed once
}

// NewRenderer returns a Renderer for opts.
func NewRenderer(opts Options) (*Renderer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.AssetURL == nil {
		opts.AssetURL = func(name string) string { return "/assets/" + name }
	}
	file := "locales/" + opts.Locale + ".json"
	if opts.Locale == "" || opts.Locale == "en" {
		file = "locales/en.default.json"
	}
	data, err := fs.ReadFile(files, file)
	if err != nil {
		return nil, fmt.Errorf("locale %q: %w", opts.Locale, err)
	}
	r := &Renderer{opts: opts, compiled: map[string]*liquid.Template{}}
	if err := json.Unmarshal(data, &r.locale); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	r.engine = liquid.NewEngine()
	r.engine.RegisterTag("render", r.renderTag)
	// {% schema %} configures the theme editor and {% doc %} documents a snippet: no output.
	nothing := func(render.Context) (string, error) { return "", nil }
	r.engine.RegisterBlock("schema", nothing)
	r.engine.RegisterBlock("doc", nothing)
	r.engine.RegisterFilter("t", r.translate)
	r.engine.RegisterFilter("date", r.date)
	r.engine.RegisterFilter("asset_url", func(name string) string { return opts.AssetURL(name) })
	r.engine.RegisterFilter("stylesheet_tag", func(url string) string {
		return `<link href="` + htmlEscaper.Replace(url) + `" rel="stylesheet" type="text/css" media="all" />`
	})
	// escape as Shopify's (Ruby's CGI.escapeHTML), entity for entity.
	r.engine.RegisterFilter("escape", func(v any) any {
		switch v := v.(type) {
		case nil:
			return nil
		case string:
			return htmlEscaper.Replace(v)
		default:
			return htmlEscaper.Replace(fmt.Sprint(v))
		}
	})
	// Arithmetic reads numbers as Ruby does: "5" is 5, and text that is no number is 0.
	r.engine.RegisterFilter("plus", func(a, b any) any { return number(toNumber(a) + toNumber(b)) })
	r.engine.RegisterFilter("minus", func(a, b any) any { return number(toNumber(a) - toNumber(b)) })
	r.engine.RegisterFilter("floor", func(a any) any { return number(math.Floor(toNumber(a))) })
	r.engine.RegisterFilter("at_least", func(a, b any) any { return number(max(toNumber(a), toNumber(b))) })
	r.engine.RegisterFilter("at_most", func(a, b any) any { return number(min(toNumber(a), toNumber(b))) })
	return r, nil
}

// Block renders the block called name with objects (product, cart, …) shaped like Shopify's
// Liquid objects: maps, slices, strings and numbers, a metafield as {"value": …}. settings
// override the schema's defaults.
func (r *Renderer) Block(name string, settings, objects map[string]any) (string, error) {
	schema, err := BlockSchema(name)
	if err != nil {
		return "", err
	}
	tpl, err := r.template("blocks/" + name + ".liquid")
	if err != nil {
		return "", err
	}
	s := schema.Defaults()
	maps.Copy(s, settings)
	vars := map[string]any{"block": map[string]any{"id": name, "settings": s, "shopify_attributes": ""}}
	maps.Copy(vars, objects)
	out, rerr := tpl.RenderString(vars)
	if rerr != nil {
		return "", fmt.Errorf("blocks/%s.liquid: %w", name, rerr)
	}
	return out, nil
}

func (r *Renderer) template(file string) (*liquid.Template, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.compiled[file]; ok {
		return t, nil
	}
	src, err := fs.ReadFile(files, file)
	if err != nil {
		return nil, err
	}
	t, perr := r.engine.ParseTemplateLocation(src, file, 1)
	if perr != nil {
		return nil, perr
	}
	r.compiled[file] = t
	return t, nil
}

// renderTag is Shopify's {% render 'name', key: value, … %}: the snippet sees only what it is
// given.
func (r *Renderer) renderTag(ctx render.Context) (string, error) {
	args := strings.TrimSpace(ctx.TagArgs())
	if len(args) < 2 || (args[0] != '\'' && args[0] != '"') {
		return "", fmt.Errorf("render: want a quoted snippet name, got %q", args)
	}
	end := strings.IndexByte(args[1:], args[0])
	if end < 0 {
		return "", fmt.Errorf("render: unterminated name in %q", args)
	}
	name, rest := args[1:end+1], args[end+2:]
	if strings.ContainsAny(name, `/\.`) {
		return "", fmt.Errorf("render: bad snippet name %q", name)
	}
	params := map[string]any{}
	for _, arg := range splitArgs(rest) {
		key, expr, ok := strings.Cut(arg, ":")
		if !ok {
			return "", fmt.Errorf("render %s: %q is not key: value", name, arg)
		}
		v, err := ctx.EvaluateString(strings.TrimSpace(expr))
		if err != nil {
			return "", fmt.Errorf("render %s: %s: %w", name, strings.TrimSpace(key), err)
		}
		params[strings.TrimSpace(key)] = v
	}
	tpl, err := r.template(path.Join("snippets", name+".liquid"))
	if err != nil {
		return "", err
	}
	out, rerr := tpl.RenderString(params)
	if rerr != nil {
		return "", rerr
	}
	return out, nil
}

// splitArgs splits ", a: b, c: 'x, y'" at the commas outside quotes.
func splitArgs(s string) []string {
	var out []string
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	out = append(out, s[start:])
	args := out[:0]
	for _, a := range out {
		if a = strings.TrimSpace(a); a != "" {
			args = append(args, a)
		}
	}
	return args
}

// translate is the t filter: the key's text in the storefront's locale file.
func (r *Renderer) translate(key string) string {
	var v any = r.locale
	for _, k := range strings.Split(key, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			v = nil
			break
		}
		v = m[k]
	}
	if s, ok := v.(string); ok {
		return s
	}
	return "translation missing: " + key
}

// date is Shopify's date filter: "now" and "today" are the shop's clock, and dates and times
// in ISO 8601 are read in the shop's time zone. Anything else is left as it is.
func (r *Renderer) date(in any, format string) (any, error) {
	var t time.Time
	switch v := in.(type) {
	case time.Time:
		t = v
	case string:
		var err error
		switch strings.ToLower(v) {
		case "now", "today":
			t = r.opts.Now().In(r.opts.Location)
		default:
			t, err = time.ParseInLocation("2006-01-02", v, r.opts.Location)
			if err != nil {
				t, err = time.Parse(time.RFC3339, v)
			}
		}
		if err != nil {
			return in, nil
		}
	default:
		return in, nil
	}
	if format == "" {
		return in, nil
	}
	return tuesday.Strftime(format, t)
}

// number writes a whole float as an int, as Liquid prints it.
func number(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int(f)
	}
	return f
}

var htmlEscaper = strings.NewReplacer("'", "&#39;", "&", "&amp;", `"`, "&quot;", "<", "&lt;", ">", "&gt;")

// decimalRE is what Ruby's Liquid reads as a decimal; any other text is read by String#to_i.
var decimalRE = regexp.MustCompile(`^-?\d+\.\d+$`)

// toNumber reads a value as ruby-liquid's Utils.to_number does.
func toNumber(v any) float64 {
	switch v := v.(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case float64:
		return v
	case string:
		s := strings.TrimSpace(v)
		if decimalRE.MatchString(s) {
			f, _ := strconv.ParseFloat(s, 64)
			return f
		}
		// String#to_i: an optional sign and the digits that follow, else 0.
		end := 0
		if end < len(s) && (s[end] == '-' || s[end] == '+') {
			end++
		}
		for end < len(s) && s[end] >= '0' && s[end] <= '9' {
			end++
		}
		n, _ := strconv.ParseInt(s[:end], 10, 64)
		return float64(n)
	}
	return 0
}
