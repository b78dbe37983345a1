package shopify

import "context"

// mutationTagsAdd adds tags to an order (or any taggable resource). Adding
// a tag the resource has is no change, so a retry is safe.
const mutationTagsAdd = `mutation LeadtimeTagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    node { id }
    userErrors { field message }
  }
}`

// AddOrderTags adds tags to order orderID (write_orders). An order Shopify
// does not know, or a tag it refuses, is an error matching ErrRejected.
func (c *Client) AddOrderTags(ctx context.Context, orderID int64, tags []string) error {
	var data struct {
		Add struct {
			UserErrors []UserError `json:"userErrors"`
		} `json:"tagsAdd"`
	}
	if err := c.graphQL(ctx, "LeadtimeTagsAdd", mutationTagsAdd, map[string]any{"id": GID("Order", orderID), "tags": tags}, &data); err != nil {
		return err
	}
	if len(data.Add.UserErrors) > 0 {
		return &UserErrors{Op: "LeadtimeTagsAdd", Errors: data.Add.UserErrors}
	}
	return nil
}
