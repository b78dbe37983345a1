package delivery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// Settings is one shop's settings document (DESIGN §3), as merchants write
// it in YAML or JSON and as the admin API reads and writes it. It is only
// data: Compile validates it and turns it into a Shop that can quote.
type Settings struct {
	Shop            string            `json:"shop" check:"required"`
	Timezone        string            `json:"timezone" check:"required"`
	Country         string            `json:"country" check:"required"`
	Locale          string            `json:"locale,omitempty"`  // the shop's primary locale; default "en"
	Holidays        []string          `json:"holidays,omitzero"` // nil means [country]; [] means none, and omitzero keeps it
	Cutoff          string            `json:"cutoff,omitempty"`  // "HH:MM", local; default "14:00"
	CutoffByWeekday map[string]string `json:"cutoff_by_weekday,omitempty"`
	ProcessingDays  []string          `json:"processing_days,omitempty" check:"keepempty"` // default mon–fri; [] is refused
	Closures        []Closure         `json:"closures,omitempty"`
	Processing      *Days             `json:"processing,omitempty"` // default 1–3
	Backorder       *Days             `json:"backorder,omitempty"`  // default 0–0
	Rules           []Rule            `json:"rules,omitempty"`
	Shipping        Shipping          `json:"shipping" check:"required"`
	// Messages overrides the built-in texts: locale → message kind → Liquid template.
	Messages map[string]map[string]string `json:"messages,omitempty"`
	// StorefrontOrigins are extra CORS origins for the public storefront API.
	StorefrontOrigins []string `json:"storefront_origins,omitempty"`
	// Feed configures the Google Merchant Center feed.
	Feed *FeedSettings `json:"feed,omitempty"`
	// Catalog describes products offline, as Shopify would; used while the
	// shop has no Admin API token (the demo shop, `leadtime quote`).
	Catalog []Product `json:"catalog,omitempty"`
}

// Days is a range of days, both ends inclusive.
type Days struct {
	Min int `json:"min" check:"required"`
	Max int `json:"max" check:"required"`
}

// Closure is a span of days, inclusive, on which the shop processes nothing.
type Closure struct {
	From  Date   `json:"from" check:"required"`
	To    Date   `json:"to" check:"required"`
	Label string `json:"label,omitempty"`
}

// Rule sets processing time (and optionally readiness or a ships-on date)
// for the items it matches.
type Rule struct {
	Name       string    `json:"name" check:"required"`
	Match      Match     `json:"match" check:"required"`
	Processing *Days     `json:"processing,omitempty"`
	Readiness  Readiness `json:"readiness,omitempty"`
	ShipsOn    *Date     `json:"ships_on,omitempty"`
}

// Match lists what a rule matches (a key given with an empty list is
// refused, not dropped: check:"keepempty"). Keys combine with AND; the values of one
// key combine with OR.
type Match struct {
	Variants     []Ref `json:"variants,omitempty" check:"keepempty"`
	Products     []Ref `json:"products,omitempty" check:"keepempty"` // handle or numeric id
	Collections  []Ref `json:"collections,omitempty" check:"keepempty"`
	Tags         []Ref `json:"tags,omitempty" check:"keepempty"`
	Vendors      []Ref `json:"vendors,omitempty" check:"keepempty"`
	ProductTypes []Ref `json:"product_types,omitempty" check:"keepempty"`
}

// Ref is a match value: a string, or a number written without quotes
// (variant and product ids), kept as its decimal text.
type Ref string

// UnmarshalJSON accepts a JSON string or an integer.
func (r *Ref) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = Ref(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	if _, err := n.Int64(); err != nil {
		return fmt.Errorf("%s: not a string or an integer", b)
	}
	*r = Ref(n.String())
	return nil
}

// Shipping describes carrier days and transit times by zone.
type Shipping struct {
	CarrierDays []string `json:"carrier_days,omitempty" check:"keepempty"` // default mon–fri; [] is refused
	// DestinationHolidays skips the destination country's public holidays
	// in transit. Default true: a later honest date beats an early wrong one.
	DestinationHolidays *bool  `json:"destination_holidays,omitempty"`
	Zones               []Zone `json:"zones" check:"required"`
}

// Zone is a set of destination countries ("*" for the rest of the world)
// and the shipping methods that serve them.
type Zone struct {
	Name      string   `json:"name" check:"required"`
	Countries []string `json:"countries" check:"required"`
	Methods   []Method `json:"methods" check:"required"`
}

// Method is one shipping method with its transit time in carrier days.
type Method struct {
	Code string `json:"code" check:"required"`
	Name string `json:"name,omitempty"`
	Min  int    `json:"min" check:"required"`
	Max  int    `json:"max" check:"required"`
	// CheckoutTitles are the titles or codes of the Shopify delivery
	// options this method is, as checkout shows them ("Standard",
	// "PostNord MyPack Home"), compared ignoring case and surrounding
	// spaces. The checkout function renames only an option it can match;
	// when empty, the method's name and code are matched instead.
	CheckoutTitles []string `json:"checkout_titles,omitempty"`
}

// Readiness says whether an item is made after the order or waits on a shelf.
type Readiness string

// The readiness values.
const (
	ReadyToShip Readiness = "ready_to_ship"
	MadeToOrder Readiness = "made_to_order"
)

// Product is a product as Shopify describes it, reduced to what a quote
// needs. The shopify package maps Admin API data to it; the catalog of a
// settings document holds the same shape.
type Product struct {
	ID          int64      `json:"id" check:"required"`
	Handle      string     `json:"handle" check:"required"`
	Title       string     `json:"title,omitempty"`
	Vendor      string     `json:"vendor,omitempty"`
	ProductType string     `json:"product_type,omitempty"`
	Tags        []string   `json:"tags,omitempty"`
	Collections []string   `json:"collections,omitempty"` // handles
	Metafields  Metafields `json:"metafields,omitzero"`
	Variants    []Variant  `json:"variants" check:"required"`
}

// Variant is one variant of a product.
type Variant struct {
	ID    int64  `json:"id" check:"required"`
	Title string `json:"title,omitempty"`
	// InventoryQuantity is nil when inventory is not tracked: then the
	// variant is always in stock.
	InventoryQuantity *int `json:"inventory_quantity,omitempty"`
	// InventoryPolicy is "deny" (the default) or "continue" (sold on backorder).
	InventoryPolicy string     `json:"inventory_policy,omitempty"`
	Metafields      Metafields `json:"metafields,omitzero"`
	// InventoryItemID is Shopify's inventory item of the variant, used to
	// map stock webhooks (inventory_levels/update names the item, not the
	// variant) to it; 0 when unknown. A settings catalog may leave it out.
	InventoryItemID int64 `json:"inventory_item_id,omitempty"`
}

// Metafields are the leadtime.* metafields of a product or variant.
type Metafields struct {
	ProcessingMinDays *int      `json:"processing_min_days,omitempty"`
	ProcessingMaxDays *int      `json:"processing_max_days,omitempty"`
	Readiness         Readiness `json:"readiness,omitempty"`
	ShipsOn           *Date     `json:"ships_on,omitempty"`
}

// The inventory policies, as Shopify names them (lower case).
const (
	PolicyDeny     = "deny"
	PolicyContinue = "continue"
)

// ErrInvalidSettings is matched by every settings validation error.
var ErrInvalidSettings = errors.New("invalid settings")

// Problem is one thing wrong with a settings document, at a path such as
// "rules[2].processing.min".
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in a settings document.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s) in settings:\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// Unwrap makes errors.Is(err, ErrInvalidSettings) true.
func (e *ValidationError) Unwrap() error { return ErrInvalidSettings }

// problems collects Problems while a document is checked.
type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// MaxSettingsSize bounds a settings document, catalog included.
const MaxSettingsSize = 4 << 20

// ParseSettings decodes a settings document in YAML or JSON (JSON is
// recognised by its leading '{'). Unknown keys and values of the wrong type
// are reported together, by path, as a *ValidationError. It does not check
// the meaning of the values: Compile does (LoadShop does both).
func ParseSettings(data []byte) (*Settings, error) {
	s, ps, err := parseSettings(data)
	if err != nil {
		return nil, err
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// parseSettings decodes as much of a document as fits Settings and lists
// what does not. err is set only when the document cannot be read at all.
func parseSettings(data []byte) (*Settings, problems, error) {
	if len(data) > MaxSettingsSize {
		return nil, nil, &ValidationError{Problems: []Problem{{Message: fmt.Sprintf("document is larger than %d bytes", MaxSettingsSize)}}}
	}
	tree, err := decodeTree(data)
	if err != nil {
		return nil, nil, &ValidationError{Problems: []Problem{{Message: err.Error()}}}
	}
	var ps problems
	if !checkTree(&ps, "", tree, settingsType) {
		return nil, nil, ps.err()
	}
	// checkTree dropped whatever did not fit Settings, so this round trip
	// cannot fail on a type; it only maps the generic tree onto the struct.
	canonical, err := json.Marshal(tree)
	if err != nil {
		return nil, nil, &ValidationError{Problems: []Problem{{Message: err.Error()}}}
	}
	var s Settings
	if err := json.Unmarshal(canonical, &s); err != nil {
		return nil, nil, &ValidationError{Problems: []Problem{{Message: err.Error()}}}
	}
	return &s, ps, nil
}

// decodeTree parses YAML or JSON into maps, slices and scalars, with
// numbers as json.Number.
func decodeTree(data []byte) (any, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("document is empty")
	}
	var tree any
	if trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&tree); err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		if dec.More() {
			return nil, errors.New("invalid JSON: trailing data after the document")
		}
		return tree, nil
	}
	if err := checkYAMLNesting(trimmed); err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(trimmed, &tree); err != nil {
		return nil, fmt.Errorf("invalid YAML: %s", firstLine(err.Error()))
	}
	budget := maxYAMLNodes
	return normaliseYAML(tree, &budget)
}

// Limits on the shape of a YAML document. A settings document nests fewer
// than ten levels deep and has at most a few nodes per byte. The YAML
// parser takes time more than quadratic in the nesting depth (a few hundred
// kilobytes of "[[[[" hold a CPU for minutes and exhaust memory), and
// aliases can make a tiny document stand for billions of nodes, so both are
// bounded before the document is walked.
const (
	maxYAMLFlowDepth = 32  // nested [ ] and { }
	maxYAMLColumn    = 256 // column of a block "-", "?" or ":" (block nesting needs indentation)
	maxYAMLNodes     = MaxSettingsSize
)

var errYAMLTooDeep = fmt.Errorf("invalid YAML: nested too deeply (more than %d levels of [ ] and { }, or a key past column %d)", maxYAMLFlowDepth, maxYAMLColumn)

// checkYAMLNesting rejects documents nested too deeply for the YAML parser,
// using its lexer, which is linear.
func checkYAMLNesting(data []byte) error {
	flow := 0
	for _, tk := range lexer.Tokenize(string(data)) {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			if flow++; flow > maxYAMLFlowDepth {
				return errYAMLTooDeep
			}
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		case token.SequenceEntryType, token.MappingKeyType, token.MappingValueType:
			if flow == 0 && tk.Position != nil && tk.Position.Column > maxYAMLColumn {
				return errYAMLTooDeep
			}
		}
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// normaliseYAML turns the YAML decoder's numbers into json.Number and its
// map keys into strings, so YAML and JSON documents check identically. It
// visits at most *budget nodes: an alias is visited again at each use.
func normaliseYAML(v any, budget *int) (any, error) {
	if *budget--; *budget < 0 {
		return nil, errors.New("invalid YAML: the document expands to too many values (aliases?)")
	}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			n, err := normaliseYAML(e, budget)
			if err != nil {
				return nil, err
			}
			v[k] = n
		}
		return v, nil
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			n, err := normaliseYAML(e, budget)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = n
		}
		return m, nil
	case []any:
		for i, e := range v {
			n, err := normaliseYAML(e, budget)
			if err != nil {
				return nil, err
			}
			v[i] = n
		}
		return v, nil
	case uint64:
		return json.Number(strconv.FormatUint(v, 10)), nil
	case int64:
		return json.Number(strconv.FormatInt(v, 10)), nil
	case int:
		return json.Number(strconv.Itoa(v)), nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Sprint(v), nil // not a number JSON can carry
		}
		return json.Number(strconv.FormatFloat(v, 'g', -1, 64)), nil
	case nil, string, bool:
		return v, nil
	case json.Number:
		return v, nil // normalised already: an alias visits its node again
	default:
		// Timestamps and other YAML-only types: keep their text.
		return fmt.Sprint(v), nil
	}
}
