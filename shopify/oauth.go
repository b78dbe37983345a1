package shopify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"
)

// AccessToken is an offline Admin API access token and the scopes it was
// granted. Its String and LogValue leave the token out, so that it cannot
// reach a log by accident.
type AccessToken struct {
	Token  string
	Scopes []string
}

// String shows the scopes, never the token.
func (t AccessToken) String() string {
	return fmt.Sprintf("AccessToken{Token: [redacted], Scopes: %v}", t.Scopes)
}

// LogValue implements slog.LogValuer without the token.
func (t AccessToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("scopes", strings.Join(t.Scopes, ",")))
}

// App holds the app's credentials and obtains offline tokens: by the
// authorization-code grant (/auth/callback) or by token exchange of an
// embedded admin's session token (what Shopify recommends for embedded
// apps). It is safe for concurrent use.
type App struct {
	apiKey, apiSecret string
	endpoint          *url.URL // nil: Shopify itself
	http              *http.Client
	log               *slog.Logger
	retry             RetryPolicy
}

// NewApp returns an App for the credentials. opts.OnCost is not used.
func NewApp(apiKey, apiSecret string, opts Options) (*App, error) {
	if apiKey == "" || apiSecret == "" {
		return nil, errors.New("shopify.NewApp: API key and secret are required")
	}
	hc, err := httpClient(opts)
	if err != nil {
		return nil, fmt.Errorf("shopify.NewApp: %w", err)
	}
	a := &App{apiKey: apiKey, apiSecret: apiSecret, http: hc, log: logger(opts), retry: opts.Retry}
	if opts.Endpoint != "" {
		a.endpoint, _ = url.Parse(opts.Endpoint) // checked by httpClient
	}
	return a, nil
}

// AuthorizeURL is where to send a merchant to grant the app scopes (a
// comma-separated list) on shop, coming back to redirectURI with state.
// It is "" when shop is not a valid myshopify.com domain.
func AuthorizeURL(shop, apiKey, scopes, redirectURI, state string) string {
	if !ValidShop(shop) {
		return ""
	}
	app := goshopify.App{ApiKey: apiKey, RedirectUrl: redirectURI, Scope: scopes}
	u, err := app.AuthorizeUrl(shop, state)
	if err != nil {
		return ""
	}
	return u
}

// AuthorizeURL is the package's AuthorizeURL for this app, sent to the
// Endpoint when one is set (with the shop as a parameter, since a browser
// cannot be told which Host to send).
func (a *App) AuthorizeURL(shop, scopes, redirectURI, state string) string {
	raw := AuthorizeURL(shop, a.apiKey, scopes, redirectURI, state)
	if raw == "" || a.endpoint == nil {
		return raw
	}
	u, _ := url.Parse(raw) // go-shopify just built it
	q := u.Query()
	q.Set("shop", shop)
	u.RawQuery = q.Encode()
	u.Scheme, u.Host = a.endpoint.Scheme, a.endpoint.Host
	u.Path = strings.TrimSuffix(a.endpoint.Path, "/") + u.Path
	return u.String()
}

// ExchangeCode trades the code of an OAuth callback for an offline token.
// The caller has verified the callback (VerifyOAuthCallback and its state).
func (a *App) ExchangeCode(ctx context.Context, shop, code string) (AccessToken, error) {
	if code == "" {
		return AccessToken{}, fmt.Errorf("shopify: code grant: %w: no code", ErrUnauthorized)
	}
	return a.accessToken(ctx, "code grant", shop, map[string]string{
		"client_id":     a.apiKey,
		"client_secret": a.apiSecret,
		"code":          code,
	})
}

// The token exchange grant (RFC 8693) as Shopify names its parts.
const (
	grantTokenExchange      = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeIDToken        = "urn:ietf:params:oauth:token-type:id_token"
	tokenTypeOfflineAccess  = "urn:shopify:params:oauth:token-type:offline-access-token"
	nonExpiringOfflineToken = "0"
)

// ExchangeSessionToken trades an embedded admin's session token for an
// offline token (token exchange). The caller has verified the session
// token (VerifySessionToken) and that it names shop.
func (a *App) ExchangeSessionToken(ctx context.Context, shop, sessionToken string) (AccessToken, error) {
	if sessionToken == "" {
		return AccessToken{}, fmt.Errorf("shopify: token exchange: %w: no session token", ErrUnauthorized)
	}
	return a.accessToken(ctx, "token exchange", shop, map[string]string{
		"client_id":            a.apiKey,
		"client_secret":        a.apiSecret,
		"grant_type":           grantTokenExchange,
		"subject_token":        sessionToken,
		"subject_token_type":   tokenTypeIDToken,
		"requested_token_type": tokenTypeOfflineAccess,
		"expiring":             nonExpiringOfflineToken,
	})
}

// accessToken posts a grant to https://SHOP/admin/oauth/access_token with
// go-shopify, retrying as a Client does on 429, 5xx and transport errors.
func (a *App) accessToken(ctx context.Context, op, shop string, grant map[string]string) (AccessToken, error) {
	if !ValidShop(shop) {
		return AccessToken{}, fmt.Errorf("shopify: %s: %q: %w", op, shop, ErrBadShop)
	}
	var resp struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	err := a.retry.run(ctx, a.log.With("shop", shop), op, func(ctx context.Context) error {
		gs, err := goshopifyClient(goshopify.App{ApiKey: a.apiKey, ApiSecret: a.apiSecret}, shop, "", a.http)
		if err != nil {
			return err
		}
		req, err := gs.NewRequest(ctx, http.MethodPost, "admin/oauth/access_token", grant, nil)
		if err != nil {
			return err
		}
		return classifyOAuth(op, gs.Do(req, &resp))
	})
	if err != nil {
		return AccessToken{}, err
	}
	if resp.AccessToken == "" {
		return AccessToken{}, fmt.Errorf("shopify: %s: %w: no access_token in the answer", op, ErrUnavailable)
	}
	t := AccessToken{Token: resp.AccessToken}
	for s := range strings.SplitSeq(resp.Scope, ",") {
		if s = strings.TrimSpace(s); s != "" {
			t.Scopes = append(t.Scopes, s)
		}
	}
	a.log.Info("shopify: obtained an offline token", "shop", shop, "grant", op, "access", t)
	return t, nil
}

// classifyOAuth maps go-shopify's errors onto ours: 429, 5xx and transport
// errors are retried; any other refusal (a used code, a bad session token,
// wrong credentials) is ErrUnauthorized.
func classifyOAuth(op string, err error) error {
	if err == nil {
		return nil
	}
	var (
		rl goshopify.RateLimitError
		re goshopify.ResponseError
		de goshopify.ResponseDecodingError
	)
	var status int
	switch {
	case errors.As(err, &rl):
		return &transientError{kind: ErrThrottled, status: rl.Status, wait: secondsOr(rl.RetryAfter), err: err}
	case errors.As(err, &re):
		status = re.Status
	case errors.As(err, &de):
		status = de.Status
	default: // transport errors, timeouts, an unreadable answer
		return &transientError{kind: ErrUnavailable, err: err}
	}
	if status >= 500 {
		return &transientError{kind: ErrUnavailable, status: status, err: err}
	}
	return &APIError{Op: op, Kind: ErrUnauthorized, Status: status, Attempts: 1, Err: err}
}

// secondsOr turns go-shopify's whole-second Retry-After into a wait; 0
// leaves the choice to the exponential backoff.
func secondsOr(s int) time.Duration {
	return time.Duration(max(s, 0)) * time.Second
}
