package main

import (
	"strings"
	"testing"

	"github.com/leadtime-app/leadtime/server"
)

// TestSecurityFromEnv: TRUSTED_PROXIES and METRICS_TOKEN work in every
// mode or refuse to start with the reason (issue 16.7).
func TestSecurityFromEnv(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		env     map[string]string
		mode    runMode
		wantErr string // "" means none
		check   func(cfg *server.Config) bool
	}{
		{"demo: metrics public", nil, modeDemo, "", func(c *server.Config) bool { return c.PublicMetrics && c.MetricsToken == "" }},
		{"config: metrics public", nil, modeConfig, "", func(c *server.Config) bool { return c.PublicMetrics && c.MetricsToken == "" }},
		{"app: metrics off", nil, modeApp, "", func(c *server.Config) bool { return !c.PublicMetrics && c.MetricsToken == "" }},
		{"single shop: metrics off", nil, modeSingleShop, "", func(c *server.Config) bool { return !c.PublicMetrics }},
		{"app: a token", map[string]string{"METRICS_TOKEN": "0123456789abcdef"}, modeApp, "", func(c *server.Config) bool { return c.MetricsToken == "0123456789abcdef" }},
		{"demo: a token too", map[string]string{"METRICS_TOKEN": "0123456789abcdef"}, modeDemo, "", func(c *server.Config) bool { return c.MetricsToken == "0123456789abcdef" }},
		{"a short token", map[string]string{"METRICS_TOKEN": "secret"}, modeApp, "METRICS_TOKEN is 6 characters", nil},
		{"fly: trusted proxies", map[string]string{"FLY_APP_NAME": "leadtime", "TRUSTED_PROXIES": "172.16.0.0/12"}, modeApp, "",
			func(c *server.Config) bool {
				return len(c.TrustedProxies) == 1 && c.TrustedProxies[0].String() == "172.16.0.0/12"
			}},
		{"fly: bad trusted proxies", map[string]string{"FLY_APP_NAME": "leadtime", "TRUSTED_PROXIES": "fly-proxy"}, modeApp, "TRUSTED_PROXIES: trusted proxy", nil},
		{"trusted proxies off fly", map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8"}, modeDemo, "read only on fly.io", nil},
	} {
		var cfg server.Config
		err := securityFromEnv(func(k string) string { return tc.env[k] }, tc.mode, &cfg)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want one saying %q", tc.name, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case !tc.check(&cfg):
			t.Errorf("%s: config %+v is not what the environment says", tc.name, cfg)
		}
	}
}

// TestListenHost: the demo, whose settings API has no authentication,
// listens on loopback unless HOST says otherwise.
func TestListenHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host string
		mode runMode
		want string
	}{
		{"", modeDemo, "127.0.0.1"},
		{"0.0.0.0", modeDemo, "0.0.0.0"},
		{"", modeApp, ""},
		{"", modeSingleShop, ""},
		{"::1", modeApp, "::1"},
	} {
		if got := listenHost(func(k string) string {
			if k == "HOST" {
				return tc.host
			}
			return ""
		}, tc.mode); got != tc.want {
			t.Errorf("listenHost(HOST=%q, %s) = %q, want %q", tc.host, tc.mode, got, tc.want)
		}
	}
}
