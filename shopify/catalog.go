package shopify

import (
	"context"
	"fmt"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// The catalog: every variant of the shop's active products, for the Merchant
// Center feed. It pages through productVariants, each variant with its
// product, rather than products with their variants: a product's variants
// connection costs 100 × 6 points whatever it holds, so a products page
// would carry one product, where a productVariants page carries 90
// variants (26 with collections) within the 1000-point limit.

// catalogPageSize is how many variants one catalog page asks for: as many
// as fit in maxQueryCost (2 for the connection plus one node each).
const (
	catalogPageSize     = (maxQueryCost - 2) / variantNodeCost     // 26
	leanCatalogPageSize = (maxQueryCost - 2) / leanVariantNodeCost // 90
)

// catalogQueries is the catalog document for the Client's queries.
func (c *Client) catalogQuery() (op, doc string, first int) {
	if c.queries == withoutCollections {
		return "LeadtimeCatalogLean", queryCatalogLean, leanCatalogPageSize
	}
	return "LeadtimeCatalog", queryCatalog, catalogPageSize
}

// CatalogStats is what loading a catalog cost.
type CatalogStats struct {
	Calls     int           // GraphQL requests answered (pages)
	Requested float64       // requested query cost, summed
	Actual    float64       // actual query cost, summed
	Waited    time.Duration // time spent waiting for the bucket to refill
}

type catalogPage struct {
	ProductVariants struct {
		PageInfo struct {
			HasNextPage bool    `json:"hasNextPage"`
			EndCursor   *string `json:"endCursor"`
		} `json:"pageInfo"`
		Nodes []*variantNode `json:"nodes"`
	} `json:"productVariants"`
}

// Catalog loads every variant of the shop's active products, grouped into
// products in the order their first variant came, with cursor pagination.
// It paces itself on the cost bucket: after each page it waits, if need
// be, until the bucket holds the next page's requested cost again, so that
// it is not throttled and leaves the rest of the bucket's refill to the
// storefront's queries only while it waits. It is meant for background
// work (the feed), never a storefront request.
func (c *Client) Catalog(ctx context.Context) ([]delivery.Product, CatalogStats, error) {
	op, doc, first := c.catalogQuery()
	var (
		stats    CatalogStats
		products []delivery.Product
		index    = map[int64]int{}
		after    *string
	)
	for {
		var page catalogPage
		var qc queryCost
		vars := map[string]any{"first": first, "after": after}
		if err := c.graphQLCost(ctx, op, doc, vars, &page, &qc); err != nil {
			return nil, stats, fmt.Errorf("shopify catalog after %d pages: %w", stats.Calls, err)
		}
		stats.Calls++
		stats.Requested += qc.RequestedQueryCost
		if qc.ActualQueryCost != nil {
			stats.Actual += *qc.ActualQueryCost
		}
		for _, vn := range page.ProductVariants.Nodes {
			if err := c.addCatalogVariant(&products, index, vn); err != nil {
				return nil, stats, err
			}
		}
		pi := page.ProductVariants.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return products, stats, nil
		}
		after = pi.EndCursor
		if wait := catalogWait(&qc); wait > 0 {
			stats.Waited += wait
			if err := c.sleep(ctx, wait); err != nil {
				return nil, stats, fmt.Errorf("shopify catalog: %w", err)
			}
		}
	}
}

// catalogWait is how long the bucket needs to hold the same requested cost
// again; 0 when it already does.
func catalogWait(qc *queryCost) time.Duration {
	ts := qc.ThrottleStatus
	if ts.RestoreRate <= 0 || ts.CurrentlyAvailable >= qc.RequestedQueryCost {
		return 0
	}
	return time.Duration((qc.RequestedQueryCost - ts.CurrentlyAvailable) / ts.RestoreRate * float64(time.Second))
}

// addCatalogVariant adds a variant to its product, the product first if new.
func (c *Client) addCatalogVariant(products *[]delivery.Product, index map[int64]int, vn *variantNode) error {
	if vn == nil || vn.Product == nil {
		return nil
	}
	pid, ok := ParseGID(vn.Product.ID, "Product")
	if !ok {
		return fmt.Errorf("%w: product id %q", ErrQuery, vn.Product.ID)
	}
	v, err := c.variant(vn)
	if err != nil {
		return err
	}
	i, seen := index[pid]
	if !seen {
		p, err := c.product(vn.Product, nil)
		if err != nil {
			return err
		}
		i = len(*products)
		index[pid] = i
		*products = append(*products, *p)
	}
	(*products)[i].Variants = append((*products)[i].Variants, v)
	return nil
}

// sleepCtx waits d, or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
