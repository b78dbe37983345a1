package shops

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/store"
)

// Versions compiles a shop's kept settings versions once, to answer which
// settings were in force at an instant: what promise health needs to
// reconstruct the promise of an order placed before it froze one. It is
// not safe for concurrent use; make one per backfill.
type Versions struct {
	current  *delivery.Shop  // the settings served now
	versions []store.Version // newest first, as the store keeps them
	compiled map[int]*delivery.Shop
}

// Versions returns the shop's settings history. A shop whose settings live
// in a file (static), or whose store keeps no history, has one version:
// the settings served now.
func (ss *Registry) Versions(ctx context.Context, domain string) (*Versions, error) {
	current, err := ss.Shop(ctx, domain)
	if err != nil {
		return nil, err
	}
	vs, err := ss.Store.History(ctx, domain)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &Versions{current: current, versions: vs, compiled: map[int]*delivery.Shop{}}, nil
}

// At returns the settings in force at t: the newest version saved at or
// before t. Before the first version (an order placed before the install)
// it is the first one, the settings the shop started with, which is the
// closest Leadtime knows. A version that no longer compiles (a rule this
// build refuses) gives the current settings instead.
func (v *Versions) At(t time.Time) *delivery.Shop {
	if len(v.versions) == 0 {
		return v.current
	}
	pick := v.versions[len(v.versions)-1]
	for _, ver := range v.versions { // newest first
		if !ver.SavedAt.After(t) {
			pick = ver
			break
		}
	}
	if pick.Version == v.versions[0].Version {
		return v.current
	}
	if shop, ok := v.compiled[pick.Version]; ok {
		return shop
	}
	shop, err := delivery.LoadShop(pick.Settings, delivery.WithCheck(message.Check(nil)))
	if err != nil {
		shop = v.current
	}
	v.compiled[pick.Version] = shop
	return shop
}
