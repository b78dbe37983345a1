package shopify

import (
	"context"
	"fmt"
)

// The checkout function (extensions/leadtime-delivery-dates) runs as a
// delivery customization of the shop: install creates it, and every
// settings save and a daily refresh rewrite its config metafield
// (functionconfig.Build, as JSON).

// FunctionHandle is the checkout function's handle, as its
// shopify.extension.toml names it.
const FunctionHandle = "leadtime-delivery-dates"

// The config metafield on the delivery customization, as the function's
// input query reads it (functionconfig.Namespace and Key; this package
// does not import functionconfig, so a test holds the two equal).
const (
	FunctionConfigNamespace = "$app:leadtime"
	FunctionConfigKey       = "function-config"
)

// deliveryCustomizationTitle is the name merchants see in Settings ›
// Shipping and delivery › Delivery customizations.
const deliveryCustomizationTitle = "Leadtime delivery dates"

const queryDeliveryCustomizations = `query LeadtimeDeliveryCustomizations {
  deliveryCustomizations(first: 25) {
    nodes {
      id
      title
      enabled
      shopifyFunction { handle }
      config: metafield(namespace: "$app:leadtime", key: "function-config") { id }
    }
  }
}
`

const mutationDeliveryCustomizationCreate = `mutation LeadtimeDeliveryCustomizationCreate($deliveryCustomization: DeliveryCustomizationInput!) {
  deliveryCustomizationCreate(deliveryCustomization: $deliveryCustomization) {
    deliveryCustomization { id title enabled }
    userErrors { field message code }
  }
}
`

// DeliveryCustomization is the shop's delivery customization running the
// checkout function, for the settings page's status.
type DeliveryCustomization struct {
	ID      string // GID
	Title   string
	Enabled bool
	// HasConfig is true once the config metafield is written; until then
	// the function has no input variables and renames nothing.
	HasConfig bool
}

// FunctionDeliveryCustomization returns the delivery customization that
// runs the checkout function, or nil when there is none (not installed
// yet, or the merchant deleted it).
func (c *Client) FunctionDeliveryCustomization(ctx context.Context) (*DeliveryCustomization, error) {
	var data struct {
		List struct {
			Nodes []struct {
				ID       string `json:"id"`
				Title    string `json:"title"`
				Enabled  bool   `json:"enabled"`
				Function struct {
					Handle string `json:"handle"`
				} `json:"shopifyFunction"`
				Config *struct {
					ID string `json:"id"`
				} `json:"config"`
			} `json:"nodes"`
		} `json:"deliveryCustomizations"`
	}
	if err := c.graphQL(ctx, "LeadtimeDeliveryCustomizations", queryDeliveryCustomizations, nil, &data); err != nil {
		return nil, err
	}
	for _, n := range data.List.Nodes {
		if n.Function.Handle == FunctionHandle {
			return &DeliveryCustomization{ID: n.ID, Title: n.Title, Enabled: n.Enabled, HasConfig: n.Config != nil}, nil
		}
	}
	return nil, nil
}

// CreateFunctionDeliveryCustomization creates the enabled delivery
// customization that runs the checkout function, with its config (JSON)
// written in the same call, so that it never runs without one. Shopify's
// refusals (the function is not deployed, 25 customizations are active
// already) are an error matching ErrRejected.
func (c *Client) CreateFunctionDeliveryCustomization(ctx context.Context, config []byte) (*DeliveryCustomization, error) {
	in := map[string]any{
		"functionHandle": FunctionHandle,
		"title":          deliveryCustomizationTitle,
		"enabled":        true,
		"metafields": []map[string]any{{
			"namespace": FunctionConfigNamespace, "key": FunctionConfigKey, "type": "json", "value": string(config),
		}},
	}
	var data struct {
		Create struct {
			Customization *struct {
				ID      string `json:"id"`
				Title   string `json:"title"`
				Enabled bool   `json:"enabled"`
			} `json:"deliveryCustomization"`
			UserErrors []UserError `json:"userErrors"`
		} `json:"deliveryCustomizationCreate"`
	}
	if err := c.graphQL(ctx, "LeadtimeDeliveryCustomizationCreate", mutationDeliveryCustomizationCreate, map[string]any{"deliveryCustomization": in}, &data); err != nil {
		return nil, err
	}
	if len(data.Create.UserErrors) > 0 {
		return nil, &UserErrors{Op: "LeadtimeDeliveryCustomizationCreate", Errors: data.Create.UserErrors}
	}
	d := data.Create.Customization
	if d == nil {
		return nil, fmt.Errorf("%w (LeadtimeDeliveryCustomizationCreate): no delivery customization in the answer", ErrQuery)
	}
	return &DeliveryCustomization{ID: d.ID, Title: d.Title, Enabled: d.Enabled, HasConfig: true}, nil
}

// SetFunctionConfig rewrites the config metafield of the delivery
// customization id (a GID), on a settings save and daily.
func (c *Client) SetFunctionConfig(ctx context.Context, id string, config []byte) error {
	return c.SetMetafields(ctx, []MetafieldInput{{
		OwnerID: id, Namespace: FunctionConfigNamespace, Key: FunctionConfigKey, Type: "json", Value: string(config),
	}})
}
