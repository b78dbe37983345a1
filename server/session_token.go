package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/shopify"
)

// sessionAPI is an API authenticated by a Shopify session token: the
// settings API (the embedded admin's App Bridge token) and the checkout API
// (a checkout or customer-account UI extension's token). Both go through
// sessionShop, so that they agree on the header, the demo rule and the
// errors.
type sessionAPI struct {
	name   string // "the settings API", in messages
	sendAs string // how a caller gets the token, in the missing_token message
	verify func(token, apiKey, secret string, now time.Time) (shopify.SessionClaims, error)
}

var (
	adminAPI    = sessionAPI{"the settings API", "the embedded admin's session token (App Bridge: await shopify.idToken())", shopify.VerifySessionToken}
	checkoutAPI = sessionAPI{"the checkout API", "the extension's session token", shopify.VerifyCheckoutToken}
)

// sessionShop authenticates a request of api and returns its shop and the
// verified token.
//
// With SHOPIFY_API_SECRET set, it needs "Authorization: Bearer TOKEN",
// verified in constant time against the secret (HS256, aud = the API key,
// unexpired, the shop in dest).
//
// Demo mode: without SHOPIFY_API_SECRET no token can be verified. In demo
// mode (Config.Demo) the request is then accepted unauthenticated, for the
// default shop only (the demo shop, or LEADTIME_CONFIG's); a token is
// ignored, since it cannot be checked, and a shop= other than the default
// is refused. Outside demo mode, without a secret, api is off: every
// request is a 401.
func (s *Server) sessionShop(c *gin.Context, api sessionAPI) (shop, token string, err error) {
	if s.apiSecret == "" {
		if !s.demo || s.defaultShop == "" {
			return "", "", unauthorized("unauthorized", "this server has no SHOPIFY_API_SECRET, so it cannot check session tokens: %s is off outside demo mode", api.name)
		}
		if shop := c.Query("shop"); shop != "" && shop != s.defaultShop {
			return "", "", unauthorized("invalid_token", "without credentials this server serves only %s, not %q", s.defaultShop, echo.Short(shop))
		}
		return s.defaultShop, "", nil
	}
	if s.apiKey == "" {
		// A configuration error, not the caller's: a 500, logged.
		return "", "", fmt.Errorf("%s: SHOPIFY_API_SECRET is set but SHOPIFY_API_KEY is not, so no session token can be checked", api.name)
	}
	token, ok := bearerToken(c.GetHeader("Authorization"))
	if !ok {
		return "", "", unauthorized("missing_token", "send %s as Authorization: Bearer TOKEN", api.sendAs)
	}
	claims, err := api.verify(token, s.apiKey, s.apiSecret, s.wallClock())
	if err != nil {
		return "", "", unauthorized("invalid_token", "the session token was refused: %v", err)
	}
	return claims.Shop, token, nil
}

// bearerToken returns the token of an "Authorization: Bearer TOKEN" header
// (the scheme is case-insensitive, RFC 9110 §11.1).
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

func unauthorized(code, format string, args ...any) error {
	return &fieldError{code: code, msg: fmt.Sprintf(format, args...), kind: ErrUnauthorized}
}
