package shopifyapp

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/health"
	"github.com/leadtime-app/leadtime/shops"
)

// Health reads a shop's promise health for the settings page. It needs no
// App: the demo, which has no Shopify connection, shows it too.
type Health struct {
	// Store is the settings store; its FulfillmentStore and OpenOrderStore
	// sides are read, and a store without them has no records.
	Store shops.Store
	// Demo seeds a generated history into a shop without any records, so
	// that the demo shows the loop.
	Demo bool
	// Log receives the records that do not decode; nil discards them.
	Log *slog.Logger
}

// HealthAnswer is GET /admin/api/health's answer: the report and the
// orders at risk now.
type HealthAnswer struct {
	*health.ShopReport
	AtRisk []health.AtRisk `json:"at_risk"`
}

// Report is the shop's promise health over the last window days
// (health.Window30 or health.Window90) and its orders at risk, as of now.
func (h *Health) Report(ctx context.Context, shop *delivery.Shop, now time.Time, window int) (*HealthAnswer, error) {
	records, err := h.records(ctx, shop, now)
	if err != nil {
		return nil, err
	}
	open, err := h.openOrders(ctx, shop)
	if err != nil {
		return nil, err
	}
	return &HealthAnswer{health.Report(shop, records, now, window), health.OrdersAtRisk(shop, open, now)}, nil
}

func (h *Health) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return discard
}

// openOrders reads the shop's open orders; one that does not decode is
// left out.
func (h *Health) openOrders(ctx context.Context, shop *delivery.Shop) ([]health.OpenOrder, error) {
	st, ok := h.Store.(OpenOrderStore)
	if !ok {
		return nil, nil
	}
	raw, err := st.OpenOrders(ctx, shop.Domain())
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	out := make([]health.OpenOrder, 0, len(raw))
	for _, b := range raw {
		o, err := health.DecodeOpenOrder(b)
		if err != nil {
			h.log().WarnContext(ctx, "an open order does not decode; left out", "shop", shop.Domain(), "err", err)
			continue
		}
		out = append(out, o)
	}
	return out, nil
}

// records reads the shop's records. In demo mode a shop without any gets
// the seeded generated history first, so the demo shows the loop.
func (h *Health) records(ctx context.Context, shop *delivery.Shop, now time.Time) ([]health.Record, error) {
	fs, ok := h.Store.(FulfillmentStore)
	if !ok {
		return nil, nil
	}
	raw, err := fs.Fulfillments(ctx, shop.Domain())
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if len(raw) == 0 && h.Demo {
		if raw, err = h.seedDemoHistory(ctx, fs, shop, now); err != nil {
			return nil, err
		}
	}
	out, bad := health.DecodeFulfillments(raw)
	if bad > 0 {
		h.log().WarnContext(ctx, "fulfilment records do not decode; left out", "shop", shop.Domain(), "records", bad)
	}
	return out, nil
}

// demoHistory is the size and seed of the demo's generated history.
const (
	demoOrders = 400
	demoSeed   = 1
)

// seedDemoHistory records the demo's generated history (health.Generate:
// made-to-order takes longer than it promises) and a few open orders, two
// of them at risk (health.GenerateOpenOrders), as of now.
func (h *Health) seedDemoHistory(ctx context.Context, fs FulfillmentStore, shop *delivery.Shop, now time.Time) ([][]byte, error) {
	records := health.Generate(shop, now, demoSeed, demoOrders, health.DemoSlowdown)
	batch := make(map[int64][]byte, len(records))
	raw := make([][]byte, 0, len(records))
	for i := range records {
		b, err := health.EncodeFulfillment(records[i : i+1])
		if err != nil {
			return nil, err
		}
		batch[records[i].FulfillmentID] = b
		raw = append(raw, b)
	}
	if _, err := fs.PutFulfillments(ctx, shop.Domain(), batch); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if st, ok := h.Store.(OpenOrderStore); ok {
		for _, o := range health.GenerateOpenOrders(shop, now) {
			rec, err := health.EncodeOpenOrder(&o)
			if err != nil {
				return nil, err
			}
			if err := st.PutOpenOrder(ctx, shop.Domain(), o.OrderID, rec); err != nil {
				return nil, fmt.Errorf("store: %w", err)
			}
		}
	}
	return raw, nil
}
