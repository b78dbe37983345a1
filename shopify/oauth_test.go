package shopify

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/shopify/shopifytest"
)

const (
	oauthKey    = "app-key-1"
	oauthSecret = "app-secret-1"
)

func newApp(t *testing.T, srv *shopifytest.Server) *App {
	t.Helper()
	srv.SetApp(oauthKey, oauthSecret)
	app, err := NewApp(oauthKey, oauthSecret, Options{Endpoint: srv.URL, Retry: fast})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestAuthorizeURL(t *testing.T) {
	got := AuthorizeURL(testShop, oauthKey, "read_products,write_products", "https://app.example/auth/callback", "n0nce")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "https" || u.Host != testShop || u.Path != "/admin/oauth/authorize" ||
		q.Get("client_id") != oauthKey || q.Get("scope") != "read_products,write_products" ||
		q.Get("redirect_uri") != "https://app.example/auth/callback" || q.Get("state") != "n0nce" {
		t.Errorf("AuthorizeURL = %s", got)
	}
	if got := AuthorizeURL("evil.com/x?", oauthKey, "", "https://app.example/cb", "s"); got != "" {
		t.Errorf("AuthorizeURL(bad shop) = %q, want empty", got)
	}
}

// TestInstallByCode runs the authorization-code grant end to end against
// the fake: authorize, verify the signed callback, exchange the code once.
func TestInstallByCode(t *testing.T) {
	srv := shopifytest.NewServer()
	t.Cleanup(srv.Close)
	app := newApp(t, srv)
	const shop = "new-shop.myshopify.com"
	authorize := app.AuthorizeURL(shop, "read_products,write_products,write_orders", "https://app.example/auth/callback", "st4te")
	if !strings.HasPrefix(authorize, srv.URL+"/admin/oauth/authorize?") {
		t.Fatalf("AuthorizeURL with an endpoint = %s", authorize)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(authorize)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || back.Host != "app.example" {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	q := back.Query()
	if err := VerifyOAuthCallback(q, oauthSecret, time.Now()); err != nil {
		t.Fatalf("the fake's callback does not verify: %v (%s)", err, back.RawQuery)
	}
	if q.Get("state") != "st4te" || q.Get("shop") != shop {
		t.Errorf("callback %v", q)
	}
	tok, err := app.ExchangeCode(t.Context(), shop, q.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token != srv.Token(shop) || strings.Join(tok.Scopes, ",") != "read_products,write_products,write_orders" {
		t.Errorf("token %q scopes %v; want %q and the granted scopes", tok.Token, tok.Scopes, srv.Token(shop))
	}
	if _, err := app.ExchangeCode(t.Context(), shop, q.Get("code")); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("a code used twice: %v, want ErrUnauthorized", err)
	}
	// The token works.
	c, err := NewClient(shop, tok.Token, Options{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if info, err := c.ShopInfo(t.Context()); err != nil || info.Domain != shop {
		t.Errorf("ShopInfo with the new token = %+v, %v", info, err)
	}
}

func TestExchangeSessionToken(t *testing.T) {
	srv := newFake(t)
	app := newApp(t, srv)
	now := time.Now()
	tok, err := app.ExchangeSessionToken(t.Context(), testShop, shopifytest.SessionToken(oauthKey, oauthSecret, testShop, now))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token != testToken {
		t.Errorf("token = %q, want the shop's", tok.Token)
	}
	for name, session := range map[string]string{
		"other app's token":   shopifytest.SessionToken("other-key", oauthSecret, testShop, now),
		"forged":              shopifytest.SessionToken(oauthKey, "not-the-secret", testShop, now),
		"expired":             shopifytest.SessionToken(oauthKey, oauthSecret, testShop, now.Add(-time.Hour)),
		"for another shop":    shopifytest.SessionToken(oauthKey, oauthSecret, "other.myshopify.com", now),
		"not a session token": "x.y.z",
	} {
		if _, err := app.ExchangeSessionToken(t.Context(), testShop, session); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("%s: %v, want ErrUnauthorized", name, err)
		}
	}
}

func TestOAuthRefusals(t *testing.T) {
	srv := newFake(t)
	newApp(t, srv)
	wrong, err := NewApp(oauthKey, "wrong-secret", Options{Endpoint: srv.URL, Retry: fast})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.ExchangeSessionToken(t.Context(), testShop, shopifytest.SessionToken(oauthKey, oauthSecret, testShop, time.Now())); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong client secret: %v, want ErrUnauthorized", err)
	}
	app := newApp(t, srv)
	if _, err := app.ExchangeCode(t.Context(), "evil.com", "c"); !errors.Is(err, ErrBadShop) {
		t.Errorf("bad shop: %v, want ErrBadShop", err)
	}
	if _, err := app.ExchangeCode(t.Context(), testShop, ""); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("no code: %v", err)
	}
	if _, err := NewApp("", "x", Options{}); err == nil {
		t.Error("NewApp without a key succeeded")
	}
}

func TestOAuthRetriesOutages(t *testing.T) {
	srv := newFake(t)
	app := newApp(t, srv)
	srv.FailNext(2, http.StatusServiceUnavailable)
	if _, err := app.ExchangeSessionToken(t.Context(), testShop, shopifytest.SessionToken(oauthKey, oauthSecret, testShop, time.Now())); err != nil {
		t.Errorf("after two 503s: %v", err)
	}
	srv.SetDown(true)
	_, err := app.ExchangeSessionToken(t.Context(), testShop, shopifytest.SessionToken(oauthKey, oauthSecret, testShop, time.Now()))
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("while down: %v, want ErrUnavailable", err)
	}
}

func TestAccessTokenRedacted(t *testing.T) {
	tok := AccessToken{Token: "shpat_secret", Scopes: []string{"read_products"}}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "token", tok)
	for _, s := range []string{tok.String(), fmt.Sprint(tok), fmt.Sprintf("%+v", tok), b.String()} {
		if strings.Contains(s, "shpat_secret") || !strings.Contains(s, "read_products") {
			t.Errorf("%q shows the token or hides the scopes", s)
		}
	}
}
