package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/feed"
	"github.com/leadtime-app/leadtime/store"
)

// The Merchant Center feed (issue 14): GET /feeds/google/{token}/{country}.tsv
// and .xml. A feed is built in the background, never on a storefront
// request: the first fetch starts the build, and a later fetch after the
// shop's products or settings changed (the generation every product
// webhook and every save raises) gets the previous feed while the next one
// is built. Merchant Center fetches once a day, so a feed a few minutes old
// is as good as new.

// DemoFeedToken opens the demo shop's feed in demo mode, besides the token
// kept in the store: /feeds/google/demo/SE.tsv.
const DemoFeedToken = "demo"

// ErrFeedBuilding is a feed not built yet: the caller should come back
// after Retry-After.
var ErrFeedBuilding = errors.New("the feed is being built")

// feedWait is how long a first fetch waits for its feed before it is told
// to come back: a demo or small shop's feed is ready by then, a large
// shop's takes the cost bucket's time (20 minutes for 10 000 products).
const feedWait = 10 * time.Second

// feedBuildTimeout bounds one build, crawl included.
const feedBuildTimeout = time.Hour

// FeedTokens keeps the secret of each shop's feed URL (store.Bolt and
// store.Redis implement it); declared here, where it is used.
type FeedTokens interface {
	FeedToken(ctx context.Context, shop string) (string, error)
	FeedShop(ctx context.Context, token string) (string, error)
	SetFeedToken(ctx context.Context, shop, token string) error
}

// feedCache holds the built feeds of this instance. The zero value is
// ready to use; it is safe for concurrent use.
type feedCache struct {
	mu      sync.Mutex
	entries map[string]*feedEntry // shop|country
	crawls  singleflight.Group    // one catalog crawl per shop and generation
}

// feedEntry is one shop's feed for one country.
type feedEntry struct {
	gen      int64         // answersOf(shop)'s generation it was built at
	day      delivery.Date // the shop's date it was built on (pre-orders count down)
	built    bool          // tsv and xml hold a feed (maybe an older one)
	tsv, xml []byte
	etag     string    // of the TSV; the XML's is derived from it
	modified time.Time // when its content last changed
	building chan struct{}
	err      error // the last build's failure, logged
}

// handleFeed handles "GET /feeds/google/:token/:file" (and HEAD, for
// fetchers that look before they fetch), file being COUNTRY.tsv or
// COUNTRY.xml.
func (s *Server) handleFeed() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		domain, err := s.feedShop(ctx, c.Param("token"))
		if err != nil {
			WriteError(c, err)
			return
		}
		country, format, err := feedFile(c.Param("file"))
		if err != nil {
			WriteError(c, err)
			return
		}
		shop, err := s.engine.Shops.Shop(ctx, domain)
		if err != nil {
			WriteError(c, err)
			return
		}
		if _, err := shop.Route(delivery.Destination{Country: country}); err != nil {
			WriteError(c, err)
			return
		}
		e, err := s.feedFor(ctx, shop, country)
		if err != nil {
			c.Header("Retry-After", "60")
			WriteError(c, err)
			return
		}
		serveFeed(c, e, format)
	}
}

// feedShop finds the shop of a feed token.
func (s *Server) feedShop(ctx context.Context, token string) (string, error) {
	if s.demo && token == DemoFeedToken && s.defaultShop != "" {
		return s.defaultShop, nil
	}
	tokens, err := s.tokenStore()
	if err != nil {
		return "", err
	}
	shop, err := tokens.FeedShop(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("no feed has this token (it may have been rotated): %w", ErrNotFound)
	}
	return shop, err
}

// tokenStore is Config.FeedTokens, else the settings store's.
func (s *Server) tokenStore() (FeedTokens, error) {
	if s.feedTokens != nil {
		return s.feedTokens, nil
	}
	ss, err := s.adminShops()
	if err != nil {
		return nil, err
	}
	tokens, ok := ss.Store.(FeedTokens)
	if !ok {
		return nil, fmt.Errorf("this store keeps no feed tokens: %w", ErrNotFound)
	}
	return tokens, nil
}

// feedFile parses "SE.tsv".
func feedFile(file string) (country, format string, err error) {
	name, format, ok := strings.Cut(file, ".")
	if !ok || (format != "tsv" && format != "xml") {
		return "", "", fmt.Errorf("%q: a feed is COUNTRY.tsv or COUNTRY.xml: %w", file, ErrNotFound)
	}
	country = strings.ToUpper(name)
	if !delivery.KnownCountry(country) {
		return "", "", BadParam("invalid_country", "country %q is not an ISO 3166 country code such as SE", name)
	}
	return country, format, nil
}

// feedFor returns the shop's feed for country: the current one, else the
// previous one while the next is built, else the first one if it is built
// within feedWait.
func (s *Server) feedFor(ctx context.Context, shop *delivery.Shop, country string) (feedEntry, error) {
	gen := s.shared.Generation(answersOf(shop.Domain()))
	now := s.now()
	day := delivery.DateIn(now, shop.Location())
	key := shop.Domain() + "|" + country
	fc := &s.feeds
	fc.mu.Lock()
	if fc.entries == nil {
		fc.entries = map[string]*feedEntry{}
	}
	e := fc.entries[key]
	if e == nil {
		e = &feedEntry{}
		fc.entries[key] = e
	}
	if e.built && e.gen == gen && e.day == day {
		snap := *e
		fc.mu.Unlock()
		return snap, nil
	}
	building := e.building
	if building == nil {
		building = make(chan struct{})
		e.building = building
		go s.buildFeed(context.WithoutCancel(ctx), shop, country, key, gen, day, now, building)
	}
	if e.built {
		snap := *e
		fc.mu.Unlock()
		return snap, nil // the previous feed while the next is built
	}
	fc.mu.Unlock()
	timer := time.NewTimer(feedWait)
	defer timer.Stop()
	select {
	case <-building:
	case <-timer.C:
	case <-ctx.Done():
		return feedEntry{}, ctx.Err()
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if !e.built {
		return feedEntry{}, fmt.Errorf("the feed of %s for %s is not built yet; fetch it again in a minute: %w", shop.Domain(), country, ErrFeedBuilding)
	}
	return *e, nil
}

// buildFeed builds a feed and stores it in its entry, then closes done.
func (s *Server) buildFeed(ctx context.Context, shop *delivery.Shop, country, key string, gen int64, day delivery.Date, now time.Time, done chan struct{}) {
	ctx, cancel := context.WithTimeout(ctx, feedBuildTimeout)
	defer cancel()
	started := time.Now()
	tsv, xml, err := s.renderFeed(ctx, shop, country, gen, now)
	fc := &s.feeds
	fc.mu.Lock()
	defer fc.mu.Unlock()
	defer close(done)
	e := fc.entries[key]
	e.building, e.err = nil, err
	if err != nil {
		s.log.ErrorContext(ctx, "feed build failed", "shop", shop.Domain(), "country", country, "err", err)
		return
	}
	etag := feedETag(tsv)
	if etag != e.etag {
		e.modified = now.UTC().Truncate(time.Second)
	}
	e.gen, e.day, e.built, e.tsv, e.xml, e.etag = gen, day, true, tsv, xml, etag
	s.log.InfoContext(ctx, "feed built", "shop", shop.Domain(), "country", country, "bytes", len(tsv), "took", time.Since(started))
}

// renderFeed builds the feed and writes it in both formats.
func (s *Server) renderFeed(ctx context.Context, shop *delivery.Shop, country string, gen int64, now time.Time) ([]byte, []byte, error) {
	products, err := s.feedProducts(ctx, shop, gen)
	if err != nil {
		return nil, nil, err
	}
	f, err := feed.Build(shop, products, country, now)
	if err != nil {
		return nil, nil, err
	}
	for _, skip := range f.Skipped {
		s.log.WarnContext(ctx, "variant left out of the feed", "shop", shop.Domain(), "product", skip.ProductID, "variant", skip.VariantID, "err", skip.Err)
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

// feedProducts is the shop's catalog: from the Admin API when the shop is
// connected (one crawl per generation, shared by every country), else the
// settings document's.
func (s *Server) feedProducts(ctx context.Context, shop *delivery.Shop, gen int64) ([]delivery.Product, error) {
	if s.app == nil {
		return shop.Catalog(), nil
	}
	v, err, _ := s.feeds.crawls.Do(fmt.Sprintf("%s|%d", shop.Domain(), gen), func() (any, error) {
		client, err := s.app.Client(ctx, shop)
		if errors.Is(err, catalog.ErrNoToken) {
			return shop.Catalog(), nil
		}
		if err != nil {
			return nil, err
		}
		products, stats, err := client.Catalog(ctx)
		s.log.InfoContext(ctx, "catalog crawled for the feed", "shop", shop.Domain(), "products", len(products),
			"calls", stats.Calls, "cost_requested", stats.Requested, "cost_actual", stats.Actual, "waited", stats.Waited)
		return products, err
	})
	if err != nil {
		return nil, fmt.Errorf("feed catalog: %w", err)
	}
	return v.([]delivery.Product), nil
}

func feedETag(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:12])
}

// serveFeed answers with the feed, or 304 when the caller has it.
func serveFeed(c *gin.Context, e feedEntry, format string) {
	body, ctype := e.tsv, "text/tab-separated-values; charset=utf-8"
	if format == "xml" {
		body, ctype = e.xml, "application/xml; charset=utf-8"
	}
	etag := `"` + format + "-" + e.etag + `"`
	c.Header("ETag", etag)
	c.Header("Last-Modified", e.modified.Format(http.TimeFormat))
	c.Header("Cache-Control", "private, no-cache")
	if notModified(c.Request, etag, e.modified) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, ctype, body)
}

// notModified applies If-None-Match, else If-Modified-Since (RFC 9110 §13.1).
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == etag || tag == "*" {
				return true
			}
		}
		return false
	}
	if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil {
		return !modified.After(ims)
	}
	return false
}

// FeedToken is the answer of the feed-token admin API.
type FeedToken struct {
	Token   string `json:"token"`
	Country string `json:"country"` // the shop's own country, for the URLs
	TSVURL  string `json:"tsv_url"`
	XMLURL  string `json:"xml_url"`
}

// handleAdminFeedToken handles "GET /admin/api/feed-token": the shop's feed
// token and URLs, a token being made the first time.
func (s *Server) handleAdminFeedToken() gin.HandlerFunc {
	return s.feedTokenHandler(false)
}

// handleAdminFeedTokenRotate handles "POST /admin/api/feed-token": a new
// token, after which the old URLs answer 404.
func (s *Server) handleAdminFeedTokenRotate() gin.HandlerFunc {
	return s.feedTokenHandler(true)
}

func (s *Server) feedTokenHandler(rotate bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, domain := c.Request.Context(), c.GetString(adminShopKey)
		tokens, err := s.tokenStore()
		if err != nil {
			WriteError(c, err)
			return
		}
		token, err := tokens.FeedToken(ctx, domain)
		if rotate || errors.Is(err, store.ErrNotFound) {
			token = newFeedToken()
			err = tokens.SetFeedToken(ctx, domain, token)
		}
		if err != nil {
			WriteError(c, fmt.Errorf("feed token: %w", err))
			return
		}
		country := ""
		if shop, err := s.engine.Shops.Shop(ctx, domain); err == nil {
			country = shop.Country()
		}
		base := s.publicBase(c) + "/feeds/google/" + token + "/" + country
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, FeedToken{Token: token, Country: country, TSVURL: base + ".tsv", XMLURL: base + ".xml"})
	}
}

// publicBase is the URL Merchant Center reaches this server at: APP_URL,
// else the request's own host.
func (s *Server) publicBase(c *gin.Context) string {
	if s.app != nil && s.app.AppURL != "" {
		return strings.TrimRight(s.app.AppURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// newFeedToken is 144 random bits, URL-safe.
func newFeedToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
