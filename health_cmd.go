package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/leadtime-app/leadtime/health"
)

// runHealth prints the promise health report of a settings document and a
// JSONL history (one health.Record per line), as GET /admin/api/health
// gives it, so that it can be tried offline.
func runHealth(args []string, now func() time.Time, stdout, stderr io.Writer) error {
	flags := newFlags("health", stderr)
	configPath := flags.String("config", "", "settings document (required)")
	historyPath := flags.String("history", "", "JSONL history, one fulfilled line per line (required)")
	at := flags.String("at", "", "report as of this instant, RFC 3339 (default: now)")
	window := flags.Int("window", health.Window30, "days up to today: 30 or 90")
	asJSON := flags.Bool("json", false, "print the report as JSON, as the admin API does")
	if err := flags.Parse(args); err != nil {
		return errReported
	}
	if *configPath == "" || *historyPath == "" || flags.NArg() > 0 {
		fmt.Fprint(stderr, "health needs --config and --history\n\n"+usage)
		return errReported
	}
	if *window != health.Window30 && *window != health.Window90 {
		return fmt.Errorf("--window %d: use 30 or 90", *window)
	}
	instant := now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return fmt.Errorf("--at: %w", err)
		}
		instant = t
	}
	shop, err := loadShopFile(*configPath)
	if err != nil {
		return err
	}
	f, err := os.Open(*historyPath)
	if err != nil {
		return err
	}
	defer f.Close()
	records, err := health.ReadJSONL(f)
	if err != nil {
		return fmt.Errorf("%s: %w", *historyPath, err)
	}
	rep := health.Report(shop, records, instant, *window)
	if *asJSON {
		out, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", out)
		return err
	}
	return health.WriteText(stdout, rep)
}
