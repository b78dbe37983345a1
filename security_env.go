package main

import (
	"fmt"

	"github.com/leadtime-app/leadtime/server"
)

// minMetricsToken is the shortest METRICS_TOKEN accepted: a guessable
// token protects nothing.
const minMetricsToken = 16

// securityFromEnv applies the environment's security settings to cfg
// (README, "Security"). Each works in every mode, or refuses to start with
// the reason:
//   - TRUSTED_PROXIES: the peers whose Fly-Client-IP is believed; only on
//     fly.io (FLY_APP_NAME), the one platform header Leadtime reads.
//   - METRICS_TOKEN: GET /metrics then needs "Authorization: Bearer TOKEN".
//     Without it /metrics is served only in the demo and config modes,
//     which listen on loopback.
func securityFromEnv(getenv func(string) string, mode runMode, cfg *server.Config) error {
	if v := getenv("TRUSTED_PROXIES"); v != "" {
		if getenv("FLY_APP_NAME") == "" {
			return fmt.Errorf("TRUSTED_PROXIES lists the proxies whose Fly-Client-IP header is believed, which is read only on fly.io (FLY_APP_NAME); X-Forwarded-For is never believed: unset TRUSTED_PROXIES")
		}
		p, err := server.ParseTrustedProxies(v)
		if err != nil {
			return fmt.Errorf("TRUSTED_PROXIES: %w", err)
		}
		cfg.TrustedProxies = p
	}
	if t := getenv("METRICS_TOKEN"); t != "" {
		if len(t) < minMetricsToken {
			return fmt.Errorf("METRICS_TOKEN is %d characters; use at least %d random ones (openssl rand -hex 16)", len(t), minMetricsToken)
		}
		cfg.MetricsToken = t
	}
	cfg.PublicMetrics = mode.openSettings()
	return nil
}

// listenHost is the address to listen on: HOST, or loopback in the demo
// and config modes, whose settings API has no authentication; all
// interfaces otherwise.
func listenHost(getenv func(string) string, mode runMode) string {
	if h := getenv("HOST"); h != "" {
		return h
	}
	if mode.openSettings() {
		return "127.0.0.1"
	}
	return ""
}
