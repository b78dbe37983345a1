package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/internal/redisconn"
	"github.com/redis/go-redis/v9"
)

// Redis is the store used when REDIS_URL is set, shared by every instance.
//
// Each shop's data lives in four keys that carry the shop in a hash tag, so
// that Redis Cluster keeps them in one slot and a Lua script can change
// them atomically (DESIGN §6):
//
//	leadtime:{shop}:settings  hash: version, etag, rec (the current version), req
//	leadtime:{shop}:history   list: the newest MaxVersions versions, newest first
//	leadtime:{shop}:token     hash: token (stored form), scopes
//	leadtime:{shop}:meta      hash: installed_at, uninstalled_at, updated_at
//
// The set leadtime:shops lists the shops for List. It cannot be in the same
// slot, so it is updated outside the scripts: before a write creates a shop
// and after DeleteShop. List checks each member against its meta key, so a
// write that failed after the index update leaves no phantom shop.
//
// Redis keeps what a merchant entered only if it persists: see Persistent.
// A *Redis is safe for concurrent use.
type Redis struct {
	rdb        redis.UniversalClient
	opts       Options
	seal       *sealer
	persistent bool
	known      bool
}

const shopsKey = "leadtime:shops"

type redisKeys struct{ settings, history, token, meta string }

func keysFor(shop string) redisKeys {
	p := "leadtime:{" + shop + "}:"
	return redisKeys{settings: p + "settings", history: p + "history", token: p + "token", meta: p + "meta"}
}

// OpenRedis connects to rawURL (redis:// or rediss://, as REDIS_URL gives
// it; a Redis Cluster when the URL has addr= parameters or
// opts.RedisCluster is set), checks that Redis answers, and finds out whether it persists. The
// URL, which may hold a password, is never put into an error.
func OpenRedis(ctx context.Context, rawURL string, opts Options) (*Redis, error) {
	seal, err := newSealer(opts.EncryptionKey)
	if err != nil {
		return nil, err
	}
	// One dial per attempt (redisconn): go-redis already retries a failed
	// command (max_retries, default 3), and its default of five dials per
	// attempt turned a dead Redis into seconds of waiting per call.
	rdb, err := redisconn.Open(rawURL, redisconn.Options{
		Cluster:     opts.RedisCluster,
		DialTimeout: opts.DialTimeout, ReadTimeout: opts.ReadTimeout, WriteTimeout: opts.WriteTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("store: OpenRedis: %w", err)
	}
	r := &Redis{rdb: rdb, opts: opts, seal: seal}
	if err := r.rdb.Ping(ctx).Err(); err != nil {
		r.rdb.Close()
		return nil, fmt.Errorf("store: OpenRedis: PING: %w", err)
	}
	r.persistent, r.known = detectPersistence(ctx, r.rdb)
	return r, nil
}

// detectPersistence asks whether the append-only file is on: CONFIG GET
// appendonly, or, where managed Redis disables CONFIG, INFO persistence.
// Snapshots alone (save) do not count: they lose the writes since the last
// one (DESIGN §6 asks for AOF).
func detectPersistence(ctx context.Context, rdb redis.UniversalClient) (on, known bool) {
	if m, err := rdb.ConfigGet(ctx, "appendonly").Result(); err == nil {
		if v, ok := m["appendonly"]; ok {
			return v == "yes", true
		}
	}
	if info, err := rdb.Info(ctx, "persistence").Result(); err == nil {
		for line := range strings.Lines(info) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "aof_enabled:"); ok {
				return v == "1", true
			}
		}
	}
	return false, false
}

// Persistent reports whether Redis had AOF on when the store was opened;
// known is false when Redis would not say (CONFIG and INFO both refused).
// main warns at start-up unless both are true.
func (r *Redis) Persistent() (on, known bool) { return r.persistent, r.known }

// Close closes the connections; later calls return ErrClosed.
func (r *Redis) Close() error {
	if err := r.rdb.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("store: Redis.Close: %w", err)
	}
	return nil
}

// Ping reports whether Redis answers, for /readyz.
func (r *Redis) Ping(ctx context.Context) error {
	return r.wrap("Ping", r.rdb.Ping(ctx).Err())
}

// Get returns everything known about shop, or ErrNotFound. It reads all
// keys in one MULTI, so it never sees half of a write. A token that cannot
// be decrypted (wrong LEADTIME_ENCRYPTION_KEY) fails the whole call with
// ErrDecrypt.
func (r *Redis) Get(ctx context.Context, shop string) (*Shop, error) {
	s, err := r.get(ctx, shop)
	return s, r.wrap(fmt.Sprintf("Get(%q)", shop), err)
}

func (r *Redis) get(ctx context.Context, shop string) (*Shop, error) {
	if err := checkShop(shop); err != nil {
		return nil, err
	}
	k := keysFor(shop)
	var cur *redis.SliceCmd
	var tok, meta *redis.MapStringStringCmd
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		cur = p.HMGet(ctx, k.settings, "rec")
		tok = p.HGetAll(ctx, k.token)
		meta = p.HGetAll(ctx, k.meta)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m := meta.Val()
	if len(m) == 0 {
		return nil, ErrNotFound
	}
	s := &Shop{Domain: shop}
	if s.InstalledAt, err = parseTime(m["installed_at"]); err == nil {
		if s.UninstalledAt, err = parseTime(m["uninstalled_at"]); err == nil {
			s.UpdatedAt, err = parseTime(m["updated_at"])
		}
	}
	if err != nil {
		return nil, err
	}
	if t := tok.Val(); t["token"] != "" {
		if s.Token, err = r.seal.open(shop, t["token"]); err != nil {
			return nil, err
		}
		s.Scopes = t["scopes"]
	}
	if rec, ok := cur.Val()[0].(string); ok {
		v, err := decodeVersion([]byte(rec))
		if err != nil {
			return nil, err
		}
		s.Settings, s.SettingsVersion, s.ETag = v.Settings, v.Version, v.ETag
	}
	return s, nil
}

// List returns every shop in the store, installed or not, sorted.
func (r *Redis) List(ctx context.Context) ([]string, error) {
	shops, err := r.list(ctx)
	return shops, r.wrap("List", err)
}

func (r *Redis) list(ctx context.Context) ([]string, error) {
	members, err := r.rdb.SMembers(ctx, shopsKey).Result()
	if err != nil {
		return nil, err
	}
	slices.Sort(members)
	exists := make([]*redis.IntCmd, len(members))
	_, err = r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, shop := range members {
			exists[i] = p.Exists(ctx, keysFor(shop).meta)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var shops []string
	for i, shop := range members {
		if exists[i].Val() == 1 {
			shops = append(shops, shop)
		}
	}
	return shops, nil
}

// saveScript appends a version atomically. The caller read the current
// version (ARGV[1]) and built the next one from it; if another save came
// between, the script answers "retry" and changes nothing. ARGV[8] is an id
// of this call: when go-redis re-sends the script after a lost reply, the
// script sees its own write and answers "ok" instead of saving twice.
var saveScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'version', 'etag', 'req')
local version = tonumber(cur[1]) or 0
local etag = cur[2] or ''
if cur[3] == ARGV[8] then
  return 'ok'
end
local im = ARGV[2]
if (im == '*' and etag == '') or (im ~= '' and im ~= '*' and im ~= etag) then
  return 'conflict'
end
if version ~= tonumber(ARGV[1]) then
  return 'retry'
end
redis.call('HSET', KEYS[1], 'version', ARGV[3], 'etag', ARGV[4], 'rec', ARGV[5], 'req', ARGV[8])
redis.call('LPUSH', KEYS[2], ARGV[5])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[7]) - 1)
redis.call('HSET', KEYS[3], 'updated_at', ARGV[6])
return 'ok'
`)

// SaveSettings makes doc the shop's current settings, as a new version,
// and returns its ETag. With a non-empty ifMatch that is not the current
// ETag it saves nothing and returns ErrConflict. The history keeps the
// newest MaxVersions versions.
func (r *Redis) SaveSettings(ctx context.Context, shop string, doc []byte, ifMatch string) (string, error) {
	etag, err := r.save(ctx, shop, doc, ifMatch)
	return etag, r.wrap(fmt.Sprintf("SaveSettings(%q)", shop), err)
}

// Restore makes an earlier version current again, as a new version (the
// history only grows), and returns the new ETag. ifMatch is checked as in
// SaveSettings; a version no longer in the history is ErrNotFound.
func (r *Redis) Restore(ctx context.Context, shop string, version int, ifMatch string) (string, error) {
	etag, err := r.restore(ctx, shop, version, ifMatch)
	return etag, r.wrap(fmt.Sprintf("Restore(%q, %d)", shop, version), err)
}

// restore reads the old version outside the save's script: a version's
// content never changes, and the script still checks ifMatch atomically.
func (r *Redis) restore(ctx context.Context, shop string, version int, ifMatch string) (string, error) {
	if err := checkShop(shop); err != nil {
		return "", err
	}
	recs, err := r.rdb.LRange(ctx, keysFor(shop).history, 0, -1).Result()
	if err != nil {
		return "", err
	}
	for _, rec := range recs {
		if h, _, err := splitVersion([]byte(rec)); err != nil || h.Version != version {
			continue
		}
		v, err := decodeVersion([]byte(rec))
		if err != nil {
			return "", err
		}
		return r.save(ctx, shop, v.Settings, ifMatch)
	}
	return "", ErrNotFound
}

// maxSaveAttempts bounds the optimistic loop when unconditional saves race.
const maxSaveAttempts = 100

func (r *Redis) save(ctx context.Context, shop string, doc []byte, ifMatch string) (string, error) {
	if err := checkShop(shop); err != nil {
		return "", err
	}
	if err := checkDoc(doc); err != nil {
		return "", err
	}
	k := keysFor(shop)
	if err := r.rdb.SAdd(ctx, shopsKey, shop).Err(); err != nil {
		return "", err
	}
	req := callID()
	for range maxSaveAttempts {
		cur, err := r.rdb.HGet(ctx, k.settings, "version").Int()
		if err != nil && !errors.Is(err, redis.Nil) {
			return "", err
		}
		now := r.opts.now()
		v := newVersion(cur, doc, now)
		res, err := saveScript.Run(ctx, r.rdb, []string{k.settings, k.history, k.meta},
			cur, ifMatch, v.Version, v.ETag, encodeVersion(v), formatTime(now), MaxVersions, req).Text()
		if err != nil {
			return "", err
		}
		switch res {
		case "ok":
			return v.ETag, nil
		case "conflict":
			return "", ErrConflict
		}
	}
	return "", fmt.Errorf("store: settings changed %d times while saving", maxSaveAttempts)
}

// History returns the shop's kept settings versions, newest first; the
// first is the current one. A shop without settings has an empty history;
// an unknown shop is ErrNotFound.
func (r *Redis) History(ctx context.Context, shop string) ([]Version, error) {
	vs, err := r.history(ctx, shop)
	return vs, r.wrap(fmt.Sprintf("History(%q)", shop), err)
}

func (r *Redis) history(ctx context.Context, shop string) ([]Version, error) {
	if err := checkShop(shop); err != nil {
		return nil, err
	}
	k := keysFor(shop)
	var exists *redis.IntCmd
	var recs *redis.StringSliceCmd
	if _, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		exists = p.Exists(ctx, k.meta)
		recs = p.LRange(ctx, k.history, 0, -1)
		return nil
	}); err != nil {
		return nil, err
	}
	if exists.Val() == 0 {
		return nil, ErrNotFound
	}
	var vs []Version
	for _, rec := range recs.Val() {
		v, err := decodeVersion([]byte(rec))
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

var setTokenScript = redis.NewScript(`
local fresh = redis.call('EXISTS', KEYS[1]) == 0
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'scopes', ARGV[2])
if fresh then
  redis.call('HSET', KEYS[2], 'installed_at', ARGV[3])
end
redis.call('HDEL', KEYS[2], 'uninstalled_at')
redis.call('HSET', KEYS[2], 'updated_at', ARGV[3])
return 'ok'
`)

// SetToken stores the shop's offline Admin API token and scopes (OAuth
// install, token exchange, single-shop mode). A shop without a token
// before counts as installed now.
func (r *Redis) SetToken(ctx context.Context, shop, token, scopes string) error {
	return r.wrap(fmt.Sprintf("SetToken(%q)", shop), r.setToken(ctx, shop, token, scopes))
}

func (r *Redis) setToken(ctx context.Context, shop, token, scopes string) error {
	if err := checkShop(shop); err != nil {
		return err
	}
	if token == "" {
		return errors.New("store: empty token")
	}
	stored, err := r.seal.seal(shop, token)
	if err != nil {
		return err
	}
	if err := r.rdb.SAdd(ctx, shopsKey, shop).Err(); err != nil {
		return err
	}
	k := keysFor(shop)
	return setTokenScript.Run(ctx, r.rdb, []string{k.token, k.meta}, stored, scopes, formatTime(r.opts.now())).Err()
}

var deleteTokenScript = redis.NewScript(`
if redis.call('DEL', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[2], 'uninstalled_at', ARGV[1], 'updated_at', ARGV[1])
end
return 'ok'
`)

// DeleteToken removes the shop's token (app/uninstalled) and records the
// uninstall; settings stay until DeleteShop (shop/redact). It is a no-op
// for a shop without a token, so a repeated webhook does no harm.
func (r *Redis) DeleteToken(ctx context.Context, shop string) error {
	err := checkShop(shop)
	if err == nil {
		k := keysFor(shop)
		err = deleteTokenScript.Run(ctx, r.rdb, []string{k.token, k.meta}, formatTime(r.opts.now())).Err()
	}
	return r.wrap(fmt.Sprintf("DeleteToken(%q)", shop), err)
}

// DeleteShop removes everything of the shop (shop/redact): settings,
// history, token, install state, fulfilment records and open orders, in one DEL. Deleting an unknown shop
// is a no-op.
func (r *Redis) DeleteShop(ctx context.Context, shop string) error {
	err := checkShop(shop)
	if err == nil {
		k := keysFor(shop)
		err = r.deleteFeedToken(ctx, shop)
		if err == nil {
			err = r.rdb.Del(ctx, k.settings, k.history, k.token, k.meta, fulfillmentsKey(shop), openOrdersKey(shop)).Err()
		}
	}
	if err == nil {
		err = r.rdb.SRem(ctx, shopsKey, shop).Err()
	}
	return r.wrap(fmt.Sprintf("DeleteShop(%q)", shop), err)
}

// wrap names the failing method and turns a closed client into ErrClosed.
func (r *Redis) wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.ErrClosed):
		err = ErrClosed
	}
	return fmt.Errorf("store: Redis.%s: %w", op, err)
}

// callID identifies one SaveSettings call across go-redis's retries.
func callID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: time %q: %v", ErrCorrupt, s, err)
	}
	return t, nil
}
