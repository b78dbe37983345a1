// Package checkout_test checks the checkout UI extension from `go test ./...`: the TypeScript
// type-checks against Shopify's own types for API 2026-07 (npx tsc --noEmit), the shared logic
// in src/promise.ts behaves (node --test), and the configuration, pins and locales agree with
// each other. Without node or npm it fails rather than skips: a skipped check would hide a
// broken checkout.
package checkout_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// uiExtensionsVersion is the pinned @shopify/ui-extensions: API 2026-07.
const uiExtensionsVersion = "2026.7.4"

// install runs `npm ci` when node_modules is missing or older than the lockfile, as `make deps`
// does, and returns the path of node.
func install(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required to check the checkout extension (make deps): %v", err)
	}
	lock, err := os.Stat("package-lock.json")
	if err != nil {
		t.Fatalf("the extension has no lockfile: %v", err)
	}
	installed, err := os.Stat(filepath.Join("node_modules", ".package-lock.json"))
	if err == nil && !installed.ModTime().Before(lock.ModTime()) {
		return node
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm is required to install the checkout extension's packages: %v", err)
	}
	run(t, 5*time.Minute, nil, npm, "ci", "--no-audit", "--no-fund")
	// Keep `go test ./...` out of node_modules, should a package ever ship .go files.
	if err := os.WriteFile(filepath.Join("node_modules", "go.mod"), []byte("module ignore/node_modules\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return node
}

// run runs a command in the extension's directory and fails the test with its output if it
// does not succeed.
func run(t *testing.T, timeout time.Duration, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// TestTypeCheck runs `tsc --noEmit` with the pinned TypeScript: the three targets against
// shopify.d.ts and Shopify's types, the web components' props included.
func TestTypeCheck(t *testing.T) {
	node := install(t)
	out := run(t, 2*time.Minute, nil, node, filepath.Join("node_modules", "typescript", "bin", "tsc"), "--noEmit", "--pretty", "false", "-p", ".")
	if strings.TrimSpace(out) != "" {
		t.Errorf("tsc --noEmit printed:\n%s", out)
	}
}

// TestPromiseLogic compiles src/promise.ts and runs test/promise.test.cjs on it with node's
// test runner, in a time zone west of UTC, where a date mishandled as UTC shows a day early.
func TestPromiseLogic(t *testing.T) {
	node := install(t)
	dir := t.TempDir()
	run(t, 2*time.Minute, nil, node, filepath.Join("node_modules", "typescript", "bin", "tsc"),
		"--outDir", dir, "--module", "commonjs", "--moduleResolution", "node10", "--target", "ES2022",
		"--lib", "ES2022,DOM", "--strict",
		filepath.Join("src", "promise.ts"), filepath.Join("src", "config.ts"))
	out := run(t, 2*time.Minute, []string{"TZ=America/Los_Angeles", "LEADTIME_PROMISE_JS=" + filepath.Join(dir, "promise.js")},
		node, "--test", filepath.Join("test", "promise.test.cjs"))
	t.Log(strings.TrimSpace(out))
}

// TestConfiguration checks shopify.extension.toml against what this package ships: API
// 2026-07, the three targets, a module file for each, network access.
func TestConfiguration(t *testing.T) {
	data, err := os.ReadFile("shopify.extension.toml")
	if err != nil {
		t.Fatal(err)
	}
	toml := string(data)
	if !regexp.MustCompile(`(?m)^api_version = "2026-07"$`).MatchString(toml) {
		t.Error(`shopify.extension.toml: want api_version = "2026-07"`)
	}
	if !regexp.MustCompile(`(?m)^type = "ui_extension"$`).MatchString(toml) {
		t.Error(`shopify.extension.toml: want type = "ui_extension"`)
	}
	if !regexp.MustCompile(`(?m)^network_access = true$`).MatchString(toml) {
		t.Error("shopify.extension.toml: want network_access = true: the extension calls the server")
	}
	pairs := regexp.MustCompile(`(?m)^target = "([^"]+)"\nmodule = "([^"]+)"$`).FindAllStringSubmatch(toml, -1)
	targets := map[string]string{}
	for _, p := range pairs {
		targets[p[1]] = p[2]
	}
	want := []string{
		"customer-account.order-status.block.render",
		"purchase.checkout.shipping-option-list.render-after",
		"purchase.thank-you.block.render",
	}
	if got := slices.Sorted(maps.Keys(targets)); !slices.Equal(got, want) {
		t.Errorf("shopify.extension.toml: targets %v, want %v", got, want)
	}
	types, err := os.ReadFile("shopify.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	for target, module := range targets {
		if _, err := os.Stat(module); err != nil {
			t.Errorf("target %s: module %s: %v", target, module, err)
		}
		// shopify.d.ts types the module's global with its target's API, as the CLI generates it.
		decl := "declare module '" + module + "' {\n  const shopify: import('@shopify/ui-extensions/" + target + "').Api;"
		if !strings.Contains(string(types), decl) {
			t.Errorf("shopify.d.ts does not type %s for %s:\nwant %s", module, target, decl)
		}
	}
}

// TestPins checks that every package is pinned exactly, @shopify/ui-extensions at the API
// version, and that the lockfile installs those versions.
func TestPins(t *testing.T) {
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	readJSON(t, "package.json", &pkg)
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	readJSON(t, "package-lock.json", &lock)
	all := maps.Clone(pkg.Dependencies)
	maps.Copy(all, pkg.DevDependencies)
	for _, name := range []string{"@shopify/ui-extensions", "preact", "@preact/signals", "typescript"} {
		if _, ok := all[name]; !ok {
			t.Errorf("package.json: %s is missing", name)
		}
	}
	if _, ok := all["@shopify/ui-extensions-react"]; ok {
		t.Error("package.json: @shopify/ui-extensions-react stops at API 2025-07; use Preact")
	}
	exact := regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	for name, version := range all {
		if !exact.MatchString(version) {
			t.Errorf("package.json: %s %q is not an exact version", name, version)
		}
		if got := lock.Packages["node_modules/"+name].Version; got != version {
			t.Errorf("package-lock.json installs %s %q, package.json pins %q", name, got, version)
		}
	}
	if v := all["@shopify/ui-extensions"]; v != uiExtensionsVersion {
		t.Errorf("package.json: @shopify/ui-extensions %q, want %s (API 2026-07)", v, uiExtensionsVersion)
	}
	if v := all["typescript"]; !strings.HasPrefix(v, "5.") {
		t.Errorf("package.json: typescript %q, want 5.x", v)
	}
}

// TestLocales checks that every locale has exactly the keys and placeholders of
// en.default.json, and that every key the code translates exists.
func TestLocales(t *testing.T) {
	base := flatLocale(t, filepath.Join("locales", "en.default.json"))
	placeholders := regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)
	names := func(s string) []string {
		var out []string
		for _, m := range placeholders.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return out
	}
	for _, lang := range []string{"sv", "de", "fr"} {
		path := filepath.Join("locales", lang+".json")
		other := flatLocale(t, path)
		if got, want := slices.Sorted(maps.Keys(other)), slices.Sorted(maps.Keys(base)); !slices.Equal(got, want) {
			t.Errorf("%s: keys %v, want those of en.default.json %v", path, got, want)
		}
		for key, text := range other {
			if !slices.Equal(names(text), names(base[key])) {
				t.Errorf("%s: %s has placeholders %v, en.default.json %v", path, key, names(text), names(base[key]))
			}
		}
	}
	used := regexp.MustCompile(`\btranslate\('([\w.]+)'|\bt\('([\w.]+)'`)
	files, err := filepath.Glob(filepath.Join("src", "*.ts*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources in src: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			key := m[1] + m[2]
			if _, ok := base[key]; !ok {
				t.Errorf("%s translates %q, which en.default.json does not have", f, key)
			}
		}
	}
}

// flatLocale reads a locale file as dotted keys ("order.both") to strings.
func flatLocale(t *testing.T, path string) map[string]string {
	t.Helper()
	var tree map[string]any
	readJSON(t, path, &tree)
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case string:
			out[prefix] = v
		case map[string]any:
			for k, child := range v {
				walk(strings.TrimPrefix(prefix+"."+k, "."), child)
			}
		default:
			t.Errorf("%s: %s is %T, want a string or an object", path, prefix, v)
		}
	}
	walk("", tree)
	return out
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
