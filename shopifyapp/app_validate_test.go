package shopifyapp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// TestValidate: an App names every part it lacks at once.
func TestValidate(t *testing.T) {
	t.Parallel()
	shared := cache.New(cache.Options{})
	engine := &promise.Engine{}
	whole := func() *App {
		return &App{Scopes: Scopes, Store: openStore(t), Shops: &shops.Registry{}, Products: &catalog.Shopify{}, Shared: shared, Engine: engine}
	}
	for _, tc := range []struct {
		name  string
		unset func(*App)
		want  string // "" for no error
	}{
		{"whole", func(*App) {}, ""},
		{"no cache", func(a *App) { a.Shared = nil }, "Shared not set"},
		{"no engine or store", func(a *App) { a.Engine, a.Store = nil, nil }, "Store, Engine not set"},
		{"bare", func(a *App) { *a = App{} }, "Scopes, Store, Shops, Products, Shared, Engine not set"},
	} {
		a := whole()
		tc.unset(a)
		err := a.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Validate(%s) = %v, want nil", tc.name, err)
		case tc.want != "" && (!errors.Is(err, ErrIncomplete) || !strings.Contains(fmt.Sprint(err), tc.want)):
			t.Errorf("Validate(%s) = %v, want ErrIncomplete naming %q", tc.name, err, tc.want)
		}
	}
}

// countingStore counts the shop records read from a real store.
type countingStore struct {
	*store.Bolt
	gets atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, shop string) (*store.Shop, error) {
	s.gets.Add(1)
	return s.Bolt.Get(ctx, shop)
}

func openStore(t *testing.T) *store.Bolt {
	t.Helper()
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), store.BoltFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestTokenRecheck: a shop's token is read from the store once per
// shops.Recheck on the app's own clock, and a new token is seen after it.
func TestTokenRecheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const shop = "recheck.myshopify.com"
	st := &countingStore{Bolt: openStore(t)}
	if err := st.SetToken(ctx, shop, "shpat_one", Scopes); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	a := &App{Store: st, Now: func() time.Time { return now }}
	for _, step := range []struct {
		after     time.Duration // since the start
		setToken  string        // written to the store before the read
		wantToken string
		wantGets  int64
	}{
		{0, "", "shpat_one", 1},
		{shops.Recheck - time.Second, "shpat_two", "shpat_one", 1},
		{shops.Recheck, "", "shpat_two", 2},
		{shops.Recheck + time.Second, "", "shpat_two", 2},
	} {
		if step.setToken != "" {
			if err := st.SetToken(ctx, shop, step.setToken, Scopes); err != nil {
				t.Fatal(err)
			}
		}
		now = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC).Add(step.after)
		got, err := a.token(ctx, shop)
		if err != nil || got != step.wantToken || st.gets.Load() != step.wantGets {
			t.Errorf("token at +%v = %q, %v after %d store reads; want %q after %d", step.after, got, err, st.gets.Load(), step.wantToken, step.wantGets)
		}
	}
}
