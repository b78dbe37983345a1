package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestFunctionConfigCommand prints the config of the acceptance shop at an
// instant, as the backend would write it.
func TestFunctionConfigCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"function-config", "--config", filepath.Join("testdata", "acceptance", "shop.yaml"), "--at", "2027-09-14T08:00:00Z"}
	if err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("leadtime %v: %v\n%s", args, err, stderr.String())
	}
	var cfg struct {
		V         int    `json:"v"`
		Start     string `json:"start"`
		CutoffFri string `json:"cutoffFri"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &cfg); err != nil {
		t.Fatalf("printed invalid JSON: %v\n%s", err, stdout.String())
	}
	if cfg.V != 1 || cfg.Start != "2027-09-14" || cfg.CutoffFri != "12:00:00" {
		t.Errorf("config = %+v, want v 1, start 2027-09-14, Friday cutoff 12:00:00", cfg)
	}
	stdout.Reset()
	stderr.Reset()
	if err := run(context.Background(), []string{"function-config"}, func(string) string { return "" }, &stdout, &stderr); err == nil || !strings.Contains(stderr.String(), "needs --config") {
		t.Errorf("function-config without --config = %v, %q; want a usage error", err, stderr.String())
	}
}
