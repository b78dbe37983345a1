package message

import (
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/liquidsandbox"
)

// TestVariablesAreBound: every documented variable passes the sandbox's
// check against scope and has a value in the bindings (a string, number or
// boolean, never missing), so that a template that reads it renders. The
// sandbox's own tests render with a copy of these bindings; this keeps
// message's side of that contract.
func TestVariablesAreBound(t *testing.T) {
	s := sampleSubject()
	vars := bindings(&swedish, &s, "example.myshopify.com", true)
	for _, v := range Variables {
		src := "{{ " + v.Name + " }}"
		tmpl, err := liquidsandbox.ParseTemplate(src, scope)
		if err != nil {
			t.Errorf("ParseTemplate(%q) = %v, want it accepted", src, err)
			continue
		}
		if _, err := tmpl.Render(vars); err != nil {
			t.Errorf("Render(%q) = %v, want no error", src, err)
		}
		var node any = vars
		for key := range strings.SplitSeq(v.Name, ".") {
			obj, _ := node.(map[string]any)
			node = obj[key]
		}
		switch node.(type) {
		case string, int, bool:
		default:
			t.Errorf("bindings[%s] = %#v, want a string, number or boolean", v.Name, node)
		}
	}
}
