package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/feed"
	"github.com/leadtime-app/leadtime/store"
)

// The Merchant Center feed (issue 14): GET /feeds/google/{token}/{country}.tsv
// and .xml. Package feed builds feeds in the background and keeps them
// (feed.Cache); these handlers find the shop of a token, give the cache the
// generation every product webhook and every save raises, and answer with
// the feed or a 304.

// DemoFeedToken opens the demo shop's feed in demo mode, besides the token
// kept in the store: /feeds/google/demo/SE.tsv.
const DemoFeedToken = "demo"

// ErrFeedBuilding is a feed not built yet: the caller should come back
// after Retry-After.
var ErrFeedBuilding = feed.ErrBuilding

// FeedTokens keeps the secret of each shop's feed URL (store.Bolt and
// store.Redis implement it); declared here, where it is used.
type FeedTokens interface {
	FeedToken(ctx context.Context, shop string) (string, error)
	FeedShop(ctx context.Context, token string) (string, error)
	SetFeedToken(ctx context.Context, shop, token string) error
}

// feedCache holds the built feeds of this instance (Server.feeds).
type feedCache = feed.Cache

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

// feedFor returns the shop's feed for country from the cache, built at
// the shop's current generation.
func (s *Server) feedFor(ctx context.Context, shop *delivery.Shop, country string) (feed.Files, error) {
	req := feed.Request{
		Shop: shop, Country: country, Generation: s.shared.Generation(answersOf(shop.Domain())),
		Now: s.now(), Log: s.log,
	}
	if s.app != nil {
		req.Catalog = s.feedCatalog
	}
	return s.feeds.Get(ctx, req)
}

// feedCatalog is a connected shop's catalog from the Admin API, else (no
// token yet) the settings document's.
func (s *Server) feedCatalog(ctx context.Context, shop *delivery.Shop) ([]delivery.Product, error) {
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
}

// serveFeed answers with the feed, or 304 when the caller has it.
func serveFeed(c *gin.Context, f feed.Files, format string) {
	body, ctype := f.TSV, "text/tab-separated-values; charset=utf-8"
	if format == "xml" {
		body, ctype = f.XML, "application/xml; charset=utf-8"
	}
	etag := `"` + format + "-" + f.ETag + `"`
	c.Header("ETag", etag)
	c.Header("Last-Modified", f.Modified.Format(http.TimeFormat))
	c.Header("Cache-Control", "private, no-cache")
	if notModified(c.Request, etag, f.Modified) {
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
