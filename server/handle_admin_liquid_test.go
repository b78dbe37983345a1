package server_test

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// TestAdminTemplateBombs reproduces issue 16 item 3: a message override
// whose date directives pad to a megabyte each. What it sends:
//
//   - POST /admin/api/preview with messages.en.product = 4 KB of
//     {{ today_iso | date: '%1000000d' }} (it took 2.5–10.8 s and 1.5 GB);
//   - PUT /admin/api/settings with the bomb hidden in the branch the
//     save-time trial render did not take ({% if shop ==
//     "example.myshopify.com" %}ok{% else %}BOMB{% endif %}), which was
//     saved and then slowed every product answer to 8–25 s.
//
// Both are now a 422 invalid_settings naming messages.en.product, decided
// by analysis of every branch; the preview allocates a bounded amount
// (counted in bytes, not timed) and nothing is saved.
func TestAdminTemplateBombs(t *testing.T) {
	e := newAdminEnv(t, adminOptions{})
	doc, tag := e.settings(t)
	const directive = "{{ today_iso | date: '%1000000d' }}"
	bomb := strings.Repeat(directive, 4096/len(directive))
	hidden := `{% if shop == "example.myshopify.com" %}ok{% else %}{{ today_iso | date: "%1000000d%1000000d" }}{% endif %}`
	for _, tc := range []struct {
		name, method, path, template, want string
	}{
		{"the 4 KB bomb", "POST", "/admin/api/preview", bomb, "line 1, column 22: date: the width 1000000 in “%1000000d” is more than 32"},
		{"the hidden bomb", "PUT", "/admin/api/settings", hidden, "line 1, column 74: date: the width 1000000 in “%1000000d” is more than 32"},
		{"the hidden bomb, previewed", "POST", "/admin/api/preview", hidden, "line 1, column 74: date: the width 1000000 in “%1000000d” is more than 32"},
	} {
		bad := cloneDoc(doc)
		bad["messages"] = map[string]any{"en": map[string]any{"product": tc.template}}
		body := any(bad)
		if tc.method == "POST" {
			body = map[string]any{"settings": bad, "at": "now", "products": []any{"wool-sweater"}}
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		w := e.do(t, tc.method, tc.path, body, "If-Match", tag)
		runtime.ReadMemStats(&after)
		got := decodeAdminError(t, w)
		if w.Code != http.StatusUnprocessableEntity || got.Error.Code != "invalid_settings" {
			t.Errorf("%s: %d %s, want 422 invalid_settings", tc.name, w.Code, got.Error.Code)
		}
		if len(got.Error.Problems) != 1 || got.Error.Problems[0].Path != "messages.en.product" || got.Error.Problems[0].Message != tc.want {
			t.Errorf("%s: problems %v, want messages.en.product: %s", tc.name, got.Error.Problems, tc.want)
		}
		// The request's whole handling, JSON included, in a few megabytes;
		// before, one directive alone was a megabyte.
		alloc, limit := after.TotalAlloc-before.TotalAlloc, uint64(8<<20)
		t.Logf("%s: %d bytes allocated", tc.name, alloc)
		if alloc > limit {
			t.Errorf("%s: the request allocated %d bytes, want at most %d", tc.name, alloc, limit)
		}
	}
	if _, now := e.settings(t); now != tag {
		t.Errorf("after the 422s the ETag is %s, want %s unchanged", now, tag)
	}
}
