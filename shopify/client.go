package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"
)

// The kinds of Admin API failure. Every error a Client or App returns for a
// failed request matches (errors.Is) exactly one of them, so that one table
// in the server can map them: ErrThrottled and ErrUnavailable are outages
// (serve stale, DESIGN §6), ErrUnauthorized means the token is gone
// (uninstalled, or to be exchanged again), ErrQuery and ErrRejected are
// bugs or bad data on our side.
var (
	ErrThrottled    = errors.New("shopify: throttled")
	ErrUnavailable  = errors.New("shopify: unavailable")
	ErrUnauthorized = errors.New("shopify: unauthorized")
	ErrQuery        = errors.New("shopify: query failed")
	ErrRejected     = errors.New("shopify: input rejected")
)

// APIError is a request that failed after every attempt it was allowed. It
// matches its Kind (ErrThrottled, ErrUnavailable or ErrUnauthorized) and
// the last underlying error.
type APIError struct {
	Op         string        // the GraphQL operation or OAuth grant
	Kind       error         // ErrThrottled, ErrUnavailable or ErrUnauthorized
	Status     int           // the last HTTP status; 0 for a transport error or timeout
	Attempts   int           // how many requests were sent
	RetryAfter time.Duration // the wait Shopify asked for last, if any
	Err        error         // the last underlying error, if any
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v (%s", e.Kind, e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ", HTTP %d", e.Status)
	}
	fmt.Fprintf(&b, ", %d attempt(s))", e.Attempts)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap makes errors.Is match the Kind and the underlying error.
func (e *APIError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// GraphQLError is an answer whose "errors" list is not empty (other than
// THROTTLED, which is retried): a field Shopify doesn't have, a missing
// scope (ACCESS_DENIED), a query too costly (MAX_COST_EXCEEDED). It
// matches ErrQuery, and ErrUnauthorized too when a scope is missing.
type GraphQLError struct {
	Op     string
	Errors []GraphQLErrorItem
}

// GraphQLErrorItem is one entry of a GraphQL "errors" list.
type GraphQLErrorItem struct {
	Message string `json:"message"`
	Path    []any  `json:"path,omitempty"`
	Code    string `json:"-"` // extensions.code
}

func (e *GraphQLError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, it := range e.Errors {
		msgs[i] = it.Message
		if it.Code != "" {
			msgs[i] += " [" + it.Code + "]"
		}
	}
	return fmt.Sprintf("%v (%s): %s", ErrQuery, e.Op, strings.Join(msgs, "; "))
}

// Unwrap makes errors.Is(err, ErrQuery) true, and errors.Is(err,
// ErrUnauthorized) for ACCESS_DENIED: the token lacks a scope.
func (e *GraphQLError) Unwrap() []error {
	if e.HasCode("ACCESS_DENIED") {
		return []error{ErrQuery, ErrUnauthorized}
	}
	return []error{ErrQuery}
}

// HasCode reports whether any error carries extensions.code == code.
func (e *GraphQLError) HasCode(code string) bool {
	for _, it := range e.Errors {
		if it.Code == code {
			return true
		}
	}
	return false
}

// UserError is one entry of a mutation's userErrors.
type UserError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

// UserErrors is a mutation that Shopify answered with userErrors. It
// matches ErrRejected.
type UserErrors struct {
	Op     string
	Errors []UserError
}

func (e *UserErrors) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, u := range e.Errors {
		msgs[i] = fmt.Sprintf("%s: %s [%s]", strings.Join(u.Field, "."), u.Message, u.Code)
	}
	return fmt.Sprintf("%v (%s): %s", ErrRejected, e.Op, strings.Join(msgs, "; "))
}

// Unwrap makes errors.Is(err, ErrRejected) true.
func (e *UserErrors) Unwrap() error { return ErrRejected }

// Options configure a Client or an App. The zero value talks to Shopify
// itself, logs nothing and retries with the defaults of RetryPolicy.
type Options struct {
	// Endpoint replaces https://SHOP as the base URL of every request (for
	// LEADTIME_SHOPIFY_ENDPOINT: tests and local development against
	// shopifytest). The shop's domain still goes in the Host header, so
	// one fake can serve many shops.
	Endpoint string
	// HTTPClient sends the requests (default: a client with a 30 s
	// timeout). Its Transport is wrapped when Endpoint is set.
	HTTPClient *http.Client
	// Logger receives debug lines per request and a warning when a request
	// gives up. Tokens and secrets are never logged.
	Logger *slog.Logger
	// OnCost, if set, is called after every GraphQL answer that carries
	// extensions.cost (throttled ones too, with actual = 0), for metrics.
	// A Client used from many goroutines calls it from all of them.
	OnCost func(requested, actual, available float64)
	// Retry bounds the retries of throttled and failed requests.
	Retry RetryPolicy
	// SkipCollections makes a Client's product loader (Product,
	// ProductByHandle, ProductsOfVariants) leave collections out: products
	// come back with nil Collections, and a cart line costs 11 query points
	// instead of 38, so that one query holds 90 lines instead of 26. Set
	// it when no rule of the shop's settings matches on collections; the
	// server decides per shop. An App ignores it.
	SkipCollections bool
	// Sleep waits between the pages of Catalog while the cost bucket
	// refills (default: a timer that ctx cancels). Tests pass one that
	// advances a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error
}

// RetryPolicy bounds the ctx-aware retries of a request on THROTTLED, 429,
// 5xx, timeouts and transport errors. Zero fields take the defaults.
type RetryPolicy struct {
	MaxAttempts    int           // requests sent at most (default 4)
	MaxWait        time.Duration // total time spent waiting between them (default 8 s)
	AttemptTimeout time.Duration // each request's own time limit (default 10 s)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 8 * time.Second
	}
	if p.AttemptTimeout <= 0 {
		p.AttemptTimeout = 10 * time.Second
	}
	return p
}

// transientError is a failure worth another attempt.
type transientError struct {
	kind   error         // ErrThrottled or ErrUnavailable
	status int           // HTTP status, 0 for transport errors
	wait   time.Duration // what Shopify asked us to wait; 0: back off exponentially
	err    error
}

func (t *transientError) Error() string { return t.err.Error() }

// run calls attempt until it succeeds, fails for good, or the policy or ctx
// says stop. It waits between attempts as Shopify asks (Retry-After, the
// cost bucket's refill) or exponentially, and never past ctx: a cancelled
// ctx ends a wait at once. It does not sleep when the wait would exceed the
// budget or ctx's deadline; it gives up straight away instead.
func (p RetryPolicy) run(ctx context.Context, log *slog.Logger, op string, attempt func(context.Context) error) error {
	p = p.withDefaults()
	var waited time.Duration
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, p.AttemptTimeout)
		err := attempt(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("shopify %s: %w (last: %w)", op, ctx.Err(), err)
		}
		var t *transientError
		if !errors.As(err, &t) {
			return err
		}
		wait := t.wait
		if wait <= 0 {
			wait = backoff(n)
		}
		giveUp := n >= p.MaxAttempts || waited+wait > p.MaxWait
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			giveUp = true
		}
		if giveUp {
			e := &APIError{Op: op, Kind: t.kind, Status: t.status, Attempts: n, RetryAfter: t.wait, Err: t.err}
			log.Warn("shopify: giving up", "op", op, "attempts", n, "status", t.status, "err", t.err)
			return e
		}
		log.Debug("shopify: retrying", "op", op, "attempt", n, "status", t.status, "wait", wait, "err", t.err)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("shopify %s: %w (while waiting after: %w)", op, ctx.Err(), &APIError{Op: op, Kind: t.kind, Status: t.status, Attempts: n, RetryAfter: t.wait, Err: t.err})
		case <-timer.C:
		}
		waited += wait
	}
}

// backoff is the wait before attempt n+1 after a failure that named none:
// 100 ms doubling, ±25 % jitter, at most 2 s.
func backoff(n int) time.Duration {
	d := min(100*time.Millisecond<<min(n-1, 5), 2*time.Second)
	return time.Duration(float64(d) * (0.75 + 0.5*rand.Float64()))
}

// Client talks to one shop's Admin GraphQL API with an offline token. It
// is safe for concurrent use: it holds no per-request state, and the
// go-shopify client it builds requests with (which is not goroutine-safe)
// is made anew for each request.
type Client struct {
	shop   string
	token  string
	http   *http.Client
	log    *slog.Logger
	onCost func(requested, actual, available float64)
	retry  RetryPolicy
	sleep  func(ctx context.Context, d time.Duration) error
	// queries are the product loader's documents: with collections, or
	// without (Options.SkipCollections).
	queries *productQueries

	mu      sync.Mutex
	shopGID string // cached by shopGIDOf
}

// NewClient returns a Client for shop (a myshopify.com domain) and its
// Admin API access token.
func NewClient(shop, token string, opts Options) (*Client, error) {
	if !ValidShop(shop) {
		return nil, fmt.Errorf("shopify.NewClient: %q: %w", shop, ErrBadShop)
	}
	if token == "" {
		return nil, fmt.Errorf("shopify.NewClient: %s: no access token", shop)
	}
	hc, err := httpClient(opts)
	if err != nil {
		return nil, fmt.Errorf("shopify.NewClient: %w", err)
	}
	q := withCollections
	if opts.SkipCollections {
		q = withoutCollections
	}
	sleep := opts.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	return &Client{shop: shop, token: token, http: hc, log: logger(opts), onCost: opts.OnCost, retry: opts.Retry, queries: q, sleep: sleep}, nil
}

// Shop returns the shop's myshopify.com domain.
func (c *Client) Shop() string { return c.shop }

func logger(o Options) *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// httpClient is the http.Client every request goes through: o.HTTPClient
// (or a default), its transport redirected to o.Endpoint when set.
func httpClient(o Options) (*http.Client, error) {
	base := o.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Endpoint == "" {
		return base, nil
	}
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("endpoint %q: not an http(s) base URL", o.Endpoint)
	}
	rt := base.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hc := *base
	hc.Transport = &rewriteTransport{base: rt, target: u}
	return &hc, nil
}

// rewriteTransport sends requests for https://SHOP/... to the endpoint
// instead, keeping SHOP in the Host header. go-shopify has no base-URL
// option; this is how it is pointed at a fake.
type rewriteTransport struct {
	base   http.RoundTripper
	target *url.URL
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Host = req.URL.Host
	r.URL.Scheme = t.target.Scheme
	r.URL.Host = t.target.Host
	r.URL.Path = strings.TrimSuffix(t.target.Path, "/") + req.URL.Path
	r.URL.RawPath = ""
	return t.base.RoundTrip(r)
}

// quietLogger silences go-shopify, whose debug output includes request and
// response bodies: client secrets and access tokens in OAuth. We log
// ourselves, without them.
type quietLogger struct{}

func (quietLogger) Debugf(string, ...any) {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Warnf(string, ...any)  {}

// goshopifyClient builds a go-shopify client for one request: shop base
// URL, API version path, access token header and JSON encoding come from
// it. Building one is cheap, and one per request is what makes Client safe
// for concurrent use.
func goshopifyClient(app goshopify.App, shop, token string, hc *http.Client) (*goshopify.Client, error) {
	return goshopify.NewClient(app, shop, token,
		goshopify.WithVersion(APIVersion),
		goshopify.WithHTTPClient(hc),
		goshopify.WithLogger(quietLogger{}),
	)
}

const graphQLPath = "admin/api/" + APIVersion + "/graphql.json"

// maxResponse bounds a response body; the largest answer we ask for (a
// product with 100 variants) is a few hundred KB.
const maxResponse = 16 << 20

type graphQLRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

type graphQLResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		GraphQLErrorItem
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
	Extensions struct {
		Cost *queryCost `json:"cost"`
	} `json:"extensions"`
}

// queryCost is extensions.cost of a GraphQL answer.
type queryCost struct {
	RequestedQueryCost float64  `json:"requestedQueryCost"`
	ActualQueryCost    *float64 `json:"actualQueryCost"`
	ThrottleStatus     struct {
		MaximumAvailable   float64 `json:"maximumAvailable"`
		CurrentlyAvailable float64 `json:"currentlyAvailable"`
		RestoreRate        float64 `json:"restoreRate"`
	} `json:"throttleStatus"`
}

// refillWait is how long the bucket needs to hold the requested cost again.
func (c *queryCost) refillWait() time.Duration {
	if c == nil || c.ThrottleStatus.RestoreRate <= 0 {
		return time.Second
	}
	need := c.RequestedQueryCost - c.ThrottleStatus.CurrentlyAvailable
	return max(time.Duration(need/c.ThrottleStatus.RestoreRate*float64(time.Second)), 10*time.Millisecond)
}

// graphQL sends one document (op is its operation name) with retries, and
// decodes its "data" into out.
func (c *Client) graphQL(ctx context.Context, op, doc string, vars map[string]any, out any) error {
	return c.graphQLCost(ctx, op, doc, vars, out, nil)
}

// graphQLCost is graphQL that also keeps the last answer's extensions.cost
// in cost (when not nil), for callers that pace themselves (Catalog).
func (c *Client) graphQLCost(ctx context.Context, op, doc string, vars map[string]any, out any, cost *queryCost) error {
	body := graphQLRequest{Query: doc, OperationName: op, Variables: vars}
	return c.retry.run(ctx, c.log.With("shop", c.shop), op, func(ctx context.Context) error {
		return c.post(ctx, op, body, out, cost)
	})
}

// post sends one GraphQL request and classifies its outcome.
func (c *Client) post(ctx context.Context, op string, body graphQLRequest, out any, cost *queryCost) error {
	gs, err := goshopifyClient(goshopify.App{}, c.shop, c.token, c.http)
	if err != nil {
		return err
	}
	req, err := gs.NewRequest(ctx, http.MethodPost, graphQLPath, body, nil)
	if err != nil {
		return err
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return &transientError{kind: ErrUnavailable, err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return &transientError{kind: ErrUnavailable, status: resp.StatusCode, err: err}
	}
	log := c.log.With("shop", c.shop, "op", op, "status", resp.StatusCode, "duration", time.Since(start))
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		log.Debug("shopify: HTTP 429")
		return &transientError{kind: ErrThrottled, status: s, wait: retryAfter(resp.Header), err: statusError(s, raw)}
	case s >= 500:
		log.Debug("shopify: server error")
		return &transientError{kind: ErrUnavailable, status: s, err: statusError(s, raw)}
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return &APIError{Op: op, Kind: ErrUnauthorized, Status: s, Attempts: 1, Err: statusError(s, raw)}
	case s != http.StatusOK:
		// 402 (frozen), 404 (no such shop), 423 (locked): Shopify will not
		// serve this shop, and asking again will not change it.
		return &APIError{Op: op, Kind: ErrUnavailable, Status: s, Attempts: 1, Err: statusError(s, raw)}
	}
	var r graphQLResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return &transientError{kind: ErrUnavailable, status: resp.StatusCode, err: fmt.Errorf("decoding answer: %w", err)}
	}
	c.cost(log, r.Extensions.Cost)
	if cost != nil && r.Extensions.Cost != nil {
		*cost = *r.Extensions.Cost
	}
	if len(r.Errors) > 0 {
		e := &GraphQLError{Op: op}
		for _, it := range r.Errors {
			item := it.GraphQLErrorItem
			item.Code = it.Extensions.Code
			e.Errors = append(e.Errors, item)
		}
		if e.HasCode("THROTTLED") {
			return &transientError{kind: ErrThrottled, status: resp.StatusCode, wait: r.Extensions.Cost.refillWait(), err: e}
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		return fmt.Errorf("%w (%s): decoding data: %w", ErrQuery, op, err)
	}
	return nil
}

// cost reports a query's cost to the log and to OnCost.
func (c *Client) cost(log *slog.Logger, qc *queryCost) {
	if qc == nil {
		log.Debug("shopify: answer")
		return
	}
	var actual float64
	if qc.ActualQueryCost != nil {
		actual = *qc.ActualQueryCost
	}
	available := qc.ThrottleStatus.CurrentlyAvailable
	log.Debug("shopify: answer", "cost_requested", qc.RequestedQueryCost, "cost_actual", actual, "cost_available", available)
	if c.onCost != nil {
		c.onCost(qc.RequestedQueryCost, actual, available)
	}
}

// retryAfter reads Retry-After in seconds (Shopify sends "2.0"); absent or
// unreadable, it is one second.
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After")), 64)
	if err != nil || s < 0 || s > 3600 {
		return time.Second
	}
	return max(time.Duration(s*float64(time.Second)), time.Millisecond)
}

// statusError describes an HTTP error answer, with the start of its body.
func statusError(status int, body []byte) error {
	body = bytes.TrimSpace(body)
	if len(body) > 200 {
		body = body[:200]
	}
	return fmt.Errorf("HTTP %d %s: %s", status, http.StatusText(status), body)
}
