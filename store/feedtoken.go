package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
	"go.etcd.io/bbolt"
)

// Feed tokens: the secret in a shop's Merchant Center feed URL
// (/feeds/google/{token}/{country}.tsv). Each shop has at most one; setting
// a new one (rotation) makes the old one unknown at once. They are kept in
// plain text, unlike Admin API tokens: the feed they open holds only
// handling times, and the settings page shows the URL.

var (
	bucketFeedTokens = []byte("feed_tokens")   // token → shop
	bucketFeedOf     = []byte("feed_token_of") // shop → token
)

// FeedToken returns the shop's feed token, or ErrNotFound.
func (b *Bolt) FeedToken(ctx context.Context, shop string) (string, error) {
	var token string
	err := b.view(ctx, fmt.Sprintf("FeedToken(%q)", shop), func(tx *bbolt.Tx) error {
		if bk := tx.Bucket(bucketFeedOf); bk != nil {
			token = string(bk.Get([]byte(shop)))
		}
		if token == "" {
			return ErrNotFound
		}
		return nil
	})
	return token, err
}

// FeedShop returns the shop whose feed token is token, or ErrNotFound.
func (b *Bolt) FeedShop(ctx context.Context, token string) (string, error) {
	var shop string
	err := b.view(ctx, "FeedShop", func(tx *bbolt.Tx) error {
		if bk := tx.Bucket(bucketFeedTokens); bk != nil && token != "" {
			shop = string(bk.Get([]byte(token)))
		}
		if shop == "" {
			return ErrNotFound
		}
		return nil
	})
	return shop, err
}

// SetFeedToken makes token the shop's feed token, retiring the previous
// one, in one transaction.
func (b *Bolt) SetFeedToken(ctx context.Context, shop, token string) error {
	return b.update(ctx, fmt.Sprintf("SetFeedToken(%q)", shop), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		if token == "" {
			return errors.New("empty feed token")
		}
		byToken, err := tx.CreateBucketIfNotExists(bucketFeedTokens)
		if err != nil {
			return err
		}
		byShop, err := tx.CreateBucketIfNotExists(bucketFeedOf)
		if err != nil {
			return err
		}
		if old := byShop.Get([]byte(shop)); old != nil {
			if err := byToken.Delete(old); err != nil {
				return err
			}
		}
		if err := byToken.Put([]byte(token), []byte(shop)); err != nil {
			return err
		}
		return byShop.Put([]byte(shop), []byte(token))
	})
}

// feedTokenKey is the shop's current token (in the shop's slot);
// feedShopKey maps a token back to its shop (a slot of its own).
func feedTokenKey(shop string) string { return "leadtime:{" + shop + "}:feed_token" }
func feedShopKey(token string) string { return "leadtime:feed:" + token }

// FeedToken returns the shop's feed token, or ErrNotFound.
func (r *Redis) FeedToken(ctx context.Context, shop string) (string, error) {
	token, err := r.rdb.Get(ctx, feedTokenKey(shop)).Result()
	if errors.Is(err, redis.Nil) {
		err = ErrNotFound
	}
	return token, r.wrap(fmt.Sprintf("FeedToken(%q)", shop), err)
}

// FeedShop returns the shop whose feed token is token, or ErrNotFound.
func (r *Redis) FeedShop(ctx context.Context, token string) (string, error) {
	if token == "" {
		return "", r.wrap("FeedShop", ErrNotFound)
	}
	shop, err := r.rdb.Get(ctx, feedShopKey(token)).Result()
	if errors.Is(err, redis.Nil) {
		err = ErrNotFound
	}
	return shop, r.wrap("FeedShop", err)
}

// SetFeedToken makes token the shop's feed token. The two keys are in
// different slots, so it writes the new mapping first, then points the shop
// at it, then drops the old mapping: a failure half-way leaves at worst an
// unused token that maps to the right shop, never a shop without one.
func (r *Redis) SetFeedToken(ctx context.Context, shop, token string) error {
	op := fmt.Sprintf("SetFeedToken(%q)", shop)
	if err := checkShop(shop); err != nil {
		return r.wrap(op, err)
	}
	if token == "" {
		return r.wrap(op, errors.New("empty feed token"))
	}
	if err := r.rdb.Set(ctx, feedShopKey(token), shop, 0).Err(); err != nil {
		return r.wrap(op, err)
	}
	old, err := r.rdb.GetSet(ctx, feedTokenKey(shop), token).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return r.wrap(op, err)
	}
	if old != "" && old != token {
		if err := r.rdb.Del(ctx, feedShopKey(old)).Err(); err != nil {
			return r.wrap(op, err)
		}
	}
	return nil
}

// deleteFeedToken forgets the shop's feed token (DeleteShop: shop/redact).
func deleteFeedToken(tx *bbolt.Tx, shop []byte) error {
	byShop, byToken := tx.Bucket(bucketFeedOf), tx.Bucket(bucketFeedTokens)
	if byShop == nil || byToken == nil {
		return nil
	}
	if token := byShop.Get(shop); token != nil {
		if err := byToken.Delete(token); err != nil {
			return err
		}
	}
	return byShop.Delete(shop)
}

// deleteFeedToken forgets the shop's feed token (DeleteShop: shop/redact).
func (r *Redis) deleteFeedToken(ctx context.Context, shop string) error {
	token, err := r.rdb.GetDel(ctx, feedTokenKey(shop)).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return err
	}
	return r.rdb.Del(ctx, feedShopKey(token)).Err()
}
