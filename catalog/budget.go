package catalog

import (
	"context"
	"errors"
	"time"

	"github.com/leadtime-app/leadtime/ratelimit"
)

// Storefront traffic is anonymous: anyone can send carts of random variant
// ids, each a miss that costs the shop's Admin API budget (issue 16 item
// 4). The Admin API loads that shopper requests cause are therefore
// budgeted per shop (and per instance): beyond the budget, a product never
// seen is quoted as when Shopify is down, from the shop's default and
// marked stale, and the shop's own calls (webhooks, the admin, installs)
// keep Shopify's budget for themselves. Requests from the merchant and
// from Shopify are not budgeted.

// DefaultShopperLoads is the per-shop budget of Admin API queries caused
// by shoppers in DefaultLimits (LEADTIME_RATE_SHOPPER_LOADS): 10 a second in bursts of 100, so
// that a cold cache warms at 10 uncached products a second, yet a flood of
// 250-line carts of random ids (10 queries each) gets 1 cart a second.
var DefaultShopperLoads = ratelimit.Rate{PerSecond: 10, Burst: 100}

// errLoadBudget is a shopper load refused by the budget.
var errLoadBudget = errors.New("the shop's budget of Admin API loads for shoppers is spent for now")

type shopperTrafficKey struct{}

// ForShopper marks ctx as a shopper's request: the Admin API loads it
// causes are budgeted.
func ForShopper(ctx context.Context) context.Context {
	return context.WithValue(ctx, shopperTrafficKey{}, true)
}

func isShopperTraffic(ctx context.Context) bool {
	v, _ := ctx.Value(shopperTrafficKey{}).(bool)
	return v
}

// spendLoad takes queries Admin API queries of shop's shopper budget, or
// says it is spent. Loads not caused by shoppers always go ahead.
func (sp *Shopify) spendLoad(ctx context.Context, shop string, queries int) error {
	if !isShopperTraffic(ctx) {
		return nil
	}
	sp.loadsOnce.Do(func() { sp.loads = ratelimit.New(sp.ShopperLoads, nil) })
	if sp.loads == nil { // no budget
		return nil
	}
	now := time.Now
	if sp.Now != nil {
		now = sp.Now
	}
	at := now()
	for range queries {
		if ok, _ := sp.loads.Allow(ctx, "loads|"+shop, at); !ok {
			return errLoadBudget
		}
	}
	return nil
}
