// Package shopifytest is a faithful fake of Shopify's Admin API for tests
// and local development: in-memory shops, products and metafields served
// over GraphQL (API version 2026-07) with Shopify's real response shapes,
// its cost-based throttle, HTTP faults on demand, and the OAuth endpoints.
//
// Point package shopify at it with Options.Endpoint (the server uses
// LEADTIME_SHOPIFY_ENDPOINT): requests for https://SHOP/... arrive with
// SHOP in the Host header, so one fake serves many shops. A Server is safe
// for concurrent use.
package shopifytest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leadtime-app/leadtime/delivery"
)

// APIVersion is the only Admin API version the fake serves.
const APIVersion = "2026-07"

// Shopify's cost limits (Standard plan): a bucket of 1000 points refilled
// at 50 a second, and no single query above 1000.
const (
	DefaultMaximumAvailable = 1000.0
	DefaultRestoreRate      = 50.0
	MaxQueryCost            = 1000
)

// Fault statuses for FailNext besides HTTP codes.
const (
	// Timeout holds the request until the client gives up on it.
	Timeout = -1
	// Reset closes the connection without an answer.
	Reset = -2
)

// Shop describes a fake shop. The zero value is a shop in UTC, country US,
// locale en, with every scope granted.
type Shop struct {
	Name     string
	Timezone string // IANA; default "UTC"
	Country  string // ISO 3166-1 alpha-2; default "US"
	Locale   string // primary locale; default "en"
	// ProcessingTime is deliveryPromiseSettings.processingTime, e.g. "P2D".
	ProcessingTime       string
	DeliveryDatesEnabled bool
	// Scopes the token was granted; nil grants all. Without read_locales
	// or read_shipping, queries for them get ACCESS_DENIED, as on Shopify.
	Scopes []string
	// PinnedDefinitions is how many metafield definitions of each owner
	// type are already pinned by others; Shopify allows 20.
	PinnedDefinitions int
	// ActiveDeliveryCustomizations is how many enabled delivery
	// customizations other apps have; Shopify allows 25.
	ActiveDeliveryCustomizations int
}

// Product is a product in a fake shop.
type Product struct {
	ID          int64
	Handle      string
	Title       string
	Vendor      string
	ProductType string
	Tags        []string
	Collections []string // handles
	// Metafields by "namespace.key", e.g. "leadtime.processing_min_days",
	// as Shopify stores them: strings, unvalidated without a definition.
	Metafields map[string]string
	Variants   []Variant
	// Status is ACTIVE (the default when empty), DRAFT or ARCHIVED, for
	// productVariants(query: "product_status:…").
	Status string
}

// Variant is a variant of a fake product.
type Variant struct {
	ID                int64
	Title             string
	InventoryQuantity int
	Tracked           bool   // inventory tracked (InventoryItem.tracked)
	InventoryPolicy   string // "DENY" (default) or "CONTINUE"; either case
	Metafields        map[string]string
	// InventoryItemID is the id of the variant's inventory item
	// (InventoryItem.id, what inventory_levels webhooks name); 0 means
	// DefaultInventoryItemID(ID).
	InventoryItemID int64
}

// DefaultInventoryItemID is the inventory item id of a variant that sets
// none: the variant's id plus 1 000 000 000, so that the two are never
// confused.
func DefaultInventoryItemID(variantID int64) int64 { return variantID + 1_000_000_000 }

// ProductFrom converts a delivery product (a settings document's catalog)
// into a fake product, so that local development can serve a catalog.
func ProductFrom(p delivery.Product) Product {
	out := Product{ID: p.ID, Handle: p.Handle, Title: p.Title, Vendor: p.Vendor, ProductType: p.ProductType,
		Tags: p.Tags, Collections: p.Collections, Metafields: metafieldsFrom(p.Metafields)}
	for _, v := range p.Variants {
		fv := Variant{ID: v.ID, Title: v.Title, InventoryPolicy: strings.ToUpper(v.InventoryPolicy),
			Metafields: metafieldsFrom(v.Metafields), InventoryItemID: v.InventoryItemID}
		if v.InventoryQuantity != nil {
			fv.Tracked, fv.InventoryQuantity = true, *v.InventoryQuantity
		}
		out.Variants = append(out.Variants, fv)
	}
	return out
}

func metafieldsFrom(m delivery.Metafields) map[string]string {
	out := map[string]string{}
	if m.ProcessingMinDays != nil {
		out["leadtime.processing_min_days"] = strconv.Itoa(*m.ProcessingMinDays)
	}
	if m.ProcessingMaxDays != nil {
		out["leadtime.processing_max_days"] = strconv.Itoa(*m.ProcessingMaxDays)
	}
	if m.Readiness != "" {
		out["leadtime.readiness"] = string(m.Readiness)
	}
	if m.ShipsOn != nil {
		out["leadtime.ships_on"] = m.ShipsOn.String()
	}
	return out
}

// Mutation is a mutation field the fake ran, with its argument as JSON
// decodes it: metafieldDefinitionCreate's definition (a map) or
// metafieldsSet's metafields (a list of maps).
type Mutation struct {
	Shop  string
	Name  string // "metafieldDefinitionCreate", "metafieldsSet" or "deliveryCustomizationCreate"
	Input any
}

// Definition is a metafield definition in a fake shop.
type Definition struct {
	ID          string
	OwnerType   string // PRODUCT, PRODUCTVARIANT, ORDER, …
	Namespace   string
	Key         string
	Name        string
	Description string
	Type        string
	Pinned      bool
	Storefront  string            // access.storefront, e.g. PUBLIC_READ
	Validations map[string]string // name → value
}

// Metafield is a stored metafield value.
type Metafield struct {
	ID    string
	Type  string
	Value string
}

// shopState is one fake shop.
type shopState struct {
	domain      string
	token       string
	num         int64 // the shop's numeric id
	info        Shop
	products    map[int64]*Product
	variants    map[int64]int64 // variant id → product id
	collections map[string]int64
	definitions []*Definition
	// deliveryCustomizations are the shop's delivery customizations of
	// this app, in creation order.
	deliveryCustomizations []*deliveryCustomization
	metafields             map[string]map[string]*Metafield // owner GID → "ns.key" →
	available              float64
	refilled               time.Time
	// orders are those added with AddOrder (orders.go); bulkOps the
	// shop's bulk operations, oldest first (bulk.go).
	orders  map[int64]*storedOrder
	bulkOps []*bulkOp
}

// Server is the fake Admin API. Create it with NewServer.
type Server struct {
	// URL is the base URL to use as Options.Endpoint.
	URL string
	srv *httptest.Server

	mu         sync.Mutex
	shops      map[string]*shopState
	apps       map[string]string // API key → secret
	codes      map[string]grant
	calls      int
	opCalls    map[string]int // GraphQL calls by operation name
	mutations  []Mutation
	faults     []int
	down       bool
	maximum    float64
	restore    float64
	retryAfter time.Duration
	nextID     int64
	now        func() time.Time
	bulkFiles  map[string][]byte // a bulk operation's JSONL by its URL's opaque name
}

// grant is an authorization code waiting to be exchanged.
type grant struct {
	shop, apiKey, scope string
	expires             time.Time
}

// NewServer starts a fake on a loopback port. Close it when done.
func NewServer() *Server {
	s := New()
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s
}

// New returns a fake that is not listening: serve it with your own
// http.Server (it is an http.Handler), e.g. for local development.
func New() *Server {
	return &Server{
		shops:      map[string]*shopState{},
		apps:       map[string]string{},
		codes:      map[string]grant{},
		maximum:    DefaultMaximumAvailable,
		restore:    DefaultRestoreRate,
		retryAfter: 2 * time.Second,
		nextID:     1_000_000,
		now:        time.Now,
	}
}

// Close stops a server started by NewServer.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// SetApp registers an app's credentials for the OAuth endpoints.
func (s *Server) SetApp(apiKey, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[apiKey] = secret
}

// AddShop adds (or replaces) a shop with its Admin API token; an empty
// token gets a generated one (see Token).
func (s *Server) AddShop(domain, token string, info Shop) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addShopLocked(domain, token, info)
}

func (s *Server) addShopLocked(domain, token string, info Shop) *shopState {
	if token == "" {
		token = "shpat_" + randomHex(16)
	}
	if info.Timezone == "" {
		info.Timezone = "UTC"
	}
	if info.Country == "" {
		info.Country = "US"
	}
	if info.Locale == "" {
		info.Locale = "en"
	}
	if info.Name == "" {
		info.Name = strings.TrimSuffix(domain, ".myshopify.com")
	}
	st := &shopState{
		domain: domain, token: token, num: int64(len(s.shops) + 1), info: info,
		products: map[int64]*Product{}, variants: map[int64]int64{}, collections: map[string]int64{},
		metafields: map[string]map[string]*Metafield{},
		available:  s.maximum, refilled: s.now(),
	}
	s.shops[domain] = st
	return st
}

// Token returns a shop's Admin API token.
func (s *Server) Token(domain string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shop(domain).token
}

func (s *Server) shop(domain string) *shopState {
	st := s.shops[domain]
	if st == nil {
		panic(fmt.Sprintf("shopifytest: no shop %q (AddShop first)", domain))
	}
	return st
}

// AddProduct adds a product to a shop, replacing one with the same id.
func (s *Server) AddProduct(domain string, p Product) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.shop(domain)
	if old := st.products[p.ID]; old != nil {
		s.removeLocked(st, old)
	}
	stored := cloneProduct(p)
	st.products[p.ID] = &stored
	for _, c := range p.Collections {
		if _, ok := st.collections[c]; !ok {
			s.nextID++
			st.collections[c] = s.nextID
		}
	}
	setAll := func(owner string, m map[string]string) {
		for k, v := range m {
			ns, key, _ := strings.Cut(k, ".")
			s.setMetafieldLocked(st, owner, ns, key, "", v)
		}
	}
	setAll(gid("Product", p.ID), p.Metafields)
	for _, v := range p.Variants {
		st.variants[v.ID] = p.ID
		setAll(gid("ProductVariant", v.ID), v.Metafields)
	}
}

// UpdateProduct replaces a product, as an edit in Shopify admin would.
func (s *Server) UpdateProduct(domain string, p Product) { s.AddProduct(domain, p) }

// DeleteProduct removes a product and its variants.
func (s *Server) DeleteProduct(domain string, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.shop(domain)
	if p := st.products[id]; p != nil {
		s.removeLocked(st, p)
	}
}

func (s *Server) removeLocked(st *shopState, p *Product) {
	delete(st.products, p.ID)
	delete(st.metafields, gid("Product", p.ID))
	for _, v := range p.Variants {
		delete(st.variants, v.ID)
		delete(st.metafields, gid("ProductVariant", v.ID))
	}
}

func cloneProduct(p Product) Product {
	p.Tags = slices.Clone(p.Tags)
	p.Collections = slices.Clone(p.Collections)
	p.Variants = slices.Clone(p.Variants)
	p.Metafields = nil // kept in the shop's metafield store
	for i := range p.Variants {
		p.Variants[i].Metafields = nil
		if p.Variants[i].InventoryItemID == 0 {
			p.Variants[i].InventoryItemID = DefaultInventoryItemID(p.Variants[i].ID)
		}
	}
	return p
}

// RevokeToken makes the shop's access token invalid, as Shopify does when
// the merchant uninstalls the app: every call with it is a 401 until the
// shop installs again (OAuth or token exchange).
func (s *Server) RevokeToken(domain string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.shops[domain]; st != nil {
		st.token = ""
	}
}

// FailNext makes the next n Admin API requests (GraphQL and OAuth) fail
// with status: 429 (with Retry-After, see SetRetryAfter), a 5xx, Timeout
// or Reset.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, status)
	}
}

// SetRetryAfter sets the Retry-After of injected 429s (default 2 s).
func (s *Server) SetRetryAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter = d
}

// SetDown makes every request fail with 503 until SetDown(false), as in an
// outage.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// SetClock replaces the clock the cost buckets refill by (default
// time.Now), so that a test can measure in simulated seconds what a long
// crawl would wait at the real restore rate.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
	for _, st := range s.shops {
		st.refilled = now()
	}
}

// SetThrottle changes the cost bucket of every shop: its size and refill
// rate in points per second. Buckets start full.
func (s *Server) SetThrottle(maximum, restoreRate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maximum, s.restore = maximum, restoreRate
	for _, st := range s.shops {
		st.available, st.refilled = maximum, s.now()
	}
}

// Drain empties a shop's cost bucket, as a burst of other apps' queries
// would.
func (s *Server) Drain(domain string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.shop(domain)
	st.available, st.refilled = 0, s.now()
}

// Calls returns how many GraphQL requests the fake received, whatever
// their outcome.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// OperationCalls is how many GraphQL requests named one of names the
// fake has answered: a test that counts product loads is not thrown off
// by the background calls of an instance (its checkout-function refresh).
func (s *Server) OperationCalls(names ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, name := range names {
		n += s.opCalls[name]
	}
	return n
}

// countOperationLocked counts a call of operation name; s.mu is held.
func (s *Server) countOperationLocked(name string) {
	if s.opCalls == nil {
		s.opCalls = map[string]int{}
	}
	s.opCalls[name]++
}

// Mutations returns the mutation fields run so far, in order.
func (s *Server) Mutations() []Mutation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mutations)
}

// Definitions returns a shop's metafield definitions.
func (s *Server) Definitions(domain string) []Definition {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Definition
	for _, d := range s.shop(domain).definitions {
		out = append(out, *d)
	}
	return out
}

// Metafield returns a stored metafield of owner (a GID such as
// gid://shopify/Order/1, or ShopGID(domain)).
func (s *Server) Metafield(domain, owner, namespace, key string) (Metafield, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.shop(domain).metafields[owner][namespace+"."+key]
	if m == nil {
		return Metafield{}, false
	}
	return *m, true
}

// ShopGID returns the GID of a shop, the owner of its shop metafields.
func (s *Server) ShopGID(domain string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return gid("Shop", s.shop(domain).num)
}

func gid(resource string, id int64) string {
	return "gid://shopify/" + resource + "/" + strconv.FormatInt(id, 10)
}

func parseGID(g string) (resource string, id int64, ok bool) {
	rest, ok := strings.CutPrefix(g, "gid://shopify/")
	if !ok {
		return "", 0, false
	}
	resource, num, ok := strings.Cut(rest, "/")
	if !ok {
		return "", 0, false
	}
	num, _, _ = strings.Cut(num, "?")
	id, err := strconv.ParseInt(num, 10, 64)
	return resource, id, err == nil && id > 0
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// setMetafieldLocked stores a metafield; typ "" keeps the type of the
// definition or of the value already there.
func (s *Server) setMetafieldLocked(st *shopState, owner, ns, key, typ, value string) *Metafield {
	if st.metafields[owner] == nil {
		st.metafields[owner] = map[string]*Metafield{}
	}
	m := st.metafields[owner][ns+"."+key]
	if m == nil {
		s.nextID++
		m = &Metafield{ID: gid("Metafield", s.nextID), Type: "single_line_text_field"}
		st.metafields[owner][ns+"."+key] = m
	}
	if d := st.definition(ownerType(owner), ns, key); d != nil {
		m.Type = d.Type
	} else if typ != "" {
		m.Type = typ
	}
	m.Value = value
	return m
}

func (st *shopState) definition(ownerType, ns, key string) *Definition {
	for _, d := range st.definitions {
		if d.OwnerType == ownerType && d.Namespace == ns && d.Key == key {
			return d
		}
	}
	return nil
}

// ownerType is the MetafieldOwnerType of an owner GID.
func ownerType(owner string) string {
	resource, _, _ := parseGID(owner)
	switch resource {
	case "ProductVariant":
		return "PRODUCTVARIANT"
	default:
		return strings.ToUpper(resource)
	}
}

// refill brings a shop's bucket up to date (a leaky bucket).
func (s *Server) refill(st *shopState) {
	now := s.now()
	st.available = math.Min(s.maximum, st.available+now.Sub(st.refilled).Seconds()*s.restore)
	st.refilled = now
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/admin/oauth/authorize":
		s.serveAuthorize(w, r)
	case r.URL.Path == "/admin/oauth/access_token":
		if s.fault(w, r) {
			return
		}
		s.serveAccessToken(w, r)
	case strings.HasPrefix(r.URL.Path, "/bulk/"):
		s.serveBulkFile(w, r)
	case strings.HasPrefix(r.URL.Path, "/admin/api/") && strings.HasSuffix(r.URL.Path, "/graphql.json"):
		s.mu.Lock()
		s.calls++
		s.mu.Unlock()
		if s.fault(w, r) {
			return
		}
		s.serveGraphQL(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": "Not Found"})
	}
}

// fault answers with the next injected fault or the outage, if any.
func (s *Server) fault(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	status := 0
	if s.down {
		status = http.StatusServiceUnavailable
	} else if len(s.faults) > 0 {
		status, s.faults = s.faults[0], s.faults[1:]
	}
	retryAfter := s.retryAfter
	s.mu.Unlock()
	switch status {
	case 0:
		return false
	case Timeout:
		// Read the request to its end, so that the server notices when the
		// client hangs up and cancels r.Context().
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		w.WriteHeader(http.StatusGatewayTimeout)
	case Reset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				conn.Close()
				return true
			}
		}
		w.WriteHeader(http.StatusBadGateway)
	case http.StatusTooManyRequests:
		secs := strconv.FormatFloat(retryAfter.Seconds(), 'f', -1, 64)
		if !strings.Contains(secs, ".") {
			secs += ".0"
		}
		w.Header().Set("Retry-After", secs)
		writeJSON(w, status, map[string]any{"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."})
	case http.StatusInternalServerError:
		writeJSON(w, status, map[string]any{"errors": "Internal Server Error"})
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<!DOCTYPE html><html><body><h1>%d %s</h1><p>There was a problem loading this website.</p></body></html>", status, http.StatusText(status))
	}
	return true
}

// shopFor finds the shop a request is for: the Host header (a myshopify
// domain, as package shopify sends it), else the access token's shop.
func (s *Server) shopFor(r *http.Request) (*shopState, int, string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	token := r.Header.Get("X-Shopify-Access-Token")
	if strings.HasSuffix(host, ".myshopify.com") {
		st := s.shops[host]
		if st == nil {
			return nil, http.StatusNotFound, "Not Found"
		}
		if token == "" || token != st.token {
			return nil, http.StatusUnauthorized, "[API] Invalid API key or access token (unrecognized login or wrong password)"
		}
		return st, 0, ""
	}
	for _, st := range s.shops {
		if token != "" && token == st.token {
			return st, 0, ""
		}
	}
	return nil, http.StatusUnauthorized, "[API] Invalid API key or access token (unrecognized login or wrong password)"
}

func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errors": "Method Not Allowed"})
		return
	}
	if v := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/admin/api/"), "/graphql.json"); v != APIVersion {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": fmt.Sprintf("shopifytest serves API version %s only, not %q", APIVersion, v)})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": err.Error()})
		return
	}
	var req request
	if err := json.Unmarshal(body, &req); err != nil || req.Query == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": "Bad Request: the body is not a GraphQL request"})
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st, status, msg := s.shopFor(r)
	if st == nil {
		writeJSON(w, status, map[string]any{"errors": msg})
		return
	}
	w.Header().Set("X-Shopify-API-Version", APIVersion)
	op, vars, errs := parse(req)
	if errs != nil {
		writeJSON(w, http.StatusOK, map[string]any{"errors": errs})
		return
	}
	s.countOperationLocked(op.Name)
	requested := costs.Requested(op, vars)
	if requested > MaxQueryCost {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlError{{
			Message: fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (%d).", requested, MaxQueryCost),
			Extensions: map[string]any{"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": MaxQueryCost,
				"documentation": "https://shopify.dev/api/usage/limits#rate-limits"},
		}}})
		return
	}
	s.refill(st)
	if float64(requested) > st.available {
		writeJSON(w, http.StatusOK, map[string]any{
			"errors": []gqlError{{Message: "Throttled", Extensions: map[string]any{
				"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/limits#rate-limits"}}},
			"extensions": map[string]any{"cost": s.cost(st, requested, nil)},
		})
		return
	}
	st.available -= float64(requested)
	ec := &execution{srv: s, shop: st, vars: vars}
	var root object = queryRoot{}
	if op.Operation == ast.Mutation {
		root = mutationRoot{}
	}
	data, ok := ec.selectionSet(root, op.SelectionSet, nil)
	actual := requested
	if ok {
		actual = min(costs.Actual(op, data), requested)
	}
	st.available = math.Min(s.maximum, st.available+float64(requested-actual))
	resp := orderedObject{}
	if len(ec.errors) > 0 {
		resp = append(resp, member{"errors", ec.errors})
	}
	if ok {
		resp = append(resp, member{"data", data})
	} else {
		resp = append(resp, member{"data", nil})
	}
	resp = append(resp, member{"extensions", map[string]any{"cost": s.cost(st, requested, &actual)}})
	writeJSON(w, http.StatusOK, resp)
}

// cost is the extensions.cost block of an answer.
func (s *Server) cost(st *shopState, requested int, actual *int) map[string]any {
	c := map[string]any{
		"requestedQueryCost": requested,
		"actualQueryCost":    nil,
		"throttleStatus": map[string]any{
			"maximumAvailable":   s.maximum,
			"currentlyAvailable": int(st.available),
			"restoreRate":        s.restore,
		},
	}
	if actual != nil {
		c["actualQueryCost"] = *actual
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
