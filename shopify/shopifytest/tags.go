package shopifytest

import (
	"slices"
	"strings"
)

// addTags is Mutation.tagsAdd on an order: each tag string may hold
// several, comma-separated, as Shopify accepts; a tag the order has is
// not added twice. An unknown order is a userError on id, with no node.
func (ec *execution) addTags(id string, tags []any) (any, error) {
	if err := ec.need("tagsAdd", "write_orders"); err != nil {
		return nil, err
	}
	resource, num, ok := parseGID(id)
	o := ec.shop.orders[num]
	if !ok || resource != "Order" || o == nil {
		return mapObj{"TagsAddPayload", map[string]any{"node": nil, "userErrors": []any{
			mapObj{"UserError", map[string]any{"field": []any{"id"}, "message": "Order does not exist"}},
		}}}, nil
	}
	for _, raw := range tags {
		s, _ := raw.(string)
		for _, tag := range strings.Split(s, ",") {
			if tag = strings.TrimSpace(tag); tag != "" && !slices.Contains(o.tags, tag) {
				o.tags = append(o.tags, tag)
			}
		}
	}
	return mapObj{"TagsAddPayload", map[string]any{
		"node":       mapObj{"Order", map[string]any{"id": id}},
		"userErrors": []any{},
	}}, nil
}

// OrderTags returns the tags added to an order of a shop with tagsAdd.
func (s *Server) OrderTags(domain string, orderID int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.shop(domain).orders[orderID]; o != nil {
		return slices.Clone(o.tags)
	}
	return nil
}
