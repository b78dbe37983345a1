package functionconfig_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/functionconfig"
	"github.com/leadtime-app/leadtime/shopify"
)

// TestDemoShopFits states the demo shop's config size against what a
// function can read of a metafield (functionconfig.MaxSize).
func TestDemoShopFits(t *testing.T) {
	shop := loadShop(t, filepath.Join("..", "examples", "demo-shop.yaml"))
	cfg, err := functionconfig.Build(shop, time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(cfg)
	t.Logf("demo shop: config %d bytes (limit %d): %d carrier calendars, %d countries, %d rules, %d tracked variants",
		len(raw), functionconfig.MaxSize, len(cfg.Carriers), len(cfg.Countries), len(cfg.Rules), len(cfg.Stock))
	if len(raw) > functionconfig.MaxSize {
		t.Errorf("config is %d bytes, more than %d", len(raw), functionconfig.MaxSize)
	}
}

// TestBitmapsAreTheCalendar reads the config's bitmaps back and compares
// them, day by day, with a calendar a person can check: Lera & Trä
// (Sweden) over Christmas 2026, and the carrier days to Norway.
func TestBitmapsAreTheCalendar(t *testing.T) {
	shop := loadShop(t, filepath.Join("..", "testdata", "acceptance", "shop.yaml"))
	cfg, err := functionconfig.Build(shop, time.Date(2026, 12, 21, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Start != "2026-12-21" || cfg.Days != functionconfig.Horizon {
		t.Fatalf("start %s, %d days; want 2026-12-21, %d", cfg.Start, cfg.Days, functionconfig.Horizon)
	}
	// Mon 21 – Sat 2 Jan 2027: Thu 24 (julafton), Fri 25 and Thu 31 Dec
	// (nyårsafton) and Fri 1 Jan are Swedish days off; 26–27 Dec and 2 Jan
	// are a weekend.
	wantProc := "1110000111000" // 21 22 23 24 25 26 27 28 29 30 31 1 2
	if got := bits(t, cfg.Proc, len(wantProc)); got != wantProc {
		t.Errorf("processing days from 21 Dec = %s, want %s", got, wantProc)
	}
	no := cfg.Countries["NO"]
	// Norway: 25–26 Dec and 1 Jan are public holidays; 24 and 31 Dec are
	// working days for the carrier.
	wantNO := "1111000111100"
	if got := bits(t, cfg.Carriers[no[1]], len(wantNO)); got != wantNO {
		t.Errorf("carrier days to NO from 21 Dec = %s, want %s", got, wantNO)
	}
	for _, wd := range []struct {
		got, want string
	}{{cfg.CutoffMon, "15:00:00"}, {cfg.CutoffFri, "12:00:00"}, {cfg.CutoffSun, "15:00:00"}} {
		if wd.got != wd.want {
			t.Errorf("cutoff = %s, want %s", wd.got, wd.want)
		}
	}
}

func bits(t *testing.T, b64 string, n int) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for i := range n {
		if raw[i>>3]&(1<<(i&7)) != 0 {
			sb.WriteByte('1')
		} else {
			sb.WriteByte('0')
		}
	}
	return sb.String()
}

// TestTooLarge: a catalog that cannot fit is refused, not written.
func TestTooLarge(t *testing.T) {
	shop := loadShop(t, filepath.Join("..", "testdata", "acceptance", "shop.yaml"))
	var products []delivery.Product
	for i := range 2000 {
		q := i
		products = append(products, delivery.Product{ID: int64(i + 1), Handle: fmt.Sprint("p", i), Variants: []delivery.Variant{{ID: int64(100000 + i), InventoryQuantity: &q}}})
	}
	_, err := functionconfig.BuildFor(shop, time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC), functionconfig.Catalog{Products: products})
	if !errors.Is(err, functionconfig.ErrTooLarge) {
		t.Errorf("BuildFor(2000 tracked variants) = %v, want ErrTooLarge", err)
	}
}

// TestExtensionConfiguration checks shopify.extension.toml and package.json
// against what the function and the backend agree on: API 2026-07, the
// target and export that index.js has, the input query, the metafield of
// the variables (the one Build's config is written to, and the one the
// shopify package writes), and an exact pin of @shopify/shopify_function
// that the lockfile installs.
func TestExtensionConfiguration(t *testing.T) {
	toml := readText(t, filepath.Join(extensionDir, "shopify.extension.toml"))
	for _, want := range []string{
		`api_version = "2026-07"`,
		`type = "function"`,
		`target = "cart.delivery-options.transform.run"`,
		`input_query = "src/run.graphql"`,
		`export = "cart_delivery_options_transform_run"`,
		`namespace = "` + functionconfig.Namespace + `"`,
		`key = "` + functionconfig.Key + `"`,
		`handle = "` + shopify.FunctionHandle + `"`,
	} {
		if !strings.Contains(toml, want) {
			t.Errorf("shopify.extension.toml lacks %s", want)
		}
	}
	if shopify.FunctionConfigNamespace != functionconfig.Namespace || shopify.FunctionConfigKey != functionconfig.Key {
		t.Errorf("shopify writes %s.%s, the function reads %s.%s", shopify.FunctionConfigNamespace, shopify.FunctionConfigKey, functionconfig.Namespace, functionconfig.Key)
	}
	if q := readText(t, filepath.Join(extensionDir, "src", "run.graphql")); !strings.Contains(q, `metafield(namespace: "`+functionconfig.Namespace+`", key: "`+functionconfig.Key+`")`) {
		t.Error("src/run.graphql does not read the config metafield")
	}
	if idx := readText(t, filepath.Join(extensionDir, "src", "index.js")); !strings.Contains(idx, "cartDeliveryOptionsTransformRun") {
		t.Error("src/index.js does not export cartDeliveryOptionsTransformRun")
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := json.Unmarshal([]byte(readText(t, filepath.Join(extensionDir, "package.json"))), &pkg); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(readText(t, filepath.Join(extensionDir, "package-lock.json"))), &lock); err != nil {
		t.Fatal(err)
	}
	const name, version = "@shopify/shopify_function", "2.0.1"
	if got := pkg.Dependencies[name]; got != version {
		t.Errorf("package.json pins %s %q, want %s", name, got, version)
	}
	if got := lock.Packages["node_modules/"+name].Version; got != version {
		t.Errorf("package-lock.json installs %s %q, want %s", name, got, version)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
