package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/answercache"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// maxAge caps Cache-Control's max-age (DESIGN §6): shared caches in front
// of us re-ask at least this often.
const maxAge = 300 * time.Second

// handleProduct handles "GET /proxy/product": the promise of one product.
func (s *Server) handleProduct() gin.HandlerFunc {
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		shop, err := s.shopParam(q)
		if err != nil {
			WriteError(c, err)
			return
		}
		req, common, err := parseProductQuery(q)
		if err != nil {
			WriteError(c, err)
			return
		}
		req.Shop = shop
		key := productKey(req, common, s.answerGeneration(shop))
		s.serveCached(c, shop, key, common.format, func(now time.Time) (promise.Answer, error) {
			return s.engine.Product(c.Request.Context(), req, now)
		})
	}
}

// handleCartGet handles "GET /proxy/cart?items=VARIANT:QTY,...".
func (s *Server) handleCartGet() gin.HandlerFunc {
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		lines, err := promise.ParseItems(q.Get("items"))
		if err != nil {
			WriteError(c, err)
			return
		}
		s.serveCart(c, q, lines)
	}
}

// handleCartPost handles "POST /proxy/cart" with the body of Shopify's
// /cart.js.
func (s *Server) handleCartPost() gin.HandlerFunc {
	return func(c *gin.Context) {
		lines, err := readCartJS(c.ContentType(), http.MaxBytesReader(c.Writer, c.Request.Body, MaxCartBodySize+1))
		if err != nil {
			WriteError(c, err)
			return
		}
		s.serveCart(c, c.Request.URL.Query(), lines)
	}
}

func (s *Server) serveCart(c *gin.Context, q url.Values, lines []promise.CartLine) {
	shop, err := s.shopParam(q)
	if err != nil {
		WriteError(c, err)
		return
	}
	common, err := parseCommon(q)
	if err != nil {
		WriteError(c, err)
		return
	}
	req := promise.CartRequest{Shop: shop, Lines: lines, Dest: common.dest, Locale: common.locale}
	s.serveCached(c, shop, cartKey(req, common, s.answerGeneration(shop)), common.format, func(now time.Time) (promise.Answer, error) {
		return s.engine.Cart(c.Request.Context(), req, now)
	})
}

// shopParam returns the shop a request is for: its shop parameter, which
// Shopify's proxy always sends, or the default shop.
func (s *Server) shopParam(q url.Values) (string, error) {
	shop := q.Get("shop")
	if shop == "" {
		if s.defaultShop == "" {
			return "", BadParam("missing_shop", "give shop=NAME.myshopify.com")
		}
		return s.defaultShop, nil
	}
	if !delivery.ValidShopDomain(shop) {
		return "", BadParam("invalid_shop", "shop %q is not a shop domain like example.myshopify.com", echo.Short(shop))
	}
	return shop, nil
}

// serveCached writes the cached answer under key, or computes, encodes and
// caches it. Answers are cached until their expires_at: nothing in them
// can change before then.
func (s *Server) serveCached(c *gin.Context, shop, key string, format Format, compute func(now time.Time) (promise.Answer, error)) {
	now := s.now()
	if a, ok := s.cache.Get(key, now); ok {
		writeCached(c, a, now)
		return
	}
	answer, err := compute(now)
	if err != nil {
		WriteError(c, err)
		return
	}
	a, err := encodeAnswer(answer, format)
	if err != nil {
		WriteError(c, fmt.Errorf("encoding the answer: %w", err))
		return
	}
	if answer.Summary().Stale {
		// Quoted from old facts or a stand-in because Shopify failed: keep
		// it only briefly, so that the true answer replaces it soon after
		// Shopify recovers, yet an outage does not cost every request a
		// wait on Shopify (DESIGN §6).
		a.ExpiresAt = minTime(a.ExpiresAt, now.Add(staleAnswerFor))
	}
	a.Shop = shop
	s.cache.Set(key, a)
	writeCached(c, a, now)
}

// staleAnswerFor is how long an answer marked stale is cached and may be
// cached downstream (max-age).
const staleAnswerFor = 30 * time.Second

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// encodeAnswer renders an answer in its format, with its ETag.
func encodeAnswer(answer promise.Answer, format Format) (*answercache.Answer, error) {
	var (
		body []byte
		err  error
		ct   = "application/json; charset=utf-8"
	)
	switch format {
	case FormatHTML:
		body, ct = renderHTML(answer), "text/html; charset=utf-8"
	case FormatLiquid:
		body, ct = renderLiquid(answer), "application/liquid; charset=utf-8"
	default:
		body, err = promise.MarshalAnswer(answer)
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return answercache.NewAnswer(body, ct, etag, answer.Summary().ExpiresAt), nil
}

// writeCached writes an answer with Cache-Control up to its expiry (at most
// maxAge) and an ETag, answering 304 to a matching If-None-Match.
func writeCached(c *gin.Context, a *answercache.Answer, now time.Time) {
	age := min(a.ExpiresAt.Sub(now), maxAge)
	h := c.Writer.Header()
	// Canonical keys set directly: this runs for every cached answer, and
	// Header.Set would canonicalise and allocate each time.
	h["Cache-Control"] = cacheControl(age)
	h["Etag"], h["Content-Type"] = a.Headers()
	// 304 is for reads only; a POST answers in full (RFC 9110 §13.1.2).
	if match := c.Request.Header["If-None-Match"]; len(match) > 0 && isRead(c.Request.Method) && etagMatches(match[0], a.ETag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write(a.Body)
}

// fullAge is the Cache-Control of most cached answers (those with five
// minutes or more to live), shared rather than built per response.
var fullAge = []string{"public, max-age=" + strconv.Itoa(int(maxAge/time.Second))}

func cacheControl(age time.Duration) []string {
	if age >= maxAge {
		return fullAge
	}
	return []string{"public, max-age=" + strconv.Itoa(int(max(age, 0)/time.Second))}
}

func isRead(method string) bool { return method == http.MethodGet || method == http.MethodHead }

func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}

// answerGeneration is the generation of a shop's answers: it rises, on
// every instance, when the shop's products or settings change, and so
// retires every answer cached before.
func (s *Server) answerGeneration(shop string) int64 {
	return s.shared.Generation(answersOf(shop))
}

// answersOf names the generation of a shop's answers, apart from that of
// its product facts: a settings change retires answers, not facts.
func answersOf(shop string) string { return shopifyapp.AnswersOf(shop) }

// productKey and cartKey build cache keys from parsed parameters only, so
// that parameters we ignore (timestamp, signature, ...) cannot split or
// poison the cache.
func productKey(r promise.ProductRequest, p commonParams, gen int64) string {
	var b strings.Builder
	b.Grow(96)
	b.WriteString("p|")
	b.WriteString(strconv.FormatInt(gen, 36))
	b.WriteByte('|')
	b.WriteString(r.Shop)
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(r.ProductID, 10))
	b.WriteByte('|')
	b.WriteString(r.Handle)
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(r.VariantID, 10))
	writeCommonKey(&b, p)
	return b.String()
}

func cartKey(r promise.CartRequest, p commonParams, gen int64) string {
	var b strings.Builder
	b.WriteString("c|")
	b.WriteString(strconv.FormatInt(gen, 36))
	b.WriteByte('|')
	b.WriteString(r.Shop)
	writeCommonKey(&b, p)
	for _, l := range r.Lines {
		b.WriteByte('|')
		b.WriteString(strconv.FormatInt(l.ProductID, 10))
		b.WriteByte(':')
		b.WriteString(l.Handle)
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(l.VariantID, 10))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(l.Quantity))
	}
	return b.String()
}

func writeCommonKey(b *strings.Builder, p commonParams) {
	b.WriteByte('|')
	b.WriteString(p.dest.Country)
	b.WriteByte('|')
	b.WriteString(p.dest.Method)
	b.WriteByte('|')
	b.WriteString(p.locale)
	b.WriteByte('|')
	b.WriteString(string(p.format))
}
