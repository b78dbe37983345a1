package store

import (
	"context"
	"errors"
	"testing"
)

type feedTokenStore interface {
	FeedToken(ctx context.Context, shop string) (string, error)
	FeedShop(ctx context.Context, token string) (string, error)
	SetFeedToken(ctx context.Context, shop, token string) error
}

// TestFeedTokens: a shop's feed token maps back to the shop; rotating it
// makes the old one unknown at once; shops do not see each other's.
func TestFeedTokens(t *testing.T) {
	forEach(t, func(t *testing.T, h harness) {
		api := h.open(t, Options{})
		s := api.(feedTokenStore)
		if _, err := s.FeedToken(ctx, shopA); !errors.Is(err, ErrNotFound) {
			t.Errorf("FeedToken before any = %v, want ErrNotFound", err)
		}
		if _, err := s.FeedShop(ctx, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("FeedShop(\"\") = %v, want ErrNotFound", err)
		}
		for _, step := range []struct{ shop, token string }{{shopA, "tok-a1"}, {shopB, "tok-b1"}, {shopA, "tok-a2"}} {
			if err := s.SetFeedToken(ctx, step.shop, step.token); err != nil {
				t.Fatalf("SetFeedToken(%s, %s): %v", step.shop, step.token, err)
			}
		}
		for token, want := range map[string]string{"tok-a2": shopA, "tok-b1": shopB} {
			if got, err := s.FeedShop(ctx, token); err != nil || got != want {
				t.Errorf("FeedShop(%s) = %q, %v; want %q", token, got, err, want)
			}
		}
		if _, err := s.FeedShop(ctx, "tok-a1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("FeedShop(rotated token) = %v, want ErrNotFound", err)
		}
		if got, err := s.FeedToken(ctx, shopA); err != nil || got != "tok-a2" {
			t.Errorf("FeedToken(%s) = %q, %v; want tok-a2", shopA, got, err)
		}
		// shop/redact forgets the token with the rest.
		if err := api.DeleteShop(ctx, shopA); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FeedShop(ctx, "tok-a2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("FeedShop after DeleteShop = %v, want ErrNotFound", err)
		}
		if _, err := s.FeedToken(ctx, shopA); !errors.Is(err, ErrNotFound) {
			t.Errorf("FeedToken after DeleteShop = %v, want ErrNotFound", err)
		}
		if got, err := s.FeedShop(ctx, "tok-b1"); err != nil || got != shopB {
			t.Errorf("the other shop's token after DeleteShop = %q, %v", got, err)
		}
		if err := s.SetFeedToken(ctx, "not a shop", "x"); err == nil {
			t.Errorf("SetFeedToken(bad shop) = nil, want an error")
		}
	})
}
