package liquidsandbox

import "strings"

// Scope is the variables a template may read, besides those it sets
// itself: ParseTemplate refuses a template that reads anything else, so a
// merchant hears of a typo when saving. It is built once, then only read,
// and is safe for concurrent use.
type Scope struct {
	// tree maps an object's keys to their subtrees; a leaf is nil.
	tree map[string]any
}

// NewScope returns the scope of the variables named, each a dotted path
// ("ships.range"): "ships" is then an object with a key "range".
func NewScope(names ...string) *Scope {
	tree := map[string]any{}
	for _, name := range names {
		node := tree
		for {
			head, rest, nested := strings.Cut(name, ".")
			if !nested {
				node[head] = nil
				break
			}
			child, _ := node[head].(map[string]any)
			if child == nil {
				child = map[string]any{}
				node[head] = child
			}
			node, name = child, rest
		}
	}
	return &Scope{tree: tree}
}
