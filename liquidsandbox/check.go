package liquidsandbox

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/osteele/liquid/parser"
)

// A template is checked beyond what the library parses: Shopify's Liquid in
// strict mode rejects an unclosed "{{", an unknown filter and an undefined
// variable, and a merchant should hear of a typo when saving, not find
// the built-in text on the storefront. Every problem is reported with its
// line and column.

// token is a template token with its place in the source.
type token struct {
	parser.Token
	offset int // of Source, in bytes
}

type tokens struct {
	src  string
	list []token
}

// scanTokens splits source as the library does, keeping offsets.
func scanTokens(src string) tokens {
	t := tokens{src: src}
	off := 0
	for _, tok := range parser.Scan(src, parser.SourceLoc{LineNo: 1}, nil) {
		if tok.Type == parser.TrimLeftTokenType || tok.Type == parser.TrimRightTokenType {
			continue
		}
		t.list = append(t.list, token{Token: tok, offset: off})
		off += len(tok.Source)
	}
	return t
}

// position is the 1-based line and column (in characters) of a byte offset.
func (t tokens) position(offset int) (int, int) {
	before := t.src[:offset]
	line := 1 + strings.Count(before, "\n")
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[lineStart:]) + 1
}

func (t tokens) errorAt(offset int, format string, args ...any) *TemplateError {
	line, col := t.position(offset)
	return &TemplateError{Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
}

// walk calls f for each token that the template runs: not the text of raw
// and comment blocks.
func (t tokens) walk(f func(tok *token)) {
	var skipUntil string
	for i := range t.list {
		tok := &t.list[i]
		if skipUntil != "" {
			if tok.Type == parser.TagTokenType && tok.Name == skipUntil {
				skipUntil = ""
			}
			continue
		}
		if tok.Type == parser.TagTokenType && (tok.Name == "raw" || tok.Name == "comment") {
			skipUntil = "end" + tok.Name
		}
		f(tok)
	}
}

// checkDelimiters finds a "{{" or "{%" that nothing closes: the library
// would print it as text, Shopify's Liquid rejects it.
func (t tokens) checkDelimiters() error {
	var err error
	t.walk(func(tok *token) {
		if err != nil || tok.Type != parser.TextTokenType {
			return
		}
		for _, d := range [][2]string{{"{{", "}}"}, {"{%", "%}"}} {
			i := strings.Index(tok.Source, d[0])
			if i < 0 {
				continue
			}
			at := tok.offset + i
			if end := strings.Index(t.src[at:], d[1]); end >= 0 && strings.Contains(t.src[at:at+end], "\n") {
				err = t.errorAt(at, "“%s … %s” must be on one line", d[0], d[1])
			} else {
				err = t.errorAt(at, "“%s” is not closed with “%s”", d[0], d[1])
			}
			return
		}
	})
	return err
}

var liquidErrorPrefix = regexp.MustCompile(`^Liquid error(?: \(line \d+\))?: `)

// locate turns a library error into a TemplateError at the token it names.
func (t tokens) locate(err parser.Error) *TemplateError {
	msg := liquidErrorPrefix.ReplaceAllString(err.Error(), "")
	line, col := err.LineNumber(), 1
	for _, tok := range t.list {
		if l, c := t.position(tok.offset); l == line && tok.Type != parser.TextTokenType && strings.HasSuffix(msg, " in "+tok.Source) {
			msg, col = strings.TrimSuffix(msg, " in "+tok.Source), c
			break
		}
	}
	if line < 1 {
		line = 1
	}
	return &TemplateError{Line: line, Column: col, Message: tidy(msg)}
}

var (
	strayEndRE     = regexp.MustCompile(`^end(\w+) not inside $`)
	filterFailedRE = regexp.MustCompile(`^error applying filter "(\w+)" \("(.*)"\)$`)
)

// tidy rewords the library's messages where they would puzzle a merchant.
func tidy(msg string) string {
	if name, ok := strings.CutPrefix(msg, "undefined tag "); ok {
		return "unknown tag " + name
	}
	if m := strayEndRE.FindStringSubmatch(msg); m != nil {
		return "end" + m[1] + " closes no " + m[1]
	}
	if m := filterFailedRE.FindStringSubmatch(msg); m != nil {
		return m[1] + ": " + m[2]
	}
	return msg
}

// lexeme is one piece of a Liquid expression.
type lexeme struct {
	kind byte // 'i' name, 'k' name followed by ":", 's' string, 'n' number, '.' property dot, 'p' punctuation
	text string
	pos  int // in bytes, within the expression
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameByte(c byte) bool  { return isNameStart(c) || c == '-' || c >= '0' && c <= '9' }
func isDigit(c byte) bool     { return c >= '0' && c <= '9' }

// lex splits an expression into lexemes. It is lenient: the library has
// already parsed the expression, so this only needs to find names.
func lex(s string) []lexeme {
	var out []lexeme
	for i := 0; i < len(s); {
		c := s[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				i = len(s)
			} else {
				i += j + 2
			}
			out = append(out, lexeme{'s', s[start:i], start})
		case isDigit(c) || c == '-' && i+1 < len(s) && isDigit(s[i+1]):
			i++
			for i < len(s) && (isDigit(s[i]) || s[i] == '.' && i+1 < len(s) && isDigit(s[i+1])) {
				i++
			}
			out = append(out, lexeme{'n', s[start:i], start})
		case isNameStart(c):
			for i < len(s) && isNameByte(s[i]) {
				i++
			}
			if i < len(s) && s[i] == '?' {
				i++
			}
			kind := byte('i')
			if i < len(s) && s[i] == ':' {
				kind = 'k'
			}
			out = append(out, lexeme{kind, s[start:i], start})
		case c == '.' && i+1 < len(s) && s[i+1] == '.':
			i += 2
			out = append(out, lexeme{'p', "..", start})
		case c == '.':
			i++
			out = append(out, lexeme{'.', ".", start})
		default:
			i++
			out = append(out, lexeme{'p', string(c), start})
		}
	}
	return out
}

// keywords are the names an expression uses that are not variables.
var keywords = map[string]bool{
	"and": true, "or": true, "contains": true, "true": true, "false": true, "nil": true,
	"null": true, "empty": true, "blank": true, "in": true, "reversed": true,
}

// reference is a variable an expression reads: its path and place.
type reference struct {
	path []string
	pos  int
}

// references finds the variables and filters an expression uses.
func references(expr string) (refs []reference, filterUses []lexeme) {
	lx := lex(expr)
	for i := 0; i < len(lx); i++ {
		l := lx[i]
		switch {
		case l.kind == 'p' && l.text == "|":
			if i+1 < len(lx) && (lx[i+1].kind == 'i' || lx[i+1].kind == 'k') {
				filterUses = append(filterUses, lx[i+1])
				i++
			}
			continue
		case l.kind != 'i' || keywords[l.text] || i > 0 && lx[i-1].kind == '.':
			continue
		}
		path := []string{l.text}
		j := i + 1
		for j < len(lx) {
			if lx[j].kind == '.' && j+1 < len(lx) && (lx[j+1].kind == 'i' || lx[j+1].kind == 'k') {
				path = append(path, lx[j+1].text)
				j += 2
				continue
			}
			if lx[j].text == "[" && j+2 < len(lx) && (lx[j+1].kind == 's' || lx[j+1].kind == 'n') && lx[j+2].text == "]" {
				path = append(path, strings.Trim(lx[j+1].text, `'"`))
				j += 3
				continue
			}
			break
		}
		refs = append(refs, reference{path, l.pos})
		i = j - 1
	}
	return refs, filterUses
}

// expression is the part of a token that is an expression, with its
// offset in the template; "" for tokens without one.
func (tok *token) expression() (string, int) {
	args := tok.Args
	if args == "" {
		return "", 0
	}
	after := 2 // "{{" or "{%"
	if tok.Type == parser.TagTokenType {
		after = strings.Index(tok.Source, tok.Name) + len(tok.Name)
	}
	base := tok.offset + after + strings.Index(tok.Source[after:], args)
	switch tok.Type {
	case parser.ObjTokenType:
		return args, base
	case parser.TagTokenType:
		switch tok.Name {
		case "if", "elsif", "unless", "case", "when":
			return args, base
		case "assign":
			if i := strings.IndexByte(args, '='); i >= 0 {
				return args[i+1:], base + i + 1
			}
		case "for":
			// "item in items limit: 3": the expression starts after "in".
			lx := lex(args)
			if len(lx) >= 2 && lx[1].text == "in" {
				at := lx[1].pos + 2
				return args[at:], base + at
			}
		}
	}
	return "", 0
}

// definedNames are the variables a template sets itself: assign and
// capture names and loop variables.
func (t tokens) definedNames() map[string]bool {
	defined := map[string]bool{}
	t.walk(func(tok *token) {
		if tok.Type != parser.TagTokenType {
			return
		}
		switch tok.Name {
		case "assign":
			name, _, _ := strings.Cut(tok.Args, "=")
			defined[strings.TrimSpace(name)] = true
		case "capture":
			if m := captureNameRE.FindStringSubmatch(tok.Args); m != nil {
				defined[m[1]+m[2]+m[3]] = true
			}
		case "for":
			if lx := lex(tok.Args); len(lx) > 0 {
				defined[lx[0].text] = true
				defined["forloop"] = true
			}
		}
	})
	return defined
}

var forloopKeys = []string{"first", "last", "index", "index0", "rindex", "rindex0", "length", "parentloop"}

// checkNames reports the first unknown variable or filter: a variable
// must be the template's own or in scope.
func (t tokens) checkNames(scope *Scope) error {
	var tree map[string]any
	if scope != nil {
		tree = scope.tree
	}
	defined := t.definedNames()
	filterList := filterNames()
	var err error
	t.walk(func(tok *token) {
		if err != nil {
			return
		}
		expr, base := tok.expression()
		if expr == "" {
			return
		}
		refs, uses := references(expr)
		for _, f := range uses {
			if _, ok := filters[f.text]; !ok {
				err = t.errorAt(base+f.pos, "unknown filter “%s”%s", f.text, didYouMean(f.text, filterList))
				return
			}
		}
		for _, r := range refs {
			if msg := checkPath(r.path, defined, tree); msg != "" {
				err = t.errorAt(base+r.pos, "%s", msg)
				return
			}
		}
	})
	return err
}

// checkPath checks a variable path against the scope's tree and the
// template's own variables; it gives what is wrong, or "".
func checkPath(path []string, defined map[string]bool, tree map[string]any) string {
	root := path[0]
	if root == "forloop" && defined["forloop"] {
		for i, key := range path[1:] {
			switch {
			case key == "parentloop":
			case slices.Contains(forloopKeys, key):
				if i < len(path)-2 {
					return fmt.Sprintf("forloop.%s has no “%s”", key, path[i+2])
				}
				return ""
			default:
				return fmt.Sprintf("forloop has no “%s”; it has %s", key, strings.Join(forloopKeys, ", "))
			}
		}
		return ""
	}
	if defined[root] {
		return ""
	}
	node, ok := tree[root]
	if !ok {
		return fmt.Sprintf("unknown variable “%s”%s", root, didYouMean(root, sortedKeys(tree)))
	}
	name := root
	for i, key := range path[1:] {
		obj, isObject := node.(map[string]any)
		if key == "size" && i == len(path)-2 {
			if !isObject {
				// The library counts a string's .size in bytes, Shopify's
				// Liquid in characters; the size filter counts characters.
				return fmt.Sprintf("write {{ %s | size }} for the length of %s", name, name)
			}
			return ""
		}
		if !isObject {
			return fmt.Sprintf("%s has no “%s”", name, key)
		}
		child, ok := obj[key]
		if !ok {
			if hint := didYouMean(key, sortedKeys(obj)); hint != "" {
				return fmt.Sprintf("%s has no “%s”%s", name, key, hint)
			}
			return fmt.Sprintf("%s has no “%s”; it has %s", name, key, strings.Join(sortedKeys(obj), ", "))
		}
		node, name = child, name+"."+key
	}
	return ""
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// didYouMean names the closest candidate to a likely typo: "; did you
// mean “ships”?", or "".
func didYouMean(got string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(got, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean “" + best + "”?"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
