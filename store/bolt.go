package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The Bolt file has one bucket per concern, each keyed by shop domain.
var (
	bucketMeta     = []byte("meta")     // "schema" → schemaVersion
	bucketShops    = []byte("shops")    // shop → shopRecord (JSON); present for every known shop
	bucketTokens   = []byte("tokens")   // shop → tokenRecord (JSON); present while installed
	bucketSettings = []byte("settings") // shop → bucket: big-endian uint64 version → encodeVersion
)

const schemaVersion = "1"

// shopRecord is a shop's install state (both stores).
type shopRecord struct {
	InstalledAt   time.Time `json:"installed_at,omitzero"`
	UninstalledAt time.Time `json:"uninstalled_at,omitzero"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// tokenRecord is a shop's Admin API credential; Token is in stored form
// (see sealer.seal).
type tokenRecord struct {
	Token  string `json:"token"`
	Scopes string `json:"scopes"`
}

// Bolt is the embedded store: one bbolt file, written with fsync on every
// commit, so an acknowledged write survives kill -9 and power loss. Every
// method runs in one bbolt transaction, so a write is all or nothing.
//
// Only one process can open the file; a second one fails after
// Options.LockTimeout. A *Bolt is safe for concurrent use.
type Bolt struct {
	db     *bbolt.DB
	opts   Options
	seal   *sealer
	closed atomic.Bool
}

// OpenBolt opens (creating it and its directory if needed) the store file
// at path, normally filepath.Join(DATA_DIR, BoltFileName).
func OpenBolt(path string, opts Options) (*Bolt, error) {
	seal, err := newSealer(opts.EncryptionKey)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: OpenBolt: %w", err)
	}
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = time.Second
	}
	// NoSync stays false: every commit is fsync'd before Update returns.
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store: OpenBolt(%q): the file is locked by another process (waited %s); is another leadtime using the same DATA_DIR?: %w", path, timeout, err)
	}
	if err != nil {
		return nil, fmt.Errorf("store: OpenBolt(%q): %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketShops, bucketTokens, bucketSettings} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get([]byte("schema")); {
		case v == nil:
			return meta.Put([]byte("schema"), []byte(schemaVersion))
		case string(v) != schemaVersion:
			return fmt.Errorf("schema version %q, this build reads %q", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: OpenBolt(%q): %w", path, err)
	}
	return &Bolt{db: db, opts: opts, seal: seal}, nil
}

// Close closes the file; later calls return ErrClosed. It waits for
// running transactions.
func (b *Bolt) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	if err := b.db.Close(); err != nil {
		return fmt.Errorf("store: Bolt.Close: %w", err)
	}
	return nil
}

// Ping reports whether the store can be read, for /readyz.
func (b *Bolt) Ping(ctx context.Context) error {
	return b.view(ctx, "Ping", func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketShops) == nil {
			return fmt.Errorf("%w: bucket %s missing", ErrCorrupt, bucketShops)
		}
		return nil
	})
}

// Get returns everything known about shop, or ErrNotFound. A token that
// cannot be decrypted (wrong LEADTIME_ENCRYPTION_KEY) fails the whole call
// with ErrDecrypt.
func (b *Bolt) Get(ctx context.Context, shop string) (*Shop, error) {
	var s *Shop
	err := b.view(ctx, fmt.Sprintf("Get(%q)", shop), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		rec, err := getShopRecord(tx, shop)
		if err != nil {
			return err
		}
		if rec == nil {
			return ErrNotFound
		}
		s = &Shop{Domain: shop, InstalledAt: rec.InstalledAt, UninstalledAt: rec.UninstalledAt, UpdatedAt: rec.UpdatedAt}
		if v := tx.Bucket(bucketTokens).Get([]byte(shop)); v != nil {
			var tr tokenRecord
			if err := json.Unmarshal(v, &tr); err != nil {
				return fmt.Errorf("%w: token record: %v", ErrCorrupt, err)
			}
			if s.Token, err = b.seal.open(shop, tr.Token); err != nil {
				return err
			}
			s.Scopes = tr.Scopes
		}
		if vb := tx.Bucket(bucketSettings).Bucket([]byte(shop)); vb != nil {
			if _, rec := vb.Cursor().Last(); rec != nil {
				v, err := decodeVersion(rec)
				if err != nil {
					return err
				}
				s.Settings, s.SettingsVersion, s.ETag = v.Settings, v.Version, v.ETag
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// List returns every shop in the store, installed or not, sorted.
func (b *Bolt) List(ctx context.Context) ([]string, error) {
	var shops []string
	err := b.view(ctx, "List", func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketShops).ForEach(func(k, _ []byte) error {
			shops = append(shops, string(k))
			return nil
		})
	})
	return shops, err
}

// SaveSettings makes doc the shop's current settings, as a new version,
// and returns its ETag. With a non-empty ifMatch that is not the current
// ETag it saves nothing and returns ErrConflict. The history keeps the
// newest MaxVersions versions.
func (b *Bolt) SaveSettings(ctx context.Context, shop string, doc []byte, ifMatch string) (string, error) {
	var etag string
	err := b.update(ctx, fmt.Sprintf("SaveSettings(%q)", shop), func(tx *bbolt.Tx) (err error) {
		if err := checkDoc(doc); err != nil {
			return err
		}
		etag, err = b.saveTx(tx, shop, doc, ifMatch)
		return err
	})
	return etag, err
}

// Restore makes an earlier version current again, as a new version (the
// history only grows), and returns the new ETag. ifMatch is checked as in
// SaveSettings; a version no longer in the history is ErrNotFound.
func (b *Bolt) Restore(ctx context.Context, shop string, version int, ifMatch string) (string, error) {
	var etag string
	err := b.update(ctx, fmt.Sprintf("Restore(%q, %d)", shop, version), func(tx *bbolt.Tx) (err error) {
		if err := checkShop(shop); err != nil {
			return err
		}
		vb := tx.Bucket(bucketSettings).Bucket([]byte(shop))
		if vb == nil || version < 1 {
			return ErrNotFound
		}
		rec := vb.Get(versionKey(version))
		if rec == nil {
			return ErrNotFound
		}
		v, err := decodeVersion(rec)
		if err != nil {
			return err
		}
		etag, err = b.saveTx(tx, shop, v.Settings, ifMatch)
		return err
	})
	return etag, err
}

// saveTx appends doc as the next version, inside tx.
func (b *Bolt) saveTx(tx *bbolt.Tx, shop string, doc []byte, ifMatch string) (string, error) {
	if err := checkShop(shop); err != nil {
		return "", err
	}
	vb, err := tx.Bucket(bucketSettings).CreateBucketIfNotExists([]byte(shop))
	if err != nil {
		return "", err
	}
	cur := versionHeader{}
	if _, rec := vb.Cursor().Last(); rec != nil {
		if cur, _, err = splitVersion(rec); err != nil {
			return "", err
		}
	}
	if !ifMatches(ifMatch, cur.ETag) {
		return "", ErrConflict
	}
	now := b.opts.now()
	v := newVersion(cur.Version, doc, now)
	if err := vb.Put(versionKey(v.Version), encodeVersion(v)); err != nil {
		return "", err
	}
	if err := trimVersions(vb); err != nil {
		return "", err
	}
	if err := touchShop(tx, shop, now, nil); err != nil {
		return "", err
	}
	return v.ETag, nil
}

// History returns the shop's kept settings versions, newest first; the
// first is the current one. A shop without settings has an empty history;
// an unknown shop is ErrNotFound.
func (b *Bolt) History(ctx context.Context, shop string) ([]Version, error) {
	var vs []Version
	err := b.view(ctx, fmt.Sprintf("History(%q)", shop), func(tx *bbolt.Tx) error {
		rec, err := getShopRecord(tx, shop)
		if err != nil {
			return err
		}
		if rec == nil {
			return ErrNotFound
		}
		vb := tx.Bucket(bucketSettings).Bucket([]byte(shop))
		if vb == nil {
			return nil
		}
		c := vb.Cursor()
		for k, rec := c.Last(); k != nil; k, rec = c.Prev() {
			v, err := decodeVersion(rec)
			if err != nil {
				return err
			}
			vs = append(vs, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return vs, nil
}

// SetToken stores the shop's offline Admin API token and scopes (OAuth
// install, token exchange, single-shop mode). A shop without a token
// before counts as installed now.
func (b *Bolt) SetToken(ctx context.Context, shop, token, scopes string) error {
	return b.update(ctx, fmt.Sprintf("SetToken(%q)", shop), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		if token == "" {
			return errors.New("store: empty token")
		}
		stored, err := b.seal.seal(shop, token)
		if err != nil {
			return err
		}
		tokens := tx.Bucket(bucketTokens)
		fresh := tokens.Get([]byte(shop)) == nil
		rec, _ := json.Marshal(tokenRecord{Token: stored, Scopes: scopes})
		if err := tokens.Put([]byte(shop), rec); err != nil {
			return err
		}
		now := b.opts.now()
		return touchShop(tx, shop, now, func(r *shopRecord) {
			if fresh {
				r.InstalledAt = now
			}
			r.UninstalledAt = time.Time{}
		})
	})
}

// DeleteToken removes the shop's token (app/uninstalled) and records the
// uninstall; settings stay until DeleteShop (shop/redact). It is a no-op
// for a shop without a token, so a repeated webhook does no harm.
func (b *Bolt) DeleteToken(ctx context.Context, shop string) error {
	return b.update(ctx, fmt.Sprintf("DeleteToken(%q)", shop), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		tokens := tx.Bucket(bucketTokens)
		if tokens.Get([]byte(shop)) == nil {
			return nil
		}
		if err := tokens.Delete([]byte(shop)); err != nil {
			return err
		}
		now := b.opts.now()
		return touchShop(tx, shop, now, func(r *shopRecord) { r.UninstalledAt = now })
	})
}

// DeleteShop removes everything of the shop (shop/redact): settings,
// history, token, install state, fulfilment records and open orders. Deleting an unknown shop is a no-op.
func (b *Bolt) DeleteShop(ctx context.Context, shop string) error {
	return b.update(ctx, fmt.Sprintf("DeleteShop(%q)", shop), func(tx *bbolt.Tx) error {
		if err := checkShop(shop); err != nil {
			return err
		}
		key := []byte(shop)
		if err := deleteFulfillments(tx, shop); err != nil {
			return err
		}
		if err := deleteOpenOrders(tx, shop); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSettings).DeleteBucket(key); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
		if err := tx.Bucket(bucketTokens).Delete(key); err != nil {
			return err
		}
		if err := deleteFeedToken(tx, key); err != nil {
			return err
		}
		return tx.Bucket(bucketShops).Delete(key)
	})
}

// view and update run fn in a read or write transaction, name the failing
// method in the error, and turn a closed database into ErrClosed.
func (b *Bolt) view(ctx context.Context, op string, fn func(*bbolt.Tx) error) error {
	return b.run(ctx, op, b.db.View, fn)
}

func (b *Bolt) update(ctx context.Context, op string, fn func(*bbolt.Tx) error) error {
	return b.run(ctx, op, b.db.Update, fn)
}

func (b *Bolt) run(ctx context.Context, op string, txFn func(func(*bbolt.Tx) error) error, fn func(*bbolt.Tx) error) error {
	err := ctx.Err()
	if err == nil && b.closed.Load() {
		err = ErrClosed
	}
	if err == nil {
		err = txFn(fn)
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		err = ErrClosed
	}
	if err != nil {
		return fmt.Errorf("store: Bolt.%s: %w", op, err)
	}
	return nil
}

// getShopRecord returns the shop's record, or nil if the shop is unknown.
func getShopRecord(tx *bbolt.Tx, shop string) (*shopRecord, error) {
	v := tx.Bucket(bucketShops).Get([]byte(shop))
	if v == nil {
		return nil, nil
	}
	var r shopRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("%w: shop record: %v", ErrCorrupt, err)
	}
	return &r, nil
}

// touchShop creates or updates the shop's record: every write marks the
// shop as known and sets UpdatedAt; edit changes more.
func touchShop(tx *bbolt.Tx, shop string, now time.Time, edit func(*shopRecord)) error {
	r, err := getShopRecord(tx, shop)
	if err != nil {
		return err
	}
	if r == nil {
		r = &shopRecord{}
	}
	r.UpdatedAt = now
	if edit != nil {
		edit(r)
	}
	v, _ := json.Marshal(r)
	return tx.Bucket(bucketShops).Put([]byte(shop), v)
}

// trimVersions drops the oldest versions beyond MaxVersions.
func trimVersions(vb *bbolt.Bucket) error {
	var keys [][]byte
	c := vb.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys[:max(0, len(keys)-MaxVersions)] {
		if err := vb.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// versionKey sorts versions numerically in a bucket.
func versionKey(v int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }
