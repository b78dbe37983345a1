package shopify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leadtime-app/leadtime/delivery"
)

// The product loader: one Admin API call per product, one per cart
// (DESIGN §5, §8), mapped to delivery types.

// maxNodesPerQuery is how many variant ids one QueryVariantProducts may
// carry: Shopify refuses a query whose requested cost exceeds 1000 points
// (MAX_COST_EXCEEDED), and nodes(ids:) takes at most 250 ids. That is 26
// with collections and leanMaxNodesPerQuery, 90, without.
const (
	maxNodesPerQuery     = min(250, maxQueryCost/variantNodeCost)
	leanMaxNodesPerQuery = min(250, maxQueryCost/leanVariantNodeCost)
)

// maxQueryCost is Shopify's limit on the requested cost of one query.
const maxQueryCost = 1000

// productQueries are the documents the product loader sends, with their
// operation names, and how many ids one variants query carries.
type productQueries struct {
	product, productOp   string
	byHandle, byHandleOp string
	variants, variantsOp string
	maxNodes             int
}

var (
	// withCollections load everything a quote may need.
	withCollections = &productQueries{
		product: queryProduct, productOp: "LeadtimeProduct",
		byHandle: queryProductByHandle, byHandleOp: "LeadtimeProductByHandle",
		variants: queryVariantProducts, variantsOp: "LeadtimeVariantProducts",
		maxNodes: maxNodesPerQuery,
	}
	// withoutCollections leave collections out (Options.SkipCollections).
	withoutCollections = &productQueries{
		product: queryProductLean, productOp: "LeadtimeProductLean",
		byHandle: queryProductByHandleLean, byHandleOp: "LeadtimeProductByHandleLean",
		variants: queryVariantProductsLean, variantsOp: "LeadtimeVariantProductsLean",
		maxNodes: leanMaxNodesPerQuery,
	}
)

// Product loads the product with the numeric id (legacyResourceId). An
// unknown product is an error matching delivery.ErrUnknownProduct.
func (c *Client) Product(ctx context.Context, id int64) (*delivery.Product, error) {
	if id <= 0 {
		return nil, fmt.Errorf("product %d: %w", id, delivery.ErrUnknownProduct)
	}
	var data struct {
		Product *productNode `json:"product"`
	}
	if err := c.graphQL(ctx, c.queries.productOp, c.queries.product, map[string]any{"id": GID("Product", id)}, &data); err != nil {
		return nil, err
	}
	if data.Product == nil {
		return nil, fmt.Errorf("product %d: %w", id, delivery.ErrUnknownProduct)
	}
	return c.wholeProduct(ctx, data.Product)
}

// ProductByHandle loads the product with the handle. An unknown product is
// an error matching delivery.ErrUnknownProduct.
func (c *Client) ProductByHandle(ctx context.Context, handle string) (*delivery.Product, error) {
	if handle == "" {
		return nil, fmt.Errorf("product %q: %w", handle, delivery.ErrUnknownProduct)
	}
	var data struct {
		Product *productNode `json:"productByIdentifier"`
	}
	if err := c.graphQL(ctx, c.queries.byHandleOp, c.queries.byHandle, map[string]any{"handle": handle}, &data); err != nil {
		return nil, err
	}
	if data.Product == nil {
		return nil, fmt.Errorf("product %q: %w", handle, delivery.ErrUnknownProduct)
	}
	return c.wholeProduct(ctx, data.Product)
}

// wholeProduct reads the variants of n beyond its first page, up to
// maxVariants in all, each page as large as what is left, and maps it.
func (c *Client) wholeProduct(ctx context.Context, n *productNode) (*delivery.Product, error) {
	variants, page := n.Variants.Nodes, n.Variants.PageInfo
	for page.HasNextPage && page.EndCursor != "" && len(variants) < maxVariants {
		left := maxVariants - len(variants)
		if n.VariantsCount != nil && n.VariantsCount.Count > len(variants) {
			left = min(left, n.VariantsCount.Count-len(variants))
		}
		var data struct {
			Product *struct {
				Variants variantPage `json:"variants"`
			} `json:"product"`
		}
		vars := map[string]any{"id": n.ID, "first": left, "after": page.EndCursor}
		if err := c.graphQL(ctx, "LeadtimeProductVariants", queryProductVariants, vars, &data); err != nil {
			return nil, err
		}
		if data.Product == nil { // deleted between the two queries
			return nil, fmt.Errorf("product %q: %w", n.ID, delivery.ErrUnknownProduct)
		}
		variants = append(variants, data.Product.Variants.Nodes...)
		page = data.Product.Variants.PageInfo
	}
	return c.product(n, variants)
}

// VariantQueries is how many queries ProductsOfVariants sends for n ids.
func (c *Client) VariantQueries(n int) int {
	return (n + c.queries.maxNodes - 1) / c.queries.maxNodes
}

// ProductsOfVariants loads the products of many variants in one nodes(ids:)
// query, whatever the number of lines up to 90 ids with
// Options.SkipCollections and 26 without (Shopify's 1000-point limit on
// one query; more are sent in as few queries as that limit allows). The
// result maps each known variant id to its product; unknown variants are
// left out.
//
// Each product carries only the variants that were asked for (in the
// order asked), not all its variants: asking for every sibling of every
// line would cost 600 points per line. Variants of the same product share
// one *delivery.Product.
func (c *Client) ProductsOfVariants(ctx context.Context, variantIDs []int64) (map[int64]*delivery.Product, error) {
	ids := make([]int64, 0, len(variantIDs))
	for _, id := range variantIDs {
		if id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	out := make(map[int64]*delivery.Product, len(ids))
	byID := map[int64]*delivery.Product{}
	for chunk := range slices.Chunk(ids, c.queries.maxNodes) {
		if err := c.variantProducts(ctx, chunk, byID, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// variantProducts loads one chunk of variant ids into out, sharing
// products through byID. Should Shopify cost the query above its limit
// after all (its cost rules are not ours to run), the chunk is halved
// rather than failed.
func (c *Client) variantProducts(ctx context.Context, ids []int64, byID, out map[int64]*delivery.Product) error {
	gids := make([]string, len(ids))
	for i, id := range ids {
		gids[i] = GID("ProductVariant", id)
	}
	var data struct {
		Nodes []*variantNode `json:"nodes"`
	}
	err := c.graphQL(ctx, c.queries.variantsOp, c.queries.variants, map[string]any{"ids": gids}, &data)
	if gqlErr, ok := errors.AsType[*GraphQLError](err); ok && gqlErr.HasCode("MAX_COST_EXCEEDED") && len(ids) > 1 {
		c.log.Warn("shopify: a cart query costs more than Shopify allows; splitting it", "shop", c.shop, "ids", len(ids))
		half := len(ids) / 2
		if err := c.variantProducts(ctx, ids[:half], byID, out); err != nil {
			return err
		}
		return c.variantProducts(ctx, ids[half:], byID, out)
	}
	if err != nil {
		return err
	}
	for _, n := range data.Nodes {
		if n == nil || n.Typename != "ProductVariant" || n.Product == nil {
			continue // an unknown id, or not a variant
		}
		v, err := c.variant(n)
		if err != nil {
			return err
		}
		pid, ok := ParseGID(n.Product.ID, "Product")
		if !ok {
			return fmt.Errorf("%w (%s): product id %q", ErrQuery, c.queries.variantsOp, n.Product.ID)
		}
		p := byID[pid]
		if p == nil {
			if p, err = c.product(n.Product, nil); err != nil {
				return err
			}
			byID[pid] = p
		}
		p.Variants = append(p.Variants, v)
		out[v.ID] = p
	}
	return nil
}

// The shapes of the answers, as the documents in queries.go select them.
type (
	metafieldValue struct {
		Value string `json:"value"`
	}
	leadtimeMetafields struct {
		ProcessingMinDays *metafieldValue `json:"processingMinDays"`
		ProcessingMaxDays *metafieldValue `json:"processingMaxDays"`
		Readiness         *metafieldValue `json:"readiness"`
		ShipsOn           *metafieldValue `json:"shipsOn"`
	}
	variantNode struct {
		Typename          string `json:"__typename"`
		ID                string `json:"id"`
		Title             string `json:"title"`
		InventoryQuantity *int   `json:"inventoryQuantity"`
		InventoryPolicy   string `json:"inventoryPolicy"`
		InventoryItem     struct {
			ID      string `json:"id"`
			Tracked bool   `json:"tracked"`
		} `json:"inventoryItem"`
		leadtimeMetafields
		Product *productNode `json:"product"`
	}
	productNode struct {
		ID          string   `json:"id"`
		Handle      string   `json:"handle"`
		Title       string   `json:"title"`
		Vendor      string   `json:"vendor"`
		ProductType string   `json:"productType"`
		Tags        []string `json:"tags"`
		Collections struct {
			Nodes []struct {
				Handle string `json:"handle"`
			} `json:"nodes"`
		} `json:"collections"`
		leadtimeMetafields
		VariantsCount *struct {
			Count int `json:"count"`
		} `json:"variantsCount"`
		Variants variantPage `json:"variants"`
	}
	// variantPage is a page of a product's variants.
	variantPage struct {
		PageInfo struct {
			HasNextPage bool   `json:"hasNextPage"`
			EndCursor   string `json:"endCursor"`
		} `json:"pageInfo"`
		Nodes []*variantNode `json:"nodes"`
	}
)

// product maps a product and the given variants to delivery's shape.
func (c *Client) product(n *productNode, variants []*variantNode) (*delivery.Product, error) {
	id, ok := ParseGID(n.ID, "Product")
	if !ok {
		return nil, fmt.Errorf("%w: product id %q", ErrQuery, n.ID)
	}
	p := &delivery.Product{
		ID:          id,
		Handle:      n.Handle,
		Title:       n.Title,
		Vendor:      n.Vendor,
		ProductType: n.ProductType,
		Tags:        n.Tags,
		Metafields:  c.metafields(n.ID, &n.leadtimeMetafields),
		Variants:    make([]delivery.Variant, 0, len(variants)),
	}
	for _, col := range n.Collections.Nodes {
		p.Collections = append(p.Collections, col.Handle)
	}
	for _, vn := range variants {
		if vn == nil {
			continue
		}
		v, err := c.variant(vn)
		if err != nil {
			return nil, err
		}
		p.Variants = append(p.Variants, v)
	}
	return p, nil
}

// variant maps a variant: untracked inventory has no quantity (always in
// stock, DESIGN §3), the policy is lower-cased as delivery names it, and
// the inventory item's id is kept to map stock webhooks to the variant.
func (c *Client) variant(n *variantNode) (delivery.Variant, error) {
	id, ok := ParseGID(n.ID, "ProductVariant")
	if !ok {
		return delivery.Variant{}, fmt.Errorf("%w: variant id %q", ErrQuery, n.ID)
	}
	v := delivery.Variant{ID: id, Title: n.Title, Metafields: c.metafields(n.ID, &n.leadtimeMetafields)}
	v.InventoryItemID, _ = ParseGID(n.InventoryItem.ID, "InventoryItem") // 0 if unreadable
	if n.InventoryItem.Tracked && n.InventoryQuantity != nil {
		q := *n.InventoryQuantity
		v.InventoryQuantity = &q
	}
	switch n.InventoryPolicy {
	case "CONTINUE":
		v.InventoryPolicy = delivery.PolicyContinue
	default: // DENY, Shopify's default
		v.InventoryPolicy = delivery.PolicyDeny
	}
	return v, nil
}

// metafields reads the leadtime metafields of owner. Shopify validates
// values only when a definition exists, and merchants can write anything
// otherwise: a value that is not a whole number of days in 0–MaxDays, a
// known readiness or a YYYY-MM-DD date is ignored (the next level of
// DESIGN §3 then applies) and logged at debug level.
func (c *Client) metafields(owner string, m *leadtimeMetafields) delivery.Metafields {
	var out delivery.Metafields
	out.ProcessingMinDays = c.days(owner, "processing_min_days", m.ProcessingMinDays)
	out.ProcessingMaxDays = c.days(owner, "processing_max_days", m.ProcessingMaxDays)
	if m.Readiness != nil {
		switch r := delivery.Readiness(m.Readiness.Value); r {
		case delivery.ReadyToShip, delivery.MadeToOrder:
			out.Readiness = r
		default:
			c.ignored(owner, "readiness", m.Readiness.Value)
		}
	}
	if m.ShipsOn != nil {
		if d, err := delivery.ParseDate(m.ShipsOn.Value); err == nil {
			out.ShipsOn = &d
		} else {
			c.ignored(owner, "ships_on", m.ShipsOn.Value)
		}
	}
	return out
}

func (c *Client) days(owner, key string, m *metafieldValue) *int {
	if m == nil {
		return nil
	}
	n, err := strconv.Atoi(m.Value)
	if err != nil || n < 0 || n > delivery.MaxDays {
		c.ignored(owner, key, m.Value)
		return nil
	}
	return &n
}

func (c *Client) ignored(owner, key, value string) {
	c.log.Debug("shopify: ignoring invalid metafield", "shop", c.shop, "owner", owner, "key", "leadtime."+key, "value", value)
}

// GID returns the Admin API global id of a resource, such as
// gid://shopify/Order/123 for GID("Order", 123).
func GID(resource string, id int64) string {
	return "gid://shopify/" + resource + "/" + strconv.FormatInt(id, 10)
}

// ParseGID returns the numeric id of a global id of the given resource
// type ("gid://shopify/Product/123" → 123). A GID may carry a query
// (…/123?x=y), which is ignored.
func ParseGID(gid, resource string) (int64, bool) {
	rest, ok := strings.CutPrefix(gid, "gid://shopify/"+resource+"/")
	if !ok {
		return 0, false
	}
	rest, _, _ = strings.Cut(rest, "?")
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
