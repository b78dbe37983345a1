package server_test

import (
	"net/http"
	"path/filepath"
	"testing"
)

// TestAdminPreviewGolden compares whole preview answers with the files in
// testdata, so that moving the preview's logic cannot change a byte. Run
// `go test ./server -run TestAdminPreviewGolden -update` to rewrite them
// after a deliberate change, and read the diff.
func TestAdminPreviewGolden(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, adminOptions{})
	doc, _ := e.settings(t)
	// Four calendars whose names meet on Christmas, a closure without a
	// label overlapping a labelled one.
	multi := cloneDoc(doc)
	multi["holidays"] = []any{"SE", "NO", "DK", "FI"}
	multi["closures"] = []any{
		map[string]any{"from": "2026-12-28", "to": "2026-12-29"},
		map[string]any{"from": "2026-12-29", "to": "2026-12-30", "label": "Second"},
	}
	weekend := cloneDoc(doc)
	weekend["processing_days"] = []any{"mon", "sat", "sun"}
	weekend["holidays"] = []any{}
	draft := withRule(doc, walletRule)
	draft["messages"] = map[string]any{"sv": map[string]any{"product": "Klar {{ ships.range }}"}}
	for _, tc := range []struct {
		file string
		body map[string]any
	}{
		{"admin-preview-now.golden", map[string]any{"settings": doc, "at": "now", "products": []any{"wool-sweater", 1002, "no-such-thing"}}},
		{"admin-preview-christmas.golden", map[string]any{"settings": doc, "at": "2026-12-21T10:00", "products": []any{"wool-sweater"}}},
		{"admin-preview-catalog.golden", map[string]any{"settings": doc, "at": "2026-12-25T16:00", "strip_product": "stoneware-mug"}},
		{"admin-preview-calendars.golden", map[string]any{"settings": multi, "at": "2026-12-20T10:00", "products": []any{"wool-sweater"}}},
		{"admin-preview-weekend.golden", map[string]any{"settings": weekend, "at": "2026-12-20T10:00", "products": []any{"wool-sweater"}}},
		{"admin-preview-draft.golden", map[string]any{"settings": draft, "at": "2026-11-30T09:00:00+01:00", "products": []any{"leather-wallet"}, "country": "de", "method": "express"}},
	} {
		w := e.do(t, "POST", "/admin/api/preview", tc.body)
		if w.Code != http.StatusOK {
			t.Errorf("%s: status = %d, want %d\n%s", tc.file, w.Code, http.StatusOK, w.Body)
			continue
		}
		compareGolden(t, filepath.Join("testdata", tc.file), w.Body.Bytes())
	}
}
