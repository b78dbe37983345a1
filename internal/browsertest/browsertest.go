// Package browsertest runs the browser tests' scripts (tests/browser/*.mjs)
// in Debian's chromium through playwright-core, for the tests of every
// package that serves pages (server, demo). Tests call it from a package
// directory one level below the repository root.
package browsertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// root is the repository root, seen from a package directory.
var root = ".."

// Node returns the node binary, after checking that everything a browser
// test needs is installed. A missing piece fails the test: a skipped
// browser test would hide a broken page.
func Node(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required for the browser test (make deps): %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "playwright-core", "package.json")); err != nil {
		t.Fatalf("playwright-core is required for the browser test (npm ci): %v", err)
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatalf("chromium is required for the browser test (apt-get install chromium): %v", err)
	}
	return node
}

// Run runs tests/browser/SCRIPT URL artifacts EXTRA..., fails with its
// output and the server's log when it fails, and checks that it left its
// screenshots in artifacts/.
func Run(t *testing.T, node, script string, timeout time.Duration, logs *Log, shots []string, url string, extra ...string) {
	t.Helper()
	artifacts := filepath.Join(root, "artifacts")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{filepath.Join(root, "tests", "browser", script), url, artifacts}, extra...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node tests/browser/%s: %v\n%s\nserver log:\n%s", script, err, out, logs.String())
	}
	t.Log(strings.TrimSpace(string(out)))
	for _, shot := range shots {
		if _, err := os.Stat(filepath.Join(artifacts, shot)); err != nil {
			t.Errorf("no screenshot: %v", err)
		}
	}
}

// Log collects a server's log for a failing test: a bytes.Buffer safe for
// the server's concurrent writes.
type Log struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *Log) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *Log) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
