// Package store keeps what Leadtime knows about each installed shop: its
// settings document with a short version history, its offline Admin API
// token and scopes, and when it was installed or uninstalled (DESIGN §2, §5).
//
// Two implementations have the same method set: Bolt, an embedded bbolt file
// under DATA_DIR (the default), and Redis, used when REDIS_URL is set. Every
// write is atomic: a save either happens entirely or not at all (DESIGN:
// "Nothing is half-applied").
//
// The store does not validate settings: the caller checks a document with
// delivery.ParseSettings and delivery.Compile before it saves it, and the
// store keeps the bytes exactly as given.
package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// MaxVersions is how many settings versions a shop's history keeps, the
// current one included. Older versions are dropped by the save that makes
// them the 21st.
const MaxVersions = 20

// BoltFileName is the name of the embedded store's file inside DATA_DIR.
const BoltFileName = "leadtime.db"

// The error kinds callers tell apart with errors.Is.
var (
	// ErrNotFound: the shop, or the asked-for version, is not in the store.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: the If-Match ETag is not the current one (HTTP 412).
	// Nothing was saved.
	ErrConflict = errors.New("store: stale If-Match: settings changed since they were read")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
	// ErrDecrypt: a stored token cannot be decrypted: it was encrypted with
	// another key, no key is configured, or the value is damaged.
	ErrDecrypt = errors.New("store: cannot decrypt token")
	// ErrCorrupt: a stored settings version does not match its own ETag.
	ErrCorrupt = errors.New("store: stored settings are corrupt")
)

// Shop is everything the store holds about one shop.
type Shop struct {
	Domain string // the myshopify domain, e.g. "demo-handmade.myshopify.com"

	// Settings is the current settings document, exactly as saved; nil when
	// the shop has none yet. SettingsVersion counts saves (1 for the first);
	// ETag is the current strong ETag, quotes included.
	Settings        []byte
	SettingsVersion int
	ETag            string

	// Token is the offline Admin API access token, decrypted; "" when the
	// app is not installed (never installed, or app/uninstalled).
	Token  string
	Scopes string

	InstalledAt   time.Time // the latest install (SetToken without a token before); zero if never
	UninstalledAt time.Time // the latest app/uninstalled; zero while installed
	UpdatedAt     time.Time // the latest write of any kind
}

// Installed reports whether the shop has an Admin API token.
func (s *Shop) Installed() bool { return s.Token != "" }

// String describes the shop for logs and %v, with the token redacted.
func (s Shop) String() string {
	return fmt.Sprintf("{Domain:%s SettingsVersion:%d ETag:%s Token:%s Scopes:%s InstalledAt:%s UninstalledAt:%s UpdatedAt:%s}",
		s.Domain, s.SettingsVersion, s.ETag, redact(s.Token), s.Scopes,
		s.InstalledAt.Format(time.RFC3339), s.UninstalledAt.Format(time.RFC3339), s.UpdatedAt.Format(time.RFC3339))
}

// LogValue keeps the token out of slog output.
func (s Shop) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("domain", s.Domain),
		slog.Int("settings_version", s.SettingsVersion),
		slog.String("etag", s.ETag),
		slog.String("token", redact(s.Token)),
		slog.String("scopes", s.Scopes),
		slog.Time("installed_at", s.InstalledAt),
		slog.Time("uninstalled_at", s.UninstalledAt),
	)
}

func redact(token string) string {
	if token == "" {
		return ""
	}
	return "REDACTED"
}

// Version is one saved settings document.
type Version struct {
	Version  int
	ETag     string
	SavedAt  time.Time
	Settings []byte
}

// Options configure OpenBolt and OpenRedis. The zero value is valid: no
// encryption, time.Now, default timeouts.
type Options struct {
	// EncryptionKey, when set, must be 32 bytes (see ParseEncryptionKey):
	// tokens are then written encrypted with AES-256-GCM. Tokens written
	// in plaintext before a key was set stay readable.
	EncryptionKey []byte

	// Now returns the current time, for saved-at and install times.
	// Default time.Now.
	Now func() time.Time

	// LockTimeout (Bolt only) is how long OpenBolt waits for the file lock
	// that another process holds before it fails. Default 1 s.
	LockTimeout time.Duration

	// DialTimeout, ReadTimeout and WriteTimeout (Redis only) bound each
	// connection attempt and socket operation, so that a dead Redis gives
	// errors promptly instead of hanging requests. Zero keeps the value from
	// the URL's query (dial_timeout=…) or go-redis's default (5 s, 3 s, 3 s).
	DialTimeout, ReadTimeout, WriteTimeout time.Duration

	// RedisCluster (Redis only) opens a Redis Cluster client even for a
	// URL with one address (REDIS_CLUSTER=1); a URL with addr= parameters
	// is a cluster anyway (see internal/redisconn).
	RedisCluster bool
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

// checkShop rejects a domain that cannot be a key: the server has already
// checked the myshopify format (DESIGN §4), so this only keeps the key space
// clean, and the Redis hash tag "{shop}" intact.
func checkShop(shop string) error {
	if shop == "" || len(shop) > 255 {
		return fmt.Errorf("store: invalid shop domain %q", shop)
	}
	for _, r := range shop {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '.' || r == '-') {
			return fmt.Errorf("store: invalid shop domain %q", shop)
		}
	}
	return nil
}

// etagFor is the strong ETag of a settings version. It covers the version
// number as well as the content, so that restoring an old document gives a
// new ETag and a client holding the old one still gets a conflict.
func etagFor(version int, doc []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n", version)
	h.Write(doc)
	return fmt.Sprintf(`"%d-%x"`, version, h.Sum(nil)[:12])
}

// ifMatches implements If-Match against the current ETag (RFC 9110 §13.1.1,
// strong comparison): "" is unconditional, "*" asks for any current
// document, anything else must equal the current ETag.
func ifMatches(ifMatch, current string) bool {
	switch ifMatch {
	case "":
		return true
	case "*":
		return current != ""
	default:
		return ifMatch == current
	}
}

// versionHeader is the metadata stored before a version's document.
type versionHeader struct {
	Version int       `json:"v"`
	ETag    string    `json:"etag"`
	SavedAt time.Time `json:"saved_at"`
}

// encodeVersion is how both stores keep one version: a JSON header line,
// then the document bytes unchanged (no base64, no re-encoding).
func encodeVersion(v Version) []byte {
	hdr, _ := json.Marshal(versionHeader{Version: v.Version, ETag: v.ETag, SavedAt: v.SavedAt.UTC()})
	out := make([]byte, 0, len(hdr)+1+len(v.Settings))
	out = append(out, hdr...)
	out = append(out, '\n')
	return append(out, v.Settings...)
}

// decodeVersion reverses encodeVersion into fresh memory, and checks the
// content against the ETag so that damage is an error, never a silently
// wrong document.
func decodeVersion(rec []byte) (Version, error) {
	h, doc, err := splitVersion(rec)
	if err != nil {
		return Version{}, err
	}
	doc = bytes.Clone(doc)
	if etagFor(h.Version, doc) != h.ETag {
		return Version{}, fmt.Errorf("%w: version %d does not match its ETag", ErrCorrupt, h.Version)
	}
	return Version{Version: h.Version, ETag: h.ETag, SavedAt: h.SavedAt, Settings: doc}, nil
}

// splitVersion parses a version's header and returns its document without
// copying or checking it.
func splitVersion(rec []byte) (versionHeader, []byte, error) {
	var h versionHeader
	i := bytes.IndexByte(rec, '\n')
	if i < 0 {
		return h, nil, fmt.Errorf("%w: version record has no header", ErrCorrupt)
	}
	if err := json.Unmarshal(rec[:i], &h); err != nil {
		return h, nil, fmt.Errorf("%w: version header: %v", ErrCorrupt, err)
	}
	return h, rec[i+1:], nil
}

// newVersion builds the version that a save of doc after version cur makes.
func newVersion(cur int, doc []byte, now time.Time) Version {
	v := cur + 1
	return Version{Version: v, ETag: etagFor(v, doc), SavedAt: now, Settings: doc}
}

func checkDoc(doc []byte) error {
	if len(doc) == 0 {
		return errors.New("store: empty settings document")
	}
	return nil
}
