package server_test

import (
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/browsertest"
)

// TestPromiseHealthInBrowser opens the settings page in Debian's chromium
// against an in-process demo server (wired as TestAdminPageInBrowser is,
// its clock fixed at Sat 28 Nov 2026 09:15 in Stockholm) and runs
// tests/browser/health.mjs: Promise health shows the late rule
// made-to-order first with its suggestion beside the current 4–7 days and
// the demo's two orders at risk, and "Apply" saves the suggestion so that
// the next /proxy/product answer for the linen apron promises it. Without
// node, playwright-core or chromium it fails, as the other browser tests do.
func TestPromiseHealthInBrowser(t *testing.T) {
	node := browsertest.Node(t)

	url, logs := demoBrowserServer(t)
	browsertest.Run(t, node, "health.mjs", 120*time.Second, logs, []string{"health-1-report.png", "health-2-applied.png"}, url)
}
