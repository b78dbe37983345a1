// Command leadtime is the Leadtime service: per-product processing time
// turned into honest ship and delivery dates for Shopify shops.
//
//	leadtime [serve] [--config FILE]      run the server (the demo shop by default)
//	leadtime quote --config FILE --at T   print the answer the API would give at T
//	leadtime check FILE                   validate a settings document
//	leadtime health --config FILE --history FILE.jsonl   measure promises against fulfilments
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // shop time zones must load in minimal images

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
)

//go:embed examples/demo-shop.yaml
var demoShop []byte

// themeAssets are the theme app extension's assets (the <leadtime-promise>
// client and its CSS). The server serves the same files at /assets/, so the
// demo page and headless storefronts run exactly what the theme ships.
//
//go:embed extensions/leadtime-theme/assets
var themeAssets embed.FS

// headlessPage is the example of a headless storefront, served at /headless.
//
//go:embed examples/headless/index.html
var headlessPage []byte

func main() {
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "leadtime:", err)
		}
		os.Exit(1)
	}
}

// errReported means the command already printed why it failed.
var errReported = errors.New("failed")

// run is the whole program, with its environment passed in so that tests
// can run it end to end.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, time.Now, stdout, stderr)
	case "quote":
		return runQuote(ctx, args, stdout, stderr)
	case "check":
		return runCheck(args, stdout, stderr)
	case "function-config":
		return runFunctionConfig(args, time.Now, stdout, stderr)
	case "feed":
		return runFeed(args, time.Now, stdout, stderr)
	case "health":
		return runHealth(args, time.Now, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errReported
}

const usage = `usage:
  leadtime [serve] [--config FILE]
        run the server on $PORT (8080); without a config, the embedded demo shop
  leadtime quote --config FILE --at RFC3339 [--country CC] [--method CODE] [--locale LL] [--cart] ITEM...
        print the JSON answer the API would give at that instant;
        ITEM is a product handle or id, optionally followed by @VARIANT_ID
  leadtime check FILE
        validate a settings document; print every problem and exit 1 if any
  leadtime function-config --config FILE [--at RFC3339]
        print the checkout function's config (the delivery customization's metafield)
  leadtime feed --config FILE --country CC [--format tsv|xml] [--at RFC3339]
        print the Google Merchant Center supplemental feed of the document's catalog
  leadtime health --config FILE --history FILE.jsonl [--at RFC3339] [--window 30|90] [--json]
        print the promise health report: kept promises, real times, suggestions
`

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil || level == "" {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// loadServedShop loads the settings document at path, or the embedded demo
// shop when path is empty. Its message templates log their failures to log.
func loadServedShop(path string, log *slog.Logger) (*delivery.Shop, string, error) {
	if path == "" {
		shop, err := delivery.LoadShop(demoShop, shopChecks(log))
		if err != nil {
			return nil, "", fmt.Errorf("the embedded demo shop: %w", err)
		}
		return shop, "embedded demo shop", nil
	}
	shop, err := loadShopLogging(path, log)
	return shop, path, err
}

// shopChecks is what a settings document must pass besides delivery's own
// rules: its message templates (message.Check), whose render-time
// failures go to log.
func shopChecks(log *slog.Logger) delivery.Option {
	return delivery.WithCheck(message.Check(log))
}

// loadShopFile loads the settings document at path for a command (quote,
// feed, …): template failures go to the default logger, the command's
// stderr.
func loadShopFile(path string) (*delivery.Shop, error) {
	return loadShopLogging(path, slog.Default())
}

func loadShopLogging(path string, log *slog.Logger) (*delivery.Shop, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	shop, err := delivery.LoadShop(data, shopChecks(log))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return shop, nil
}

// runQuote prints the answer for ITEMs at --at, exactly as the HTTP API
// would give it at that instant.
func runQuote(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlags("quote", stderr)
	configPath := flags.String("config", "", "settings document (required)")
	at := flags.String("at", "", "the instant to quote at, RFC 3339 (required)")
	country := flags.String("country", "", "destination country (default: the shop's)")
	method := flags.String("method", "", "shipping method code (default: the zone's first)")
	locale := flags.String("locale", "", "locale of the message")
	cart := flags.Bool("cart", false, "answer for all ITEMs as one cart")
	if err := flags.Parse(args); err != nil {
		return errReported
	}
	if *configPath == "" || *at == "" || flags.NArg() == 0 {
		fmt.Fprint(stderr, "quote needs --config, --at and at least one ITEM\n\n"+usage)
		return errReported
	}
	if !*cart && flags.NArg() > 1 {
		return errors.New("several ITEMs need --cart")
	}
	now, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return fmt.Errorf("--at: %w", err)
	}
	shop, err := loadShopFile(*configPath)
	if err != nil {
		return err
	}
	dest := delivery.Destination{Country: strings.ToUpper(*country), Method: *method}
	engine := &promise.Engine{Shops: promise.StaticShops{shop.Domain(): shop}, Products: promise.Catalog{}}
	var answer promise.Answer
	if *cart {
		req := promise.CartRequest{Shop: shop.Domain(), Dest: dest, Locale: *locale}
		for _, item := range flags.Args() {
			line, err := parseItem(item)
			if err != nil {
				return err
			}
			req.Lines = append(req.Lines, line)
		}
		answer, err = engine.Cart(ctx, req, now)
	} else {
		line, perr := parseItem(flags.Arg(0))
		if perr != nil {
			return perr
		}
		answer, err = engine.Product(ctx, promise.ProductRequest{
			Shop: shop.Domain(), ProductID: line.ProductID, Handle: line.Handle,
			VariantID: line.VariantID, Dest: dest, Locale: *locale,
		}, now)
	}
	if err != nil {
		return err
	}
	body, err := promise.MarshalAnswer(answer)
	if err != nil {
		return err
	}
	_, err = stdout.Write(body)
	return err
}

// parseItem reads an ITEM: a product handle or numeric id, optionally
// followed by @VARIANT_ID.
func parseItem(item string) (promise.CartLine, error) {
	ref, variant, hasVariant := strings.Cut(item, "@")
	var line promise.CartLine
	if ref == "" {
		return line, fmt.Errorf("item %q: no product", item)
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		line.ProductID = id
	} else {
		line.Handle = ref
	}
	if hasVariant {
		id, err := strconv.ParseInt(variant, 10, 64)
		if err != nil || id <= 0 {
			return line, fmt.Errorf("item %q: %q is not a variant id", item, variant)
		}
		line.VariantID = id
	}
	line.Quantity = 1
	return line, nil
}

// runCheck validates a settings document and prints every problem.
func runCheck(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprint(stderr, "check needs exactly one FILE\n\n"+usage)
		return errReported
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	shop, err := delivery.LoadShop(data, shopChecks(nil))
	var verr *delivery.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Fprintf(stdout, "%s: %s\n", args[0], p)
		}
		fmt.Fprintf(stdout, "%d problem(s)\n", len(verr.Problems))
		return errReported
	}
	if err != nil {
		return err
	}
	st := shop.Settings()
	fmt.Fprintf(stdout, "%s: ok (%s, %s, %d rules, %d zones, %d products)\n",
		args[0], st.Shop, st.Timezone, len(st.Rules), len(st.Shipping.Zones), len(st.Catalog))
	return nil
}
