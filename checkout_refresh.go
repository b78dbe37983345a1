package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/leadtime-app/leadtime/shopifyapp"
)

// checkoutRefreshEvery is how often every shop's checkout-function config
// is rewritten. Its calendars reach months ahead, so a missed day only
// shortens the horizon; daily keeps "today" and stock fresh.
const checkoutRefreshEvery = 24 * time.Hour

// refreshCheckoutFunctions rewrites every installed shop's checkout-function
// config now and then every checkoutRefreshEvery, until ctx ends.
func refreshCheckoutFunctions(ctx context.Context, app *shopifyapp.App, now func() time.Time, logger *slog.Logger) {
	t := time.NewTicker(checkoutRefreshEvery)
	defer t.Stop()
	for {
		if err := app.RefreshCheckoutFunctions(ctx, now()); err != nil && ctx.Err() == nil {
			logger.Warn("refreshing the checkout function configs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
