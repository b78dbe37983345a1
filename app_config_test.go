package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/leadtime-app/leadtime/shopifyapp"
)

// appConfig is the part of shopify.app.toml that must agree with the code.
type appConfig struct {
	AccessScopes struct {
		Scopes string `toml:"scopes"`
	} `toml:"access_scopes"`
	Webhooks struct {
		Subscriptions []struct {
			Topics           []string `toml:"topics"`
			ComplianceTopics []string `toml:"compliance_topics"`
			URI              string   `toml:"uri"`
		} `toml:"subscriptions"`
	} `toml:"webhooks"`
}

// TestAppConfigMatchesServer: what `shopify app deploy` pushes asks for the
// scopes the OAuth flow requests, and subscribes to exactly the topics the
// server handles. A handler without its subscription never runs (as the
// fulfilment webhooks once did), and a subscription the server does not
// handle is refused with 401 on every delivery.
func TestAppConfigMatchesServer(t *testing.T) {
	data, err := os.ReadFile("shopify.app.toml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg appConfig
	if err := toml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("shopify.app.toml: %v", err)
	}
	gotScopes := strings.Split(cfg.AccessScopes.Scopes, ",")
	wantScopes := strings.Split(shopifyapp.Scopes, ",")
	slices.Sort(gotScopes)
	slices.Sort(wantScopes)
	if !slices.Equal(gotScopes, wantScopes) {
		t.Errorf("shopify.app.toml scopes = %v, want shopifyapp.Scopes %v", gotScopes, wantScopes)
	}
	var topics []string
	for _, s := range cfg.Webhooks.Subscriptions {
		if s.URI != "/webhooks" {
			t.Errorf("subscription %v: uri = %q, want /webhooks", append(s.Topics, s.ComplianceTopics...), s.URI)
		}
		topics = append(topics, s.Topics...)
		topics = append(topics, s.ComplianceTopics...)
	}
	slices.Sort(topics)
	if want := shopifyapp.Topics(); !slices.Equal(topics, want) {
		t.Errorf("shopify.app.toml topics = %v,\nwant the server's handlers %v", topics, want)
	}
}
