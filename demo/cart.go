package demo

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/server"
)

// The demo cart is a small fake of Shopify's AJAX cart API (/cart.js,
// /cart/add.js, /cart/change.js, /cart/update.js, /cart/clear.js), served
// in demo mode only. The demo storefront runs the same <leadtime-promise>
// client against it that a real theme runs against Shopify, so the client
// has one code path. Carts live in memory, keyed by a random token in the
// "cart" cookie, as Shopify keys them; only JSON bodies are accepted.

// Limits of the demo cart.
const (
	demoCartsMax         = 10_000
	demoCartTTL          = 24 * time.Hour
	demoCartCookie       = "cart"
	demoCartMaxBody      = 64 << 10
	demoCartMaxQuantity  = 10_000
	demoCartMaxLines     = promise.MaxCartLines
	demoCartMaxAttrs     = 20
	demoCartMaxAttrValue = 2 << 10
	demoCartMaxAttrKey   = 255
	demoCartMaxNote      = 2 << 10
	demoCartCurrency     = "SEK"
)

// demoCart is one cart. Stored carts are never modified: a change stores a
// modified copy, so a reader never sees half of one.
type demoCart struct {
	note       string
	attributes map[string]string
	lines      []demoCartLine
}

type demoCartLine struct {
	variantID int64
	quantity  int
}

func (c *demoCart) clone() *demoCart {
	out := &demoCart{note: c.note, attributes: make(map[string]string, len(c.attributes)), lines: append([]demoCartLine(nil), c.lines...)}
	for k, v := range c.attributes {
		out.attributes[k] = v
	}
	return out
}

func (c *demoCart) lineOf(variantID int64) int {
	for i, l := range c.lines {
		if l.variantID == variantID {
			return i
		}
	}
	return -1
}

// setQuantity sets a variant's quantity, adding or removing its line.
func (c *demoCart) setQuantity(variantID int64, qty int) error {
	i := c.lineOf(variantID)
	switch {
	case qty == 0 && i >= 0:
		c.lines = append(c.lines[:i], c.lines[i+1:]...)
	case qty == 0:
	case i >= 0:
		c.lines[i].quantity = qty
	case len(c.lines) >= demoCartMaxLines:
		return server.BadParam("too_many_lines", "a cart has at most %d lines", demoCartMaxLines)
	default:
		c.lines = append(c.lines, demoCartLine{variantID: variantID, quantity: qty})
	}
	return nil
}

// demoCarts holds the carts of the demo storefront: at most demoCartsMax,
// each for demoCartTTL after its last change. Create it once: each one runs
// a goroutine that drops expired carts.
type demoCarts struct {
	mu  sync.Mutex // serialises every read-modify-write; a demo sees little traffic
	lru *expirable.LRU[string, *demoCart]
}

func newDemoCarts(size int, ttl time.Duration) *demoCarts {
	return &demoCarts{lru: expirable.NewLRU[string, *demoCart](size, nil, ttl)}
}

// get returns the cart under token, or an empty one.
func (d *demoCarts) get(token string) *demoCart {
	if c, ok := d.lru.Get(token); ok {
		return c
	}
	return &demoCart{}
}

// update applies fn to a copy of the cart under token and stores the copy,
// unless fn fails.
func (d *demoCarts) update(token string, fn func(*demoCart) error) (*demoCart, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.get(token).clone()
	if err := fn(c); err != nil {
		return nil, err
	}
	d.lru.Add(token, c)
	return c, nil
}

// cartRejection is a well-formed request that the cart refuses, such as an
// unknown or sold-out variant: Shopify answers those 422.
type cartRejection struct{ code, msg string }

func (e *cartRejection) Error() string { return e.msg }

func rejectCart(code, format string, args ...any) error {
	return &cartRejection{code: code, msg: fmt.Sprintf(format, args...)}
}

// writeCartError writes err: a rejection as 422, anything else through
// writeError's table.
func writeCartError(c *gin.Context, err error) {
	var rej *cartRejection
	if errors.As(err, &rej) {
		c.Header("Cache-Control", "no-store")
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": promise.ErrorBody{Code: rej.code, Message: rej.msg}})
		return
	}
	server.WriteError(c, err)
}

// cartToken returns the request's cart token, or a new one when it has
// none or a malformed one.
func cartToken(c *gin.Context) string {
	if ck, err := c.Request.Cookie(demoCartCookie); err == nil && validCartToken(ck.Value) {
		return ck.Value
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

func validCartToken(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// cartItemJSON is a line of Shopify's cart object.
type cartItemJSON struct {
	ID               int64   `json:"id"`
	VariantID        int64   `json:"variant_id"`
	ProductID        int64   `json:"product_id"`
	Key              string  `json:"key"`
	Quantity         int     `json:"quantity"`
	Title            string  `json:"title"`
	ProductTitle     string  `json:"product_title"`
	VariantTitle     *string `json:"variant_title"`
	Handle           string  `json:"handle"`
	URL              string  `json:"url"`
	RequiresShipping bool    `json:"requires_shipping"`
}

// cartObjectJSON is Shopify's cart object, as /cart.js answers it.
type cartObjectJSON struct {
	Token            string            `json:"token"`
	Note             string            `json:"note"`
	Attributes       map[string]string `json:"attributes"`
	ItemCount        int               `json:"item_count"`
	Items            []cartItemJSON    `json:"items"`
	RequiresShipping bool              `json:"requires_shipping"`
	Currency         string            `json:"currency"`
}

// lineKey is a line's key, "VARIANT:HASH" as Shopify writes it. Demo lines
// carry no properties, so the hash depends on the variant alone.
func lineKey(variantID int64) string {
	sum := sha256.Sum256([]byte("leadtime-demo-line:" + strconv.FormatInt(variantID, 10)))
	return strconv.FormatInt(variantID, 10) + ":" + hex.EncodeToString(sum[:16])
}

func cartItem(shop *delivery.Shop, l demoCartLine) (cartItemJSON, bool) {
	p, ok := shop.ProductByVariant(l.variantID)
	if !ok {
		return cartItemJSON{}, false
	}
	v := findVariant(p, l.variantID)
	it := cartItemJSON{
		ID: l.variantID, VariantID: l.variantID, ProductID: p.ID, Key: lineKey(l.variantID),
		Quantity: l.quantity, Title: p.Title, ProductTitle: p.Title, Handle: p.Handle,
		URL: "/products/" + p.Handle + "?variant=" + strconv.FormatInt(l.variantID, 10), RequiresShipping: true,
	}
	if v.Title != "" && v.Title != "Default Title" {
		title := v.Title
		it.VariantTitle = &title
		it.Title = p.Title + " - " + title
	}
	return it, true
}

func findVariant(p *delivery.Product, id int64) *delivery.Variant {
	for i := range p.Variants {
		if p.Variants[i].ID == id {
			return &p.Variants[i]
		}
	}
	return &delivery.Variant{ID: id}
}

func cartObject(shop *delivery.Shop, token string, cart *demoCart) cartObjectJSON {
	out := cartObjectJSON{
		Token: token, Note: cart.note, Attributes: map[string]string{}, Items: []cartItemJSON{},
		RequiresShipping: true, Currency: demoCartCurrency,
	}
	for k, v := range cart.attributes {
		out.Attributes[k] = v
	}
	for _, l := range cart.lines {
		if it, ok := cartItem(shop, l); ok {
			out.Items = append(out.Items, it)
			out.ItemCount += l.quantity
		}
	}
	return out
}

// demoCartRequest is what each cart handler needs: the shop, the token and
// the JSON body, already checked.
type demoCartRequest struct {
	shop  *delivery.Shop
	token string
	body  []byte
}

// readDemoCartRequest reads the shop, the token and the body (at most
// demoCartMaxBody bytes of JSON).
func (s *Site) readDemoCartRequest(c *gin.Context) (*demoCartRequest, error) {
	shop, err := s.shops.Shop(c.Request.Context(), s.shop)
	if err != nil {
		return nil, err
	}
	req := &demoCartRequest{shop: shop, token: cartToken(c)}
	if c.Request.Method != http.MethodPost {
		return req, nil
	}
	body, err := server.ReadJSONBody(c.GetHeader("Content-Type"), true, c.Request.Body, demoCartMaxBody, "the demo cart's body")
	if err != nil {
		return nil, err
	}
	req.body = body
	return req, nil
}

// decode reads the body as JSON into v; an empty body is {}.
func (r *demoCartRequest) decode(v any) error {
	if len(bytes.TrimSpace(r.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return server.BadParam("invalid_json", "the body is not valid JSON for this endpoint: %v", err)
	}
	return nil
}

// writeDemoCart answers with v and (re)sets the cart cookie.
func writeDemoCart(c *gin.Context, token string, v any) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: demoCartCookie, Value: token, Path: "/", MaxAge: int(demoCartTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil,
	})
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, v)
}

// jsonID is a variant id or line key, sent as a JSON number or string.
type jsonID string

func (j *jsonID) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*j = jsonID(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("an id must be a number or a string")
	}
	*j = jsonID(s)
	return nil
}

// jsonQuantity is a quantity sent as a JSON number or numeric string;
// unset is -1.
type jsonQuantity int

func (q *jsonQuantity) UnmarshalJSON(b []byte) error {
	var id jsonID
	if err := id.UnmarshalJSON(b); err != nil {
		return errors.New("a quantity must be a number")
	}
	n, err := strconv.Atoi(string(id))
	if err != nil {
		return fmt.Errorf("quantity %q is not a whole number", echo.Short(string(id)))
	}
	*q = jsonQuantity(n)
	return nil
}

func checkQuantity(q jsonQuantity, least int) (int, error) {
	if q < jsonQuantity(least) || q > demoCartMaxQuantity {
		return 0, server.BadParam("invalid_quantity", "quantity %d must be from %d to %d", q, least, demoCartMaxQuantity)
	}
	return int(q), nil
}

// variantOf resolves a variant id (or GID) or a line key ("VARIANT:HASH")
// to a variant of the catalog.
func variantOf(shop *delivery.Shop, id jsonID) (int64, *delivery.Product, *delivery.Variant, error) {
	s := string(id)
	if v, _, isKey := strings.Cut(s, ":"); isKey && !strings.HasPrefix(s, "gid://") {
		vid, err := promise.ParseID(v)
		if err != nil || lineKey(vid) != s {
			return 0, nil, nil, server.BadParam("line_not_found", "%q is not the key of a line of this cart", echo.Short(s))
		}
		s = v
	}
	vid, err := promise.ParseID(s)
	if err != nil {
		return 0, nil, nil, server.BadParam("invalid_id", "id %q is not a variant id or line key", echo.Short(s))
	}
	p, ok := shop.ProductByVariant(vid)
	if !ok {
		return 0, nil, nil, rejectCart("unknown_variant", "variant %d does not exist", vid)
	}
	return vid, p, findVariant(p, vid), nil
}

// stockLimit is how many of a variant one cart may hold: its inventory when
// it is tracked and not sold on backorder.
func stockLimit(v *delivery.Variant) int {
	if v.InventoryQuantity != nil && v.InventoryPolicy != delivery.PolicyContinue {
		return max(*v.InventoryQuantity, 0)
	}
	return demoCartMaxQuantity
}

// handleDemoCartGet handles "GET /cart.js": the visitor's cart.
func (s *Site) handleDemoCartGet() gin.HandlerFunc {
	return func(c *gin.Context) {
		req, err := s.readDemoCartRequest(c)
		if err != nil {
			writeCartError(c, err)
			return
		}
		writeDemoCart(c, req.token, cartObject(req.shop, req.token, s.demoCarts.get(req.token)))
	}
}

// handleDemoCartAdd handles "POST /cart/add.js" with {"items":[{"id",
// "quantity"}]} or {"id","quantity"} (quantity 1 when left out). Like
// Shopify, it answers the lines it touched, and refuses the whole request
// (422) when one variant is unknown, sold out or short of stock.
func (s *Site) handleDemoCartAdd() gin.HandlerFunc {
	type item struct {
		ID       *jsonID       `json:"id"`
		Quantity *jsonQuantity `json:"quantity"`
	}
	return func(c *gin.Context) {
		req, err := s.readDemoCartRequest(c)
		if err != nil {
			writeCartError(c, err)
			return
		}
		var body struct {
			Items *[]item `json:"items"`
			item
		}
		if err := req.decode(&body); err != nil {
			writeCartError(c, err)
			return
		}
		items := []item{body.item}
		if body.Items != nil {
			items = *body.Items
		}
		switch {
		case len(items) == 0 || body.Items == nil && body.ID == nil:
			writeCartError(c, server.BadParam("missing_items", `give {"id":VARIANT,"quantity":N} or {"items":[{"id":VARIANT,"quantity":N}]}`))
			return
		case len(items) > demoCartMaxLines:
			writeCartError(c, server.BadParam("too_many_lines", "add at most %d items at once", demoCartMaxLines))
			return
		}
		var touched []int64
		cart, err := s.demoCarts.update(req.token, func(cart *demoCart) error {
			for i, it := range items {
				if it.ID == nil {
					return server.BadParam("missing_id", "items[%d] has no id", i)
				}
				qty := 1
				if it.Quantity != nil {
					var err error
					if qty, err = checkQuantity(*it.Quantity, 1); err != nil {
						return err
					}
				}
				vid, p, v, err := variantOf(req.shop, *it.ID)
				if err != nil {
					return err
				}
				have := 0
				if j := cart.lineOf(vid); j >= 0 {
					have = cart.lines[j].quantity
				}
				switch limit := stockLimit(v); {
				case limit == 0:
					return rejectCart("sold_out", "The product '%s' is already sold out.", p.Title)
				case have+qty > limit:
					return rejectCart("insufficient_inventory", "You can only add %d of %s to the cart.", limit, p.Title)
				}
				if err := cart.setQuantity(vid, have+qty); err != nil {
					return err
				}
				touched = append(touched, vid)
			}
			return nil
		})
		if err != nil {
			writeCartError(c, err)
			return
		}
		lines := []cartItemJSON{}
		for _, vid := range touched {
			if j := cart.lineOf(vid); j >= 0 {
				if it, ok := cartItem(req.shop, cart.lines[j]); ok {
					lines = append(lines, it)
				}
			}
		}
		if body.Items == nil && len(lines) == 1 {
			writeDemoCart(c, req.token, lines[0])
			return
		}
		writeDemoCart(c, req.token, gin.H{"items": lines})
	}
}

// handleDemoCartChange handles "POST /cart/change.js" with {"id": variant
// id or line key, "quantity": N} or {"line": 1-based index, "quantity": N}.
// Quantity 0 removes the line; more than the stock is lowered to the stock,
// as Shopify does.
func (s *Site) handleDemoCartChange() gin.HandlerFunc {
	return func(c *gin.Context) {
		req, err := s.readDemoCartRequest(c)
		if err != nil {
			writeCartError(c, err)
			return
		}
		var body struct {
			ID       *jsonID      `json:"id"`
			Line     *int         `json:"line"`
			Quantity jsonQuantity `json:"quantity"`
		}
		body.Quantity = -1
		if err := req.decode(&body); err != nil {
			writeCartError(c, err)
			return
		}
		qty, err := checkQuantity(body.Quantity, 0)
		if err != nil {
			writeCartError(c, err)
			return
		}
		cart, err := s.demoCarts.update(req.token, func(cart *demoCart) error {
			var vid int64
			switch {
			case body.ID != nil:
				id, _, v, err := variantOf(req.shop, *body.ID)
				if err != nil {
					return err
				}
				if cart.lineOf(id) < 0 {
					return server.BadParam("line_not_found", "variant %d is not in the cart", id)
				}
				vid, qty = id, min(qty, stockLimit(v))
			case body.Line != nil:
				if *body.Line < 1 || *body.Line > len(cart.lines) {
					return server.BadParam("line_not_found", "line %d is not in the cart, which has %d lines", *body.Line, len(cart.lines))
				}
				vid = cart.lines[*body.Line-1].variantID
				if p, ok := req.shop.ProductByVariant(vid); ok {
					qty = min(qty, stockLimit(findVariant(p, vid)))
				}
			default:
				return server.BadParam("missing_id", "give id (a variant id or line key) or line")
			}
			return cart.setQuantity(vid, qty)
		})
		if err != nil {
			writeCartError(c, err)
			return
		}
		writeDemoCart(c, req.token, cartObject(req.shop, req.token, cart))
	}
}

// handleDemoCartUpdate handles "POST /cart/update.js" with {"attributes":
// {...}, "updates": {"VARIANT or KEY": N}, "note": "..."}. An attribute set
// to "" or null is removed, as in Shopify.
func (s *Site) handleDemoCartUpdate() gin.HandlerFunc {
	return func(c *gin.Context) {
		req, err := s.readDemoCartRequest(c)
		if err != nil {
			writeCartError(c, err)
			return
		}
		var body struct {
			Attributes map[string]json.RawMessage `json:"attributes"`
			Updates    map[string]jsonQuantity    `json:"updates"`
			Note       *string                    `json:"note"`
		}
		if err := req.decode(&body); err != nil {
			writeCartError(c, err)
			return
		}
		attrs, err := parseCartAttributes(body.Attributes)
		if err != nil {
			writeCartError(c, err)
			return
		}
		if body.Note != nil && len(*body.Note) > demoCartMaxNote {
			writeCartError(c, server.BadParam("invalid_note", "the note is longer than %d bytes", demoCartMaxNote))
			return
		}
		if len(body.Updates) > demoCartMaxLines {
			writeCartError(c, server.BadParam("too_many_lines", "update at most %d lines at once", demoCartMaxLines))
			return
		}
		keys := make([]string, 0, len(body.Updates))
		for k := range body.Updates {
			keys = append(keys, k)
		}
		sort.Strings(keys) // the same request always gives the same line order
		cart, err := s.demoCarts.update(req.token, func(cart *demoCart) error {
			for _, k := range keys {
				qty, err := checkQuantity(body.Updates[k], 0)
				if err != nil {
					return err
				}
				vid, _, v, err := variantOf(req.shop, jsonID(k))
				if err != nil {
					return err
				}
				if err := cart.setQuantity(vid, min(qty, stockLimit(v))); err != nil {
					return err
				}
			}
			for _, k := range attrs.keys {
				if v := attrs.values[k]; v == "" {
					delete(cart.attributes, k)
				} else {
					cart.attributes[k] = v
				}
			}
			if len(cart.attributes) > demoCartMaxAttrs {
				return server.BadParam("too_many_attributes", "a cart has at most %d attributes", demoCartMaxAttrs)
			}
			if body.Note != nil {
				cart.note = *body.Note
			}
			return nil
		})
		if err != nil {
			writeCartError(c, err)
			return
		}
		writeDemoCart(c, req.token, cartObject(req.shop, req.token, cart))
	}
}

type cartAttributes struct {
	keys   []string
	values map[string]string
}

// parseCartAttributes checks attributes: string, number or boolean values
// of at most demoCartMaxAttrValue bytes; null is "" (remove).
func parseCartAttributes(in map[string]json.RawMessage) (cartAttributes, error) {
	out := cartAttributes{values: make(map[string]string, len(in))}
	if len(in) > demoCartMaxAttrs {
		return out, server.BadParam("too_many_attributes", "a cart has at most %d attributes", demoCartMaxAttrs)
	}
	for k, raw := range in {
		if k == "" || len(k) > demoCartMaxAttrKey {
			return out, server.BadParam("invalid_attributes", "an attribute name must have 1 to %d bytes", demoCartMaxAttrKey)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return out, server.BadParam("invalid_attributes", "attribute %q: %v", echo.Short(k), err)
		}
		var s string
		switch v := v.(type) {
		case nil:
		case string:
			s = v
		case float64, bool:
			s = string(bytes.TrimSpace(raw))
		default:
			return out, server.BadParam("invalid_attributes", "attribute %q must be a string", echo.Short(k))
		}
		if len(s) > demoCartMaxAttrValue {
			return out, server.BadParam("invalid_attributes", "attribute %q is longer than %d bytes", echo.Short(k), demoCartMaxAttrValue)
		}
		out.keys = append(out.keys, k)
		out.values[k] = s
	}
	sort.Strings(out.keys)
	return out, nil
}

// handleDemoCartClear handles "POST /cart/clear.js": it removes every line
// and keeps the attributes and note, as Shopify does.
func (s *Site) handleDemoCartClear() gin.HandlerFunc {
	return func(c *gin.Context) {
		req, err := s.readDemoCartRequest(c)
		if err != nil {
			writeCartError(c, err)
			return
		}
		cart, err := s.demoCarts.update(req.token, func(cart *demoCart) error {
			cart.lines = nil
			return nil
		})
		if err != nil {
			writeCartError(c, err)
			return
		}
		writeDemoCart(c, req.token, cartObject(req.shop, req.token, cart))
	}
}
