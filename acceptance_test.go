package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// scenario is one worked example of testdata/acceptance/quotes.json.
type scenario struct {
	ID       string         `json:"id"`
	Category string         `json:"category"`
	Config   string         `json:"config"`
	At       string         `json:"at"`
	Item     string         `json:"item"`
	Cart     bool           `json:"cart"`
	Items    []string       `json:"items"`
	Country  string         `json:"country"`
	Method   string         `json:"method"`
	Why      string         `json:"why"`
	Expect   map[string]any `json:"expect"`
}

// TestAcceptance runs every worked example through `leadtime quote`, as a
// user would, and compares the fields it names (testdata/acceptance/README.md).
func TestAcceptance(t *testing.T) {
	dir := filepath.Join("testdata", "acceptance")
	data, err := os.ReadFile(filepath.Join(dir, "quotes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Scenarios []scenario `json:"scenarios"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Scenarios) < 34 {
		t.Fatalf("quotes.json has %d scenarios, want at least 34", len(file.Scenarios))
	}
	for _, sc := range file.Scenarios {
		t.Run(sc.ID, func(t *testing.T) {
			t.Parallel()
			args := []string{"quote", "--config", filepath.Join(dir, sc.Config), "--at", sc.At}
			if sc.Country != "" {
				args = append(args, "--country", sc.Country)
			}
			if sc.Method != "" {
				args = append(args, "--method", sc.Method)
			}
			if sc.Cart {
				args = append(append(args, "--cart"), sc.Items...)
			} else {
				args = append(args, sc.Item)
			}
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); err != nil {
				t.Fatalf("leadtime %v: %v\n%s", args, err, stderr.String())
			}
			var got map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("leadtime %v printed invalid JSON: %v\n%s", args, err, stdout.String())
			}
			for _, diff := range compareExpect("", sc.Expect, got) {
				t.Errorf("%s: %s\n  why: %s", sc.ID, diff, sc.Why)
			}
		})
	}
}

// compareExpect lists the differences between want (a subset) and got,
// following the acceptance README: instants compare as points in time, and
// a null ships/delivery accepts an absent, null or all-empty object.
func compareExpect(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s = %v, want an object", path, got)}
		}
		var diffs []string
		for k, wv := range w {
			p := k
			if path != "" {
				p = path + "." + k
			}
			gv, present := g[k]
			if wv == nil {
				if present && !emptyValue(gv) {
					diffs = append(diffs, fmt.Sprintf("%s = %v, want no value", p, gv))
				}
				continue
			}
			if !present {
				diffs = append(diffs, fmt.Sprintf("%s is missing, want %v", p, wv))
				continue
			}
			diffs = append(diffs, compareExpect(p, wv, gv)...)
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s = %v, want %d entries", path, got, len(w))}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, compareExpect(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return diffs
	case string:
		if isInstantPath(path) {
			wt, err1 := time.Parse(time.RFC3339, w)
			gs, _ := got.(string)
			gt, err2 := time.Parse(time.RFC3339, gs)
			if err1 != nil || err2 != nil || !wt.Equal(gt) {
				return []string{fmt.Sprintf("%s = %v, want %s", path, got, w)}
			}
			return nil
		}
	}
	if fmt.Sprint(want) != fmt.Sprint(got) || fmt.Sprintf("%T", want) != fmt.Sprintf("%T", got) {
		return []string{fmt.Sprintf("%s = %v (%T), want %v (%T)", path, got, got, want, want)}
	}
	return nil
}

func isInstantPath(path string) bool {
	return path == "expires_at" || path == "cutoff.at" ||
		len(path) > len(".expires_at") && path[len(path)-len(".expires_at"):] == ".expires_at" ||
		len(path) > len(".cutoff.at") && path[len(path)-len(".cutoff.at"):] == ".cutoff.at"
}

func emptyValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range v {
			if !emptyValue(e) && e != "" {
				return false
			}
		}
		return true
	}
	return false
}
