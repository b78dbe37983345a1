package shops_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// fileRegistry is a registry over an empty Bolt store whose one shop is
// static (a LEADTIME_CONFIG file), with the file's document as JSON.
func fileRegistry(t *testing.T) (*shops.Registry, *store.Bolt, []byte) {
	t.Helper()
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), store.BoltFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	static, err := delivery.LoadShop(settings(t))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := newRegistry(t, st, nil)
	r.Static = promise.StaticShops{domain: static}
	doc, err := shops.StaticDocument(static)
	if err != nil {
		t.Fatal(err)
	}
	return r, st, doc
}

// TestSaveOverFile: the file's document is version 0 with a file ETag; a
// save must name it, becomes version 1, and keeps the file in the history.
func TestSaveOverFile(t *testing.T) {
	ctx := context.Background()
	r, st, fileDoc := fileRegistry(t)
	cur, err := r.Current(ctx, domain)
	if err != nil || cur.Version != 0 || cur.ETag != shops.FileETag(fileDoc) || string(cur.Settings) != string(fileDoc) {
		t.Fatalf("Current = version %d, ETag %s, %v; want the file's, version 0", cur.Version, cur.ETag, err)
	}
	var changed [][]byte
	save := func(ifMatch string) ([]byte, string, error) {
		etag, err := st.SaveSettings(ctx, domain, fileDoc, ifMatch)
		return fileDoc, etag, err
	}
	onChange := func(doc []byte) { changed = append(changed, doc) }
	if _, err := r.Save(ctx, domain, `"stale"`, save, onChange); !errors.Is(err, store.ErrConflict) || len(changed) != 0 {
		t.Fatalf("Save(stale If-Match) = %v, %d changes; want ErrConflict and none", err, len(changed))
	}
	etag, err := r.Save(ctx, domain, cur.ETag, save, onChange)
	if err != nil || len(changed) != 1 {
		t.Fatalf("Save(file ETag) = %q, %v, %d changes; want saved, 1 change", etag, err, len(changed))
	}
	if cur, err := r.Current(ctx, domain); err != nil || cur.Version != 1 || cur.ETag != etag {
		t.Errorf("after a save: Current = version %d, ETag %s, %v; want version 1, %s", cur.Version, cur.ETag, err, etag)
	}
	hist, err := r.History(ctx, domain)
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, h := range hist {
		sources = append(sources, h.Source)
	}
	if want := []string{"saved", "file"}; !slices.Equal(sources, want) || !hist[0].Current || hist[1].Current {
		t.Errorf("History = %+v, want %v with the saved one current", hist, want)
	}
}

// TestVersion: version 0 is the file; a version not kept is ErrNoVersion.
func TestVersion(t *testing.T) {
	ctx := context.Background()
	r, _, fileDoc := fileRegistry(t)
	for _, tc := range []struct {
		shop    string
		version int
		want    error
	}{
		{domain, 0, nil},
		{domain, 3, shops.ErrNoVersion},
		{"other.myshopify.com", 0, shops.ErrNoVersion},
	} {
		doc, err := r.Version(ctx, tc.shop, tc.version)
		if !errors.Is(err, tc.want) || (tc.want == nil && string(doc) != string(fileDoc)) {
			t.Errorf("Version(%s, %d) = %d bytes, %v; want %v", tc.shop, tc.version, len(doc), err, tc.want)
		}
	}
}

// TestInstalled: a static shop is installed once it has a token.
func TestInstalled(t *testing.T) {
	ctx := context.Background()
	r, st, _ := fileRegistry(t)
	if ok, err := r.Installed(ctx, domain); ok || err != nil {
		t.Errorf("Installed before a token = %v, %v; want false", ok, err)
	}
	if err := st.SetToken(ctx, domain, "shpat_x", "read_products"); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.Installed(ctx, domain); !ok || err != nil {
		t.Errorf("Installed with a token = %v, %v; want true", ok, err)
	}
}

// TestCompileDocument: only a JSON object of valid settings for the shop
// that saves it compiles.
func TestCompileDocument(t *testing.T) {
	_, _, doc := fileRegistry(t)
	var invalid *delivery.ValidationError
	for _, tc := range []struct {
		name, body, shop string
		ok               bool
		want             error
	}{
		{"the file's document", string(doc), domain, true, nil},
		{"empty", "  ", domain, false, shops.ErrNotObject},
		{"an array", "[]", domain, false, shops.ErrNotObject},
		{"YAML", string(settings(t)), domain, false, shops.ErrNotObject},
	} {
		_, out, err := shops.CompileDocument([]byte(tc.body), tc.shop)
		if tc.ok != (err == nil) || !errors.Is(err, tc.want) || (tc.ok && len(out) == 0) {
			t.Errorf("CompileDocument(%s) = %d bytes, %v; want ok %v, error %v", tc.name, len(out), err, tc.ok, tc.want)
		}
	}
	if _, _, err := shops.CompileDocument(doc, "other.myshopify.com"); !errors.As(err, &invalid) || invalid.Problems[0].Path != "shop" {
		t.Errorf("CompileDocument(another shop's) = %v, want a problem at shop", err)
	}
}

// TestUpcomingHolidays: days off between two dates, by date, then
// calendar.
func TestUpcomingHolidays(t *testing.T) {
	from := delivery.DateIn(time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), time.UTC)
	to := from.AddDays(8)
	got := shops.UpcomingHolidays([]string{"SE", "NO"}, from, to)
	if len(got) == 0 {
		t.Fatal("UpcomingHolidays(SE, NO, Christmas week) = none")
	}
	for i, h := range got {
		if h.Date < from || h.Date > to {
			t.Errorf("UpcomingHolidays: %s is outside %s..%s", h.Date, from, to)
		}
		if i > 0 && (h.Date < got[i-1].Date || h.Date == got[i-1].Date && h.Calendar < got[i-1].Calendar) {
			t.Errorf("UpcomingHolidays: %v after %v, want by date, then calendar", h, got[i-1])
		}
	}
}
