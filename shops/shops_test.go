package shops_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// The shop is Lera & Trä of the acceptance examples (cutoff 15:00); an
// edit of its settings moves the cutoff to 16:00.
const domain = "lera-och-tra.myshopify.com"

var discard = slog.New(slog.DiscardHandler)

func settings(t *testing.T) []byte {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "testdata", "acceptance", "shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// edited is the settings with the cutoff at 16:00.
func edited(t *testing.T) []byte {
	t.Helper()
	doc := settings(t)
	out := bytes.Replace(doc, []byte(`cutoff: "15:00"`), []byte(`cutoff: "16:00"`), 1)
	if bytes.Equal(out, doc) {
		t.Fatal("shop.yaml has no cutoff 15:00 to edit")
	}
	return out
}

// fakeStore is the store the registry reads: shop records a test sets,
// a count of reads, and a failure on demand. Methods the registry does not
// use panic (the embedded nil interface).
type fakeStore struct {
	shops.Store

	mu    sync.Mutex
	recs  map[string]store.Shop
	gets  int
	fail  error // every Get fails with it
	saved map[string][]byte
}

func newFakeStore() *fakeStore {
	return &fakeStore{recs: map[string]store.Shop{}, saved: map[string][]byte{}}
}

func (s *fakeStore) Get(_ context.Context, shop string) (*store.Shop, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	if s.fail != nil {
		return nil, s.fail
	}
	rec, ok := s.recs[shop]
	if !ok {
		return nil, fmt.Errorf("%s: %w", shop, store.ErrNotFound)
	}
	return &rec, nil
}

func (s *fakeStore) SaveSettings(_ context.Context, shop string, doc []byte, _ string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saved[shop] = doc
	return `"restored"`, nil
}

// put stores a shop's record: its settings under etag, installed.
func (s *fakeStore) put(shop string, doc []byte, etag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs[shop] = store.Shop{Domain: shop, Settings: doc, ETag: etag, Token: "shpat_x"}
}

func (s *fakeStore) set(shop string, rec store.Shop) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs[shop] = rec
}

func (s *fakeStore) remove(shop string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.recs, shop)
}

func (s *fakeStore) setFail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

func (s *fakeStore) reads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets
}

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newRegistry(t *testing.T, st shops.Store, shared *cache.Cache) (*shops.Registry, *clock) {
	t.Helper()
	if shared == nil {
		shared = cache.New(cache.Options{Logger: discard})
		t.Cleanup(shared.Close)
	}
	ck := &clock{now: time.Date(2027, 9, 14, 10, 0, 0, 0, time.UTC)}
	return &shops.Registry{Store: st, Shared: shared, Log: discard, Now: ck.Now}, ck
}

// describe names a compiled shop in test messages: its domain and cutoff.
func describe(s *delivery.Shop) string {
	if s == nil {
		return "no shop"
	}
	return s.Domain() + " (cutoff " + s.Settings().Cutoff + ")"
}

// cutoffOf is the shop's cutoff, or "" for no shop.
func cutoffOf(s *delivery.Shop) string {
	if s == nil {
		return ""
	}
	return s.Settings().Cutoff
}

// TestRegistryReload: a shop is compiled once and served from memory; the
// store is asked again only after Recheck, and a changed document (a new
// ETag) is compiled anew, an unchanged one is not.
func TestRegistryReload(t *testing.T) {
	st := newFakeStore()
	st.put(domain, settings(t), `"v1"`)
	r, ck := newRegistry(t, st, nil)
	ctx := context.Background()

	first, err := r.Shop(ctx, domain)
	if err != nil || first.Domain() != domain || cutoffOf(first) != "15:00" {
		t.Fatalf("Shop(%s) = %s, %v, want the shop with cutoff 15:00", domain, describe(first), err)
	}
	var prev *delivery.Shop = first
	for _, tc := range []struct {
		name       string
		step       func()
		wantReads  int
		wantCutoff string
		wantSame   bool // the same compiled *Shop as before
	}{
		{"again at once", func() {}, 1, "15:00", true},
		{"edited, within Recheck", func() { st.put(domain, edited(t), `"v2"`) }, 1, "15:00", true},
		{"after Recheck", func() { ck.Add(shops.Recheck) }, 2, "16:00", false},
		{"unchanged, after Recheck", func() { ck.Add(shops.Recheck) }, 3, "16:00", true},
		{"just before Recheck", func() { ck.Add(shops.Recheck - time.Nanosecond) }, 3, "16:00", true},
	} {
		tc.step()
		got, err := r.Shop(ctx, domain)
		if err != nil {
			t.Fatalf("%s: Shop(%s): %v", tc.name, domain, err)
		}
		if n := st.reads(); n != tc.wantReads {
			t.Errorf("%s: %d store reads in all, want %d", tc.name, n, tc.wantReads)
		}
		if c := cutoffOf(got); c != tc.wantCutoff {
			t.Errorf("%s: cutoff %q, want %q", tc.name, c, tc.wantCutoff)
		}
		if same := got == prev; same != tc.wantSame {
			t.Errorf("%s: the same compiled shop as before: %v, want %v", tc.name, same, tc.wantSame)
		}
		prev = got
	}
}

// TestRegistryForget: a save on any instance retires the compiled shop on
// every instance that shares the cache, at once, not after Recheck.
func TestRegistryForget(t *testing.T) {
	st := newFakeStore()
	st.put(domain, settings(t), `"v1"`)
	shared := cache.New(cache.Options{Logger: discard})
	t.Cleanup(shared.Close)
	saver, _ := newRegistry(t, st, shared)
	other, _ := newRegistry(t, st, shared)
	ctx := context.Background()
	for _, r := range []*shops.Registry{saver, other} {
		if s, err := r.Shop(ctx, domain); err != nil || cutoffOf(s) != "15:00" {
			t.Fatalf("Shop(%s) = %s, %v, want cutoff 15:00", domain, describe(s), err)
		}
	}
	st.put(domain, edited(t), `"v2"`)
	saver.Forget(ctx, domain)
	for name, r := range map[string]*shops.Registry{"the saving instance": saver, "another instance": other} {
		if s, err := r.Shop(ctx, domain); err != nil || cutoffOf(s) != "16:00" {
			t.Errorf("%s after Forget: Shop(%s) = cutoff %q, %v, want 16:00", name, domain, cutoffOf(s), err)
		}
	}
}

// TestRegistryNotServed: the shops the registry does not serve, each with
// an error that says why and whether it is a 404 (ErrShopNotInstalled) or
// the service's own trouble.
func TestRegistryNotServed(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name         string
		rec          *store.Shop // nil: not in the store
		restore      func(context.Context, string) ([]byte, error)
		notInstalled bool
		wantMsg      string
	}{
		{"never installed", nil, nil, true, `"lera-och-tra.myshopify.com": not in the store: shop not installed`},
		{"uninstalled", &store.Shop{Settings: settings(t), ETag: `"v1"`, UninstalledAt: time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC)}, nil,
			true, `"lera-och-tra.myshopify.com" uninstalled: shop not installed`},
		{"no settings, nothing to restore from", &store.Shop{Token: "shpat_x"}, nil, true, `"lera-och-tra.myshopify.com" has no settings: shop not installed`},
		{"no settings, none in the metafield", &store.Shop{Token: "shpat_x"},
			func(context.Context, string) ([]byte, error) { return nil, nil }, true, `"lera-och-tra.myshopify.com" has no settings: shop not installed`},
		{"no settings, metafield unreadable", &store.Shop{Token: "shpat_x"},
			func(context.Context, string) ([]byte, error) { return nil, errors.New("Shopify down") }, false,
			"restoring the settings of lera-och-tra.myshopify.com: Shopify down"},
		{"settings that do not compile", &store.Shop{Token: "shpat_x", Settings: []byte("shop: x\n"), ETag: `"v1"`}, nil, false,
			"stored settings of lera-och-tra.myshopify.com do not compile"},
	} {
		st := newFakeStore()
		if tc.rec != nil {
			st.set(domain, *tc.rec)
		}
		r, _ := newRegistry(t, st, nil)
		r.Restore = tc.restore
		s, err := r.Shop(ctx, domain)
		if err == nil {
			t.Errorf("%s: Shop(%s) = %s, want an error", tc.name, domain, describe(s))
			continue
		}
		if got := errors.Is(err, promise.ErrShopNotInstalled); got != tc.notInstalled {
			t.Errorf("%s: Shop(%s) error %q matches ErrShopNotInstalled: %v, want %v", tc.name, domain, err, got, tc.notInstalled)
		}
		if !strings.HasPrefix(err.Error(), tc.wantMsg) {
			t.Errorf("%s: Shop(%s) error %q, want it to start %q", tc.name, domain, err, tc.wantMsg)
		}
	}
}

// TestRegistryServed: the shops that are served without settings of their
// own in the store.
func TestRegistryServed(t *testing.T) {
	ctx := context.Background()
	static, err := delivery.LoadShop(edited(t))
	if err != nil {
		t.Fatal(err)
	}
	restored := func(context.Context, string) ([]byte, error) { return edited(t), nil }
	for _, tc := range []struct {
		name       string
		rec        *store.Shop // nil: not in the store
		static     bool
		restore    func(context.Context, string) ([]byte, error)
		wantCutoff string
		wantSaved  bool
	}{
		{"static, not in the store", nil, true, nil, "16:00", false},
		{"static, in the store without settings", &store.Shop{Token: "shpat_x"}, true, nil, "16:00", false},
		{"never installed, with settings (the demo edited in the admin)", &store.Shop{Settings: settings(t), ETag: `"v1"`}, false, nil, "15:00", false},
		{"store settings win over static ones", &store.Shop{Settings: settings(t), ETag: `"v1"`, Token: "shpat_x"}, true, nil, "15:00", false},
		{"restored from the metafield, and saved", &store.Shop{Token: "shpat_x"}, false, restored, "16:00", true},
	} {
		st := newFakeStore()
		if tc.rec != nil {
			st.set(domain, *tc.rec)
		}
		r, _ := newRegistry(t, st, nil)
		r.Restore = tc.restore
		if tc.static {
			r.Static = promise.StaticShops{domain: static}
		}
		s, err := r.Shop(ctx, domain)
		if err != nil || cutoffOf(s) != tc.wantCutoff {
			t.Errorf("%s: Shop(%s) = cutoff %q, %v, want %q", tc.name, domain, cutoffOf(s), err, tc.wantCutoff)
		}
		if tc.static && tc.wantCutoff == "16:00" && s != static {
			t.Errorf("%s: Shop(%s) is not the static shop itself", tc.name, domain)
		}
		if saved := st.saved[domain]; (saved != nil) != tc.wantSaved || (tc.wantSaved && !bytes.Equal(saved, edited(t))) {
			t.Errorf("%s: saved %q, want the restored settings saved: %v", tc.name, saved, tc.wantSaved)
		}
	}
}

// TestRegistryStoreTrouble: the storefront does not go down with the
// store. A store that fails, or that has lost a shop it served a moment
// ago (a Redis restarted empty), leaves the last compiled settings in
// service; an uninstall (which raises the generation) does not.
func TestRegistryStoreTrouble(t *testing.T) {
	ctx := context.Background()
	errDown := errors.New("connection refused")

	t.Run("never served", func(t *testing.T) {
		st := newFakeStore()
		st.setFail(errDown)
		r, _ := newRegistry(t, st, nil)
		s, err := r.Shop(ctx, domain)
		if !errors.Is(err, errDown) || errors.Is(err, promise.ErrShopNotInstalled) || s != nil {
			t.Errorf("Shop(%s) with the store down = %s, %v, want the store's error, not ErrShopNotInstalled", domain, describe(s), err)
		}
	})

	for _, tc := range []struct {
		name    string
		trouble func(st *fakeStore, r *shops.Registry)
		want    error // nil: the last settings are served
	}{
		{"store down", func(st *fakeStore, _ *shops.Registry) { st.setFail(errDown) }, nil},
		{"store lost the shop", func(st *fakeStore, _ *shops.Registry) { st.remove(domain) }, nil},
		{"uninstalled and redacted", func(st *fakeStore, r *shops.Registry) { st.remove(domain); r.Forget(ctx, domain) }, promise.ErrShopNotInstalled},
		{"store down after a save", func(st *fakeStore, r *shops.Registry) { st.setFail(errDown); r.Forget(ctx, domain) }, errDown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newFakeStore()
			st.put(domain, settings(t), `"v1"`)
			r, ck := newRegistry(t, st, nil)
			before, err := r.Shop(ctx, domain)
			if err != nil {
				t.Fatal(err)
			}
			tc.trouble(st, r)
			ck.Add(shops.Recheck)
			for i := range 2 { // and it stays so
				s, err := r.Shop(ctx, domain)
				switch {
				case tc.want == nil && (err != nil || s != before):
					t.Errorf("Shop(%s) #%d = %s, %v, want the last settings served", domain, i+1, describe(s), err)
				case tc.want != nil && !errors.Is(err, tc.want):
					t.Errorf("Shop(%s) #%d = %s, %v, want error %v", domain, i+1, describe(s), err, tc.want)
				}
			}
		})
	}
}

// TestRegistryConcurrent: many goroutines get shops while others save
// and the clock moves; every Get answers with the right shop (run with
// -race).
func TestRegistryConcurrent(t *testing.T) {
	st := newFakeStore()
	other := bytes.Replace(settings(t), []byte("shop: "+domain), []byte("shop: other.myshopify.com"), 1)
	st.put(domain, settings(t), `"v1"`)
	st.put("other.myshopify.com", other, `"o1"`)
	r, ck := newRegistry(t, st, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			name := domain
			if g%2 == 1 {
				name = "other.myshopify.com"
			}
			for i := range 200 {
				s, err := r.Shop(ctx, name)
				if err == nil && s.Domain() != name {
					err = fmt.Errorf("Shop(%s) = shop %s", name, s.Domain())
				}
				if err != nil {
					errs <- err
					return
				}
				if i%50 == 0 {
					ck.Add(shops.Recheck)
				}
			}
		})
	}
	v1, v2 := settings(t), edited(t)
	wg.Go(func() {
		for i := range 50 {
			doc, etag := v1, `"v1"`
			if i%2 == 1 {
				doc, etag = v2, `"v2"`
			}
			st.put(domain, doc, etag)
			r.Forget(ctx, domain)
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// After the last save (the edit) and its Forget, every Get sees it.
	if s, err := r.Shop(ctx, domain); err != nil || cutoffOf(s) != "16:00" {
		t.Errorf("after the saves: Shop(%s) = cutoff %q, %v, want 16:00", domain, cutoffOf(s), err)
	}
}

// TestRegistryBolt: the registry on the real embedded store: what is
// saved is served, and a save followed by Forget (as the admin API does)
// is served at once.
func TestRegistryBolt(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), store.BoltFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.SaveSettings(ctx, domain, settings(t), ""); err != nil {
		t.Fatal(err)
	}
	r, _ := newRegistry(t, st, nil)
	if s, err := r.Shop(ctx, domain); err != nil || cutoffOf(s) != "15:00" {
		t.Fatalf("Shop(%s) = cutoff %q, %v, want 15:00", domain, cutoffOf(s), err)
	}
	if _, err := st.SaveSettings(ctx, domain, edited(t), ""); err != nil {
		t.Fatal(err)
	}
	r.Forget(ctx, domain)
	if s, err := r.Shop(ctx, domain); err != nil || cutoffOf(s) != "16:00" {
		t.Errorf("after a save: Shop(%s) = cutoff %q, %v, want 16:00", domain, cutoffOf(s), err)
	}
	if _, err := r.Shop(ctx, "other.myshopify.com"); !errors.Is(err, promise.ErrShopNotInstalled) {
		t.Errorf("Shop(other) error %v, want ErrShopNotInstalled", err)
	}
}
