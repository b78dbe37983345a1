package feed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/leadtime-app/leadtime/delivery"
)

// A feed is built in the background, never on a storefront request: the
// first fetch starts the build, and a later fetch after the shop's products
// or settings changed (a new generation) gets the previous feed while the
// next one is built. Merchant Center fetches once a day, so a feed a few
// minutes old is as good as new.

// ErrBuilding is a feed not built yet: the caller should come back in a
// minute.
var ErrBuilding = errors.New("the feed is being built")

// DefaultWait is how long a first fetch waits for its feed before it is
// told to come back: a demo or small shop's feed is ready by then, a large
// shop's takes the cost bucket's time (20 minutes for 10 000 products).
const DefaultWait = 10 * time.Second

// buildTimeout bounds one build, crawl included.
const buildTimeout = time.Hour

// Catalog loads a shop's products for a feed.
type Catalog func(ctx context.Context, shop *delivery.Shop) ([]delivery.Product, error)

// Request says which feed Cache.Get is for.
type Request struct {
	Shop    *delivery.Shop
	Country string // ISO code, upper case
	// Generation is the generation of the shop's products and settings: a
	// feed built at another one is rebuilt.
	Generation int64
	// Now is the build's instant; a feed built on another day of the
	// shop's is rebuilt, as pre-orders count down.
	Now time.Time
	// Catalog loads the products; nil means the settings document's
	// catalog. Builds of one shop and generation running at once share one
	// call, whatever their country.
	Catalog Catalog
	// Log receives the build's outcome; nil discards it.
	Log *slog.Logger
}

// Files is one built feed in both formats.
type Files struct {
	TSV, XML []byte
	ETag     string    // of the TSV, without quotes; the XML's is derived from it
	Modified time.Time // when the content last changed, to the second, UTC
}

// Cache holds the built feeds of this instance. The zero value is ready to
// use; it is safe for concurrent use.
type Cache struct {
	// Wait is how long Get waits for a shop's first feed; 0 is DefaultWait.
	Wait time.Duration

	mu      sync.Mutex
	entries map[string]*entry // shop|country
	crawls  singleflight.Group
}

// entry is one shop's feed for one country.
type entry struct {
	gen      int64         // the generation it was built at
	day      delivery.Date // the shop's date it was built on
	built    bool          // files hold a feed (maybe an older one)
	files    Files
	building chan struct{} // closed when the running build ends; nil when none runs
	err      error         // the last build's failure, logged
}

// Get returns the feed req asks for: the current one, else the previous
// one while the next is built, else the first one if it is built within
// Wait, else an error matching ErrBuilding. A build goes on when ctx ends.
func (c *Cache) Get(ctx context.Context, req Request) (Files, error) {
	if req.Log == nil {
		req.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	day := delivery.DateIn(req.Now, req.Shop.Location())
	key := req.Shop.Domain() + "|" + req.Country
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]*entry{}
	}
	e := c.entries[key]
	if e == nil {
		e = &entry{}
		c.entries[key] = e
	}
	if e.built && e.gen == req.Generation && e.day == day {
		files := e.files
		c.mu.Unlock()
		return files, nil
	}
	building := e.building
	if building == nil {
		building = make(chan struct{})
		e.building = building
		go c.build(context.WithoutCancel(ctx), req, e, day, building)
	}
	if e.built {
		files := e.files
		c.mu.Unlock()
		return files, nil // the previous feed while the next is built
	}
	c.mu.Unlock()
	wait := c.Wait
	if wait <= 0 {
		wait = DefaultWait
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-building:
	case <-timer.C:
	case <-ctx.Done():
		return Files{}, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !e.built {
		return Files{}, fmt.Errorf("the feed of %s for %s is not built yet; fetch it again in a minute: %w", req.Shop.Domain(), req.Country, ErrBuilding)
	}
	return e.files, nil
}

// build builds a feed and stores it in e, then closes done.
func (c *Cache) build(ctx context.Context, req Request, e *entry, day delivery.Date, done chan struct{}) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	started := time.Now() // for the log only
	tsv, xml, err := c.render(ctx, req)
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(done)
	e.building, e.err = nil, err
	shop := req.Shop.Domain()
	if err != nil {
		req.Log.ErrorContext(ctx, "feed build failed", "shop", shop, "country", req.Country, "err", err)
		return
	}
	etag := ETag(tsv)
	modified := e.files.Modified
	if etag != e.files.ETag {
		modified = req.Now.UTC().Truncate(time.Second)
	}
	e.gen, e.day, e.built = req.Generation, day, true
	e.files = Files{TSV: tsv, XML: xml, ETag: etag, Modified: modified}
	req.Log.InfoContext(ctx, "feed built", "shop", shop, "country", req.Country, "bytes", len(tsv), "took", time.Since(started))
}

// render builds the feed and writes it in both formats.
func (c *Cache) render(ctx context.Context, req Request) ([]byte, []byte, error) {
	products, err := c.products(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	f, err := Build(req.Shop, products, req.Country, req.Now)
	if err != nil {
		return nil, nil, err
	}
	for _, skip := range f.Skipped {
		req.Log.WarnContext(ctx, "variant left out of the feed", "shop", req.Shop.Domain(), "product", skip.ProductID, "variant", skip.VariantID, "err", skip.Err)
	}
	var tsv, xml bytes.Buffer
	if err := f.WriteTSV(&tsv); err != nil {
		return nil, nil, err
	}
	if err := f.WriteXML(&xml); err != nil {
		return nil, nil, err
	}
	return tsv.Bytes(), xml.Bytes(), nil
}

// products loads req's products: one call per shop and generation at a
// time, shared by every country's build.
func (c *Cache) products(ctx context.Context, req Request) ([]delivery.Product, error) {
	if req.Catalog == nil {
		return req.Shop.Catalog(), nil
	}
	v, err, _ := c.crawls.Do(fmt.Sprintf("%s|%d", req.Shop.Domain(), req.Generation), func() (any, error) {
		return req.Catalog(ctx, req.Shop)
	})
	if err != nil {
		return nil, fmt.Errorf("feed catalog: %w", err)
	}
	return v.([]delivery.Product), nil
}

// ETag is the entity tag of a feed's body: 96 bits of its SHA-256, in hex.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:12])
}
