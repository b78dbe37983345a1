package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHealth runs `leadtime health` on the example history: the text is
// health's golden report, and --json the same report as data.
func TestHealth(t *testing.T) {
	args := []string{"health", "--config", "testdata/health/calendar-shop.yaml",
		"--history", "testdata/health/calendar-history.jsonl", "--at", "2026-12-18T12:00:00-05:00", "--window", "90"}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, envOf(nil), &stdout, &stderr); err != nil {
		t.Fatalf("run: %v; stderr: %s", err, stderr.String())
	}
	want, err := os.ReadFile("testdata/health/calendar-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != string(want) {
		t.Errorf("leadtime health =\n%s\nwant\n%s", got, want)
	}

	stdout.Reset()
	if err := run(context.Background(), append(args, "--json"), envOf(nil), &stdout, &stderr); err != nil {
		t.Fatalf("run --json: %v", err)
	}
	var rep struct {
		Overall struct {
			Lines    int     `json:"lines"`
			KeptRate float64 `json:"kept_rate"`
		} `json:"overall"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("--json output: %v", err)
	}
	if rep.Overall.Lines != 5 || rep.Overall.KeptRate != 0.6 {
		t.Errorf("--json overall = %+v, want 5 lines, kept 0.6", rep.Overall)
	}
}

func TestHealthErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{\"fulfillment_id\":1}\n"), 0o644)
	cfg := "testdata/health/calendar-shop.yaml"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no history", []string{"health", "--config", cfg}, "needs --config and --history"},
		{"bad window", []string{"health", "--config", cfg, "--history", bad, "--window", "7"}, "use 30 or 90"},
		{"bad at", []string{"health", "--config", cfg, "--history", bad, "--at", "today"}, "--at"},
		{"bad record", []string{"health", "--config", cfg, "--history", bad}, "line 1"},
		{"missing file", []string{"health", "--config", cfg, "--history", "nope.jsonl"}, "nope.jsonl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, envOf(nil), &stdout, &stderr)
			if err == nil {
				t.Fatal("run = nil error")
			}
			if got := err.Error() + stderr.String(); !strings.Contains(got, tc.want) {
				t.Errorf("error %q, want it to mention %q", got, tc.want)
			}
		})
	}
}
