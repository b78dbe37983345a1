package main

// The run modes (README, "Configuration"), as tests: which environment
// chooses which mode, the combinations refused, --config in every mode,
// and REDIS_URL honoured without Shopify credentials (issue 11.1, 11.4).

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/internal/redistest"
)

// TestServeInputsFrom: each mode from its variables, with its inputs, and
// every combination that cannot work refused naming the variables.
func TestServeInputsFrom(t *testing.T) {
	t.Parallel()
	const key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name    string
		config  string // the --config flag's value
		env     map[string]string
		want    serveInputs
		wantErr []string // each in the error; nil means none
	}{
		{name: "demo", want: serveInputs{mode: modeDemo, dataDir: "data"}},
		{name: "demo with Redis and a data dir", env: map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0", "DATA_DIR": "/d"},
			want: serveInputs{mode: modeDemo, redisURL: "redis://127.0.0.1:6379/0", dataDir: "/d"}},
		{name: "config", config: "shop.yaml", env: map[string]string{"REDIS_URL": "redis://r:6379/1"},
			want: serveInputs{mode: modeConfig, configPath: "shop.yaml", redisURL: "redis://r:6379/1", dataDir: "data"}},
		{name: "single shop", env: map[string]string{"SHOPIFY_SHOP": "a.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "shpat_x"},
			want: serveInputs{mode: modeSingleShop, shop: "a.myshopify.com", token: "shpat_x", dataDir: "data"}},
		{name: "single shop with the app's credentials and --config", config: "shop.yaml", env: map[string]string{
			"SHOPIFY_SHOP": "a.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "shpat_x", "SHOPIFY_API_KEY": "k", "SHOPIFY_API_SECRET": "s",
			"LEADTIME_SHOPIFY_ENDPOINT": "http://127.0.0.1:9292"},
			want: serveInputs{mode: modeSingleShop, configPath: "shop.yaml", shop: "a.myshopify.com", token: "shpat_x", apiKey: "k", apiSecret: "s",
				endpoint: "http://127.0.0.1:9292", dataDir: "data"}},
		{name: "app", config: "shop.yaml", env: map[string]string{"SHOPIFY_API_KEY": "k", "SHOPIFY_API_SECRET": "s", "APP_URL": "https://x.example", "LEADTIME_ENCRYPTION_KEY": key},
			want: serveInputs{mode: modeApp, configPath: "shop.yaml", apiKey: "k", apiSecret: "s", appURL: "https://x.example", dataDir: "data",
				encryptionKey: mustKey(t, key)}},
		{name: "the encryption key in the demo", env: map[string]string{"LEADTIME_ENCRYPTION_KEY": key},
			want: serveInputs{mode: modeDemo, dataDir: "data", encryptionKey: mustKey(t, key)}},
		{name: "a Redis timeout", env: map[string]string{"REDIS_URL": "redis://127.0.0.1:6379", "REDIS_TIMEOUT": "2s"},
			want: serveInputs{mode: modeDemo, dataDir: "data", redisURL: "redis://127.0.0.1:6379", redisTimeout: 2 * time.Second}},

		{name: "SHOPIFY_API_KEY alone", env: map[string]string{"SHOPIFY_API_KEY": "k"}, wantErr: []string{"SHOPIFY_API_KEY is set but SHOPIFY_API_SECRET is not"}},
		{name: "SHOPIFY_API_SECRET alone", env: map[string]string{"SHOPIFY_API_SECRET": "s"}, wantErr: []string{"SHOPIFY_API_SECRET is set but SHOPIFY_API_KEY is not"}},
		{name: "single shop with half the app's credentials", env: map[string]string{"SHOPIFY_SHOP": "a.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "t", "SHOPIFY_API_SECRET": "s"},
			wantErr: []string{"SHOPIFY_API_KEY is not"}},
		{name: "a token without a shop", env: map[string]string{"SHOPIFY_ACCESS_TOKEN": "t"}, wantErr: []string{"SHOPIFY_ACCESS_TOKEN needs SHOPIFY_SHOP"}},
		{name: "a token with a bad shop", env: map[string]string{"SHOPIFY_ACCESS_TOKEN": "t", "SHOPIFY_SHOP": "example.com"}, wantErr: []string{"SHOPIFY_SHOP", `"example.com"`}},
		{name: "a shop without a token", env: map[string]string{"SHOPIFY_SHOP": "a.myshopify.com"}, wantErr: []string{"SHOPIFY_SHOP is set without SHOPIFY_ACCESS_TOKEN"}},
		{name: "a shop in app mode", env: map[string]string{"SHOPIFY_SHOP": "a.myshopify.com", "SHOPIFY_API_KEY": "k", "SHOPIFY_API_SECRET": "s"},
			wantErr: []string{"SHOPIFY_SHOP is set without SHOPIFY_ACCESS_TOKEN"}},
		{name: "APP_URL in the demo", env: map[string]string{"APP_URL": "https://x.example"}, wantErr: []string{"APP_URL", "demo mode"}},
		{name: "a Shopify endpoint in config mode", config: "shop.yaml", env: map[string]string{"LEADTIME_SHOPIFY_ENDPOINT": "http://127.0.0.1:1"},
			wantErr: []string{"LEADTIME_SHOPIFY_ENDPOINT", "config mode"}},
		{name: "a bad encryption key", env: map[string]string{"LEADTIME_ENCRYPTION_KEY": "short"}, wantErr: []string{"LEADTIME_ENCRYPTION_KEY"}},
		{name: "REDIS_CLUSTER without REDIS_URL", env: map[string]string{"REDIS_CLUSTER": "1"}, wantErr: []string{"REDIS_CLUSTER", "REDIS_URL"}},
		{name: "REDIS_CLUSTER not 1", env: map[string]string{"REDIS_URL": "redis://127.0.0.1:6379", "REDIS_CLUSTER": "yes"}, wantErr: []string{"REDIS_CLUSTER"}},
		{name: "REDIS_TIMEOUT not a duration", env: map[string]string{"REDIS_URL": "redis://127.0.0.1:6379", "REDIS_TIMEOUT": "200"}, wantErr: []string{"REDIS_TIMEOUT", "200ms"}},
		{name: "REDIS_TIMEOUT too long", env: map[string]string{"REDIS_URL": "redis://127.0.0.1:6379", "REDIS_TIMEOUT": "2h"}, wantErr: []string{"REDIS_TIMEOUT"}},
		{name: "REDIS_TIMEOUT without REDIS_URL", env: map[string]string{"REDIS_TIMEOUT": "2s"}, wantErr: []string{"REDIS_TIMEOUT", "REDIS_URL"}},
	} {
		got, err := serveInputsFrom(tc.config, envOf(tc.env))
		if tc.wantErr != nil {
			if err == nil {
				t.Errorf("%s: got mode %s, want an error saying %q", tc.name, got.mode, tc.wantErr)
				continue
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s: got error %q, want it to say %q", tc.name, err, w)
				}
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func mustKey(t *testing.T, s string) []byte {
	t.Helper()
	in, err := serveInputsFrom("", envOf(map[string]string{"LEADTIME_ENCRYPTION_KEY": s}))
	if err != nil {
		t.Fatal(err)
	}
	return in.encryptionKey
}

// TestServeConfigEveryMode: --config is the one source of the served
// document in every mode (issue 11.4: app mode read LEADTIME_CONFIG itself
// and ignored the flag when the variable was unset). Its shop counts as installed and, without a
// token, its catalog answers.
func TestServeConfigEveryMode(t *testing.T) {
	t.Parallel()
	acceptance := filepath.Join("testdata", "acceptance", "shop.yaml")
	fake := serveFake(t)
	for _, tc := range []struct {
		name, mode string
		env        map[string]string
	}{
		{"config", "config", nil},
		{"single shop", "single shop", map[string]string{"SHOPIFY_SHOP": serveShop, "SHOPIFY_ACCESS_TOKEN": serveToken, "LEADTIME_SHOPIFY_ENDPOINT": fake.URL}},
		{"app", "app", map[string]string{"SHOPIFY_API_KEY": serveAPIKey, "SHOPIFY_API_SECRET": serveAPISecret, "LEADTIME_SHOPIFY_ENDPOINT": fake.URL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "error"}
			for k, v := range tc.env {
				env[k] = v
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stdout, base, _, done := startServeLine(t, ctx, []string{"--config", acceptance}, env)
			if want := "(" + tc.mode + ", " + acceptance + ")"; !strings.Contains(stdout, want) {
				t.Errorf("leadtime serve --config printed %q, want it to say %q", stdout, want)
			}
			target := base + "storefront/v1/product?shop=lera-och-tra.myshopify.com&handle=stoneware-bowl"
			if status, days, body := maxDays(t, target); status != http.StatusOK || days != 4 {
				t.Errorf("GET %s: %d %s, want 200 with the file's 4 days", target, status, body)
			}
			stopServe(t, cancel, done)
		})
	}
}

// TestServeConfigModeRedis: two config-mode instances (no Shopify
// credentials) on one REDIS_URL share the store, the invalidations and the
// rate limits; /readyz fails while that Redis is down (issue 11.1).
func TestServeConfigModeRedis(t *testing.T) {
	rs := redistest.Start(t, redistest.AOF())
	env := map[string]string{
		"PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "error", "REDIS_URL": rs.URL(),
		"LEADTIME_RATE_STOREFRONT_IP": "0.01/s,4",
	}
	args := []string{"--config", filepath.Join("testdata", "acceptance", "shop.yaml")}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lineA, a, _, doneA := startServeLine(t, ctx, args, copyEnv(env))
	_, b, _, doneB := startServeLine(t, ctx, args, copyEnv(env))
	defer func() {
		cancel()
		<-doneA
		<-doneB
	}()
	if !strings.Contains(lineA, "(config, ") {
		t.Errorf("leadtime serve --config printed %q, want config mode", lineA)
	}
	product := func(base string) string { return base + "proxy/product?handle=stoneware-bowl" }
	for _, base := range []string{a, b} {
		if status, days, body := maxDays(t, product(base)); status != http.StatusOK || days != 4 {
			t.Fatalf("%s: %d %s, want the file's 4 days", product(base), status, body)
		}
	}

	// A saves settings; B serves them, from the store they share.
	doc, etag := getSettings(t, a)
	doc["processing"] = map[string]any{"min": 6, "max": 11}
	savedTag := putSettings(t, a, doc, etag)
	if _, gotTag := getSettings(t, b); gotTag != savedTag {
		t.Errorf("B's settings ETag = %q, want A's save %q", gotTag, savedTag)
	}
	// B may have compiled the old settings; the save's invalidation
	// reaches it through Redis.
	deadline := time.Now().Add(2 * time.Second)
	for {
		_, days, _ := maxDays(t, product(b))
		if days == 11 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B still answers %d days 2 s after A saved 11", days)
		}
		time.Sleep(5 * time.Millisecond)
	}

	// One storefront bucket for both instances: a burst of 4.
	ok := 0
	for i := range 8 {
		resp, err := http.Get([]string{a, b}[i%2] + "storefront/v1/product?shop=lera-och-tra.myshopify.com&handle=stoneware-bowl")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			ok++
		}
	}
	if ok != 4 {
		t.Errorf("8 storefront requests over two config-mode instances: %d allowed, want the shared burst of 4", ok)
	}

	for _, base := range []string{a, b} {
		if code := redisStatus(t, base+"readyz"); code != http.StatusOK {
			t.Errorf("%sreadyz = %d with Redis up, want 200", base, code)
		}
	}
	rs.Kill()
	for _, base := range []string{a, b} {
		if code := redisStatus(t, base+"readyz"); code != http.StatusServiceUnavailable {
			t.Errorf("%sreadyz = %d with Redis down, want 503", base, code)
		}
	}
}

// TestServeRedisClosedPort: a REDIS_URL nothing listens on stops the
// start in every mode, naming REDIS_URL, instead of serving without it.
func TestServeRedisClosedPort(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "redis://" + ln.Addr().String() + "/0"
	ln.Close()
	fake := serveFake(t)
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"demo", nil, nil},
		{"config", []string{"--config", filepath.Join("testdata", "acceptance", "shop.yaml")}, nil},
		{"single shop", nil, map[string]string{"SHOPIFY_SHOP": serveShop, "SHOPIFY_ACCESS_TOKEN": serveToken, "LEADTIME_SHOPIFY_ENDPOINT": fake.URL}},
		{"app", nil, map[string]string{"SHOPIFY_API_KEY": serveAPIKey, "SHOPIFY_API_SECRET": serveAPISecret}},
	} {
		env := map[string]string{"HOST": "127.0.0.1", "PORT": "0", "LOG_LEVEL": "error", "REDIS_URL": closed}
		for k, v := range tc.env {
			env[k] = v
		}
		var stdout, stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := run(ctx, append([]string{"serve"}, tc.args...), envOf(env), &stdout, &stderr)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "REDIS_URL") {
			t.Errorf("%s: leadtime serve with REDIS_URL on a closed port = %v, want an error naming REDIS_URL", tc.name, err)
		}
		if stdout.Len() != 0 {
			t.Errorf("%s: leadtime serve printed %q, want nothing: it must not serve", tc.name, stdout.String())
		}
	}
}

// getSettings returns base's settings document and its ETag.
func getSettings(t *testing.T, base string) (map[string]any, string) {
	t.Helper()
	var doc map[string]any
	h := getJSON(t, base+"admin/api/settings", &doc)
	return doc, h.Get("ETag")
}

func copyEnv(env map[string]string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = v
	}
	return out
}

// TestServeOneClock: the clock runServe is given is the one the whole
// service reads: the storefront's answers are quoted at it and the store
// stamps saves with it, in demo mode and with a config on Redis alike.
func TestServeOneClock(t *testing.T) {
	t.Parallel()
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	// Saturday 28 Nov 2026, 09:15 in Stockholm: the wool sweater's
	// worked example in the README.
	at := time.Date(2026, 11, 28, 9, 15, 0, 0, stockholm)
	now := func() time.Time { return at }
	rs := redistest.Start(t)
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		product string
	}{
		{"demo on bbolt", nil, nil, "proxy/product?handle=wool-sweater"},
		{"config on Redis", []string{"--config", filepath.Join("testdata", "acceptance", "shop.yaml")}, map[string]string{"REDIS_URL": rs.URL()}, "proxy/product?handle=stoneware-bowl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "error"}
			for k, v := range tc.env {
				env[k] = v
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, base, _, done := startServeAt(t, ctx, now, tc.args, env)
			defer stopServe(t, cancel, done)

			var answer struct {
				QuotedAt time.Time `json:"quoted_at"`
			}
			getJSON(t, base+tc.product, &answer)
			if !answer.QuotedAt.Equal(at) {
				t.Errorf("GET %s: quoted_at = %v, want the service's clock %v", tc.product, answer.QuotedAt, at)
			}

			doc, etag := getSettings(t, base)
			putSettings(t, base, doc, etag)
			var history struct {
				Versions []struct {
					SavedAt *time.Time `json:"saved_at"`
					Current bool       `json:"current"`
				} `json:"versions"`
			}
			getJSON(t, base+"admin/api/settings/history", &history)
			var saved *time.Time
			for _, v := range history.Versions {
				if v.Current {
					saved = v.SavedAt
				}
			}
			if saved == nil || !saved.Equal(at) {
				t.Errorf("the current version's saved_at = %v, want the service's clock %v (history %+v)", saved, at, history.Versions)
			}
		})
	}
}

// getJSON decodes the 200 answer of GET target into v and returns its
// headers.
func getJSON(t *testing.T, target string, v any) http.Header {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", target, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", target, err, body)
	}
	return resp.Header
}

// putSettings saves doc over the version etag names and returns the
// saved version's ETag.
func putSettings(t *testing.T, base string, doc map[string]any, etag string) string {
	t.Helper()
	body, _ := json.Marshal(doc)
	req, _ := http.NewRequest(http.MethodPut, base+"admin/api/settings", bytes.NewReader(body))
	req.Header.Set("If-Match", etag)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		saved, _ := io.ReadAll(resp.Body)
		t.Fatalf("PUT %sadmin/api/settings = %d: %s", base, resp.StatusCode, saved)
	}
	return resp.Header.Get("ETag")
}
