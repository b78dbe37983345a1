package shopifytest

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/leadtime-app/leadtime/shopify/shopifytest/internal/querycost"
)

// productVariants is QueryRoot.productVariants with Shopify's default sort
// (ID), cursor pagination (first/after) and the one search filter the app
// sends, product_status. Cursors are opaque, as Shopify's are: base64 of
// {"last_id":…,"last_value":"…"}.
func (ec *execution) productVariants(args map[string]any) (any, error) {
	first, ok := querycost.Int(args["first"])
	if !ok {
		return nil, errorf("BAD_REQUEST", "you must provide one of first or last")
	}
	if first < 0 || first > 250 {
		return nil, errorf("BAD_REQUEST", "The first and last arguments must be between 0 and 250.")
	}
	statuses, err := productStatusFilter(args["query"])
	if err != nil {
		return nil, err
	}
	afterID := int64(0)
	if c, ok := args["after"].(string); ok && c != "" {
		if afterID, ok = parseCursor(c); !ok {
			return nil, errorf("BAD_REQUEST", "Invalid cursor for current pagination sort.")
		}
	}
	st := ec.shop
	ids := make([]int64, 0, len(st.variants))
	for vid, pid := range st.variants {
		p := st.products[pid]
		if vid > afterID && p != nil && slices.Contains(statuses, productStatus(p)) {
			ids = append(ids, vid)
		}
	}
	slices.Sort(ids)
	more := len(ids) > first
	ids = ids[:min(first, len(ids))]
	nodes := make([]any, len(ids))
	edges := make([]any, len(ids))
	for i, vid := range ids {
		p := st.products[st.variants[vid]]
		for j := range p.Variants {
			if p.Variants[j].ID == vid {
				nodes[i] = ec.variant(p, &p.Variants[j])
			}
		}
		edges[i] = mapObj{"ProductVariantEdge", map[string]any{"cursor": variantCursor(vid), "node": nodes[i]}}
	}
	var startCursor, endCursor any
	if len(ids) > 0 {
		startCursor, endCursor = variantCursor(ids[0]), variantCursor(ids[len(ids)-1])
	}
	return mapObj{"ProductVariantConnection", map[string]any{
		"nodes": nodes,
		"edges": edges,
		"pageInfo": mapObj{"PageInfo", map[string]any{
			"hasNextPage": more, "hasPreviousPage": afterID > 0,
			"startCursor": startCursor, "endCursor": endCursor,
		}},
	}}, nil
}

func productStatus(p *Product) string {
	if p.Status == "" {
		return "ACTIVE"
	}
	return strings.ToUpper(p.Status)
}

// productStatusFilter reads query: "product_status:ACTIVE[,DRAFT…]"; no
// query means every status. Other search syntax is not implemented.
func productStatusFilter(q any) ([]string, error) {
	s, _ := q.(string)
	s = strings.TrimSpace(s)
	if s == "" {
		return []string{"ACTIVE", "DRAFT", "ARCHIVED"}, nil
	}
	list, ok := strings.CutPrefix(s, "product_status:")
	if !ok || strings.ContainsAny(list, " ()") {
		return nil, errorf("NOT_SUPPORTED", "shopifytest: productVariants supports query product_status:… only")
	}
	return strings.Split(strings.ToUpper(list), ","), nil
}

type cursorJSON struct {
	LastID    int64  `json:"last_id"`
	LastValue string `json:"last_value"`
}

func variantCursor(id int64) string {
	b, _ := json.Marshal(cursorJSON{LastID: id, LastValue: strconv.FormatInt(id, 10)})
	return base64.StdEncoding.EncodeToString(b)
}

func parseCursor(c string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	var v cursorJSON
	if err := json.Unmarshal(b, &v); err != nil || v.LastID <= 0 {
		return 0, false
	}
	return v.LastID, true
}
