package shopifyapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shops"
)

// An order placed before Leadtime froze its promise (before the install,
// or while it was down) is still worth measuring: its promise is
// reconstructed as orders/create would have quoted it, at its createdAt
// and with the settings in force then (the settings history), and its
// records are marked reconstructed. Product facts (metafields, stock) are
// today's: Shopify keeps no history of them.

// orderPromises finds the promise of each order, frozen or reconstructed,
// for one webhook or one backfill. The settings history is read at the
// first order that needs it, once.
type orderPromises struct {
	a        *App
	shop     string
	versions *shops.Versions
}

// of returns the order's promise and whether it was reconstructed; nil
// when the order has none and no quote of it names a line.
func (op *orderPromises) of(ctx context.Context, frozen []byte, createdAt time.Time, country string, lines []shippedLine) (*frozenPromise, bool, error) {
	if len(frozen) > 0 {
		var p frozenPromise
		if err := json.Unmarshal(frozen, &p); err != nil {
			op.a.log().WarnContext(ctx, "order promise is not a cart answer; fulfilment not recorded", "shop", op.shop, "err", err)
			return nil, false, nil
		}
		return &p, false, nil
	}
	p, err := op.reconstruct(ctx, createdAt, country, lines)
	return p, p != nil, err
}

// reconstruct quotes the lines as orders/create would have at createdAt.
func (op *orderPromises) reconstruct(ctx context.Context, createdAt time.Time, country string, lines []shippedLine) (*frozenPromise, error) {
	if createdAt.IsZero() {
		return nil, nil
	}
	if op.versions == nil {
		v, err := op.a.Shops.Versions(ctx, op.shop)
		if err != nil {
			return nil, fmt.Errorf("settings history: %w", err)
		}
		op.versions = v
	}
	ordered := make([]orderedLine, len(lines))
	for i, l := range lines {
		ordered[i] = orderedLine{ProductID: l.ProductID, VariantID: l.VariantID, Quantity: 1}
	}
	req := orderRequest(op.shop, "", country, ordered)
	if len(req.Lines) == 0 {
		return nil, nil
	}
	settings := op.versions.At(createdAt)
	answer, err := quoteOrder(req, func(req promise.CartRequest) (*promise.CartAnswer, error) {
		return op.a.Engine.CartWith(ctx, settings, req, createdAt)
	})
	switch {
	case errors.Is(err, shopify.ErrThrottled) || errors.Is(err, shopify.ErrUnavailable):
		return nil, fmt.Errorf("%w: %v", ErrTransient, err)
	case errors.Is(err, delivery.ErrOutOfRange) || errors.Is(err, delivery.ErrNoProcessingDay):
		return nil, nil // the settings of then cannot quote it: nothing to measure against
	case err != nil:
		return nil, err
	}
	// Through JSON, so that a reconstructed promise is read exactly as a
	// frozen one is.
	doc, err := json.Marshal(answer)
	if err != nil {
		return nil, err
	}
	var p frozenPromise
	if err := json.Unmarshal(doc, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
