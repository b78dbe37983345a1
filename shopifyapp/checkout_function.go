package shopifyapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/functionconfig"
	"github.com/leadtime-app/leadtime/shopify"
)

// The checkout function (extensions/leadtime-delivery-dates) cannot call
// Leadtime, so it reads days precomputed here from its delivery
// customization's metafield. The config is written on install, on every
// settings save and daily (RefreshCheckoutFunctions), well before its
// calendars (functionconfig's horizon) run out.

// FunctionStatus is what the settings page shows about the checkout
// function: whether Shopify runs it for this shop, and why not.
type FunctionStatus struct {
	// State is "active", "disabled" (the merchant turned it off in
	// Shopify's shipping settings) or "not_installed".
	State     string `json:"state"`
	HasConfig bool   `json:"has_config"`
	ID        string `json:"id,omitempty"`
}

// SyncCheckoutFunction writes shop's function config into its delivery
// customization, creating the customization the first time. Best effort,
// like the settings mirror: the save or install stands, and the failure is
// logged (the function then keeps the previous config or renames nothing).
func (a *App) SyncCheckoutFunction(ctx context.Context, client *shopify.Client, shop *delivery.Shop, now time.Time) {
	if err := a.writeCheckoutFunction(ctx, client, shop, now); err != nil {
		a.log().WarnContext(ctx, "checkout function config not written", "shop", client.Shop(), "err", err)
	}
}

func (a *App) writeCheckoutFunction(ctx context.Context, client *shopify.Client, shop *delivery.Shop, now time.Time) error {
	cfg, err := functionconfig.Build(shop, now)
	if err != nil {
		return fmt.Errorf("building the config: %w", err)
	}
	doc, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encoding the config: %w", err)
	}
	existing, err := client.FunctionDeliveryCustomization(ctx)
	if err != nil {
		return fmt.Errorf("reading the delivery customization: %w", err)
	}
	if existing == nil {
		_, err = client.CreateFunctionDeliveryCustomization(ctx, doc)
		return err
	}
	return client.SetFunctionConfig(ctx, existing.ID, doc)
}

// RefreshCheckoutFunctions rewrites every installed shop's function config,
// so that its calendars always reach months ahead. serve runs it daily.
func (a *App) RefreshCheckoutFunctions(ctx context.Context, now time.Time) error {
	shops, err := a.Store.List(ctx)
	if err != nil {
		return fmt.Errorf("listing shops: %w", err)
	}
	for _, domain := range shops {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		shop, err := a.Shops.Shop(ctx, domain)
		if err != nil {
			a.log().WarnContext(ctx, "checkout function not refreshed", "shop", domain, "err", err)
			continue
		}
		client, err := a.clientFor(ctx, domain, false)
		if err != nil {
			if !errors.Is(err, catalog.ErrNoToken) {
				a.log().WarnContext(ctx, "checkout function not refreshed", "shop", domain, "err", err)
			}
			continue
		}
		a.SyncCheckoutFunction(ctx, client, shop, now)
	}
	return nil
}

// CheckoutFunction asks Shopify whether the shop's checkout function runs.
func (a *App) CheckoutFunction(ctx context.Context, domain string) (FunctionStatus, error) {
	client, err := a.clientFor(ctx, domain, false)
	if err != nil {
		return FunctionStatus{}, err
	}
	d, err := client.FunctionDeliveryCustomization(ctx)
	if err != nil {
		return FunctionStatus{}, err
	}
	switch {
	case d == nil:
		return FunctionStatus{State: "not_installed"}, nil
	case !d.Enabled:
		return FunctionStatus{State: "disabled", HasConfig: d.HasConfig, ID: d.ID}, nil
	}
	return FunctionStatus{State: "active", HasConfig: d.HasConfig, ID: d.ID}, nil
}
