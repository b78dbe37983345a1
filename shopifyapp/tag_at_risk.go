package shopifyapp

import (
	"context"
	"errors"
	"time"

	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/shopify"
)

// AtRiskTag is the order tag TagOrdersAtRisk adds. A Shopify Flow
// workflow that starts on "Order tags added" can act on it: tell the
// workshop, email the customer, raise the order's priority.
const AtRiskTag = "leadtime-at-risk"

// MaxTaggedAtOnce bounds the tagsAdd calls of one TagOrdersAtRisk (each
// costs 10 points of the shop's Admin API budget); the rest are left for
// the next call, most urgent first.
const MaxTaggedAtOnce = 50

// Tagged is what TagOrdersAtRisk did.
type Tagged struct {
	Tag string `json:"tag"`
	// Orders are the orders tagged, most urgent first (as the at-risk list).
	Orders []int64 `json:"orders"`
	// Refused are the orders Shopify would not tag (deleted since, say).
	Refused []int64 `json:"refused"`
	// Left is how many orders at risk were not tried: beyond MaxTaggedAtOnce.
	Left int `json:"left"`
}

// TagOrdersAtRisk tags with AtRiskTag the shop's orders at risk as of now
// (health.OrdersAtRisk, the list Promise health shows). Tagging an order
// again changes nothing, so a retry after an outage is safe. The tag is
// not removed when the order ships: Flow reacts to it being added, and
// the merchant's own workflow decides what happens next.
func (a *App) TagOrdersAtRisk(ctx context.Context, shop string, now time.Time) (*Tagged, error) {
	compiled, err := a.Shops.Shop(ctx, shop)
	if err != nil {
		return nil, err
	}
	open, err := (&Health{Store: a.Shops.Store, Log: a.Log}).openOrders(ctx, compiled)
	if err != nil {
		return nil, err
	}
	risk := health.OrdersAtRisk(compiled, open, now)
	out := &Tagged{Tag: AtRiskTag, Orders: []int64{}, Refused: []int64{}}
	if len(risk) == 0 {
		return out, nil
	}
	client, err := a.clientFor(ctx, shop, false)
	if err != nil {
		return nil, shopifyOutage(err)
	}
	for i, r := range risk {
		if i == MaxTaggedAtOnce {
			out.Left = len(risk) - i
			break
		}
		err := client.AddOrderTags(ctx, r.OrderID, []string{AtRiskTag})
		switch {
		case errors.Is(err, shopify.ErrRejected):
			a.log().WarnContext(ctx, "Shopify refused to tag an order at risk", "shop", shop, "order", r.OrderID, "err", err)
			out.Refused = append(out.Refused, r.OrderID)
		case err != nil:
			return nil, shopifyOutage(err)
		default:
			out.Orders = append(out.Orders, r.OrderID)
		}
	}
	return out, nil
}
