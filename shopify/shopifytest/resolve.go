package shopifytest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/shopify/shopifytest/internal/querycost"
)

// mapObj is an object whose fields are values, or functions of their
// arguments for fields that take some or lead to other objects (resolved
// only when selected, so that cycles such as variant.product.variants
// cost nothing unless asked for).
type mapObj struct {
	name   string
	fields map[string]any
}

type resolver = func(args map[string]any) (any, error)

func (o mapObj) typeName() string { return o.name }

func (o mapObj) field(_ *execution, name string, args map[string]any) (any, error) {
	v, ok := o.fields[name]
	if !ok {
		return nil, fmt.Errorf("shopifytest: %s.%s is not implemented", o.name, name)
	}
	if f, ok := v.(resolver); ok {
		return f(args)
	}
	return v, nil
}

func strings2any(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// need returns ACCESS_DENIED unless the token has one of the scopes (a
// write_ scope implies its read_ scope), as Shopify does.
func (ec *execution) need(field string, scopes ...string) error {
	granted := ec.shop.info.Scopes
	if granted == nil {
		return nil
	}
	for _, want := range scopes {
		for _, g := range granted {
			if g == want || (strings.HasPrefix(want, "read_") && g == "write_"+strings.TrimPrefix(want, "read_")) {
				return nil
			}
		}
	}
	var parts []string
	for _, sc := range scopes {
		parts = append(parts, "`"+sc+"` access scope")
	}
	required := strings.Join(parts, " or ") + "."
	return &fieldError{code: "ACCESS_DENIED",
		msg: fmt.Sprintf("Access denied for %s field. Required access: %s", field, required),
		ext: map[string]any{"documentation": "https://shopify.dev/api/usage/access-scopes", "requiredAccess": required}}
}

// queryRoot is QueryRoot.
type queryRoot struct{}

func (queryRoot) typeName() string { return "QueryRoot" }

func (queryRoot) field(ec *execution, name string, args map[string]any) (any, error) {
	st := ec.shop
	switch name {
	case "product", "productVariant", "node":
		if err := ec.need(name, "read_products"); err != nil {
			return nil, err
		}
		id, _ := args["id"].(string)
		obj := ec.node(id)
		if obj == nil || (name == "product" && obj.typeName() != "Product") || (name == "productVariant" && obj.typeName() != "ProductVariant") {
			return nil, nil
		}
		return obj, nil
	case "productByIdentifier":
		if err := ec.need(name, "read_products"); err != nil {
			return nil, err
		}
		ident, _ := args["identifier"].(map[string]any)
		if h, ok := ident["handle"].(string); ok {
			for _, p := range st.products {
				if p.Handle == h {
					return ec.product(p), nil
				}
			}
			return nil, nil
		}
		if id, ok := ident["id"].(string); ok {
			if obj := ec.node(id); obj != nil && obj.typeName() == "Product" {
				return obj, nil
			}
			return nil, nil
		}
		return nil, errorf("NOT_SUPPORTED", "shopifytest: productByIdentifier supports handle and id only")
	case "nodes":
		if err := ec.need(name, "read_products"); err != nil {
			return nil, err
		}
		ids, _ := args["ids"].([]any)
		if len(ids) > 250 {
			return nil, errorf("BAD_REQUEST", "The nodes field can't query more than 250 ids.")
		}
		out := make([]any, len(ids))
		for i, id := range ids {
			s, _ := id.(string)
			if obj := ec.node(s); obj != nil {
				out[i] = obj
			}
		}
		return out, nil
	case "shop":
		return ec.shopObj(), nil
	case "shopLocales":
		if err := ec.need(name, "read_locales", "read_markets_home"); err != nil {
			return nil, err
		}
		return []any{mapObj{"ShopLocale", map[string]any{
			"locale": st.info.Locale, "name": st.info.Locale, "primary": true, "published": true,
		}}}, nil
	case "productVariants":
		if err := ec.need(name, "read_products"); err != nil {
			return nil, err
		}
		return ec.productVariants(args)
	case "deliveryCustomizations":
		return ec.deliveryCustomizations()
	case "order":
		if err := ec.need(name, "read_orders", "read_marketplace_orders"); err != nil {
			return nil, err
		}
		// An order is one added with AddOrder, or one known only by a
		// metafield set on it (orders/create's leadtime.promise).
		id, _ := args["id"].(string)
		res, num, ok := parseGID(id)
		if o := st.orders[num]; ok && res == "Order" && o != nil {
			return ec.orderObj(o), nil
		}
		if !ok || res != "Order" || st.metafields[id] == nil {
			return nil, nil
		}
		// Such an order was placed just now, with no shipping address:
		// tests that need more add it with AddOrder.
		return mapObj{"Order", map[string]any{
			"id": id, "name": "#" + strconv.FormatInt(num, 10), "createdAt": dateTime(ec.srv.now()),
			"shippingAddress": nil, "metafield": ec.metafield(id), "fulfillments": []any{},
		}}, nil
	case "fulfillment":
		if err := ec.need(name, "read_orders", "read_marketplace_orders"); err != nil {
			return nil, err
		}
		id, _ := args["id"].(string)
		res, num, ok := parseGID(id)
		if !ok || res != "Fulfillment" {
			return nil, nil
		}
		if o, f := st.findFulfillment(num); f != nil {
			return ec.fulfillment(o, *f), nil
		}
		return nil, nil
	case "orders":
		if err := ec.need(name, "read_orders", "read_marketplace_orders"); err != nil {
			return nil, err
		}
		return ec.orders(args)
	case "bulkOperation", "currentBulkOperation":
		return ec.bulkOperationField(name, args)
	case "deliveryPromiseSettings":
		if err := ec.need(name, "read_shipping", "read_shop_promise_program"); err != nil {
			return nil, err
		}
		var pt any
		if st.info.ProcessingTime != "" {
			pt = st.info.ProcessingTime
		}
		return mapObj{"DeliveryPromiseSetting", map[string]any{
			"deliveryDatesEnabled": st.info.DeliveryDatesEnabled, "processingTime": pt,
		}}, nil
	}
	return nil, fmt.Errorf("shopifytest: QueryRoot.%s is not implemented", name)
}

// node resolves a GID to its object, or nil.
func (ec *execution) node(g string) object {
	st := ec.shop
	resource, id, ok := parseGID(g)
	if !ok {
		return nil
	}
	switch resource {
	case "Product":
		if p := st.products[id]; p != nil {
			return ec.product(p)
		}
	case "ProductVariant":
		if p := st.products[st.variants[id]]; p != nil {
			for i := range p.Variants {
				if p.Variants[i].ID == id {
					return ec.variant(p, &p.Variants[i])
				}
			}
		}
	case "InventoryItem":
		for _, p := range st.products {
			for i := range p.Variants {
				if p.Variants[i].InventoryItemID == id {
					return inventoryItem(&p.Variants[i])
				}
			}
		}
	case "Order":
		if o := st.orders[id]; o != nil {
			return ec.orderObj(o)
		}
	case "BulkOperation":
		if op := st.bulkOp(id); op != nil {
			return ec.srv.bulkOperationObj(op)
		}
	case "Collection":
		for h, cid := range st.collections {
			if cid == id {
				return ec.collection(h, cid)
			}
		}
	}
	return nil
}

func (ec *execution) product(p *Product) object {
	owner := gid("Product", p.ID)
	return mapObj{"Product", map[string]any{
		"id":               owner,
		"legacyResourceId": strconv.FormatInt(p.ID, 10),
		"handle":           p.Handle,
		"title":            p.Title,
		"vendor":           p.Vendor,
		"productType":      p.ProductType,
		"tags":             strings2any(p.Tags),
		"metafield":        ec.metafield(owner),
		"collections": resolver(func(args map[string]any) (any, error) {
			items := make([]any, len(p.Collections))
			for i, h := range p.Collections {
				items[i] = ec.collection(h, ec.shop.collections[h])
			}
			return ec.connection("Collection", items, args)
		}),
		"variants": resolver(func(args map[string]any) (any, error) {
			items := make([]any, len(p.Variants))
			for i := range p.Variants {
				items[i] = ec.variant(p, &p.Variants[i])
			}
			return ec.connection("ProductVariant", items, args)
		}),
		"variantsCount": mapObj{"Count", map[string]any{"count": len(p.Variants), "precision": "EXACT"}},
	}}
}

func (ec *execution) variant(p *Product, v *Variant) object {
	owner := gid("ProductVariant", v.ID)
	policy := strings.ToUpper(v.InventoryPolicy)
	if policy != "CONTINUE" {
		policy = "DENY"
	}
	return mapObj{"ProductVariant", map[string]any{
		"id":                owner,
		"legacyResourceId":  strconv.FormatInt(v.ID, 10),
		"title":             v.Title,
		"inventoryQuantity": v.InventoryQuantity, // Shopify counts even untracked items
		"inventoryPolicy":   policy,
		"inventoryItem":     inventoryItem(v),
		"product":           resolver(func(map[string]any) (any, error) { return ec.product(p), nil }),
		"metafield":         ec.metafield(owner),
	}}
}

func inventoryItem(v *Variant) object {
	return mapObj{"InventoryItem", map[string]any{
		"id":               gid("InventoryItem", v.InventoryItemID),
		"legacyResourceId": strconv.FormatInt(v.InventoryItemID, 10),
		"tracked":          v.Tracked,
	}}
}

func (ec *execution) collection(handle string, id int64) object {
	owner := gid("Collection", id)
	return mapObj{"Collection", map[string]any{
		"id":               owner,
		"legacyResourceId": strconv.FormatInt(id, 10),
		"handle":           handle,
		"title":            handle,
		"metafield":        ec.metafield(owner),
	}}
}

func (ec *execution) shopObj() object {
	st := ec.shop
	owner := gid("Shop", st.num)
	var country any
	if st.info.Country != "" {
		country = st.info.Country
	}
	return mapObj{"Shop", map[string]any{
		"id":              owner,
		"name":            st.info.Name,
		"myshopifyDomain": st.domain,
		"ianaTimezone":    st.info.Timezone,
		"shopAddress": mapObj{"ShopAddress", map[string]any{
			"id":            gid("ShopAddress", st.num),
			"country":       nil,
			"countryCodeV2": country,
		}},
		"metafield": ec.metafield(owner),
	}}
}

// metafield resolves metafield(namespace:, key:) of owner.
func (ec *execution) metafield(owner string) resolver {
	return func(args map[string]any) (any, error) {
		ns, _ := args["namespace"].(string)
		key, _ := args["key"].(string)
		if ns == "" {
			return nil, errorf("NOT_SUPPORTED", "shopifytest: metafield needs a namespace (app-reserved namespaces are not supported)")
		}
		m := ec.shop.metafields[owner][ns+"."+key]
		if m == nil {
			return nil, nil
		}
		return metafieldObj(ns, key, m), nil
	}
}

func metafieldObj(ns, key string, m *Metafield) object {
	return mapObj{"Metafield", map[string]any{"id": m.ID, "namespace": ns, "key": key, "type": m.Type, "value": m.Value}}
}

// connection pages items as first:, last: and after: ask (the schema
// subset leaves before: out). Its cursors are "c" and an item's index.
func connection(node string, items []any, args map[string]any) (any, error) {
	return page(node, items, args, 250)
}

// page is connection with at most limit items a page.
func page(node string, items []any, args map[string]any, limit int) (any, error) {
	first, hasFirst := querycost.Int(args["first"])
	last, hasLast := querycost.Int(args["last"])
	switch {
	case !hasFirst && !hasLast:
		return nil, errorf("BAD_REQUEST", "you must provide one of first or last")
	case hasFirst && (first < 0 || first > limit), hasLast && (last < 0 || last > limit):
		return nil, errorf("BAD_REQUEST", "The first and last arguments must be between 0 and 250.")
	}
	if rev, _ := args["reverse"].(bool); rev {
		items = slices.Clone(items)
		slices.Reverse(items)
	}
	start, end := 0, len(items)
	if after, ok := args["after"].(string); ok {
		i, err := strconv.Atoi(strings.TrimPrefix(after, "c"))
		if err != nil || !strings.HasPrefix(after, "c") || i < 0 {
			return nil, errorf("BAD_REQUEST", "Invalid cursor for current pagination sort.")
		}
		start = min(i+1, len(items))
	}
	if hasFirst {
		end = min(end, start+first)
	}
	if hasLast {
		start = max(start, end-last)
	}
	page := items[start:end]
	edges := make([]any, len(page))
	for i, it := range page {
		edges[i] = mapObj{node + "Edge", map[string]any{"cursor": cursor(start + i), "node": it}}
	}
	var startCursor, endCursor any
	if len(page) > 0 {
		startCursor, endCursor = cursor(start), cursor(end-1)
	}
	return mapObj{node + "Connection", map[string]any{
		"nodes": page,
		"edges": edges,
		"pageInfo": mapObj{"PageInfo", map[string]any{
			"hasNextPage": end < len(items), "hasPreviousPage": start > 0,
			"startCursor": startCursor, "endCursor": endCursor,
		}},
	}}, nil
}

func cursor(i int) string { return "c" + strconv.Itoa(i) }

// mutationRoot is Mutation.
type mutationRoot struct{}

func (mutationRoot) typeName() string { return "Mutation" }

func (mutationRoot) field(ec *execution, name string, args map[string]any) (any, error) {
	switch name {
	case "metafieldDefinitionCreate":
		def, _ := args["definition"].(map[string]any)
		ec.srv.mutations = append(ec.srv.mutations, Mutation{Shop: ec.shop.domain, Name: name, Input: def})
		return ec.createDefinition(def)
	case "metafieldsSet":
		ms, _ := args["metafields"].([]any)
		ec.srv.mutations = append(ec.srv.mutations, Mutation{Shop: ec.shop.domain, Name: name, Input: ms})
		return ec.setMetafields(ms)
	case "deliveryCustomizationCreate":
		in, _ := args["deliveryCustomization"].(map[string]any)
		ec.srv.mutations = append(ec.srv.mutations, Mutation{Shop: ec.shop.domain, Name: name, Input: in})
		return ec.createDeliveryCustomization(in)
	case "bulkOperationRunQuery":
		q, _ := args["query"].(string)
		ec.srv.mutations = append(ec.srv.mutations, Mutation{Shop: ec.shop.domain, Name: name, Input: q})
		return ec.runBulkQuery(q)
	case "tagsAdd":
		id, _ := args["id"].(string)
		tags, _ := args["tags"].([]any)
		ec.srv.mutations = append(ec.srv.mutations, Mutation{Shop: ec.shop.domain, Name: name, Input: args})
		return ec.addTags(id, tags)
	}
	return nil, fmt.Errorf("shopifytest: Mutation.%s is not implemented", name)
}

// scopeFor is the write scope that metafields of an owner type need.
func scopeFor(ownerType string) string {
	switch ownerType {
	case "PRODUCT", "PRODUCTVARIANT", "COLLECTION":
		return "write_products"
	case "ORDER":
		return "write_orders"
	case "DELIVERYCUSTOMIZATION":
		return "write_delivery_customizations"
	}
	return ""
}

var (
	keyPattern       = regexp.MustCompile(`^[A-Za-z0-9_-]{2,64}$`)
	namespacePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{3,255}$`)
)

// The metafield types the fake knows, with the validations each allows.
var metafieldTypes = map[string][]string{
	"number_integer":         {"min", "max"},
	"number_decimal":         {"min", "max", "max_precision"},
	"single_line_text_field": {"min", "max", "regex", "choices"},
	"multi_line_text_field":  {"min", "max", "regex"},
	"date":                   {"min", "max"},
	"date_time":              {"min", "max"},
	"json":                   {"schema"},
	"boolean":                {},
}

// maxPinned is how many definitions of one owner type may be pinned.
const maxPinned = 20

func (ec *execution) createDefinition(in map[string]any) (any, error) {
	st := ec.shop
	str := func(k string) string { s, _ := in[k].(string); return s }
	ownerType, ns, key, typ := str("ownerType"), str("namespace"), str("key"), str("type")
	if sc := scopeFor(ownerType); sc != "" {
		if err := ec.need("metafieldDefinitionCreate", sc); err != nil {
			return nil, err
		}
	}
	if ns == "" {
		ns = "$app"
	}
	var uerrs []any
	reject := func(field, code, msg string) {
		uerrs = append(uerrs, mapObj{"MetafieldDefinitionCreateUserError", map[string]any{
			"code": code, "field": strings2any([]string{"definition", field}), "message": msg,
			"elementIndex": nil, "elementKey": nil,
		}})
	}
	switch {
	case !keyPattern.MatchString(key):
		reject("key", "INVALID", "Key must be 2-64 characters long and only contain alphanumeric, hyphen, and underscore characters.")
	case ns != "$app" && !namespacePattern.MatchString(ns):
		reject("namespace", "INVALID", "Namespace must be 3-255 characters long and only contain alphanumeric, hyphen, and underscore characters.")
	case strings.TrimSpace(str("name")) == "":
		reject("name", "BLANK", "Name can't be blank.")
	case metafieldTypes[typ] == nil:
		reject("type", "INCLUSION", fmt.Sprintf("Type name %q is not a valid type.", typ))
	case st.definition(ownerType, ns, key) != nil:
		reject("key", "TAKEN", fmt.Sprintf("Key is in use for %s metafields on the '%s' namespace.", strings.ToLower(ownerType), ns))
	}
	validations := map[string]string{}
	if len(uerrs) == 0 {
		vs, _ := in["validations"].([]any)
		for _, v := range vs {
			m, _ := v.(map[string]any)
			name, _ := m["name"].(string)
			value, _ := m["value"].(string)
			if !slices.Contains(metafieldTypes[typ], name) {
				reject("validations", "INVALID_OPTION", fmt.Sprintf("Validations contains an invalid option: '%s'.", name))
				continue
			}
			if name == "choices" {
				var choices []string
				if err := json.Unmarshal([]byte(value), &choices); err != nil || len(choices) == 0 {
					reject("validations", "INVALID_OPTION", "Validations choices must be a JSON array of strings.")
					continue
				}
			}
			validations[name] = value
		}
	}
	pin, _ := in["pin"].(bool)
	if len(uerrs) == 0 && pin {
		pinned := st.info.PinnedDefinitions
		for _, d := range st.definitions {
			if d.OwnerType == ownerType && d.Pinned {
				pinned++
			}
		}
		if pinned >= maxPinned {
			reject("pin", "PINNED_LIMIT_REACHED", "Limit of 20 pinned definitions.")
		}
	}
	if len(uerrs) > 0 {
		return mapObj{"MetafieldDefinitionCreatePayload", map[string]any{"createdDefinition": nil, "userErrors": uerrs}}, nil
	}
	ec.srv.nextID++
	d := &Definition{
		ID: gid("MetafieldDefinition", ec.srv.nextID), OwnerType: ownerType, Namespace: ns, Key: key,
		Name: str("name"), Description: str("description"), Type: typ, Pinned: pin, Validations: validations,
	}
	if access, ok := in["access"].(map[string]any); ok {
		d.Storefront, _ = access["storefront"].(string)
	}
	st.definitions = append(st.definitions, d)
	var pinnedPosition any
	if pin {
		pinnedPosition = len(st.definitions)
	}
	return mapObj{"MetafieldDefinitionCreatePayload", map[string]any{
		"createdDefinition": mapObj{"MetafieldDefinition", map[string]any{
			"id": d.ID, "name": d.Name, "namespace": d.Namespace, "key": d.Key, "description": nilIfEmpty(d.Description),
			"ownerType": d.OwnerType, "pinnedPosition": pinnedPosition,
			"type": mapObj{"MetafieldDefinitionType", map[string]any{"name": d.Type, "category": category(d.Type)}},
		}},
		"userErrors": []any{},
	}}, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func category(typ string) string {
	switch {
	case strings.HasPrefix(typ, "number_"):
		return "NUMBER"
	case strings.HasPrefix(typ, "date"):
		return "DATE_TIME"
	case typ == "json":
		return "JSON"
	case typ == "boolean":
		return "TRUE_FALSE"
	}
	return "TEXT"
}

// maxMetafieldsSet is metafieldsSet's input limit.
const maxMetafieldsSet = 25

func (ec *execution) setMetafields(in []any) (any, error) {
	st := ec.shop
	var uerrs []any
	reject := func(i int, field, code, msg string) {
		uerrs = append(uerrs, mapObj{"MetafieldsSetUserError", map[string]any{
			"code": code, "field": []any{"metafields", strconv.Itoa(i), field}, "message": msg, "elementIndex": i,
		}})
	}
	if len(in) > maxMetafieldsSet {
		uerrs = append(uerrs, mapObj{"MetafieldsSetUserError", map[string]any{
			"code": "LESS_THAN_OR_EQUAL_TO", "field": []any{"metafields"}, "elementIndex": nil,
			"message": fmt.Sprintf("Exceeded the maximum metafields input limit of %d.", maxMetafieldsSet),
		}})
		return mapObj{"MetafieldsSetPayload", map[string]any{"metafields": nil, "userErrors": uerrs}}, nil
	}
	type write struct{ owner, ns, key, typ, value string }
	var writes []write
	for i, raw := range in {
		m, _ := raw.(map[string]any)
		str := func(k string) string { s, _ := m[k].(string); return s }
		owner, ns, key, typ, value := str("ownerId"), str("namespace"), str("key"), str("type"), str("value")
		ot := ownerType(owner)
		if sc := scopeFor(ot); sc != "" {
			if err := ec.need("metafieldsSet", sc); err != nil {
				return nil, err
			}
		}
		if !ec.ownerExists(owner) {
			reject(i, "ownerId", "INVALID", "Owner does not exist.")
			continue
		}
		if ns == "" {
			ns = "$app"
		}
		if !keyPattern.MatchString(key) {
			reject(i, "key", "INVALID", "Key must be 2-64 characters long and only contain alphanumeric, hyphen, and underscore characters.")
			continue
		}
		def := st.definition(ot, ns, key)
		switch {
		case def != nil && typ != "" && typ != def.Type:
			reject(i, "type", "INVALID_TYPE", fmt.Sprintf("Type '%s' must be consistent with the definition's type: '%s'.", typ, def.Type))
			continue
		case def != nil:
			typ = def.Type
		case typ == "":
			if old := st.metafields[owner][ns+"."+key]; old != nil {
				typ = old.Type
			} else {
				reject(i, "type", "BLANK", "Type can't be blank.")
				continue
			}
		}
		if metafieldTypes[typ] == nil {
			reject(i, "type", "INVALID_TYPE", fmt.Sprintf("Type name %q is not a valid type.", typ))
			continue
		}
		if msg := invalidValue(typ, value, def); msg != "" {
			reject(i, "value", "INVALID_VALUE", msg)
			continue
		}
		writes = append(writes, write{owner, ns, key, typ, value})
	}
	if len(uerrs) > 0 { // atomic: all or nothing
		return mapObj{"MetafieldsSetPayload", map[string]any{"metafields": nil, "userErrors": uerrs}}, nil
	}
	out := make([]any, len(writes))
	for i, w := range writes {
		out[i] = metafieldObj(w.ns, w.key, ec.srv.setMetafieldLocked(st, w.owner, w.ns, w.key, w.typ, w.value))
	}
	return mapObj{"MetafieldsSetPayload", map[string]any{"metafields": out, "userErrors": []any{}}}, nil
}

// ownerExists reports whether a metafield owner exists. Orders are not
// modelled: any order id is taken to exist.
func (ec *execution) ownerExists(owner string) bool {
	st := ec.shop
	resource, id, ok := parseGID(owner)
	if !ok {
		return false
	}
	switch resource {
	case "Shop":
		return id == st.num
	case "Order":
		return true
	case "Product", "ProductVariant", "Collection":
		return ec.node(owner) != nil
	case "DeliveryCustomization":
		for _, d := range st.deliveryCustomizations {
			if d.id == id {
				return true
			}
		}
	}
	return false
}

// invalidValue checks a value against its type and its definition's
// validations, as Shopify does; "" means valid.
func invalidValue(typ, value string, def *Definition) string {
	switch typ {
	case "number_integer":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return "Value must be an integer."
		}
		if def != nil {
			if lo, err := strconv.ParseInt(def.Validations["min"], 10, 64); err == nil && n < lo {
				return fmt.Sprintf("Value must be greater than or equal to %d.", lo)
			}
			if hi, err := strconv.ParseInt(def.Validations["max"], 10, 64); err == nil && n > hi {
				return fmt.Sprintf("Value must be less than or equal to %d.", hi)
			}
		}
	case "number_decimal":
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return "Value must be a decimal."
		}
	case "date":
		if _, err := delivery.ParseDate(value); err != nil {
			return "Value must be in YYYY-MM-DD format."
		}
	case "date_time":
		if _, err := time.Parse("2006-01-02T15:04:05", strings.TrimSuffix(value, "Z")); err != nil {
			if _, err := time.Parse(time.RFC3339, value); err != nil {
				return "Value must be in ISO 8601 format."
			}
		}
	case "json":
		if !json.Valid([]byte(value)) {
			return "Value is invalid JSON."
		}
	case "boolean":
		if value != "true" && value != "false" {
			return "Value must be true or false."
		}
	case "single_line_text_field":
		if strings.ContainsAny(value, "\r\n") {
			return "Value must be a single line."
		}
		if def != nil && def.Validations["choices"] != "" {
			var choices []string
			_ = json.Unmarshal([]byte(def.Validations["choices"]), &choices)
			if !slices.Contains(choices, value) {
				return "Value does not exist in provided choices: " + strings.Join(choices, ", ") + "."
			}
		}
	}
	return ""
}
