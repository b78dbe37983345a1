package shopifytest

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/leadtime-app/leadtime/shopify/internal/sign"
)

// The OAuth side of the fake: the authorize page (which approves at once
// and redirects back with a signed code) and the token endpoint, for both
// the authorization-code grant and token exchange.

// shopOf is the shop a browser or app request names: the Host header when
// it is a myshopify domain (package shopify keeps it there), else ?shop=.
func shopOf(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.HasSuffix(host, ".myshopify.com") {
		return host
	}
	return r.URL.Query().Get("shop")
}

// ensureShopLocked returns a shop, installing it (with a generated token)
// on first sight: approving an install is what the fake's merchant does.
func (s *Server) ensureShopLocked(domain string) *shopState {
	if st := s.shops[domain]; st != nil {
		return st
	}
	return s.addShopLocked(domain, "", Shop{})
}

// serveAuthorize handles GET /admin/oauth/authorize: the merchant approves
// at once, and the browser goes back to redirect_uri with code, hmac, host,
// shop, state and timestamp, signed with the app's secret as Shopify signs
// them.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	shop := shopOf(r)
	s.mu.Lock()
	secret, ok := s.apps[q.Get("client_id")]
	if !ok || !strings.HasSuffix(shop, ".myshopify.com") {
		s.mu.Unlock()
		http.Error(w, "Oauth error invalid_request: The client_id or shop is not valid.", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme == "" || redirect.Host == "" {
		s.mu.Unlock()
		http.Error(w, "Oauth error invalid_request: The redirect_uri is missing or not whitelisted.", http.StatusBadRequest)
		return
	}
	st := s.ensureShopLocked(shop)
	code := randomHex(16)
	s.codes[code] = grant{shop: shop, apiKey: q.Get("client_id"), scope: q.Get("scope"), expires: s.now().Add(time.Minute)}
	now := s.now()
	s.mu.Unlock()

	back := redirect.Query()
	back.Set("code", code)
	back.Set("host", base64.RawURLEncoding.EncodeToString([]byte("admin.shopify.com/store/"+strings.TrimSuffix(st.domain, ".myshopify.com"))))
	back.Set("shop", shop)
	back.Set("state", q.Get("state"))
	back.Set("timestamp", strconv.FormatInt(now.Unix(), 10))
	var pairs []sign.Pair
	for k, vs := range back {
		for _, v := range vs {
			pairs = append(pairs, sign.Pair{Key: k, Value: v})
		}
	}
	back.Set("hmac", sign.HexHMAC(secret, sign.AdminMessage(pairs)))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// The token exchange grant, as Shopify names its parts.
const (
	grantTokenExchange     = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeIDToken       = "urn:ietf:params:oauth:token-type:id_token"
	tokenTypeOfflineAccess = "urn:shopify:params:oauth:token-type:offline-access-token"
)

// serveAccessToken handles POST /admin/oauth/access_token (JSON or form).
func (s *Server) serveAccessToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errors": "Method Not Allowed"})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	p := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &p); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "The body is not a JSON object of strings.")
			return
		}
	} else {
		form, _ := url.ParseQuery(string(body))
		for k := range form {
			p[k] = form.Get(k)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, ok := s.apps[p["client_id"]]
	if !ok || !hmac.Equal([]byte(secret), []byte(p["client_secret"])) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret.")
		return
	}
	shop := shopOf(r)
	var st *shopState
	var scope string
	switch p["grant_type"] {
	case "", "authorization_code":
		g, ok := s.codes[p["code"]]
		delete(s.codes, p["code"]) // a code is good once
		if !ok || g.apiKey != p["client_id"] || s.now().After(g.expires) || (shop != "" && shop != g.shop) {
			oauthError(w, http.StatusBadRequest, "invalid_request", "The authorization code was not found or was already used.")
			return
		}
		st, scope = s.ensureShopLocked(g.shop), g.scope
		if scope != "" {
			st.info.Scopes = strings.Split(scope, ",")
		}
	case grantTokenExchange:
		if p["subject_token_type"] != tokenTypeIDToken || p["requested_token_type"] != tokenTypeOfflineAccess {
			oauthError(w, http.StatusBadRequest, "invalid_request", "shopifytest exchanges id tokens for offline access tokens only.")
			return
		}
		dest, err := s.checkSubjectToken(p["subject_token"], p["client_id"], secret)
		if err != nil || (shop != "" && dest != shop) {
			oauthError(w, http.StatusBadRequest, "invalid_subject_token", fmt.Sprintf("The subject token is invalid: %v", err))
			return
		}
		st = s.ensureShopLocked(dest)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The grant type is not supported.")
		return
	}
	if scope == "" {
		scope = strings.Join(st.info.Scopes, ",")
		if st.info.Scopes == nil {
			scope = "read_products,write_products,write_orders,read_fulfillments,read_locales,read_shipping,write_delivery_customizations"
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": st.token, "scope": scope})
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": description})
}

// checkSubjectToken verifies a session token as Shopify does before a
// token exchange, and returns the shop it is for.
func (s *Server) checkSubjectToken(token, apiKey, secret string) (string, error) {
	var claims struct {
		jwt.RegisteredClaims
		Dest string `json:"dest"`
	}
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithAudience(apiKey), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now))
	if err != nil {
		return "", err
	}
	shop := strings.TrimPrefix(claims.Dest, "https://")
	if !strings.HasSuffix(shop, ".myshopify.com") {
		return "", fmt.Errorf("dest %q is not a shop", claims.Dest)
	}
	return shop, nil
}

// SessionToken mints a session token as App Bridge gives the embedded
// admin: HS256 with the app's secret, aud = apiKey, iss https://SHOP/admin,
// dest https://SHOP, valid for a minute from now.
func SessionToken(apiKey, secret, shop string, now time.Time) string {
	return mint(secret, jwt.MapClaims{
		"iss": "https://" + shop + "/admin", "dest": "https://" + shop, "aud": apiKey,
		"sub": "42", "sid": randomHex(16), "jti": randomHex(16),
		"exp": now.Add(time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(),
	})
}

// CheckoutToken mints a session token as a checkout UI extension gets one:
// dest is the bare domain, no iss, sid or sub, valid for five minutes.
func CheckoutToken(apiKey, secret, shop string, now time.Time) string {
	return mint(secret, jwt.MapClaims{
		"dest": shop, "aud": apiKey, "jti": randomHex(16),
		"exp": now.Add(5 * time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(),
	})
}

func mint(secret string, claims jwt.MapClaims) string {
	t, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		panic(err) // HS256 with a []byte key cannot fail
	}
	return t
}
