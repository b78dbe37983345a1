package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopify"
)

// The OAuth install (authorization-code grant). The state nonce travels in
// a cookie signed with the app secret, so that a callback is only accepted
// from the browser that started the install.
const (
	stateCookie = "leadtime_oauth_state"
	stateMaxAge = 10 * time.Minute
)

// handleAuth handles "GET /auth?shop=...": it starts the install by sending
// the merchant to Shopify's grant screen.
func (s *Server) handleAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.app == nil {
			WriteError(c, fmt.Errorf("OAuth needs SHOPIFY_API_KEY and SHOPIFY_API_SECRET: %w", ErrNotFound))
			return
		}
		shop := c.Query("shop")
		if !shopify.ValidShop(shop) {
			WriteError(c, BadParam("invalid_shop", "shop %q is not a shop domain like example.myshopify.com", echo.Short(shop)))
			return
		}
		app, err := s.app.OAuth()
		if err != nil {
			WriteError(c, err)
			return
		}
		nonce := make([]byte, 16)
		_, _ = rand.Read(nonce)
		state := hex.EncodeToString(nonce)
		http.SetCookie(c.Writer, &http.Cookie{
			Name: stateCookie, Value: state + "." + s.signState(state, shop), Path: "/auth",
			MaxAge: int(stateMaxAge / time.Second), HttpOnly: true, Secure: strings.HasPrefix(s.app.AppURL, "https://"),
			SameSite: http.SameSiteLaxMode,
		})
		c.Header("Cache-Control", "no-store")
		c.Redirect(http.StatusFound, app.AuthorizeURL(shop, s.app.Scopes, strings.TrimRight(s.app.AppURL, "/")+"/auth/callback", state))
	}
}

// signState binds a state nonce to the shop it was made for.
func (s *Server) signState(state, shop string) string {
	m := hmac.New(sha256.New, []byte(s.app.APISecret))
	m.Write([]byte("oauth-state\x00" + state + "\x00" + shop))
	return hex.EncodeToString(m.Sum(nil))
}

// handleAuthCallback handles "GET /auth/callback": it checks Shopify's HMAC,
// the shop and the state nonce, trades the code for an offline token, and
// installs the shop.
func (s *Server) handleAuthCallback() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.app == nil {
			WriteError(c, fmt.Errorf("OAuth needs SHOPIFY_API_KEY and SHOPIFY_API_SECRET: %w", ErrNotFound))
			return
		}
		q := c.Request.URL.Query()
		shop := q.Get("shop")
		if err := shopify.VerifyOAuthCallback(q, s.app.APISecret, s.wallClock()); err != nil {
			WriteError(c, fmt.Errorf("OAuth callback: %w", ErrUnauthorized))
			return
		}
		if !s.stateMatches(c, q.Get("state"), shop) {
			WriteError(c, fmt.Errorf("OAuth callback: the state does not match this browser's: %w", ErrUnauthorized))
			return
		}
		http.SetCookie(c.Writer, &http.Cookie{Name: stateCookie, Value: "", Path: "/auth", MaxAge: -1, HttpOnly: true})
		app, err := s.app.OAuth()
		if err != nil {
			WriteError(c, err)
			return
		}
		token, err := app.ExchangeCode(c.Request.Context(), shop, q.Get("code"))
		if err != nil {
			WriteError(c, fmt.Errorf("OAuth code exchange: %w", ErrUnauthorized))
			return
		}
		if err := s.app.Install(c.Request.Context(), shop, token.Token, token.Scopes); err != nil {
			WriteError(c, fmt.Errorf("installing %s: %w", shop, err))
			return
		}
		s.log.InfoContext(c.Request.Context(), "installed", "shop", shop)
		c.Redirect(http.StatusFound, "https://"+shop+"/admin/apps/"+url.PathEscape(s.app.APIKey))
	}
}

// stateMatches checks the state parameter against the signed cookie.
func (s *Server) stateMatches(c *gin.Context, state, shop string) bool {
	cookie, err := c.Cookie(stateCookie)
	if err != nil || state == "" {
		return false
	}
	value, sig, ok := strings.Cut(cookie, ".")
	if !ok {
		return false
	}
	want := s.signState(value, shop)
	return hmac.Equal([]byte(sig), []byte(want)) && hmac.Equal([]byte(value), []byte(state))
}

// verifyProxy checks Shopify's app-proxy signature of every /proxy request
// when the app secret is set (DESIGN §4): the signature, a timestamp within
// 90 s, and a shop that is installed. Anything else is a 401.
func (s *Server) verifyProxy() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.app == nil || s.app.APISecret == "" {
			c.Next()
			return
		}
		shop, err := shopify.VerifyProxy(c.Request.URL.RawQuery, s.app.APISecret, s.wallClock())
		// The handlers read shop as Go parses the query, the verifier as
		// Shopify does: they must name the same shop, or a quirk of one
		// parser could quote for a shop the signature does not vouch for.
		if err != nil || c.Query("shop") != shop {
			WriteError(c, fmt.Errorf("app proxy: %w", ErrUnauthorized))
			return
		}
		if _, err := s.engine.Shops.Shop(c.Request.Context(), shop); errors.Is(err, promise.ErrShopNotInstalled) {
			WriteError(c, fmt.Errorf("app proxy: %s is not installed: %w", shop, ErrUnauthorized))
			return
		} else if err != nil {
			WriteError(c, err)
			return
		}
		c.Next()
	}
}
