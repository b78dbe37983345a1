package store

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"go.etcd.io/bbolt"
)

// Open orders (promise health's "orders at risk now") are the orders
// placed with a Leadtime promise and not fulfilled yet, kept per shop by
// order id as opaque bytes the caller encodes (package health: order id
// and name, created at and the promised windows; no customer data).
// orders/create adds one, the order's first fulfilment removes it. Writes
// have the settings' durability, as fulfilment records do.

// bucketOpenOrders holds, per shop, a bucket of big-endian uint64 order
// id → record bytes.
var bucketOpenOrders = []byte("open_orders")

func openOrdersKey(shop string) string { return "leadtime:{" + shop + "}:open_orders" }

// PutOpenOrder stores the record bytes of open order id (a replay writes
// the same bytes again).
func (b *Bolt) PutOpenOrder(ctx context.Context, shop string, id int64, rec []byte) error {
	return b.update(ctx, fmt.Sprintf("PutOpenOrder(%q, %d)", shop, id), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		if err := checkFulfillment(id, rec); err != nil {
			return err
		}
		root, err := tx.CreateBucketIfNotExists(bucketOpenOrders)
		if err != nil {
			return err
		}
		ob, err := root.CreateBucketIfNotExists([]byte(shop))
		if err != nil {
			return err
		}
		return ob.Put(fulfillmentKey(id), bytes.Clone(rec))
	})
}

// DeleteOpenOrder forgets open order id; an unknown one is a no-op.
func (b *Bolt) DeleteOpenOrder(ctx context.Context, shop string, id int64) error {
	return b.update(ctx, fmt.Sprintf("DeleteOpenOrder(%q, %d)", shop, id), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		root := tx.Bucket(bucketOpenOrders)
		if root == nil || root.Bucket([]byte(shop)) == nil {
			return nil
		}
		return root.Bucket([]byte(shop)).Delete(fulfillmentKey(id))
	})
}

// OpenOrders returns the shop's open order records, by order id, each in
// fresh memory.
func (b *Bolt) OpenOrders(ctx context.Context, shop string) ([][]byte, error) {
	var out [][]byte
	err := b.view(ctx, fmt.Sprintf("OpenOrders(%q)", shop), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		root := tx.Bucket(bucketOpenOrders)
		if root == nil || root.Bucket([]byte(shop)) == nil {
			return nil
		}
		return root.Bucket([]byte(shop)).ForEach(func(_, v []byte) error {
			out = append(out, bytes.Clone(v))
			return nil
		})
	})
	return out, err
}

// deleteOpenOrders drops the shop's open orders, within DeleteShop's
// transaction.
func deleteOpenOrders(tx *bbolt.Tx, shop string) error {
	root := tx.Bucket(bucketOpenOrders)
	if root == nil || root.Bucket([]byte(shop)) == nil {
		return nil
	}
	return root.DeleteBucket([]byte(shop))
}

// PutOpenOrder stores the record bytes of open order id in the shop's hash
// leadtime:{shop}:open_orders.
func (r *Redis) PutOpenOrder(ctx context.Context, shop string, id int64, rec []byte) error {
	op := fmt.Sprintf("PutOpenOrder(%q, %d)", shop, id)
	if err := checkShop(shop); err != nil {
		return r.wrap(op, err)
	}
	if err := checkFulfillment(id, rec); err != nil {
		return r.wrap(op, err)
	}
	return r.wrap(op, r.rdb.HSet(ctx, openOrdersKey(shop), strconv.FormatInt(id, 10), rec).Err())
}

// DeleteOpenOrder forgets open order id; an unknown one is a no-op.
func (r *Redis) DeleteOpenOrder(ctx context.Context, shop string, id int64) error {
	op := fmt.Sprintf("DeleteOpenOrder(%q, %d)", shop, id)
	if err := checkShop(shop); err != nil {
		return r.wrap(op, err)
	}
	return r.wrap(op, r.rdb.HDel(ctx, openOrdersKey(shop), strconv.FormatInt(id, 10)).Err())
}

// OpenOrders returns the shop's open order records, by order id.
func (r *Redis) OpenOrders(ctx context.Context, shop string) ([][]byte, error) {
	op := fmt.Sprintf("OpenOrders(%q)", shop)
	if err := checkShop(shop); err != nil {
		return nil, r.wrap(op, err)
	}
	m, err := r.rdb.HGetAll(ctx, openOrdersKey(shop)).Result()
	if err != nil {
		return nil, r.wrap(op, err)
	}
	ids := make([]int64, 0, len(m))
	for k := range m {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, r.wrap(op, fmt.Errorf("%w: open order key %q", ErrCorrupt, k))
		}
		ids = append(ids, id)
	}
	slices.SortFunc(ids, cmp.Compare)
	out := make([][]byte, len(ids))
	for i, id := range ids {
		out[i] = []byte(m[strconv.FormatInt(id, 10)])
	}
	return out, nil
}
