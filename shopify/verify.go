package shopify

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/leadtime-app/leadtime/shopify/internal/sign"
)

// The reasons a signed request is refused. Every error of the Verify
// functions wraps exactly one of them; the server answers all with 401.
var (
	ErrBadSignature   = errors.New("shopify: bad signature")
	ErrStaleTimestamp = errors.New("shopify: timestamp missing or out of range")
	ErrBadShop        = errors.New("shopify: malformed shop domain")
	ErrBadToken       = errors.New("shopify: invalid session token")
)

// MaxClockSkew is how far a signed timestamp may be from now, either way
// (DESIGN §4; @shopify/shopify-api allows the same 90 s).
const MaxClockSkew = 90 * time.Second

// SessionTokenLeeway is the clock skew allowed on a session token's exp and
// nbf. Shopify's library allows 10 s; ours is tighter because a session
// token lives only a minute.
const SessionTokenLeeway = 5 * time.Second

var shopPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ValidShop reports whether shop is a well-formed myshopify.com domain
// (DESIGN §4). It says nothing about whether the shop is installed.
func ValidShop(shop string) bool {
	return len(shop) <= 255 && shopPattern.MatchString(shop)
}

// VerifyProxy checks an app proxy request's raw query string: its
// signature exactly as @shopify/shopify-api computes it (decode; drop
// signature and hmac; join repeated values with ","; sort by key;
// concatenate k=v; hex HMAC-SHA256), compared in constant time; its
// timestamp within MaxClockSkew of now; and the shop's format. It returns
// the shop. The caller still checks that the shop is installed.
func VerifyProxy(rawQuery, secret string, now time.Time) (shop string, err error) {
	pairs := sign.ParseQuery(rawQuery)
	got := single(pairs, "signature") // none, or two, is no signature
	ts, shop := single(pairs, "timestamp"), single(pairs, "shop")
	if got == "" || !sign.ProxySignatureValid(secret, pairs, got) {
		return "", fmt.Errorf("app proxy: %w", ErrBadSignature)
	}
	if err := checkTimestamp(ts, now); err != nil {
		return "", fmt.Errorf("app proxy: %w", err)
	}
	if !ValidShop(shop) {
		return "", fmt.Errorf("app proxy: %q: %w", shop, ErrBadShop)
	}
	return shop, nil
}

// SignProxy returns the signature Shopify would send with rawQuery (any
// signature or hmac in it is ignored), for tests.
func SignProxy(rawQuery, secret string) string {
	return sign.HexHMAC(secret, sign.ProxyMessage(sign.ParseQuery(rawQuery)))
}

// single returns the value of key when it appears exactly once, else "".
func single(pairs []sign.Pair, key string) string {
	v, n := "", 0
	for _, p := range pairs {
		if p.Key == key {
			v, n = p.Value, n+1
		}
	}
	if n != 1 {
		return ""
	}
	return v
}

func checkTimestamp(ts string, now time.Time) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", ts, ErrStaleTimestamp)
	}
	skew := now.Unix() - sec
	if skew < -int64(MaxClockSkew/time.Second) || skew > int64(MaxClockSkew/time.Second) {
		return fmt.Errorf("timestamp %d is %d s from now: %w", sec, skew, ErrStaleTimestamp)
	}
	return nil
}

// VerifyWebhook checks X-Shopify-Hmac-Sha256 (header): the base64
// HMAC-SHA256 of the raw body, compared in constant time.
func VerifyWebhook(body []byte, header, secret string) error {
	want := sign.Base64HMAC(secret, body)
	if header == "" || !hmac.Equal([]byte(header), []byte(want)) {
		return fmt.Errorf("webhook: %w", ErrBadSignature)
	}
	return nil
}

// SignWebhook returns the X-Shopify-Hmac-Sha256 header Shopify would send
// with body.
func SignWebhook(body []byte, secret string) string { return sign.Base64HMAC(secret, body) }

// VerifyOAuthCallback checks the query of an OAuth redirect (or of an
// embedded app's first load): the hex "hmac" over the other parameters,
// sorted and joined as k=v with "&" (as @shopify/shopify-api's admin
// validator does), compared in constant time; the timestamp's freshness;
// and the shop's format. The caller checks the state nonce.
func VerifyOAuthCallback(q url.Values, secret string, now time.Time) error {
	got := q["hmac"]
	if len(got) != 1 || !hmac.Equal([]byte(got[0]), []byte(SignOAuth(q, secret))) {
		return fmt.Errorf("oauth callback: %w", ErrBadSignature)
	}
	if err := checkTimestamp(q.Get("timestamp"), now); err != nil || len(q["timestamp"]) != 1 {
		return fmt.Errorf("oauth callback: %w", ErrStaleTimestamp)
	}
	if shop := q["shop"]; len(shop) != 1 || !ValidShop(shop[0]) {
		return fmt.Errorf("oauth callback: %q: %w", q.Get("shop"), ErrBadShop)
	}
	return nil
}

// SignOAuth returns the hmac Shopify would send with the OAuth query q
// (any hmac or signature in q is ignored).
func SignOAuth(q url.Values, secret string) string {
	return sign.HexHMAC(secret, sign.AdminMessage(valuesPairs(q)))
}

// valuesPairs flattens q in byte order of keys; the message sorts them
// again as the library does, so only the order of repeated values matters,
// and url.Values keeps it.
func valuesPairs(q url.Values) []sign.Pair {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var pairs []sign.Pair
	for _, k := range keys {
		for _, v := range q[k] {
			pairs = append(pairs, sign.Pair{Key: k, Value: v})
		}
	}
	return pairs
}

// SessionClaims is what a verified session token says.
type SessionClaims struct {
	Shop      string    // from dest, e.g. "my-store.myshopify.com"
	User      string    // sub: a staff member's id (admin), or a customer's GID or "" (checkout)
	SessionID string    // sid ("" in checkout tokens)
	ExpiresAt time.Time // exp
}

// sessionClaims are the JWT claims of a Shopify session token.
type sessionClaims struct {
	jwt.RegisteredClaims
	Dest string `json:"dest"`
	SID  string `json:"sid"`
}

// parseSessionToken checks what every Shopify session token must satisfy:
// HS256 only (alg none, RS* and HS384/512 are refused), signed by secret,
// aud = apiKey, exp present and, like nbf, within SessionTokenLeeway.
func parseSessionToken(token, apiKey, secret string, now time.Time) (*sessionClaims, error) {
	var c sessionClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithAudience(apiKey),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(SessionTokenLeeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadToken, err)
	}
	return &c, nil
}

// VerifySessionToken checks a session token of the embedded admin (App
// Bridge): see parseSessionToken, and it must name one well-formed shop in
// both dest (https://SHOP) and iss (https://SHOP/admin).
func VerifySessionToken(token, apiKey, secret string, now time.Time) (SessionClaims, error) {
	c, err := parseSessionToken(token, apiKey, secret, now)
	if err != nil {
		return SessionClaims{}, err
	}
	shop, ok := strings.CutPrefix(c.Dest, "https://")
	if !ok || !ValidShop(shop) {
		return SessionClaims{}, fmt.Errorf("%w: dest %q: %w", ErrBadToken, c.Dest, ErrBadShop)
	}
	if c.Issuer != "https://"+shop+"/admin" {
		return SessionClaims{}, fmt.Errorf("%w: iss %q does not match dest %q", ErrBadToken, c.Issuer, c.Dest)
	}
	return SessionClaims{Shop: shop, User: c.Subject, SessionID: c.SID, ExpiresAt: c.ExpiresAt.Time}, nil
}

// VerifyCheckoutToken checks a session token of a checkout or customer
// account UI extension (POST /checkout/v1/cart). Those differ from admin
// tokens: dest is the bare domain ("SHOP", though "https://SHOP" is
// accepted too), there is no sid, sub is a customer's GID or absent, and
// iss may be absent; when present it must not name another shop. Otherwise
// it is as strict as VerifySessionToken.
func VerifyCheckoutToken(token, apiKey, secret string, now time.Time) (SessionClaims, error) {
	c, err := parseSessionToken(token, apiKey, secret, now)
	if err != nil {
		return SessionClaims{}, err
	}
	shop := strings.TrimPrefix(c.Dest, "https://")
	if !ValidShop(shop) {
		return SessionClaims{}, fmt.Errorf("%w: dest %q: %w", ErrBadToken, c.Dest, ErrBadShop)
	}
	if c.Issuer != "" {
		iss, err := url.Parse(c.Issuer)
		if err != nil || (iss.Host != "" && iss.Host != shop) {
			return SessionClaims{}, fmt.Errorf("%w: iss %q does not match dest %q", ErrBadToken, c.Issuer, c.Dest)
		}
	}
	return SessionClaims{Shop: shop, User: c.Subject, SessionID: c.SID, ExpiresAt: c.ExpiresAt.Time}, nil
}
