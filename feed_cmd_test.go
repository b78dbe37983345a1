package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFeedCommand prints the demo shop's feed as feed's golden files hold
// it, at the same instant.
func TestFeedCommand(t *testing.T) {
	for _, format := range []string{"tsv", "xml"} {
		var stdout, stderr bytes.Buffer
		args := []string{"feed", "--config", filepath.Join("examples", "demo-shop.yaml"), "--country", "se", "--format", format, "--at", "2026-11-28T09:15:00+01:00"}
		if err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); err != nil {
			t.Fatalf("leadtime %v: %v\n%s", args, err, stderr.String())
		}
		want, err := os.ReadFile(filepath.Join("feed", "testdata", "demo-SE."+format))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(stdout.Bytes(), want) {
			t.Errorf("leadtime feed --format %s:\n%s\nwant feed/testdata/demo-SE.%s:\n%s", format, stdout.Bytes(), format, want)
		}
	}
	for _, args := range [][]string{{"feed", "--config", "x.yaml"}, {"feed", "--country", "SE"}, {"feed", "--config", "x.yaml", "--country", "SE", "--format", "csv"}} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); err == nil || !strings.Contains(stderr.String(), "feed needs") {
			t.Errorf("leadtime %v = %v, %q; want a usage error", args, err, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"feed", "--config", filepath.Join("examples", "demo-shop.yaml"), "--country", "XX"}, func(string) string { return "" }, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "XX") {
		t.Errorf("leadtime feed --country XX = %v, want an unknown-country error", err)
	}
}
