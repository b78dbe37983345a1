package liquidsandbox

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/leadtime-app/leadtime/liquidfmt"
	"github.com/osteele/liquid/render"
	"github.com/osteele/liquid/values"
)

// The sandbox's filters: Liquid's standard filters, written to give what
// Shopify's Liquid (ruby-liquid 5.4) gives, including its number rules
// (integers stay integers, decimals are exact and print as Ruby prints
// floats: "15.0", "0.3"; package liquidfmt, shared with the theme's
// renderer). Every result is checked against the sandbox's
// size limits, and a filter that would build something too large refuses
// before building it.

type filter struct {
	minArgs, maxArgs int // not counting the input
	fn               func(in any, args []any) (any, error)
}

var filters = map[string]filter{
	// Strings.
	"append":         {1, 1, func(in any, a []any) (any, error) { return concatStrings(toS(in), toS(a[0])) }},
	"prepend":        {1, 1, func(in any, a []any) (any, error) { return concatStrings(toS(a[0]), toS(in)) }},
	"capitalize":     {0, 0, func(in any, _ []any) (any, error) { return capitalize(toS(in)), nil }},
	"downcase":       {0, 0, func(in any, _ []any) (any, error) { return strings.ToLower(toS(in)), nil }},
	"upcase":         {0, 0, func(in any, _ []any) (any, error) { return upcase(toS(in)), nil }},
	"escape":         {0, 0, escapeFilter},
	"h":              {0, 0, escapeFilter},
	"escape_once":    {0, 0, func(in any, _ []any) (any, error) { return escapeOnce(toS(in)), nil }},
	"strip":          {0, 0, func(in any, _ []any) (any, error) { return strings.Trim(toS(in), rubySpace), nil }},
	"lstrip":         {0, 0, func(in any, _ []any) (any, error) { return strings.TrimLeft(toS(in), rubySpace), nil }},
	"rstrip":         {0, 0, func(in any, _ []any) (any, error) { return strings.TrimRight(toS(in), rubySpace), nil }},
	"strip_html":     {0, 0, stripHTML},
	"strip_newlines": {0, 0, func(in any, _ []any) (any, error) { return newlineRE.ReplaceAllString(toS(in), ""), nil }},
	"newline_to_br":  {0, 0, func(in any, _ []any) (any, error) { return replaceAll(toS(in), newlineRE, "<br />\n") }},
	"remove":         {1, 1, func(in any, a []any) (any, error) { return replace(toS(in), toS(a[0]), "", -1) }},
	"remove_first":   {1, 1, func(in any, a []any) (any, error) { return replace(toS(in), toS(a[0]), "", 1) }},
	"replace":        {1, 2, func(in any, a []any) (any, error) { return replace(toS(in), toS(a[0]), optS(a, 1), -1) }},
	"replace_first":  {1, 2, func(in any, a []any) (any, error) { return replace(toS(in), toS(a[0]), optS(a, 1), 1) }},
	"split":          {1, 1, func(in any, a []any) (any, error) { return split(toS(in), toS(a[0])) }},
	"slice":          {1, 2, sliceFilter},
	"truncate":       {0, 2, truncate},
	"truncatewords":  {0, 2, truncateWords},
	"url_encode":     {0, 0, urlEncode},
	"url_decode":     {0, 0, func(in any, _ []any) (any, error) { return urlDecode(toS(in)), nil }},
	"date":           {1, 1, dateFilter},
	"default":        {0, 1, defaultFilter},
	"size":           {0, 0, func(in any, _ []any) (any, error) { return size(in), nil }},

	// Arrays.
	"join":         {0, 1, join},
	"first":        {0, 0, func(in any, _ []any) (any, error) { return firstOrLast(in, true) }},
	"last":         {0, 0, func(in any, _ []any) (any, error) { return firstOrLast(in, false) }},
	"reverse":      {0, 0, reverse},
	"sort":         {0, 0, func(in any, _ []any) (any, error) { return sortFilter(in, false) }},
	"sort_natural": {0, 0, func(in any, _ []any) (any, error) { return sortFilter(in, true) }},
	"uniq":         {0, 0, uniq},
	"compact":      {0, 0, compact},
	"concat":       {1, 1, concatFilter},

	// Numbers.
	"plus":       {1, 1, arithmetic('+')},
	"minus":      {1, 1, arithmetic('-')},
	"times":      {1, 1, arithmetic('*')},
	"divided_by": {1, 1, arithmetic('/')},
	"modulo":     {1, 1, arithmetic('%')},
	"abs":        {0, 0, func(in any, _ []any) (any, error) { return liquidfmt.ToNumber(in).Abs().Value(), nil }},
	"ceil":       {0, 0, func(in any, _ []any) (any, error) { return liquidfmt.ToNumber(in).Ceil(), nil }},
	"floor":      {0, 0, func(in any, _ []any) (any, error) { return liquidfmt.ToNumber(in).Floor(), nil }},
	"round":      {0, 1, round},
	"at_least":   {1, 1, func(in any, a []any) (any, error) { return liquidfmt.AtLeast(in, a[0]), nil }},
	"at_most":    {1, 1, func(in any, a []any) (any, error) { return liquidfmt.AtMost(in, a[0]), nil }},
}

// registerFilters adds the filters to cfg, each charging the render that
// current returns: a filter first checks the render's budget (deadline,
// output, work), so a long chain of filters stops at the first one past a
// limit, and then charges what it built.
func registerFilters(cfg *render.Config, current func() *run) {
	for name, f := range filters {
		cfg.AddFilter(name, func(in any, args ...any) (out any, err error) {
			r := current()
			if err := r.check(); err != nil {
				return nil, err
			}
			if len(args) < f.minArgs || len(args) > f.maxArgs {
				want := strconv.Itoa(f.minArgs + 1)
				if f.maxArgs != f.minArgs {
					want += ".." + strconv.Itoa(f.maxArgs+1)
				}
				return nil, fmt.Errorf("wrong number of arguments (given %d, expected %s)", len(args)+1, want)
			}
			defer func() {
				// inspect refuses a value too large to write out by
				// panicking, deep in a recursion; it ends the filter.
				if v := recover(); v != nil {
					if e, ok := v.(error); ok && errors.Is(e, errValueTooLarge) {
						out, err = nil, errValueTooLarge
						return
					}
					panic(v)
				}
			}()
			out, err = f.fn(in, args)
			if err != nil {
				return nil, err
			}
			if err := checkValue(out); err != nil {
				return nil, err
			}
			return out, r.charge(sizeOf(out))
		})
	}
}

// sizeOf is what a filter's result cost to build, roughly: a string's
// bytes, an array's item slots (its items are shared, not copied).
func sizeOf(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case []any:
		return 16 * len(v)
	}
	return 8
}

// filterNames lists the sandbox's filters, for the template check.
func filterNames() []string {
	names := make([]string, 0, len(filters))
	for n := range filters {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// checkValue enforces the size limits on anything a template builds.
func checkValue(v any) error {
	switch v := v.(type) {
	case string:
		if len(v) > maxValueSize {
			return errValueTooLarge
		}
	case []any:
		if len(v) > maxItems {
			return errValueTooLarge
		}
	case values.Range:
		// A range is not built: loops take steps through it, and filters
		// that turn it into an array check its length first.
	}
	return nil
}

// rubySpace is what Ruby's strip removes.
const rubySpace = " \t\n\v\f\r\x00"

var newlineRE = regexp.MustCompile(`\r?\n`)

// toS is Ruby's to_s as Liquid applies it to a filter's input.
func toS(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return liquidfmt.Float(v).String()
	case liquidfmt.Float:
		return v.String()
	case values.Range:
		return strconv.Itoa(v.Index(0).(int)) + ".." + strconv.Itoa(v.Index(0).(int)+v.Len()-1)
	case []any, map[string]any:
		return inspect(v)
	}
	return fmt.Sprint(v)
}

// inspect is Ruby's inspect, which is what to_s gives for an array. An
// array of a thousand long strings would inspect to megabytes, so inspect
// stops past maxValueSize by panicking with errValueTooLarge, which the
// filter (or the render) that asked recovers into an error.
func inspect(v any) string {
	var b strings.Builder
	inspectTo(&b, v)
	return b.String()
}

func inspectTo(b *strings.Builder, v any) {
	if b.Len() > maxValueSize {
		panic(errValueTooLarge)
	}
	switch v := v.(type) {
	case nil:
		b.WriteString("nil")
	case string:
		if len(v) > maxValueSize {
			panic(errValueTooLarge)
		}
		b.WriteString(strconv.Quote(v))
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			inspectTo(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(k))
			b.WriteString("=>")
			inspectTo(b, v[k])
		}
		b.WriteByte('}')
	default:
		b.WriteString(toS(v))
	}
}

func optS(args []any, i int) string {
	if i < len(args) {
		return toS(args[i])
	}
	return ""
}

func concatStrings(a, b string) (any, error) {
	if len(a)+len(b) > maxValueSize {
		return nil, errValueTooLarge
	}
	return a + b, nil
}

func upcase(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "ß", "SS")) }

// capitalize is Ruby's: the first character up, the rest down.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	first := string(unicode.ToUpper(r))
	if r == 'ß' {
		first = "Ss"
	}
	return first + strings.ToLower(s[n:])
}

// escapeFilter is CGI.escapeHTML.
func escapeFilter(in any, _ []any) (any, error) {
	if in == nil {
		return nil, nil
	}
	return htmlEscaper.Replace(toS(in)), nil
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// escapeOnce escapes like escape, but leaves entities ("&amp;", "&#39;")
// as they are.
func escapeOnce(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '&' {
			if e := htmlEscaper.Replace(string(c)); len(e) > 1 {
				b.WriteString(e)
			} else {
				b.WriteByte(c)
			}
			continue
		}
		j := i + 1
		if j < len(s) && s[j] == '#' {
			j++
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j > i+2 && j < len(s) && s[j] == ';' {
				b.WriteByte('&')
				continue
			}
		} else {
			for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			if j > i+1 && j < len(s) && s[j] == ';' {
				b.WriteByte('&')
				continue
			}
		}
		b.WriteString("&amp;")
	}
	return b.String()
}

var (
	htmlBlocksRE = regexp.MustCompile(`(?s)<script.*?</script>|<!--.*?-->|<style.*?</style>`)
	htmlTagsRE   = regexp.MustCompile(`(?s)<.*?>`)
)

func stripHTML(in any, _ []any) (any, error) {
	return htmlTagsRE.ReplaceAllString(htmlBlocksRE.ReplaceAllString(toS(in), ""), ""), nil
}

// replaceAll replaces every match of re, refusing a result over the limit
// before building it.
func replaceAll(s string, re *regexp.Regexp, with string) (any, error) {
	n := len(re.FindAllStringIndex(s, maxValueSize+1))
	if len(s)+n*len(with) > maxValueSize {
		return nil, errValueTooLarge
	}
	return re.ReplaceAllLiteralString(s, with), nil
}

// replace replaces the first n (all, for n < 0) occurrences of old, as
// Ruby's gsub and sub with a string pattern do.
func replace(s, old, with string, n int) (any, error) {
	count := strings.Count(s, old)
	if n >= 0 {
		count = min(count, n)
	}
	if len(s)+count*len(with) > maxValueSize {
		return nil, errValueTooLarge
	}
	return strings.Replace(s, old, with, n), nil
}

func isRubySpace(r rune) bool { return r < utf8.RuneSelf && strings.ContainsRune(rubySpace[:6], r) }

// split is Ruby's String#split with a string: " " splits on runs of
// whitespace, "" into characters; trailing empty strings are dropped. More
// than maxItems parts are refused before they are built.
func split(s, sep string) (any, error) {
	n := strings.Count(s, sep) + 1 // for "", the characters and one more
	if sep == " " {
		n = len(s)/2 + 1
		if n > maxItems {
			n = len(strings.FieldsFunc(s, isRubySpace))
		}
	}
	if n > maxItems+1 {
		return nil, errValueTooLarge
	}
	var parts []string
	switch sep {
	case " ":
		parts = strings.FieldsFunc(s, isRubySpace)
	case "":
		parts = strings.Split(s, "")
	default:
		parts = strings.Split(s, sep)
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// sliceFilter is Liquid's slice: offset (negative from the end) and length
// (default 1) in characters of a string, or items of an array.
func sliceFilter(in any, a []any) (any, error) {
	offset, err := toInteger(a[0])
	if err != nil {
		return nil, err
	}
	length := 1
	if len(a) > 1 {
		if length, err = toInteger(a[1]); err != nil {
			return nil, err
		}
	}
	if arr, ok := in.([]any); ok {
		lo, hi, ok := sliceBounds(len(arr), offset, length)
		if !ok {
			return []any{}, nil
		}
		return slices.Clone(arr[lo:hi]), nil
	}
	runes := []rune(toS(in))
	lo, hi, ok := sliceBounds(len(runes), offset, length)
	if !ok {
		return "", nil
	}
	return string(runes[lo:hi]), nil
}

// sliceBounds is Ruby's slice(start, length) on n items.
func sliceBounds(n, start, length int) (int, int, bool) {
	if start < 0 {
		start += n
	}
	if start < 0 || start > n || length < 0 {
		return 0, 0, false
	}
	return start, start + min(length, n-start), true
}

func truncate(in any, a []any) (any, error) {
	if in == nil {
		return nil, nil
	}
	length, ellipsis, err := truncateArgs(a, 50)
	if err != nil {
		return nil, err
	}
	runes := []rune(toS(in))
	if len(runes) <= length {
		return string(runes), nil
	}
	keep := max(length-utf8.RuneCountInString(ellipsis), 0)
	return concatStrings(string(runes[:keep]), ellipsis)
}

func truncateArgs(a []any, defaultLength int) (int, string, error) {
	length, ellipsis := defaultLength, "..."
	if len(a) > 0 {
		var err error
		if length, err = toInteger(a[0]); err != nil {
			return 0, "", err
		}
	}
	if len(a) > 1 {
		ellipsis = toS(a[1])
	}
	return length, ellipsis, nil
}

// truncateWords keeps the first words of a text, as Ruby's Liquid does
// with split(" ", words + 1): the text is cut when anything follows its
// words-th word, even only a space.
func truncateWords(in any, a []any) (any, error) {
	if in == nil {
		return nil, nil
	}
	words, ellipsis, err := truncateArgs(a, 15)
	if err != nil {
		return nil, err
	}
	words = max(words, 1)
	s := toS(in)
	var kept []string
	i := 0
	for len(kept) < words {
		for i < len(s) && isRubySpace(rune(s[i])) {
			i++
		}
		if i == len(s) {
			return s, nil
		}
		j := i
		for j < len(s) && !isRubySpace(rune(s[j])) {
			j++
		}
		kept = append(kept, s[i:j])
		i = j
	}
	if i == len(s) {
		return s, nil
	}
	return concatStrings(strings.Join(kept, " "), ellipsis)
}

// urlEncode is CGI.escape: spaces become "+".
func urlEncode(in any, _ []any) (any, error) {
	if in == nil {
		return nil, nil
	}
	return url.QueryEscape(toS(in)), nil
}

// urlDecode is CGI.unescape: "+" is a space, and a "%" that starts no
// escape stays as it is.
func urlDecode(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// dateFilter formats a date or instant with strftime (liquidfmt.Date). It
// reads the *_iso variables (YYYY-MM-DD, RFC 3339) and epoch seconds;
// anything else is returned as it is. "now" and "today" are refused: a
// message is computed from its answer and cached with it, so it never
// reads a clock (use today_iso).
func dateFilter(in any, a []any) (any, error) {
	out, err := liquidfmt.Date(in, toS(a[0]), nil, time.UTC)
	if errors.Is(err, liquidfmt.ErrNoClock) {
		return nil, fmt.Errorf(`%w: use today_iso instead of "now"`, err)
	}
	return out, err
}

// defaultFilter gives its argument for nil, false and empty strings and
// arrays; 0 is a value.
func defaultFilter(in any, a []any) (any, error) {
	def := any("")
	if len(a) > 0 {
		def = a[0]
	}
	switch v := in.(type) {
	case nil:
		return def, nil
	case bool:
		if !v {
			return def, nil
		}
	case string:
		if v == "" {
			return def, nil
		}
	case []any:
		if len(v) == 0 {
			return def, nil
		}
	case map[string]any:
		if len(v) == 0 {
			return def, nil
		}
	}
	return in, nil
}

// size is Ruby's size: characters, items; 8 for an integer (its bytes, as
// Ruby says); 0 otherwise.
func size(v any) any {
	switch v := v.(type) {
	case string:
		return utf8.RuneCountInString(v)
	case []any:
		return len(v)
	case map[string]any:
		return len(v)
	case values.Range:
		return max(v.Len(), 0)
	case int, int64:
		return 8
	}
	return 0
}

// toArray is Liquid's InputIterator: arrays flattened, a range's numbers,
// nil as nothing, anything else as one item.
func toArray(v any) ([]any, error) {
	switch v := v.(type) {
	case nil:
		return []any{}, nil
	case []any:
		var out []any
		for _, e := range v {
			if inner, ok := e.([]any); ok {
				flat, _ := toArray(inner)
				out = append(out, flat...)
				continue
			}
			out = append(out, e)
		}
		if len(out) > maxItems {
			return nil, errValueTooLarge
		}
		return out, nil
	case values.Range:
		n := max(v.Len(), 0)
		if n > maxItems {
			return nil, errValueTooLarge
		}
		out := make([]any, n)
		for i := range out {
			out[i] = v.Index(i)
		}
		return out, nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
		out := make([]any, min(rv.Len(), maxItems+1))
		for i := range out {
			out[i] = rv.Index(i).Interface()
		}
		return toArray(out)
	}
	return []any{v}, nil
}

func join(in any, a []any) (any, error) {
	items, err := toArray(in)
	if err != nil {
		return nil, err
	}
	glue := " "
	if len(a) > 0 {
		glue = toS(a[0])
	}
	n := len(glue) * max(len(items)-1, 0)
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = toS(it)
		if n += len(parts[i]); n > maxValueSize {
			return nil, errValueTooLarge
		}
	}
	return strings.Join(parts, glue), nil
}

// firstOrLast is first and last: of arrays and ranges only (a string has
// no first in Ruby).
func firstOrLast(in any, first bool) (any, error) {
	switch in.(type) {
	case []any, values.Range:
	default:
		return nil, nil
	}
	items, err := toArray(in)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	if first {
		return items[0], nil
	}
	return items[len(items)-1], nil
}

func reverse(in any, _ []any) (any, error) {
	items, err := toArray(in)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(items)
	slices.Reverse(out)
	return out, nil
}

// sortFilter sorts strings or numbers, nils last; mixing them fails as it
// does in Ruby. natural sorts strings ignoring case.
func sortFilter(in any, natural bool) (any, error) {
	items, err := toArray(in)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(items)
	var bad error
	slices.SortStableFunc(out, func(a, b any) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return 1
		case b == nil:
			return -1
		}
		as, aStr := a.(string)
		bs, bStr := b.(string)
		switch {
		case aStr && bStr:
			if natural {
				return cmp.Compare(strings.ToLower(as), strings.ToLower(bs))
			}
			return cmp.Compare(as, bs)
		case !aStr && !bStr && liquidfmt.IsNumber(a) && liquidfmt.IsNumber(b):
			return liquidfmt.ToNumber(a).Cmp(liquidfmt.ToNumber(b))
		}
		bad = fmt.Errorf("comparison of %s with %s failed", rubyClass(a), rubyClass(b))
		return 0
	})
	return out, bad
}

func uniq(in any, _ []any) (any, error) {
	items, err := toArray(in)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := []any{}
	for _, it := range items {
		k := fmt.Sprintf("%T:%s", it, inspect(it))
		if !seen[k] {
			seen[k] = true
			out = append(out, it)
		}
	}
	return out, nil
}

func compact(in any, _ []any) (any, error) {
	items, err := toArray(in)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(items), func(v any) bool { return v == nil }), nil
}

func concatFilter(in any, a []any) (any, error) {
	if _, ok := a[0].([]any); !ok {
		return nil, errors.New("concat filter requires an array argument")
	}
	items, err := toArray(in)
	if err != nil {
		return nil, err
	}
	more, err := toArray(a[0])
	if err != nil {
		return nil, err
	}
	if len(items)+len(more) > maxItems {
		return nil, errValueTooLarge
	}
	return append(slices.Clone(items), more...), nil
}

func rubyClass(v any) string {
	switch v.(type) {
	case string:
		return "String"
	case int, int64:
		return "Integer"
	case float64, liquidfmt.Float:
		return "Float"
	case bool:
		return strings.ToUpper(toS(v)[:1]) + toS(v)[1:] + "Class"
	case []any:
		return "Array"
	}
	return "Object"
}

// arithmetic is plus, minus, times, divided_by and modulo
// (liquidfmt.Arithmetic).
func arithmetic(op byte) func(in any, a []any) (any, error) {
	return func(in any, a []any) (any, error) { return liquidfmt.Arithmetic(op, in, a[0]) }
}

// round is liquidfmt.Round, with its places read as Liquid reads an
// integer argument.
func round(in any, a []any) (any, error) {
	places := 0
	if len(a) > 0 {
		var err error
		if places, err = toInteger(a[0]); err != nil {
			return nil, err
		}
	}
	return liquidfmt.Round(in, places), nil
}

// toInteger is Liquid's Utils.to_integer: an integer, or the text of one.
func toInteger(v any) (int, error) {
	switch v := v.(type) {
	case int:
		return v, nil
	case int64:
		return int(v), nil
	case float64:
		return int(v), nil
	case liquidfmt.Float:
		return int(v), nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(toS(v)))
	if err != nil {
		return 0, errors.New("invalid integer")
	}
	return n, nil
}
