package shopifyapp

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestTopics(t *testing.T) {
	t.Parallel()
	topics := Topics()
	if !slices.IsSorted(topics) || len(topics) != len(topicHandlers) {
		t.Errorf("Topics() = %v, want the %d handled topics, sorted", topics, len(topicHandlers))
	}
	for _, topic := range topics {
		if !HandlesTopic(topic) {
			t.Errorf("HandlesTopic(%q) = false, want true", topic)
		}
	}
	for _, topic := range []string{"", "orders/paid", "PRODUCTS/UPDATE"} {
		if HandlesTopic(topic) {
			t.Errorf("HandlesTopic(%q) = true, want false", topic)
		}
	}
}

// TestHandleWebhookBadPayload: a body that is not the topic's payload is
// ErrBadPayload, and its message (which the caller is shown) is exactly
// the one the server answered before the move. Nothing else is touched:
// the zero App has no cache, store or engine to reach.
func TestHandleWebhookBadPayload(t *testing.T) {
	t.Parallel()
	const shop = "example.myshopify.com"
	for _, tc := range []struct {
		topic, body, msg string
	}{
		{"products/update", `{}`, "not a product payload"},
		{"products/create", `{"id":-1}`, "not a product payload"},
		{"inventory_levels/update", `{"inventory_item_id":0}`, "not an inventory level payload"},
		{"orders/create", `{"id":1}`, "not an order payload"}, // no created_at
		{"fulfillments/create", `{"id":1,"order_id":2}`, "not a fulfillment payload"},
		{"fulfillments/update", `[]`, "not a fulfillment payload"},
		{"bulk_operations/finish", `{"status":"completed"}`, "not a bulk_operations/finish payload"},
	} {
		err := (&App{}).HandleWebhook(context.Background(), tc.topic, shop, []byte(tc.body))
		if !errors.Is(err, ErrBadPayload) || err.Error() != tc.msg {
			t.Errorf("HandleWebhook(%s, %s) = %v, want ErrBadPayload %q", tc.topic, tc.body, err, tc.msg)
		}
	}
}

func TestHandleWebhookNoStore(t *testing.T) {
	t.Parallel()
	ctx, shop := context.Background(), "example.myshopify.com"
	for _, topic := range []string{"customers/data_request", "customers/redact"} {
		if err := (&App{}).HandleWebhook(ctx, topic, shop, []byte(`{}`)); err != nil {
			t.Errorf("HandleWebhook(%s) = %v, want nil: no customer data is kept", topic, err)
		}
	}
	if err := (&App{}).HandleWebhook(ctx, "orders/paid", shop, []byte(`{}`)); !errors.Is(err, ErrUnknownTopic) {
		t.Errorf("HandleWebhook(orders/paid) = %v, want ErrUnknownTopic", err)
	}
	// A bulk operation that did not complete is logged and dropped.
	if err := (&App{}).HandleWebhook(ctx, "bulk_operations/finish", shop, []byte(`{"admin_graphql_api_id":"gid://shopify/BulkOperation/1","status":"failed","type":"query"}`)); err != nil {
		t.Errorf("HandleWebhook(bulk_operations/finish, failed) = %v, want nil", err)
	}
}
