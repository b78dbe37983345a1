package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/leadtime-app/leadtime/functionconfig"
)

// runFunctionConfig prints the checkout function's config for a settings
// document (its offline catalog for stock; collections without ids), as
// the backend writes it to the delivery customization's metafield.
func runFunctionConfig(args []string, now func() time.Time, stdout, stderr io.Writer) error {
	flags := newFlags("function-config", stderr)
	configPath := flags.String("config", "", "settings document (required)")
	at := flags.String("at", "", "the instant to build at, RFC 3339 (default: now)")
	if err := flags.Parse(args); err != nil {
		return errReported
	}
	if *configPath == "" || flags.NArg() > 0 {
		fmt.Fprint(stderr, "function-config needs --config and no ITEM\n\n"+usage)
		return errReported
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
	cfg, err := functionconfig.Build(shop, instant)
	if err != nil {
		return err
	}
	out, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", out)
	return err
}
