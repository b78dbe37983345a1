package liquidsandbox

import "testing"

// TestScope: a template reads only its scope's variables and its own; a
// nil scope has none.
func TestScope(t *testing.T) {
	order := NewScope("order.id", "order.total", "shop")
	for _, tc := range []struct {
		name  string
		scope *Scope
		src   string
		want  string // "": accepted
	}{
		{"a leaf", order, "{{ shop }} {{ order.id }}", ""},
		{"an object", order, "{% if order %}{{ order.total }}{% endif %}", ""},
		{"a typo", order, "{{ order.totl }}", "line 1, column 4: order has no “totl”; did you mean “total”?"},
		{"a key of a leaf", order, "{{ shop.name }}", "line 1, column 4: shop has no “name”"},
		{"not in scope", order, "{{ ships.range }}", "line 1, column 4: unknown variable “ships”; did you mean “shop”?"},
		{"nil: nothing", nil, "{{ shop }}", "line 1, column 4: unknown variable “shop”"},
		{"nil: its own", nil, "{% assign x = 'a' %}{% for i in (1..2) %}{{ x }}{{ i }}{% endfor %}", ""},
	} {
		_, err := ParseTemplate(tc.src, tc.scope)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: ParseTemplate(%q) = %q, want %q", tc.name, tc.src, got, tc.want)
		}
	}
}
