package store

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

	"github.com/redis/go-redis/v9"
	"go.etcd.io/bbolt"

	"github.com/leadtime-app/leadtime/internal/redistest"
)

// storeAPI is the method set the server consumes. It is declared here, by
// a consumer, to check that Bolt and Redis have the same one and to run one
// test table against both.
type storeAPI interface {
	Get(ctx context.Context, shop string) (*Shop, error)
	List(ctx context.Context) ([]string, error)
	SaveSettings(ctx context.Context, shop string, doc []byte, ifMatch string) (string, error)
	History(ctx context.Context, shop string) ([]Version, error)
	Restore(ctx context.Context, shop string, version int, ifMatch string) (string, error)
	SetToken(ctx context.Context, shop, token, scopes string) error
	DeleteToken(ctx context.Context, shop string) error
	DeleteShop(ctx context.Context, shop string) error
	Ping(ctx context.Context) error
	Close() error
}

var (
	_ storeAPI = (*Bolt)(nil)
	_ storeAPI = (*Redis)(nil)
)

// harness opens stores over one backing file or server, so a test can
// reopen with other options and read what is stored underneath.
type harness struct {
	name string
	// open returns a store over the test's data; it closes the previous
	// one first (a Bolt file has one owner).
	open func(t *testing.T, opts Options) storeAPI
	// rawToken returns the token exactly as stored.
	rawToken func(t *testing.T, s storeAPI, shop string) string
}

func harnesses() []harness {
	return []harness{
		{
			name: "bolt",
			open: func(t *testing.T, opts Options) storeAPI {
				path := filepath.Join(testDir(t), BoltFileName)
				closePrevious(t)
				s, err := OpenBolt(path, opts)
				if err != nil {
					t.Fatalf("OpenBolt: %v", err)
				}
				remember(t, s)
				return s
			},
			rawToken: func(t *testing.T, s storeAPI, shop string) string {
				var raw string
				err := s.(*Bolt).db.View(func(tx *bbolt.Tx) error {
					raw = string(tx.Bucket(bucketTokens).Get([]byte(shop)))
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return raw
			},
		},
		{
			name: "redis",
			open: func(t *testing.T, opts Options) storeAPI {
				srv := testRedis(t)
				closePrevious(t)
				opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = time.Second, time.Second, time.Second
				s, err := OpenRedis(context.Background(), srv.URL(), opts)
				if err != nil {
					t.Fatalf("OpenRedis: %v", err)
				}
				remember(t, s)
				return s
			},
			rawToken: redisRawToken,
		},
		{
			// Every operation on a real 3-master Redis Cluster: a script,
			// MULTI or DEL whose keys left the shop's hash slot would fail
			// here with CROSSSLOT.
			name: "redis-cluster",
			open: func(t *testing.T, opts Options) storeAPI {
				c := testCluster(t)
				closePrevious(t)
				opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = time.Second, time.Second, time.Second
				s, err := OpenRedis(context.Background(), c.URL(), opts)
				if err != nil {
					t.Fatalf("OpenRedis(cluster): %v", err)
				}
				if _, ok := s.rdb.(*redis.ClusterClient); !ok {
					t.Fatalf("OpenRedis(%s) made a %T, want a *redis.ClusterClient", c.URL(), s.rdb)
				}
				remember(t, s)
				return s
			},
			rawToken: redisRawToken,
		},
	}
}

func redisRawToken(t *testing.T, s storeAPI, shop string) string {
	raw, err := s.(*Redis).rdb.HGet(context.Background(), keysFor(shop).token, "token").Result()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// testCluster returns the test's Redis Cluster, started on first use.
func testCluster(t *testing.T) *redistest.Cluster {
	stateMu.Lock()
	defer stateMu.Unlock()
	if c, ok := clusters[t]; ok {
		return c
	}
	c := redistest.StartCluster(t, 3)
	clusters[t] = c
	t.Cleanup(func() { stateMu.Lock(); delete(clusters, t); stateMu.Unlock() })
	return c
}

// Per-test state of the harnesses: one temp dir or redis-server per test,
// and the store opened last.
var (
	stateMu  sync.Mutex
	dirs     = map[*testing.T]string{}
	servers  = map[*testing.T]*redistest.Server{}
	clusters = map[*testing.T]*redistest.Cluster{}
	opened   = map[*testing.T]storeAPI{}
)

func testDir(t *testing.T) string {
	stateMu.Lock()
	defer stateMu.Unlock()
	if d, ok := dirs[t]; ok {
		return d
	}
	d := t.TempDir()
	dirs[t] = d
	t.Cleanup(func() { stateMu.Lock(); delete(dirs, t); stateMu.Unlock() })
	return d
}

func testRedis(t *testing.T) *redistest.Server {
	stateMu.Lock()
	defer stateMu.Unlock()
	if s, ok := servers[t]; ok {
		return s
	}
	s := redistest.Start(t)
	servers[t] = s
	t.Cleanup(func() { stateMu.Lock(); delete(servers, t); stateMu.Unlock() })
	return s
}

func closePrevious(t *testing.T) {
	stateMu.Lock()
	s := opened[t]
	delete(opened, t)
	stateMu.Unlock()
	if s != nil {
		s.Close()
	}
}

func remember(t *testing.T, s storeAPI) {
	stateMu.Lock()
	opened[t] = s
	stateMu.Unlock()
	t.Cleanup(func() { closePrevious(t) })
}

// forEach runs fn as a subtest against each store.
func forEach(t *testing.T, fn func(t *testing.T, h harness)) {
	for _, h := range harnesses() {
		t.Run(h.name, func(t *testing.T) {
			t.Parallel()
			fn(t, h)
		})
	}
}

// clock is an injected time source that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 28, 9, 15, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const shopA, shopB, shopC = "a-shop.myshopify.com", "b-shop.myshopify.com", "c-shop.myshopify.com"

var ctx = context.Background()

func doc(n int) []byte {
	return fmt.Appendf(nil, `{"shop":%q,"timezone":"Europe/Stockholm","country":"SE","processing":{"min":%d,"max":%d}}`, shopA, n, n+2)
}

func mustSave(t *testing.T, s storeAPI, shop string, d []byte, ifMatch string) string {
	t.Helper()
	etag, err := s.SaveSettings(ctx, shop, d, ifMatch)
	if err != nil {
		t.Fatalf("SaveSettings(%q, If-Match %q): %v", shop, ifMatch, err)
	}
	return etag
}

func mustGet(t *testing.T, s storeAPI, shop string) *Shop {
	t.Helper()
	got, err := s.Get(ctx, shop)
	if err != nil {
		t.Fatalf("Get(%q): %v", shop, err)
	}
	return got
}

func TestSaveGet(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		clk := newClock()
		s := h.open(t, Options{Now: clk.Now})

		if _, err := s.Get(ctx, shopA); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(unknown) error = %v, want ErrNotFound", err)
		}
		etag1 := mustSave(t, s, shopA, doc(1), "")
		got := mustGet(t, s, shopA)
		if !bytes.Equal(got.Settings, doc(1)) || got.SettingsVersion != 1 || got.ETag != etag1 {
			t.Errorf("Get after first save = %q v%d %s, want %q v1 %s", got.Settings, got.SettingsVersion, got.ETag, doc(1), etag1)
		}
		if !got.UpdatedAt.Equal(clk.Now()) {
			t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, clk.Now())
		}
		if got.Installed() || !got.InstalledAt.IsZero() {
			t.Errorf("a shop with settings only: Installed() = %v, InstalledAt = %v; want false, zero", got.Installed(), got.InstalledAt)
		}
		if !strings.HasPrefix(etag1, `"`) || !strings.HasSuffix(etag1, `"`) || strings.HasPrefix(etag1, "W/") {
			t.Errorf("ETag %s is not a strong, quoted ETag", etag1)
		}

		clk.Advance(time.Minute)
		etag2 := mustSave(t, s, shopA, doc(2), etag1)
		if etag2 == etag1 {
			t.Errorf("ETag did not change: %s", etag2)
		}
		// The same content saved again is a new version with a new ETag.
		etag3 := mustSave(t, s, shopA, doc(2), etag2)
		if etag3 == etag2 {
			t.Errorf("saving the same document again kept ETag %s", etag3)
		}
		got = mustGet(t, s, shopA)
		if got.SettingsVersion != 3 || got.ETag != etag3 || !got.UpdatedAt.Equal(clk.Now()) {
			t.Errorf("Get = v%d %s at %v, want v3 %s at %v", got.SettingsVersion, got.ETag, got.UpdatedAt, etag3, clk.Now())
		}
		if _, err := s.Get(ctx, shopB); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(other shop) error = %v, want ErrNotFound", err)
		}
	})
}

func TestSaveSettingsIfMatch(t *testing.T) {
	tests := []struct {
		name    string
		exists  bool                        // the shop has settings before the save
		ifMatch func(current string) string // given the current ETag
		wantErr error
	}{
		{"unconditional", true, func(string) string { return "" }, nil},
		{"current ETag", true, func(cur string) string { return cur }, nil},
		{"star with a document", true, func(string) string { return "*" }, nil},
		{"stale ETag", true, func(string) string { return etagFor(1, doc(0)) }, ErrConflict},
		{"weak form of the current ETag", true, func(cur string) string { return "W/" + cur }, ErrConflict},
		{"unquoted current ETag", true, func(cur string) string { return strings.Trim(cur, `"`) }, ErrConflict},
		{"garbage", true, func(string) string { return "nonsense" }, ErrConflict},
		{"first save, unconditional", false, func(string) string { return "" }, nil},
		{"first save, star", false, func(string) string { return "*" }, ErrConflict},
		{"first save, an ETag", false, func(string) string { return etagFor(1, doc(1)) }, ErrConflict},
	}
	forEach(t, func(t *testing.T, h harness) {
		s := h.open(t, Options{})
		for i, tc := range tests {
			shop := fmt.Sprintf("shop-%d.myshopify.com", i)
			cur := ""
			if tc.exists {
				cur = mustSave(t, s, shop, doc(1), "")
			}
			_, err := s.SaveSettings(ctx, shop, doc(2), tc.ifMatch(cur))
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("%s: SaveSettings error = %v, want %v", tc.name, err, tc.wantErr)
				continue
			}
			got, err := s.Get(ctx, shop)
			switch {
			case tc.wantErr == nil && (err != nil || !bytes.Equal(got.Settings, doc(2))):
				t.Errorf("%s: after a successful save Get = %v, %v; want the new document", tc.name, got, err)
			case tc.wantErr != nil && tc.exists && (err != nil || got.ETag != cur || !bytes.Equal(got.Settings, doc(1))):
				t.Errorf("%s: after a conflict Get = %v, %v; want the old document unchanged", tc.name, got, err)
			case tc.wantErr != nil && !tc.exists && !errors.Is(err, ErrNotFound):
				t.Errorf("%s: after a conflict on a new shop Get error = %v, want ErrNotFound (nothing saved)", tc.name, err)
			}
			if tc.wantErr != nil && tc.exists {
				if hist, _ := s.History(ctx, shop); len(hist) != 1 {
					t.Errorf("%s: after a conflict History has %d versions, want 1", tc.name, len(hist))
				}
			}
		}
	})
}

func TestHistoryCapped(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		clk := newClock()
		s := h.open(t, Options{Now: clk.Now})
		etags := map[int]string{}
		for i := 1; i <= 25; i++ {
			etags[i] = mustSave(t, s, shopA, doc(i), "")
			clk.Advance(time.Second)
		}
		hist, err := s.History(ctx, shopA)
		if err != nil {
			t.Fatalf("History: %v", err)
		}
		if got, want := len(hist), MaxVersions; got != want {
			t.Fatalf("len(History) = %d, want %d", got, want)
		}
		start := newClock().Now()
		for i, v := range hist {
			want := 25 - i // newest first
			if v.Version != want || v.ETag != etags[want] || !bytes.Equal(v.Settings, doc(want)) {
				t.Errorf("History[%d] = v%d %s %q, want v%d %s %q", i, v.Version, v.ETag, v.Settings, want, etags[want], doc(want))
			}
			if wantAt := start.Add(time.Duration(want-1) * time.Second); !v.SavedAt.Equal(wantAt) {
				t.Errorf("History[%d].SavedAt = %v, want %v", i, v.SavedAt, wantAt)
			}
		}
		if got := mustGet(t, s, shopA); got.SettingsVersion != 25 || got.ETag != hist[0].ETag {
			t.Errorf("Get = v%d %s, want the newest history entry v25 %s", got.SettingsVersion, got.ETag, hist[0].ETag)
		}

		if _, err := s.History(ctx, shopB); !errors.Is(err, ErrNotFound) {
			t.Errorf("History(unknown) error = %v, want ErrNotFound", err)
		}
		if err := s.SetToken(ctx, shopB, "shpat_b", "read_products"); err != nil {
			t.Fatal(err)
		}
		if hist, err := s.History(ctx, shopB); err != nil || len(hist) != 0 {
			t.Errorf("History(shop without settings) = %d versions, %v; want none, nil", len(hist), err)
		}
	})
}

func TestRestore(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		s := h.open(t, Options{})
		etag1 := mustSave(t, s, shopA, doc(1), "")
		mustSave(t, s, shopA, doc(2), "")
		etag3 := mustSave(t, s, shopA, doc(3), "")

		if _, err := s.Restore(ctx, shopA, 1, etag1); !errors.Is(err, ErrConflict) {
			t.Errorf("Restore with a stale If-Match: error = %v, want ErrConflict", err)
		}
		etag4, err := s.Restore(ctx, shopA, 1, etag3)
		if err != nil {
			t.Fatalf("Restore(1): %v", err)
		}
		if etag4 == etag1 || etag4 == etag3 {
			t.Errorf("Restore gave ETag %s, want a new one (v1 %s, v3 %s)", etag4, etag1, etag3)
		}
		got := mustGet(t, s, shopA)
		if got.SettingsVersion != 4 || got.ETag != etag4 || !bytes.Equal(got.Settings, doc(1)) {
			t.Errorf("after Restore(1) Get = v%d %s %q, want v4 %s %q", got.SettingsVersion, got.ETag, got.Settings, etag4, doc(1))
		}
		hist, err := s.History(ctx, shopA)
		if err != nil {
			t.Fatal(err)
		}
		var versions []int
		for _, v := range hist {
			versions = append(versions, v.Version)
		}
		if fmt.Sprint(versions) != "[4 3 2 1]" {
			t.Errorf("History versions after Restore = %v, want [4 3 2 1]", versions)
		}

		for _, v := range []int{0, 99} {
			if _, err := s.Restore(ctx, shopA, v, ""); !errors.Is(err, ErrNotFound) {
				t.Errorf("Restore(%d) error = %v, want ErrNotFound", v, err)
			}
		}
		if _, err := s.Restore(ctx, shopB, 1, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("Restore(unknown shop) error = %v, want ErrNotFound", err)
		}
		for i := 5; i <= 25; i++ {
			mustSave(t, s, shopA, doc(i), "")
		}
		if _, err := s.Restore(ctx, shopA, 1, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("Restore of a version dropped from the history: error = %v, want ErrNotFound", err)
		}
	})
}

func TestTokens(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		clk := newClock()
		s := h.open(t, Options{Now: clk.Now})
		installed := clk.Now()
		if err := s.SetToken(ctx, shopA, "shpat_one", "read_products"); err != nil {
			t.Fatalf("SetToken: %v", err)
		}
		mustSave(t, s, shopA, doc(1), "")
		got := mustGet(t, s, shopA)
		if got.Token != "shpat_one" || got.Scopes != "read_products" || !got.Installed() || !got.InstalledAt.Equal(installed) {
			t.Errorf("after SetToken Get = %q %q installed=%v at %v; want shpat_one read_products true at %v", got.Token, got.Scopes, got.Installed(), got.InstalledAt, installed)
		}

		// A new token for an installed shop (new scopes) is not a new install.
		clk.Advance(time.Hour)
		if err := s.SetToken(ctx, shopA, "shpat_two", "read_products,write_products"); err != nil {
			t.Fatal(err)
		}
		got = mustGet(t, s, shopA)
		if got.Token != "shpat_two" || got.Scopes != "read_products,write_products" || !got.InstalledAt.Equal(installed) || !got.UpdatedAt.Equal(clk.Now()) {
			t.Errorf("after a second SetToken Get = %q %q installed at %v updated %v; want shpat_two, both scopes, installed at %v, updated %v",
				got.Token, got.Scopes, got.InstalledAt, got.UpdatedAt, installed, clk.Now())
		}

		clk.Advance(time.Hour)
		uninstalled := clk.Now()
		for range 2 { // a repeated app/uninstalled is harmless
			if err := s.DeleteToken(ctx, shopA); err != nil {
				t.Fatalf("DeleteToken: %v", err)
			}
			clk.Advance(time.Minute)
		}
		got = mustGet(t, s, shopA)
		if got.Token != "" || got.Scopes != "" || got.Installed() || !got.UninstalledAt.Equal(uninstalled) {
			t.Errorf("after DeleteToken Get = %q %q installed=%v uninstalled at %v; want no token, uninstalled at %v", got.Token, got.Scopes, got.Installed(), got.UninstalledAt, uninstalled)
		}
		if !bytes.Equal(got.Settings, doc(1)) {
			t.Errorf("DeleteToken dropped the settings: %q", got.Settings)
		}

		reinstalled := clk.Now()
		if err := s.SetToken(ctx, shopA, "shpat_three", "read_products"); err != nil {
			t.Fatal(err)
		}
		got = mustGet(t, s, shopA)
		if got.Token != "shpat_three" || !got.InstalledAt.Equal(reinstalled) || !got.UninstalledAt.IsZero() {
			t.Errorf("after reinstall Get = %q installed at %v uninstalled at %v; want shpat_three, %v, zero", got.Token, got.InstalledAt, got.UninstalledAt, reinstalled)
		}

		if err := s.DeleteToken(ctx, shopB); err != nil {
			t.Errorf("DeleteToken(unknown) = %v, want nil", err)
		}
		if _, err := s.Get(ctx, shopB); !errors.Is(err, ErrNotFound) {
			t.Errorf("DeleteToken(unknown) created the shop: Get error = %v", err)
		}
		if err := s.SetToken(ctx, shopB, "", "read_products"); err == nil {
			t.Errorf("SetToken with an empty token succeeded")
		}
	})
}

func TestDeleteShopAndList(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		s := h.open(t, Options{})
		if got, err := s.List(ctx); err != nil || len(got) != 0 {
			t.Errorf("List on an empty store = %v, %v; want none", got, err)
		}
		mustSave(t, s, shopB, doc(1), "")
		mustSave(t, s, shopB, doc(2), "")
		if err := s.SetToken(ctx, shopB, "shpat_b", "read_products"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetToken(ctx, shopC, "shpat_c", "read_products"); err != nil { // token only
			t.Fatal(err)
		}
		mustSave(t, s, shopA, doc(1), "")
		if err := s.DeleteToken(ctx, shopA); err != nil { // uninstalled, not redacted
			t.Fatal(err)
		}
		if got, err := s.List(ctx); err != nil || fmt.Sprint(got) != fmt.Sprint([]string{shopA, shopB, shopC}) {
			t.Errorf("List = %v, %v; want [%s %s %s]", got, err, shopA, shopB, shopC)
		}

		for range 2 { // a repeated shop/redact is harmless
			if err := s.DeleteShop(ctx, shopB); err != nil {
				t.Fatalf("DeleteShop: %v", err)
			}
		}
		if _, err := s.Get(ctx, shopB); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get after DeleteShop: error = %v, want ErrNotFound", err)
		}
		if _, err := s.History(ctx, shopB); !errors.Is(err, ErrNotFound) {
			t.Errorf("History after DeleteShop: error = %v, want ErrNotFound", err)
		}
		if _, err := s.Restore(ctx, shopB, 1, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("Restore after DeleteShop: error = %v, want ErrNotFound", err)
		}
		if got, err := s.List(ctx); err != nil || fmt.Sprint(got) != fmt.Sprint([]string{shopA, shopC}) {
			t.Errorf("List after DeleteShop = %v, %v; want [%s %s]", got, err, shopA, shopC)
		}
		// Nothing is left over: a new install starts from scratch.
		mustSave(t, s, shopB, doc(9), "")
		if got := mustGet(t, s, shopB); got.SettingsVersion != 1 || got.Token != "" || !got.InstalledAt.IsZero() {
			t.Errorf("after DeleteShop and a new save Get = v%d token %q installed %v; want v1, no token, never installed", got.SettingsVersion, got.Token, got.InstalledAt)
		}
		if hist, _ := s.History(ctx, shopB); len(hist) != 1 {
			t.Errorf("after DeleteShop and a new save History has %d versions, want 1", len(hist))
		}
		if got := mustGet(t, s, shopC); got.Token != "shpat_c" {
			t.Errorf("DeleteShop(%s) touched %s: token %q", shopB, shopC, got.Token)
		}
	})
}

// TestConcurrentSave: ten editors hold the same ETag and save at once;
// exactly one wins and the others get ErrConflict (run with -race).
func TestConcurrentSave(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		s := h.open(t, Options{})
		etag := mustSave(t, s, shopA, doc(0), "")
		const n = 10
		errs := make([]error, n)
		etags := make([]string, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				etags[i], errs[i] = s.SaveSettings(ctx, shopA, doc(100+i), etag)
			})
		}
		close(start)
		wg.Wait()
		winner, conflicts := -1, 0
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Errorf("both saves %d and %d won", winner, i)
				}
				winner = i
			case errors.Is(err, ErrConflict):
				conflicts++
			default:
				t.Errorf("save %d: unexpected error %v", i, err)
			}
		}
		if winner < 0 || conflicts != n-1 {
			t.Fatalf("winners: %v, conflicts %d; want exactly one winner and %d conflicts", winner, conflicts, n-1)
		}
		got := mustGet(t, s, shopA)
		if got.SettingsVersion != 2 || got.ETag != etags[winner] || !bytes.Equal(got.Settings, doc(100+winner)) {
			t.Errorf("Get = v%d %s %q, want v2 %s %q (the winner's)", got.SettingsVersion, got.ETag, got.Settings, etags[winner], doc(100+winner))
		}

		// Unconditional saves from many goroutines all land, as distinct versions.
		for i := range n {
			wg.Go(func() {
				if _, err := s.SaveSettings(ctx, shopB, doc(i), ""); err != nil {
					t.Errorf("unconditional save %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if got := mustGet(t, s, shopB); got.SettingsVersion != n {
			t.Errorf("after %d unconditional concurrent saves version = %d, want %d", n, got.SettingsVersion, n)
		}
	})
}

var (
	testKey  = bytes.Repeat([]byte{0x42}, KeySize)
	otherKey = bytes.Repeat([]byte{0x17}, KeySize)
)

func TestEncryptedTokens(t *testing.T) {
	const token = "shpat_0123456789abcdef0123456789abcdef"
	forEach(t, func(t *testing.T, h harness) {
		// A token written before any key was configured.
		s := h.open(t, Options{})
		if err := s.SetToken(ctx, shopA, token, "read_products"); err != nil {
			t.Fatal(err)
		}
		if raw := h.rawToken(t, s, shopA); !strings.Contains(raw, token) {
			t.Errorf("without a key the stored token is %q, want it in plaintext", raw)
		}

		s = h.open(t, Options{EncryptionKey: testKey})
		if got := mustGet(t, s, shopA); got.Token != token {
			t.Errorf("legacy plaintext token read with a key = %q, want %q", got.Token, token)
		}
		if err := s.SetToken(ctx, shopB, token, "read_products"); err != nil {
			t.Fatal(err)
		}
		raw1 := h.rawToken(t, s, shopB)
		if strings.Contains(raw1, token) || strings.Contains(raw1, "shpat_") {
			t.Errorf("with a key the token is stored readable: %q", raw1)
		}
		if got := mustGet(t, s, shopB); got.Token != token || got.Scopes != "read_products" {
			t.Errorf("encrypted round trip = %q %q, want %q read_products", got.Token, got.Scopes, token)
		}
		if err := s.SetToken(ctx, shopB, token, "read_products"); err != nil {
			t.Fatal(err)
		}
		if raw2 := h.rawToken(t, s, shopB); raw2 == raw1 {
			t.Errorf("two writes of one token stored the same ciphertext: the nonce is not fresh")
		}

		for _, tc := range []struct {
			name string
			key  []byte
			want string
		}{
			{"wrong key", otherKey, "another key"},
			{"no key", nil, "not set"},
		} {
			s = h.open(t, Options{EncryptionKey: tc.key})
			got, err := s.Get(ctx, shopB)
			if !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: Get = %v, %v; want ErrDecrypt saying %q", tc.name, got, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), token) {
				t.Errorf("%s: the error shows the token: %v", tc.name, err)
			}
		}
	})
}

func TestClosed(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		s := h.open(t, Options{})
		mustSave(t, s, shopA, doc(1), "")
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		calls := map[string]error{
			"Ping":  s.Ping(ctx),
			"List":  second(s.List(ctx)),
			"Get":   second(s.Get(ctx, shopA)),
			"Save":  second(s.SaveSettings(ctx, shopA, doc(2), "")),
			"Token": s.SetToken(ctx, shopA, "shpat_x", ""),
		}
		for name, err := range calls {
			if !errors.Is(err, ErrClosed) {
				t.Errorf("%s after Close: error = %v, want ErrClosed", name, err)
			}
		}
	})
}

func TestInvalidInput(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		s := h.open(t, Options{})
		for _, shop := range []string{"", "Upper.myshopify.com", "a}b.myshopify.com", "a:b", strings.Repeat("a", 256)} {
			if _, err := s.SaveSettings(ctx, shop, doc(1), ""); err == nil {
				t.Errorf("SaveSettings(%q) succeeded, want an error", shop)
			}
			if err := s.SetToken(ctx, shop, "shpat_x", ""); err == nil {
				t.Errorf("SetToken(%q) succeeded, want an error", shop)
			}
		}
		if _, err := s.SaveSettings(ctx, shopA, nil, ""); err == nil {
			t.Errorf("SaveSettings(empty document) succeeded, want an error")
		}
		if got, _ := s.List(ctx); len(got) != 0 {
			t.Errorf("rejected writes left shops behind: %v", got)
		}
	})
}

func TestContextCanceled(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		s := h.open(t, Options{})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.SaveSettings(cctx, shopA, doc(1), ""); !errors.Is(err, context.Canceled) {
			t.Errorf("SaveSettings with a canceled context: error = %v, want context.Canceled", err)
		}
		if _, err := s.Get(ctx, shopA); !errors.Is(err, ErrNotFound) {
			t.Errorf("a canceled save left data: Get error = %v", err)
		}
	})
}

func second[T any](_ T, err error) error { return err }

// TestMain silences go-redis's own logger, which prints every failed dial
// of the outage tests to stderr.
func TestMain(m *testing.M) {
	redis.SetLogger(quietLogger{})
	os.Exit(m.Run())
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

func TestShopNeverPrintsToken(t *testing.T) {
	const token = "shpat_do_not_print_me"
	s := &Shop{Domain: shopA, Token: token, Scopes: "read_products", SettingsVersion: 3}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("shop", "shop", s, "value", *s)
	for name, out := range map[string]string{
		"%v":   fmt.Sprintf("%v", s),
		"%+v":  fmt.Sprintf("%+v", *s),
		"%s":   fmt.Sprintf("%s", s),
		"slog": logged.String(),
	} {
		if strings.Contains(out, token) {
			t.Errorf("%s shows the token: %s", name, out)
		}
		if !strings.Contains(out, shopA) {
			t.Errorf("%s lost the domain: %s", name, out)
		}
	}
}
