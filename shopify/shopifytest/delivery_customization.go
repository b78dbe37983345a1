package shopifytest

import (
	"fmt"
	"strings"
)

// AppFunctions are the Shopify Functions the app has deployed (`shopify
// app deploy`), by handle, with their API: what a delivery customization
// may name as its functionHandle.
var appFunctions = map[string]string{
	"leadtime-delivery-dates": "delivery_customization",
}

// maxActiveDeliveryCustomizations is Shopify's limit of enabled delivery
// customizations per shop.
const maxActiveDeliveryCustomizations = 25

// deliveryCustomization is one delivery customization of the app.
type deliveryCustomization struct {
	id       int64
	title    string
	handle   string
	enabled  bool
	function string // the function's id
}

// DeliveryCustomization is a delivery customization, as tests inspect it.
type DeliveryCustomization struct {
	ID             string
	Title          string
	FunctionHandle string
	Enabled        bool
}

// DeliveryCustomizations returns a shop's delivery customizations.
func (s *Server) DeliveryCustomizations(domain string) []DeliveryCustomization {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []DeliveryCustomization
	for _, d := range s.shop(domain).deliveryCustomizations {
		out = append(out, DeliveryCustomization{ID: gid("DeliveryCustomization", d.id), Title: d.title, FunctionHandle: d.handle, Enabled: d.enabled})
	}
	return out
}

// SetDeliveryCustomizationEnabled turns a delivery customization on or off,
// as a merchant does in Shopify's shipping settings.
func (s *Server) SetDeliveryCustomizationEnabled(domain, id string, enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.shop(domain).deliveryCustomizations {
		if gid("DeliveryCustomization", d.id) == id {
			d.enabled = enabled
		}
	}
}

func (ec *execution) deliveryCustomizationObj(d *deliveryCustomization) object {
	owner := gid("DeliveryCustomization", d.id)
	return mapObj{"DeliveryCustomization", map[string]any{
		"id": owner, "title": d.title, "enabled": d.enabled, "functionId": d.function,
		"metafield": ec.metafield(owner),
		"shopifyFunction": mapObj{"ShopifyFunction", map[string]any{
			"id": d.function, "handle": d.handle, "apiType": appFunctions[d.handle],
		}},
	}}
}

// deliveryCustomizations answers QueryRoot.deliveryCustomizations: the
// app's customizations, on one page (a shop has at most a few).
func (ec *execution) deliveryCustomizations() (any, error) {
	if err := ec.need("deliveryCustomizations", "read_delivery_customizations"); err != nil {
		return nil, err
	}
	nodes := []any{}
	for _, d := range ec.shop.deliveryCustomizations {
		nodes = append(nodes, ec.deliveryCustomizationObj(d))
	}
	return mapObj{"DeliveryCustomizationConnection", map[string]any{
		"nodes": nodes,
		"pageInfo": mapObj{"PageInfo", map[string]any{
			"hasNextPage": false, "hasPreviousPage": false, "startCursor": nil, "endCursor": nil,
		}},
	}}, nil
}

// createDeliveryCustomization answers deliveryCustomizationCreate as
// Shopify does: the function must be one of the app's delivery
// customization functions, at most 25 may be enabled, and the metafields
// are written with the customization or not at all.
func (ec *execution) createDeliveryCustomization(in map[string]any) (any, error) {
	if err := ec.need("deliveryCustomizationCreate", "write_delivery_customizations"); err != nil {
		return nil, err
	}
	st := ec.shop
	fail := func(code, field, msg string) (any, error) {
		return mapObj{"DeliveryCustomizationCreatePayload", map[string]any{
			"deliveryCustomization": nil,
			"userErrors": []any{mapObj{"DeliveryCustomizationError", map[string]any{
				"code": code, "field": []any{"deliveryCustomization", field}, "message": msg,
			}}},
		}}, nil
	}
	handle, _ := in["functionHandle"].(string)
	title, _ := in["title"].(string)
	enabled, _ := in["enabled"].(bool)
	switch {
	case handle == "":
		return fail("MISSING_FUNCTION_IDENTIFIER", "functionHandle", "Either function_id or function_handle must be provided.")
	case appFunctions[handle] != "delivery_customization":
		return fail("FUNCTION_NOT_FOUND", "functionHandle", fmt.Sprintf("Function %s not found. Ensure that it is released in the current app (%s), and that the app is installed.", handle, "leadtime"))
	case strings.TrimSpace(title) == "":
		return fail("REQUIRED_INPUT_FIELD", "title", "Title can't be blank")
	}
	if enabled {
		active := st.info.ActiveDeliveryCustomizations
		for _, d := range st.deliveryCustomizations {
			if d.enabled {
				active++
			}
		}
		if active >= maxActiveDeliveryCustomizations {
			return fail("MAXIMUM_ACTIVE_DELIVERY_CUSTOMIZATIONS", "enabled", fmt.Sprintf("Shop already has %d active delivery customizations.", maxActiveDeliveryCustomizations))
		}
	}
	ec.srv.nextID++
	d := &deliveryCustomization{id: ec.srv.nextID, title: title, handle: handle, enabled: enabled, function: fmt.Sprintf("%08x-0000-4000-8000-%012x", ec.srv.nextID, ec.srv.nextID)}
	owner := gid("DeliveryCustomization", d.id)
	st.deliveryCustomizations = append(st.deliveryCustomizations, d)
	ms, _ := in["metafields"].([]any)
	if len(ms) > 0 {
		withOwner := make([]any, len(ms))
		for i, m := range ms {
			mm, _ := m.(map[string]any)
			c := map[string]any{"ownerId": owner}
			for k, v := range mm {
				c[k] = v
			}
			withOwner[i] = c
		}
		res, err := ec.setMetafields(withOwner)
		if err != nil {
			st.deliveryCustomizations = st.deliveryCustomizations[:len(st.deliveryCustomizations)-1]
			return nil, err
		}
		if uerrs := res.(mapObj).fields["userErrors"].([]any); len(uerrs) > 0 {
			st.deliveryCustomizations = st.deliveryCustomizations[:len(st.deliveryCustomizations)-1]
			return fail("INVALID_METAFIELDS", "metafields", "Could not create or update metafields.")
		}
	}
	return mapObj{"DeliveryCustomizationCreatePayload", map[string]any{
		"deliveryCustomization": ec.deliveryCustomizationObj(d), "userErrors": []any{},
	}}, nil
}
