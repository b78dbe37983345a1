package shops_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

const historyShop = "history.myshopify.com"

func settingsWith(days int) []byte {
	return fmt.Appendf(nil, `{"shop":%q,"timezone":"Europe/Stockholm","country":"SE","processing":{"min":%d,"max":%d},`+
		`"shipping":{"zones":[{"name":"Sverige","countries":["SE"],"methods":[{"code":"standard","name":"PostNord","min":1,"max":2}]}]}}`, historyShop, days, days)
}

// TestVersionsAt: three saves, on 1, 10 and 20 Nov at noon UTC, of 2, 5
// and 7 processing days. The settings in force at an instant are the last
// saved at or before it; before the first, the first.
func TestVersionsAt(t *testing.T) {
	ctx := context.Background()
	var now time.Time
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), store.BoltFileName), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, save := range []struct {
		at   string
		days int
	}{{"2026-11-01T12:00:00Z", 2}, {"2026-11-10T12:00:00Z", 5}, {"2026-11-20T12:00:00Z", 7}} {
		now, _ = time.Parse(time.RFC3339, save.at)
		if _, err := st.SaveSettings(ctx, historyShop, settingsWith(save.days), ""); err != nil {
			t.Fatal(err)
		}
	}
	shared := cache.New(cache.Options{})
	t.Cleanup(shared.Close)
	reg := &shops.Registry{Store: st, Static: promise.StaticShops{}, Shared: shared}
	vs, err := reg.Versions(ctx, historyShop)
	if err != nil {
		t.Fatal(err)
	}
	current, _ := reg.Shop(ctx, historyShop)
	for _, tc := range []struct {
		at   string
		want int
	}{
		{"2026-10-15T00:00:00Z", 2}, // before the install: the first settings
		{"2026-11-01T11:59:59Z", 2},
		{"2026-11-01T12:00:00Z", 2}, // saved at that instant
		{"2026-11-10T11:59:59Z", 2},
		{"2026-11-10T12:00:00Z", 5},
		{"2026-11-19T23:00:00Z", 5},
		{"2026-11-20T12:00:00Z", 7},
		{"2026-12-24T12:00:00Z", 7},
	} {
		at, _ := time.Parse(time.RFC3339, tc.at)
		shop := vs.At(at)
		if got := shop.DefaultProcessing(); got != (delivery.Days{Min: tc.want, Max: tc.want}) {
			t.Errorf("Versions.At(%s) processing = %v, want %d days", tc.at, got, tc.want)
		}
		if tc.want == 7 && shop != current {
			t.Errorf("Versions.At(%s) is not the shop served now", tc.at)
		}
	}
	if a, b := vs.At(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)), vs.At(time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)); a != b {
		t.Errorf("a version is compiled again for each instant; want it once")
	}
}
