package shopify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ShopInfo is what install imports from the shop as the defaults of its
// settings (DESIGN §5).
type ShopInfo struct {
	ID       string // the shop's GID, the owner of shop metafields
	Name     string
	Domain   string // myshopify.com domain
	Timezone string // IANA, e.g. "Europe/Stockholm"
	Country  string // ISO 3166-1 alpha-2 of the shop's address; "" if unset
	// Locale is the primary published locale ("sv", "en-GB"); "" when the
	// app may not read it (scope read_locales).
	Locale string
	// ProcessingTime is deliveryPromiseSettings.processingTime, an ISO 8601
	// duration of business days such as "P2D"; "" when unset or when the
	// app may not read it (scope read_shipping).
	ProcessingTime string
	// ProcessingDays is ProcessingTime in whole days, nil if it is unset or
	// not a duration of days (or hours, rounded up to days).
	ProcessingDays *int
	// DeliveryDatesEnabled tells whether Shopify's own delivery dates are on.
	DeliveryDatesEnabled bool
}

type shopNode struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	MyshopifyDomain string `json:"myshopifyDomain"`
	IanaTimezone    string `json:"ianaTimezone"`
	ShopAddress     struct {
		CountryCodeV2 *string `json:"countryCodeV2"`
	} `json:"shopAddress"`
}

// ShopInfo reads the shop's name, domain, time zone, country, primary
// locale and processing time. Without the scopes for the last two it reads
// the others (a second call) and leaves those empty.
func (c *Client) ShopInfo(ctx context.Context) (ShopInfo, error) {
	var data struct {
		Shop        shopNode `json:"shop"`
		ShopLocales []struct {
			Locale  string `json:"locale"`
			Primary bool   `json:"primary"`
		} `json:"shopLocales"`
		DeliveryPromiseSettings *struct {
			DeliveryDatesEnabled bool    `json:"deliveryDatesEnabled"`
			ProcessingTime       *string `json:"processingTime"`
		} `json:"deliveryPromiseSettings"`
	}
	err := c.graphQL(ctx, "LeadtimeShopInfo", queryShopInfo, nil, &data)
	if gqlErr, ok := errors.AsType[*GraphQLError](err); ok && gqlErr.HasCode("ACCESS_DENIED") {
		c.log.Warn("shopify: cannot read the shop's locales or delivery promise settings (scopes read_locales, read_shipping); importing the rest",
			"shop", c.shop, "err", err)
		err = c.graphQL(ctx, "LeadtimeShopBasics", queryShopBasics, nil, &data)
	}
	if err != nil {
		return ShopInfo{}, err
	}
	s := data.Shop
	info := ShopInfo{ID: s.ID, Name: s.Name, Domain: s.MyshopifyDomain, Timezone: s.IanaTimezone}
	if s.ShopAddress.CountryCodeV2 != nil {
		info.Country = *s.ShopAddress.CountryCodeV2
	}
	for _, l := range data.ShopLocales {
		if l.Primary {
			info.Locale = l.Locale
		}
	}
	if d := data.DeliveryPromiseSettings; d != nil {
		info.DeliveryDatesEnabled = d.DeliveryDatesEnabled
		if d.ProcessingTime != nil {
			info.ProcessingTime = *d.ProcessingTime
			if n, ok := durationDays(info.ProcessingTime); ok {
				info.ProcessingDays = &n
			} else {
				c.log.Debug("shopify: ignoring processing time", "shop", c.shop, "value", info.ProcessingTime)
			}
		}
	}
	c.setShopGID(s.ID)
	return info, nil
}

// durationDays reads an ISO 8601 duration of days ("P3D") or hours
// ("PT48H", rounded up to whole days), the forms processingTime takes.
func durationDays(s string) (int, bool) {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return 0, false
	}
	days, hours := 0, 0
	if d, r, ok := strings.Cut(rest, "D"); ok && !strings.HasPrefix(rest, "T") {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, false
		}
		days, rest = n, r
	}
	if rest != "" {
		h, ok := strings.CutPrefix(rest, "T")
		h, ok2 := strings.CutSuffix(h, "H")
		n, err := strconv.Atoi(h)
		if !ok || !ok2 || err != nil || n < 0 {
			return 0, false
		}
		hours = n
	}
	total := days + (hours+23)/24
	return total, total <= 365
}

// The metafield definitions of DESIGN §5: products and variants carry
// processing_min_days, processing_max_days, readiness and ships_on; orders
// carry promise. All are readable by the storefront (Liquid, the theme
// blocks) and pinned on products and variants, so that merchants edit
// processing time on the product page in Shopify admin.
func metafieldDefinitions() map[string]map[string]any {
	defs := map[string]map[string]any{}
	for _, owner := range []struct{ alias, ownerType, noun string }{{"product", "PRODUCT", "product"}, {"variant", "PRODUCTVARIANT", "variant"}} {
		defs[owner.alias+"Min"] = definition(owner.ownerType, "processing_min_days", "Processing time: min days", "number_integer",
			"Fewest processing days before this "+owner.noun+" ships (Leadtime).", validation("min", "0"), validation("max", "365"))
		defs[owner.alias+"Max"] = definition(owner.ownerType, "processing_max_days", "Processing time: max days", "number_integer",
			"Most processing days before this "+owner.noun+" ships (Leadtime).", validation("min", "0"), validation("max", "365"))
		defs[owner.alias+"Readiness"] = definition(owner.ownerType, "readiness", "Readiness", "single_line_text_field",
			"ready_to_ship, or made_to_order after the order (Leadtime).", validation("choices", `["ready_to_ship","made_to_order"]`))
		defs[owner.alias+"ShipsOn"] = definition(owner.ownerType, "ships_on", "Ships on", "date",
			"Pre-order: processing starts on this date (Leadtime).")
	}
	defs["orderPromise"] = definition("ORDER", "promise", "Delivery promise", "json",
		"The delivery promise quoted when the order was placed (Leadtime).")
	defs["orderPromise"]["pin"] = false
	return defs
}

// metafieldDefinitionsVars are the variables of mutationMetafieldDefinitions.
func metafieldDefinitionsVars() map[string]any { return variables(metafieldDefinitions()) }

func variables[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func definition(ownerType, key, name, typ, description string, validations ...map[string]any) map[string]any {
	d := map[string]any{
		"namespace":   "leadtime",
		"key":         key,
		"name":        name,
		"type":        typ,
		"description": description,
		"ownerType":   ownerType,
		"pin":         true,
		"access":      map[string]any{"storefront": "PUBLIC_READ"},
	}
	if len(validations) > 0 {
		d["validations"] = validations
	}
	return d
}

func validation(name, value string) map[string]any {
	return map[string]any{"name": name, "value": value}
}

type definitionCreated struct {
	CreatedDefinition *struct {
		ID string `json:"id"`
	} `json:"createdDefinition"`
	UserErrors []UserError `json:"userErrors"`
}

// EnsureMetafieldDefinitions creates the leadtime metafield definitions
// (DESIGN §5) in one call. A definition that already exists (TAKEN) counts
// as created, so calling it again, on every install, is harmless. One that
// cannot be pinned because the shop's pins are all used is created
// unpinned.
func (c *Client) EnsureMetafieldDefinitions(ctx context.Context) error {
	defs := metafieldDefinitions()
	var data map[string]definitionCreated
	if err := c.graphQL(ctx, "LeadtimeMetafieldDefinitions", mutationMetafieldDefinitions, variables(defs), &data); err != nil {
		return err
	}
	var rejected []UserError
	for _, alias := range sortedKeys(defs) {
		res, ok := data[alias]
		if !ok {
			return fmt.Errorf("%w (LeadtimeMetafieldDefinitions): no answer for %s", ErrQuery, alias)
		}
		switch {
		case len(res.UserErrors) == 0:
			c.log.Info("shopify: created metafield definition", "shop", c.shop, "owner", defs[alias]["ownerType"], "key", defs[alias]["key"])
		case onlyCode(res.UserErrors, "TAKEN"):
			// Already there, from an earlier install.
		case onlyCode(res.UserErrors, "PINNED_LIMIT_REACHED"):
			d := defs[alias]
			d["pin"] = false
			var one struct {
				Res definitionCreated `json:"metafieldDefinitionCreate"`
			}
			if err := c.graphQL(ctx, "LeadtimeMetafieldDefinition", mutationMetafieldDefinition, map[string]any{"definition": d}, &one); err != nil {
				return err
			}
			if len(one.Res.UserErrors) > 0 && !onlyCode(one.Res.UserErrors, "TAKEN") {
				rejected = append(rejected, one.Res.UserErrors...)
			}
		default:
			rejected = append(rejected, res.UserErrors...)
		}
	}
	if len(rejected) > 0 {
		return &UserErrors{Op: "LeadtimeMetafieldDefinitions", Errors: rejected}
	}
	return nil
}

func onlyCode(errs []UserError, code string) bool {
	for _, e := range errs {
		if e.Code != code {
			return false
		}
	}
	return len(errs) > 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// MetafieldInput is one metafield to write.
type MetafieldInput struct {
	// OwnerID is the owner's GID, e.g. GID("Order", id). Empty means the
	// shop itself (for leadtime.settings).
	OwnerID   string
	Namespace string
	Key       string
	Type      string // e.g. "json"; may be empty when a definition exists
	Value     string
}

// maxMetafieldsPerSet is metafieldsSet's limit per call.
const maxMetafieldsPerSet = 25

// SetMetafields writes metafields with metafieldsSet (atomically per 25):
// the order's leadtime.promise, the shop's leadtime.settings. Values
// Shopify refuses are an error matching ErrRejected.
func (c *Client) SetMetafields(ctx context.Context, ms []MetafieldInput) error {
	inputs := make([]map[string]any, 0, len(ms))
	for _, m := range ms {
		owner := m.OwnerID
		if owner == "" {
			gid, err := c.shopGIDOf(ctx)
			if err != nil {
				return err
			}
			owner = gid
		}
		in := map[string]any{"ownerId": owner, "namespace": m.Namespace, "key": m.Key, "value": m.Value}
		if m.Type != "" {
			in["type"] = m.Type
		}
		inputs = append(inputs, in)
	}
	for chunk := range slices.Chunk(inputs, maxMetafieldsPerSet) {
		var data struct {
			Set struct {
				UserErrors []UserError `json:"userErrors"`
			} `json:"metafieldsSet"`
		}
		if err := c.graphQL(ctx, "LeadtimeMetafieldsSet", mutationMetafieldsSet, map[string]any{"metafields": chunk}, &data); err != nil {
			return err
		}
		if len(data.Set.UserErrors) > 0 {
			return &UserErrors{Op: "LeadtimeMetafieldsSet", Errors: data.Set.UserErrors}
		}
	}
	return nil
}

// ShopSettingsMetafield reads the shop metafield leadtime.settings, the
// mirror of the shop's settings document, for a store that lost it. It
// returns nil, nil when there is none.
func (c *Client) ShopSettingsMetafield(ctx context.Context) ([]byte, error) {
	var data struct {
		Shop struct {
			ID       string          `json:"id"`
			Settings *metafieldValue `json:"settings"`
		} `json:"shop"`
	}
	if err := c.graphQL(ctx, "LeadtimeShopSettings", queryShopSettings, nil, &data); err != nil {
		return nil, err
	}
	c.setShopGID(data.Shop.ID)
	if data.Shop.Settings == nil {
		return nil, nil
	}
	return []byte(data.Shop.Settings.Value), nil
}

// shopGIDOf returns the shop's GID, asking Shopify the first time only.
func (c *Client) shopGIDOf(ctx context.Context) (string, error) {
	c.mu.Lock()
	gid := c.shopGID
	c.mu.Unlock()
	if gid != "" {
		return gid, nil
	}
	var data struct {
		Shop shopNode `json:"shop"`
	}
	if err := c.graphQL(ctx, "LeadtimeShopBasics", queryShopBasics, nil, &data); err != nil {
		return "", err
	}
	if data.Shop.ID == "" {
		return "", fmt.Errorf("%w (LeadtimeShopBasics): no shop id", ErrQuery)
	}
	c.setShopGID(data.Shop.ID)
	return data.Shop.ID, nil
}

func (c *Client) setShopGID(gid string) {
	if gid == "" {
		return
	}
	c.mu.Lock()
	c.shopGID = gid
	c.mu.Unlock()
}
