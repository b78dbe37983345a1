package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/redis/go-redis/v9"
	"go.etcd.io/bbolt"
)

// Fulfilment records (package health) are kept per shop, one value per
// Shopify fulfilment id, as opaque bytes the caller encodes: the store
// neither reads nor validates them, as with settings.
//
// PutFulfillment is idempotent by fulfilment id: writing the same bytes
// again changes nothing (a replayed webhook, a backfill that meets a
// fulfilment a webhook already recorded), and new bytes replace the old
// ones whole (fulfillments/update bringing a delivery date). Writes have
// the settings' durability: fsync'd before Bolt returns, and in Redis
// persisted as far as its AOF is on.

// bucketFulfillments holds, per shop, a bucket of big-endian uint64
// fulfilment id → record bytes.
var bucketFulfillments = []byte("fulfillments")

func fulfillmentsKey(shop string) string { return "leadtime:{" + shop + "}:fulfillments" }

func fulfillmentKey(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

func checkFulfillment(id int64, rec []byte) error {
	if id <= 0 {
		return fmt.Errorf("store: fulfilment id %d is not positive", id)
	}
	if len(rec) == 0 {
		return errors.New("store: empty fulfilment record")
	}
	return nil
}

// PutFulfillment stores the record bytes of fulfilment id, and reports
// whether anything changed.
func (b *Bolt) PutFulfillment(ctx context.Context, shop string, id int64, rec []byte) (changed bool, err error) {
	err = b.update(ctx, fmt.Sprintf("PutFulfillment(%q, %d)", shop, id), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		if err := checkFulfillment(id, rec); err != nil {
			return err
		}
		root, err := tx.CreateBucketIfNotExists(bucketFulfillments)
		if err != nil {
			return err
		}
		fb, err := root.CreateBucketIfNotExists([]byte(shop))
		if err != nil {
			return err
		}
		key := fulfillmentKey(id)
		if bytes.Equal(fb.Get(key), rec) {
			return nil
		}
		changed = true
		return fb.Put(key, bytes.Clone(rec))
	})
	return changed, err
}

// Fulfillments returns every fulfilment record of the shop, by fulfilment
// id, each in fresh memory.
func (b *Bolt) Fulfillments(ctx context.Context, shop string) ([][]byte, error) {
	var out [][]byte
	err := b.view(ctx, fmt.Sprintf("Fulfillments(%q)", shop), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		root := tx.Bucket(bucketFulfillments)
		if root == nil {
			return nil
		}
		fb := root.Bucket([]byte(shop))
		if fb == nil {
			return nil
		}
		out = make([][]byte, 0, fb.Stats().KeyN)
		return fb.ForEach(func(_, v []byte) error {
			out = append(out, bytes.Clone(v))
			return nil
		})
	})
	return out, err
}

// deleteFulfillments drops the shop's records, within DeleteShop's
// transaction.
func deleteFulfillments(tx *bbolt.Tx, shop string) error {
	root := tx.Bucket(bucketFulfillments)
	if root == nil || root.Bucket([]byte(shop)) == nil {
		return nil
	}
	return root.DeleteBucket([]byte(shop))
}

// putFulfillmentScript writes a field only when its value differs, so that
// the reply says whether anything changed: 1 changed, 0 the same.
var putFulfillmentScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

// PutFulfillment stores the record bytes of fulfilment id in the shop's
// hash leadtime:{shop}:fulfillments, and reports whether anything changed.
func (r *Redis) PutFulfillment(ctx context.Context, shop string, id int64, rec []byte) (bool, error) {
	op := fmt.Sprintf("PutFulfillment(%q, %d)", shop, id)
	if err := checkShop(shop); err != nil {
		return false, r.wrap(op, err)
	}
	if err := checkFulfillment(id, rec); err != nil {
		return false, r.wrap(op, err)
	}
	n, err := putFulfillmentScript.Run(ctx, r.rdb, []string{fulfillmentsKey(shop)}, strconv.FormatInt(id, 10), rec).Int()
	return n == 1, r.wrap(op, err)
}

// Fulfillments returns every fulfilment record of the shop, by fulfilment
// id.
func (r *Redis) Fulfillments(ctx context.Context, shop string) ([][]byte, error) {
	op := fmt.Sprintf("Fulfillments(%q)", shop)
	if err := checkShop(shop); err != nil {
		return nil, r.wrap(op, err)
	}
	m, err := r.rdb.HGetAll(ctx, fulfillmentsKey(shop)).Result()
	if err != nil {
		return nil, r.wrap(op, err)
	}
	type entry struct {
		id  int64
		rec string
	}
	entries := make([]entry, 0, len(m))
	for k, v := range m {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, r.wrap(op, fmt.Errorf("%w: fulfilment key %q", ErrCorrupt, k))
		}
		entries = append(entries, entry{id, v})
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.id, b.id) })
	out := make([][]byte, len(entries))
	for i, e := range entries {
		out[i] = []byte(e.rec)
	}
	return out, nil
}

// PutFulfillments stores many fulfilments in one transaction (a backfill,
// the demo's history), each idempotently as PutFulfillment does, and
// returns how many changed.
func (b *Bolt) PutFulfillments(ctx context.Context, shop string, recs map[int64][]byte) (changed int, err error) {
	err = b.update(ctx, fmt.Sprintf("PutFulfillments(%q, %d)", shop, len(recs)), func(tx *bbolt.Tx) error {
		changed = 0
		if err := checkShop(shop); err != nil {
			return err
		}
		root, err := tx.CreateBucketIfNotExists(bucketFulfillments)
		if err != nil {
			return err
		}
		fb, err := root.CreateBucketIfNotExists([]byte(shop))
		if err != nil {
			return err
		}
		for id, rec := range recs {
			if err := checkFulfillment(id, rec); err != nil {
				return err
			}
			key := fulfillmentKey(id)
			if bytes.Equal(fb.Get(key), rec) {
				continue
			}
			changed++
			if err := fb.Put(key, bytes.Clone(rec)); err != nil {
				return err
			}
		}
		return nil
	})
	return changed, err
}

// PutFulfillments stores many fulfilments in one pipeline, each
// idempotently as PutFulfillment does, and returns how many changed.
func (r *Redis) PutFulfillments(ctx context.Context, shop string, recs map[int64][]byte) (int, error) {
	op := fmt.Sprintf("PutFulfillments(%q, %d)", shop, len(recs))
	if err := checkShop(shop); err != nil {
		return 0, r.wrap(op, err)
	}
	for id, rec := range recs {
		if err := checkFulfillment(id, rec); err != nil {
			return 0, r.wrap(op, err)
		}
	}
	key := fulfillmentsKey(shop)
	pipe := r.rdb.Pipeline()
	cmds := make([]*redis.Cmd, 0, len(recs))
	for id, rec := range recs {
		cmds = append(cmds, putFulfillmentScript.Run(ctx, pipe, []string{key}, strconv.FormatInt(id, 10), rec))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, r.wrap(op, err)
	}
	changed := 0
	for _, c := range cmds {
		if n, _ := c.Int(); n == 1 {
			changed++
		}
	}
	return changed, nil
}
